//! Golden files: the control files, md5sums, generated maintainer scripts and rpm headers of the
//! fixtures' packages, as dpkg-deb and rpm read them, compared with `tests/golden/`. A change in
//! any of them shows up here as a diff, to be accepted (or not) in review.
//!
//! `PKGR_UPDATE_GOLDEN=1 cargo test golden` rewrites the files instead of comparing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// Compares `actual` with `tests/golden/<case>/<name>` (or rewrites it); returns a description
/// of the difference.
fn golden(case: &str, name: &str, actual: &str) -> Option<String> {
    let path = repo().join("tests/golden").join(case).join(name);
    if std::env::var_os("PKGR_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want == actual {
        return None;
    }
    let first = want
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| want.lines().count().min(actual.lines().count()));
    Some(format!(
        "{}: differs from line {}:\n  golden: {:?}\n  actual: {:?}",
        path.display(),
        first + 1,
        want.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>"),
    ))
}

/// Every control member of a .deb except the generated copyright's neighbours: control,
/// md5sums, conffiles and the maintainer scripts, as `dpkg-deb --ctrl-tarfile` gives them.
fn deb_members(deb: &Path) -> Vec<(String, String)> {
    let d = tempfile::tempdir().unwrap();
    run_ok(Command::new("dpkg-deb").arg("-e").arg(deb).arg(d.path()));
    let mut out = Vec::new();
    for name in [
        "control",
        "md5sums",
        "conffiles",
        "preinst",
        "postinst",
        "prerm",
        "postrm",
    ] {
        if let Ok(text) = std::fs::read_to_string(d.path().join(name)) {
            out.push((format!("deb.{name}"), text));
        }
    }
    out
}

/// The rpm's header as rpm reads it: the info block, relations, scripts and the file list with
/// modes, owners, sizes and digests.
fn rpm_header(rpm: &Path) -> Vec<(String, String)> {
    let q = |args: &[&str]| stdout(&run_ok(Command::new("rpm").arg("-qp").args(args).arg(rpm)));
    vec![
        ("rpm.info".into(), q(&["-i"])),
        (
            "rpm.relations".into(),
            [
                "--requires",
                "--provides",
                "--conflicts",
                "--obsoletes",
                "--recommends",
                "--suggests",
            ]
            .iter()
            .map(|f| format!("{f}:\n{}", q(&[f])))
            .collect(),
        ),
        ("rpm.scripts".into(), q(&["--scripts"])),
        ("rpm.files".into(), q(&["--dump"])),
    ]
}

/// Builds `args` (deb and rpm into a temp directory) and checks every golden file of `case`.
fn check(case: &str, args: &[String], cwd: &Path) {
    require(&["dpkg-deb", "rpm"]);
    let d = tempfile::tempdir().unwrap();
    run_ok(
        pkgr()
            .current_dir(cwd)
            .args(args)
            .args(["-t", "deb,rpm", "-p"])
            .arg(format!("{}/", d.path().display())),
    );
    let find = |ext: &str| -> PathBuf {
        std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap()
    };
    let mut members = deb_members(&find("deb"));
    members.extend(rpm_header(&find("rpm")));
    let diffs: Vec<String> = members
        .iter()
        .filter_map(|(name, text)| golden(case, name, text))
        .collect();
    assert!(
        diffs.is_empty(),
        "{}\n(accept with PKGR_UPDATE_GOLDEN=1 cargo test golden)",
        diffs.join("\n")
    );
}

/// The dir fixture: a conffile and the user's postinst/postrm.
#[test]
fn dir_fixture_control_files_scripts_and_header() {
    let mut args = dir_args();
    let t = args.iter().position(|a| a == "-t").unwrap();
    args.drain(t..t + 2);
    check("dir", &args, &repo());
}

/// The service fixture: generated scripts for the unit and the service user, merged with a
/// user's script.
#[test]
fn service_fixture_generated_scripts_and_header() {
    let fixture = repo().join("fixtures/service-app");
    let args = [
        "--config".to_string(),
        fixture.join("pkgr.toml").display().to_string(),
        "--after-install".into(),
        repo()
            .join("fixtures/dir-app/scripts/after-install")
            .display()
            .to_string(),
    ];
    check("service", &args, &fixture);
}
