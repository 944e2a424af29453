//! One dependency syntax for every format: a [`Relation`] is one or more alternatives, each a
//! package name with an optional version constraint.
//!
//! Parsing accepts Debian syntax (`python3.11 (>= 3.11.2) | python3-foo`, deb-control(5),
//! Policy §7.1) and fpm's bare form (`python3.11 >= 3.11.2`), which users type on command lines.
//! Rendering to Debian syntax is [`Relation::to_debian`]; other targets render the same model.

use std::fmt;

use crate::version;

/// A version comparison (Policy §7.1; `<` and `>` are obsolete and rejected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// `<<` strictly earlier.
    Lt,
    /// `<=` earlier or equal.
    Le,
    /// `=` exactly equal.
    Eq,
    /// `>=` later or equal.
    Ge,
    /// `>>` strictly later.
    Gt,
}

impl Op {
    /// The Debian spelling (`<<`, `<=`, `=`, `>=`, `>>`).
    pub fn debian(self) -> &'static str {
        match self {
            Op::Lt => "<<",
            Op::Le => "<=",
            Op::Eq => "=",
            Op::Ge => ">=",
            Op::Gt => ">>",
        }
    }
}

/// One alternative: `name` or `name (op version)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Atom {
    /// Package name, optionally with an architecture qualifier (`python3:any`).
    pub name: String,
    /// Optional version constraint.
    pub constraint: Option<(Op, String)>,
}

/// A relation: alternatives joined by `|` (at least one).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Relation {
    /// The alternatives, in order of preference.
    pub alternatives: Vec<Atom>,
}

/// Why a relation string was refused. Messages name the value and the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RelationError {
    /// Empty relation or empty alternative.
    #[error("empty dependency in '{0}'")]
    Empty(String),
    /// The package name breaks Policy §5.6.1.
    #[error("'{name}' in dependency '{value}' is not a valid package name: {rule}")]
    BadName {
        /// The whole value.
        value: String,
        /// The offending name.
        name: String,
        /// The rule broken.
        rule: String,
    },
    /// Unknown or obsolete comparison operator.
    #[error("unknown version operator '{op}' in dependency '{value}': use one of <<, <=, =, >=, >> (Policy §7.1)")]
    BadOp {
        /// The whole value.
        value: String,
        /// The operator found.
        op: String,
    },
    /// The version after the operator is invalid.
    #[error("bad version in dependency '{value}': {source}")]
    BadVersion {
        /// The whole value.
        value: String,
        /// The version error.
        source: version::VersionError,
    },
    /// Anything else unparsable (unbalanced parentheses, trailing text, control characters).
    #[error("cannot parse dependency '{0}': expected 'name', 'name (op version)' or 'name op version', alternatives separated by '|'")]
    Syntax(String),
}

impl Relation {
    /// A relation with a single alternative.
    pub fn simple(name: &str, constraint: Option<(Op, &str)>) -> Self {
        Relation {
            alternatives: vec![Atom {
                name: name.to_string(),
                constraint: constraint.map(|(o, v)| (o, v.to_string())),
            }],
        }
    }

    /// Parses one relation (no commas): Debian or fpm syntax, with `|` alternatives.
    ///
    /// # Errors
    /// [`RelationError`] naming the value and the rule it breaks.
    pub fn parse(value: &str) -> Result<Self, RelationError> {
        if value.chars().any(|c| c.is_control()) || value.contains(',') {
            return Err(RelationError::Syntax(value.escape_debug().to_string()));
        }
        let mut alternatives = Vec::new();
        for alt in value.split('|') {
            alternatives.push(parse_atom(value, alt.trim())?);
        }
        Ok(Relation { alternatives })
    }

    /// Parses a comma-separated list (`a, b (>= 1)`), as a control field holds it.
    ///
    /// # Errors
    /// As [`Relation::parse`].
    pub fn parse_list(value: &str) -> Result<Vec<Self>, RelationError> {
        value
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| Relation::parse(s.trim()))
            .collect()
    }

    /// Debian syntax: `a (>= 1) | b`.
    pub fn to_debian(&self) -> String {
        self.alternatives
            .iter()
            .map(|a| match &a.constraint {
                Some((op, v)) => format!("{} ({} {})", a.name, op.debian(), v),
                None => a.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_debian())
    }
}

