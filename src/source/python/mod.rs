//! `-s python`: ONE Python distribution, from PyPI or a project directory, packaged for the
//! system's Python 3 as fpm's `-s python` packages it (never its dependencies, which become the
//! package's dependencies).
//!
//! SPEC is a requirement (`PyYAML`, `requests==2.31.0`, `requests[socks]`), a project directory
//! (with `setup.py` or `pyproject.toml`), a source archive or a wheel ([`spec`]). pkgr gets its
//! wheel with pip and installs it with pypa's installer for the final layout ([`wheel`]):
//! modules in `--python-install-lib` (default Debian's `/usr/lib/python3/dist-packages`),
//! console and GUI scripts in `--python-install-bin` (default `/usr/bin`) with
//! `#!--python-bin` (default `/usr/bin/python3`), `.data/data` below `/usr`. No byte-code is
//! shipped: the Python pass adds scripts that compile this package's modules after install and
//! remove that byte-code before removal ([`crate::transform::python`]).
//!
//! The package ([`package`]): the name from Debian's pydist table where it has one
//! (`PyYAML` → `python3-yaml`), else fpm's rule ([`naming`]); the version from the wheel's
//! `METADATA` ([`crate::version::from_pep440`]); summary, home page, license and maintainer as
//! `-s virtualenv` reads them; architecture `all` for a pure wheel without ELF files, the build
//! host's otherwise. Dependencies: each `Requires-Dist` that holds for the target (environment
//! markers evaluated for `--python-bin`, [`markers`]) on its package with its bounds translated
//! ([`requires`]), unless `--no-python-dependencies` or `--no-auto-depends`; then the
//! interpreter (each format names it, [`crate::model::PythonUse`]) and, for compiled modules, the
//! shared libraries (the ELF pass).

use std::path::{Path, PathBuf};

use super::{Input, Output, Source, SourceError};
use crate::error::ErrorKind;
use crate::model::PkgPath;
use crate::options::options;
use crate::source::pip::PipOptions;

pub mod markers;
pub mod naming;
mod package;
pub mod requires;
pub mod spec;
mod wheel;

/// The default `--python-install-lib`: Debian's directory for public Python 3 modules.
pub const DEFAULT_LIB: &str = "/usr/lib/python3/dist-packages";

/// The default `--python-install-bin`.
pub const DEFAULT_BIN: &str = "/usr/bin";

/// Options of `-s python` (fpm's names).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-s python")]
#[group(id = "python-options")]
pub struct Args {
    /// The interpreter the package is for (default /usr/bin/python3): it builds and installs the
    /// wheel, its markers decide the dependencies, and scripts name it in their shebang.
    #[arg(long, value_name = "FILE")]
    pub python_bin: Option<PathBuf>,

    /// The prefix of the package's name and of its Python dependencies' (default python3).
    /// Debian's own names (python3-yaml for PyYAML) are used only with python3.
    #[arg(long, value_name = "PREFIX")]
    pub python_package_name_prefix: Option<String>,

    /// Name packages PREFIX-NAME, a leading python- dropped (python-dateutil: python3-dateutil),
    /// or Debian's name (default true); false keeps the distribution's name, lowercased.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub python_fix_name: Option<bool>,

    /// Depend on the packages of the distribution's Requires-Dist (the default).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub python_dependencies: Option<bool>,

    /// Do not depend on the packages of the distribution's Requires-Dist.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_python_dependencies: Option<bool>,

    /// Where the modules are installed (default /usr/lib/python3/dist-packages, Debian's).
    #[arg(long, value_name = "DIR")]
    pub python_install_lib: Option<String>,

    /// Where the distribution's scripts are installed (default /usr/bin).
    #[arg(long, value_name = "DIR")]
    pub python_install_bin: Option<String>,
}

options!(Args {
    python_bin,
    python_package_name_prefix,
    python_fix_name,
    python_dependencies,
    no_python_dependencies,
    python_install_lib,
    python_install_bin,
});

/// The python source's options with their defaults applied ([`Args`] resolved and checked).
#[derive(Debug, Clone)]
pub struct PyOptions {
    /// `--python-bin`.
    pub python: PathBuf,
    /// `--python-package-name-prefix`.
    pub prefix: String,
    /// `--python-fix-name`.
    pub fix_name: bool,
    /// `--python-dependencies` (and not `--no-python-dependencies`).
    pub dependencies: bool,
    /// `--python-install-lib`.
    pub install_lib: PkgPath,
    /// `--python-install-bin`.
    pub install_bin: PkgPath,
    /// pip's options.
    pub pip: PipOptions,
    /// Where the staging directory is created.
    pub workdir: PathBuf,
}

