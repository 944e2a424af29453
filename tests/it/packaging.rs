//! packaging/: pkgr packages itself with `make package` (exactly the README's Makefile step);
//! the .deb, .rpm and .tar.gz install and run `pkgr --version`, and a build from another copy
//! of the tree is byte-identical.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

/// Copies what packaging/ reads (its files, README.md, LICENSE) into `root`.
fn copy_tree(root: &Path) -> PathBuf {
    std::fs::create_dir_all(root).unwrap();
    for f in ["README.md", "LICENSE"] {
        std::fs::copy(repo().join(f), root.join(f)).unwrap();
    }
    let pk = root.join("packaging");
    std::fs::create_dir_all(&pk).unwrap();
    for f in ["pkgr.toml", "Makefile"] {
        std::fs::copy(repo().join("packaging").join(f), pk.join(f)).unwrap();
    }
    pk
}

fn make_package(pk: &Path) -> Vec<PathBuf> {
    let bin = env!("CARGO_BIN_EXE_pkgr");
    let mut cmd = Command::new("make");
    cmd.arg("-C")
        .arg(pk)
        .arg("package")
        .arg(format!("PKGR={bin}"))
        .arg(format!("BIN={bin}"));
    cmd.env_remove("SOURCE_DATE_EPOCH");
    run_ok(&mut cmd);
    let mut files: Vec<PathBuf> = std::fs::read_dir(pk.join("dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

struct Own {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

fn own() -> &'static Own {
    require(&["make", "strip", "gzip"]);
    static O: OnceLock<Own> = OnceLock::new();
    O.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let files = make_package(&copy_tree(&d.path().join("a")));
        Own { _dir: d, files }
    })
}

fn find<'a>(o: &'a Own, ext: &str) -> &'a PathBuf {
    o.files
        .iter()
        .find(|f| f.to_string_lossy().ends_with(ext))
        .unwrap()
}

#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: takes minutes")]
fn make_package_writes_three_formats() {
    let o = own();
    let names: Vec<String> = o
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let v = env!("CARGO_PKG_VERSION");
    assert_eq!(
        names,
        [
            format!("pkgr-{v}-1.x86_64.rpm"),
            format!("pkgr-{v}-1.x86_64.tar.gz"),
            format!("pkgr_{v}-1_amd64.deb")
        ]
    );
    require(&["lintian"]);
    assert_lintian_clean(find(o, ".deb"));
    let rows = contents(find(o, ".deb"));
    for p in [
        "./usr/bin/pkgr",
        "./usr/share/man/man1/pkgr.1.gz",
        "./usr/share/bash-completion/completions/pkgr",
        "./usr/share/doc/pkgr/README.md",
        "./usr/share/doc/pkgr/copyright",
    ] {
        assert!(rows.iter().any(|r| r.2 == p), "{p} missing");
    }
    let copyright = sh(&format!(
        "dpkg-deb --fsys-tarfile {} | tar -xO ./usr/share/doc/pkgr/copyright",
        find(o, ".deb").display()
    ));
    assert!(copyright.contains("MIT License"), "{copyright}");
}

#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: takes minutes")]
fn another_copy_builds_identical_packages() {
    let o = own();
    let d = tempfile::tempdir().unwrap();
    let other = make_package(&copy_tree(&d.path().join("elsewhere/deeper")));
    for (a, b) in o.files.iter().zip(&other) {
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{} differs",
            a.display()
        );
    }
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-slow")),
    ignore = "test-root, test-slow: builds pkgr in release mode and installs its packages, as root"
)]
fn own_packages_install_and_run() {
    let o = own();
    require(&["rpm"]);
    require_root();
    let want = format!("pkgr {}\n", env!("CARGO_PKG_VERSION"));
    let _g = dpkg_lock();
    run_ok(Command::new("dpkg").arg("-i").arg(find(o, ".deb")));
    let v = run_ok(Command::new("/usr/bin/pkgr").arg("--version"));
    run_ok(Command::new("dpkg").args(["--purge", "pkgr"]));
    assert_eq!(stdout(&v), want);
    assert!(!Path::new("/usr/bin/pkgr").exists());

    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("db");
    run_ok(
        Command::new("rpm")
            .args(["-i", "--nodeps", "--dbpath"])
            .arg(&db)
            .arg(find(o, ".rpm")),
    );
    let v = run_ok(Command::new("/usr/bin/pkgr").arg("--version"));
    run_ok(
        Command::new("rpm")
            .args(["-e", "--dbpath"])
            .arg(&db)
            .arg("pkgr"),
    );
    assert_eq!(stdout(&v), want);
    assert!(!Path::new("/usr/bin/pkgr").exists());

    let root_dir = d.path().join("root");
    std::fs::create_dir_all(&root_dir).unwrap();
    run_ok(
        Command::new("tar")
            .arg("-xzf")
            .arg(find(o, ".tar.gz"))
            .arg("-C")
            .arg(&root_dir),
    );
    let v = run_ok(Command::new(root_dir.join("usr/bin/pkgr")).arg("--version"));
    assert_eq!(stdout(&v), want);
}
