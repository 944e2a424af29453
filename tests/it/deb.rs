//! `-s dir -t deb`: the package format itself, judged by dpkg-deb, md5sum, lintian and dpkg.

use std::process::Command;

use crate::common::*;

#[test]
fn control_fields_and_file_list_are_what_dpkg_deb_reports() {
    require(&["dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let deb = build_dir(d.path(), &[]);
    assert_eq!(field(&deb, "Package"), "hello-dir");
    assert_eq!(field(&deb, "Version"), "1.0-1");
    assert_eq!(field(&deb, "Architecture"), "all");
    assert_eq!(field(&deb, "Homepage"), "https://example.org/hello-dir");
    assert_eq!(
        field(&deb, "Maintainer"),
        "pkgr developers <pkgr@example.org>"
    );
    assert_eq!(field(&deb, "Section"), "misc");
    assert_eq!(field(&deb, "Priority"), "optional");
    let installed: u64 = field(&deb, "Installed-Size").parse().unwrap();
    assert!((4..100).contains(&installed), "{installed}");
    assert_eq!(
        field(&deb, "Description"),
        "Prints a configured greeting\n A fixture for pkgr: a shell script in /usr/bin, a conffile in /etc and\n maintainer scripts."
    );
    let rows = contents(&deb);
    let paths: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(paths[0], "./");
    for want in [
        "./etc/",
        "./etc/hello-dir/",
        "./etc/hello-dir/hello-dir.conf",
        "./usr/bin/hello-dir",
        "./usr/share/doc/hello-dir/copyright",
        "./usr/share/doc/hello-dir/changelog.Debian.gz",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "entries are sorted, parents first");
    for (mode, owner, path, _) in &rows {
        assert_eq!(owner, "root/root", "{path}");
        if path == "./usr/bin/hello-dir" {
            assert_eq!(mode, "-rwxr-xr-x");
        }
        if path.ends_with('/') {
            assert!(mode.starts_with('d'), "{path}");
        }
    }
    let info = stdout(&run_ok(Command::new("dpkg-deb").arg("--info").arg(&deb)));
    assert!(info.contains("conffiles"), "{info}");
    assert!(
        info.contains("*  postinst"),
        "postinst must be executable: {info}"
    );
    assert!(info.contains("*  postrm"), "{info}");
    let ctl = d.path().join("ctl");
    run_ok(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&ctl));
    assert_eq!(
        std::fs::read_to_string(ctl.join("conffiles")).unwrap(),
        "/etc/hello-dir/hello-dir.conf\n"
    );
    // The user's scripts are shipped verbatim when pkgr adds nothing to that phase.
    assert_eq!(
        std::fs::read(ctl.join("postinst")).unwrap(),
        std::fs::read(repo().join("fixtures/dir-app/scripts/after-install")).unwrap()
    );
}

#[test]
fn ar_members_are_in_deb5_order_with_fixed_headers() {
    let d = tempfile::tempdir().unwrap();
    let deb = build_dir(d.path(), &[("SOURCE_DATE_EPOCH", "1700000000")]);
    let bytes = std::fs::read(&deb).unwrap();
    assert!(bytes.starts_with(
        b"!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n"
    ));
    let mut names = Vec::new();
    let mut off = 8;
    while off < bytes.len() {
        let h = &bytes[off..off + 60];
        names.push(String::from_utf8_lossy(&h[..16]).trim().to_string());
        assert_eq!(&h[16..28], b"1700000000  ");
        let size: usize = String::from_utf8_lossy(&h[48..58]).trim().parse().unwrap();
        off += 60 + size + size % 2;
    }
    assert_eq!(names, ["debian-binary", "control.tar.gz", "data.tar.xz"]);
}

#[test]
fn md5sums_verify_with_md5sum() {
    require(&["dpkg-deb", "md5sum"]);
    let d = tempfile::tempdir().unwrap();
    let deb = build_dir(d.path(), &[]);
    let root = extract(&deb, d.path());
    let ctl = d.path().join("ctl");
    run_ok(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&ctl));
    let sums = std::fs::read_to_string(ctl.join("md5sums")).unwrap();
    let check = run_ok(
        Command::new("md5sum")
            .arg("-c")
            .arg(ctl.join("md5sums"))
            .current_dir(&root),
    );
    let ok_lines = stdout(&check)
        .lines()
        .filter(|l| l.ends_with(": OK"))
        .count();
    assert_eq!(ok_lines, sums.lines().count());
    // Every regular file but the conffile is listed.
    let files = sh(&format!(
        "cd {} && find . -type f | sed 's|^./||' | sort",
        root.display()
    ));
    let listed: Vec<&str> = sums.lines().map(|l| &l[34..]).collect();
    for f in files.lines() {
        if f == "etc/hello-dir/hello-dir.conf" {
            assert!(!listed.contains(&f), "conffiles are not in md5sums");
        } else {
            assert!(listed.contains(&f), "{f} missing from md5sums");
        }
    }
}

