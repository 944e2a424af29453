//! Hostile input and faults (the issue "Hostile input and faults"): each test reproduces one
//! escape or fault and proves it is closed: nothing from outside the tree gets in, nothing
//! lands outside `-p`, signals clean up, and a closed stdout is not a crash.

use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn fields_in_a_file_name_cannot_leave_the_output_directory() {
    let s = Scratch::new();
    let base = ["-s", "dir", "-n", "ab", "-m", "A B <a@example.org>"];
    let before = tree(s.dir.path());
    for (targets, extra, needles) in [
        (
            "tar",
            vec!["-v", "1/../../escaped", "-p", "out/"],
            vec!["Version", "'1/../../escaped'", "file name"],
        ),
        (
            "tar",
            vec!["-a", "../../../x", "-p", "out/"],
            vec!["Architecture", "'../../../x'"],
        ),
        ("tar", vec!["-n", "..", "-p", "out/"], vec!["Name", "'..'"]),
        (
            "deb,rpm,tar",
            vec!["-v", "1.0", "-p", "out/NAME/VERSION.EXTENSION", "-n", "ab"],
            vec![],
        ),
        (
            "tar",
            vec!["-v", "1\nforged  line", "-p", "out/"],
            vec!["control character"],
        ),
        (
            "rpm",
            vec!["-n", "..", "-p", "out/NAME.EXTENSION"],
            vec!["Name", "'..'"],
        ),
    ] {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(["-t", targets]);
        args.extend(extra.iter().copied());
        args.push("tree=/opt/ab");
        let out = s.pkgr(&args);
        if needles.is_empty() {
            // A template whose directories do not exist: refused before anything is written.
            assert_eq!(out.status.code(), Some(2), "{out:?}");
        } else {
            refused(&out, 2, &needles);
        }
        assert_eq!(tree(s.dir.path()), before, "{args:?} wrote something");
    }
    // A value can never add a path component to a template: VERSION is one component.
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "tar",
        "-n",
        "ab",
        "-v",
        "../x",
        "-p",
        "out/VERSION.EXTENSION",
        "tree=/opt/ab",
    ]);
    refused(&out, 2, &["'../x'"]);
    assert_eq!(tree(s.dir.path()), before);
}

#[test]
fn stdout_lines_cannot_be_forged_by_a_file_name() {
    let s = Scratch::new();
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/a\nfake  line.deb",
        "tree=/opt/ab",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text:?}");
    // GNU coreutils' escaping: a leading backslash, the newline as \n; sha256sum -c reads it.
    assert!(
        text.starts_with('\\') && text.contains("out/a\\nfake  line.deb"),
        "{text:?}"
    );
    let check = Command::new("sha256sum")
        .arg("-c")
        .current_dir(s.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    check
        .stdin
        .as_ref()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let res = check.wait_with_output().unwrap();
    assert!(res.status.success(), "{}", stdout(&res));
}

/// A payload file swapped for a symlink to a secret after the walk: every format refuses it,
/// and not one byte of the secret reaches the output.
#[test]
fn a_file_swapped_for_a_symlink_after_the_walk_is_refused() {
    use pkgr::compress::{Algorithm, Compression};
    use pkgr::format::{deb::Deb, rpm::Rpm, tar::Tar, Format, WriteContext};
    use pkgr::model::{Package, PkgPath};
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("tree");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("app.txt"), "harmless\n").unwrap();
    let secret = d.path().join("secret");
    std::fs::write(&secret, "TOP-SECRET-BYTES\n").unwrap();
    let listener = pkgr::listener::Collect::default();
    let mut pkg = Package::default();
    pkg.meta.name = "ab".into();
    pkg.meta.version = "1.0".into();
    pkg.meta.architecture = "all".into();
    pkg.meta.maintainer = "A B <a@example.org>".into();
    pkg.meta.description = "x\ny".into();
    pkg.entries = pkgr::source::walk(
        &root,
        &PkgPath::parse("/opt/ab").unwrap(),
        &pkgr::source::Excludes::new(&[]).unwrap(),
        pkgr::source::ExternalLinks::Warn,
        &listener,
    )
    .unwrap();
    pkg.finalize().unwrap();
    // The race: the file becomes a symlink to the secret between the walk and the write.
    std::fs::remove_file(root.join("app.txt")).unwrap();
    symlink(&secret, root.join("app.txt")).unwrap();
    let ctx = WriteContext {
        mtime: 1,
        listener: &listener,
        auto_depends: false,
        strict: false,
        scratch: None,
    };
    let z = Compression::new(Algorithm::None, None).unwrap();
    let formats: Vec<Box<dyn Format>> = vec![
        Box::new(Deb::new(z)),
        Box::new(Rpm::new(z, "pkgr".into())),
        Box::new(Tar::new(z, None)),
    ];
    for f in formats {
        let mut out = Vec::new();
        let e = pkgr::format::build(f.as_ref(), &pkg, &mut out, &ctx)
            .unwrap_err()
            .to_string();
        assert!(e.contains("replaced by a symlink"), "{}: {e}", f.name());
        assert!(
            !out.windows(16).any(|w| w == b"TOP-SECRET-BYTES"),
            "{}: the secret reached the package",
            f.name()
        );
    }
}

