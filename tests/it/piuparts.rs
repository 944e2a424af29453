//! piuparts (Debian's installation, upgrade and purge tester) on a dir package, a venv package
//! and a service package: each is installed into a fresh minimal Debian chroot with apt
//! resolving its dependencies from the mirror, purged, and upgraded from an older version (served
//! by a local apt repository, since piuparts installs the old version with apt); piuparts fails
//! when a purge leaves files behind, removes a file that was there before (the system's /opt),
//! or a symlink breaks.
//!
//! The base tarball (debootstrap minbase with eatmydata) is built once and cached under the
//! tests' temp directory (`CARGO_TARGET_TMPDIR`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use crate::common::*;

/// piuparts runs as root with debootstrap and dpkg-scanpackages; a test without them fails.
fn tools() {
    require_root();
    require(&["piuparts", "debootstrap", "dpkg-scanpackages"]);
}

/// The cached base tarball (piuparts unpacks it with `tar -zxf`).
fn base_tgz() -> PathBuf {
    static TGZ: OnceLock<PathBuf> = OnceLock::new();
    static BUILD: Mutex<()> = Mutex::new(());
    TGZ.get_or_init(|| {
        let _b = BUILD.lock().unwrap_or_else(|e| e.into_inner());
        let (mirror, suite) = crate::common::chroot::mirror_and_suite();
        let tgz = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("piuparts-{suite}.tgz"));
        if tgz.is_file() {
            return tgz;
        }
        let d = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let root = d.path().join("base");
        run_ok(
            Command::new("debootstrap")
                .args(["--variant=minbase", "--include=eatmydata", &suite])
                .arg(&root)
                .arg(&mirror),
        );
        run_ok(Command::new("chroot").arg(&root).args(["apt-get", "clean"]));
        let partial = tgz.with_extension("partial");
        run_ok(
            Command::new("tar")
                .arg("-C")
                .arg(&root)
                .args(["--one-file-system", "-czf"])
                .arg(&partial)
                .arg("."),
        );
        std::fs::rename(&partial, &tgz).unwrap();
        tgz
    })
    .clone()
}

/// piuparts' upgrade test: installs and purges `new`, then installs `old` with apt from a local
/// repository, upgrades it to `new` and purges it. Panics, with piuparts' log, unless every
/// test passed and the upgrade really ran.
fn install_upgrade_purge(old: &Path, new: &Path) {
    let _lock = dpkg_lock();
    let (mirror, suite) = crate::common::chroot::mirror_and_suite();
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::copy(old, repo.join(old.file_name().unwrap())).unwrap();
    let packages = run_ok(
        Command::new("dpkg-scanpackages")
            .args([".", "/dev/null"])
            .current_dir(&repo),
    );
    std::fs::write(repo.join("Packages"), &packages.stdout).unwrap();
    let log = d.path().join("piuparts.log");
    let out = Command::new("piuparts")
        .arg(format!("--basetgz={}", base_tgz().display()))
        .args(["-d", &suite, "-m", &mirror])
        .arg(format!("--bindmount={}", repo.display()))
        .arg(format!(
            "--extra-repo=deb [trusted=yes] file://{} ./",
            repo.display()
        ))
        .args([
            "--skip-logrotatefiles-test",
            "--skip-cronfiles-test",
            "--warn-on-others",
            "--fail-on-broken-symlinks",
            "--pedantic-purge-test",
        ])
        .arg("-l")
        .arg(&log)
        .arg(new)
        .output()
        .expect("run piuparts");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(60).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    assert!(
        out.status.success(),
        "piuparts failed on {}:\n{}",
        new.display(),
        tail.join("\n")
    );
    // A skipped upgrade test also exits 0: make sure it ran.
    assert!(
        text.contains("PASS: Installation, upgrade and purging tests."),
        "the upgrade test did not run:\n{}",
        tail.join("\n")
    );
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn piuparts_dir_package() {
    tools();
    let d = tempfile::tempdir().unwrap();
    let build = |v: &str| {
        let out = d.path().join(v);
        std::fs::create_dir_all(&out).unwrap();
        let mut args = dir_args();
        let i = args.iter().position(|a| a == "-v").unwrap();
        args[i + 1] = v.into();
        run_ok(
            pkgr()
                .args(args)
                .arg("-p")
                .arg(format!("{}/", out.display())),
        );
        out.join(format!("hello-dir_{v}-1_all.deb"))
    };
    install_upgrade_purge(&build("0.9"), &build("1.0"));
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn piuparts_venv_package() {
    tools();
    let old = build_venv("hello-app", "work", &["-v", "0.0.9"]);
    install_upgrade_purge(&old.deb, &hello().deb);
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn piuparts_service_package() {
    tools();
    let d = tempfile::tempdir().unwrap();
    let (v1, _) = crate::services::build("1.0", d.path());
    let (v2, _) = crate::services::build("2.0", d.path());
    install_upgrade_purge(&v1, &v2);
}