#[test]
fn dir_package_passes_lintian() {
    require(&["lintian"]);
    let d = tempfile::tempdir().unwrap();
    assert_lintian_clean(&build_dir(d.path(), &[]));
}

#[test]
fn same_input_gives_identical_bytes_and_the_epoch_is_honoured() {
    let d = tempfile::tempdir().unwrap();
    let a = build_dir(&d.path().join("a").tap_mkdir(), &[]);
    let b = build_dir(&d.path().join("b").tap_mkdir(), &[]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let c = build_dir(
        &d.path().join("c").tap_mkdir(),
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
    require(&["dpkg-deb"]);
    let rows = sh(&format!("dpkg-deb --contents {} | head -1", c.display()));
    assert!(rows.contains("2023-11-14 22:13"), "{rows}");
}

/// Creates the directory and returns it.
trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}
impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

/// Installs the dir package with dpkg (needs root): the postinst runs with dpkg's arguments, the
/// script runs, a modified conffile survives removal and goes on purge.
#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn dir_package_installs_runs_and_purges() {
    require(&["dpkg"]);
    require_root();
    let d = tempfile::tempdir().unwrap();
    let deb = build_dir(d.path(), &[]);
    let _g = dpkg_lock();
    run_ok(Command::new("dpkg").arg("-i").arg(&deb));
    let out = run_ok(&mut Command::new("/usr/bin/hello-dir"));
    assert_eq!(
        stdout(&out),
        "hello-dir says: hello from a directory package\n"
    );
    assert_eq!(
        std::fs::read_to_string("/var/lib/hello-dir/state").unwrap(),
        "configured: configure \n"
    );
    let status = sh("dpkg-query -W -f='${Status}' hello-dir");
    assert_eq!(status, "install ok installed");
    assert_eq!(sh("dpkg -V hello-dir"), "", "dpkg -V is clean");
    std::fs::write(
        "/etc/hello-dir/hello-dir.conf",
        "GREETING=\"changed by the admin\"\n",
    )
    .unwrap();
    run_ok(Command::new("dpkg").args(["-r", "hello-dir"]));
    assert!(!std::path::Path::new("/usr/bin/hello-dir").exists());
    assert_eq!(
        std::fs::read_to_string("/etc/hello-dir/hello-dir.conf").unwrap(),
        "GREETING=\"changed by the admin\"\n",
        "a removed (not purged) package keeps its modified conffile"
    );
    run_ok(Command::new("dpkg").args(["--purge", "hello-dir"]));
    assert!(!std::path::Path::new("/etc/hello-dir").exists());
    assert!(
        !std::path::Path::new("/var/lib/hello-dir").exists(),
        "postrm purge ran"
    );
}

#[test]
fn every_compression_is_readable_by_dpkg_deb() {
    require(&["dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    for (flag, member) in [
        ("gz", "data.tar.gz"),
        ("xz", "data.tar.xz"),
        ("zst", "data.tar.zst"),
        ("none", "data.tar"),
    ] {
        let out = d.path().join(format!("{flag}.deb"));
        let mut cmd = pkgr();
        cmd.args(dir_args())
            .args(["--deb-compression", flag, "-p"])
            .arg(&out);
        run_ok(&mut cmd);
        let ar = sh(&format!("ar t {}", out.display()));
        assert_eq!(ar, format!("debian-binary\ncontrol.tar.gz\n{member}\n"));
        let rows = contents(&out);
        assert!(
            rows.iter().any(|r| r.2 == "./usr/bin/hello-dir"),
            "{flag}: {rows:?}"
        );
        let root = extract(&out, &d.path().join(flag));
        assert_eq!(
            std::fs::read(root.join("usr/bin/hello-dir")).unwrap(),
            std::fs::read(repo().join("fixtures/dir-app/bin/hello-dir")).unwrap()
        );
    }
}
