//! `-s virtualenv`: a Python application built into a virtualenv, or an existing virtualenv.
//!
//! For an application directory (one with `pyproject.toml`, `setup.py` or `requirements.txt`)
//! pkgr creates a venv with `--python` (`python -m venv`) in a scratch staging directory,
//! installs the requirements and then the application itself (non-editable) with
//! `STAGING/bin/python -m pip` (never `bin/pip`, whose shebang may exceed 127 bytes), or with
//! `uv pip install --python STAGING/bin/python` under `--pip-tool uv` ([`PipTool`]), and
//! reads the result into the model at `--venv-prefix` (default `/opt/venvs/<name>`, as
//! dh-virtualenv does). A directory with `pyvenv.cfg` is taken as an existing venv, as it is.
//!
//! Name and version come from `-n`/`-v`, else from `pyproject.toml` `[project]`, else from the
//! installed distribution's metadata (pip's `--report`; with uv, which has no report, the
//! `METADATA` of the distribution whose `direct_url.json` names the application directory). Python versions are mapped to Debian
//! ones with [`crate::version::from_pep440`]. Relocation is not done here: the source records
//! where the venv was built ([`VenvInfo`]) and [`crate::transform::relocate`] rewrites it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{walk, Excludes, ExternalLinks, Input, Output, Source, SourceError};
use crate::listener::Listener;
use crate::model::{Entry, Package, PkgPath, VenvInfo};
use crate::options::options;
use crate::source::pip::PipOptions;

pub(crate) mod build;
pub mod input;
pub(crate) mod meta;
mod modes;

pub use meta::{cfg_value, normalize_name, AppMeta};

/// Default interpreter: Debian's, which the target machine has too.
pub const DEFAULT_PYTHON: &str = "/usr/bin/python3";

/// The installer that fills the venv (`--pip-tool`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PipTool {
    /// `STAGING/bin/python -m pip install` (the pip that `python -m venv` put in the venv).
    #[default]
    Pip,
    /// `uv pip install --python STAGING/bin/python`, with `uv` found on `PATH`. The venv is still
    /// created by `--python -m venv`, so it holds the same files (pip included); uv copies files
    /// out of its cache (`--link-mode copy`, never hard links into it) and compiles no byte-code.
    /// The only difference in the package: each `*.dist-info/INSTALLER` says `uv`.
    Uv,
}

crate::options::not_a_path!(PipTool);

/// Options of `-s virtualenv` (fpm's and dh-virtualenv's vocabulary).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-s virtualenv")]
#[group(id = "virtualenv-options")]
pub struct Args {
    /// The interpreter that creates the venv (default /usr/bin/python3; fpm's --python-bin
    /// says the same); the target machine needs the same one.
    #[arg(long, value_name = "FILE")]
    pub python: Option<PathBuf>,

    /// Requirements file to install first (default: requirements.txt when present).
    #[arg(long, value_name = "FILE")]
    pub requirements: Option<PathBuf>,

    /// The installer: 'pip' (the venv's own, default) or 'uv' ('uv pip install' with the venv's
    /// interpreter; uv is looked up on PATH).
    #[arg(long, value_enum)]
    pub pip_tool: Option<PipTool>,

    /// Install the requirements only, not the application itself.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_install_app: Option<bool>,

    /// Where the venv is installed (--prefix says the same, as in fpm). Default: /opt/venvs/NAME.
    #[arg(long, value_name = "DIR")]
    pub venv_prefix: Option<String>,

    /// fpm's: the venv goes to DIR/BASE (BASE: the package spec's or the requirements file's
    /// directory's name) unless --prefix or --venv-prefix says where.
    #[arg(long, value_name = "DIR")]
    pub virtualenv_install_location: Option<String>,

    /// fpm's: for a package spec or a requirements file, name the package
    /// PREFIX-BASE (--virtualenv-package-name-prefix, default 'virtualenv'); default on,
    /// `=false` is fpm's --no-virtualenv-fix-name. -n always wins.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub virtualenv_fix_name: Option<bool>,

    /// The name prefix of --virtualenv-fix-name (default 'virtualenv').
    #[arg(long, value_name = "PREFIX")]
    pub virtualenv_package_name_prefix: Option<String>,

