//! RPM dependencies: the model's relations in RPM's terms, the capabilities rpm's elfdeps(1)
//! would generate, and the `rpmlib(...)` features the package needs (rpmbuild's
//! `rpmlibNeedsFeature` calls in `build/files.cc`, `build/pack.cc`, `build/parseScript.cc`).
//!
//! A dependency is a (name, flags, version) triple (`REQUIRENAME`, `REQUIREFLAGS`,
//! `REQUIREVERSION`, and likewise for the other kinds). Alternatives `a | b` become the rich
//! dependency `(a or b)` (rpm ≥ 4.12, `rpmlib(RichDependencies)`).

use std::collections::{BTreeMap, BTreeSet};

use super::header::{Header, Value};
use super::tags;
use crate::format::common::DependencyDecision;
use crate::model::Package;
use crate::relation::{Atom, Op, Relation};

/// One dependency as the header stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dep {
    /// The name or capability (`glibc`, `libc.so.6()(64bit)`, `(a or b)`).
    pub name: String,
    /// `RPMSENSE_*` flags.
    pub flags: u32,
    /// The version, empty for none.
    pub version: String,
}

impl Dep {
    /// A dependency without a version.
    pub fn any(name: impl Into<String>, flags: u32) -> Self {
        Dep {
            name: name.into(),
            flags,
            version: String::new(),
        }
    }
}

/// RPM's spelling of a comparison.
pub fn op_str(op: Op) -> &'static str {
    match op {
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Eq => "=",
        Op::Ge => ">=",
        Op::Gt => ">",
    }
}

fn op_flags(op: Op) -> u32 {
    match op {
        Op::Lt => tags::SENSE_LESS,
        Op::Le => tags::SENSE_LESS | tags::SENSE_EQUAL,
        Op::Eq => tags::SENSE_EQUAL,
        Op::Ge => tags::SENSE_GREATER | tags::SENSE_EQUAL,
        Op::Gt => tags::SENSE_GREATER,
    }
}

fn atom(a: &Atom) -> String {
    match &a.constraint {
        None => a.name.clone(),
        Some((op, v)) => format!("{} {} {}", a.name, op_str(*op), v),
    }
}

/// One relation in RPM terms; alternatives become a rich dependency `(a or b)`.
pub fn relation(r: &Relation) -> Dep {
    if r.alternatives.len() > 1 {
        let inner: Vec<String> = r.alternatives.iter().map(atom).collect();
        return Dep::any(format!("({})", inner.join(" or ")), 0);
    }
    let a = &r.alternatives[0];
    match &a.constraint {
        None => Dep::any(a.name.clone(), 0),
        Some((op, v)) => Dep {
            name: a.name.clone(),
            flags: op_flags(*op),
            version: v.clone(),
        },
    }
}

/// The capabilities rpm's elfdeps(1) generates for the payload's external libraries, one
/// decision per soname: `libfoo.so.1()(64bit)` for every `DT_NEEDED`, `libfoo.so.1(NODE)(64bit)`
/// for every version node needed from it (`libc.so.6(GLIBC_2.14)(64bit)`), and `rtld(GNU_HASH)`
/// for files with only a GNU hash table. The `(64bit)` suffix marks 64-bit ELF classes. Nothing
/// is read from the build host: rpm resolves capabilities at install time.
pub fn elf_requires(pkg: &Package) -> Vec<DependencyDecision> {
    let mut caps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &pkg.elf.files {
        let suffix = if f.is_64 { "(64bit)" } else { "" };
        for so in &f.external {
            users.entry(so.clone()).or_default().push(f.path.display());
            let set = caps.entry(so.clone()).or_default();
            set.insert(format!("{so}(){suffix}"));
            for (lib, node) in &f.version_needs {
                if lib == so {
                    set.insert(format!("{so}({node}){suffix}"));
                }
            }
            if f.gnu_hash_only {
                set.insert("rtld(GNU_HASH)".into());
            }
        }
    }
    caps.into_iter()
        .map(|(so, set)| DependencyDecision {
            format: "rpm".into(),
            needed_by: users.remove(&so).unwrap_or_default(),
            soname: so,
            resolved: Some(set.into_iter().collect::<Vec<_>>().join(", ")),
            source: "elfdeps rules (DT_NEEDED and version needs)".into(),
        })
        .collect()
}

