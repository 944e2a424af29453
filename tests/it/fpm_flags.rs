//! fpm's vocabulary in pkgr: every row of `pkgr::fpm::FLAGS` is true of the real command line
//! (docs/fpm.md is generated from it), and each fpm flag pkgr implements does what fpm does,
//! judged with dpkg-deb, rpm and tar.

use std::path::Path;

use super::common::*;

/// docs/fpm.md is the table's output, so it cannot drift from the code
/// (`PKGR_UPDATE_GOLDEN=1 cargo test docs_fpm_md` rewrites it after a change to src/fpm.rs).
#[test]
fn docs_fpm_md_is_the_table() {
    let path = repo().join("docs/fpm.md");
    if std::env::var_os("PKGR_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, pkgr::fpm::markdown()).unwrap();
    }
    let doc = std::fs::read_to_string(&path).unwrap();
    assert!(
        doc == pkgr::fpm::markdown(),
        "docs/fpm.md is stale: rewrite it with `PKGR_UPDATE_GOLDEN=1 cargo test docs_fpm_md`"
    );
}

/// Each row says what the parser really does: flags pkgr has (same, different, alias) are
/// parsed by clap; negations name a boolean flag of pkgr; ignored and refused ones are not
/// clap's (the rewrite handles them), and a refused one exits 2 naming itself.
#[test]
fn every_row_is_true_of_the_command_line() {
    use pkgr::fpm::Status;
    let known = pkgr::cli::long_flags();
    for f in pkgr::fpm::FLAGS {
        let bare = &f.flag[2..];
        match f.status {
            Status::Same | Status::Different(_) => {
                assert!(known.contains(bare), "{}: pkgr has no such flag", f.flag)
            }
            Status::Alias(of) => {
                assert!(known.contains(bare), "{}: not an alias", f.flag);
                assert!(known.contains(of), "{}: --{of} does not exist", f.flag);
            }
            Status::Negation(of) => {
                assert!(!known.contains(bare), "{}: clap has it", f.flag);
                assert!(known.contains(of), "{}: --{of} does not exist", f.flag);
            }
            Status::Ignored(_) | Status::Refused(_) => {
                assert!(!known.contains(bare), "{}: clap has it", f.flag)
            }
        }
    }
    let s = Scratch::new();
    for f in pkgr::fpm::FLAGS {
        let value = if f.takes_value { "x" } else { "" };
        let mut args = vec![
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "ab",
            "tree=/opt/ab",
            "-p",
            "out/",
        ];
        args.push(f.flag);
        if f.takes_value {
            args.push(value);
        }
        match f.status {
            Status::Refused(_) => {
                let out = s.pkgr(&args);
                refused(&out, 2, &[f.flag, "not supported by pkgr"]);
                assert!(s.out_files().is_empty(), "{}", f.flag);
            }
            Status::Ignored(_) => {
                let out = s.pkgr(&args);
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(
                    out.status.success() && err.contains(&format!("fpm's {} is ignored", f.flag)),
                    "{}: {err}",
                    f.flag
                );
                std::fs::remove_dir_all(s.p("out")).unwrap();
                std::fs::create_dir(s.p("out")).unwrap();
            }
            _ => {}
        }
    }
}

/// The misleading tips the issue found are gone: fpm's flags get pkgr's own answer.
#[test]
fn fpm_flags_get_no_spelling_guess() {
    let s = Scratch::new();
    for (flag, needle) in [
        ("--deb-upstart", "upstart left Debian"),
        ("--no-gem-fix-name", "'gem' package type"),
        ("--rpm-tag", "arbitrary spec tags"),
    ] {
        let out = s.run("deb", &[flag, "x", "tree"]);
        refused(&out, 2, &[needle]);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("similar"),
            "{flag}"
        );
    }
}

fn rpm_q(rpm: &Path, fmt: &str) -> String {
    sh(&format!(
        "rpm -qp --qf '{fmt}' '{}' 2>/dev/null",
        rpm.display()
    ))
}

