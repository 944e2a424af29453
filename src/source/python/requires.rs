//! `Requires-Dist` (PEP 508) as package dependencies, as fpm's `-s python` and dh_python3 make
//! them: a requirement whose environment marker holds for the target (see [`super::markers`];
//! `extra == "..."` only for the extras asked for) becomes a dependency on the distribution's
//! package ([`super::naming`]) with its PEP 440 bounds in the formats' terms, each version
//! mapped by [`crate::version::from_pep440`]:
//!
//! | PEP 440 | dependency |
//! |---|---|
//! | `>=V`, `>V`, `<=V`, `<V` | `>= V`, `>> V`, `<= V`, `<< V` |
//! | `==V`, `===V` | `= V` |
//! | `~=1.4.5` | `>= 1.4.5` and `<< 1.5` |
//! | `==1.4.*` | `>= 1.4` and `<< 1.5` |
//! | `!=V`, `!=V.*` | dropped, with a warning (neither dpkg nor rpm can say "any but") |
//!
//! A requirement that cannot be read, names a URL (`name @ https://...`), or whose marker
//! cannot be decided for the target is left out with a warning (add it with `-d`).

use std::str::FromStr;

use pep440_rs::{Operator, VersionSpecifiers};

use super::markers::Env;
use super::naming::{Mapped, Naming};
use crate::relation::{Op, Relation};

/// One `Requires-Dist` value, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The distribution's name.
    pub name: String,
    /// `[extra, ...]`.
    pub extras: Vec<String>,
    /// The version specifiers (`>=1.21.1,<3`), without parentheses; empty for any version.
    pub specifiers: String,
    /// The environment marker after `;`.
    pub marker: Option<String>,
    /// A direct reference (`name @ URL`).
    pub url: Option<String>,
}

/// Splits a PEP 508 requirement; `None` when it has no valid name or unbalanced brackets.
pub fn parse(line: &str) -> Option<Requirement> {
    let (head, marker) = match line.split_once(';') {
        Some((h, m)) => (
            h.trim(),
            Some(m.trim().to_string()).filter(|m| !m.is_empty()),
        ),
        None => (line.trim(), None),
    };
    let name_len = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(head.len());
    let name = &head[..name_len];
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut rest = head[name_len..].trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let (inner, after) = r.split_once(']')?;
        extras = inner
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect();
        rest = after.trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        return Some(Requirement {
            name: name.to_string(),
            extras,
            specifiers: String::new(),
            marker,
            url: Some(url.trim().to_string()),
        });
    }
    let specifiers = match rest.strip_prefix('(') {
        Some(r) => r.strip_suffix(')')?.trim(),
        None => rest,
    };
    Some(Requirement {
        name: name.to_string(),
        extras,
        specifiers: specifiers.to_string(),
        marker,
        url: None,
    })
}

/// A PEP 440 version bound in the formats' terms, unpadded (`2!1.0` → `2:1.0`): it is compared
/// with Debian's own versions (`6.0-3`), which nobody padded.
fn package_version(v: &pep440_rs::Version) -> String {
    match crate::version::bound_from_pep440(&v.to_string()) {
        (Some(e), v) => format!("{e}:{v}"),
        (None, v) => v,
    }
}

/// The release after `release` with its last part dropped and the one before raised
/// (`~=1.4.5` → `1.5`), or with the last part raised when `drop_last` is false (`==1.4.*` →
/// `1.5`), keeping the epoch.
fn next_release(v: &pep440_rs::Version, drop_last: bool) -> Option<String> {
    let mut r: Vec<u64> = v.release().to_vec();
    if drop_last {
        r.pop();
    }
    *r.last_mut()? += 1;
    let s = r.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    let s = match v.epoch() {
        0 => s,
        e => format!("{e}!{s}"),
    };
    Some(package_version(&pep440_rs::Version::from_str(&s).ok()?))
}

/// What PEP 440 specifiers say in the formats' terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounds {
    /// The comparisons a version must pass, in the specifiers' (version-sorted) order.
    pub bounds: Vec<(Op, String)>,
    /// The specifiers no dependency can say (`!=2.0`), as written.
    pub dropped: Vec<String>,
}

