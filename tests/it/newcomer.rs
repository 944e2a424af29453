//! What a newcomer trips over (the issue "What a newcomer trips over"): each test reproduces
//! one wrong result, silent no-op or unhelpful message and checks the fix with the real tools
//! (tar, dpkg-deb, rpm, bash, man).

use std::path::Path;
use std::process::Output;

use crate::common::*;

/// `pkgr ARGS` in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    pkgr().current_dir(dir).args(args).output().unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The regular files and hard links of a tarball, as `tar -tv` shows them (type char + path).
fn tar_list(t: &Path) -> Vec<String> {
    sh(&format!("tar -tvf '{}'", t.display()))
        .lines()
        .map(|l| {
            let kind = &l[..1];
            let path = l.split_whitespace().nth(5).unwrap_or_default();
            format!("{kind} {path}")
        })
        .collect()
}

/// Item 1: `dst = "/usr/share/x/"` in `[[files]]` puts the file inside the directory, as
/// `a.conf=/usr/share/x/` does on the command line.
#[test]
fn a_trailing_slash_means_inside_the_directory_in_both_places() {
    require(&["tar"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.conf"), "x\n").unwrap();
    std::fs::write(
        d.path().join("pkgr.toml"),
        "source = \"dir\"\nname = \"slash\"\ntargets = [\"tar\"]\npackage = \"toml.tar\"\n\
         [[files]]\nsrc = \"a.conf\"\ndst = \"/usr/share/x/\"\n",
    )
    .unwrap();
    ok(&run_in(d.path(), &[]));
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "tar",
            "-n",
            "slash",
            "-p",
            "cli.tar",
            "a.conf=/usr/share/x/",
        ],
    ));
    for t in ["toml.tar", "cli.tar"] {
        let l = tar_list(&d.path().join(t));
        assert!(
            l.contains(&"- ./usr/share/x/a.conf".to_string()),
            "{t}: {l:?}"
        );
    }
}

/// Item 2: `--prefix` applies to an absolute PATH and to relative destinations, as in fpm.
#[test]
fn prefix_applies_to_absolute_paths_and_relative_destinations() {
    require(&["tar"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("tree/bin")).unwrap();
    std::fs::write(d.path().join("tree/bin/tool"), "#!/bin/sh\n").unwrap();
    let abs = d.path().join("tree");
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "tar",
            "-n",
            "pre",
            "-p",
            "abs.tar",
            "--prefix",
            "/usr/local",
            abs.to_str().unwrap(),
        ],
    ));
    let want = format!("- ./usr/local{}/bin/tool", abs.display());
    let l = tar_list(&d.path().join("abs.tar"));
    assert!(l.contains(&want), "{want} not in {l:?}");
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "tar",
            "-n",
            "pre",
            "-p",
            "rel.tar",
            "--prefix",
            "/opt/pre",
            "tree=.",
            "tree/bin/tool=sbin/tool",
        ],
    ));
    let l = tar_list(&d.path().join("rel.tar"));
    // The same file named twice is one hard-link set (item 3).
    for want in ["- ./opt/pre/bin/tool", "h ./opt/pre/sbin/tool"] {
        assert!(l.contains(&want.to_string()), "{want} not in {l:?}");
    }
}

/// Item 2, virtualenv: `--prefix` is where the venv is installed (fpm's meaning), and it
/// runs from there.
#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn prefix_is_the_install_location_of_a_virtualenv() {
    require(&["dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("hello-app", d.path());
    let out = run_in(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb",
            "--prefix",
            "/opt/hello-prefix",
            "-p",
            "h.deb",
            app.to_str().unwrap(),
        ],
    );
    ok(&out);
    let root = extract(&d.path().join("h.deb"), &d.path().join("x"));
    assert!(root.join("opt/hello-prefix/bin/pkgr-hello").is_file());
    assert!(!root.join("opt/venvs").exists());
    let clash = run_in(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb",
            "--prefix",
            "/opt/a",
            "--venv-prefix",
            "/opt/b",
            app.to_str().unwrap(),
        ],
    );
    assert_eq!(clash.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&clash.stderr).contains("disagree"));
}