/// The `rpmlib(FEATURE) <= VERSION` dependency rpm uses to refuse packages it cannot read.
pub fn rpmlib(feature: &str, version: &str) -> Dep {
    Dep {
        name: format!("rpmlib({feature})"),
        flags: tags::SENSE_RPMLIB | tags::SENSE_LESS | tags::SENSE_EQUAL,
        version: version.into(),
    }
}

/// The features every pkgr rpm needs plus those its contents call for: compressed file names,
/// `./` payload names, SHA-256 file digests, the payload compressor, hard links, large files,
/// rich dependencies, `~`/`^` in a version, interpreter arguments in a scriptlet.
pub fn features(
    compressor: Option<&str>,
    hard_links: bool,
    large: bool,
    deps: &[&Dep],
    interp_args: bool,
) -> Vec<Dep> {
    let mut f = vec![
        rpmlib("CompressedFileNames", "3.0.4-1"),
        rpmlib("FileDigests", "4.6.0-1"),
        rpmlib("PayloadFilesHavePrefix", "4.0-1"),
    ];
    match compressor {
        Some("xz") => f.push(rpmlib("PayloadIsXz", "5.2-1")),
        Some("zstd") => f.push(rpmlib("PayloadIsZstd", "5.4.18-1")),
        Some("bzip2") => f.push(rpmlib("PayloadIsBzip2", "3.0.5-1")),
        Some("lzma") => f.push(rpmlib("PayloadIsLzma", "4.4.6-1")),
        _ => {}
    }
    if hard_links {
        f.push(rpmlib("PartialHardlinkSets", "4.0.4-1"));
    }
    if large {
        f.push(rpmlib("LargeFiles", "4.12.0-1"));
    }
    if deps.iter().any(|d| d.name.starts_with('(')) {
        f.push(rpmlib("RichDependencies", "4.12.0-1"));
    }
    if deps.iter().any(|d| d.version.contains('~')) {
        f.push(rpmlib("TildeInVersions", "4.10.0-1"));
    }
    if deps.iter().any(|d| d.version.contains('^')) {
        f.push(rpmlib("CaretInVersions", "4.15.0-1"));
    }
    if interp_args {
        f.push(rpmlib("ScriptletInterpreterArgs", "4.0.3-1"));
    }
    f
}

/// Puts one kind of dependency into `h`: sorted and without duplicates, as rpmbuild stores
/// them. Nothing is stored for an empty list.
pub fn put(h: &mut Header, mut deps: Vec<Dep>, name: u32, flags: u32, version: u32) {
    deps.sort();
    deps.dedup();
    h.put(
        name,
        Value::StrArray(deps.iter().map(|d| d.name.clone()).collect()),
    );
    h.put(flags, Value::Int32(deps.iter().map(|d| d.flags).collect()));
    h.put(
        version,
        Value::StrArray(deps.into_iter().map(|d| d.version).collect()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_translate_every_operator_and_alternatives() {
        for (deb, name, flags, version) in [
            ("aa (<< 1)", "aa", tags::SENSE_LESS, "1"),
            ("aa (<= 1)", "aa", tags::SENSE_LESS | tags::SENSE_EQUAL, "1"),
            ("aa (= 1)", "aa", tags::SENSE_EQUAL, "1"),
            (
                "aa (>= 1)",
                "aa",
                tags::SENSE_GREATER | tags::SENSE_EQUAL,
                "1",
            ),
            ("aa (>> 1)", "aa", tags::SENSE_GREATER, "1"),
            ("aa", "aa", 0, ""),
            ("aa (>= 1) | bb", "(aa >= 1 or bb)", 0, ""),
        ] {
            let d = relation(&Relation::parse(deb).unwrap());
            assert_eq!(
                (d.name.as_str(), d.flags, d.version.as_str()),
                (name, flags, version),
                "{deb}"
            );
        }
    }

    #[test]
    fn features_follow_the_contents() {
        let rich = Dep::any("(a or b)", 0);
        let tilde = Dep {
            name: "x".into(),
            flags: tags::SENSE_EQUAL,
            version: "1.0~rc1".into(),
        };
        let f = features(Some("zstd"), true, false, &[&rich, &tilde], false);
        let names: Vec<&str> = f.iter().map(|d| d.name.as_str()).collect();
        for want in [
            "rpmlib(PayloadIsZstd)",
            "rpmlib(PartialHardlinkSets)",
            "rpmlib(RichDependencies)",
            "rpmlib(TildeInVersions)",
        ] {
            assert!(names.contains(&want), "{names:?}");
        }
        assert!(!names.contains(&"rpmlib(LargeFiles)"));
    }
}
