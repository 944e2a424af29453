//! Package names for Python distributions: Debian's own where it has one, fpm's rule otherwise.
//!
//! Debian's names come from dh-python's pydist files, the table dh_python3 uses to turn
//! `Requires-Dist` into `Depends` (`PyYAML python3-yaml`, `python_dateutil python3-dateutil`):
//! the installed packages' own files in `/usr/share/python3/dist/`, then dh-python's generated
//! `/usr/share/dh-python/dist/cpython3_fallback`, the first line for a name winning. A line is
//! `DIST [VRANGE] [DEPENDENCY] [; RULES]`: a `VRANGE` (`3.5-`, `-3.8`, `3.5-3.8`, `3.9`) limits
//! it to those Python versions (the upper bound excluded), an empty dependency means "needs
//! nothing", and a dependency with a version (`argparse python3 (>= 3.2)`) is used as it is.
//! Names are compared normalised (PEP 503), which also matches `zope-interface` with
//! `zope.interface`; the version translation rules are not used (pkgr's own PEP 440 mapping,
//! [`crate::version::from_pep440`], is).
//!
//! fpm's rule (lib/fpm/package/python.rb, `fix_name`): the name in lowercase with `_` as `-`,
//! and with `--python-fix-name` (the default) a leading `python-` (or `python3-`) dropped and
//! `--python-package-name-prefix` (default `python3`) added. Debian's names are used only with
//! the default prefix and `--python-fix-name`: they are `python3-` names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::relation::Relation;
use crate::source::virtualenv::normalize_name;

/// Where dh-python keeps the pydist table of the packages it knows (its fallback).
pub const PYDIST_FALLBACK: &str = "/usr/share/dh-python/dist/cpython3_fallback";

/// Where installed packages put their own pydist files (read before the fallback).
pub const PYDIST_DIR: &str = "/usr/share/python3/dist";

/// The prefix Debian's names have.
pub const DEBIAN_PREFIX: &str = "python3";

/// What a distribution is, as a dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// A package name; the requirement's version bounds are translated onto it.
    Name(String),
    /// Relations the table gives whole (with their versions); used as they are.
    Fixed(Vec<Relation>),
    /// The table says it needs no dependency (part of the standard library, say).
    Ignored,
}

/// dh-python's pydist table, for one Python version.
#[derive(Debug, Clone, Default)]
pub struct Pydist {
    map: HashMap<String, Mapped>,
}

impl Pydist {
    /// Debian's table ([`PYDIST_DIR`], then [`PYDIST_FALLBACK`]) for Python `minor` (`3.11`),
    /// or `None` when dh-python's fallback is not installed.
    pub fn debian(minor: &str) -> Option<Self> {
        if !Path::new(PYDIST_FALLBACK).is_file() {
            return None;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(PYDIST_DIR)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files.push(PathBuf::from(PYDIST_FALLBACK));
        let texts: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect();
        Some(Self::parse(texts.iter().map(String::as_str), minor))
    }

    /// The table from pydist `texts` (earlier ones win), for Python `minor`.
    pub fn parse<'a>(texts: impl IntoIterator<Item = &'a str>, minor: &str) -> Self {
        let mut map = HashMap::new();
        for text in texts {
            for line in text.lines() {
                if let Some((name, mapped)) = parse_line(line, minor) {
                    map.entry(name).or_insert(mapped);
                }
            }
        }
        Pydist { map }
    }

    /// What `dist` is in the table, if it is there.
    pub fn get(&self, dist: &str) -> Option<&Mapped> {
        self.map.get(&normalize_name(dist))
    }
}

/// One pydist line, when it applies to Python `minor`.
fn parse_line(line: &str, minor: &str) -> Option<(String, Mapped)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let line = line.split(';').next().unwrap_or("").trim();
    let (name, rest) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(n, r)| (n, r.trim()));
    let mut dependency = rest;
    if let Some((first, after)) = rest
        .split_once(char::is_whitespace)
        .or(Some((rest, "")))
        .filter(|(f, _)| is_vrange(f))
    {
        if !in_vrange(first, minor) {
            return None;
        }
        dependency = after.trim();
    }
    let mapped = if dependency.is_empty() {
        Mapped::Ignored
    } else {
        let rels = Relation::parse_list(dependency).ok()?;
        match rels.as_slice() {
            [one] if one.alternatives.len() == 1 && one.alternatives[0].constraint.is_none() => {
                Mapped::Name(one.alternatives[0].name.clone())
            }
            _ => Mapped::Fixed(rels),
        }
    };
    Some((normalize_name(name), mapped))
}

/// `3.5-`, `-3.8`, `3.5-3.8`, `3.9`: dh-python's version range.
fn is_vrange(s: &str) -> bool {
    let ver = |v: &str| {
        v.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
    };
    match s.split_once('-') {
        Some((a, b)) => (a.is_empty() || ver(a)) && (b.is_empty() || ver(b)) && s != "-",
        None => ver(s),
    }
}

/// Is `minor` in `range`? The lower bound is included, the upper one excluded; a lone version
/// is that version only (dh-python's `get_requested_versions`).
fn in_vrange(range: &str, minor: &str) -> bool {
    let key = |v: &str| -> Option<(u32, u32)> {
        let (a, b) = v.split_once('.')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    };
    let Some(m) = key(minor) else { return true };
    match range.split_once('-') {
        None => key(range) == Some(m),
        Some((lo, hi)) => key(lo).is_none_or(|lo| lo <= m) && key(hi).is_none_or(|hi| m < hi),
    }
}

