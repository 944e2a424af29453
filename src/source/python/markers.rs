//! PEP 508 environment markers (`python_version < "3.10"`, `extra == "socks"`), evaluated for
//! the target in three values: true, false, or unknown (`None`): a variable the build cannot
//! know for the machine the package is installed on (`platform_release`, or `platform_machine`
//! of an `all` package), or text this evaluator does not read. As in the `packaging` library
//! (which pip uses), a comparison is a PEP 440 version comparison when the operator and the
//! right-hand side form a valid specifier and the left-hand side is a valid version, and a
//! string comparison otherwise; `in` and `not in` test for a substring.

use std::collections::BTreeMap;
use std::str::FromStr;

/// The values markers are evaluated with: each variable's value on the target (`None` where it
/// cannot be known), and the extras asked for.
#[derive(Debug, Clone, Default)]
pub struct Env {
    values: BTreeMap<String, Option<String>>,
    extras: Vec<String>,
}

/// Every variable PEP 508 defines, except `extra`.
pub const VARIABLES: [&str; 11] = [
    "python_version",
    "python_full_version",
    "os_name",
    "sys_platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform_machine",
    "platform_python_implementation",
    "implementation_name",
    "implementation_version",
];

impl Env {
    /// The environment from `values` (variable → value, as the interpreter reports them),
    /// with `unknown` variables left out (their value on the target cannot be known), and the
    /// `extras` asked for.
    pub fn new(values: &BTreeMap<String, String>, unknown: &[&str], extras: &[String]) -> Self {
        Env {
            values: VARIABLES
                .iter()
                .map(|v| {
                    let val = values.get(*v).filter(|_| !unknown.contains(v)).cloned();
                    (v.to_string(), val)
                })
                .collect(),
            extras: extras.iter().map(|e| normalize(e)).collect(),
        }
    }

    /// Evaluates `marker`: `Some(true)` or `Some(false)`, `None` when it cannot be decided.
    pub fn evaluate(&self, marker: &str) -> Option<bool> {
        let tokens = tokenize(marker)?;
        let mut p = Parser {
            tokens: &tokens,
            at: 0,
            env: self,
        };
        let v = p.or()?;
        (p.at == tokens.len()).then_some(v)?
    }
}

/// PEP 685: extras compare normalised like names.
fn normalize(s: &str) -> String {
    crate::source::virtualenv::normalize_name(s)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Str(String),
    Word(String),
    Op(String),
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' => i += 1,
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'\'' | b'"' => {
                let end = s[i + 1..].find(c as char)? + i + 1;
                out.push(Tok::Str(s[i + 1..end].to_string()));
                i = end + 1;
            }
            b'<' | b'>' | b'=' | b'!' | b'~' => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| matches!(c, b'<' | b'>' | b'=' | b'!' | b'~'))
                    .count();
                let op = &s[i..i + len];
                if !matches!(op, "<" | "<=" | ">" | ">=" | "==" | "!=" | "~=" | "===") {
                    return None;
                }
                out.push(Tok::Op(op.to_string()));
                i += len;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
                    .count();
                out.push(Tok::Word(s[i..i + len].to_string()));
                i += len;
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser<'a> {
    tokens: &'a [Tok],
    at: usize,
    env: &'a Env,
}

/// One side of a comparison: a variable (with its value, `None` when unknown) or a literal.
enum Value {
    Var(String, Option<String>),
    Lit(String),
}

impl Parser<'_> {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Tok::Word(x)) if x == w)
    }

    /// `a or b`: true if any side is true, false if every side is false, else unknown. The
    /// outer `Option` is the parse (`None`: unreadable); the inner one is the value.
    fn or(&mut self) -> Option<Option<bool>> {
        let mut v = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            let r = self.and()?;
            v = match (v, r) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        }
        Some(v)
    }

    fn and(&mut self) -> Option<Option<bool>> {
        let mut v = self.atom()?;
        while self.peek_word("and") {
            self.at += 1;
            let r = self.atom()?;
            v = match (v, r) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
        }
        Some(v)
    }

    fn atom(&mut self) -> Option<Option<bool>> {
        if self.tokens.get(self.at) == Some(&Tok::Open) {
            self.at += 1;
            let v = self.or()?;
            if self.tokens.get(self.at) != Some(&Tok::Close) {
                return None;
            }
            self.at += 1;
            return Some(v);
        }
        let lhs = self.value()?;
        let op = match self.tokens.get(self.at)? {
            Tok::Op(o) => o.clone(),
            Tok::Word(w) if w == "in" => "in".to_string(),
            Tok::Word(w)
                if w == "not"
                    && matches!(self.tokens.get(self.at + 1), Some(Tok::Word(x)) if x == "in") =>
            {
                self.at += 1;
                "not in".to_string()
            }
            _ => return None,
        };
        self.at += 1;
        let rhs = self.value()?;
        Some(self.compare(lhs, &op, rhs))
    }

    fn value(&mut self) -> Option<Value> {
        let v = match self.tokens.get(self.at)? {
            Tok::Str(s) => Value::Lit(s.clone()),
            Tok::Word(w) if w == "extra" => Value::Var(w.clone(), None),
            Tok::Word(w) => Value::Var(w.clone(), self.env.values.get(w)?.clone()),
            _ => return None,
        };
        self.at += 1;
        Some(v)
    }

    fn compare(&self, lhs: Value, op: &str, rhs: Value) -> Option<bool> {
        // `extra == "x"`: is the extra asked for? (Only == and != make sense for it.)
        let extra = |v: &Value| matches!(v, Value::Var(n, _) if n == "extra");
        if extra(&lhs) || extra(&rhs) {
            let other = match (&lhs, &rhs) {
                (Value::Var(..), Value::Lit(s)) | (Value::Lit(s), Value::Var(..)) => s,
                _ => return None,
            };
            let asked = self.env.extras.contains(&normalize(other));
            return match op {
                "==" => Some(asked),
                "!=" => Some(!asked),
                _ => None,
            };
        }
        let get = |v: Value| match v {
            Value::Var(_, val) => val,
            Value::Lit(s) => Some(s),
        };
        let (l, r) = (get(lhs)?, get(rhs)?);
        Some(match op {
            "in" => r.contains(l.as_str()),
            "not in" => !r.contains(l.as_str()),
            "===" => l == r,
            _ => match version_compare(&l, op, &r) {
                Some(b) => b,
                None => match op {
                    "==" => l == r,
                    "!=" => l != r,
                    "<" => l < r,
                    "<=" => l <= r,
                    ">" => l > r,
                    ">=" => l >= r,
                    _ => return None,
                },
            },
        })
    }
}

