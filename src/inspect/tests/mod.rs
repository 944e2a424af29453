//! `pkgr inspect` and the formats' readers, judged against what pkgr's writers wrote and what
//! dpkg-deb, rpm and GNU tar say; the helpers every reader's tests share.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::*;
use crate::compress::{Algorithm, Compression};
use crate::format::read::{norm_path, sort_files, FileInfo, Inspection};
use crate::format::{deb::Deb, rpm::Rpm, scripts as engine, tar::Tar, Format, WriteContext};
use crate::model::{Entry, EntryKind, Metadata, Package, Phase, PkgPath};
use crate::relation::Relation;

mod deb;
mod rpm;
mod tar;

pub(super) fn p(s: &str) -> PkgPath {
    PkgPath::parse(s).unwrap()
}

pub(super) fn rel(s: &str) -> Relation {
    Relation::parse(s).unwrap()
}

/// A package using every kind of entry, relation and script the model has.
pub(super) fn sample() -> Package {
    let mut pkg = Package {
        meta: Metadata {
            name: "hello".into(),
            version: "1.0".into(),
            iteration: Some("3".into()),
            epoch: Some(2),
            architecture: "amd64".into(),
            maintainer: "A B <a@example.org>".into(),
            url: Some("https://example.org/hello".into()),
            license: Some("MIT".into()),
            description: "Say hello\nLonger text about saying hello.".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut conf = Entry::bytes(p("/etc/hello/hello.conf"), b"greeting=hi\n".to_vec(), 0o644);
    conf.config = true;
    pkg.entries.push(conf);
    pkg.entries.push(Entry::bytes(
        p("/usr/bin/hello"),
        b"#!/bin/sh\necho hello\n".to_vec(),
        0o755,
    ));
    pkg.entries
        .push(Entry::symlink(p("/usr/bin/hi"), b"hello".to_vec()));
    pkg.entries.push(Entry {
        kind: EntryKind::HardLink {
            target: p("/usr/bin/hello"),
        },
        ..Entry::bytes(p("/usr/bin/hello-again"), Vec::new(), 0o755)
    });
    let mut private = Entry::dir(p("/var/lib/hello"));
    private.mode = 0o750;
    private.user = "hello".into();
    private.group = "hello".into();
    pkg.entries.push(private);
    let long = format!("/opt/hello/{}/data.txt", "d".repeat(120));
    pkg.entries
        .push(Entry::bytes(p(&long), vec![b'x'; 3000], 0o600));
    pkg.entries.push(Entry::symlink(
        p("/opt/hello/long-link"),
        format!("{}/data.txt", "d".repeat(120)).into_bytes(),
    ));
    pkg.finalize().unwrap();
    let r = &mut pkg.relations;
    r.depends.push(rel("libpq5 (>= 15) | libpq-ng"));
    r.depends.push(rel("curl (>= 7.0)"));
    r.pre_depends.push(rel("dpkg (>= 1.19)"));
    r.recommends.push(rel("less"));
    r.suggests.push(rel("jq (>= 1.6)"));
    r.provides.push(rel("hello-api (= 1.0)"));
    r.conflicts.push(rel("hello-legacy"));
    r.replaces.push(rel("old-hello (<< 1.0)"));
    pkg.scripts.user.insert(
        Phase::AfterInstall,
        "#!/bin/sh\necho installed \"$1\"\n".into(),
    );
    pkg.scripts
        .user
        .insert(Phase::BeforeRemove, "#!/bin/bash\necho bye\n".into());
    pkg.add_fragment(
        Phase::BeforeRemove,
        "clean up",
        "rm -f /tmp/hello.cache".into(),
    );
    pkg
}

pub(super) fn ctx_write(t: &dyn Format, pkg: &Package, dir: &Path, name: &str) -> PathBuf {
    let l = crate::listener::Collect::default();
    let ctx = WriteContext::new(1_700_000_000, &l);
    let mut out = Vec::new();
    crate::format::build(t, pkg, &mut out, &ctx).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

pub(super) fn comp(a: Algorithm) -> Compression {
    Compression::new(a, None).unwrap()
}

/// The FileInfo a model entry should read back as, given its package.
pub(super) fn info_of(e: &Entry) -> FileInfo {
    let (kind, size, target) = match &e.kind {
        EntryKind::File { size, .. } => ("file", *size, None),
        EntryKind::Dir => ("dir", 0, None),
        EntryKind::Symlink { target } => (
            "symlink",
            0,
            Some(String::from_utf8_lossy(target).into_owned()),
        ),
        EntryKind::HardLink { target } => ("hardlink", 0, Some(target.display())),
    };
    FileInfo {
        path: e.path.display(),
        kind: kind.into(),
        mode: e.mode,
        user: e.user.clone(),
        group: e.group.clone(),
        size,
        target,
        outside: false,
        ghost: false,
    }
}

pub(super) fn find<'a>(files: &'a [FileInfo], path: &str) -> &'a FileInfo {
    files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not listed: {files:#?}"))
}

/// Is `name` on PATH? A test that judges with a tool fails without it (`.ci/setup-debian.sh`
/// installs every one); it never passes unjudged.
pub(super) fn tool(name: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()));
    assert!(
        found,
        "{name} is not installed; this test judges with it (bash .ci/setup-debian.sh installs it)"
    );
    found
}

