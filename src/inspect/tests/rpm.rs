//! The rpm reader, read back against the writer and the format's own tools.

use super::*;

#[test]
fn rpm_round_trips_for_every_payload_compression() {
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    for (alg, name) in [
        (Algorithm::Gzip, "gzip"),
        (Algorithm::Xz, "xz"),
        (Algorithm::Zstd, "zstd"),
        (Algorithm::None, "none"),
    ] {
        let path = ctx_write(&rpm_writer(alg), &pkg, dir.path(), "hello.rpm");
        let i = inspect(&path).unwrap();
        assert_eq!(i.format, "rpm");
        assert_eq!(i.compression.as_deref(), Some(name));
        assert_eq!(i.name.as_deref(), Some("hello"));
        assert_eq!(i.version.as_deref(), Some("2:1.0-3"));
        assert_eq!(i.architecture.as_deref(), Some("x86_64"));
        assert_eq!(i.maintainer.as_deref(), Some("A B <a@example.org>"));
        assert_eq!(i.homepage.as_deref(), Some("https://example.org/hello"));
        assert_eq!(i.license.as_deref(), Some("MIT"));
        assert_eq!(i.summary.as_deref(), Some("Say hello"));
        assert_eq!(
            i.description.as_deref(),
            Some("Say hello\nLonger text about saying hello.")
        );
        let has = |key: &str, want: &[&str]| {
            let got = i.relations.get(key).cloned().unwrap_or_default();
            for w in want {
                assert!(got.iter().any(|g| g == w), "{key}: {w} not in {got:?}");
            }
            assert!(!got.iter().any(|g| g.starts_with("rpmlib(")), "{got:?}");
        };
        has(
            "depends",
            &["(libpq5 >= 15 or libpq-ng)", "curl >= 7.0", "dpkg >= 1.19"],
        );
        has("recommends", &["less"]);
        has("suggests", &["jq >= 1.6"]);
        has("provides", &["hello-api = 1.0"]);
        has("conflicts", &["hello-legacy"]);
        has("replaces", &["old-hello < 1.0"]);
        assert!(!i.relations.contains_key("pre_depends"));
        let mut scripts_want = BTreeMap::new();
        for slot in crate::format::rpm::scripts::RPM {
            if let Some(s) = engine::render(&pkg, slot) {
                scripts_want.insert(slot.name.to_string(), s.text);
            }
        }
        assert_eq!(i.scripts, scripts_want);
        assert_eq!(i.scripts["%post"], "#!/bin/sh\necho installed \"$1\"\n");
        assert_eq!(i.conffiles, ["/etc/hello/hello.conf"]);
        // Every entry but the filesystem package's directories; a hard link stays a hard
        // link (rpm's hard-link set, one copy of the data).
        let mut want: Vec<FileInfo> = pkg
            .entries
            .iter()
            .filter(|e| !crate::sysdirs::is_system_dir(&e.path.display()))
            .map(info_of)
            .collect();
        sort_files(&mut want);
        assert_eq!(i.files, want);
    }
}

#[test]
fn rpm_agrees_with_rpm_query() {
    if !tool("rpm") {
        return;
    }
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = ctx_write(&rpm_writer(Algorithm::Zstd), &pkg, dir.path(), "h.rpm");
    let i = inspect(&path).unwrap();
    let q = |args: &[&str]| {
        let out = std::process::Command::new("rpm")
            .arg("-qp")
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let mut v: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("rpmlib("))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    let ours = |key: &str| {
        let mut v = i.relations.get(key).cloned().unwrap_or_default();
        v.sort();
        v
    };
    assert_eq!(ours("depends"), q(&["--requires"]));
    assert_eq!(ours("provides"), q(&["--provides"]));
    assert_eq!(ours("conflicts"), q(&["--conflicts"]));
    assert_eq!(ours("replaces"), q(&["--obsoletes"]));
    assert_eq!(ours("recommends"), q(&["--recommends"]));
    assert_eq!(ours("suggests"), q(&["--suggests"]));
    let v = q(&["--qf", "%{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\\n"]);
    assert_eq!(v, ["2:1.0-3 x86_64"]);
    let files = q(&[
        "--qf",
        "[%{FILEMODES:perms} %{FILEUSERNAME}/%{FILEGROUPNAME} %{FILENAMES}\\n]",
    ]);
    let mut mine: Vec<String> = i
        .files
        .iter()
        .map(|f| {
            // rpm lists every member of a hard-link set as a regular file.
            let kind = if f.kind == "hardlink" {
                "file"
            } else {
                &f.kind
            };
            format!(
                "{} {}/{} {}",
                mode_string(kind, f.mode),
                f.user,
                f.group,
                f.path
            )
        })
        .collect();
    mine.sort();
    assert_eq!(mine, files);
}