    /// fpm's: for a requirements file, also install the application in its directory (fpm
    /// runs `setup.py install` there).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub virtualenv_setup_install: Option<bool>,

    /// Create the venv with --system-site-packages (it sees the system Python's packages).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub virtualenv_system_site_packages: Option<bool>,

    /// fpm's: copy this directory's contents into the package, relative to / (e.g. DIR/etc/app.conf
    /// becomes /etc/app.conf).
    #[arg(long, value_name = "DIR")]
    pub virtualenv_other_files_dir: Option<PathBuf>,
}

options!(Args {
    python,
    requirements,
    pip_tool,
    no_install_app,
    venv_prefix,
    virtualenv_install_location,
    virtualenv_fix_name,
    virtualenv_package_name_prefix,
    virtualenv_setup_install,
    virtualenv_system_site_packages,
    virtualenv_other_files_dir,
});

/// The virtualenv source's options with their defaults applied ([`Args`] resolved).
#[derive(Debug, Clone, Default)]
pub struct VenvOptions {
    /// `--python`: the interpreter that creates the venv.
    pub python: Option<PathBuf>,
    /// `--requirements FILE` (default `requirements.txt` when present).
    pub requirements: Option<PathBuf>,
    /// `--index-url`, `--extra-index-url`, `--find-links`, `--pip-arg`, passed to every
    /// `pip install` (or `uv pip install`).
    pub pip: PipOptions,
    /// `--pip-tool`: pip (default) or uv.
    pub pip_tool: PipTool,
    /// `--no-install-app`: install the requirements only.
    pub no_install_app: bool,
    /// `--venv-prefix`: install location (default `/opt/venvs/<name>`).
    pub venv_prefix: Option<String>,
    /// A requirement to install as the application (fpm's `httpie==3.2.3` PATH).
    pub spec: Option<String>,
    /// `--virtualenv-system-site-packages`.
    pub system_site_packages: bool,
    /// Where the staging directory is created (`--workdir`, else `$TMPDIR`), checked to exist.
    pub workdir: PathBuf,
    /// `--strict`: a symlink out of the venv other than its interpreter link is an error.
    pub strict: bool,
}

impl VenvOptions {
    /// `args` (and pip's) with their defaults, building in `workdir`.
    pub fn resolve(
        args: &Args,
        pip: &crate::source::pip::Args,
        workdir: &Path,
        strict: bool,
    ) -> Self {
        let Args {
            python,
            requirements,
            pip_tool,
            no_install_app,
            venv_prefix,
            // Read by the source (naming, placement, extra files), not by the build.
            virtualenv_install_location: _,
            virtualenv_fix_name: _,
            virtualenv_package_name_prefix: _,
            virtualenv_setup_install: _,
            virtualenv_system_site_packages,
            virtualenv_other_files_dir: _,
        } = args.clone();
        VenvOptions {
            python: Some(python.unwrap_or_else(|| PathBuf::from(DEFAULT_PYTHON))),
            requirements,
            pip: PipOptions::resolve(pip),
            pip_tool: pip_tool.unwrap_or_default(),
            no_install_app: no_install_app.unwrap_or(false),
            venv_prefix,
            spec: None,
            system_site_packages: virtualenv_system_site_packages.unwrap_or(false),
            workdir: workdir.to_path_buf(),
            strict,
        }
    }
}

/// The venv read into entries, plus what the rest of the pipeline needs.
pub struct VenvSource {
    /// Payload entries at the install prefix (not finalized).
    pub entries: Vec<Entry>,
    /// Where it was built, for relocation.
    pub info: VenvInfo,
    /// The application's own metadata.
    pub meta: AppMeta,
    /// The staging directory; dropped (deleted) after the targets are written.
    pub staging: Option<crate::cleanup::Staging>,
}

/// The virtualenv source.
pub struct Virtualenv;

