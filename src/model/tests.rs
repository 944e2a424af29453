//! The model's rules: paths, modes, parents, collisions.

use super::*;

fn p(s: &str) -> PkgPath {
    PkgPath::parse(s).unwrap()
}

#[test]
fn paths_normalise_and_reject_escapes() {
    assert_eq!(p("//opt/./x/").as_bytes(), b"/opt/x");
    assert_eq!(p("/").as_bytes(), b"/");
    assert!(matches!(
        PkgPath::parse("opt/x"),
        Err(PathError::NotAbsolute(_))
    ));
    assert!(matches!(
        PkgPath::parse("/opt/../etc"),
        Err(PathError::DotDot(_))
    ));
    assert!(matches!(
        PkgPath::parse("/a\nb"),
        Err(PathError::BadByte(_))
    ));
    assert_eq!(p("/opt/x").parent(), Some(p("/opt")));
    assert_eq!(p("/opt").parent(), Some(PkgPath::root()));
    assert_eq!(p("/opt/x").file_name(), b"x");
    assert!(p("/opt/x/y").starts_with(&p("/opt/x")));
    assert!(!p("/opt/xy").starts_with(&p("/opt/x")));
    assert_eq!(p("/opt/x/y").strip_prefix(&p("/opt")), Some(&b"x/y"[..]));
}

#[test]
fn finalize_adds_parents_and_sorts_parents_first() {
    let mut pkg = Package::default();
    pkg.entries
        .push(Entry::bytes(p("/a/b-c"), b"1".to_vec(), 0o644));
    pkg.entries
        .push(Entry::bytes(p("/a/b/c"), b"2".to_vec(), 0o644));
    pkg.entries
        .push(Entry::bytes(p("/a/b/c"), b"2".to_vec(), 0o644));
    pkg.finalize().unwrap();
    let paths: Vec<String> = pkg.entries.iter().map(|e| e.path.display()).collect();
    assert_eq!(paths, ["/a", "/a/b", "/a/b/c", "/a/b-c"]);
}

#[test]
fn finalize_rejects_conflicts() {
    let mut pkg = Package::default();
    pkg.entries
        .push(Entry::bytes(p("/a"), b"1".to_vec(), 0o644));
    pkg.entries
        .push(Entry::bytes(p("/a"), b"2".to_vec(), 0o644));
    assert!(matches!(pkg.finalize(), Err(ModelError::Conflict(_))));
    let mut pkg = Package::default();
    pkg.entries
        .push(Entry::bytes(p("/a"), b"1".to_vec(), 0o644));
    pkg.entries
        .push(Entry::bytes(p("/a/b"), b"2".to_vec(), 0o644));
    assert!(matches!(pkg.finalize(), Err(ModelError::NotADirectory(_))));
}

#[test]
fn modes_drop_group_and_other_write() {
    assert_eq!(normalize_mode(0o100775), 0o755);
    assert_eq!(normalize_mode(0o666), 0o644);
    assert_eq!(normalize_mode(0o600), 0o600);
    assert_eq!(normalize_mode(0o4755), 0o4755);
    assert_eq!(normalize_mode(0o41777), 0o1777, "sticky: deliberate, kept");
}