fn parse_atom(value: &str, alt: &str) -> Result<Atom, RelationError> {
    if alt.is_empty() {
        return Err(RelationError::Empty(value.to_string()));
    }
    let (name, rest) = match alt.find(|c: char| c.is_whitespace() || c == '(') {
        Some(i) => (&alt[..i], alt[i..].trim()),
        None => (alt, ""),
    };
    check_relation_name(value, name)?;
    if rest.is_empty() {
        return Ok(Atom {
            name: name.to_string(),
            constraint: None,
        });
    }
    let inner = if let Some(r) = rest.strip_prefix('(') {
        r.strip_suffix(')')
            .ok_or_else(|| RelationError::Syntax(value.to_string()))?
            .trim()
    } else {
        rest
    };
    let op_len = inner
        .find(|c: char| !matches!(c, '<' | '>' | '='))
        .unwrap_or(inner.len());
    let (op_s, ver) = (&inner[..op_len], inner[op_len..].trim());
    let op = match op_s {
        "<<" => Op::Lt,
        "<=" => Op::Le,
        "=" | "==" => Op::Eq,
        ">=" => Op::Ge,
        ">>" => Op::Gt,
        "" => return Err(RelationError::Syntax(value.to_string())),
        other => {
            return Err(RelationError::BadOp {
                value: value.to_string(),
                op: other.to_string(),
            })
        }
    };
    if ver.is_empty() || ver.contains(char::is_whitespace) || ver.contains(['(', ')']) {
        return Err(RelationError::Syntax(value.to_string()));
    }
    version::check_full_debian(ver).map_err(|source| RelationError::BadVersion {
        value: value.to_string(),
        source,
    })?;
    Ok(Atom {
        name: name.to_string(),
        constraint: Some((op, ver.to_string())),
    })
}

fn check_relation_name(value: &str, name: &str) -> Result<(), RelationError> {
    // An architecture qualifier (`foo:any`, `foo:amd64`) is allowed in relations.
    let (base, arch) = match name.split_once(':') {
        Some((b, a)) => (b, Some(a)),
        None => (name, None),
    };
    let bad = |rule: String| RelationError::BadName {
        value: value.to_string(),
        name: name.to_string(),
        rule,
    };
    version::check_package_name(base).map_err(|e| bad(e.to_string()))?;
    if let Some(a) = arch {
        if a.is_empty()
            || !a
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(bad(format!(
                "architecture qualifier '{a}' must be lowercase letters, digits and '-'"
            )));
        }
    }
    Ok(())
}

/// Appends `new` relations to `list`, dropping exact duplicates (first occurrence wins).
pub fn merge(list: &mut Vec<Relation>, new: impl IntoIterator<Item = Relation>) {
    for r in new {
        if !list.contains(&r) {
            list.push(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_operator_in_both_syntaxes() {
        for (s, op) in [
            ("<<", Op::Lt),
            ("<=", Op::Le),
            ("=", Op::Eq),
            (">=", Op::Ge),
            (">>", Op::Gt),
        ] {
            let deb = Relation::parse(&format!("foo ({s} 1.2-3)")).unwrap();
            let fpm = Relation::parse(&format!("foo {s} 1.2-3")).unwrap();
            assert_eq!(deb, fpm);
            assert_eq!(deb.alternatives[0].constraint, Some((op, "1.2-3".into())));
            assert_eq!(deb.to_debian(), format!("foo ({s} 1.2-3)"));
        }
        assert_eq!(
            Relation::parse("foo (>=1.0)").unwrap().to_debian(),
            "foo (>= 1.0)"
        );
    }

    #[test]
    fn alternatives_and_qualifiers() {
        let r = Relation::parse("python3.11 (>= 3.11.2) | python3:any").unwrap();
        assert_eq!(r.alternatives.len(), 2);
        assert_eq!(r.to_debian(), "python3.11 (>= 3.11.2) | python3:any");
        assert_eq!(Relation::parse_list("aa, bb (= 1)").unwrap().len(), 2);
    }

    #[test]
    fn rejects_bad_input_with_the_rule() {
        assert!(matches!(
            Relation::parse("Foo"),
            Err(RelationError::BadName { .. })
        ));
        assert!(matches!(
            Relation::parse("foo (< 1)"),
            Err(RelationError::BadOp { .. })
        ));
        assert!(matches!(
            Relation::parse("foo (>= x1)"),
            Err(RelationError::BadVersion { .. })
        ));
        assert!(matches!(
            Relation::parse("foo\nDepends: evil"),
            Err(RelationError::Syntax(_))
        ));
        assert!(matches!(
            Relation::parse("foo (>= 1"),
            Err(RelationError::Syntax(_))
        ));
        assert!(matches!(
            Relation::parse("aa |"),
            Err(RelationError::Empty(_))
        ));
        let msg = Relation::parse("foo (< 1)").unwrap_err().to_string();
        assert!(msg.contains("<<"), "{msg}");
    }

    #[test]
    fn merge_drops_duplicates() {
        let mut l = vec![Relation::simple("aa", None)];
        merge(
            &mut l,
            [Relation::simple("aa", None), Relation::simple("bb", None)],
        );
        assert_eq!(l.len(), 2);
    }
}
