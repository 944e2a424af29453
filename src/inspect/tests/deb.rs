//! The deb reader, read back against the writer and the format's own tools.

use super::*;
use crate::format::deb::read::{field, parse_control, split_description, split_relations};

#[test]
fn deb_round_trips_for_every_data_compression() {
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    for (alg, name) in [
        (Algorithm::Gzip, "gzip"),
        (Algorithm::Xz, "xz"),
        (Algorithm::Zstd, "zstd"),
        (Algorithm::None, "none"),
    ] {
        let path = ctx_write(&Deb::new(comp(alg)), &pkg, dir.path(), "hello.deb");
        let i = inspect(&path).unwrap();
        assert_eq!(i.format, "deb");
        assert_eq!(i.compression.as_deref(), Some(name));
        assert_eq!(i.name.as_deref(), Some("hello"));
        assert_eq!(i.version.as_deref(), Some("2:1.0-3"));
        assert_eq!(i.architecture.as_deref(), Some("amd64"));
        assert_eq!(i.maintainer.as_deref(), Some("A B <a@example.org>"));
        assert_eq!(i.homepage.as_deref(), Some("https://example.org/hello"));
        assert_eq!(i.license.as_deref(), Some("MIT"));
        assert_eq!(i.summary.as_deref(), Some("Say hello"));
        assert_eq!(
            i.description.as_deref(),
            Some("Longer text about saying hello.")
        );
        let r = &pkg.relations;
        let deb = |l: &[Relation]| l.iter().map(Relation::to_debian).collect::<Vec<_>>();
        let mut want = BTreeMap::new();
        want.insert("depends".to_string(), deb(&r.depends));
        want.insert("pre_depends".to_string(), deb(&r.pre_depends));
        want.insert("recommends".to_string(), deb(&r.recommends));
        want.insert("suggests".to_string(), deb(&r.suggests));
        want.insert("provides".to_string(), deb(&r.provides));
        want.insert("conflicts".to_string(), deb(&r.conflicts));
        want.insert("replaces".to_string(), deb(&r.replaces));
        assert_eq!(i.relations, want);
        assert_eq!(i.relations["depends"][0], "libpq5 (>= 15) | libpq-ng");
        let mut scripts_want = BTreeMap::new();
        for slot in crate::format::deb::scripts::DEB {
            if let Some(s) = engine::render(&pkg, slot) {
                scripts_want.insert(slot.name.to_string(), s.text);
            }
        }
        assert_eq!(i.scripts, scripts_want);
        assert_eq!(
            i.scripts["postinst"], "#!/bin/sh\necho installed \"$1\"\n",
            "a lone user script is shipped verbatim"
        );
        assert!(i.scripts["prerm"].contains("rm -f /tmp/hello.cache"));
        assert_eq!(i.conffiles, ["/etc/hello/hello.conf"]);
        // Every model entry, exactly (but the directories no Debian package owns, which a
        // deb never ships); the extras are the doc files the deb target adds.
        for e in &pkg.entries {
            if crate::sysdirs::is_debian_unowned(&e.path.display()) {
                assert!(i.files.iter().all(|f| f.path != e.path.display()));
                continue;
            }
            assert_eq!(find(&i.files, &e.path.display()), &info_of(e));
        }
        let extras: Vec<&str> = i
            .files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|path| pkg.entries.iter().all(|e| e.path.display() != *path))
            .collect();
        assert_eq!(
            extras,
            [
                "/usr/share",
                "/usr/share/doc",
                "/usr/share/doc/hello",
                "/usr/share/doc/hello/changelog.Debian.gz",
                "/usr/share/doc/hello/copyright",
                "/usr/share/lintian",
                "/usr/share/lintian/overrides",
                "/usr/share/lintian/overrides/hello",
            ]
        );
        let mut sorted = i.files.clone();
        sort_files(&mut sorted);
        assert_eq!(sorted, i.files, "sorted");
    }
}

#[test]
fn deb_file_list_matches_dpkg_deb_contents() {
    if !tool("dpkg-deb") {
        return;
    }
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = ctx_write(&Deb::new(comp(Algorithm::Xz)), &pkg, dir.path(), "h.deb");
    let i = inspect(&path).unwrap();
    let out = std::process::Command::new("dpkg-deb")
        .arg("--contents")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // `drwxr-xr-x root/root         0 2023-11-14 22:13 ./usr/`
    let mut theirs: Vec<String> = Vec::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (perms, owner, size) = (f[0], f[1], f[2]);
        let name_at = l.find(" ./").unwrap() + 1;
        let rest = &l[name_at..];
        let (name, target) = if let Some((n, t)) = rest.split_once(" -> ") {
            (n, Some(t.to_string()))
        } else if let Some((n, t)) = rest.split_once(" link to ") {
            (n, Some(norm_path(t.as_bytes()).unwrap()))
        } else {
            (rest, None)
        };
        let Some(name) = norm_path(name.as_bytes()) else {
            continue;
        };
        theirs.push(format!("{perms} {owner} {size} {name} {target:?}"));
    }
    let ours: Vec<String> = i
        .files
        .iter()
        .map(|f| {
            format!(
                "{} {}/{} {} {} {:?}",
                mode_string(&f.kind, f.mode),
                f.user,
                f.group,
                f.size,
                f.path,
                f.target
            )
        })
        .collect();
    theirs.sort();
    let mut ours_sorted = ours.clone();
    ours_sorted.sort();
    assert_eq!(ours_sorted, theirs);
}

#[test]
fn control_fields_follow_deb_control() {
    let c = b"Package: x\nversion: 1.0\n# comment\nDepends: a (>= 1),\n b | c,\n\td\nDescription: Short\n Line one\n .\n  verbatim\nX-Extra: 1\n\nPackage: second\n";
    let f = parse_control(c).unwrap();
    assert_eq!(field(&f, "VERSION").as_deref(), Some("1.0"));
    assert_eq!(
        split_relations(&field(&f, "Depends").unwrap()),
        ["a (>= 1)", "b | c", "d"]
    );
    let (s, d) = split_description(&field(&f, "Description").unwrap());
    assert_eq!(s.as_deref(), Some("Short"));
    assert_eq!(d.as_deref(), Some("Line one\n\n verbatim"));
    assert_eq!(
        field(&f, "Package").as_deref(),
        Some("x"),
        "first paragraph only"
    );
    assert!(parse_control(b"Package: x\nnot a field\n").is_err());
    assert!(parse_control(b" leading continuation\n").is_err());
}
