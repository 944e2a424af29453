//! What the options alone can be refused for, checked before any work (before pip runs for
//! `-s virtualenv`) and reported together, and errors about a value named where the value came
//! from: the flag when it was typed, the `pkgr.toml` key and its line when it was read.
//!
//! The fields the source will fill in (a virtualenv's name and version) are not known yet;
//! the preview package holds valid placeholders there, so only what the user gave is judged.
//! Each format judges the preview with its own [`Format::validate`], the same check the real
//! package gets after the source has been read.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{assemble, scratch_dir, Plan};
use crate::format::{Format, FormatError, FormatKind};
use crate::listener::Listener;
use crate::model::{Package, Phase, Service};
use crate::options::Options;
use crate::relation::Relation;
use crate::source::Excludes;
use crate::Error;

/// What the checks before any work produced, for [`super::run`] to use.
pub struct Checked {
    /// Each format with its writer and options, in `-t` order.
    pub writers: Vec<(FormatKind, Box<dyn Format>, Options)>,
    /// Where scratch files go.
    pub scratch: PathBuf,
    /// `--threads`.
    pub threads: u32,
    /// The user's maintainer scripts.
    pub user_scripts: std::collections::BTreeMap<Phase, String>,
    /// `--systemd-unit` and the service account.
    pub service: Service,
    /// `-d` and the other relations.
    pub relations: [Option<Vec<Relation>>; 6],
    /// `-x`.
    pub excludes: Excludes,
}

/// Keeps the value of `r`, or its error (named by [`located`]) in `problems`.
fn keep<T>(
    plan: &Plan,
    kind: Option<FormatKind>,
    problems: &mut Vec<Error>,
    r: Result<T, impl Into<Error>>,
) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(located(plan, e.into(), kind));
            None
        }
    }
}

/// Checks every option that can be checked before the source is read and returns what they
/// resolve to.
///
/// # Errors
/// [`Error::Many`] (or the one [`Error`]) with every problem found, in the order the checks
/// ran; each format's problems start with its name when there are several formats.
pub fn check(plan: &Plan, listener: &dyn Listener) -> Result<Checked, Error> {
    let o = &plan.options;
    let kinds = plan.formats()?;
    let mut problems = Vec::new();
    let p = &mut problems;
    let mut writers = Vec::new();
    for &kind in &kinds {
        let fo = plan.for_format(kind);
        if let Some(w) = keep(plan, Some(kind), p, kind.build(&fo)) {
            writers.push((kind, w, fo));
        }
    }
    let several = kinds.len() > 1;
    let scratch = keep(plan, None, p, scratch_dir(o.run.workdir.as_deref()));
    let threads = keep(plan, None, p, o.run.threads());
    let user_scripts = keep(plan, None, p, assemble::user_scripts(&o.scripts));
    let service = keep(plan, None, p, assemble::service(&o.service));
    let relations = keep(plan, None, p, assemble::relations(&o.relations));
    let excludes = keep(plan, None, p, excludes(o));
    for (kind, _, fo) in &writers {
        // Each format's scripts and template values (a `[rpm]` section may give its own).
        let checked = super::template::values(&fo.scripts).and_then(|keys| match keys {
            Some(keys) => super::template::check(&assemble::user_scripts(&fo.scripts)?, &keys),
            None => Ok(()),
        });
        keep(plan, Some(*kind), p, checked);
    }
    for (kind, writer, fo) in &writers {
        let found = preview_problems(plan, *kind, writer.as_ref(), fo, listener);
        p.extend(found.into_iter().map(|e| match e {
            e @ Error::Format(_) if several => Error::Usage(format!("{}: {e}", kind.name())),
            e => e,
        }));
    }
    // One problem once: the same `-d` refused by the top level and by each format's preview.
    let mut seen = BTreeSet::new();
    problems.retain(|e| seen.insert(e.to_string()));
    match (
        problems.len(),
        scratch,
        threads,
        user_scripts,
        service,
        relations,
        excludes,
    ) {
        (
            0,
            Some(scratch),
            Some(threads),
            Some(user_scripts),
            Some(service),
            Some(relations),
            Some(excludes),
        ) => Ok(Checked {
            writers,
            scratch,
            threads,
            user_scripts,
            service,
            relations,
            excludes,
        }),
        (1, ..) => Err(problems.remove(0)),
        _ => Err(Error::Many(problems)),
    }
}

