//! What converting packages easily loses or gets wrong, checked with rpmbuild's packages, rpm
//! and dpkg-deb: interpreter-only and Lua scriptlets, file capabilities, hard-linked empty
//! files, `-x` on a hard-link set, Debian's architecture qualifiers, dpkg's helpers in scripts.

use std::process::Command;

use super::common::*;
use super::convert::{convert, rpmbuild_greet};

/// What rpmbuild writes that is easy to lose: an interpreter-only scriptlet
/// (`%post -p /sbin/ldconfig`), a Lua scriptlet, file capabilities, a hard-linked empty file.
#[test]
fn rpm_edge_cases_convert_or_are_named() {
    require(&["rpmbuild", "dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let spec = d.path().join("edge.spec");
    std::fs::write(
        &spec,
        r#"Name: edge
Version: 1.0
Release: 1
Summary: rpm edge cases
License: MIT
BuildArch: noarch
%description
Edge cases.
%install
mkdir -p %{buildroot}/usr/share/edge %{buildroot}/usr/bin
touch %{buildroot}/usr/share/edge/empty
ln %{buildroot}/usr/share/edge/empty %{buildroot}/usr/share/edge/empty-too
printf '#!/bin/sh\necho capped\n' > %{buildroot}/usr/bin/capped
%post -p /sbin/ldconfig
%pretrans -p <lua>
print("hi")
%files
/usr/share/edge
%caps(cap_net_raw=ep) %attr(0755,root,root) /usr/bin/capped
"#,
    )
    .unwrap();
    let top = d.path().join("rpmbuild");
    run_ok(
        Command::new("rpmbuild")
            .arg("-bb")
            .args(["--define", &format!("_topdir {}", top.display())])
            .arg(&spec),
    );
    let rpm = top.join("RPMS/noarch/edge-1.0-1.noarch.rpm");
    let out = pkgr()
        .current_dir(d.path())
        .args([
            "-s",
            "rpm",
            "-t",
            "deb",
            "-m",
            "E <e@example.org>",
            "-p",
            "out/",
        ])
        .arg(&rpm)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("'%caps(cap_net_raw=ep) /usr/bin/capped' is not carried over"),
        "{err}"
    );
    assert!(
        err.contains("the %pretrans scriptlet is not carried over"),
        "{err}"
    );
    let deb = d.path().join("out/edge_1.0-1_all.deb");
    let postinst = sh(&format!(
        "dpkg-deb --ctrl-tarfile '{}' | tar -xOf - ./postinst",
        deb.display()
    ));
    assert!(
        postinst.contains("exec /sbin/ldconfig \"$@\""),
        "{postinst}"
    );
    let rows = contents(&deb);
    assert!(
        rows.iter().any(|r| r.2 == "./usr/share/edge/empty"),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r
            .2
            .starts_with("./usr/share/edge/empty-too link to ./usr/share/edge/empty")),
        "{rows:?}"
    );
    // -x on the member holding a hard-link set's data: another member holds it now.
    let rpm2 = rpmbuild_greet(&d.path().join("greet"), "1.0");
    let deb2 = convert(
        d.path(),
        "x",
        &[
            "-s",
            "rpm",
            "-t",
            "deb",
            "-x",
            "usr/bin/greet",
            &rpm2.display().to_string(),
        ],
    );
    let rows = contents(&deb2);
    let again = rows
        .iter()
        .find(|r| r.2 == "./usr/bin/greet-again")
        .unwrap();
    assert_eq!(again.0, "-rwxr-xr-x", "{rows:?}");
}

/// Debian's architecture qualifiers never reach an rpm (`python3:any` is no capability).
#[test]
fn debian_arch_qualifiers_are_dropped_in_the_rpm() {
    require(&["rpm"]);
    let s = Scratch::new();
    let out = s.pkgr(&[
        "-s",
        "empty",
        "-t",
        "rpm",
        "-n",
        "meta",
        "-d",
        "python3:any (>= 3.9)",
        "-d",
        "perl:native",
        "-p",
        "out/",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let req = sh(&format!(
        "rpm -qpR '{}'",
        s.p("out/meta-1.0-1.noarch.rpm").display()
    ));
    assert!(req.lines().any(|l| l == "python3 >= 3.9"), "{req}");
    assert!(req.lines().any(|l| l == "perl"), "{req}");
    assert!(!req.contains(':'), "{req}");
}

/// A deb whose scripts call dpkg's helpers: converting it names them (RPM distributions lack
/// them), and `--package-scripts=false` leaves the scripts out.
#[test]
fn dpkg_helpers_in_scripts_are_named_and_can_be_left_out() {
    require(&["rpm"]);
    let s = Scratch::new();
    std::fs::write(
        s.p("postinst"),
        "#!/bin/sh\nset -e\ndpkg-maintscript-helper rm_conffile /etc/old.conf 1.0~ -- \"$@\"\n",
    )
    .unwrap();
    let out = s.run("deb", &["--after-install", "postinst", "tree=/opt/ab"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built = s.out_files();
    assert_eq!(built.len(), 1, "{built:?}");
    let deb = s.p(&format!("out/{}", built[0]));
    let convert = |extra: &[&str], to: &str| {
        let mut c = pkgr();
        c.current_dir(s.dir.path())
            .args(["-s", "deb", "-t", "rpm", "-p", to]);
        c.args(extra).arg(&deb);
        c.output().unwrap()
    };
    let out = convert(&[], "with.rpm");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("the postinst script calls dpkg-maintscript-helper, which RPM distributions do not have"),
        "{err}"
    );
    assert!(sh(&format!(
        "rpm -qp --scripts '{}'",
        s.p("with.rpm").display()
    ))
    .contains("dpkg-maintscript-helper"));
    let out = convert(&["--package-scripts=false"], "without.rpm");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sh(&format!(
            "rpm -qp --scripts '{}'",
            s.p("without.rpm").display()
        )),
        ""
    );
}