/// Item 3: two named arguments that are one inode are one hard-link set in every format.
#[test]
fn hard_links_named_separately_are_stored_once_everywhere() {
    require(&["tar", "dpkg-deb", "rpm"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("hl")).unwrap();
    std::fs::write(d.path().join("hl/a"), "shared data\n").unwrap();
    std::fs::hard_link(d.path().join("hl/a"), d.path().join("hl/b")).unwrap();
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "deb,rpm,tar",
            "-n",
            "hl",
            "-m",
            "A B <a@example.org>",
            "-p",
            "out/",
            "-C",
            "hl",
            "a=/foo",
            "b=/bar",
        ],
    ));
    let out = d.path().join("out");
    let deb = sh(&format!("dpkg-deb -c {}/hl_1.0_*.deb", out.display()));
    assert!(deb.contains("./foo link to ./bar"), "{deb}");
    let tar = sh(&format!("tar -tvf {}/hl-1.0.*.tar*", out.display()));
    assert!(tar.contains("./foo link to ./bar"), "{tar}");
    let rpm = sh(&format!(
        "rpm -qp --qf '[%{{FILENAMES}} %{{FILEINODES}} %{{FILENLINKS}}\\n]' {}/hl-1.0-*.rpm",
        out.display()
    ));
    let rows: Vec<Vec<&str>> = rpm.lines().map(|l| l.split(' ').collect()).collect();
    assert_eq!(rows.len(), 2, "{rpm}");
    assert_eq!(rows[0][1], rows[1][1], "one inode: {rpm}");
    assert!(rows.iter().all(|r| r[2] == "2"), "nlink 2: {rpm}");
}

