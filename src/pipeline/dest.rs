//! Where each format's artifact goes: `-p/--package` as a file, a directory or a template.

use std::path::{Path, PathBuf};

use crate::format::{self, Format};
use crate::model::Package;
use crate::Error;

/// The tokens a `-p` template may hold, each replaced by the format's value.
/// `FULLVERSION` (the format's `version[-iteration]`, without the epoch), `EPOCH` and `TYPE`
/// (`deb`, `rpm`, `tar`) are fpm's.
pub const TOKENS: [&str; 8] = [
    "EXTENSION",
    "ITERATION",
    "FULLVERSION",
    "VERSION",
    "EPOCH",
    "NAME",
    "ARCH",
    "TYPE",
];

/// Where a format's artifact goes: `-p` as a directory (ends in `/`, created if missing, or an
/// existing directory), as a template with `NAME`, `VERSION`, `ITERATION`, `ARCH`,
/// `EXTENSION` and fpm's `FULLVERSION`, `EPOCH` and `TYPE`, or as one file (only when one format is built); without `-p`, the format's
/// conventional file name in the current directory.
///
/// # Errors
/// [`Error::Usage`] for a file name that would not be a single component, a `-p` naming one
/// file for several formats, a directory that cannot be created, a template value that is not
/// a safe file-name part.
pub fn output_path(
    package: Option<&Path>,
    f: &dyn Format,
    pkg: &Package,
    n_formats: usize,
) -> Result<PathBuf, Error> {
    let conventional = f.file_name(pkg);
    // Built from fields each format validated; proved here to be one file name all the same.
    if conventional.contains('/') || conventional.starts_with('.') {
        return Err(Error::Usage(format!(
            "the {} file name '{}' would not be a single file name",
            f.name(),
            conventional.escape_debug()
        )));
    }
    let Some(p) = package else {
        return Ok(PathBuf::from(conventional));
    };
    let text = p.to_string_lossy();
    if text.ends_with('/') || p.is_dir() {
        // A directory named with a trailing '/' is created, as `mkdir -p` would.
        std::fs::create_dir_all(p).map_err(|e| {
            Error::Usage(format!(
                "-p '{}': cannot create the directory: {e}",
                p.display()
            ))
        })?;
        return Ok(p.join(conventional));
    }
    let arch = f.architecture(pkg);
    let full = f.full_version(pkg);
    let full = match full.split_once(':') {
        Some((e, rest)) if e.bytes().all(|b| b.is_ascii_digit()) => rest.to_string(),
        _ => full,
    };
    let epoch = pkg.meta.epoch.map(|e| e.to_string()).unwrap_or_default();
    let tokens: [(&str, &str); 8] = [
        ("EXTENSION", f.extension()),
        ("ITERATION", pkg.meta.iteration.as_deref().unwrap_or("")),
        ("FULLVERSION", &full),
        ("VERSION", &pkg.meta.version),
        ("EPOCH", &epoch),
        ("NAME", &pkg.meta.name),
        ("ARCH", &arch),
        ("TYPE", f.name()),
    ];
    if TOKENS.iter().any(|k| text.contains(k)) {
        let Some(template) = p.to_str() else {
            return Err(Error::Usage(format!(
                "-p '{}': a template must be valid UTF-8",
                p.display()
            )));
        };
        return fill_template(template, &tokens).map(PathBuf::from);
    }
    if n_formats > 1 {
        return Err(Error::Usage(format!(
            "-p '{}' names one file but {n_formats} formats were asked for; use a directory ending in '/' or a template with EXTENSION",
            p.display()
        )));
    }
    Ok(p.to_path_buf())
}

/// Fills a `-p` template in one pass (a value is never searched for tokens itself). Each value
/// must be one safe file-name component ([`format::common::check_file_name_part`]; `ITERATION`
/// may be empty), so the result stays in the directories the template names: no value can add
/// a `/`, a `..` or a control character to the path.
fn fill_template(template: &str, tokens: &[(&str, &str)]) -> Result<String, Error> {
    let mut out = String::new();
    let mut rest = template;
    'outer: while !rest.is_empty() {
        for (k, v) in tokens {
            if let Some(after) = rest.strip_prefix(k) {
                if !(v.is_empty() && matches!(*k, "ITERATION" | "EPOCH")) {
                    format::common::check_file_name_part(&format!("-p template {k}"), v)?;
                }
                out.push_str(v);
                rest = after;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}
