//! The rpm writer read back by an independent reader (the `rpm` crate) and by rpm's rules.

use super::*;
use crate::model::{Entry, Metadata, Phase, PythonRequirement};
use crate::relation::Relation;

fn pkg() -> Package {
    let mut p = Package {
        meta: Metadata {
            name: "hello".into(),
            version: "1.0~rc1".into(),
            iteration: None,
            epoch: Some(1),
            architecture: "amd64".into(),
            maintainer: "A B <a@example.org>".into(),
            description: "Say hello\nLonger text.".into(),
            license: Some("MIT".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let path = |s: &str| PkgPath::parse(s).unwrap();
    p.entries.push(Entry::bytes(
        path("/opt/venvs/hello/bin/run"),
        b"#!/bin/sh\necho hi\n".to_vec(),
        0o755,
    ));
    p.entries.push(Entry::symlink(
        path("/opt/venvs/hello/bin/python3"),
        b"/usr/bin/python3.11".to_vec(),
    ));
    let mut conf = Entry::bytes(path("/etc/hello.conf"), b"x=1\n".to_vec(), 0o644);
    conf.config = true;
    p.entries.push(conf);
    p.finalize().unwrap();
    p.relations
        .depends
        .push(Relation::parse("libpq5 (>= 15) | libpq-ng").unwrap());
    p.relations
        .replaces
        .push(Relation::parse("old-hello (<< 1.0)").unwrap());
    p.relations
        .recommends
        .push(Relation::parse("curl").unwrap());
    p.relations
        .suggests
        .push(Relation::parse("jq (>= 1.6)").unwrap());
    p.python = Some(PythonRequirement {
        minor: "3.11".into(),
        full: "3.11.2".into(),
        executable: "/usr/bin/python3.11".into(),
        kind: crate::model::PythonUse::Venv,
    });
    p.add_fragment(Phase::AfterInstall, "compile", "echo compile".into());
    p
}

#[test]
fn writes_a_package_the_rpm_crate_reads_back() {
    let p = pkg();
    let t = Rpm::new(
        Compression::new(Algorithm::Zstd, None).unwrap(),
        "pkgr".into(),
    );
    assert_eq!(t.file_name(&p), "hello-1.0~rc1-1.x86_64.rpm");
    let l = crate::listener::Collect::default();
    let ctx = WriteContext::new(1_700_000_000, &l);
    let mut out = Vec::new();
    crate::format::build(&t, &p, &mut out, &ctx).unwrap();
    let mut again = Vec::new();
    crate::format::build(&t, &p, &mut again, &ctx).unwrap();
    assert_eq!(out, again, "reproducible");
    let r = rpm::Package::parse(&mut &out[..]).unwrap();
    let md = &r.metadata;
    assert_eq!(md.get_name().unwrap(), "hello");
    assert_eq!(md.get_version().unwrap(), "1.0~rc1");
    assert_eq!(md.get_release().unwrap(), "1");
    assert_eq!(md.get_epoch().unwrap(), 1);
    assert_eq!(md.get_arch().unwrap(), "x86_64");
    assert_eq!(md.get_build_host().unwrap(), "pkgr");
    assert_eq!(md.get_build_time().unwrap(), 1_700_000_000);
    let paths: Vec<String> = md
        .get_file_paths()
        .unwrap()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        paths.contains(&"/opt/venvs/hello/bin/run".to_string()),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&"/opt".to_string()) && !paths.contains(&"/etc".to_string()),
        "system dirs are not owned: {paths:?}"
    );
    // The package's own directory, not /opt/venvs, which every venv package shares.
    assert!(paths.contains(&"/opt/venvs/hello".to_string()), "{paths:?}");
    assert!(!paths.contains(&"/opt/venvs".to_string()), "{paths:?}");
    let reqs: Vec<String> = md
        .get_requires()
        .unwrap()
        .iter()
        .map(|d| d.name.clone())
        .collect();
    assert!(
        reqs.contains(&"/usr/bin/python3.11".to_string()),
        "{reqs:?}"
    );
    assert!(
        reqs.contains(&"(libpq5 >= 15 or libpq-ng)".to_string()),
        "{reqs:?}"
    );
    let obs: Vec<String> = md
        .get_obsoletes()
        .unwrap()
        .iter()
        .map(|d| d.name.clone())
        .collect();
    assert_eq!(obs, ["old-hello"]);
    let rec: Vec<String> = md
        .get_recommends()
        .unwrap()
        .iter()
        .map(|d| d.name.clone())
        .collect();
    assert_eq!(rec, ["curl"]);
    let sug: Vec<String> = md
        .get_suggests()
        .unwrap()
        .iter()
        .map(|d| d.name.clone())
        .collect();
    assert_eq!(sug, ["jq"]);
    let post = md.get_post_install_script().unwrap();
    assert!(post.script.contains("echo compile"), "{}", post.script);
    let files = md.get_file_entries().unwrap();
    let conf = files
        .iter()
        .find(|f| f.path().to_str() == Some("/etc/hello.conf"))
        .unwrap();
    assert!(
        conf.flags().contains(rpm::FileFlags::CONFIG)
            && conf.flags().contains(rpm::FileFlags::NOREPLACE)
    );
    assert!(files
        .iter()
        .all(|f| f.modified_at() == rpm::Timestamp(1_700_000_000)));
}

#[test]
fn versions_follow_rpm_rules() {
    let t = Rpm::new(
        Compression::new(Algorithm::Zstd, None).unwrap(),
        "pkgr".into(),
    );
    // fpm's rule: '-' is written as '_' (prepare), so validation accepts it.
    let mut p = pkg();
    p.meta.version = "1.0-2".into();
    assert!(t.validate(&p).is_ok());
    p.meta.version = "1.0 2".into();
    let e = t.validate(&p).unwrap_err().to_string();
    assert!(e.contains("Version"), "{e}");
    let mut p = pkg();
    p.meta.iteration = Some("1\nRequires: evil".into());
    assert!(t.validate(&p).is_err());
}

#[test]
fn interpreter_requirements_by_kind() {
    use crate::model::PythonUse;
    let py = |kind, exe: &str| PythonRequirement {
        minor: "3.11".into(),
        full: "3.11.2".into(),
        executable: exe.into(),
        kind,
    };
    let shown = |p: &PythonRequirement| {
        let r = python_requires(p);
        let a = &r.alternatives[0];
        match &a.constraint {
            Some((op, v)) => format!("{} {op:?} {v}", a.name),
            None => a.name.clone(),
        }
    };
    assert_eq!(
        shown(&py(PythonUse::Venv, "/usr/bin/python3.11")),
        "/usr/bin/python3.11"
    );
    assert_eq!(
        shown(&py(PythonUse::Any { floor: None }, "/usr/bin/python3")),
        "/usr/bin/python3"
    );
    assert_eq!(
        shown(&py(
            PythonUse::Any {
                floor: Some("3.8".into())
            },
            "/usr/bin/python3"
        )),
        "python(abi) Ge 3.8"
    );
    assert_eq!(
        shown(&py(PythonUse::Minor, "/usr/bin/python3")),
        "python(abi) Eq 3.11"
    );
}
