//! systemd units, the service user and conffiles over a package's whole life, with the real
//! package managers running the generated maintainer scripts inside a debootstrap chroot:
//! install → upgrade (v1 → v2, with a conffile the admin changed) → remove → purge with dpkg,
//! and the same with `rpm --root --dbpath` -i/-U/-e.
//!
//! Each lifecycle runs in a fresh copy of the cached debootstrap chroot ([`crate::common::chroot`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::chroot::*;
use crate::common::*;

const PKG: &str = "pkgr-svc";
const CONF: &str = "etc/pkgr-svc/pkgr-svc.conf";
const WANTS: &str = "etc/systemd/system/multi-user.target.wants/pkgr-svc.service";

/// The fixture as v1 or v2 (v2 ships a different conffile), built as deb and rpm into `out`.
pub(crate) fn build(version: &str, out: &Path) -> (PathBuf, PathBuf) {
    build_with(version, out, &[])
}

/// As [`build`], with extra pkgr flags.
fn build_with(version: &str, out: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let app = fixture_copy("service-app", out);
    if version != "1.0" {
        std::fs::write(
            app.join("etc/pkgr-svc.conf"),
            format!("GREETING=\"hello from v{version}\"\n"),
        )
        .unwrap();
    }
    let dest = out.join(format!("v{version}"));
    std::fs::create_dir_all(&dest).unwrap();
    run_ok(
        pkgr()
            .arg("--config")
            .arg(app.join("pkgr.toml"))
            .args(["-t", "deb,rpm", "-v", version])
            .args(extra)
            .arg("-p")
            .arg(format!("{}/", dest.display())),
    );
    std::fs::remove_dir_all(&app).unwrap();
    let find = |ext: &str| {
        std::fs::read_dir(&dest)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap()
    };
    (find("deb"), find("rpm"))
}

/// The user, its home, the unit, its enablement and the owned directory are all in place.
fn assert_installed(root: &Path, unit_dir: &str, greeting: &str) {
    let pw = in_root(root, &["getent", "passwd", PKG]);
    assert!(pw.contains(":/var/lib/pkgr-svc:/usr/sbin/nologin"), "{pw}");
    let owner = in_root(
        root,
        &[
            "stat",
            "-c",
            "%U:%G %a",
            "/var/lib/pkgr-svc",
            "/var/log/pkgr-svc",
        ],
    );
    assert_eq!(owner, "pkgr-svc:pkgr-svc 750\npkgr-svc:pkgr-svc 750\n");
    assert!(root.join(unit_dir).join("pkgr-svc.service").is_file());
    assert_eq!(
        in_root(root, &["systemctl", "is-enabled", "pkgr-svc.service"]).trim(),
        "enabled"
    );
    let link =
        std::fs::read_link(root.join(WANTS)).expect("the unit is wanted by multi-user.target");
    assert!(link.ends_with("pkgr-svc.service"), "{link:?}");
    assert_eq!(
        in_root(root, &["/usr/bin/pkgr-svc", "--once"]).trim(),
        greeting
    );
}