/// `-x/--exclude` and the lines of `--exclude-file`, compiled.
fn excludes(o: &Options) -> Result<Excludes, Error> {
    let mut patterns = o.contents.exclude.clone().unwrap_or_default();
    if let Some(f) = &o.contents.exclude_file {
        patterns.extend(list_file("--exclude-file", f)?);
    }
    Ok(Excludes::new(&patterns)?)
}

/// The lines of a list file (`--inputs`, `--exclude-file`): trimmed, blank ones left out.
///
/// # Errors
/// [`Error::Usage`] naming `flag` and the file when it cannot be read.
pub fn list_file(flag: &str, path: &std::path::Path) -> Result<Vec<String>, Error> {
    let text = crate::hostfs::read_regular_text(path)
        .map_err(|e| Error::Usage(format!("{flag} '{}': cannot read it: {e}", path.display())))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// The problems `writer` finds with the package the options describe (without the source's
/// files and with placeholders for what the source will say).
fn preview_problems(
    plan: &Plan,
    kind: FormatKind,
    writer: &dyn Format,
    fo: &Options,
    listener: &dyn Listener,
) -> Vec<Error> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let mut pkg = Package::default();
    pkg.meta.name = "pkgr-preview".into();
    pkg.meta.version = "1.0".into();
    keep(
        plan,
        Some(kind),
        p,
        assemble::apply_metadata(&mut pkg, &fo.meta),
    );
    if fo.meta.name.is_some() {
        assemble::add_name_suffix(&mut pkg, &fo.meta);
    }
    assemble::metadata_defaults(&mut pkg, false, listener);
    if let Ok(r) = assemble::relations(&fo.relations) {
        assemble::merge_relations(&mut pkg, r);
    }
    if let Ok(s) = assemble::user_scripts(&fo.scripts) {
        pkg.scripts.user = s;
    }
    if let Err(e) = writer.validate(&pkg) {
        let all = match e {
            FormatError::Many(v) => v,
            e => vec![e],
        };
        p.extend(
            all.into_iter()
                .map(|e| located(plan, Error::Format(e), Some(kind))),
        );
    }
    problems
}

/// Names a refused value where it came from: an error about `--version` whose value the
/// `pkgr.toml` gave (and the command line did not) says `pkgr.toml 'version' at line 3`
/// instead of the flag. Other errors are returned as they are.
pub fn located(plan: &Plan, e: Error, kind: Option<FormatKind>) -> Error {
    let Some(recipe) = &plan.recipe else {
        return e;
    };
    let rename = |field: &str| -> Option<String> {
        let long = long_flag(field)?;
        if given_on_command_line(&plan.cli, &long) {
            return None;
        }
        let origin = recipe.origin(&long, kind)?;
        Some(match (field.find('('), field.rfind(')')) {
            (Some(a), Some(b)) if a < b => format!("{}({origin}){}", &field[..a], &field[b + 1..]),
            _ => origin,
        })
    };
    match e {
        Error::Format(FormatError::Invalid { field, message }) => {
            let field = rename(&field).unwrap_or(field);
            Error::Format(FormatError::Invalid { field, message })
        }
        Error::Format(FormatError::Many(v)) => Error::Many(
            v.into_iter()
                .map(|e| located(plan, Error::Format(e), kind))
                .collect(),
        ),
        Error::Option(mut o) => {
            if let Some(f) = rename(&o.flag) {
                o.flag = f;
            }
            Error::Option(o)
        }
        e => e,
    }
}

/// The long flag a field names: `version` for `Version (-v/--version)`, `threads` for
/// `--threads`.
fn long_flag(field: &str) -> Option<String> {
    let at = field.find("--")?;
    let flag: String = field[at + 2..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!flag.is_empty()).then_some(flag)
}

/// Did the command line give the option whose long flag is `long`?
fn given_on_command_line(cli: &Options, long: &str) -> bool {
    serde_json::to_value(cli)
        .ok()
        .and_then(|v| v.get(long).map(|x| !x.is_null()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_flags_are_read_from_field_names() {
        assert_eq!(
            long_flag("Version (-v/--version)").as_deref(),
            Some("version")
        );
        assert_eq!(long_flag("--threads").as_deref(), Some("threads"));
        assert_eq!(
            long_flag("Priority (--deb-priority)").as_deref(),
            Some("deb-priority")
        );
        assert_eq!(long_flag("file name"), None);
    }
}