pub(super) fn rpm_writer(alg: Algorithm) -> Rpm {
    Rpm::new(comp(alg), "pkgr".into())
}

/// One file of each kind: the bytes of every writer's output.
pub(super) fn artifacts() -> Vec<(&'static str, Vec<u8>)> {
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let targets: Vec<(&str, Box<dyn Format>)> = vec![
        ("deb-xz", Box::new(Deb::new(comp(Algorithm::Xz)))),
        ("deb-none", Box::new(Deb::new(comp(Algorithm::None)))),
        ("rpm-gzip", Box::new(rpm_writer(Algorithm::Gzip))),
        ("rpm-none", Box::new(rpm_writer(Algorithm::None))),
        ("tar", Box::new(Tar::new(comp(Algorithm::None), None))),
        ("tar-gz", Box::new(Tar::new(comp(Algorithm::Gzip), None))),
        ("tar-xz", Box::new(Tar::new(comp(Algorithm::Xz), None))),
        ("tar-zst", Box::new(Tar::new(comp(Algorithm::Zstd), None))),
    ];
    for (name, t) in targets {
        let path = ctx_write(t.as_ref(), &pkg, dir.path(), name);
        out.push((name, std::fs::read(path).unwrap()));
    }
    out
}

pub(super) fn inspect_bytes(bytes: &[u8]) -> Result<Inspection, InspectError> {
    inspect_from(
        io::Cursor::new(bytes),
        bytes.len() as u64,
        Path::new("mem.pkg"),
    )
}