/// The chroot tests run as root with debootstrap; a test without them fails.
fn tools() {
    require_root();
    require(&["debootstrap", "chroot", "dpkg-deb", "rpm"]);
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn dpkg_lifecycle_in_a_chroot() {
    tools();
    let d = tempfile::tempdir().unwrap();
    let (v1, _) = build("1.0", d.path());
    let (v2, _) = build("2.0", d.path());
    let root = fresh_root(d.path());
    let (p1, p2) = (copy_in(&root, &v1), copy_in(&root, &v2));

    // Install: the user exists before the files are unpacked (the log dir is owned by it).
    in_root(&root, &["dpkg", "-i", &p1]);
    assert_installed(&root, "lib/systemd/system", "hello from v1");

    // The admin edits the conffile; v2 ships another one: dpkg keeps the admin's.
    std::fs::write(root.join(CONF), "GREETING=\"admin's own\"\n").unwrap();
    in_root(
        &root,
        &["dpkg", "--force-confdef", "--force-confold", "-i", &p2],
    );
    assert_eq!(
        in_root(&root, &["dpkg-query", "-W", "-f", "${Version}", PKG]),
        "2.0-1"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(CONF)).unwrap(),
        "GREETING=\"admin's own\"\n"
    );
    assert!(
        std::fs::read_to_string(root.join(format!("{CONF}.dpkg-dist")))
            .unwrap()
            .contains("v2.0")
    );
    assert_installed(&root, "lib/systemd/system", "admin's own");

    // Remove: the unit file goes, the conffile and the user stay.
    in_root(&root, &["dpkg", "-r", PKG]);
    assert!(!root.join("lib/systemd/system/pkgr-svc.service").exists());
    assert!(!root.join("usr/bin/pkgr-svc").exists());
    assert!(root.join(CONF).exists());
    in_root(&root, &["getent", "passwd", PKG]);

    // Purge: nothing of the package is left; the user stays (Policy §9.2.1).
    in_root(&root, &["dpkg", "--purge", PKG]);
    for gone in [
        CONF.to_string(),
        format!("{CONF}.dpkg-dist"),
        "etc/pkgr-svc".into(),
        WANTS.into(),
        "var/lib/systemd/deb-systemd-helper-enabled/pkgr-svc.service.dsh-also".into(),
        "var/lib/systemd/deb-systemd-helper-masked/pkgr-svc.service".into(),
        "var/log/pkgr-svc".into(),
        // The service user's home belongs to the package: purge removes it (piuparts).
        "var/lib/pkgr-svc".into(),
    ] {
        assert!(
            std::fs::symlink_metadata(root.join(&gone)).is_err(),
            "{gone} is left after purge"
        );
    }
    let status = Command::new("chroot")
        .arg(&root)
        .args(["dpkg-query", "-W", PKG])
        .output()
        .unwrap();
    assert!(!status.status.success(), "dpkg still knows the package");
    in_root(&root, &["getent", "passwd", PKG]);
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn rpm_lifecycle_in_a_chroot() {
    tools();
    let d = tempfile::tempdir().unwrap();
    let (_, v1) = build("1.0", d.path());
    let (_, v2) = build("2.0", d.path());
    let root = fresh_root(d.path());
    let rpm = |args: &[&str], pkg: Option<&Path>| {
        let mut c = Command::new("rpm");
        c.arg("--root")
            .arg(&root)
            .args(["--dbpath", "/var/lib/pkgr-rpmdb"]);
        c.args(args);
        if let Some(p) = pkg {
            c.arg(p);
        }
        stdout(&run_ok(&mut c))
    };
    rpm(&["--initdb"], None);
    // --nodeps: the chroot's rpm database knows none of Debian's packages (/bin/sh).
    rpm(&["-i", "--nodeps"], Some(&v1));
    assert_installed(&root, "usr/lib/systemd/system", "hello from v1");

    std::fs::write(root.join(CONF), "GREETING=\"admin's own\"\n").unwrap();
    rpm(&["-U", "--nodeps"], Some(&v2));
    assert_eq!(rpm(&["-q", "--qf", "%{VERSION}", PKG], None), "2.0");
    // %config(noreplace): the admin's file stays, the new one is written as .rpmnew.
    assert_eq!(
        std::fs::read_to_string(root.join(CONF)).unwrap(),
        "GREETING=\"admin's own\"\n"
    );
    assert!(std::fs::read_to_string(root.join(format!("{CONF}.rpmnew")))
        .unwrap()
        .contains("v2.0"));
    assert_installed(&root, "usr/lib/systemd/system", "admin's own");

    // Erase: units disabled and gone; the modified conffile is kept as .rpmsave (RPM has no
    // purge); the user stays.
    rpm(&["-e", "--nodeps", PKG], None);
    assert!(!root
        .join("usr/lib/systemd/system/pkgr-svc.service")
        .exists());
    assert!(
        std::fs::symlink_metadata(root.join(WANTS)).is_err(),
        "still enabled after erase"
    );
    assert!(!root.join("usr/bin/pkgr-svc").exists());
    assert!(!root.join(CONF).exists());
    assert!(root.join(format!("{CONF}.rpmsave")).exists());
    let q = Command::new("rpm")
        .arg("--root")
        .arg(&root)
        .args(["--dbpath", "/var/lib/pkgr-rpmdb", "-q", PKG])
        .output()
        .unwrap();
    assert!(!q.status.success());
    in_root(&root, &["getent", "passwd", PKG]);
}

/// `--no-systemd-enable`: both package managers install the unit but leave it disabled, and the
/// user is still created.
#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn no_systemd_enable_installs_a_disabled_unit() {
    tools();
    let d = tempfile::tempdir().unwrap();
    let (deb, rpm) = build_with("1.0", d.path(), &["--no-systemd-enable"]);
    let is_enabled = |root: &Path| {
        let o = Command::new("chroot")
            .arg(root)
            .args(["systemctl", "is-enabled", "pkgr-svc.service"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let root = fresh_root(&d.path().join("deb"));
    let p = copy_in(&root, &deb);
    in_root(&root, &["dpkg", "-i", &p]);
    assert!(root.join("lib/systemd/system/pkgr-svc.service").is_file());
    assert_eq!(is_enabled(&root), "disabled");
    assert!(std::fs::symlink_metadata(root.join(WANTS)).is_err());
    in_root(&root, &["getent", "passwd", PKG]);

    let root = fresh_root(&d.path().join("rpm"));
    run_ok(
        Command::new("rpm")
            .arg("--root")
            .arg(&root)
            .args(["--dbpath", "/var/lib/pkgr-rpmdb", "-i", "--nodeps"])
            .arg(&rpm),
    );
    assert!(root
        .join("usr/lib/systemd/system/pkgr-svc.service")
        .is_file());
    assert_eq!(is_enabled(&root), "disabled");
    assert!(std::fs::symlink_metadata(root.join(WANTS)).is_err());
    in_root(&root, &["getent", "passwd", PKG]);
}

#[test]
fn bad_service_options_are_usage_errors_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let unit = d.path().join("bad name.service");
    std::fs::write(&unit, "[Service]\nExecStart=/bin/true\n").unwrap();
    let out = d.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for (args, want) in [
        (
            vec!["--systemd-unit", unit.to_str().unwrap()],
            "must be ASCII letters, digits and ':-_.\\@' ending in one of .service",
        ),
        (
            vec!["--user", "Bad.User"],
            "--user 'Bad.User': a system account name is 1-32 characters",
        ),
        (
            vec!["--user", "svc", "--home", "relative/home"],
            "--home 'relative/home': the home directory must be an absolute path",
        ),
        (vec!["--home", "/var/lib/x"], "--home needs --user"),
    ] {
        let o = pkgr()
            .args(dir_args())
            .arg("-p")
            .arg(format!("{}/", out.display()))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    }
}
