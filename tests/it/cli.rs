//! The command line: flags, exit codes and error messages for bad input (nothing is written).

use crate::common::*;

fn fails(args: &[&str], code: i32, needles: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let out = pkgr().args(args).current_dir(d.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: '{n}' not in: {err}");
    }
    let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
    assert!(left.is_empty(), "{args:?} wrote {left:?}");
}

fn dir_with(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = dir_args();
    let paths = a.split_off(a.len() - 2);
    a.extend(extra.iter().map(|s| s.to_string()));
    a.extend(paths);
    a
}

#[test]
fn version_and_help() {
    let out = run_ok(pkgr().arg("--version"));
    assert_eq!(
        stdout(&out),
        format!("pkgr {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&run_ok(pkgr().arg("--help")));
    for flag in [
        "--name",
        "--version",
        "--iteration",
        "--epoch",
        "--architecture",
        "--maintainer",
        "--vendor",
        "--url",
        "--license",
        "--description",
        "--category",
        "--depends",
        "--provides",
        "--conflicts",
        "--replaces",
        "--config-files",
        "--directories",
        "--before-install",
        "--after-install",
        "--before-remove",
        "--after-remove",
        "--chdir",
        "--prefix",
        "--exclude",
        "--package",
        "--force",
        "--deb-compression",
        "--deb-compression-level",
        "--python",
        "--requirements",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--pip-arg",
        "--no-install-app",
        "--venv-prefix",
    ] {
        assert!(help.contains(flag), "--help does not explain {flag}");
    }
}

#[test]
fn bad_input_is_refused_with_field_value_and_rule() {
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["-n", "Hello"], &["Package", "'Hello'", "5.6.1"]),
        (vec!["-n", "foo_bar"], &["'_'"]),
        (vec!["-n", "x"], &["at least 2"]),
        // (`v1.0` is written as `1.0`, as fpm does: fpm_flags.rs checks it.)
        (
            vec!["-v", "x1.0"],
            &["'x1.0'", "start with a digit", "5.6.12"],
        ),
        (vec!["--iteration", "1-2"], &["--iteration"]),
        (vec!["-a", "amd65"], &["Architecture", "amd65"]),
        (vec!["-m", "nobody"], &["Maintainer", "5.6.2"]),
        (
            vec!["-m", "A <a@b.org>\nDepends: evil"],
            &["Maintainer", "control character"],
        ),
        (
            vec!["--url", "https://x\nDepends: evil"],
            &["Homepage", "control character"],
        ),
        (vec!["-d", "foo (< 1)"], &["-d/--depends", "<<"]),
        (vec!["-d", "foo\nPre-Depends: evil"], &["-d/--depends"]),
        (vec!["--category", "nope"], &["Section", "2.4"]),
        (
            vec!["--config-files", "/etc/nothere.conf"],
            &["--config-files", "not in the package"],
        ),
        (
            vec!["--deb-compression-level", "12"],
            &["--deb-compression-level", "0..=9"],
        ),
    ];
    for (extra, needles) in cases {
        let args = dir_with(&extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&refs, 2, needles);
    }
}