impl Source for Virtualenv {
    /// Builds (or ingests) the venv at the one PATH, and fills the package's metadata from the
    /// application's: name, version (PEP 440 mapped), summary, license and its text, home page,
    /// maintainer. The description is the summary (or "Python application NAME in a virtual
    /// environment"; a summary's leading `NAME: ` dropped)
    /// followed by a paragraph saying what the package ships and where.
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        let [path] = input.paths else {
            return Err(SourceError::Invalid(format!(
                "-s virtualenv takes exactly one PATH (an application directory or a virtualenv), got {}",
                input.paths.len()
            )));
        };
        let o = input.options;
        let a = &o.sources.virtualenv;
        let mut opts = VenvOptions::resolve(a, &o.sources.pip, input.scratch, input.strict());
        // fpm's --python-bin (the -s python option) names the interpreter here too.
        if a.python.is_none() {
            if let Some(p) = &o.sources.python.python_bin {
                opts.python = Some(p.clone());
            }
        }
        let app = input::classify(path, input.recipe_dir)?;
        if let input::AppInput::Spec { spec, .. } = &app {
            // A mistyped directory would otherwise install whatever the index has by that name.
            let says = format!("'{spec}' is no file or directory here: installing it from the package index as a requirement (fpm's form)");
            if input::spec_name(spec) == spec.as_str() {
                input.listener.warning(&says);
            } else {
                input.listener.info(&says);
            }
        }
        if let Some(dir) = &a.virtualenv_other_files_dir {
            if !dir.is_dir() {
                return Err(SourceError::Invalid(format!(
                    "--virtualenv-other-files-dir '{}' is not a directory",
                    dir.display()
                )));
            }
        }
        // fpm's forms: its naming and install location, unless -n / a prefix say otherwise.
        let fpm_name = app.base().and_then(|base| {
            (a.virtualenv_fix_name != Some(false)).then(|| {
                let prefix = a
                    .virtualenv_package_name_prefix
                    .as_deref()
                    .unwrap_or("virtualenv");
                format!("{prefix}-{base}")
            })
        });
        let name = o.meta.name.clone().or(fpm_name);
        let fpm_form = app.base().is_some();
        if let (Some(loc), Some(base), None, None) = (
            &a.virtualenv_install_location,
            app.base(),
            &o.contents.prefix,
            &opts.venv_prefix,
        ) {
            opts.venv_prefix = Some(format!("{}/{base}", loc.trim_end_matches('/')));
        }
        // A spec has no directory of its own: an empty one stands in for it, in a staging
        // directory of its own, so that even a SIGKILLed run's is removed by the next one.
        let (path, _stand_in) = match app {
            input::AppInput::Dir(p) => (p, None),
            input::AppInput::Requirements { file, dir, .. } => {
                opts.requirements = Some(file);
                opts.no_install_app = a.virtualenv_setup_install != Some(true);
                (dir, None)
            }
            input::AppInput::Spec { spec, .. } => {
                opts.spec = Some(spec);
                let io = |e| SourceError::Io {
                    path: input.scratch.to_path_buf(),
                    source: e,
                };
                let staging = crate::cleanup::Staging::new(input.scratch).map_err(io)?;
                let dir = staging.path().join("app");
                fs::create_dir(&dir).map_err(io)?;
                (dir, Some(staging))
            }
        };
        if let (Some(p), Some(v)) = (&o.contents.prefix, &opts.venv_prefix) {
            if p != v {
                return Err(SourceError::Invalid(format!(
                    "--prefix '{p}' and --venv-prefix '{v}' disagree; both name where the venv is installed, give one"
                )));
            }
        }
        // fpm's --prefix is the install location of a virtualenv.
        opts.venv_prefix = opts.venv_prefix.or_else(|| o.contents.prefix.clone());
        let mut v = read(
            &path,
            name.as_deref(),
            &opts,
            input.excludes,
            input.listener,
        )?;
        if let Some(dir) = &a.virtualenv_other_files_dir {
            v.entries.extend(walk(
                dir,
                &PkgPath::root(),
                input.excludes,
                ExternalLinks::warn_or_reject(input.strict()),
                input.listener,
            )?);
        }
        let mut pkg = Package {
            entries: v.entries,
            claimed: [v.info.prefix.clone()].into(),
            venv: Some(v.info),
            ..Package::default()
        };
        let m = v.meta;
        pkg.meta.name = name.or(m.name).unwrap_or_default();
        match (&o.meta.version, m.version) {
            (Some(v), _) => pkg.meta.version = v.clone(),
            (None, Some(v)) => {
                pkg.meta.version = v;
                pkg.meta.epoch = m.epoch;
            }
            // fpm's default for its forms (a requirements file installs no distribution of
            // its own): -v 1.0.
            (None, None) if fpm_form => {
                input.listener.warning(
                    "no version known for a requirements file: using 1.0 (as fpm does); pass -v/--version",
                );
                pkg.meta.version = "1.0".into();
            }
            (None, None) => {
                return Err(SourceError::Invalid(format!(
                    "cannot tell the version of '{}': pyproject.toml has no [project] version and no installed distribution gives one; pass -v/--version",
                    path.display()
                )))
            }
        }
        pkg.meta.license = m.license;
        pkg.meta.license_text = m.license_text;
        pkg.meta.url = m.url;
        pkg.meta.maintainer = m.maintainer.unwrap_or_default();
        let prefix = pkg
            .venv
            .as_ref()
            .map(|v| v.prefix.display())
            .unwrap_or_default();
        // A synopsis must not start with the package's name (Policy §3.4.1; lintian:
        // description-starts-with-package-name): `HTTPie: modern ...` loses its `HTTPie: `.
        let synopsis = match m.summary {
            Some(s) => modes::without_name(&s, &pkg.meta.name),
            None => format!(
                "Python application {} in a virtual environment",
                pkg.meta.name
            ),
        };
        pkg.meta.description = format!(
            "{synopsis}\nThis package ships the Python application {} {} with all its Python dependencies in a virtual environment installed under {prefix}.",
            pkg.meta.name, pkg.meta.version
        );
        Ok(Output {
            package: pkg,
            staging: v.staging,
        })
    }
}