/// The bounds `specifiers` put on a version.
///
/// # Errors
/// The parser's message when `specifiers` are not PEP 440 specifiers.
pub fn bounds(specifiers: &str) -> Result<Bounds, String> {
    if specifiers.trim().is_empty() {
        return Ok(Bounds::default());
    }
    let specs = VersionSpecifiers::from_str(specifiers).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    for s in specs.iter() {
        let v = s.version();
        let pv = package_version(v);
        match s.operator() {
            Operator::Equal | Operator::ExactEqual => out.push((Op::Eq, pv)),
            Operator::GreaterThanEqual => out.push((Op::Ge, pv)),
            Operator::GreaterThan => out.push((Op::Gt, pv)),
            Operator::LessThanEqual => out.push((Op::Le, pv)),
            // `<3.2` excludes 3.2's pre-releases and Debian's `3.2-1`: `<< 3.2~` does too.
            Operator::LessThan => out.push((Op::Lt, format!("{pv}~"))),
            Operator::TildeEqual | Operator::EqualStar => {
                out.push((Op::Ge, pv));
                let tilde = *s.operator() == Operator::TildeEqual;
                if let Some(next) = next_release(v, tilde) {
                    out.push((Op::Lt, format!("{next}~")));
                }
            }
            Operator::NotEqual | Operator::NotEqualStar => dropped.push(s.to_string()),
        }
    }
    Ok(Bounds {
        bounds: out,
        dropped,
    })
}

/// What became of one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It is a dependency: these relations; `note` says what was dropped from it (a warning).
    Depends {
        /// The `Requires-Dist` value.
        requirement: String,
        /// What it became.
        relations: Vec<Relation>,
        /// The specifiers left out (`!=2.0`), if any.
        dropped: Vec<String>,
    },
    /// Not for the target (its marker is false), or the table says it needs nothing.
    Skipped {
        /// The `Requires-Dist` value.
        requirement: String,
        /// Why.
        why: String,
    },
    /// Left out because pkgr cannot tell what it needs (a warning).
    Unknown {
        /// The `Requires-Dist` value.
        requirement: String,
        /// Why.
        why: String,
    },
}

/// Every `Requires-Dist` value of distribution `own` as an [`Outcome`], in order.
pub fn dependencies(lines: &[String], env: &Env, naming: &Naming, own: &str) -> Vec<Outcome> {
    lines
        .iter()
        .map(|line| one(line, env, naming, own))
        .collect()
}

