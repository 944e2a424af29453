//! Shared-library dependencies inferred from the payload's ELF files (issue: declared system
//! dependencies): a C extension built from source against zlib, and a manylinux wheel whose
//! libraries are bundled. Every answer is checked against the real tools on the same files:
//! dpkg-shlibdeps for the .deb, rpm's own elfdeps for the .rpm.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

fn zlib_app() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build_venv_targets("zlib-app", "work", "deb,rpm", &["--json", "--verbose"]))
}

fn wheel_app() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build_venv_targets("wheel-app", "work", "deb,rpm", &[]))
}

/// rpm's elfdeps -R over `files`, minus the capabilities of `internal` sonames.
fn elfdeps(files: &[PathBuf], internal: &[&str]) -> BTreeSet<String> {
    let mut caps = BTreeSet::new();
    for f in files {
        let out = run_ok(Command::new("/usr/lib/rpm/elfdeps").arg("-R").arg(f));
        for l in stdout(&out).lines() {
            if !internal.iter().any(|i| l.starts_with(i)) {
                caps.insert(l.to_string());
            }
        }
    }
    caps
}

fn rpm_requires(rpm: &Path) -> BTreeSet<String> {
    let out = run_ok(Command::new("rpm").args(["-qp", "--requires"]).arg(rpm));
    stdout(&out)
        .lines()
        .filter(|l| !l.starts_with("rpmlib(") && !l.starts_with('/'))
        .map(str::to_string)
        .collect()
}