#[test]
fn scripts_must_name_their_interpreter() {
    let d = tempfile::tempdir().unwrap();
    let s = d.path().join("postinst");
    std::fs::write(&s, "echo no shebang\n").unwrap();
    let args = dir_with(&["--before-remove", s.to_str().unwrap()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    fails(&refs, 2, &["--before-remove", "#!"]);
}

#[test]
fn missing_paths_and_escapes() {
    fails(
        &["-s", "dir", "-t", "deb", "-n", "ab", "/nonexistent/x=/x"],
        2,
        &["/nonexistent/x", "does not exist"],
    );
    fails(
        &[
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "ab",
            "-C",
            "/tmp",
            "../etc=/etc",
        ],
        2,
        &["climbs out"],
    );
    fails(
        &["-s", "dir", "-t", "deb", "-n", "ab", "/etc/hostname="],
        2,
        &["destination after '=' is empty"],
    );
    fails(
        &["-s", "virtualenv", "-t", "deb", "/nonexistent"],
        2,
        &["does not exist"],
    );
    fails(
        &["-s", "virtualenv", "-t", "deb", "/etc"],
        2,
        &["neither a Python application nor a virtualenv"],
    );
    fails(&["-s", "dir", "-t", "deb"], 2, &["missing PATH"]);
}

#[test]
fn existing_output_is_kept_without_force() {
    let d = tempfile::tempdir().unwrap();
    let dest = d.path().join("p.deb");
    std::fs::write(&dest, "precious").unwrap();
    let mut cmd = pkgr();
    cmd.args(dir_args()).arg("-p").arg(&dest);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-f/--force"));
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), "precious");
    let mut cmd = pkgr();
    cmd.args(dir_args()).arg("-f").arg("-p").arg(&dest);
    run_ok(&mut cmd);
    assert!(std::fs::read(&dest).unwrap().starts_with(b"!<arch>\n"));
    let names: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temp files left: {names:?}");
}