/// Items 13 and 18: every field problem at once, before the source is read, each named where
/// its value came from (the flag, or the pkgr.toml key and its line).
#[test]
fn every_field_problem_is_reported_at_once_and_named_where_it_came_from() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("pkgr.toml"),
        "source = \"dir\"\nname = \"ok-name\"\nmaintainer = \"nobody\"\ncategory = \"x y\"\n\
         paths = [\"missing-dir=/opt/x\"]\n[deb]\npriority = \"urgent\"\n",
    )
    .unwrap();
    let out = run_in(d.path(), &["-t", "deb", "-v", "a b"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for needle in [
        "Version (-v/--version): 'a b'",
        "Maintainer (pkgr.toml 'maintainer' at line 3): 'nobody'",
        "Section (pkgr.toml 'category' at line 4): 'x y'",
        "Priority (pkgr.toml [deb] 'priority' at line 7): 'urgent'",
        "4 problems, nothing was built",
    ] {
        assert!(err.contains(needle), "'{needle}' not in:\n{err}");
    }
    // The source was never read: the missing directory is not among the problems.
    assert!(!err.contains("missing-dir"), "{err}");
    assert_eq!(err.matches("pkgr: error:").count(), 4, "{err}");
}

/// Items 13 and 14, virtualenv: a bad field stops the build before pip runs.
#[test]
fn a_bad_field_stops_a_virtualenv_build_before_pip() {
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("hello-app", d.path());
    let out = run_in(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb",
            "-m",
            "bad",
            "--category",
            "nope",
            app.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("creating a virtualenv"), "{err}");
    assert!(err.contains("Maintainer (-m/--maintainer): 'bad'"), "{err}");
    assert!(err.contains("Section (--category): 'nope'"), "{err}");
}

/// Item 19: a name Debian refuses gets the name to use; an empty directory mentions init.
#[test]
fn messages_name_the_fix() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), "x").unwrap();
    let out = run_in(d.path(), &["-s", "dir", "-t", "deb", "-n", "MyApp", "f=/f"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("use 'myapp'"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let out = run_in(empty.path(), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`pkgr init`"), "{err}");
}

/// Item 6: rpm keeps a file's group/other write bits and the first line of the description.
#[test]
fn rpm_keeps_modes_and_the_whole_description() {
    require(&["rpm"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("m")).unwrap();
    let f = d.path().join("m/f");
    std::fs::write(&f, "x\n").unwrap();
    std::fs::set_permissions(&f, std::os::unix::fs::PermissionsExt::from_mode(0o1777)).unwrap();
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "rpm",
            "-n",
            "modes",
            "-p",
            "m.rpm",
            "--description",
            "First line\nSecond line",
            "-C",
            "m",
            ".",
        ],
    ));
    let rpm = d.path().join("m.rpm");
    let modes = sh(&format!(
        "rpm -qp --qf '[%{{FILEMODES:perms}} %{{FILENAMES}}\\n]' '{}'",
        rpm.display()
    ));
    assert!(modes.contains("-rwxrwxrwt /f"), "{modes}");
    let desc = sh(&format!(
        "rpm -qp --qf '%{{SUMMARY}}|%{{DESCRIPTION}}' '{}'",
        rpm.display()
    ));
    // The first line is the Summary and also starts %description, as fpm writes it.
    assert_eq!(desc, "First line|First line\nSecond line");
}

/// Item 17: `pkgr inspect <TAB>` in bash offers file names.
#[test]
fn bash_completes_file_names_for_inspect() {
    require(&["bash"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pkg_1.0_all.deb"), "").unwrap();
    let script = stdout(&run_ok(pkgr().args(["completions", "bash"])));
    std::fs::write(d.path().join("c.bash"), script).unwrap();
    let got = sh(&format!(
        "cd '{}' && bash -c 'source ./c.bash; COMP_WORDS=(pkgr inspect pkg); COMP_CWORD=2; _pkgr pkgr pkg inspect; printf \"%s\\n\" \"${{COMPREPLY[@]}}\"'",
        d.path().display()
    ));
    assert_eq!(got.trim(), "pkg_1.0_all.deb");
    // Options still complete after a '-'.
    let got = sh(&format!(
        "cd '{}' && bash -c 'source ./c.bash; COMP_WORDS=(pkgr inspect --j); COMP_CWORD=2; _pkgr pkgr --j inspect; printf \"%s\\n\" \"${{COMPREPLY[@]}}\"'",
        d.path().display()
    ));
    assert_eq!(got.trim(), "--json");
}

/// Item 16: the man page documents the commands, pkgr.toml, exit status and environment in
/// itself, and refers to no page that is not installed.
#[test]
fn the_man_page_is_self_contained() {
    require(&["man"]);
    let man = stdout(&run_ok(pkgr().arg("man")));
    for section in [
        ".SH COMMANDS",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH \"SEE ALSO\"",
    ] {
        assert!(man.contains(section), "{section} missing");
    }
    assert!(!man.contains("pkgr\\-inspect(1)") && !man.contains(".SH EXTRA"));
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pkgr.1"), &man).unwrap();
    let shown = sh(&format!(
        "MANWIDTH=100 man -l '{}/pkgr.1' 2>/dev/null",
        d.path().display()
    ));
    let warnings = sh(&format!(
        "MANWIDTH=100 man --warnings -l '{}/pkgr.1' 2>&1 >/dev/null",
        d.path().display()
    ));
    assert!(warnings.trim().is_empty(), "groff warnings:\n{warnings}");
    for needle in [
        "pkgr inspect [FILE] [--json]",
        "SOURCE_DATE_EPOCH",
        "deb-compression",
        "129, 130, 143",
    ] {
        assert!(
            shown.contains(needle),
            "'{needle}' not in the rendered page"
        );
    }
}

/// Item 4: `--workdir` that is missing or a regular file is refused, with -s dir and with
/// -s virtualenv alike, and nothing is created.
#[test]
fn workdir_must_be_an_existing_directory_for_every_source() {
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("hello-app", d.path());
    std::fs::write(d.path().join("afile"), "x").unwrap();
    std::fs::write(d.path().join("f"), "x").unwrap();
    let missing = d.path().join("no/such/dir");
    for source in [
        vec!["-s", "dir", "-n", "wd", "f=/f"],
        vec!["-s", "virtualenv", app.to_str().unwrap()],
    ] {
        for (w, why) in [
            (missing.to_str().unwrap(), "create the directory first"),
            ("afile", "is not a directory"),
        ] {
            let mut args = vec!["-t", "deb", "--workdir", w];
            args.extend(&source);
            let out = run_in(d.path(), &args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert!(err.contains("--workdir") && err.contains(why), "{err}");
            assert!(!err.contains("creating a virtualenv"), "{err}");
        }
    }
    assert!(!d.path().join("no").exists(), "--workdir was created");
}

/// Item 7: `-v` always takes a value (as fpm's does): an empty `$(VERSION)` is an error that
/// builds nothing, never pkgr's own version and exit 0.
#[test]
fn an_empty_version_is_an_error_not_a_silent_exit() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), "x").unwrap();
    for args in [
        vec!["-s", "dir", "-t", "deb", "-n", "ab", "f=/f", "-v"],
        vec!["-v"],
    ] {
        let out = run_in(d.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("a value is required"));
    }
    let names: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "something was written");
    // pkgr's own version: -V, or --version alone.
    for own in ["-V", "--version"] {
        let out = run_ok(pkgr().arg(own));
        assert!(stdout(&out).starts_with("pkgr "));
    }
}