fn one(line: &str, env: &Env, naming: &Naming, own: &str) -> Outcome {
    let requirement = line.trim().to_string();
    let unknown = |why: String| Outcome::Unknown {
        requirement: requirement.clone(),
        why,
    };
    let Some(req) = parse(line) else {
        return unknown("it is not a PEP 508 requirement".into());
    };
    if let Some(m) = &req.marker {
        match env.evaluate(m) {
            Some(true) => {}
            Some(false) => {
                return Outcome::Skipped {
                    requirement,
                    why: format!("'{m}' is false for the target"),
                }
            }
            None => {
                return unknown(format!(
                    "its marker '{m}' cannot be decided for the target machine"
                ))
            }
        }
    }
    if let Some(url) = &req.url {
        return unknown(format!("it names a URL ({url}), not a package"));
    }
    if crate::source::virtualenv::normalize_name(&req.name)
        == crate::source::virtualenv::normalize_name(own)
    {
        return Outcome::Skipped {
            requirement,
            why: "it names the distribution itself (an extra's requirements)".into(),
        };
    }
    let Bounds { bounds, dropped } = match bounds(&req.specifiers) {
        Ok(b) => b,
        Err(e) => return unknown(format!("its version specifiers cannot be read: {e}")),
    };
    let relations = match naming.dependency(&req.name) {
        Mapped::Ignored => {
            return Outcome::Skipped {
                requirement,
                why: "Debian's pydist table says it needs no package".into(),
            }
        }
        Mapped::Fixed(rels) => rels,
        Mapped::Name(n) if bounds.is_empty() => vec![Relation::simple(&n, None)],
        Mapped::Name(n) => bounds
            .iter()
            .map(|(op, v)| Relation::simple(&n, Some((*op, v))))
            .collect(),
    };
    Outcome::Depends {
        requirement,
        relations,
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::naming::Pydist;
    use super::*;

    fn show(rels: &[Relation]) -> String {
        rels.iter()
            .map(Relation::to_debian)
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn parses_requirements() {
        let r = parse("PySocks!=1.5.7,>=1.5.6; extra == \"socks\"").unwrap();
        assert_eq!(r.name, "PySocks");
        assert_eq!(r.specifiers, "!=1.5.7,>=1.5.6");
        assert_eq!(r.marker.as_deref(), Some("extra == \"socks\""));
        let r = parse("requests[security, socks] (>=2.0)").unwrap();
        assert_eq!(r.extras, ["security", "socks"]);
        assert_eq!(r.specifiers, ">=2.0");
        let r = parse("pip @ https://example.org/pip.whl ; python_version >= '3'").unwrap();
        assert_eq!(r.url.as_deref(), Some("https://example.org/pip.whl"));
        assert_eq!(r.marker.as_deref(), Some("python_version >= '3'"));
        assert_eq!(parse("six").unwrap().specifiers, "");
        for bad in ["", ">=1", "-x", "x[a", "x (>=1"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn translates_bounds() {
        let b = |s: &str| {
            let Bounds {
                bounds: v,
                dropped: d,
            } = bounds(s).unwrap();
            let shown: Vec<String> = v
                .iter()
                .map(|(op, v)| format!("{} {v}", op.debian()))
                .collect();
            (shown.join(", "), d)
        };
        // pep440_rs sorts the specifiers by version. Bounds are not padded (Debian's `6.0-3`
        // must meet `>= 6.0`), and an upper bound excludes the version's pre-releases and
        // Debian revisions (`<< 3~`), as pip's `<3` does.
        assert_eq!(b("<3,>=1.21.1").0, ">= 1.21.1, << 3~");
        assert_eq!(b("==2.31.0").0, "= 2.31.0");
        assert_eq!(b("~=1.4.5").0, ">= 1.4.5, << 1.5~");
        assert_eq!(b("~=2.2").0, ">= 2.2, << 3~");
        assert_eq!(b("==1.4.*").0, ">= 1.4, << 1.5~");
        assert_eq!(b(">2.0rc1").0, ">> 2.0~rc1");
        assert_eq!(b("<=1!2.0").0, "<= 1:2.0");
        let (v, d) = b("!=1.5.7,>=1.5.6");
        assert_eq!(v, ">= 1.5.6");
        assert_eq!(d, ["!=1.5.7"]);
        assert!(bounds(">=").is_err());
        assert_eq!(b("").0, "");
    }

    fn env() -> Env {
        let values: BTreeMap<String, String> = [
            ("python_version", "3.11"),
            ("python_full_version", "3.11.2"),
            ("sys_platform", "linux"),
            ("platform_machine", "x86_64"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Env::new(&values, &["platform_machine"], &[])
    }

    #[test]
    fn requirements_become_mapped_dependencies() {
        let naming = Naming {
            prefix: "python3".into(),
            fix_name: true,
            pydist: Some(Pydist::parse(
                [
                    "charset_normalizer python3-charset-normalizer\nsix python3-six\nargparse python3 (>= 3.2)\ntyping\n",
                ],
                "3.11",
            )),
        };
        let lines: Vec<String> = [
            "charset_normalizer<4,>=2",
            "six>=1.5",
            "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"",
            "importlib-metadata>=4; python_version < \"3.8\"",
            "colorama; sys_platform == \"win32\"",
            "uvloop; platform_machine == \"x86_64\"",
            "argparse",
            "typing>=3",
            "Other_Thing!=2.0",
            "requests[socks]; extra == 'all'",
            "pip @ https://example.org/pip.whl",
            "bad (",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let out = dependencies(&lines, &env(), &naming, "requests");
        let depends: Vec<String> = out
            .iter()
            .filter_map(|o| match o {
                Outcome::Depends { relations, .. } => Some(show(relations)),
                _ => None,
            })
            .collect();
        assert_eq!(
            depends,
            [
                "python3-charset-normalizer (>= 2), python3-charset-normalizer (<< 4~)",
                "python3-six (>= 1.5)",
                "python3 (>= 3.2)",
                "python3-other-thing",
            ]
        );
        assert!(matches!(
            &out[8],
            Outcome::Depends { dropped, .. } if dropped == &["!=2.0"]
        ));
        let kinds: Vec<&str> = out
            .iter()
            .map(|o| match o {
                Outcome::Depends { .. } => "depends",
                Outcome::Skipped { .. } => "skipped",
                Outcome::Unknown { .. } => "unknown",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "depends", "depends", "skipped", "skipped", "skipped", "unknown", "depends",
                "skipped", "depends", "skipped", "unknown", "unknown"
            ]
        );
    }
}
