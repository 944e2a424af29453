//! One dependency syntax for every format, parsed lexically: a [`Relation`] is one or more
//! alternatives, each a name with an optional version constraint. What a name may be and which
//! versions are valid is each format's rule, checked by the format (deb: Debian package names,
//! Policy §5.6.1, and Debian versions, §5.6.12; rpm: capabilities such as `perl(Foo::Bar)` and
//! `libc.so.6()(64bit)`, file dependencies such as `/usr/bin/python3`, and RPM versions).
//!
//! Parsing accepts Debian syntax (`python3.11 (>= 3.11.2) | python3-foo`, deb-control(5),
//! Policy §7.1) and fpm's bare form (`python3.11 >= 3.11.2`, `foo > 1`), which users type on
//! command lines. In the bare form `<` and `>` are fpm's strict comparisons (deb renders them
//! `<<` and `>>`, as fpm does); inside Debian's parentheses they are Policy §7.1's obsolete,
//! ambiguous forms and are refused.

use std::fmt;

/// A version comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// Strictly earlier (deb `<<`, rpm `<`).
    Lt,
    /// Earlier or equal (`<=`).
    Le,
    /// Exactly equal (`=`).
    Eq,
    /// Later or equal (`>=`).
    Ge,
    /// Strictly later (deb `>>`, rpm `>`).
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
    /// What is depended on: a package name (optionally `:arch`-qualified, `python3:any`), an
    /// RPM capability (`perl(Foo::Bar)`) or a file (`/usr/bin/python3`). Never empty, without
    /// whitespace, `,` or `|`, with balanced parentheses.
    pub name: String,
    /// Optional version constraint; the version has no whitespace or parentheses.
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
    /// An obsolete or unknown comparison operator.
    #[error("unknown version operator '{op}' in dependency '{value}': use one of <<, <=, =, >=, >> (Policy §7.1), or the bare form 'name > version' for a strict comparison")]
    BadOp {
        /// The whole value.
        value: String,
        /// The operator found.
        op: String,
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

/// Where the name ends: at whitespace, or at a `(` that opens a Debian constraint (its content
/// starts with an operator); a `(` that does not (`perl(Foo::Bar)`, `libc.so.6()(64bit)`) is part
/// of an RPM capability's name, up to its matching `)`.
fn split_name(alt: &str) -> Option<(&str, &str)> {
    let b = alt.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => break,
            b'(' => {
                let inner = alt[i + 1..].trim_start();
                if inner.starts_with(['<', '>', '=']) {
                    break;
                }
                let close = alt[i..].find(')')? + i;
                i = close + 1;
                continue;
            }
            b')' => return None,
            _ => {}
        }
        i += 1;
    }
    Some((&alt[..i], alt[i..].trim()))
}

fn parse_atom(value: &str, alt: &str) -> Result<Atom, RelationError> {
    if alt.is_empty() {
        return Err(RelationError::Empty(value.to_string()));
    }
    let syntax = || RelationError::Syntax(value.to_string());
    let (name, rest) = split_name(alt).ok_or_else(syntax)?;
    if name.is_empty() {
        return Err(syntax());
    }
    if rest.is_empty() {
        return Ok(Atom {
            name: name.to_string(),
            constraint: None,
        });
    }
    let (inner, parenthesised) = match rest.strip_prefix('(') {
        Some(r) => (r.strip_suffix(')').ok_or_else(syntax)?.trim(), true),
        None => (rest, false),
    };
    let op_len = inner
        .find(|c: char| !matches!(c, '<' | '>' | '='))
        .unwrap_or(inner.len());
    let (op_s, ver) = (&inner[..op_len], inner[op_len..].trim());
    let op = match (op_s, parenthesised) {
        ("<<", _) => Op::Lt,
        ("<=", _) => Op::Le,
        ("=" | "==", _) => Op::Eq,
        (">=", _) => Op::Ge,
        (">>", _) => Op::Gt,
        // fpm's bare strict comparisons; inside parentheses Policy §7.1 reads them as <=/>=.
        ("<", false) => Op::Lt,
        (">", false) => Op::Gt,
        ("", _) => return Err(syntax()),
        (other, _) => {
            return Err(RelationError::BadOp {
                value: value.to_string(),
                op: other.to_string(),
            })
        }
    };
    if ver.is_empty() || ver.contains(char::is_whitespace) || ver.contains(['(', ')']) {
        return Err(syntax());
    }
    Ok(Atom {
        name: name.to_string(),
        constraint: Some((op, ver.to_string())),
    })
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
    fn fpm_strict_operators_render_as_debian_ones() {
        assert_eq!(
            Relation::parse("foo > 1").unwrap().to_debian(),
            "foo (>> 1)"
        );
        assert_eq!(
            Relation::parse("foo < 1").unwrap().to_debian(),
            "foo (<< 1)"
        );
        let e = Relation::parse("foo (< 1)").unwrap_err().to_string();
        assert!(e.contains("<<") && e.contains("7.1"), "{e}");
    }

    #[test]
    fn capabilities_and_file_dependencies_are_names() {
        for (v, name, c) in [
            ("perl(Foo::Bar)", "perl(Foo::Bar)", None),
            ("libc.so.6()(64bit)", "libc.so.6()(64bit)", None),
            ("/usr/bin/python3", "/usr/bin/python3", None),
            (
                "python3dist(requests) >= 2.0",
                "python3dist(requests)",
                Some((Op::Ge, "2.0".to_string())),
            ),
            ("foo(>= 1)", "foo", Some((Op::Ge, "1".to_string()))),
        ] {
            let r = Relation::parse(v).unwrap();
            assert_eq!(r.alternatives[0].name, name, "{v}");
            assert_eq!(r.alternatives[0].constraint, c, "{v}");
        }
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
            Relation::parse("foo (<> 1)"),
            Err(RelationError::BadOp { .. })
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
            Relation::parse("perl(Foo"),
            Err(RelationError::Syntax(_))
        ));
        assert!(matches!(
            Relation::parse("aa |"),
            Err(RelationError::Empty(_))
        ));
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