#[test]
fn a_venv_symlink_into_the_host_warns_and_strict_refuses_it() {
    let d = tempfile::tempdir().unwrap();
    let venv = d.path().join("venv");
    bare_venv(&venv);
    let (minor, _) = system_python();
    let site = venv.join(format!("lib/python{minor}/site-packages"));
    symlink("/etc/shadow", site.join("x")).unwrap();
    let out_dir = d.path().join("out");
    let args = |extra: &[&str]| {
        let mut c = pkgr();
        c.args(["-s", "virtualenv", "-t", "deb", "-n", "vv", "-v", "1.0"])
            .args(extra)
            .arg("-p")
            .arg(format!("{}/", out_dir.display()))
            .arg(&venv);
        c
    };
    let out = run_ok(&mut args(&[]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: symlink") && err.contains("/etc/shadow"),
        "{err}"
    );
    assert!(
        !err.lines()
            .any(|l| l.contains("warning") && l.contains("bin/python")),
        "the interpreter link is expected: {err}"
    );
    let out = args(&["--strict", "-f"]).output().unwrap();
    refused(&out, 2, &["site-packages/x", "/etc/shadow", "--strict"]);
}

#[test]
fn recipe_paths_and_command_line_sources_follow_one_documented_rule() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.p("sub")).unwrap();
    std::fs::write(s.p("README.txt"), "read me\n").unwrap();
    // A pkgr.toml is the repository's recipe: it may name ../README.txt in paths and in
    // [[files]] alike (a monorepo's layout).
    std::fs::write(
        s.p("sub/pkgr.toml"),
        "source = \"dir\"\ntargets = [\"deb\"]\nname = \"ab\"\narchitecture = \"all\"\nmaintainer = \"A B <a@example.org>\"\n\
         paths = [\"../tree=/opt/ab\"]\npackage = \"../out/\"\n\
         [[files]]\nsrc = \"../README.txt\"\ndst = \"/usr/share/doc/ab/README.txt\"\n",
    )
    .unwrap();
    run_ok(pkgr().current_dir(s.p("sub")));
    let deb = s.p("out/ab_1.0_all.deb");
    let names: Vec<String> = contents(&deb).into_iter().map(|c| c.2).collect();
    assert!(names.contains(&"./opt/ab/app.txt".to_string()), "{names:?}");
    assert!(
        names.contains(&"./usr/share/doc/ab/README.txt".to_string()),
        "{names:?}"
    );
    // On the command line, -C is a root: a relative source may not climb out of it...
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-C",
        "sub",
        "-p",
        "out/",
        "-f",
        "../tree=/opt/ab",
    ]);
    refused(
        &out,
        2,
        &["'../tree'", "climbs out of the -C directory with '..'"],
    );
    // ...but an absolute source is explicit and used as given (there is no '..' to report).
    let abs = format!("{}=/usr/bin/h", s.p("tree/app.txt").display());
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-C",
        "sub",
        "-p",
        "out/",
        "-f",
        &abs,
    ]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn owners_are_checked_for_every_format() {
    let s = Scratch::new();
    for (owner, needle) in [
        ("ro\\not", "owner of /opt/ab/app.txt"),
        (&*"x".repeat(40), "1-31"),
    ] {
        std::fs::write(
            s.p("pkgr.toml"),
            format!(
                "[[files]]\nsrc = \"tree/app.txt\"\ndst = \"/opt/ab/app.txt\"\nowner = \"{owner}\"\n"
            ),
        )
        .unwrap();
        for t in ["deb", "rpm", "tar"] {
            let out = s.pkgr(&[
                "--config",
                "pkgr.toml",
                "-s",
                "dir",
                "-t",
                t,
                "-n",
                "ab",
                "-m",
                "A B <a@example.org>",
                "-p",
                "out/",
            ]);
            refused(&out, 2, &[needle]);
        }
    }
    assert!(s.out_files().is_empty());
}

#[test]
fn init_never_pastes_project_metadata_into_the_recipe() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("pyproject.toml"),
        "[project]\nname = \"app\\nindex-url = \\\"http://attacker/simple\\\"\"\nversion = \"1\"\n",
    )
    .unwrap();
    run_ok(pkgr().arg("init").arg(d.path()));
    let text = std::fs::read_to_string(d.path().join("pkgr.toml")).unwrap();
    assert!(!text.contains("attacker"), "{text}");
    let parsed: toml::Table = toml::from_str(&text).unwrap();
    assert!(!parsed.contains_key("index-url"), "{text}");
}

