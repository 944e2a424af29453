//! Real packages nobody here wrote, converted and used: Debian archive packages (downloaded by
//! apt in a clean chroot) to rpm, installed there with `rpm -i --root` and run, their dpkg
//! maintainer scripts run by rpm with dpkg's arguments; rpms built by rpmbuild from a spec to
//! deb, installed, upgraded and removed with dpkg in a chroot; a release tarball from PyPI to
//! deb, installed with dpkg; rpm's large-file payloads read and written.

use std::path::Path;
use std::process::Command;

use super::common::chroot::{copy_in, fresh_root, in_root};
use super::common::*;

fn ok(out: std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Converts `file` with `-s FROM -t TO` into `into/`; returns the one package written.
fn convert(from: &str, to: &str, file: &Path, into: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(into).unwrap();
    let before: Vec<_> = std::fs::read_dir(into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    ok(
        pkgr()
            .args(["-s", from, "-t", to, "-p"])
            .arg(format!("{}/", into.display()))
            .arg(file)
            .output()
            .unwrap(),
        &format!("pkgr -s {from} -t {to} {}", file.display()),
    );
    std::fs::read_dir(into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !before.contains(p))
        .unwrap()
}

/// Nine Debian archive packages (hello, jq with its two libraries, tree, nano with
/// update-alternatives in its scripts and a conffile, logrotate with conffiles, a systemd timer
/// and dh_installsystemd's scripts, and the libraries those two need): converted to rpm,
/// installed into a Debian chroot with rpm, run; the scripts rpm ran did what dpkg's would
/// (alternatives registered, the timer enabled); erasing runs `prerm remove`.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: apt downloads from the mirror into a chroot, rpm installs there, as root"
)]
fn debian_archive_packages_become_rpms_that_install_and_run() {
    require(&["debootstrap", "chroot", "rpm"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    let root = fresh_root(d.path());
    in_root(&root, &["apt-get", "update", "-qq"]);
    std::fs::create_dir_all(root.join("tmp/debs")).unwrap();
    in_root(
        &root,
        &[
            "sh",
            "-c",
            "cd /tmp/debs && apt-get download -qq hello jq libjq1 libonig5 tree nano libncursesw6 logrotate libpopt0",
        ],
    );
    let rpms = d.path().join("rpms");
    let debs: Vec<_> = std::fs::read_dir(root.join("tmp/debs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(debs.len(), 9, "{debs:?}");
    for deb in &debs {
        convert("deb", "rpm", deb, &rpms);
    }
    let rpm = |args: &[&str]| {
        let mut c = Command::new("rpm");
        c.arg("--root")
            .arg(&root)
            .args(["--dbpath", "/var/lib/pkgr-rpmdb"])
            .args(args);
        c
    };
    ok(rpm(&["--initdb"]).output().unwrap(), "rpm --initdb");
    // --nodeps: the chroot's rpm database knows none of Debian's packages (libc6, ...).
    let mut install = rpm(&["-i", "--nodeps"]);
    for e in std::fs::read_dir(&rpms).unwrap() {
        install.arg(e.unwrap().path());
    }
    ok(install.output().unwrap(), "rpm -i");
    assert_eq!(in_root(&root, &["hello"]).trim(), "Hello, world!");
    assert_eq!(
        in_root(&root, &["jq", "-n", "-c", "[1,2]|map(.*2)"]).trim(),
        "[2,4]"
    );
    assert!(in_root(&root, &["tree", "--version"]).starts_with("tree v2"));
    assert!(in_root(&root, &["nano", "--version"]).contains("GNU nano"));
    assert!(in_root(&root, &["logrotate", "--version"]).starts_with("logrotate"));
    // nano's postinst ran with `configure`: its alternatives are registered.
    assert_eq!(
        std::fs::read_link(root.join("etc/alternatives/editor")).unwrap(),
        Path::new("/bin/nano")
    );
    // logrotate's postinst ran deb-systemd-helper as dpkg would (it checks dpkg's environment).
    let wants = root.join("etc/systemd/system/timers.target.wants/logrotate.timer");
    assert_eq!(
        std::fs::read_link(&wants).unwrap(),
        Path::new("/lib/systemd/system/logrotate.timer")
    );
    let config = stdout(&run_ok(&mut rpm(&["-qc", "logrotate"])));
    assert!(
        config.lines().any(|l| l == "/etc/logrotate.conf"),
        "{config}"
    );
    let q = stdout(&run_ok(&mut rpm(&[
        "-q",
        "--qf",
        "%{VERSION}-%{RELEASE}",
        "jq",
    ])));
    assert!(q.starts_with("1.6-"), "{q}");
    // Erase: nano's prerm ran with `remove`, so its alternatives are gone.
    ok(
        rpm(&["-e", "--nodeps", "nano"]).output().unwrap(),
        "rpm -e nano",
    );
    assert!(std::fs::symlink_metadata(root.join("etc/alternatives/editor")).is_err());
    assert!(!root.join("bin/nano").exists());
}

/// rpmbuild's packages (scriptlets that log `$1`, a `%config(noreplace)` file) to deb: dpkg
/// installs, upgrades and removes them in a chroot; the scriptlets see the `$1` rpm would give;
/// the admin's edit of the config file survives the upgrade (a conffile).
#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn rpmbuild_packages_become_debs_that_install_upgrade_and_remove() {
    require(&["debootstrap", "chroot", "rpmbuild", "dpkg"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    let v1 = super::convert::rpmbuild_greet(&d.path().join("v1"), "1.0");
    let v2 = super::convert::rpmbuild_greet(&d.path().join("v2"), "2.0");
    let debs = d.path().join("debs");
    let (deb1, deb2) = (
        convert("rpm", "deb", &v1, &debs),
        convert("rpm", "deb", &v2, &debs),
    );
    let root = fresh_root(d.path());
    let (p1, p2) = (copy_in(&root, &deb1), copy_in(&root, &deb2));
    in_root(&root, &["dpkg", "-i", &p1]);
    assert_eq!(in_root(&root, &["greet"]).trim(), "hello from greet 1.0");
    assert_eq!(in_root(&root, &["hi"]).trim(), "hello from greet 1.0");
    std::fs::write(root.join("etc/greet/greet.conf"), "GREETING=howdy\n").unwrap();
    in_root(&root, &["dpkg", "--force-confold", "-i", &p2]);
    assert_eq!(in_root(&root, &["greet"]).trim(), "howdy from greet 2.0");
    let mode = in_root(&root, &["stat", "-c", "%a", "/var/lib/greet"]);
    assert_eq!(mode.trim(), "750");
    in_root(&root, &["dpkg", "--purge", "greet"]);
    assert!(!root.join("usr/bin/greet").exists());
    let log = std::fs::read_to_string(root.join("var/log/greet-scripts")).unwrap();
    // Install: %pre 1, %post 1. Upgrade (dpkg's order: old prerm, new preinst, old postrm,
    // new postinst): %preun 1, %pre 2, %postun 1, %post 2. Removal: %preun 0, %postun 0.
    assert_eq!(
        log,
        "pre 1\npost 1\npreun 1\npre 2\npostun 1\npost 2\npreun 0\npostun 0\n"
    );
}

/// A release tarball from PyPI (six's sdist): `-s tar -C six-1.16.0 --prefix /usr/share/six`
/// to deb, installed with dpkg in a chroot; the module imports from where it was installed.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: downloads from PyPI, installs into a chroot, as root"
)]
fn a_pypi_release_tarball_becomes_a_deb() {
    require(&["debootstrap", "chroot", "dpkg", "/usr/bin/python3"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    let mut pip = Command::new("/usr/bin/python3");
    pip.args([
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--no-build-isolation",
    ])
    .args(["six==1.16.0", "-d"])
    .arg(d.path());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PIP_")) {
        pip.env_remove(k);
    }
    ok(pip.output().unwrap(), "pip download six");
    let tarball = d.path().join("six-1.16.0.tar.gz");
    let out = d.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    ok(
        pkgr()
            .args([
                "-s",
                "tar",
                "-t",
                "deb",
                "-C",
                "six-1.16.0",
                "--prefix",
                "/usr/share/six",
            ])
            .args(["-a", "all", "-m", "T <t@example.org>", "-p"])
            .arg(format!("{}/", out.display()))
            .arg(&tarball)
            .output()
            .unwrap(),
        "pkgr -s tar",
    );
    let deb = out.join("six_1.16.0_all.deb");
    assert_eq!(field(&deb, "Version"), "1.16.0");
    let root = fresh_root(d.path());
    let p = copy_in(&root, &deb);
    in_root(&root, &["dpkg", "-i", &p]);
    assert!(root.join("usr/share/six/six.py").is_file());
    let v = Command::new("/usr/bin/python3")
        .args(["-c", "import six; print(six.__version__)"])
        .env("PYTHONPATH", root.join("usr/share/six"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&v.stdout).trim(), "1.16.0");
    assert_eq!(
        in_root(&root, &["dpkg-query", "-W", "-f", "${Version}", "six"]),
        "1.16.0"
    );
}

/// rpm's large-file payload (`07070X`, files of 4 GiB or more), both ways: an rpm rpmbuild
/// makes with a sparse 4 GiB file, a small file and a symlink converts to a deb with every
/// byte in place; and the large-file rpm pkgr writes reads back with rpm's own code
/// (rpm2archive) with the same bytes.
#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: writes gigabytes")]
fn large_file_rpms_read_and_write_as_rpm_does() {
    require(&["rpmbuild", "rpm2archive", "dpkg-deb", "tar"]);
    let d = tempfile::tempdir().unwrap();
    let spec = d.path().join("big.spec");
    std::fs::write(
        &spec,
        "Name: big\nVersion: 1.0\nRelease: 1\nSummary: a 4 GiB file\nLicense: MIT\nBuildArch: noarch\n\
         %description\nBig.\n%install\nmkdir -p %{buildroot}/opt/big\n\
         truncate -s 4G %{buildroot}/opt/big/huge\nprintf 'abc\\n' > %{buildroot}/opt/big/small\n\
         ln -s small %{buildroot}/opt/big/link\n%files\n/opt/big\n",
    )
    .unwrap();
    let top = d.path().join("rpmbuild");
    run_ok(
        Command::new("rpmbuild")
            .arg("-bb")
            .args(["--define", &format!("_topdir {}", top.display())])
            .args(["--define", "_binary_payload w1.zstdio"])
            .arg(&spec),
    );
    let rpm = top.join("RPMS/noarch/big-1.0-1.noarch.rpm");
    let debs = d.path().join("debs");
    std::fs::create_dir_all(&debs).unwrap();
    ok(
        pkgr()
            .args([
                "-s",
                "rpm",
                "-t",
                "deb",
                "--deb-compression",
                "zst",
                "-m",
                "B <b@example.org>",
                "-p",
            ])
            .arg(format!("{}/", debs.display()))
            .arg(&rpm)
            .output()
            .unwrap(),
        "pkgr -s rpm (large files)",
    );
    let deb = debs.join("big_1.0-1_all.deb");
    let small = sh(&format!(
        "dpkg-deb --fsys-tarfile '{}' | tar -xOf - ./opt/big/small",
        deb.display()
    ));
    assert_eq!(small, "abc\n");
    let listing = sh(&format!("dpkg-deb -c '{}'", deb.display()));
    assert!(
        listing.contains(" 4294967296 ") && listing.contains("./opt/big/huge"),
        "{listing}"
    );
    assert!(listing.contains("./opt/big/link -> small"), "{listing}");
    // pkgr's own large-file rpm, read by rpm's code.
    let out = d.path().join("own");
    std::fs::create_dir_all(&out).unwrap();
    ok(
        pkgr()
            .args(["-s", "deb", "-t", "rpm", "-p"])
            .arg(format!("{}/", out.display()))
            .arg(&deb)
            .output()
            .unwrap(),
        "pkgr -t rpm (large files)",
    );
    let own = out.join("big-1.0-1.noarch.rpm");
    let small = sh(&format!(
        "rpm2archive -n - < '{}' | tar -xOf - ./opt/big/small",
        own.display()
    ));
    assert_eq!(small, "abc\n");
    let listing = sh(&format!(
        "rpm2archive -n - < '{}' | tar -tvf -",
        own.display()
    ));
    assert!(
        listing.contains("4294967296") && listing.contains("./opt/big/link -> small"),
        "{listing}"
    );
}
