//! What `-s python` takes: one SPEC, which is a local project, a wheel or source archive, or a
//! requirement for pip to fetch.

use std::path::{Path, PathBuf};

use super::PythonSourceError;

/// The one thing to package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A project directory (with `setup.py` or `pyproject.toml`), built into a wheel by pip.
    Project(PathBuf),
    /// A source archive (`.tar.gz`, `.tgz`, `.zip`), built into a wheel by pip.
    Archive(PathBuf),
    /// A wheel, installed as it is.
    Wheel(PathBuf),
    /// A requirement (`PyYAML`, `requests==2.31.0`, `requests[socks]>=2`) that pip fetches from
    /// the index, with the extras it names.
    Requirement {
        /// As given.
        text: String,
        /// The extras in brackets: their requirements become dependencies too.
        extras: Vec<String>,
    },
}

impl Spec {
    /// Reads `spec`: an existing path (relative to `base` when given) is a project, an archive
    /// or a wheel; anything else must be one PEP 508 requirement without a marker or URL.
    ///
    /// # Errors
    /// [`PythonSourceError::Spec`] or [`PythonSourceError::NotAProject`] naming the value, or
    /// [`PythonSourceError::Missing`] for a path that does not exist.
    pub fn parse(spec: &str, base: Option<&Path>) -> Result<Self, PythonSourceError> {
        let bad = |why: &str| PythonSourceError::Spec {
            spec: spec.to_string(),
            why: why.to_string(),
        };
        if spec.trim().is_empty() {
            return Err(bad("it is empty"));
        }
        let path = match base {
            Some(b) if Path::new(spec).is_relative() => b.join(spec),
            _ => PathBuf::from(spec),
        };
        if let Ok(meta) = std::fs::metadata(&path) {
            let path = std::path::absolute(&path).unwrap_or(path);
            if meta.is_dir() {
                let has = |f: &str| path.join(f).is_file();
                if !(has("setup.py") || has("pyproject.toml")) {
                    return Err(PythonSourceError::NotAProject(path));
                }
                return Ok(Spec::Project(path));
            }
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if name == "setup.py" || name == "pyproject.toml" {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                return Ok(Spec::Project(dir));
            }
            if name.ends_with(".whl") {
                return Ok(Spec::Wheel(path));
            }
            if [".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz"]
                .iter()
                .any(|s| name.ends_with(s))
            {
                return Ok(Spec::Archive(path));
            }
            return Err(bad(
                "it is a file, but neither a wheel (.whl) nor a source archive (.tar.gz, .zip), nor a setup.py or pyproject.toml",
            ));
        }
        if spec.starts_with('-') {
            return Err(bad("it starts with '-'; pass pip's options with --pip-arg"));
        }
        if (spec.contains('/') && !spec.contains("://"))
            || spec.starts_with('.')
            || spec.starts_with('~')
        {
            return Err(PythonSourceError::Missing(path));
        }
        let req = super::requires::parse(spec).ok_or_else(|| {
            bad("it is neither an existing path nor a requirement (NAME, NAME==VERSION, NAME>=VERSION, NAME[EXTRA])")
        })?;
        if req.marker.is_some() || spec.contains(';') {
            return Err(bad(
                "a requirement to package takes no environment marker (';')",
            ));
        }
        if req.url.is_some() {
            return Err(bad(
                "a direct URL is not supported; download it and give the file's path",
            ));
        }
        if !req.specifiers.is_empty() {
            req.specifiers
                .parse::<pep440_rs::VersionSpecifiers>()
                .map_err(|e| bad(&format!("its version specifiers cannot be read: {e}")))?;
        }
        Ok(Spec::Requirement {
            text: spec.trim().to_string(),
            extras: req.extras,
        })
    }

    /// The directory or file pip reads, or the requirement, as pip's argument.
    pub fn pip_argument(&self) -> std::ffi::OsString {
        match self {
            Spec::Project(p) | Spec::Archive(p) | Spec::Wheel(p) => p.clone().into_os_string(),
            Spec::Requirement { text, .. } => text.into(),
        }
    }

    /// The extras asked for.
    pub fn extras(&self) -> &[String] {
        match self {
            Spec::Requirement { extras, .. } => extras,
            _ => &[],
        }
    }

    /// Where it comes from, for the description: `PyPI` (the package index) or the path.
    pub fn origin(&self) -> String {
        match self {
            Spec::Requirement { .. } => "the package index".into(),
            Spec::Project(p) | Spec::Archive(p) | Spec::Wheel(p) => format!("{}", p.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_and_paths() {
        let d = tempfile::tempdir().unwrap();
        let proj = d.path().join("proj");
        std::fs::create_dir_all(&proj).unwrap();
        std::fs::write(proj.join("pyproject.toml"), "").unwrap();
        std::fs::write(d.path().join("x-1.0-py3-none-any.whl"), "").unwrap();
        std::fs::write(d.path().join("x-1.0.tar.gz"), "").unwrap();
        std::fs::write(d.path().join("notes.txt"), "").unwrap();
        std::fs::create_dir_all(d.path().join("empty")).unwrap();

        assert_eq!(
            Spec::parse("PyYAML", None).unwrap(),
            Spec::Requirement {
                text: "PyYAML".into(),
                extras: vec![]
            }
        );
        assert!(matches!(
            Spec::parse("requests[socks]==2.31.0", None).unwrap(),
            Spec::Requirement { extras, .. } if extras == ["socks"]
        ));
        assert_eq!(
            Spec::parse("proj", Some(d.path())).unwrap(),
            Spec::Project(proj.clone())
        );
        assert_eq!(
            Spec::parse(&proj.join("pyproject.toml").display().to_string(), None).unwrap(),
            Spec::Project(proj.clone())
        );
        assert!(matches!(
            Spec::parse("x-1.0-py3-none-any.whl", Some(d.path())).unwrap(),
            Spec::Wheel(_)
        ));
        assert!(matches!(
            Spec::parse("x-1.0.tar.gz", Some(d.path())).unwrap(),
            Spec::Archive(_)
        ));
        assert!(matches!(
            Spec::parse("empty", Some(d.path())),
            Err(PythonSourceError::NotAProject(_))
        ));
        assert!(matches!(
            Spec::parse("./nothere", None),
            Err(PythonSourceError::Missing(_))
        ));
        for bad in [
            "notes.txt",
            "--index-url=http://evil",
            "six; python_version < '3'",
            "pip @ https://example.org/pip.whl",
            "requests==",
            "two words",
            "",
        ] {
            let e = Spec::parse(bad, Some(d.path())).unwrap_err();
            assert!(matches!(e, PythonSourceError::Spec { .. }), "{bad}: {e}");
            assert!(e.to_string().contains(&format!("'{bad}'")), "{e}");
        }
    }
}
