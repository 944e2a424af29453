//! What the PATH of `-s virtualenv` is: pkgr's application directory or existing venv, or
//! one of fpm's two forms (read from fpm's `lib/fpm/package/virtualenv.rb`):
//!
//! - a **requirements file** (`requirements.txt`, or `requirements-prod.txt` and the like:
//!   `requirements*.txt`; fpm takes only `requirements.txt`): the requirements
//!   are installed with `pip install -r` and nothing else (unless
//!   `--virtualenv-setup-install`, which installs the file's directory as the application);
//! - a **package spec**, a PEP 508 requirement without a path (`httpie`, `httpie==3.2.3`,
//!   `black[d]>=24`): that distribution from the index is the application.
//!
//! For both, fpm's naming applies unless `-n` is given: `virtualenv-BASE` (BASE normalized as
//! PEP 503 names are, lowercase with `-`: `PyYAML` → `virtualenv-pyyaml`)
//! (`--virtualenv-package-name-prefix`, off with `--virtualenv-fix-name=false`), BASE being the
//! spec's name or the requirements file's directory's name; and `--virtualenv-install-location
//! DIR` installs the venv at `DIR/BASE`.

use std::path::{Path, PathBuf};

use super::super::SourceError;

/// The PATH, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppInput {
    /// An application directory or an existing venv (pkgr's own forms).
    Dir(PathBuf),
    /// fpm's requirements file.
    Requirements {
        /// The file.
        file: PathBuf,
        /// Its directory.
        dir: PathBuf,
        /// The directory's name (fpm's base name).
        base: String,
    },
    /// fpm's package spec.
    Spec {
        /// The requirement as given.
        spec: String,
        /// Its distribution name (fpm's base name).
        base: String,
    },
}

impl AppInput {
    /// fpm's base name for the naming and install-location rules; `None` for pkgr's forms.
    pub fn base(&self) -> Option<&str> {
        match self {
            AppInput::Dir(_) => None,
            AppInput::Requirements { base, .. } | AppInput::Spec { base, .. } => Some(base),
        }
    }
}

/// The distribution name at the start of a requirement (`black[d]>=24` → `black`).
pub fn spec_name(spec: &str) -> &str {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(spec.len());
    &spec[..end]
}

/// Is `s` a PEP 508 requirement pip can take from an index: a name (letters, digits, `._-`,
/// starting and ending alphanumeric), optional `[extras]`, optional version specifiers, and
/// nothing that makes it a path or URL?
fn is_spec(s: &str) -> bool {
    let name = spec_name(s);
    let valid_name = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    let rest = s[name.len()..].trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(r) => match r.split_once(']') {
            Some((extras, after))
                if extras.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '_' | '-' | ' ')
                }) =>
            {
                after.trim_start()
            }
            _ => return false,
        },
        None => rest,
    };
    let specifiers_ok = rest.is_empty()
        || (rest.starts_with(['=', '<', '>', '~', '!'])
            && rest.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, '=' | '<' | '>' | '~' | '!' | '.' | ',' | '*' | '+' | ' ')
            }));
    valid_name && specifiers_ok && !s.contains('/')
}

/// Classifies the PATH (`recipe_dir`: a pkgr.toml's directory, which relative paths start
/// from).
///
/// # Errors
/// [`SourceError::Missing`] for a path that does not exist and is no package spec.
pub fn classify(path: &str, recipe_dir: Option<&Path>) -> Result<AppInput, SourceError> {
    let p = match recipe_dir {
        Some(d) => d.join(path),
        None => PathBuf::from(path),
    };
    let requirements_name = p
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("requirements") && n.ends_with(".txt"));
    if p.is_file() && requirements_name {
        let file = std::path::absolute(&p).map_err(|e| SourceError::Io {
            path: p.clone(),
            source: e,
        })?;
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let base = super::normalize_name(dir.file_name().and_then(|n| n.to_str()).unwrap_or("app"));
        return Ok(AppInput::Requirements { file, dir, base });
    }
    if p.exists() || p.symlink_metadata().is_ok() {
        return Ok(AppInput::Dir(p));
    }
    if recipe_dir.is_none() && is_spec(path) {
        return Ok(AppInput::Spec {
            spec: path.to_string(),
            base: super::normalize_name(spec_name(path)),
        });
    }
    Err(SourceError::Missing(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_specs_are_told_from_paths() {
        for s in [
            "httpie",
            "httpie==3.2.3",
            "black[d]>=24,<25",
            "zope.interface~=6.0",
            "a",
        ] {
            assert!(is_spec(s), "{s}");
        }
        for s in [
            "./app",
            "/nonexistent",
            "app/",
            "-x",
            "pkg==1;rm",
            "x y",
            ".hidden",
            "a_",
        ] {
            assert!(!is_spec(s), "{s}");
        }
        assert_eq!(spec_name("black[d]>=24"), "black");
        let got = classify("httpie==3.2.3", None).unwrap();
        assert_eq!(got.base(), Some("httpie"));
        // fpm lowercases the deb's name; PEP 503 normalizes it the same way.
        let got = classify("PyYAML>=6", None).unwrap();
        assert_eq!(got.base(), Some("pyyaml"));
        assert!(matches!(
            classify("/nonexistent/dir", None),
            Err(SourceError::Missing(_))
        ));
    }
}
