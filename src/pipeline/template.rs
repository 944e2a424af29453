//! fpm's `--template-scripts`: maintainer scripts with ERB tags, rendered per format.
//!
//! pkgr implements the subset real scripts use, never Ruby: `<%= NAME %>` (also `<%= @NAME %>`
//! and `<%== NAME %>`) is replaced by a value, `<%%` is a literal `<%`, and `<%# ... %>` is a
//! comment. The values are the package's `name`, `version`, `iteration` (empty when none
//! was given), `epoch` (likewise), `architecture` (as the format names it: `amd64` for the
//! deb, `x86_64` for the rpm), `prefix` (`--prefix`, or the venv's install location, or `/`),
//! `maintainer`, `vendor`, `url`, `license`, `description` and `category`, and every
//! `--template-value KEY=VALUE` (which wins over them). Any other tag, a Ruby statement
//! (`<% if ... %>`) or an unknown name is an error naming the script and the tag: a script
//! that silently lost a line would run wrongly as root on every machine.

use std::collections::BTreeMap;

use crate::model::{Package, Phase};
use crate::options::package::ScriptArgs;
use crate::Error;

/// The names a template may use besides the `--template-value` keys.
pub const BUILTIN: [&str; 12] = [
    "name",
    "version",
    "iteration",
    "epoch",
    "architecture",
    "prefix",
    "maintainer",
    "vendor",
    "url",
    "license",
    "description",
    "category",
];