/// Builds (or ingests) the venv at `path`.
///
/// `name` and `version` are the user's `-n`/`-v`, which win over what the app says; the name
/// is needed to choose the default prefix.
///
/// # Errors
/// [`SourceError::Invalid`] for a path that is neither an app nor a venv, or when no name or
/// version can be found; [`SourceError::Build`] with the tool's output when python or pip fails.
pub(crate) fn read(
    path: &Path,
    name: Option<&str>,
    opts: &VenvOptions,
    excludes: &Excludes,
    listener: &dyn Listener,
) -> Result<VenvSource, SourceError> {
    if !path.exists() {
        return Err(SourceError::Missing(path.to_path_buf()));
    }
    if !path.is_dir() {
        return Err(SourceError::Invalid(format!(
            "'{}' is not a directory; -s virtualenv takes an application directory (with pyproject.toml, setup.py or requirements.txt) or an existing virtualenv (with pyvenv.cfg)",
            path.display()
        )));
    }
    let path = std::path::absolute(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if path.join("pyvenv.cfg").is_file() {
        return ingest(&path, name, opts, excludes, listener);
    }
    let has = |f: &str| path.join(f).is_file();
    if !(has("pyproject.toml") || has("setup.py") || has("requirements.txt"))
        && opts.requirements.is_none()
        && opts.spec.is_none()
    {
        return Err(SourceError::Invalid(format!(
            "'{}' has no pyproject.toml, setup.py, requirements.txt or pyvenv.cfg; it is neither a Python application nor a virtualenv",
            path.display()
        )));
    }
    build::build(&path, name, opts, excludes, listener)
}

fn ingest(
    venv: &Path,
    name: Option<&str>,
    opts: &VenvOptions,
    excludes: &Excludes,
    listener: &dyn Listener,
) -> Result<VenvSource, SourceError> {
    listener.info(&format!("using the existing virtualenv {}", venv.display()));
    let name = name.ok_or_else(|| {
        SourceError::Invalid(format!(
            "cannot tell the package name of the existing virtualenv '{}': pass -n/--name (and -v/--version)",
            venv.display()
        ))
    })?;
    let mut build_paths = vec![venv.as_os_str().as_encoded_bytes().to_vec()];
    if let Ok(c) = venv.canonicalize() {
        build_paths.push(c.as_os_str().as_encoded_bytes().to_vec());
    }
    // `command = /usr/bin/python3 -m venv /where/it/was/made` records the creation path.
    if let Ok(cfg) = fs::read_to_string(venv.join("pyvenv.cfg")) {
        if let Some(made) = cfg_value(&cfg, "command").and_then(|c| c.split_whitespace().last()) {
            if made.starts_with('/') && made.len() > 1 {
                build_paths.push(made.trim_end_matches('/').as_bytes().to_vec());
            }
        }
    }
    check_same_python(venv, opts)?;
    let (prefix, entries) = tree(venv, name, opts, excludes, listener)?;
    Ok(VenvSource {
        entries,
        info: info(prefix, build_paths, vec![]),
        meta: AppMeta::default(),
        staging: None,
    })
}

fn info(prefix: PkgPath, mut build_paths: Vec<Vec<u8>>, watch: Vec<Vec<u8>>) -> VenvInfo {
    build_paths.sort();
    build_paths.dedup();
    build_paths.retain(|p| p.as_slice() != prefix.as_bytes());
    VenvInfo {
        prefix,
        build_paths,
        watch_paths: watch,
    }
}

fn prefix_for(name: &str, opts: &VenvOptions) -> Result<PkgPath, SourceError> {
    let raw = opts
        .venv_prefix
        .clone()
        .unwrap_or_else(|| format!("/opt/venvs/{name}"));
    // The prefix ends up in shebangs, trampolines and maintainer scripts: no shell syntax.
    if let Some(c) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@')))
    {
        return Err(SourceError::Invalid(format!(
            "--venv-prefix '{}' contains {c:?}; use letters, digits and / . _ - + @ (it is written into shebang lines and shell scripts)",
            raw.escape_debug()
        )));
    }
    let p = PkgPath::parse(&raw)
        .map_err(|e| SourceError::Invalid(format!("--venv-prefix '{raw}': {e}")))?;
    if p.is_root() || p.components().count() < 2 {
        return Err(SourceError::Invalid(format!(
            "--venv-prefix '{raw}' must be a directory of its own, at least two levels deep (like /opt/venvs/{name})"
        )));
    }
    Ok(p)
}

/// The venv at `venv` as entries at its install prefix (`--venv-prefix`, else
/// `/opt/venvs/<name>`), with the modes dh_fixperms would give them.
fn tree(
    venv: &Path,
    name: &str,
    opts: &VenvOptions,
    excludes: &Excludes,
    listener: &dyn Listener,
) -> Result<(PkgPath, Vec<Entry>), SourceError> {
    let prefix = prefix_for(name, opts)?;
    let mut entries = walk(
        venv,
        &prefix,
        excludes,
        ExternalLinks::Venv {
            strict: opts.strict,
        },
        listener,
    )?;
    modes::fix_modes(&mut entries);
    Ok((prefix, entries))
}

/// An existing venv only works with the Python minor version that made it: refuse one made by a
/// different minor version than `--python` (the interpreter the package will depend on).
fn check_same_python(venv: &Path, opts: &VenvOptions) -> Result<(), SourceError> {
    let python = opts
        .python
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PYTHON));
    let cfg = fs::read_to_string(venv.join("pyvenv.cfg")).unwrap_or_default();
    let Some(made) = cfg_value(&cfg, "version").or_else(|| cfg_value(&cfg, "version_info")) else {
        return Ok(());
    };
    let out = Command::new(&python)
        .args(["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"])
        .output()
        .map_err(|e| {
            SourceError::Invalid(format!(
                "--python '{}' cannot be run: {e}",
                python.display()
            ))
        })?;
    let have = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(&have) != minor(made) {
        return Err(SourceError::Invalid(format!(
            "the virtualenv '{}' was made by Python {made} (pyvenv.cfg), but --python '{}' is Python {have}; a venv only runs with the minor version that made it: pass --python with a {} interpreter, or rebuild the venv",
            venv.display(),
            python.display(),
            minor(made)
        )));
    }
    Ok(())
}

fn check_python(python: &Path, listener: &dyn Listener) -> Result<(), SourceError> {
    let resolved = python.canonicalize().map_err(|_| {
        SourceError::Invalid(format!(
            "--python '{}' was not found; install it (Debian: apt-get install python3 python3-venv) or point --python at an interpreter",
            python.display()
        ))
    })?;
    if !resolved.starts_with("/usr") {
        listener.warning(&format!(
            "--python '{}' lives outside /usr ({}); the venv will point at it, and the target machine will not have it. Use Debian's /usr/bin/python3",
            python.display(),
            resolved.display()
        ));
    }
    Ok(())
}