#[test]
fn truncated_files_are_errors_that_name_the_file() {
    for (name, bytes) in artifacts() {
        let len = bytes.len();
        let full = inspect_bytes(&bytes).unwrap();
        let mut cuts: Vec<usize> = vec![0, 1, 7, 8, 60, 67, 68, 96, 200, 512, 1024];
        cuts.extend((1..64).map(|k| len * k / 64));
        cuts.extend([1024, 512, 100, 9, 2, 1].map(|k| len.saturating_sub(k)));
        for cut in cuts.into_iter().filter(|&c| c < len) {
            match inspect_bytes(&bytes[..cut]) {
                // A plain tar may lose the second of its two end-of-archive zero blocks
                // (GNU tar accepts a lone one): nothing of the content is missing.
                Ok(i) if name == "tar" && bytes[cut..].iter().all(|&b| b == 0) => {
                    assert_eq!(i, full)
                }
                Ok(_) => panic!("{name} cut at {cut} of {len} was accepted"),
                Err(e) => assert!(e.to_string().contains("'mem.pkg'"), "{name}@{cut}: {e}"),
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.deb");
    let e = inspect(&missing).unwrap_err();
    assert!(matches!(e, InspectError::Io { .. }), "{e}");
    assert!(e.to_string().contains("missing.deb"), "{e}");
}

#[test]
fn damaged_files_never_panic() {
    for (name, bytes) in artifacts() {
        // Every byte of the first 2 KiB (ar, tar and rpm lead and signature headers) and
        // of the rpm header region, then every 29th byte, each flipped two ways.
        let dense = bytes
            .len()
            .min(if name.starts_with("rpm") { 8192 } else { 2048 });
        let positions = (0..dense).chain((dense..bytes.len()).step_by(29));
        for pos in positions {
            for mask in [0xff, 0x01] {
                let mut b = bytes.clone();
                b[pos] ^= mask;
                let r = std::panic::catch_unwind(|| inspect_bytes(&b));
                assert!(
                    r.is_ok(),
                    "{name}: flipping byte {pos} with {mask:#x} panicked"
                );
            }
        }
    }
}

#[test]
fn hostile_headers_are_refused() {
    let check = |bytes: &[u8], want: &str| {
        let e = inspect_bytes(bytes).unwrap_err().to_string();
        assert!(e.contains(want), "{e} lacks {want}");
        assert!(e.contains("'mem.pkg'"), "{e}");
    };
    // The ar crate panics on this GNU name-table reference; deb(5) never uses one.
    let mut deb = b"!<arch>\n".to_vec();
    deb.extend_from_slice(
        format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            "/5", 0, 0, 0, 644, 4
        )
        .as_bytes(),
    );
    deb.extend_from_slice(b"abcd");
    check(&deb, "name-table");
    // The rpm crate panics on an index entry pointing outside the store.
    let mut rpm = vec![0xed, 0xab, 0xee, 0xdb, 3, 0];
    rpm.resize(96, 0);
    rpm.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    rpm.extend_from_slice(&1u32.to_be_bytes());
    rpm.extend_from_slice(&8u32.to_be_bytes());
    rpm.extend_from_slice(&1000u32.to_be_bytes());
    rpm.extend_from_slice(&4u32.to_be_bytes());
    rpm.extend_from_slice(&0x7fff_0000i32.to_be_bytes());
    rpm.extend_from_slice(&1u32.to_be_bytes());
    rpm.extend_from_slice(&[0; 8]);
    check(&rpm, "outside");
    // Huge counts are refused before anything is allocated.
    let mut big = rpm[..96].to_vec();
    big.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
    big.extend_from_slice(&0x00ff_ffffu32.to_be_bytes());
    big.extend_from_slice(&0xffff_ffffu32.to_be_bytes());
    check(&big, "limits");
    check(b"", "empty");
    check(b"hello, world\n", "first bytes");
    // bzip2 is read now: a truncated stream says so.
    check(b"BZh91AY&SY", "truncated");
    let mut a = b"!<arch>\n".to_vec();
    a.extend_from_slice(
        format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            "foo.o/", 0, 0, 0, 644, 2
        )
        .as_bytes(),
    );
    a.extend_from_slice(b"xx");
    check(&a, "debian-binary");
}

#[test]
fn text_layout_has_header_relations_scripts_and_ls_lines() {
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = ctx_write(&Deb::new(comp(Algorithm::Xz)), &pkg, dir.path(), "h.deb");
    let t = render_text(&inspect(&path).unwrap());
    for want in [
        "Format:       deb\n",
        "Compression:  xz\n",
        "Package:      hello\n",
        "Version:      2:1.0-3\n",
        "Description:\n  Longer text about saying hello.\n",
        "Relations:\n",
        "  depends:     libpq5 (>= 15) | libpq-ng, curl (>= 7.0)\n",
        "  postinst     2 lines\n",
        "Conffiles:\n  /etc/hello/hello.conf\n",
        " /usr/bin/hi -> hello\n",
        " /usr/bin/hello-again link to /usr/bin/hello\n",
    ] {
        assert!(t.contains(want), "{want:?} missing from\n{t}");
    }
    assert!(
        t.lines()
            .any(|l| l.starts_with("  drwxr-x--- hello/hello ") && l.ends_with(" /var/lib/hello")),
        "{t}"
    );
    assert!(
        t.lines()
            .any(|l| l.starts_with("  -rwxr-xr-x root/root ") && l.ends_with(" 21 /usr/bin/hello")),
        "{t}"
    );
    assert_eq!(mode_string("file", 0o4755), "-rwsr-xr-x");
    assert_eq!(mode_string("dir", 0o1777), "drwxrwxrwt");
    assert_eq!(mode_string("file", 0o2644), "-rw-r-Sr--");
    let json = serde_json::to_string(&inspect(&path).unwrap()).unwrap();
    assert!(json.contains("\"format\":\"deb\""), "{json}");
}