/// Item 15: `pkgr --help` groups the options under headings.
#[test]
fn help_groups_the_options() {
    let help = stdout(&run_ok(pkgr().arg("--help")));
    for heading in [
        "Input and output:",
        "Package metadata:",
        "Relations:",
        "Contents:",
        "Maintainer scripts:",
        "Services:",
        "-s dir:",
        "-s virtualenv:",
        "-t deb:",
        "-t rpm:",
        "-t tar:",
    ] {
        assert!(help.contains(heading), "'{heading}' missing from --help");
    }
}

/// Item 14: `--verbose` shows pip's own output while it runs.
#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn verbose_shows_what_pip_does() {
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("hello-app", d.path());
    let out = run_in(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "tar",
            "--verbose",
            "-p",
            "v.tar",
            app.to_str().unwrap(),
        ],
    );
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pkgr:   Successfully installed"), "{err}");
    let quiet = run_in(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "tar",
            "-f",
            "-p",
            "v.tar",
            app.to_str().unwrap(),
        ],
    );
    ok(&quiet);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("Successfully installed"));
    // On a terminal (script(1)'s pseudo-terminal) the step shows with its elapsed time.
    require(&["script"]);
    let line = format!(
        "cd '{}' && {} -s virtualenv -t tar -f -p v.tar '{}'",
        d.path().display(),
        env!("CARGO_BIN_EXE_pkgr"),
        app.display()
    );
    let tty = run_ok(std::process::Command::new("script").args(["-qec", &line, "/dev/null"]));
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(
        shown.contains("installing the application (") && shown.contains("s)"),
        "no step with elapsed time on a terminal: {shown}"
    );
}

/// Item 9: an rpm owns the directories it creates (a mapped directory, `--directories`, one
/// named after the package), never one it merely passes through (`/etc/init.d`, `/etc/pki`,
/// which initscripts/chkconfig and ca-certificates own on EL systems) nor the base system's.
#[test]
fn rpm_owns_only_the_directories_the_package_creates() {
    require(&["rpm"]);
    let d = tempfile::tempdir().unwrap();
    for f in [
        "sys/etc/init.d/sysd",
        "sys/etc/pki/sysd.pem",
        "sys/opt/sysd/lib/z",
    ] {
        let p = d.path().join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x\n").unwrap();
    }
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "rpm",
            "-n",
            "sysd",
            "-p",
            "s.rpm",
            "--directories",
            "/var/lib/sysd-state",
            "-C",
            "sys",
            ".",
        ],
    ));
    let dirs = sh(&format!(
        "rpm -qp --qf '[%{{FILEMODES:perms}} %{{FILENAMES}}\\n]' '{}' | grep '^d' | cut -d' ' -f2",
        d.path().join("s.rpm").display()
    ));
    let dirs: Vec<&str> = dirs.lines().collect();
    assert_eq!(
        dirs,
        ["/opt/sysd", "/opt/sysd/lib", "/var/lib/sysd-state"],
        "owned directories"
    );
    ok(&run_in(
        d.path(),
        &[
            "-s",
            "dir",
            "-t",
            "rpm",
            "-n",
            "other",
            "-p",
            "o.rpm",
            "sys/etc=/opt/other-tree",
        ],
    ));
    let dirs = sh(&format!(
        "rpm -qp --qf '[%{{FILEMODES:perms}} %{{FILENAMES}}\\n]' '{}' | grep '^d' | cut -d' ' -f2",
        d.path().join("o.rpm").display()
    ));
    assert!(
        dirs.lines().any(|l| l == "/opt/other-tree/init.d"),
        "{dirs}"
    );
}
