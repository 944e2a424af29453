//! `-s virtualenv` as fpm users call it: a requirements file or a package spec as PATH, with
//! fpm's naming and `--virtualenv-*` flags; the packages are installed with dpkg and run.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::common::*;

/// Runs pkgr in `dir` and returns the artifacts it printed (sha256sum lines).
fn build(dir: &Path, args: &[&str]) -> (Vec<PathBuf>, String) {
    let out = run_ok(pkgr().current_dir(dir).args(args));
    let files = stdout(&out)
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, p)| dir.join(p)))
        .collect();
    (files, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Installs `deb`, runs `cmd` expecting `expect` in its output, and purges `name`.
fn install_and_run(deb: &Path, name: &str, cmd: &[&str], expect: &str) {
    let _g = dpkg_lock();
    run_ok(Command::new("dpkg").arg("-i").arg(deb));
    let out = Command::new(cmd[0]).args(&cmd[1..]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    run_ok(Command::new("dpkg").args(["--purge", name]));
    assert!(
        out.status.success() && text.contains(expect),
        "{cmd:?}: {text}"
    );
}

/// fpm's `fpm -s virtualenv -t deb requirements.txt`: the requirements only, the package named
/// after the file's directory (`virtualenv-webapp`), version 1.0 with a warning.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: builds from PyPI and installs with dpkg, as root"
)]
fn a_requirements_file_builds_installs_and_runs() {
    require(&["dpkg", "dpkg-deb"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("webapp")).unwrap();
    std::fs::write(d.path().join("webapp/requirements.txt"), "cowsay==6.1\n").unwrap();
    let (files, err) = build(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb",
            "-m",
            "A B <a@example.org>",
            "webapp/requirements.txt",
        ],
    );
    assert!(err.contains("using 1.0 (as fpm does)"), "{err}");
    let deb = &files[0];
    assert_eq!(field(deb, "Package"), "virtualenv-webapp");
    assert_eq!(field(deb, "Version"), "1.0");
    install_and_run(
        deb,
        "virtualenv-webapp",
        &[
            "/opt/venvs/virtualenv-webapp/bin/cowsay",
            "-t",
            "moo from requirements",
        ],
        "moo from requirements",
    );
}

/// fpm's `fpm -s virtualenv -t deb cowsay==6.1` with `--virtualenv-install-location`: the
/// distribution is the application, named `virtualenv-cowsay`, its version from pip's report,
/// installed at DIR/cowsay; `--no-virtualenv-fix-name` and `-n` name it otherwise.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: builds from PyPI and installs with dpkg, as root"
)]
fn a_package_spec_builds_installs_and_runs() {
    require(&["dpkg", "dpkg-deb", "rpm"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    let (files, _) = build(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb,rpm",
            "-m",
            "A B <a@example.org>",
            "cowsay==6.1",
            "--virtualenv-install-location",
            "/usr/share/python",
            "-p",
            "out/",
        ],
    );
    let deb = files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "deb"))
        .unwrap();
    let rpm = files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "rpm"))
        .unwrap();
    assert_eq!(field(deb, "Package"), "virtualenv-cowsay");
    assert_eq!(field(deb, "Version"), "6.1.0", "PEP 440 6.1 mapped");
    let listed = sh(&format!("rpm -qpl '{}'", rpm.display()));
    assert!(
        listed.contains("/usr/share/python/cowsay/bin/cowsay"),
        "{listed}"
    );
    install_and_run(
        deb,
        "virtualenv-cowsay",
        &[
            "/usr/share/python/cowsay/bin/cowsay",
            "-t",
            "moo from a spec",
        ],
        "moo from a spec",
    );
    let (files, _) = build(
        d.path(),
        &[
            "-s",
            "virtualenv",
            "-t",
            "deb",
            "-m",
            "A B <a@example.org>",
            "cowsay==6.1",
            "--no-virtualenv-fix-name",
            "-p",
            "plain/",
        ],
    );
    assert_eq!(field(&files[0], "Package"), "cowsay");
    let files: Vec<String> = contents(&files[0]).into_iter().map(|c| c.2).collect();
    assert!(
        files.iter().any(|f| f == "./opt/venvs/cowsay/bin/cowsay"),
        "{files:?}"
    );
}
