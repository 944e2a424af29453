//! The conversion sources (`-s tar`, `-s deb`, `-s rpm`): round trips that keep every field,
//! file, mode, owner, conffile and script both formats hold (judged by `pkgr inspect`, dpkg-deb
//! and rpm), rpmbuild's own packages converted, GNU tar's tarballs, and hostile archives that
//! are refused without writing anything.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::common::*;

/// `pkgr inspect --json FILE`.
fn inspect(file: &Path) -> Value {
    let out = run_ok(pkgr().arg("inspect").arg("--json").arg(file));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs pkgr in `dir` and returns the one file it wrote into `dir/out-N/`.
pub fn convert(dir: &Path, n: &str, args: &[&str]) -> std::path::PathBuf {
    let out_dir = dir.join(format!("out-{n}"));
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = pkgr()
        .current_dir(dir)
        .args(args)
        .arg("-p")
        .arg(format!("out-{n}/"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pkgr {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

/// A release-like tarball made by GNU tar: a top directory, an executable, a private file, a
/// setgid directory, a config file, a symlink and a hard link; most of it root's, one file
/// daemon's.
fn gnu_tarball(dir: &Path) -> std::path::PathBuf {
    let t = dir.join("src/greet-1.4.2");
    for d in ["bin", "etc", "share/greet", "var/spool"] {
        std::fs::create_dir_all(t.join(d)).unwrap();
    }
    std::fs::write(t.join("bin/greet"), "#!/bin/sh\necho hello from greet\n").unwrap();
    std::fs::write(t.join("etc/greet.conf"), "GREETING=hello\n").unwrap();
    std::fs::write(t.join("share/greet/secret"), "s3cret\n").unwrap();
    std::fs::write(t.join("share/greet/README"), "read me\n").unwrap();
    std::fs::hard_link(
        t.join("share/greet/README"),
        t.join("share/greet/README.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../share/greet/README", t.join("bin/readme")).unwrap();
    sh(&format!(
        "cd '{}' && chmod 0755 greet-1.4.2/bin/greet && chmod 0600 greet-1.4.2/share/greet/secret \
         && chmod 2775 greet-1.4.2/var/spool \
         && tar --sort=name --owner=root --group=root -cf ../greet-1.4.2.tar --exclude=share/greet/secret greet-1.4.2 \
         && tar --owner=daemon --group=daemon -rf ../greet-1.4.2.tar greet-1.4.2/share/greet/secret \
         && gzip -9n ../greet-1.4.2.tar",
        dir.join("src").display()
    ));
    dir.join("greet-1.4.2.tar.gz")
}

/// The fields of an inspection both formats carry, for comparing two of them.
fn carried(v: &Value) -> Value {
    let mut v = v.clone();
    let o = v.as_object_mut().unwrap();
    for k in ["format", "compression"] {
        o.remove(k);
    }
    v
}

/// A tarball → deb (with scripts, relations and metadata from the command line) → rpm → deb:
/// the second deb says exactly what the first says (every field, relation, script, conffile,
/// and every file's path, kind, mode, owner, size and link target).
#[test]
fn tar_to_deb_to_rpm_to_deb_keeps_everything() {
    require(&["dpkg-deb", "rpm", "tar", "gzip"]);
    let d = tempfile::tempdir().unwrap();
    let tarball = gnu_tarball(d.path());
    std::fs::write(
        d.path().join("postinst.sh"),
        "#!/bin/sh\nset -e\nif [ \"$1\" = configure ] && [ -z \"$2\" ]; then echo first install; fi\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("prerm.sh"),
        "#!/bin/bash\n[ \"$1\" = remove ] && echo removing\nexit 0\n",
    )
    .unwrap();
    let deb1 = convert(
        d.path(),
        "1",
        &[
            "-s",
            "tar",
            "-t",
            "deb",
            "-C",
            "greet-1.4.2",
            "--prefix",
            "/opt/greet",
            "--keep-owners",
            "--epoch",
            "2",
            "--iteration",
            "3",
            "-a",
            "all",
            "-m",
            "Greet Team <team@example.org>",
            "--url",
            "https://example.org/greet",
            "--license",
            "MIT",
            "--category",
            "utils",
            "--description",
            "Says hello\nA longer text about greeting.\n\nA second  paragraph.",
            "-d",
            "bash (>= 5) | zsh",
            "-d",
            "coreutils",
            "--provides",
            "greeter",
            "--conflicts",
            "old-greet (<< 1.0)",
            "--replaces",
            "old-greet (<< 1.0)",
            "--recommends",
            "cowsay",
            "--suggests",
            "figlet",
            "--config-files",
            "/opt/greet/share/greet/README",
            "--after-install",
            "postinst.sh",
            "--before-remove",
            "prerm.sh",
            &tarball.display().to_string(),
        ],
    );
    let rpm = convert(
        d.path(),
        "2",
        &["-s", "deb", "-t", "rpm", &deb1.display().to_string()],
    );
    let deb2 = convert(
        d.path(),
        "3",
        &["-s", "rpm", "-t", "deb", &rpm.display().to_string()],
    );
    let (a, b) = (inspect(&deb1), inspect(&deb2));
    assert_eq!(carried(&a), carried(&b));
    // What the first deb holds, judged by dpkg-deb: the tarball's modes and owners.
    let rows = contents(&deb2);
    let row = |p: &str| {
        rows.iter()
            .find(|r| r.2 == p)
            .unwrap_or_else(|| panic!("{p} not in {rows:?}"))
            .clone()
    };
    assert_eq!(row("./opt/greet/bin/greet").0, "-rwxr-xr-x");
    assert_eq!(row("./opt/greet/share/greet/secret").0, "-rw-------");
    assert_eq!(row("./opt/greet/share/greet/secret").1, "daemon/daemon");
    assert_eq!(row("./opt/greet/var/spool/").0, "drwxrwsr-x");
    assert_eq!(
        row("./opt/greet/bin/readme").3.as_deref(),
        Some("../share/greet/README")
    );
    assert!(rows.iter().any(|r| r.0.starts_with('h')
        && r.2
            .starts_with("./opt/greet/share/greet/README.txt link to")));
    assert_eq!(field(&deb2, "Version"), "2:1.4.2-3");
    assert_eq!(field(&deb2, "Depends"), "bash (>= 5) | zsh, coreutils");
    // The rpm in between, judged by rpm: dpkg's scripts run there with dpkg's arguments.
    let scripts = sh(&format!("rpm -qp --scripts '{}'", rpm.display()));
    assert!(
        scripts.contains("runs the converted deb package's own script with dpkg's arguments"),
        "{scripts}"
    );
    assert!(
        scripts.contains("\"$pkgr_script\" configure ''"),
        "{scripts}"
    );
    assert_eq!(
        sh(&format!(
            "rpm -qp --qf '%{{EPOCH}}:%{{VERSION}}-%{{RELEASE}}' '{}'",
            rpm.display()
        )),
        "2:1.4.2-3"
    );
    let requires = sh(&format!("rpm -qpR '{}'", rpm.display()));
    assert!(requires.contains("(bash >= 5 or zsh)"), "{requires}");
    let config = sh(&format!("rpm -qpc '{}'", rpm.display()));
    assert!(config.contains("/opt/greet/share/greet/README"), "{config}");
}

/// A spec rpmbuild builds (scriptlets using `$1`, `%config(noreplace)`, `%attr`, a hard link, a
/// symlink) → deb → rpm keeps what both formats hold; the deb runs the scriptlets with rpm's
/// `$1` and ships the config file as a conffile.
#[test]
fn rpmbuild_rpm_to_deb_to_rpm_keeps_everything() {
    require(&["rpmbuild", "rpm", "dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let rpm1 = rpmbuild_greet(d.path(), "1.0");
    let deb = convert(
        d.path(),
        "1",
        &["-s", "rpm", "-t", "deb", &rpm1.display().to_string()],
    );
    let rpm2 = convert(
        d.path(),
        "2",
        &["-s", "deb", "-t", "rpm", &deb.display().to_string()],
    );
    let (a, b) = (inspect(&rpm1), inspect(&rpm2));
    for key in [
        "name",
        "version",
        "architecture",
        "homepage",
        "license",
        "summary",
        "scripts",
        "conffiles",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    // The description: pkgr's %description starts with the Summary line, as fpm's does.
    let joined = format!(
        "{}\n{}",
        a["summary"].as_str().unwrap(),
        a["description"].as_str().unwrap()
    );
    assert_eq!(b["description"].as_str().unwrap(), joined);
    // Every file of the first rpm, as it was (the deb adds its copyright and changelog).
    let files_b = b["files"].as_array().unwrap();
    for f in a["files"].as_array().unwrap() {
        assert!(files_b.contains(f), "{f} not in {files_b:?}");
    }
    assert_eq!(
        a["relations"]["depends"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| *r == "bash")
            .count(),
        1
    );
    assert!(b["relations"]["depends"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "bash"));
    assert_eq!(
        sh(&format!(
            "dpkg-deb --ctrl-tarfile '{}' | tar -xOf - ./conffiles",
            deb.display()
        )),
        "/etc/greet/greet.conf\n"
    );
    let postinst = sh(&format!(
        "dpkg-deb --ctrl-tarfile '{}' | tar -xOf - ./postinst",
        deb.display()
    ));
    assert!(postinst.contains("\"$pkgr_script\" 1 ||"), "{postinst}");
}

/// `greet-VERSION-1.noarch.rpm`, built by rpmbuild from a spec with scriptlets that log `$1`.
pub fn rpmbuild_greet(dir: &Path, version: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let spec = dir.join("greet.spec");
    std::fs::write(&spec, GREET_SPEC).unwrap();
    let top = dir.join("rpmbuild");
    let out = Command::new("rpmbuild")
        .arg("-bb")
        .args(["--define", &format!("ver {version}")])
        .args(["--define", &format!("_topdir {}", top.display())])
        .arg(&spec)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    top.join(format!("RPMS/noarch/greet-{version}-1.noarch.rpm"))
}

const GREET_SPEC: &str = r#"Name: greet
Version: %{ver}
Release: 1
Summary: Says hello from an rpmbuild package
License: MIT
URL: https://example.org/greet
BuildArch: noarch
Requires: bash
%description
A package built by rpmbuild from a spec, with scriptlets that log $1,
a %config(noreplace) file and a hard link.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/greet %{buildroot}/var/lib/greet
printf '#!/bin/sh\n. /etc/greet/greet.conf\necho "$GREETING from greet %{ver}"\n' > %{buildroot}/usr/bin/greet
chmod 755 %{buildroot}/usr/bin/greet
ln %{buildroot}/usr/bin/greet %{buildroot}/usr/bin/greet-again
ln -s greet %{buildroot}/usr/bin/hi
echo 'GREETING=hello' > %{buildroot}/etc/greet/greet.conf
%pre
echo "pre $1" >> /var/log/greet-scripts
%post
echo "post $1" >> /var/log/greet-scripts
%preun
echo "preun $1" >> /var/log/greet-scripts
%postun
echo "postun $1" >> /var/log/greet-scripts
%files
%attr(0755,root,root) /usr/bin/greet
/usr/bin/greet-again
/usr/bin/hi
%config(noreplace) /etc/greet/greet.conf
%dir %attr(0750,root,root) /var/lib/greet
"#;

/// `-s deb` on an rpm (and the like) names the format the file is.
#[test]
fn a_package_of_another_format_is_named() {
    require(&["rpmbuild"]);
    let d = tempfile::tempdir().unwrap();
    let rpm = rpmbuild_greet(d.path(), "1.0");
    let s = Scratch::new();
    let out = s.pkgr(&[
        "-s",
        "deb",
        "-t",
        "deb",
        &rpm.display().to_string(),
        "-p",
        "out/",
    ]);
    refused(&out, 2, &["is an rpm, not a deb: use -s rpm"]);
    let out = s.pkgr(&[
        "-s",
        "tar",
        "-t",
        "deb",
        &rpm.display().to_string(),
        "-p",
        "out/",
    ]);
    refused(&out, 2, &["is an rpm, not a tar: use -s rpm"]);
    let out = s.pkgr(&["-s", "rpm", "-t", "deb", "-p", "out/"]);
    refused(&out, 2, &["missing PATH"]);
    let out = s.pkgr(&["-s", "rpm", "-t", "deb", "a.rpm", "b.rpm", "-p", "out/"]);
    refused(&out, 2, &["-s rpm converts one .rpm file, but got 2 PATHs"]);
    let out = s.pkgr(&[
        "-s",
        "rpm",
        "-t",
        "deb",
        "--prefix",
        "/opt/x",
        &rpm.display().to_string(),
        "-p",
        "out/",
    ]);
    refused(&out, 2, &["--prefix is not used by -s rpm"]);
    assert!(s.out_files().is_empty());
}

/// `-x` leaves members of a converted package out, a matched directory with all below it.
#[test]
fn excludes_apply_to_converted_packages() {
    require(&["rpmbuild", "dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let rpm = rpmbuild_greet(d.path(), "1.0");
    let deb = convert(
        d.path(),
        "x",
        &[
            "-s",
            "rpm",
            "-t",
            "deb",
            "-x",
            "usr/bin/hi",
            "-x",
            "var",
            &rpm.display().to_string(),
        ],
    );
    let paths: Vec<String> = contents(&deb).into_iter().map(|r| r.2).collect();
    assert!(paths.iter().any(|p| p == "./usr/bin/greet"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.starts_with("./usr/bin/hi") || p.starts_with("./var")),
        "{paths:?}"
    );
}