fn elf_files(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = sh(&format!(
        "find {} -type f -regex '{pattern}'",
        root.display()
    ))
    .lines()
    .map(PathBuf::from)
    .collect();
    v.sort();
    v
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn c_extension_against_zlib_depends_on_zlib1g_and_libz() {
    require(&["dpkg-shlibdeps", "rpm", "lintian"]);
    let b = zlib_app();
    let (minor, full) = system_python();
    let depends = field(&b.deb, "Depends");
    let d = tempfile::tempdir().unwrap();
    let root = extract(&b.deb, d.path());
    let so = elf_files(&root, ".*_zdemo.*\\.so");
    assert_eq!(so.len(), 1, "{so:?}");
    // The same answer as dpkg-shlibdeps on the same file, after the interpreter.
    let theirs = dpkg_shlibdeps(&root, &so, &[]);
    assert!(theirs.contains("zlib1g (>= 1:"), "{theirs}");
    assert_eq!(depends, format!("python{minor} (>= {full}), {theirs}"));
    // The rpm requires exactly what elfdeps generates for the file.
    let rpm = b.rpm.as_ref().unwrap();
    let ours = rpm_requires(rpm);
    assert!(ours.contains("libz.so.1()(64bit)"), "{ours:?}");
    assert_eq!(ours, elfdeps(&so, &[]));
    // --json lists every decision, --verbose prints them.
    let doc: serde_json::Value = serde_json::from_str(&b.stdout).unwrap();
    let deps = doc["dependencies"].as_array().unwrap();
    let z = deps
        .iter()
        .find(|d| d["format"] == "deb" && d["soname"] == "libz.so.1")
        .unwrap_or_else(|| panic!("{deps:?}"));
    assert!(z["resolved"].as_str().unwrap().starts_with("zlib1g (>= 1:"));
    assert!(z["source"].as_str().unwrap().contains("zlib1g"), "{z}");
    assert!(z["needed_by"][0].as_str().unwrap().ends_with(".so"));
    assert!(deps
        .iter()
        .any(|d| d["format"] == "rpm" && d["resolved"] == "libz.so.1()(64bit), rtld(GNU_HASH)"));
    assert!(
        b.stderr.contains("deb: libz.so.1 (needed by"),
        "{}",
        b.stderr
    );
    assert_lintian_clean(&b.deb);
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn zlib_app_installs_and_runs_with_the_system_zlib() {
    require(&["dpkg"]);
    require_root();
    let b = zlib_app();
    let _l = dpkg_lock();
    run_ok(Command::new("dpkg").arg("-i").arg(&b.deb));
    let out = Command::new("/opt/venvs/pkgr-zlib-demo/bin/pkgr-zlib-demo")
        .arg("abc")
        .output();
    run_ok(Command::new("dpkg").args(["--purge", "pkgr-zlib-demo"]));
    let out = out.unwrap();
    // CRC-32 of "abc".
    assert!(
        stdout(&out).starts_with("crc32=352441c2 zlib=1."),
        "{out:?}"
    );
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn manylinux_wheel_bundled_libraries_are_not_dependencies() {
    require(&["dpkg-shlibdeps", "rpm"]);
    let b = wheel_app();
    let (minor, full) = system_python();
    let d = tempfile::tempdir().unwrap();
    let root = extract(&b.deb, d.path());
    let files = elf_files(&root, ".*\\(_zmq[^/]*\\.so\\|pyzmq.libs/.*\\)");
    assert_eq!(files.len(), 3, "{files:?}");
    let libs = files[0].parent().unwrap().to_path_buf();
    assert!(libs.ends_with("pyzmq.libs"), "{libs:?}");
    // dpkg-shlibdeps alone fails on this wheel (the bundled libraries belong to no package);
    // told where they are, it agrees with pkgr.
    let theirs = dpkg_shlibdeps(&root, &files, &[libs]);
    let depends = field(&b.deb, "Depends");
    assert_eq!(depends, format!("python{minor} (>= {full}), {theirs}"));
    for internal in ["zmq", "sodium"] {
        assert!(!depends.contains(internal), "{depends}");
    }
    assert!(depends.contains("libstdc++6 (>= "), "{depends}");
    let rpm = b.rpm.as_ref().unwrap();
    let ours = rpm_requires(rpm);
    assert_eq!(ours, elfdeps(&files, &["libzmq-", "libsodium-"]));
    assert!(ours.contains("libstdc++.so.6()(64bit)"), "{ours:?}");
    assert!(
        !b.stderr.contains("warning:"),
        "every soname maps to a package: {}",
        b.stderr
    );
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn wheel_app_installs_and_runs_its_bundled_library() {
    require(&["dpkg"]);
    require_root();
    let b = wheel_app();
    let _l = dpkg_lock();
    run_ok(Command::new("dpkg").arg("-i").arg(&b.deb));
    let out = Command::new("/opt/venvs/pkgr-wheel-demo/bin/pkgr-wheel-demo").output();
    run_ok(Command::new("dpkg").args(["--purge", "pkgr-wheel-demo"]));
    let out = out.unwrap();
    assert!(
        stdout(&out).starts_with("pyzmq=26.2.0 libzmq=4."),
        "{out:?}"
    );
}

/// A binary linked against a library no installed package provides.
fn unmapped_tree(d: &Path) -> PathBuf {
    let src = d.join("src");
    std::fs::create_dir_all(src.join("usr/bin")).unwrap();
    std::fs::write(d.join("lib.c"), "int pkgr_missing(void) { return 7; }\n").unwrap();
    std::fs::write(
        d.join("main.c"),
        "int pkgr_missing(void);\nint main(void) { return pkgr_missing() - 7; }\n",
    )
    .unwrap();
    sh(&format!(
        "cd {0} && gcc -shared -fPIC -Wl,-soname,libpkgrmissing.so.3 -o libpkgrmissing.so.3 lib.c \
         && gcc -o src/usr/bin/needs-missing main.c -L. -l:libpkgrmissing.so.3",
        d.display()
    ));
    src
}

fn dir_pkg(src: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    pkgr()
        .args([
            "-s",
            "dir",
            "-t",
            "deb,rpm",
            "-n",
            "needs-missing",
            "-v",
            "1.0",
        ])
        .args(["-m", "pkgr developers <pkgr@example.org>", "-C"])
        .arg(src)
        .arg("-p")
        .arg(format!("{}/", out.display()))
        .args(extra)
        .arg(".")
        .output()
        .unwrap()
}

#[test]
fn unmapped_library_warns_naming_the_file_and_strict_refuses() {
    require(&["gcc", "dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let src = unmapped_tree(d.path());
    let out = d.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let o = dir_pkg(&src, &out, &[]);
    assert!(o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "warning: no installed package provides libpkgrmissing.so.3 (needed by /usr/bin/needs-missing)"
        ),
        "{err}"
    );
    let deb = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .unwrap();
    // libc is still proved; the unknown library is left to -d.
    assert!(
        field(&deb, "Depends").starts_with("libc6 (>= 2."),
        "{}",
        field(&deb, "Depends")
    );
    // --strict: exit 2, the soname and the file named, nothing written.
    let strict_out = d.path().join("strict");
    std::fs::create_dir_all(&strict_out).unwrap();
    let o = dir_pkg(&src, &strict_out, &["--strict"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("shared library dependencies (--strict)")
            && err.contains("libpkgrmissing.so.3 (needed by /usr/bin/needs-missing)"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&strict_out).unwrap().count(), 0);
    // --no-auto-depends: no inferred relation at all, no warning.
    let none_out = d.path().join("none");
    std::fs::create_dir_all(&none_out).unwrap();
    let o = dir_pkg(&src, &none_out, &["--no-auto-depends", "--strict"]);
    assert!(o.status.success(), "{o:?}");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
    let files: Vec<PathBuf> = std::fs::read_dir(&none_out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let deb = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .unwrap();
    let rpm = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "rpm"))
        .unwrap();
    let info = stdout(&run_ok(Command::new("dpkg-deb").arg("-f").arg(deb)));
    assert!(!info.contains("Depends:"), "{info}");
    require(&["rpm"]);
    let reqs = rpm_requires(rpm);
    assert!(reqs.is_empty(), "{reqs:?}");
}