impl PyOptions {
    /// `args` (and pip's) with their defaults, building in `workdir`.
    ///
    /// # Errors
    /// [`PythonSourceError::Option`] for a directory that is not a safe absolute path, and for
    /// `--python-dependencies` with `--no-python-dependencies`.
    pub fn resolve(
        args: &Args,
        pip: &crate::source::pip::Args,
        workdir: &Path,
    ) -> Result<Self, PythonSourceError> {
        let Args {
            python_bin,
            python_package_name_prefix,
            python_fix_name,
            python_dependencies,
            no_python_dependencies,
            python_install_lib,
            python_install_bin,
        } = args.clone();
        if python_dependencies == Some(true) && no_python_dependencies == Some(true) {
            return Err(PythonSourceError::Option {
                flag: "--python-dependencies",
                value: "true".into(),
                why: "--no-python-dependencies says the opposite; give one".into(),
            });
        }
        Ok(PyOptions {
            python: python_bin
                .unwrap_or_else(|| PathBuf::from(crate::source::virtualenv::DEFAULT_PYTHON)),
            prefix: python_package_name_prefix.unwrap_or_else(|| naming::DEBIAN_PREFIX.into()),
            fix_name: python_fix_name.unwrap_or(true),
            dependencies: python_dependencies != Some(false)
                && no_python_dependencies != Some(true),
            install_lib: install_dir(
                "--python-install-lib",
                python_install_lib.as_deref().unwrap_or(DEFAULT_LIB),
            )?,
            install_bin: install_dir(
                "--python-install-bin",
                python_install_bin.as_deref().unwrap_or(DEFAULT_BIN),
            )?,
            pip: PipOptions::resolve(pip),
            workdir: workdir.to_path_buf(),
        })
    }
}

/// An install directory: absolute, below the root, and of characters that are safe unquoted in
/// the maintainer scripts and in sed expressions (letters, digits and `/ . _ - + @`).
fn install_dir(flag: &'static str, raw: &str) -> Result<PkgPath, PythonSourceError> {
    let bad = |why: String| PythonSourceError::Option {
        flag,
        value: raw.escape_debug().to_string(),
        why,
    };
    if let Some(c) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@')))
    {
        return Err(bad(format!(
            "contains {c:?}; use letters, digits and / . _ - + @ (it is written into the maintainer scripts)"
        )));
    }
    if !raw.starts_with('/') {
        return Err(bad("must be an absolute path".into()));
    }
    let p = PkgPath::parse(raw).map_err(|e| bad(e.to_string()))?;
    if p.is_root() {
        return Err(bad("must be a directory below /".into()));
    }
    Ok(p)
}

/// Why `-s python` refused its input or failed.
#[derive(Debug, thiserror::Error)]
pub enum PythonSourceError {
    /// Not exactly one SPEC.
    #[error("-s python takes exactly one SPEC (a requirement such as PyYAML or 'requests==2.31.0', or a project directory), got {}: {}", .0.len(), .0.join(" "))]
    Paths(Vec<String>),
    /// A SPEC that is neither a usable path nor a requirement.
    #[error("SPEC '{spec}': {why}")]
    Spec {
        /// As given.
        spec: String,
        /// What is wrong, and what to give instead.
        why: String,
    },
    /// A SPEC that looks like a path, which does not exist.
    #[error("'{0}' does not exist")]
    Missing(PathBuf),
    /// A directory that is not a Python project.
    #[error("'{0}' has neither setup.py nor pyproject.toml; -s python takes a Python project directory, a wheel, a source archive or a requirement such as PyYAML")]
    NotAProject(PathBuf),
    /// pip found nothing for the requirement.
    #[error("pip found no distribution for SPEC '{spec}'; check the name and version (and --index-url, --find-links):\n{tail}")]
    NotFound {
        /// The requirement.
        spec: String,
        /// pip's last lines.
        tail: String,
    },
    /// An option's value is refused.
    #[error("{flag} '{value}': {why}")]
    Option {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// pip did not write exactly one wheel.
    #[error("pip wheel wrote {} wheels into {} where one was expected: {}", found.len(), dir.display(), found.join(", "))]
    Wheels {
        /// The wheel directory.
        dir: PathBuf,
        /// What it holds.
        found: Vec<String>,
    },
    /// The installed distribution's metadata cannot be read.
    #[error("cannot read the distribution's metadata {}: {why}", path.display())]
    Metadata {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
}

impl PythonSourceError {
    /// The user's input (exit 2), or a failed build (exit 1)?
    pub fn kind(&self) -> ErrorKind {
        match self {
            PythonSourceError::Wheels { .. } | PythonSourceError::Metadata { .. } => {
                ErrorKind::Build
            }
            _ => ErrorKind::Usage,
        }
    }
}

/// The python source.
pub struct Python;

impl Source for Python {
    /// Gets the wheel of the one SPEC, installs it into a staging root for the system layout
    /// and reads it into a package (see the module doc).
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        let o = input.options;
        let opts = PyOptions::resolve(&o.sources.python, &o.sources.pip, input.scratch)?;
        if let Some(p) = &o.contents.prefix {
            return Err(PythonSourceError::Option {
                flag: "--prefix",
                value: p.clone(),
                why: "-s python installs for the system's layout; use --python-install-lib and --python-install-bin".into(),
            }
            .into());
        }
        let [spec] = input.paths else {
            return Err(PythonSourceError::Paths(input.paths.to_vec()).into());
        };
        let spec = spec::Spec::parse(spec, input.recipe_dir)?;
        let installed = wheel::install(&spec, &opts, input.listener)?;
        let auto_depends = !crate::options::run::RunArgs::flag(o.run.no_auto_depends);
        let package = package::read(&installed, &spec, &opts, input, auto_depends)?;
        Ok(Output {
            package,
            staging: Some(installed.staging),
        })
    }
}