#[test]
fn inspect_escapes_terminal_sequences_and_marks_members_outside_the_root() {
    let d = tempfile::tempdir().unwrap();
    let tar = d.path().join("evil.tar");
    // Built with Python's tarfile, which writes any member name it is given.
    let script = format!(
        "import io, tarfile\n\
         t = tarfile.open('{}', 'w')\n\
         for name in ['./evil\\x1b[2Jname', '../outside', '/etc/abs']:\n\
         \x20   i = tarfile.TarInfo(name); i.size = 1\n\
         \x20   t.addfile(i, io.BytesIO(b'x'))\n\
         t.close()\n",
        tar.display()
    );
    run_ok(Command::new("/usr/bin/python3").args(["-c", &script]));
    let out = run_ok(pkgr().arg("inspect").arg(&tar));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}'),
        "a raw escape reached the terminal: {text:?}"
    );
    assert!(text.contains("evil\\u{1b}[2Jname"), "{text}");
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap()
            .to_string()
    };
    assert!(line("outside").contains("[outside the root"), "{text}");
    assert!(line("/etc/abs").contains("[outside the root"), "{text}");
    assert!(!line("evil").contains("[outside the root"), "{text}");
    let json = stdout(&run_ok(pkgr().args(["inspect", "--json"]).arg(&tar)));
    assert!(json.contains("\"outside\": true"), "{json}");
}

#[test]
fn fifos_given_as_inputs_are_refused_without_blocking() {
    let s = Scratch::new();
    run_ok(Command::new("mkfifo").arg(s.p("fifo")));
    let t0 = Instant::now();
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "--after-install",
        "fifo",
        "-p",
        "out/",
        "tree=/opt/ab",
    ]);
    refused(&out, 2, &["--after-install", "FIFO"]);
    let out = s.pkgr(&["--config", "fifo", "-s", "dir", "-t", "deb", "tree=/opt/ab"]);
    refused(&out, 2, &["fifo", "FIFO"]);
    let out = s.pkgr(&["inspect", "fifo"]);
    refused(&out, 2, &["fifo", "FIFO"]);
    assert!(t0.elapsed() < Duration::from_secs(20), "something blocked");
    assert!(s.out_files().is_empty());
}

#[test]
fn rpm_build_time_is_source_date_epoch_even_in_the_future() {
    require(&["rpm"]);
    let s = Scratch::new();
    let build = |name: &str| {
        let o = pkgr()
            .current_dir(s.dir.path())
            .env("SOURCE_DATE_EPOCH", "4000000000")
            .args([
                "-s",
                "dir",
                "-t",
                "rpm",
                "-n",
                "ab",
                "-m",
                "A B <a@example.org>",
                "-p",
                name,
                "tree=/opt/ab",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        std::fs::read(s.p(name)).unwrap()
    };
    let a = build("out/a.rpm");
    std::thread::sleep(Duration::from_millis(1100));
    let b = build("out/b.rpm");
    assert!(a == b, "two builds differ");
    let q = stdout(&run_ok(
        Command::new("rpm")
            .args(["-qp", "--qf", "%{BUILDTIME} [%{FILEMTIMES} ]"])
            .arg(s.p("out/a.rpm")),
    ));
    assert!(q.starts_with("4000000000 4000000000"), "{q}");
}

/// A 5 GiB file (sparse on disk) into an rpm while pkgr may use at most 4 GiB of address
/// space: the payload is streamed, so it is built, and rpm verifies it.
#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: writes gigabytes")]
fn a_5_gib_rpm_is_built_in_bounded_memory() {
    require(&["rpm"]);
    let s = Scratch::new();
    run_ok(
        Command::new("truncate")
            .args(["-s", "5G"])
            .arg(s.p("tree/big.bin")),
    );
    let cmd = format!(
        "ulimit -v 4194304 && exec '{}' -s dir -t rpm -a all -n ab -m 'A B <a@example.org>' -p out/ tree=/opt/ab",
        env!("CARGO_BIN_EXE_pkgr")
    );
    let o = Command::new("sh")
        .args(["-c", &cmd])
        .current_dir(s.dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rpm = s.p("out/ab-1.0-1.noarch.rpm");
    let q = stdout(&run_ok(
        Command::new("rpm")
            .args(["-qp", "--qf", "[%{FILENAMES} %{LONGFILESIZES}\n]"])
            .arg(&rpm),
    ));
    assert!(q.contains("/opt/ab/big.bin 5368709120"), "{q}");
    let k = stdout(&run_ok(Command::new("rpm").args(["-K", "-v"]).arg(&rpm)));
    assert!(k.contains("Payload SHA256 digest: OK"), "{k}");
    let reqs = stdout(&run_ok(
        Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm),
    ));
    assert!(reqs.contains("rpmlib(LargeFiles)"), "{reqs}");
}
