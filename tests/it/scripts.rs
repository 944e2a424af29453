//! Maintainer scripts across upgrades (deb and rpm, each run exactly once in the right case)
//! and signed rpms, judged by dpkg, rpm and rpmkeys.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// Writes a script that logs its phase and arguments to `log`.
fn logging_script(dir: &Path, phase: &str, log: &Path) -> String {
    let p = dir.join(phase);
    std::fs::write(
        &p,
        format!("#!/bin/sh\necho \"{phase} $*\" >> {}\n", log.display()),
    )
    .unwrap();
    p.display().to_string()
}

fn upgrade_args(dir: &Path, log: &Path, version: &str, target: &str, out: &Path) -> Vec<String> {
    let mut a = vec![
        "-s",
        "dir",
        "-t",
        target,
        "-n",
        "pkgr-upgrade-test",
        "-v",
        version,
        "-m",
        "A B <a@example.org>",
        "--description",
        "Upgrade script test",
        "-C",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    a.push(repo().join("fixtures/dir-app").display().to_string());
    for phase in [
        "before-install",
        "after-install",
        "before-upgrade",
        "after-upgrade",
        "before-remove",
        "after-remove",
    ] {
        a.push(format!("--{phase}"));
        a.push(logging_script(dir, phase, log));
    }
    a.push("-p".into());
    a.push(out.display().to_string());
    a.push("bin/hello-dir=/usr/lib/pkgr-upgrade-test/hello".into());
    a
}

/// fpm's upgrade scripts: on install only the install scripts run, on upgrade only the upgrade
/// scripts, on removal only the remove scripts; checked with dpkg and with rpm.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn upgrade_scripts_run_exactly_once_in_the_right_case() {
    require(&["dpkg", "rpm"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("log");
    for (target, install, upgrade, remove) in [
        (
            "deb",
            vec!["dpkg", "-i"],
            vec!["dpkg", "-i"],
            vec!["dpkg", "--purge", "pkgr-upgrade-test"],
        ),
        (
            "rpm",
            vec!["rpm", "-i", "--nodeps"],
            vec!["rpm", "-U", "--nodeps"],
            vec!["rpm", "-e", "pkgr-upgrade-test"],
        ),
    ] {
        let v1 = d.path().join(format!("v1.{target}"));
        let v2 = d.path().join(format!("v2.{target}"));
        run_ok(pkgr().args(upgrade_args(d.path(), &log, "1.0", target, &v1)));
        run_ok(pkgr().args(upgrade_args(d.path(), &log, "2.0", target, &v2)));
        let db = d.path().join("rpmdb");
        let with_db = |mut v: Vec<&str>| {
            let mut c = Command::new(v.remove(0));
            c.args(v);
            if target == "rpm" {
                c.arg("--dbpath").arg(&db);
            }
            c
        };
        let _g = dpkg_lock();
        let _ = std::fs::remove_file(&log);
        run_ok(with_db(install.clone()).arg(&v1));
        let after_install = std::fs::read_to_string(&log).unwrap();
        run_ok(with_db(upgrade.clone()).arg(&v2));
        let after_upgrade = std::fs::read_to_string(&log).unwrap();
        run_ok(&mut with_db(remove.clone()));
        let after_remove = std::fs::read_to_string(&log).unwrap();
        let phases = |s: &str| {
            s.lines()
                .map(|l| l.split(' ').next().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            phases(&after_install),
            ["before-install", "after-install"],
            "{target}: {after_install}"
        );
        assert_eq!(
            phases(&after_upgrade)[2..],
            ["before-upgrade", "after-upgrade"],
            "{target}: {after_upgrade}"
        );
        assert_eq!(
            phases(&after_remove)[4..],
            ["before-remove", "after-remove"],
            "{target}: {after_remove}"
        );
        assert!(!Path::new("/usr/lib/pkgr-upgrade-test").exists());
    }
}

/// `--rpm-sign-key` (cargo feature `sign`): rpm verifies the signature with the public key and
/// rejects the package without it.
#[test]
#[cfg_attr(not(feature = "sign"), ignore = "needs the cargo feature sign")]
fn signed_rpm_verifies_with_the_public_key() {
    require(&["gpg", "rpmkeys"]);
    let d = tempfile::tempdir().unwrap();
    let home = d.path().join("gnupg");
    std::fs::create_dir_all(&home).unwrap();
    let gpg = |args: &[&str]| {
        let mut c = Command::new("gpg");
        c.arg("--homedir")
            .arg(&home)
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args);
        c
    };
    run_ok(&mut gpg(&[
        "--quick-gen-key",
        "pkgr test <test@example.org>",
        "rsa3072",
        "sign",
        "never",
    ]));
    let secret = stdout(&run_ok(&mut gpg(&["--armor", "--export-secret-keys"])));
    let public = stdout(&run_ok(&mut gpg(&["--armor", "--export"])));
    std::fs::write(d.path().join("secret.asc"), secret).unwrap();
    std::fs::write(d.path().join("public.asc"), public).unwrap();
    let mut args = dir_args();
    let t = args.iter().position(|a| a == "-t").unwrap();
    args[t + 1] = "rpm".into();
    let rpm = d.path().join("signed.rpm");
    run_ok(
        pkgr()
            .args(&args)
            .arg("--rpm-sign-key")
            .arg(d.path().join("secret.asc"))
            .arg("-p")
            .arg(&rpm),
    );
    let db = d.path().join("db");
    let k = |extra: &[&str]| {
        Command::new("rpmkeys")
            .arg("--dbpath")
            .arg(&db)
            .args(extra)
            .output()
            .unwrap()
    };
    let before = k(&["-Kv", rpm.to_str().unwrap()]);
    assert!(
        !before.status.success(),
        "an unknown key must not verify: {}",
        stdout(&before)
    );
    run_ok(
        Command::new("rpmkeys")
            .arg("--dbpath")
            .arg(&db)
            .arg("--import")
            .arg(d.path().join("public.asc")),
    );
    let after = k(&["-Kv", rpm.to_str().unwrap()]);
    let text = stdout(&after);
    assert!(after.status.success(), "{text}");
    assert!(
        text.contains("Signature, key ID") && text.contains(": OK"),
        "{text}"
    );
    assert!(!text.contains("NOT OK") && !text.contains("BAD"), "{text}");
}

#[test]
fn sign_key_without_the_feature_or_file_is_a_clear_error() {
    let mut args = dir_args();
    let t = args.iter().position(|a| a == "-t").unwrap();
    args[t + 1] = "rpm".into();
    let d = tempfile::tempdir().unwrap();
    let out = pkgr()
        .args(&args)
        .args(["--rpm-sign-key", "/nonexistent/key.asc", "-p"])
        .arg(d.path().join("x.rpm"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--rpm-sign-key"), "{err}");
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
}
