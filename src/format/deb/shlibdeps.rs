//! Debian dependencies for the payload's external shared libraries, read from the build host's
//! dpkg database in pure Rust: what dpkg-shlibdeps(1) does, without running it.
//!
//! For each external soname (see [`crate::transform::elf`]), in this order:
//!
//! 1. a `symbols` file (deb-symbols(5)) under `<admindir>/info/` that declares the soname: the
//!    dependency template with `#MINVER#` replaced by `(>= V)`, where V is the highest minimal
//!    version among the symbols the payload's files import from that library (a versioned import
//!    `name@NODE`, an unversioned one `name@Base`; `(symver)` patterns match a whole node);
//! 2. else a `shlibs` file (deb-shlibs(5)) line `libname soversion dependency`;
//! 3. else a path search: the library file in the architecture's library directories, and the
//!    package whose `.list` file owns it, without a version;
//! 4. else the soname is *unmapped*: the caller warns (or fails with `--strict`).
//!
//! The C library's floor is at least the highest `GLIBC_x.y` version node any file needs, which
//! is also the whole answer on a host without a dpkg database. Only files for the target
//! architecture are read: `pkg:arch.symbols` for that arch, or unqualified ones.
//! The admin directory is `$DPKG_ADMINDIR` (as dpkg(1) honours it), else `/var/lib/dpkg`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::version;
use crate::format::common::DependencyDecision;
use crate::model::{ElfFile, Package};
use crate::relation::{Op, Relation};

/// Sonames shipped by the C library package (`libc6` on Linux architectures), its loader's
/// included: used when the build host has no dpkg database for the architecture.
pub const LIBC_SONAMES: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libresolv.so.2",
    "libutil.so.1",
    "libanl.so.1",
    "libBrokenLocale.so.1",
    "libnsl.so.1",
    "libmvec.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux-armhf.so.3",
    "ld-linux.so.2",
    "ld64.so.2",
    "ld64.so.1",
    "ld-linux-riscv64-lp64d.so.1",
];

/// The answer for one package: relations to add to `Depends`, and one decision per soname.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Relations, merged per package (the highest `>=` floor wins).
    pub relations: Vec<Relation>,
    /// Every soname → package decision, sorted by soname; `resolved: None` when unmapped.
    pub decisions: Vec<DependencyDecision>,
}

/// The dpkg admin directory pkgr reads: `$DPKG_ADMINDIR` or `/var/lib/dpkg`.
pub fn admindir() -> PathBuf {
    std::env::var_os("DPKG_ADMINDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/lib/dpkg"))
}

/// The Debian multiarch triplet of `arch` (`amd64` → `x86_64-linux-gnu`), for the path search.
fn triplet(arch: &str) -> Option<&'static str> {
    Some(match arch {
        "amd64" => "x86_64-linux-gnu",
        "arm64" => "aarch64-linux-gnu",
        "i386" => "i386-linux-gnu",
        "armhf" => "arm-linux-gnueabihf",
        "armel" => "arm-linux-gnueabi",
        "ppc64el" => "powerpc64le-linux-gnu",
        "s390x" => "s390x-linux-gnu",
        "riscv64" => "riscv64-linux-gnu",
        "mips64el" => "mips64el-linux-gnuabi64",
        "loong64" => "loongarch64-linux-gnu",
        _ => return None,
    })
}

/// The C library's package name on `arch` (Policy §8.6.4's shlibs names).
pub fn libc_package(arch: &str) -> &'static str {
    match arch {
        "alpha" | "ia64" => "libc6.1",
        "hurd-i386" | "hurd-amd64" => "libc0.3",
        _ => "libc6",
    }
}

/// One library's section of a symbols file.
#[derive(Debug, Default)]
struct SymbolsEntry {
    /// The file it came from.
    file: PathBuf,
    /// Dependency templates: `[0]` the main one, `[n]` the n-th `|` alternative line.
    templates: Vec<String>,
    /// `name@node` → (minimal version, template index).
    symbols: BTreeMap<String, (String, usize)>,
    /// `(symver)NODE` patterns: node → (minimal version, template index).
    symver: BTreeMap<String, (String, usize)>,
}

