//! The deb writer: control fields, validation, and the archive layout.
use super::control::*;
use super::*;
use crate::model::{Metadata, Phase};

fn pkg() -> Package {
    Package {
        meta: Metadata {
            name: "hello".into(),
            version: "1.0".into(),
            iteration: Some("1".into()),
            epoch: Some(2),
            architecture: "amd64".into(),
            maintainer: "A B <a@example.org>".into(),
            description: "Say hello\nLonger text.".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn description_cannot_inject_fields() {
    let d = format_description("Synopsis\nDepends: evil\n\n  verbatim\n.\nend");
    assert_eq!(d, "Synopsis\n Depends: evil\n .\n   verbatim\n  .\n end");
    for line in d.lines().skip(1) {
        assert!(line.starts_with(' '), "{line:?}");
    }
}

#[test]
fn lines_are_kept_and_long_ones_wrapped() {
    let d = format_description("S\nfirst line, as written\n- an item\n\nnext");
    assert_eq!(d, "S\n first line, as written\n - an item\n .\n next");
    let long = "word ".repeat(30);
    let d = format_description(&format!("S\n{long}"));
    assert!(d.lines().all(|l| l.len() <= 80), "{d}");
    assert_eq!(d.lines().count(), 3, "{d}");
}

#[test]
fn long_description_lines_wrap() {
    let long = "word ".repeat(40);
    let d = format_description(&format!("S\n{long}"));
    assert!(d.lines().all(|l| l.len() <= 80), "{d}");
}

#[test]
fn validation_names_field_value_and_rule() {
    let d = Deb::new(Compression::new(Algorithm::Xz, None).unwrap());
    d.validate(&pkg()).unwrap();
    type Case = (Box<dyn Fn(&mut Package)>, &'static str);
    let cases: Vec<Case> = vec![
        (Box::new(|p| p.meta.name = "Hello".into()), "5.6.1"),
        (Box::new(|p| p.meta.version = "x1".into()), "5.6.12"),
        (
            Box::new(|p| p.meta.architecture = "amd65".into()),
            "Architecture",
        ),
        (Box::new(|p| p.meta.maintainer = "nobody".into()), "5.6.2"),
        (
            Box::new(|p| p.meta.maintainer = "A <a@b>\nDepends: x".into()),
            "control character",
        ),
        (
            Box::new(|p| p.meta.url = Some("http://x\nDepends: evil".into())),
            "Homepage",
        ),
        (Box::new(|p| p.meta.category = Some("nope".into())), "2.4"),
        (
            Box::new(|p| p.meta.category = Some("foo bar/net".into())),
            "2.4",
        ),
        (
            Box::new(|p| {
                p.relations
                    .conflicts
                    .push(Relation::parse("aa | bb").unwrap())
            }),
            "Conflicts",
        ),
        (
            Box::new(|p| {
                p.relations
                    .provides
                    .push(Relation::parse("aa (>= 1)").unwrap())
            }),
            "Provides",
        ),
        (
            Box::new(|p| p.meta.description = "\nrest".into()),
            "synopsis",
        ),
        (
            Box::new(|p| {
                p.scripts.user.insert(Phase::AfterInstall, "echo hi".into());
            }),
            "--after-install",
        ),
    ];
    for (f, want) in cases {
        let mut p = pkg();
        f(&mut p);
        let e = d.validate(&p).unwrap_err().to_string();
        assert!(e.contains(want), "{e} lacks {want}");
    }
}

#[test]
fn control_file_fields() {
    let mut p = pkg();
    p.relations.depends.push(Relation::simple(
        "python3.11",
        Some((crate::relation::Op::Ge, "3.11.2")),
    ));
    let c = control_file(&p, "optional", &[]);
    assert!(
        c.starts_with("Package: hello\nVersion: 2:1.0-1\nArchitecture: amd64\n"),
        "{c}"
    );
    assert!(c.contains("Depends: python3.11 (>= 3.11.2)\n"));
    p.relations
        .recommends
        .push(Relation::parse("curl").unwrap());
    p.relations.suggests.push(Relation::parse("jq").unwrap());
    let c = control_file(&p, "optional", &[]);
    assert!(c.contains("Recommends: curl\nSuggests: jq\n"), "{c}");
    assert!(c.ends_with("Description: Say hello\n Longer text.\n"));
    let d = Deb::new(Compression::new(Algorithm::Xz, None).unwrap());
    assert_eq!(d.file_name(&p), "hello_1.0-1_amd64.deb");
}

#[test]
fn writes_a_readable_deb() {
    let mut p = pkg();
    p.entries.push(Entry::bytes(
        PkgPath::parse("/etc/hello.conf").unwrap(),
        b"x=1\n".to_vec(),
        0o644,
    ));
    p.entries.last_mut().unwrap().config = true;
    p.entries.push(Entry::bytes(
        PkgPath::parse("/usr/bin/hello").unwrap(),
        b"#!/bin/sh\n".to_vec(),
        0o755,
    ));
    p.finalize().unwrap();
    let d = Deb::new(Compression::new(Algorithm::Zstd, None).unwrap());
    let listener = crate::listener::Collect::default();
    let ctx = WriteContext::new(1_700_000_000, &listener);
    let mut out = Vec::new();
    crate::format::build(&d, &p, &mut out, &ctx).unwrap();
    let head = String::from_utf8_lossy(&out[..72]).into_owned();
    assert_eq!(
        head,
        "!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n"
    );
    let mut a = ar::Archive::new(&out[..]);
    let mut names = Vec::new();
    while let Some(m) = a.next_entry() {
        names.push(String::from_utf8(m.unwrap().header().identifier().to_vec()).unwrap());
    }
    assert_eq!(names, ["debian-binary", "control.tar.gz", "data.tar.zst"]);
    let mut again = Vec::new();
    crate::format::build(&d, &p, &mut again, &ctx).unwrap();
    assert_eq!(out, again);
}

#[test]
fn interpreter_dependencies_by_kind() {
    use crate::model::{PythonRequirement, PythonUse};
    let py = |kind| PythonRequirement {
        minor: "3.11".into(),
        full: "3.11.2".into(),
        executable: "/usr/bin/python3".into(),
        kind,
    };
    let shown = |py: &PythonRequirement, arch: &str| {
        python_depends(py, arch)
            .iter()
            .map(Relation::to_debian)
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert_eq!(
        shown(&py(PythonUse::Venv), "amd64"),
        "python3.11 (>= 3.11.2)"
    );
    let floor = |f: Option<&str>| PythonUse::Any {
        floor: f.map(str::to_string),
    };
    assert_eq!(
        shown(&py(floor(Some("3.8"))), "all"),
        "python3:any (>= 3.8~)"
    );
    assert_eq!(shown(&py(floor(None)), "all"), "python3:any");
    assert_eq!(shown(&py(floor(Some("3.8"))), "amd64"), "python3 (>= 3.8~)");
    assert_eq!(
        shown(&py(PythonUse::Minor), "amd64"),
        "python3 (>= 3.11~), python3 (<< 3.12)"
    );
}