#[test]
fn output_templates_and_directories() {
    let d = tempfile::tempdir().unwrap();
    let mut cmd = pkgr();
    cmd.args(dir_args()).arg("-p").arg(format!(
        "{}/NAME-VERSION-ITERATION.ARCH.EXTENSION",
        d.path().display()
    ));
    run_ok(&mut cmd);
    assert!(d.path().join("hello-dir-1.0-1.all.deb").is_file());
    let mut cmd = pkgr();
    cmd.args(dir_args())
        .arg("-p")
        .arg(format!("{}/", d.path().display()));
    run_ok(&mut cmd);
    assert!(d.path().join("hello-dir_1.0-1_all.deb").is_file());
    let mut cmd = pkgr();
    cmd.args(dir_args())
        .arg("-p")
        .arg(format!("{}/new/dir/", d.path().display()));
    run_ok(&mut cmd);
    assert!(
        d.path().join("new/dir/hello-dir_1.0-1_all.deb").is_file(),
        "a DIR/ is created"
    );
    let mut cmd = pkgr();
    cmd.args(dir_args())
        .arg("-p")
        .arg(d.path().join("missing/x.deb"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn a_missing_interpreter_is_a_usage_error() {
    let app = repo().join("fixtures/hello-app");
    fails(
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb",
            "--python",
            "/nonexistent/python3",
            app.to_str().unwrap(),
        ],
        2,
        &["--python", "/nonexistent/python3", "not found"],
    );
}

/// Python versions mapped by pkgr keep PEP 440's order under dpkg's own comparison.
#[test]
fn pep440_versions_keep_their_order_in_dpkg() {
    require(&["dpkg"]);
    let ordered = [
        "1.0.dev1",
        "1.0a1.dev1",
        "1.0a1",
        "1.0a2",
        "1.0b1",
        "1.0rc1.dev1",
        "1.0rc1",
        "1.0",
        "1.0.post1.dev1",
        "1.0.post1",
        "1.0.1",
    ];
    let debs: Vec<String> = ordered
        .iter()
        .map(|v| pkgr::version::from_pep440(v).1)
        .collect();
    for w in debs.windows(2) {
        let lt = std::process::Command::new("dpkg")
            .args(["--compare-versions", &w[0], "lt", &w[1]])
            .status()
            .unwrap();
        assert!(lt.success(), "dpkg says {} is not below {}", w[0], w[1]);
    }
}

/// fpm's deprecated script flags and `--debug` work as fpm users type them (Makefiles written
/// for fpm), and mean what pkgr's own flags mean: dpkg-deb shows the scripts in their slots.
#[test]
fn fpm_deprecated_script_flags_and_debug_are_aliases() {
    require(&["dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let script = d.path().join("s.sh");
    std::fs::write(&script, "#!/bin/sh\necho fpm-style\n").unwrap();
    std::fs::write(d.path().join("f"), "x\n").unwrap();
    let s = script.to_str().unwrap();
    run_ok(pkgr().current_dir(d.path()).args([
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "aliases",
        "-m",
        "A B <a@example.org>",
        "-p",
        "a.deb",
        "--pre-install",
        s,
        "--post-install",
        s,
        "--pre-uninstall",
        s,
        "--post-uninstall",
        s,
        "--debug",
        "f=/usr/share/aliases/f",
    ]));
    let info = sh(&format!(
        "dpkg-deb -I '{}'",
        d.path().join("a.deb").display()
    ));
    for slot in ["preinst", "postinst", "prerm", "postrm"] {
        assert!(info.contains(slot), "{slot} missing:\n{info}");
    }
    let x = d.path().join("x");
    run_ok(
        std::process::Command::new("dpkg-deb")
            .arg("-e")
            .arg(d.path().join("a.deb"))
            .arg(&x),
    );
    for slot in ["preinst", "postinst", "prerm", "postrm"] {
        let text = std::fs::read_to_string(x.join(slot)).unwrap();
        assert!(text.contains("echo fpm-style"), "{slot}: {text}");
    }
}

/// fpm's `--log LEVEL` maps onto -q/--verbose; `--rpm-os linux` is accepted (rpm reads the OS
/// tag back), any other OS is refused naming the flag.
#[test]
fn fpm_log_levels_and_rpm_os() {
    require(&["rpm"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), "x\n").unwrap();
    let build = |extra: &[&str], out: &str| {
        let mut c = pkgr();
        c.current_dir(d.path()).args([
            "-s",
            "dir",
            "-t",
            "rpm",
            "-n",
            "logs",
            "-m",
            "A B <a@example.org>",
            "-f",
            "-p",
            out,
        ]);
        c.args(extra).arg("f=/usr/share/logs/f");
        c.output().unwrap()
    };
    let quiet = build(&["--log", "error", "--rpm-os", "linux"], "q.rpm");
    assert!(quiet.status.success());
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("pkgr: writing"));
    let os = sh(&format!(
        "rpm -qp --qf '%{{OS}}' '{}'",
        d.path().join("q.rpm").display()
    ));
    assert_eq!(os, "linux");
    let info = build(&["--log", "info"], "i.rpm");
    assert!(String::from_utf8_lossy(&info.stderr).contains("pkgr: writing"));
    // -q given explicitly wins over --log debug.
    let both = build(&["--log", "debug", "-q"], "b.rpm");
    assert!(!String::from_utf8_lossy(&both.stderr).contains("pkgr: writing"));
    let bad = build(&["--rpm-os", "darwin"], "d.rpm");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--rpm-os: 'darwin'"));
    assert!(!d.path().join("d.rpm").exists());
}

/// fpm accepts an email alone as `-m` (5 of 46 real fpm command lines use one): the deb says
/// `dev <dev@example.com>` with a warning, the rpm's Packager keeps it as given.
#[test]
fn an_email_only_maintainer_is_named_in_the_deb() {
    require(&["dpkg-deb", "rpm"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), "x\n").unwrap();
    let out = run_ok(pkgr().current_dir(d.path()).args([
        "-s",
        "dir",
        "-t",
        "deb,rpm",
        "-n",
        "mail",
        "-m",
        "dev@example.com",
        "-p",
        "out/",
        "f=/usr/share/mail/f",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: Maintainer (-m/--maintainer) 'dev@example.com' has no name"),
        "{err}"
    );
    let deb = sh(&format!(
        "dpkg-deb -f {}/out/mail_1.0_*.deb Maintainer",
        d.path().display()
    ));
    assert_eq!(deb.trim(), "dev <dev@example.com>");
    let rpm = sh(&format!(
        "rpm -qp --qf '%{{PACKAGER}}' {}/out/mail-1.0-*.rpm",
        d.path().display()
    ));
    assert_eq!(rpm, "dev@example.com");
    // Anything else that is not 'Name <email>' is still refused.
    let bad = pkgr()
        .current_dir(d.path())
        .args([
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "mail",
            "-m",
            "just a name",
            "-p",
            "bad/",
            "f=/f",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