/// bzip2 and lzma, as fpm users ask for them: dpkg-deb, rpm and tar read every one.
#[test]
fn bzip2_and_lzma_compression_are_read_by_the_real_tools() {
    require(&["dpkg-deb", "rpm", "rpm2cpio", "cpio", "tar"]);
    let s = Scratch::new();
    for (deb, rpm, tar) in [("bzip2", "bzip2", "bzip2"), ("lzma", "lzma", "lzma")] {
        let p = format!("out/{deb}/");
        let out = s.pkgr(&[
            "-s",
            "dir",
            "-t",
            "deb,rpm,tar",
            "-n",
            "ab",
            "-v",
            "1.0",
            "tree=/opt/ab",
            "--deb-compression",
            deb,
            "--rpm-compression",
            rpm,
            "--tar-compression",
            tar,
            "-p",
            &p,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dir = s.p(&p);
        let find = |ext: &str| {
            std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.to_string_lossy().contains(ext))
                .unwrap()
        };
        let d = find(".deb");
        let members = sh(&format!("ar t '{}'", d.display()));
        let suffix = if deb == "bzip2" { "bz2" } else { "lzma" };
        assert!(members.contains(&format!("data.tar.{suffix}")), "{members}");
        assert!(sh(&format!("dpkg-deb -c '{}'", d.display())).contains("./opt/ab/app.txt"));
        let r = find(".rpm");
        assert_eq!(rpm_q(&r, "%{PAYLOADCOMPRESSOR}"), rpm);
        assert!(sh(&format!("rpm -K --nosignature '{}'", r.display())).contains("digests OK"));
        let files = sh(&format!("rpm2cpio '{}' | cpio -t 2>/dev/null", r.display()));
        assert!(files.contains("./opt/ab/app.txt"), "{files}");
        let t = find(&format!(".tar.{suffix}"));
        // lzma_alone has no magic number for tar to sniff: name the codec.
        let codec = if suffix == "lzma" {
            "--lzma"
        } else {
            "--bzip2"
        };
        let listed = sh(&format!("tar {codec} -tf '{}'", t.display()));
        assert!(listed.contains("./opt/ab/app.txt"), "{listed}");
    }
}

/// fpm's rule for `$(git describe)` versions: the deb keeps it (dpkg reads the last part as
/// the revision), the rpm writes '_' for '-', each with a warning.
#[test]
fn versions_with_a_dash_are_written_as_fpm_writes_them() {
    require(&["dpkg-deb", "rpm"]);
    let s = Scratch::new();
    let out = s.run("deb,rpm", &["-v", "1.2.3-4-gabc", "tree"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("dpkg reads 'gabc' as the Debian revision"),
        "{err}"
    );
    assert!(err.contains("written as '1.2.3_4_gabc'"), "{err}");
    assert_eq!(
        field(&s.p("out/ab_1.2.3-4-gabc_amd64.deb"), "Version"),
        "1.2.3-4-gabc"
    );
    let rpm = s.p("out/ab-1.2.3_4_gabc-1.x86_64.rpm");
    assert_eq!(rpm_q(&rpm, "%{VERSION}-%{RELEASE}"), "1.2.3_4_gabc-1");
}

/// --no-depends drops -d and everything inferred; -S appends to the name; --inputs and
/// --exclude-file read their lists; -x removes a PATH named on the command line.
#[test]
fn general_fpm_flags_do_what_fpm_does() {
    require(&["dpkg-deb", "rpm"]);
    let s = Scratch::new();
    std::fs::write(s.p("README.rst"), "readme\n").unwrap();
    std::fs::write(s.p("tree/skip.log"), "log\n").unwrap();
    std::fs::write(
        s.p("inputs.txt"),
        "tree=/opt/ab\n\nREADME.rst=/opt/ab/README.rst\n",
    )
    .unwrap();
    std::fs::write(s.p("excludes.txt"), "*.log\n").unwrap();
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb,rpm",
        "-n",
        "ab",
        "-S",
        "dev",
        "-v",
        "1",
        "-d",
        "libc6",
        "--no-depends",
        "--inputs",
        "inputs.txt",
        "--exclude-file",
        "excludes.txt",
        "-p",
        "out/",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deb = s.p("out/ab-dev_1_amd64.deb");
    assert_eq!(field(&deb, "Package"), "ab-dev");
    assert_eq!(field(&deb, "Depends"), "", "--no-depends");
    let files = sh(&format!("dpkg-deb -c '{}'", deb.display()));
    assert!(files.contains("./opt/ab/README.rst") && files.contains("./opt/ab/app.txt"));
    assert!(!files.contains("skip.log"), "--exclude-file: {files}");
    let rpm = s.p("out/ab-dev-1-1.x86_64.rpm");
    let requires = sh(&format!("rpm -qp --requires '{}'", rpm.display()));
    assert!(!requires.contains("libc6"), "{requires}");
    // -x applies to a PATH named on the command line, as in fpm.
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "tar",
        "-n",
        "ex",
        "-x",
        "README.rst",
        "README.rst",
        "tree",
        "-p",
        "out/ex.tar",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = sh(&format!("tar -tf '{}'", s.p("out/ex.tar").display()));
    assert!(
        !listed.contains("README.rst") && listed.contains("tree/app.txt"),
        "{listed}"
    );
    // --inputs is for -s dir only, as in fpm.
    let out = s.pkgr(&["-s", "virtualenv", "-t", "deb", "--inputs", "inputs.txt"]);
    refused(&out, 2, &["--inputs is only valid with -s dir"]);
}

/// --template-scripts renders fpm's ERB tags per format, and refuses Ruby code or an unknown
/// name before any work.
#[test]
fn template_scripts_are_rendered_per_format() {
    require(&["dpkg-deb", "rpm"]);
    let s = Scratch::new();
    std::fs::write(
        s.p("post.sh"),
        "#!/bin/sh\necho '<%= name %> <%= version %> <%= architecture %> <%= port %> <%%'\n",
    )
    .unwrap();
    let out = s.run(
        "deb,rpm",
        &[
            "-v",
            "2.0",
            "--after-install",
            "post.sh",
            "--template-value",
            "port=8080",
            "tree",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let post = sh(&format!(
        "dpkg-deb -I '{}' postinst",
        s.p("out/ab_2.0_amd64.deb").display()
    ));
    assert!(post.contains("echo 'ab 2.0 amd64 8080 <%'"), "{post}");
    let scripts = sh(&format!(
        "rpm -qp --scripts '{}'",
        s.p("out/ab-2.0-1.x86_64.rpm").display()
    ));
    assert!(
        scripts.contains("echo 'ab 2.0 x86_64 8080 <%'"),
        "{scripts}"
    );
    std::fs::write(s.p("bad.sh"), "#!/bin/sh\n<% if true %>x<% end %>\n").unwrap();
    let out = s.run(
        "deb",
        &[
            "-v",
            "3",
            "--after-install",
            "bad.sh",
            "--template-scripts",
            "tree",
        ],
    );
    refused(&out, 2, &["--after-install", "Ruby code"]);
    assert_eq!(s.out_files().len(), 2, "nothing new was written");
}

/// fpm's relations: `>`/`<` are dpkg's `>>`/`<<`; a file dependency (for the rpm) is left out of
/// the deb with a warning and kept in the rpm.
#[test]
fn fpm_relations_are_written_per_format() {
    require(&["dpkg-deb", "rpm"]);
    let s = Scratch::new();
    let out = s.run(
        "deb,rpm",
        &[
            "-v",
            "1",
            "-d",
            "foo > 0",
            "-d",
            "bar < 2",
            "-d",
            "/usr/lib64/libcrypt.so.1",
            "tree",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("names a file"), "{err}");
    assert_eq!(
        field(&s.p("out/ab_1_amd64.deb"), "Depends"),
        "foo (>> 0), bar (<< 2)"
    );
    let requires = sh(&format!(
        "rpm -qp --requires '{}'",
        s.p("out/ab-1-1.x86_64.rpm").display()
    ));
    for r in ["/usr/lib64/libcrypt.so.1", "foo > 0", "bar < 2"] {
        assert!(requires.lines().any(|l| l == r), "{r} not in {requires}");
    }
}

/// What fpm accepts and writes for the deb: `-v v2.1.0` without the `v`, `-v 2:1.0` as epoch
/// 2, fpm's default maintainer form `<dev@host>` named, a `--deb-field` relation joined to the
/// relations, a `--deb-init` replacing the payload's file, and `dir=dst/` placing the
/// directory itself inside dst (rsync's rule, as fpm's).
#[test]
fn deb_values_fpm_accepts_are_written_as_fpm_writes_them() {
    require(&["dpkg-deb"]);
    let s = Scratch::new();
    std::fs::create_dir_all(s.p("conf/app/roles")).unwrap();
    std::fs::write(s.p("conf/app/roles/main.yml"), "x: 1\n").unwrap();
    std::fs::create_dir_all(s.p("tree/etc/init.d")).unwrap();
    std::fs::write(s.p("tree/etc/init.d/ab"), "#!/bin/sh\nold\n").unwrap();
    std::fs::write(s.p("ab.init"), "#!/bin/sh\nnew\n").unwrap();
    let conf = format!("{}=/usr/share/", s.p("conf/app").display());
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-v",
        "v2.1.0",
        "-m",
        "<dev@example.org>",
        "--deb-field",
        "Provides: ab-virtual",
        "--deb-init",
        "ab.init",
        "-C",
        "tree",
        ".",
        &conf,
        "-p",
        "out/a.deb",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let deb = s.p("out/a.deb");
    assert_eq!(field(&deb, "Version"), "2.1.0");
    assert_eq!(field(&deb, "Maintainer"), "dev <dev@example.org>");
    assert_eq!(field(&deb, "Provides"), "ab-virtual");
    assert!(
        err.contains("replaces the payload's '/etc/init.d/ab'"),
        "{err}"
    );
    let x = tempfile::tempdir().unwrap();
    sh(&format!(
        "dpkg-deb -x '{}' '{}'",
        deb.display(),
        x.path().display()
    ));
    assert_eq!(
        std::fs::read_to_string(x.path().join("etc/init.d/ab")).unwrap(),
        "#!/bin/sh\nnew\n"
    );
    assert!(
        x.path().join("usr/share/app/roles/main.yml").is_file(),
        "dir=dst/ keeps the directory"
    );
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-v",
        "2:1.0",
        "tree",
        "-p",
        "out/e.deb",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(field(&s.p("out/e.deb"), "Version"), "2:1.0");
    let out = s.run("deb", &["--deb-field", "Depends: evil\nPackage: x", "tree"]);
    refused(&out, 2, &["--deb-field"]);
}

/// Review findings, each as the user meets it: a template sees the version the format writes
/// and its own section's values; `--inputs` in a recipe is read from the recipe's directory;
/// values that cannot work are refused before any work, naming the flag.
#[test]
fn fpm_flags_behave_per_format_and_fail_early() {
    require(&["rpm", "tar"]);
    let s = Scratch::new();
    std::fs::write(
        s.p("post.sh"),
        "#!/bin/sh\necho '<%= version %> <%= port %>'\n",
    )
    .unwrap();
    std::fs::write(
        s.p("pkgr.toml"),
        "source = \"dir\"\nname = \"ab\"\npaths = [\"tree=/opt/ab\"]\nafter-install = \"post.sh\"\ntemplate-value = [\"port=80\"]\n[rpm]\ntemplate-value = [\"port=8080\"]\n",
    )
    .unwrap();
    let out = s.pkgr(&["-t", "rpm", "-v", "1.0-3", "-p", "out/"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scripts = sh(&format!(
        "rpm -qp --scripts '{}'",
        s.p("out/ab-1.0_3-1.x86_64.rpm").display()
    ));
    assert!(scripts.contains("echo '1.0_3 8080'"), "{scripts}");
    // --inputs in a recipe without paths: its lines start in the recipe's directory.
    std::fs::create_dir_all(s.p("r/extra")).unwrap();
    std::fs::write(s.p("r/extra/b"), "from the recipe\n").unwrap();
    std::fs::write(s.p("r/list.txt"), "extra/b=/usr/share/inp/b\n").unwrap();
    std::fs::write(
        s.p("r/pkgr.toml"),
        "source = \"dir\"\nname = \"inp\"\ninputs = \"list.txt\"\n",
    )
    .unwrap();
    let out = s.pkgr(&["--config", "r/pkgr.toml", "-t", "tar", "-p", "out/inp.tar"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b = sh(&format!(
        "tar -xOf '{}' ./usr/share/inp/b",
        s.p("out/inp.tar").display()
    ));
    assert_eq!(b, "from the recipe\n");
    for (args, needle) in [
        (vec!["--rpm-dist", "el9 x"], "--rpm-dist"),
        (vec!["--rpm-user", "ü-user"], "--rpm-user"),
        (vec!["--deb-user", "a:b"], "--deb-user"),
        (
            vec!["--rpm-attr", "0700,daemon,daemon:/usr/lib"],
            "base-system directory",
        ),
        (
            vec![
                "--systemd-unit",
                "tree/app.txt",
                "--deb-systemd",
                "tree/app.txt",
            ],
            "not both",
        ),
    ] {
        let mut a = args.clone();
        a.push("tree=/usr/lib/ab");
        let out = s.run("deb,rpm", &a);
        refused(&out, 2, &[needle]);
    }
}