/// How names are made: fpm's options and Debian's table.
#[derive(Debug, Clone)]
pub struct Naming {
    /// `--python-package-name-prefix`.
    pub prefix: String,
    /// `--python-fix-name`.
    pub fix_name: bool,
    /// Debian's table, used with the default prefix and `fix_name` only.
    pub pydist: Option<Pydist>,
}

impl Naming {
    /// The package name for the distribution `dist` (as its metadata spells it).
    pub fn package(&self, dist: &str) -> String {
        match self.debian(dist) {
            Some(Mapped::Name(n)) => n.clone(),
            _ => self.fpm(dist),
        }
    }

    /// What a requirement on `dist` depends on.
    pub fn dependency(&self, dist: &str) -> Mapped {
        self.debian(dist)
            .cloned()
            .unwrap_or_else(|| Mapped::Name(self.fpm(dist)))
    }

    fn debian(&self, dist: &str) -> Option<&Mapped> {
        if !(self.fix_name && self.prefix == DEBIAN_PREFIX) {
            return None;
        }
        self.pydist.as_ref()?.get(dist)
    }

    /// fpm's rule (see the module doc).
    pub fn fpm(&self, dist: &str) -> String {
        let n = dist.trim().to_lowercase().replace('_', "-");
        if !self.fix_name {
            return n;
        }
        let bare = n
            .strip_prefix("python3-")
            .or_else(|| n.strip_prefix("python-"))
            .filter(|b| !b.is_empty())
            .unwrap_or(&n);
        if self.prefix.is_empty() {
            bare.to_string()
        } else {
            format!("{}-{bare}", self.prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
# comment
Jinja2 python3-jinja2
PyYAML python3-yaml
python_dateutil python3-dateutil
argparse python3 (>= 3.2)
setuptools python3-pkg-resources
typing -3.5 python3-typing
typing 3.5-
tomli_backport 3.9-3.11 python3-tomli
six python3-six; PEP386
zope.interface python3-zope.interface
";

    fn naming(prefix: &str, fix: bool) -> Naming {
        Naming {
            prefix: prefix.into(),
            fix_name: fix,
            pydist: Some(Pydist::parse([TABLE], "3.11")),
        }
    }

    #[test]
    fn debian_names_from_the_pydist_table() {
        let n = naming("python3", true);
        assert_eq!(n.package("PyYAML"), "python3-yaml");
        assert_eq!(n.package("pyyaml"), "python3-yaml");
        assert_eq!(n.package("python-dateutil"), "python3-dateutil");
        assert_eq!(n.package("Jinja2"), "python3-jinja2");
        assert_eq!(n.package("zope-interface"), "python3-zope.interface");
        assert_eq!(n.dependency("six"), Mapped::Name("python3-six".into()));
        assert_eq!(
            n.dependency("argparse"),
            Mapped::Fixed(vec![Relation::parse("python3 (>= 3.2)").unwrap()])
        );
        // A fixed dependency is no package name: the package itself gets fpm's.
        assert_eq!(n.package("argparse"), "python3-argparse");
        // 3.11 is in 3.5- (needs nothing), not in -3.5; and in 3.9-3.11 only up to 3.10.
        assert_eq!(n.dependency("typing"), Mapped::Ignored);
        assert_eq!(
            n.dependency("tomli-backport"),
            Mapped::Name("python3-tomli-backport".into())
        );
        let n310 = Naming {
            pydist: Some(Pydist::parse([TABLE], "3.10")),
            ..naming("python3", true)
        };
        assert_eq!(
            n310.dependency("tomli-backport"),
            Mapped::Name("python3-tomli".into())
        );
    }

    #[test]
    fn fpm_rule_without_a_debian_name() {
        let n = naming("python3", true);
        assert_eq!(n.package("Some_Thing"), "python3-some-thing");
        assert_eq!(n.package("python-foo"), "python3-foo");
        assert_eq!(n.package("python3-foo"), "python3-foo");
        assert_eq!(n.package("pythonweb"), "python3-pythonweb");
        assert_eq!(
            n.dependency("Unknown_Dist"),
            Mapped::Name("python3-unknown-dist".into())
        );
        // Another prefix: fpm's rule for every name, Debian's table unused.
        let n = naming("py", true);
        assert_eq!(n.package("PyYAML"), "py-pyyaml");
        assert_eq!(n.package("python-dateutil"), "py-dateutil");
        // --python-fix-name=false: no prefix, nothing stripped.
        let n = naming("python3", false);
        assert_eq!(n.package("python-dateutil"), "python-dateutil");
        assert_eq!(n.package("PyYAML"), "pyyaml");
        // An empty prefix.
        assert_eq!(naming("", true).package("python-foo"), "foo");
    }

    #[test]
    fn vranges() {
        for (r, ok) in [
            ("3.5-", true),
            ("-3.8", true),
            ("3.5-3.8", true),
            ("3.9", true),
        ] {
            assert_eq!(is_vrange(r), ok, "{r}");
        }
        for r in ["-", "python3-foo", "3", "a.b", "3.x-"] {
            assert!(!is_vrange(r), "{r}");
        }
        assert!(in_vrange("3.5-", "3.11"));
        assert!(!in_vrange("-3.11", "3.11"));
        assert!(in_vrange("3.11", "3.11"));
        assert!(!in_vrange("3.12-", "3.11"));
    }
}