/// `l op r` as PEP 440 versions, when `op r` is a valid specifier and `l` a valid version.
fn version_compare(l: &str, op: &str, r: &str) -> Option<bool> {
    let spec = pep440_rs::VersionSpecifier::from_str(&format!("{op}{r}")).ok()?;
    let v = pep440_rs::Version::from_str(l).ok()?;
    Some(spec.contains(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(unknown: &[&str], extras: &[&str]) -> Env {
        let values: BTreeMap<String, String> = [
            ("python_version", "3.11"),
            ("python_full_version", "3.11.2"),
            ("os_name", "posix"),
            ("sys_platform", "linux"),
            ("platform_system", "Linux"),
            ("platform_machine", "x86_64"),
            ("platform_release", "6.1.0"),
            ("platform_python_implementation", "CPython"),
            ("implementation_name", "cpython"),
            ("implementation_version", "3.11.2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let extras: Vec<String> = extras.iter().map(|s| s.to_string()).collect();
        Env::new(&values, unknown, &extras)
    }

    #[test]
    fn versions_compare_as_pep_440() {
        let e = env(&[], &[]);
        assert_eq!(e.evaluate(r#"python_version < "3.10""#), Some(false));
        // 3.9 < 3.11 as versions, though "3.11" < "3.9" as strings.
        assert_eq!(e.evaluate(r#"python_version > "3.9""#), Some(true));
        assert_eq!(
            e.evaluate(r#"python_version >= '3.8' and python_version < '4'"#),
            Some(true)
        );
        assert_eq!(e.evaluate(r#"python_full_version == "3.11.*""#), Some(true));
        assert_eq!(e.evaluate(r#"python_version ~= "3.9""#), Some(true));
        assert_eq!(e.evaluate(r#""3.12" > python_version"#), Some(true));
    }

    #[test]
    fn strings_and_membership() {
        let e = env(&[], &[]);
        assert_eq!(e.evaluate(r#"sys_platform == "win32""#), Some(false));
        assert_eq!(e.evaluate(r#"sys_platform != "win32""#), Some(true));
        assert_eq!(
            e.evaluate(r#"platform_system in "Linux Darwin""#),
            Some(true)
        );
        assert_eq!(e.evaluate(r#"os_name not in "nt""#), Some(true));
        assert_eq!(
            e.evaluate(r#"(sys_platform == "win32" or os_name == "posix") and implementation_name == "cpython""#),
            Some(true)
        );
        assert_eq!(
            e.evaluate(r#"platform_python_implementation == 'PyPy'"#),
            Some(false)
        );
    }

    #[test]
    fn extras_are_false_unless_asked_for() {
        let e = env(&[], &[]);
        assert_eq!(e.evaluate(r#"extra == "socks""#), Some(false));
        assert_eq!(
            e.evaluate(r#"python_version < "3.8" or extra == 'socks'"#),
            Some(false)
        );
        let e = env(&[], &["SOCKS"]);
        assert_eq!(e.evaluate(r#"extra == "socks""#), Some(true));
        assert_eq!(e.evaluate(r#""socks" == extra"#), Some(true));
    }

    #[test]
    fn unknowable_variables_and_bad_text_are_undecided() {
        let e = env(&["platform_machine", "platform_release"], &[]);
        assert_eq!(e.evaluate(r#"platform_machine == "x86_64""#), None);
        assert_eq!(e.evaluate(r#"platform_release >= "5""#), None);
        // Decided whatever the unknown side says.
        assert_eq!(
            e.evaluate(r#"platform_machine == "x86_64" and sys_platform == "win32""#),
            Some(false)
        );
        assert_eq!(
            e.evaluate(r#"platform_machine == "x86_64" or sys_platform == "linux""#),
            Some(true)
        );
        for bad in [
            r#"python_version <"#,
            r#"nonsense == "1""#,
            r#"python_version << "3""#,
            r#"(python_version == "3.11""#,
            r#"python_version == "3.11" extra"#,
            r#"python_version == "3.11"#,
        ] {
            assert_eq!(e.evaluate(bad), None, "{bad}");
        }
    }
}