/// One piece of a parsed template.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    /// Text copied as it is.
    Text(&'a str),
    /// A value by name.
    Value(&'a str),
}

/// `--template-scripts` (or any `--template-value`, which implies it) and the values.
///
/// # Errors
/// [`Error::Usage`] for a `--template-value` without `=` or with a name that is no identifier.
pub fn values(args: &ScriptArgs) -> Result<Option<BTreeMap<String, String>>, Error> {
    let given = args.template_value.as_deref().unwrap_or_default();
    if args.template_scripts != Some(true) && given.is_empty() {
        return Ok(None);
    }
    let mut out = BTreeMap::new();
    for kv in given {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(Error::Usage(format!(
                "--template-value '{kv}': give KEY=VALUE"
            )));
        };
        if !is_identifier(k) {
            return Err(Error::Usage(format!(
                "--template-value '{kv}': '{k}' is not a name a template can use (letters, digits and '_', not starting with a digit)"
            )));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(Some(out))
}

fn is_identifier(k: &str) -> bool {
    k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `text` into pieces.
fn parse(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("<%") {
        out.push(Piece::Text(&rest[..at]));
        let after = &rest[at + 2..];
        if let Some(lit) = after.strip_prefix('%') {
            out.push(Piece::Text("<%"));
            rest = lit;
            continue;
        }
        let Some(end) = after.find("%>") else {
            return Err(format!("'<%' at byte {at} is never closed with '%>'"));
        };
        let inner = &after[..end];
        // `-%>` trims the newline after the tag, as ERB's trim mode does.
        let (inner, trim) = match inner.strip_suffix('-') {
            Some(i) => (i, true),
            None => (inner, false),
        };
        rest = &after[end + 2..];
        if trim {
            rest = rest.strip_prefix('\n').unwrap_or(rest);
        }
        if inner.starts_with('#') {
            continue;
        }
        let Some(expr) = inner.strip_prefix("==").or_else(|| inner.strip_prefix('=')) else {
            return Err(format!(
                "'<%{inner}%>' is Ruby code; pkgr renders only <%= NAME %> tags (use the scripts' own shell for logic)"
            ));
        };
        let name = expr.trim();
        let name = name.strip_prefix('@').unwrap_or(name);
        if !is_identifier(name) {
            return Err(format!(
                "'<%{inner}%>' is a Ruby expression; pkgr renders only <%= NAME %> tags"
            ));
        }
        out.push(Piece::Value(name));
    }
    out.push(Piece::Text(rest));
    Ok(out)
}

/// Checks every user script of `pkg` before any work: each tag parses, and names a built-in
/// value or a `--template-value` key.
///
/// # Errors
/// [`Error::Usage`] naming the script's flag and the tag.
pub fn check(
    scripts: &BTreeMap<Phase, String>,
    keys: &BTreeMap<String, String>,
) -> Result<(), Error> {
    for (phase, text) in scripts {
        for piece in parse(text).map_err(|why| bad(*phase, &why))? {
            if let Piece::Value(name) = piece {
                if !BUILTIN.contains(&name) && !keys.contains_key(name) {
                    return Err(unknown(*phase, name));
                }
            }
        }
    }
    Ok(())
}

fn unknown(phase: Phase, name: &str) -> Error {
    bad(
        phase,
        &format!(
            "'<%= {name} %>' is not a value pkgr knows: use one of {} or give --template-value {name}=VALUE",
            BUILTIN.join(", ")
        ),
    )
}

fn bad(phase: Phase, why: &str) -> Error {
    Error::Usage(format!("{} (--template-scripts): {why}", phase.flag()))
}

/// Renders the user scripts of `pkg` in place, with `architecture` as the format names it and
/// `prefix` as the install prefix.
///
/// # Errors
/// [`Error::Usage`] as [`check`] (one parse: the tags are checked as they are rendered).
pub fn render(
    pkg: &mut Package,
    keys: &BTreeMap<String, String>,
    architecture: &str,
    prefix: &str,
) -> Result<(), Error> {
    let m = &pkg.meta;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let builtin: BTreeMap<&str, String> = [
        ("name", m.name.clone()),
        ("version", m.version.clone()),
        ("iteration", opt(&m.iteration)),
        ("epoch", m.epoch.map(|e| e.to_string()).unwrap_or_default()),
        ("architecture", architecture.to_string()),
        ("prefix", prefix.to_string()),
        ("maintainer", m.maintainer.clone()),
        ("vendor", opt(&m.vendor)),
        ("url", opt(&m.url)),
        ("license", opt(&m.license)),
        ("description", m.description.clone()),
        ("category", opt(&m.category)),
    ]
    .into_iter()
    .collect();
    let mut rendered = BTreeMap::new();
    for (phase, text) in &pkg.scripts.user {
        let mut out = String::with_capacity(text.len());
        for piece in parse(text).map_err(|why| bad(*phase, &why))? {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(name) => {
                    let v = keys
                        .get(name)
                        .or_else(|| builtin.get(name))
                        .ok_or_else(|| unknown(*phase, name))?;
                    out.push_str(v);
                }
            }
        }
        rendered.insert(*phase, out);
    }
    pkg.scripts.user = rendered;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_erb_subset() {
        assert_eq!(
            parse("a <%= name %> b <%=@version%>c<%% d <%# note %>e").unwrap(),
            vec![
                Piece::Text("a "),
                Piece::Value("name"),
                Piece::Text(" b "),
                Piece::Value("version"),
                Piece::Text("c"),
                Piece::Text("<%"),
                Piece::Text(" d "),
                Piece::Text("e"),
            ]
        );
        assert!(parse("<% if x %>").unwrap_err().contains("Ruby code"));
        assert!(parse("<%= name.upcase %>")
            .unwrap_err()
            .contains("Ruby expression"));
        assert!(parse("x <%= name").unwrap_err().contains("never closed"));
        assert_eq!(
            parse("<%= name -%>\nx").unwrap(),
            vec![Piece::Text(""), Piece::Value("name"), Piece::Text("x")]
        );
    }

    #[test]
    fn unknown_names_and_bad_values_are_refused() {
        let mut s = BTreeMap::new();
        s.insert(
            Phase::AfterInstall,
            "#!/bin/sh\necho <%= port %>\n".to_string(),
        );
        let e = check(&s, &BTreeMap::new()).unwrap_err().to_string();
        assert!(e.contains("--after-install") && e.contains("port"), "{e}");
        let keys = BTreeMap::from([("port".to_string(), "8080".to_string())]);
        assert!(check(&s, &keys).is_ok());
        let args = ScriptArgs {
            template_value: Some(vec!["no-equals".into()]),
            ..ScriptArgs::default()
        };
        assert!(values(&args).is_err());
        let args = ScriptArgs {
            template_value: Some(vec!["a-b=1".into()]),
            ..ScriptArgs::default()
        };
        assert!(values(&args).is_err());
        assert_eq!(values(&ScriptArgs::default()).unwrap(), None);
    }
}
