//! Property tests: random packages survive model → deb/rpm/tar → `pkgr inspect` → model, and
//! pkgr's Debian version order agrees with `dpkg --compare-versions`.

use std::collections::BTreeMap;

use pkgr::compress::{Algorithm, Compression};
use pkgr::format::{Format, WriteContext};
use pkgr::listener::Collect;
use pkgr::model::{Entry, EntryKind, Metadata, Package, PkgPath};
use pkgr::relation::Relation;
use proptest::prelude::*;

use crate::common::require;

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9+.-]{1,12}"
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,3}(\\.[0-9]{1,3}){0,2}(~rc[0-9])?"
}

fn files() -> impl Strategy<Value = Vec<(String, Vec<u8>, u32, bool)>> {
    prop::collection::vec(
        (
            "[a-z]{1,8}(/[a-z0-9][a-z0-9._-]{0,11}){0,3}",
            prop::collection::vec(any::<u8>(), 0..2000),
            prop_oneof![Just(0o644u32), Just(0o755), Just(0o600), Just(0o750)],
            any::<bool>(),
        ),
        1..12,
    )
}

fn build(
    name: String,
    version: String,
    iteration: Option<String>,
    deps: Vec<String>,
    fs: Vec<(String, Vec<u8>, u32, bool)>,
) -> Package {
    let mut p = Package {
        meta: Metadata {
            name,
            version,
            iteration,
            architecture: "amd64".into(),
            maintainer: "A B <a@example.org>".into(),
            description: "Generated\nBy proptest.".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    for d in deps {
        p.relations.depends.push(Relation::parse(&d).unwrap());
    }
    for (i, (path, data, mode, link)) in fs.into_iter().enumerate() {
        // Each generated tree is a directory the package claims (as a `src=dst` mapping
        // does), so rpm owns every directory in it.
        p.claimed
            .insert(PkgPath::parse(&format!("/opt/p{i}")).unwrap());
        let path = PkgPath::parse(&format!("/opt/p{i}/{path}")).unwrap();
        if link {
            p.entries.push(Entry::symlink(path, b"../target".to_vec()));
        } else {
            p.entries.push(Entry::bytes(path, data, mode));
        }
    }
    p.finalize().unwrap();
    p
}

/// What inspect must give back for the payload: path → (kind, mode, size, link target).
fn expected(p: &Package) -> BTreeMap<String, (String, u32, u64, Option<String>)> {
    p.entries
        .iter()
        .map(|e| {
            let v = match &e.kind {
                EntryKind::File { size, .. } => ("file".into(), e.mode, *size, None),
                EntryKind::Dir => ("dir".into(), e.mode, 0, None),
                EntryKind::Symlink { target } => (
                    "symlink".into(),
                    0o777,
                    0,
                    Some(String::from_utf8_lossy(target).into_owned()),
                ),
                EntryKind::HardLink { .. } => ("hardlink".into(), e.mode, 0, None),
            };
            (e.path.display(), v)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn model_survives_every_format(
        name in name(),
        version in version(),
        iteration in prop::option::of("[0-9]{1,2}"),
        deps in prop::collection::vec((name(), prop::option::of(version())), 0..4),
        fs in files(),
    ) {
        let deps: Vec<String> = deps
            .into_iter()
            .map(|(n, v)| match v { Some(v) => format!("{n} (>= {v})"), None => n })
            .collect();
        let p = build(name.clone(), version.clone(), iteration.clone(), deps.clone(), fs);
        let l = Collect::default();
        let ctx = WriteContext::new(1_700_000_000, &l);
        let targets: Vec<Box<dyn Format>> = vec![
            Box::new(pkgr::format::deb::Deb::new(Compression::new(Algorithm::Xz, Some(1)).unwrap())),
            Box::new(pkgr::format::rpm::Rpm::new(Compression::new(Algorithm::Zstd, None).unwrap(), "pkgr".into())),
            Box::new(pkgr::format::tar::Tar::new(Compression::new(Algorithm::Gzip, Some(1)).unwrap(), None)),
        ];
        let want = expected(&p);
        for t in targets {
            let mut f = tempfile::NamedTempFile::new().unwrap();
            pkgr::format::build(t.as_ref(), &p, f.as_file_mut(), &ctx).unwrap();
            let i = pkgr::inspect::inspect(f.path()).unwrap();
            prop_assert_eq!(&i.format, t.name());
            let got: BTreeMap<String, (String, u32, u64, Option<String>)> = i
                .files
                .iter()
                .filter(|f| f.path.starts_with("/opt/"))
                .map(|f| (f.path.clone(), (f.kind.clone(), if f.kind == "symlink" { 0o777 } else { f.mode }, f.size, f.target.clone())))
                .collect();
            let want_opt: BTreeMap<_, _> = want.iter().filter(|(k, _)| k.starts_with("/opt/")).map(|(k, v)| (k.clone(), v.clone())).collect();
            prop_assert_eq!(&got, &want_opt, "{} payload", t.name());
            if t.name() != "tar" {
                prop_assert_eq!(i.name.as_deref(), Some(name.as_str()));
                prop_assert_eq!(i.version.clone().unwrap_or_default(), t.full_version(&p));
                let depends = i.relations.get("depends").cloned().unwrap_or_default();
                for d in &deps {
                    let shown = if t.name() == "rpm" { d.replace("(>= ", ">= ").replace(')', "") } else { d.clone() };
                    prop_assert!(depends.contains(&shown), "{} lacks {}: {:?}", t.name(), shown, depends);
                }
            }
        }
    }

    #[test]
    fn version_order_matches_dpkg(a in "[0-9]{1,2}(:[0-9]{1,3})?([.+~][0-9a-z]{1,3}){0,3}(-[0-9a-z.~+]{1,4})?",
                                  b in "[0-9]{1,2}(:[0-9]{1,3})?([.+~][0-9a-z]{1,3}){0,3}(-[0-9a-z.~+]{1,4})?") {
        require(&["dpkg"]);
        // dpkg wants an upstream part starting with a digit: the generators make that so.
        let ours = pkgr::format::deb::version::compare(&a, &b);
        let op = match ours { std::cmp::Ordering::Less => "lt", std::cmp::Ordering::Equal => "eq", std::cmp::Ordering::Greater => "gt" };
        let ok = std::process::Command::new("dpkg").args(["--compare-versions", &a, op, &b]).status().unwrap().success();
        prop_assert!(ok, "pkgr says {} {} {}, dpkg disagrees", a, op, b);
    }
}