/// An info file's package and architecture qualifier from its name (`zlib1g:amd64.symbols`).
fn info_name<'a>(file_name: &'a str, ext: &str) -> Option<(&'a str, Option<&'a str>)> {
    let stem = file_name.strip_suffix(ext)?;
    Some(match stem.split_once(':') {
        Some((p, a)) => (p, Some(a)),
        None => (stem, None),
    })
}

/// The info files with extension `ext` for `arch`, sorted by name.
fn info_files(info: &Path, ext: &str, arch: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(info) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| info_name(n, ext))
                .is_some_and(|(_, a)| a.is_none_or(|a| a == arch || a == "all"))
        })
        .collect();
    v.sort();
    v
}

/// Parses the sections of a symbols file for the sonames in `wanted` (deb-symbols(5)).
fn parse_symbols(
    file: &Path,
    text: &str,
    wanted: &BTreeSet<String>,
) -> BTreeMap<String, SymbolsEntry> {
    let mut out = BTreeMap::new();
    let mut cur: Option<(String, SymbolsEntry)> = None;
    let flush = |cur: &mut Option<(String, SymbolsEntry)>,
                 out: &mut BTreeMap<String, SymbolsEntry>| {
        if let Some((so, e)) = cur.take() {
            out.entry(so).or_insert(e);
        }
    };
    for line in text.lines() {
        if let Some(sym) = line.strip_prefix(' ') {
            let Some((_, e)) = cur.as_mut() else { continue };
            let (tags, rest) = match sym.strip_prefix('(') {
                Some(r) => match r.split_once(')') {
                    Some((t, rest)) => (t, rest),
                    None => continue,
                },
                None => ("", sym),
            };
            let mut f = rest.split_whitespace();
            let (Some(name), Some(minver)) = (f.next(), f.next()) else {
                continue;
            };
            let id = f.next().and_then(|i| i.parse().ok()).unwrap_or(0);
            let tags: Vec<&str> = tags.split('|').collect();
            if tags.contains(&"symver") {
                e.symver.insert(name.to_string(), (minver.to_string(), id));
            } else if tags.iter().any(|t| *t == "c++" || *t == "regex") {
                // Demangled or regex patterns: not matched; their symbols add no floor.
            } else {
                e.symbols.insert(name.to_string(), (minver.to_string(), id));
            }
        } else if let Some(alt) = line.strip_prefix('|') {
            if let Some((_, e)) = cur.as_mut() {
                e.templates.push(alt.trim().to_string());
            }
        } else if line.starts_with('*') || line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else {
            flush(&mut cur, &mut out);
            let mut f = line.splitn(2, char::is_whitespace);
            let (Some(so), Some(tpl)) = (f.next(), f.next()) else {
                continue;
            };
            if wanted.contains(so) {
                cur = Some((
                    so.to_string(),
                    SymbolsEntry {
                        file: file.to_path_buf(),
                        templates: vec![tpl.trim().to_string()],
                        ..SymbolsEntry::default()
                    },
                ));
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Splits a soname the way shlibs files key it: `libz.so.1` → (`libz`, `1`),
/// `libfoo-1.2.so` → (`libfoo`, `1.2`) (deb-shlibs(5)).
fn shlibs_key(soname: &str) -> Option<(String, String)> {
    if let Some((n, v)) = soname.split_once(".so.") {
        return Some((n.to_string(), v.to_string()));
    }
    let stem = soname.strip_suffix(".so")?;
    let (n, v) = stem.rsplit_once('-')?;
    v.starts_with(|c: char| c.is_ascii_digit())
        .then(|| (n.to_string(), v.to_string()))
}

/// The dependency of a shlibs line for `soname`, and the file it came from.
fn from_shlibs(info: &Path, arch: &str, soname: &str) -> Option<(String, PathBuf)> {
    let (name, ver) = shlibs_key(soname)?;
    for file in info_files(info, ".shlibs", arch) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split_whitespace();
            let Some(first) = f.next() else { continue };
            // A `type:` prefix (udeb:) marks lines for other package types.
            if first.ends_with(':') {
                continue;
            }
            if first == name && f.next() == Some(ver.as_str()) {
                let dep: Vec<&str> = f.collect();
                if !dep.is_empty() {
                    return Some((dep.join(" "), file));
                }
            }
        }
    }
    None
}

/// The package owning `soname` in the architecture's library directories, and the file found.
fn from_path_search(info: &Path, arch: &str, soname: &str) -> Option<(String, PathBuf)> {
    let t = triplet(arch)?;
    let dirs = [
        format!("/lib/{t}"),
        format!("/usr/lib/{t}"),
        "/lib".into(),
        "/usr/lib".into(),
    ];
    let found: Vec<String> = dirs
        .iter()
        .map(|d| format!("{d}/{soname}"))
        .filter(|p| Path::new(p).exists())
        .collect();
    if found.is_empty() {
        return None;
    }
    // The names dpkg may have recorded: as found, the usr-merge twin, the resolved file.
    let mut names = BTreeSet::new();
    for p in &found {
        names.insert(p.clone());
        match p.strip_prefix("/usr") {
            Some(rest) => names.insert(rest.to_string()),
            None => names.insert(format!("/usr{p}")),
        };
        if let Ok(real) = std::fs::canonicalize(p) {
            names.insert(real.display().to_string());
        }
    }
    for list in info_files(info, ".list", arch) {
        let Ok(text) = std::fs::read_to_string(&list) else {
            continue;
        };
        if text.lines().any(|l| names.contains(l)) {
            let fname = list.file_name()?.to_str()?;
            let (pkg, _) = info_name(fname, ".list")?;
            return Some((pkg.to_string(), PathBuf::from(&found[0])));
        }
    }
    None
}

/// Replaces `#MINVER#` in a template and parses the relations it names.
fn expand(template: &str, minver: Option<&str>) -> Vec<Relation> {
    let v = match minver {
        Some(v) if v != "0" => format!(" (>= {v})"),
        _ => String::new(),
    };
    template
        .replace("#MINVER#", &v)
        .split(',')
        .filter_map(|r| Relation::parse(r.trim()).ok())
        .collect()
}

/// The highest of two Debian versions.
fn max_version(a: Option<String>, b: &str) -> Option<String> {
    match a {
        Some(a) if version::compare(&a, b) != std::cmp::Ordering::Less => Some(a),
        _ => Some(b.to_string()),
    }
}

/// The dependencies of `soname` from its symbols section, given the files that need it.
fn from_symbols(e: &SymbolsEntry, soname: &str, users: &[&ElfFile]) -> Vec<Relation> {
    // Per template, the highest minimal version of an imported symbol.
    let mut floors: BTreeMap<usize, Option<String>> = BTreeMap::new();
    for f in users {
        for i in &f.imports {
            let hit = match (&i.version, &i.library) {
                (Some(node), Some(lib)) if lib == soname => e
                    .symbols
                    .get(&format!("{}@{node}", i.name))
                    .or_else(|| e.symver.get(node)),
                (None, None) => e.symbols.get(&format!("{}@Base", i.name)),
                _ => None,
            };
            if let Some((minver, id)) = hit {
                let slot = floors.entry(*id).or_default();
                *slot = max_version(slot.take(), minver);
            }
        }
    }
    floors.entry(0).or_default();
    let mut out = Vec::new();
    for (id, floor) in floors {
        if let Some(t) = e.templates.get(id) {
            out.extend(expand(t, floor.as_deref()));
        }
    }
    out
}

/// Keeps one relation per simple package name with the highest `>=` floor; others stay as they
/// are, in order.
fn merge_floors(rels: Vec<Relation>) -> Vec<Relation> {
    let mut out: Vec<Relation> = Vec::new();
    for r in rels {
        let simple = |r: &Relation| {
            r.alternatives.len() == 1
                && r.alternatives[0]
                    .constraint
                    .as_ref()
                    .is_none_or(|(op, _)| *op == Op::Ge)
        };
        if simple(&r) {
            let name = &r.alternatives[0].name;
            if let Some(old) = out
                .iter_mut()
                .find(|o| simple(o) && &o.alternatives[0].name == name)
            {
                let a = old.alternatives[0].constraint.as_ref().map(|c| c.1.clone());
                let b = r.alternatives[0].constraint.as_ref().map(|c| c.1.clone());
                let best = match (a, b) {
                    (Some(a), Some(b)) => max_version(Some(a), &b),
                    (a, b) => a.or(b),
                };
                old.alternatives[0].constraint = best.map(|v| (Op::Ge, v));
                continue;
            }
        }
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Resolves every external soname of `pkg` for `arch` against the dpkg database in `admin`.
pub fn resolve(pkg: &Package, arch: &str, admin: &Path) -> Resolved {
    let info = admin.join("info");
    let mut users: BTreeMap<String, Vec<&ElfFile>> = BTreeMap::new();
    for f in &pkg.elf.files {
        for so in &f.external {
            users.entry(so.clone()).or_default().push(f);
        }
    }
    let wanted: BTreeSet<String> = users.keys().cloned().collect();
    let mut symbols: BTreeMap<String, SymbolsEntry> = BTreeMap::new();
    if !wanted.is_empty() {
        for file in info_files(&info, ".symbols", arch) {
            if let Ok(text) = std::fs::read_to_string(&file) {
                for (so, e) in parse_symbols(&file, &text, &wanted) {
                    symbols.entry(so).or_insert(e);
                }
            }
        }
    }
    let mut rels = Vec::new();
    let mut decisions = Vec::new();
    for (so, files) in &users {
        let needed_by = files.iter().map(|f| f.path.display()).collect();
        let (found, source) = if let Some(e) = symbols.get(so) {
            (
                from_symbols(e, so, files),
                format!("symbols file {}", e.file.display()),
            )
        } else if let Some((dep, file)) = from_shlibs(&info, arch, so) {
            (
                expand(&dep, None),
                format!("shlibs file {}", file.display()),
            )
        } else if let Some((owner, file)) = from_path_search(&info, arch, so) {
            (
                Relation::parse(&owner).into_iter().collect(),
                format!(
                    "{} is in package {owner} (no symbols or shlibs file)",
                    file.display()
                ),
            )
        } else if LIBC_SONAMES.contains(&so.as_str()) {
            // No dpkg database (or not for this arch): the C library from its version nodes.
            (
                vec![Relation::simple(libc_package(arch), None)],
                "the C library's package for the architecture".into(),
            )
        } else {
            (Vec::new(), String::new())
        };
        let resolved = (!found.is_empty()).then(|| {
            found
                .iter()
                .map(Relation::to_debian)
                .collect::<Vec<_>>()
                .join(", ")
        });
        decisions.push(DependencyDecision {
            format: "deb".into(),
            soname: so.clone(),
            needed_by,
            resolved,
            source: if found.is_empty() {
                "no symbols, shlibs or owning package on this host".into()
            } else {
                source
            },
        });
        rels.extend(found);
    }
    // The C library's floor is at least the highest GLIBC_ node needed.
    if let Some(floor) = pkg.elf.glibc_floor() {
        if users.keys().any(|s| LIBC_SONAMES.contains(&s.as_str())) {
            let v = floor
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(".");
            rels.push(Relation::simple(libc_package(arch), Some((Op::Ge, &v))));
        }
    }
    Resolved {
        relations: merge_floors(rels),
        decisions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Import, PkgPath};

    fn file(external: &[&str], imports: Vec<Import>) -> ElfFile {
        ElfFile {
            path: PkgPath::parse("/opt/x/ext.so").unwrap(),
            soname: None,
            external: external.iter().map(|s| s.to_string()).collect(),
            imports,
            version_needs: Vec::new(),
            gnu_hash_only: false,
            glibc: None,
            unstripped: false,
            is_64: true,
        }
    }

    fn import(name: &str, node: Option<&str>, lib: Option<&str>) -> Import {
        Import {
            name: name.into(),
            version: node.map(str::to_string),
            library: lib.map(str::to_string),
            weak: false,
        }
    }

    fn admin(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("info")).unwrap();
        for (name, text) in files {
            std::fs::write(d.path().join("info").join(name), text).unwrap();
        }
        d
    }

    const ZLIB: &str = "libz.so.1 zlib1g #MINVER#\n* Build-Depends-Package: zlib1g-dev\n ZLIB_1.2.0@ZLIB_1.2.0 1:1.2.0\n adler32@Base 1:1.1.4\n deflate@ZLIB_1.2.0 1:1.2.0\n inflateGetHeader@Base 1:1.2.2\n";

    #[test]
    fn symbols_file_gives_the_highest_used_floor() {
        let d = admin(&[("zlib1g:amd64.symbols", ZLIB)]);
        let mut pkg = Package::default();
        pkg.elf.files.push(file(
            &["libz.so.1"],
            vec![
                import("adler32", None, None),
                import("inflateGetHeader", None, None),
                import("unknown", None, None),
            ],
        ));
        let r = resolve(&pkg, "amd64", d.path());
        assert_eq!(r.relations.len(), 1);
        assert_eq!(r.relations[0].to_debian(), "zlib1g (>= 1:1.2.2)");
        assert_eq!(
            r.decisions[0].resolved.as_deref(),
            Some("zlib1g (>= 1:1.2.2)")
        );
        assert!(r.decisions[0].source.contains("zlib1g:amd64.symbols"));
    }

    #[test]
    fn other_architectures_files_are_ignored() {
        let d = admin(&[("zlib1g:arm64.symbols", ZLIB)]);
        let mut pkg = Package::default();
        pkg.elf.files.push(file(&["libz.so.1"], Vec::new()));
        let r = resolve(&pkg, "amd64", d.path());
        assert_eq!(r.decisions[0].resolved, None);
        assert!(r.relations.is_empty());
    }

    #[test]
    fn versioned_imports_and_alternative_templates() {
        let text = "libc.so.6 libc6 #MINVER#\n| libc6 (>> 2.36), libc6 (<< 2.37)\n memcpy@GLIBC_2.14 2.14\n printf@GLIBC_2.2.5 2.2.5\n __priv@GLIBC_PRIVATE 0 1\n";
        let d = admin(&[("libc6:amd64.symbols", text)]);
        let mut pkg = Package::default();
        pkg.elf.files.push(file(
            &["libc.so.6"],
            vec![
                import("memcpy", Some("GLIBC_2.14"), Some("libc.so.6")),
                import("printf", Some("GLIBC_2.2.5"), Some("libc.so.6")),
            ],
        ));
        let r = resolve(&pkg, "amd64", d.path());
        assert_eq!(r.relations[0].to_debian(), "libc6 (>= 2.14)");
        pkg.elf.files[0]
            .imports
            .push(import("__priv", Some("GLIBC_PRIVATE"), Some("libc.so.6")));
        let r = resolve(&pkg, "amd64", d.path());
        let all: Vec<String> = r.relations.iter().map(Relation::to_debian).collect();
        assert_eq!(
            all,
            ["libc6 (>= 2.14)", "libc6 (>> 2.36)", "libc6 (<< 2.37)"]
        );
    }

    #[test]
    fn shlibs_file_when_no_symbols() {
        let d = admin(&[(
            "libfoo1.shlibs",
            "udeb: libfoo 1 libfoo1-udeb\nlibfoo 1 libfoo1 (>= 1.4)\n",
        )]);
        let mut pkg = Package::default();
        pkg.elf.files.push(file(&["libfoo.so.1"], Vec::new()));
        let r = resolve(&pkg, "amd64", d.path());
        assert_eq!(r.relations[0].to_debian(), "libfoo1 (>= 1.4)");
        assert!(r.decisions[0].source.contains("libfoo1.shlibs"));
    }

    #[test]
    fn unmapped_sonames_are_decisions_without_a_package() {
        let d = admin(&[]);
        let mut pkg = Package::default();
        pkg.elf
            .files
            .push(file(&["libnowhere-pkgr.so.9"], Vec::new()));
        let r = resolve(&pkg, "amd64", d.path());
        assert!(r.relations.is_empty());
        assert_eq!(r.decisions[0].resolved, None);
        assert_eq!(r.decisions[0].needed_by, ["/opt/x/ext.so"]);
    }

    #[test]
    fn libc_floor_without_a_database() {
        let d = admin(&[]);
        let mut pkg = Package::default();
        let mut f = file(&["libc.so.6"], Vec::new());
        f.glibc = Some(vec![2, 17]);
        pkg.elf.files.push(f);
        let r = resolve(&pkg, "riscv64", d.path());
        let all: Vec<String> = r.relations.iter().map(Relation::to_debian).collect();
        assert_eq!(all, ["libc6 (>= 2.17)"]);
    }

    #[test]
    fn shlibs_keys() {
        assert_eq!(shlibs_key("libz.so.1"), Some(("libz".into(), "1".into())));
        assert_eq!(
            shlibs_key("libfoo-1.2.so"),
            Some(("libfoo".into(), "1.2".into()))
        );
        assert_eq!(shlibs_key("libfoo.so"), None);
    }
}
