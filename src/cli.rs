//! Command-line flags (fpm's names where a user would type them) and `pkgr.toml` → an [`Action`].
//!
//! Precedence: a flag on the command line, then the key in `pkgr.toml` (see [`crate::config`]),
//! then the documented default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::compress::{Algorithm, Compression};
use crate::config::{self, FileSpec, Loaded};
use crate::format::{FormatKind, FormatOptions};
use crate::model::Phase;
use crate::source::dir::DirOptions;
use crate::source::virtualenv::{PipTool, VenvOptions};
use crate::source::SourceKind;
use crate::{BuildRequest, Error};

/// Build native packages from a Python application or a directory, in one step.
///
/// Examples: pkgr -s virtualenv -t deb ./app; pkgr -s dir -t rpm -n tool bin/tool=/usr/bin/tool;
/// pkgr (reads ./pkgr.toml).
#[derive(Debug, Parser)]
#[command(
    name = "pkgr",
    disable_version_flag = true,
    args_override_self = true,
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 success, 1 build failure (pip, I/O, disk full), 2 invalid input.\nEnvironment: SOURCE_DATE_EPOCH sets every timestamp in the package (default 2024-01-01)."
)]
pub struct Cli {
    /// Other tasks than building.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Read options from this pkgr.toml (default: pkgr.toml in the PATH directory, or in the
    /// current directory when no PATH is given). Flags given here override it.
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Source type: 'virtualenv' (an app directory with pyproject.toml/setup.py/requirements.txt,
    /// or an existing venv) or 'dir' (files, with src=dst mappings).
    #[arg(short = 's', long = "input-type", alias = "source", value_enum)]
    pub source: Option<SourceKind>,

    /// Output type: deb, rpm or tar; repeatable or comma-separated (-t deb,rpm,tar). The source
    /// is built once and every target reads the same package.
    #[arg(
        short = 't',
        long = "output-type",
        alias = "target",
        value_enum,
        value_delimiter = ','
    )]
    pub targets: Vec<FormatKind>,

    /// Package name (Debian Policy 5.6.1). Default: the Python project's name.
    #[arg(short = 'n', long)]
    pub name: Option<String>,

    /// Package version. Default: the Python project's version (PEP 440 mapped to Debian, 1.0rc1 →
    /// 1.0~rc1), or 1.0 for -s dir. Without a value: print pkgr's own version.
    #[arg(short = 'v', long = "version", num_args = 0..=1, default_missing_value = PRINT_VERSION)]
    pub version: Option<String>,

    /// Print pkgr's version and exit.
    #[arg(short = 'V')]
    pub print_version: bool,

    /// Package revision: the Debian revision after '-' (RPM Release, default 1). Default: none.
    #[arg(long)]
    pub iteration: Option<String>,

    /// Version epoch (the N in N:version).
    #[arg(long)]
    pub epoch: Option<u32>,

    /// Architecture: 'native' (the build host's; the default), 'all', or a Debian name such as amd64.
    #[arg(short = 'a', long)]
    pub architecture: Option<String>,

    /// Maintainer, 'Full Name <email>' (Policy 5.6.2). Default: pyproject.toml's maintainers/authors.
    #[arg(short = 'm', long)]
    pub maintainer: Option<String>,

    /// Vendor (the organisation shipping the package).
    #[arg(long)]
    pub vendor: Option<String>,

    /// Project home page (Homepage).
    #[arg(long)]
    pub url: Option<String>,

    /// License name or SPDX expression, written to the copyright file.
    #[arg(long)]
    pub license: Option<String>,

    /// A file whose text goes into the deb copyright file (default for -s virtualenv: the app's
    /// LICENSE/COPYING).
    #[arg(long = "license-file")]
    pub license_file: Option<PathBuf>,

    /// Description: the first line is the synopsis, further lines the extended description.
    #[arg(long)]
    pub description: Option<String>,

    /// Section (category) of the package, e.g. python, web, utils. Default: misc.
    #[arg(long)]
    pub category: Option<String>,

    /// Debian Priority. Default: optional.
    #[arg(long = "deb-priority")]
    pub priority: Option<String>,

    /// A dependency, e.g. 'libpq5 (>= 15)' or 'libpq5 >= 15'; '|' separates alternatives. Repeatable.
    #[arg(short = 'd', long = "depends")]
    pub depends: Vec<String>,

    /// A virtual package this one provides. Repeatable.
    #[arg(long)]
    pub provides: Vec<String>,

    /// A package this one conflicts with. Repeatable.
    #[arg(long)]
    pub conflicts: Vec<String>,

    /// A package whose files this one replaces (RPM Obsoletes). Repeatable.
    #[arg(long)]
    pub replaces: Vec<String>,

    /// A package recommended alongside this one (a weak dependency). Repeatable.
    #[arg(long, alias = "deb-recommends")]
    pub recommends: Vec<String>,

    /// A package suggested alongside this one. Repeatable.
    #[arg(long, alias = "deb-suggests")]
    pub suggests: Vec<String>,

    /// A configuration file (installed path; a directory means every file below it). Files under
    /// /etc are configuration files anyway. Repeatable.
    #[arg(long = "config-files")]
    pub config_files: Vec<String>,

    /// A directory the package owns, created if absent (installed path). Repeatable.
    #[arg(long)]
    pub directories: Vec<String>,

    /// Script run before installation (Debian preinst, RPM %pre). Must start with '#!'.
    #[arg(long = "before-install")]
    pub before_install: Option<PathBuf>,

    /// Script run after installation (Debian postinst, RPM %post).
    #[arg(long = "after-install")]
    pub after_install: Option<PathBuf>,

    /// Script run before removal (Debian prerm, RPM %preun).
    #[arg(long = "before-remove")]
    pub before_remove: Option<PathBuf>,

    /// Script run after removal (Debian postrm, RPM %postun).
    #[arg(long = "after-remove")]
    pub after_remove: Option<PathBuf>,

    /// Script run before an upgrade (deb preinst upgrade, rpm %pre with $1 > 1). With an upgrade
    /// script, --before-install/--after-install run only on a fresh install.
    #[arg(long = "before-upgrade")]
    pub before_upgrade: Option<PathBuf>,

    /// Script run after an upgrade (deb postinst configure with the old version, rpm %post with $1 > 1).
    #[arg(long = "after-upgrade")]
    pub after_upgrade: Option<PathBuf>,

    /// -s dir: change to this directory before reading the source paths.
    #[arg(short = 'C', long = "chdir")]
    pub chdir: Option<PathBuf>,

    /// -s dir: install paths given without '=' below this directory.
    #[arg(long)]
    pub prefix: Option<String>,

    /// Leave out files matching this glob (relative path or file name). Repeatable.
    #[arg(short = 'x', long = "exclude")]
    pub exclude: Vec<String>,

    /// Output: a file, a directory ending in '/', or a template with NAME, VERSION, ITERATION, ARCH
    /// and EXTENSION. Default: the conventional name (NAME_VERSION-REV_ARCH.deb) here.
    #[arg(short = 'p', long = "package")]
    pub package: Option<String>,

    /// Replace an existing output file.
    #[arg(short = 'f', long)]
    pub force: bool,

    /// Compression of the .deb's data.tar: gz, xz (default), zst or none.
    #[arg(long = "deb-compression", value_parser = ["gz", "xz", "zst", "none"])]
    pub deb_compression: Option<String>,

    /// Compression level (gz, xz: 0-9; zst: 1-22). Default: gz 9, xz 6, zst 3.
    #[arg(long = "deb-compression-level")]
    pub deb_compression_level: Option<u32>,

    /// Compression of the .rpm payload: gzip, xz, zstd (default) or none.
    #[arg(long = "rpm-compression", value_parser = ["gzip", "xz", "zstd", "none"])]
    pub rpm_compression: Option<String>,

    /// Level of the .rpm payload compression (gzip, xz: 0-9; zstd: 1-22).
    #[arg(long = "rpm-compression-level")]
    pub rpm_compression_level: Option<u32>,

    /// The .rpm Build Host tag (default: pkgr); fixed so that builds are reproducible.
    #[arg(long = "rpm-build-host")]
    pub rpm_build_host: Option<String>,

    /// Sign the .rpm with this ASCII-armored OpenPGP secret key (passphrase from the environment
    /// variable PKGR_RPM_PASSPHRASE). Needs a pkgr built with the 'sign' feature.
    #[arg(long = "rpm-sign-key")]
    pub rpm_sign_key: Option<PathBuf>,

    /// Compression of the tarball. Default: from a -p file name (.tar.gz, .tgz, .tar.xz, .tar.zst,
    /// .tar), else zst.
    #[arg(long = "tar-compression", value_parser = ["gz", "xz", "zst", "none"])]
    pub tar_compression: Option<String>,

    /// Level of the tarball compression.
    #[arg(long = "tar-compression-level")]
    pub tar_compression_level: Option<u32>,

    /// Root every tarball entry below this directory instead of /.
    #[arg(long = "tar-prefix")]
    pub tar_prefix: Option<String>,

    /// Worker threads for xz and zstd compression and for writing several targets at once
    /// (default: the number of CPUs). The packages are byte-identical for every value.
    #[arg(long, value_name = "N")]
    pub threads: Option<u32>,

    /// -s virtualenv: the interpreter that creates the venv (default /usr/bin/python3); the
    /// target machine needs the same one.
    #[arg(long)]
    pub python: Option<PathBuf>,

    /// -s virtualenv: requirements file to install first (default: requirements.txt when present).
    #[arg(long)]
    pub requirements: Option<PathBuf>,

    /// -s virtualenv: pip's --index-url.
    #[arg(long = "index-url")]
    pub index_url: Option<String>,

    /// -s virtualenv: pip's --extra-index-url. Repeatable.
    #[arg(long = "extra-index-url")]
    pub extra_index_url: Vec<String>,

    /// -s virtualenv: pip's --find-links. Repeatable.
    #[arg(long = "find-links")]
    pub find_links: Vec<String>,

    /// -s virtualenv: one more argument for every 'pip install' (e.g. --pip-arg=--no-binary=:all:). Repeatable.
    #[arg(long = "pip-arg", allow_hyphen_values = true)]
    pub pip_arg: Vec<String>,

    /// -s virtualenv: the installer: 'pip' (the venv's own, default) or 'uv' ('uv pip install'
    /// with the venv's interpreter; uv is looked up on PATH).
    #[arg(long = "pip-tool", value_enum)]
    pub pip_tool: Option<PipTool>,

    /// -s virtualenv: install the requirements only, not the application itself.
    #[arg(long = "no-install-app")]
    pub no_install_app: bool,

    /// -s virtualenv: where the venv is installed. Default: /opt/venvs/NAME.
    #[arg(long = "venv-prefix")]
    pub venv_prefix: Option<String>,

    /// Directory for pkgr's scratch files (the venv staging directory). Default: $TMPDIR.
    #[arg(long)]
    pub workdir: Option<PathBuf>,

    /// Print one JSON document on stdout (artifacts and warnings, see README); messages go to stderr.
    #[arg(long)]
    pub json: bool,

    /// Refuse what is otherwise only a warning: symlinks pointing out of the source tree, and
    /// shared libraries that no installed package provides.
    #[arg(long)]
    pub strict: bool,

    /// Add no dependency pkgr infers (the venv's Python, the shared libraries compiled files
    /// link against); only -d and the other relation flags are written.
    #[arg(long = "no-auto-depends")]
    pub no_auto_depends: bool,

    /// A systemd unit file to install (repeatable): lib/systemd/system (deb) or
    /// usr/lib/systemd/system (rpm, tar), enabled and started on install, restarted after upgrade.
    #[arg(long = "systemd-unit", value_name = "FILE")]
    pub systemd_unit: Vec<PathBuf>,

    /// Do not enable the units on install.
    #[arg(long = "no-systemd-enable")]
    pub no_systemd_enable: bool,

    /// Do not start the units on install or after an upgrade.
    #[arg(long = "no-systemd-start")]
    pub no_systemd_start: bool,

    /// Stop the units before an upgrade and start them after it, instead of restarting them.
    #[arg(long = "no-systemd-restart-after-upgrade")]
    pub no_systemd_restart_after_upgrade: bool,

    /// Create this system user before the files are unpacked (deb preinst, rpm %pre); never
    /// removed. Files can be owned by it with [[files]] owner in pkgr.toml.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// The service user's primary group (default: the user's name), or a system group alone.
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// The service user's home directory, created and owned by it (default: /nonexistent).
    #[arg(long, value_name = "DIR")]
    pub home: Option<String>,

    /// Print only warnings, errors and the artifact lines.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Also print every decision pkgr makes (rewritten files, dependencies and why).
    #[arg(long, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Source paths: for virtualenv one directory; for dir, paths or src=dst mappings.
    pub paths: Vec<String>,
}

/// Tasks besides building.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter pkgr.toml into DIR (default: here), inferred from what is there.
    Init {
        /// The directory (default: the current one).
        dir: Option<PathBuf>,
        /// Replace an existing pkgr.toml.
        #[arg(short = 'f', long)]
        force: bool,
    },
    /// Show the metadata, relations, scripts and files of a .deb, .rpm or tarball.
    Inspect {
        /// The package file.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print pkgr's manual page (roff) on stdout.
    Man,
}

/// What the command line asks for.
pub enum Action {
    /// Print pkgr's version.
    PrintVersion,
    /// Build packages.
    Build(Box<BuildRequest>),
    /// Write a starter pkgr.toml.
    Init {
        /// Where.
        dir: PathBuf,
        /// Overwrite.
        force: bool,
    },
    /// Inspect a package.
    Inspect {
        /// The file.
        file: PathBuf,
        /// As JSON.
        json: bool,
    },
    /// Print completions.
    Completions(clap_complete::Shell),
    /// Print the man page.
    Man,
}

/// What clap stores for a bare `--version`: no real version can contain a NUL.
const PRINT_VERSION: &str = "\0print-version";

fn cfg_err(e: config::ConfigError) -> Error {
    Error::Usage(e.to_string())
}

/// Finds the pkgr.toml to use: `--config`, else one in the single PATH directory, else one in
/// the current directory when no PATH was given.
fn find_config(cli: &Cli) -> Result<Option<Loaded>, Error> {
    if let Some(p) = &cli.config {
        return config::load(p).map(Some).map_err(cfg_err);
    }
    let candidate = match cli.paths.as_slice() {
        [] => PathBuf::from(config::FILE_NAME),
        [one] if !one.contains('=') && Path::new(one).is_dir() => {
            Path::new(one).join(config::FILE_NAME)
        }
        _ => return Ok(None),
    };
    if candidate.is_file() {
        config::load(&candidate).map(Some).map_err(cfg_err)
    } else {
        Ok(None)
    }
}

fn or_vec(cli: Vec<String>, cfg: &Option<Vec<String>>) -> Vec<String> {
    if cli.is_empty() {
        cfg.clone().unwrap_or_default()
    } else {
        cli
    }
}

impl Cli {
    /// Turns flags (and `pkgr.toml`) into an [`Action`].
    ///
    /// # Errors
    /// [`Error::Usage`] for missing or invalid flags or config keys (exit status 2).
    pub fn into_action(mut self, source_date_epoch: Option<&str>) -> Result<Action, Error> {
        if self.print_version || self.version.as_deref() == Some(PRINT_VERSION) {
            return Ok(Action::PrintVersion);
        }
        match self.command.take() {
            Some(Command::Init { dir, force }) => {
                return Ok(Action::Init {
                    dir: dir.unwrap_or_else(|| PathBuf::from(".")),
                    force,
                })
            }
            Some(Command::Inspect { file, json }) => return Ok(Action::Inspect { file, json }),
            Some(Command::Completions { shell }) => return Ok(Action::Completions(shell)),
            Some(Command::Man) => return Ok(Action::Man),
            None => {}
        }
        let loaded = find_config(&self)?;
        let empty = config::Config::default();
        let c = loaded.as_ref().map(|l| &l.config).unwrap_or(&empty);
        let res = |p: &Option<String>| -> Option<String> {
            match (p, &loaded) {
                (Some(p), Some(l)) => Some(l.resolve(p)),
                (p, _) => p.clone(),
            }
        };
        let res_path = |p: &Option<String>| res(p).map(PathBuf::from);

        let source =
            match (self.source, &c.input_type) {
                (Some(s), _) => s,
                (None, Some(s)) => SourceKind::from_str(s, false).map_err(|_| {
                    Error::Usage(format!("pkgr.toml: source = '{s}': use virtualenv or dir"))
                })?,
                (None, None) => return Err(Error::Usage(
                    "missing -s/--input-type (virtualenv or dir), or a pkgr.toml with source = ..."
                        .into(),
                )),
            };
        let mut targets = self.targets.clone();
        if targets.is_empty() {
            for t in c.output_type.iter().flatten() {
                targets.push(FormatKind::from_str(t, false).map_err(|_| {
                    Error::Usage(format!(
                        "pkgr.toml: targets = [.. '{t}' ..]: use deb, rpm or tar"
                    ))
                })?);
            }
        }
        if targets.is_empty() {
            return Err(Error::Usage(
                "missing -t/--output-type (deb, rpm or tar)".into(),
            ));
        }
        let mut seen = Vec::new();
        targets.retain(|t| {
            let new = !seen.contains(t);
            seen.push(*t);
            new
        });
        // PATHs from pkgr.toml are relative to its directory: a virtualenv path is resolved, and
        // -s dir reads them from there (its -C) unless the file sets chdir.
        let mut paths = self.paths.clone();
        let mut dir_base = None;
        if paths.is_empty() {
            if let Some(l) = &loaded {
                paths = c
                    .paths
                    .iter()
                    .flatten()
                    .map(|p| match source {
                        SourceKind::Virtualenv => l.resolve(p),
                        SourceKind::Dir => p.clone(),
                    })
                    .collect();
                dir_base = Some(l.base.clone());
            }
        }
        // `[[files]] src` follows the rule of `paths`: relative to the pkgr.toml, which is
        // trusted to reach out of its directory (crate::source::dir, module doc).
        let files: Vec<FileSpec> = c
            .files
            .iter()
            .map(|f| {
                let mut f = f.clone();
                if f.kind.as_deref() != Some("symlink") {
                    f.src = res(&f.src);
                }
                f
            })
            .collect();
        if paths.is_empty() && files.is_empty() {
            return Err(Error::Usage(
                "missing PATH: what should be packaged?".into(),
            ));
        }

        let sect = |name: &str| {
            loaded
                .as_ref()
                .and_then(|l| l.sections().get(name).cloned().cloned())
        };
        let (deb_s, rpm_s, tar_s) = (sect("deb"), sect("rpm"), sect("tar"));
        let deb_compression = compression(
            "--deb-compression",
            self.deb_compression
                .as_deref()
                .or(deb_s.as_ref().and_then(|s| s.compression.as_deref()))
                .or(c.deb_compression.as_deref())
                .unwrap_or("xz"),
            self.deb_compression_level
                .or(deb_s.as_ref().and_then(|s| s.compression_level))
                .or(c.deb_compression_level),
        )?;
        let rpm_compression = compression(
            "--rpm-compression",
            self.rpm_compression
                .as_deref()
                .or(rpm_s.as_ref().and_then(|s| s.compression.as_deref()))
                .or(c.rpm_compression.as_deref())
                .unwrap_or("zstd"),
            self.rpm_compression_level
                .or(rpm_s.as_ref().and_then(|s| s.compression_level))
                .or(c.rpm_compression_level),
        )?;
        let package = self.package.clone().or_else(|| {
            res(&c.package).map(|p| {
                // Keep a trailing slash, which marks a directory.
                if c.package.as_deref().is_some_and(|o| o.ends_with('/')) && !p.ends_with('/') {
                    format!("{p}/")
                } else {
                    p
                }
            })
        });
        let tar_name = self
            .tar_compression
            .clone()
            .or(tar_s.as_ref().and_then(|s| s.compression.clone()))
            .or(c.tar_compression.clone())
            .or_else(|| package.as_deref().and_then(tar_compression_from_name))
            .unwrap_or_else(|| "zst".into());
        let tar_compression = compression(
            "--tar-compression",
            &tar_name,
            self.tar_compression_level
                .or(tar_s.as_ref().and_then(|s| s.compression_level))
                .or(c.tar_compression_level),
        )?;
        let tar_prefix = self
            .tar_prefix
            .clone()
            .or(tar_s.as_ref().and_then(|s| s.prefix.clone()))
            .or(c.tar_prefix.clone())
            .map(|p| {
                crate::model::PkgPath::parse(&p)
                    .map_err(|e| Error::Usage(format!("--tar-prefix: {e}")))
            })
            .transpose()?;
        let threads = match self.threads.or(c.threads) {
            Some(0) => {
                return Err(Error::Usage(
                    "--threads 0: use 1 or more (default: the number of CPUs)".into(),
                ))
            }
            Some(n) => n,
            None => default_threads(),
        };
        let deb_compression = deb_compression.with_threads(threads);
        let rpm_compression = rpm_compression.with_threads(threads);
        let tar_compression = tar_compression.with_threads(threads);
        let sde = crate::time::source_date_epoch(source_date_epoch)
            .map_err(|e| Error::Usage(e.to_string()))?;
        let mut scripts = BTreeMap::new();
        for (phase, flag, key) in [
            (
                Phase::BeforeInstall,
                self.before_install.clone(),
                &c.before_install,
            ),
            (
                Phase::AfterInstall,
                self.after_install.clone(),
                &c.after_install,
            ),
            (
                Phase::BeforeRemove,
                self.before_remove.clone(),
                &c.before_remove,
            ),
            (
                Phase::AfterRemove,
                self.after_remove.clone(),
                &c.after_remove,
            ),
            (
                Phase::BeforeUpgrade,
                self.before_upgrade.clone(),
                &c.before_upgrade,
            ),
            (
                Phase::AfterUpgrade,
                self.after_upgrade.clone(),
                &c.after_upgrade,
            ),
        ] {
            if let Some(p) = flag.or_else(|| res_path(key)) {
                scripts.insert(phase, p);
            }
        }
        let mut overrides = BTreeMap::new();
        for (kind, s) in [
            (FormatKind::Deb, &deb_s),
            (FormatKind::Rpm, &rpm_s),
            (FormatKind::Tar, &tar_s),
        ] {
            if let Some(s) = s {
                overrides.insert(kind, s.clone());
            }
        }
        let priority = self
            .priority
            .clone()
            .or(deb_s.as_ref().and_then(|s| s.priority.clone()))
            .or(c.deb_priority.clone());
        let rpm_build_host = self
            .rpm_build_host
            .clone()
            .or(rpm_s.as_ref().and_then(|s| s.build_host.clone()))
            .or(c.rpm_build_host.clone())
            .unwrap_or_else(|| "pkgr".into());
        let rpm_sign_key = self
            .rpm_sign_key
            .clone()
            .or_else(|| res_path(&rpm_s.as_ref().and_then(|s| s.sign_key.clone())))
            .or_else(|| res_path(&c.rpm_sign_key));

        Ok(Action::Build(Box::new(BuildRequest {
            source,
            targets,
            inputs: paths,
            name: self.name.or(c.name.clone()),
            version: self.version.or(c.version.clone()),
            iteration: self.iteration.or(c.iteration.clone()),
            epoch: self.epoch.or(c.epoch),
            architecture: self
                .architecture
                .or(c.architecture.clone())
                .unwrap_or_else(|| "native".into()),
            maintainer: self.maintainer.or(c.maintainer.clone()),
            vendor: self.vendor.or(c.vendor.clone()),
            url: self.url.or(c.url.clone()),
            license: self.license.or(c.license.clone()),
            license_file: self.license_file.or_else(|| res_path(&c.license_file)),
            description: self.description.or(c.description.clone()),
            category: self.category.or(c.category.clone()),
            priority,
            depends: or_vec(self.depends, &c.depends),
            provides: or_vec(self.provides, &c.provides),
            conflicts: or_vec(self.conflicts, &c.conflicts),
            replaces: or_vec(self.replaces, &c.replaces),
            recommends: or_vec(self.recommends, &c.recommends),
            suggests: or_vec(self.suggests, &c.suggests),
            config_files: or_vec(self.config_files, &c.config_files),
            directories: or_vec(self.directories, &c.directories),
            scripts,
            excludes: or_vec(self.exclude, &c.exclude),
            files,
            overrides,
            dir: DirOptions {
                inputs: vec![],
                contain: self.chdir.is_some(),
                chdir: self.chdir.or_else(|| res_path(&c.chdir)).or(dir_base),
                prefix: self.prefix.or(c.prefix.clone()),
            },
            venv: VenvOptions {
                python: Some(
                    self.python
                        .or_else(|| c.python.clone().map(PathBuf::from))
                        .unwrap_or_else(|| {
                            PathBuf::from(crate::source::virtualenv::DEFAULT_PYTHON)
                        }),
                ),
                requirements: self.requirements.or_else(|| res_path(&c.requirements)),
                index_url: self.index_url.or(c.index_url.clone()),
                extra_index_urls: or_vec(self.extra_index_url, &c.extra_index_url),
                find_links: or_vec(self.find_links, &c.find_links),
                pip_args: or_vec(self.pip_arg, &c.pip_arg),
                pip_tool: match self.pip_tool {
                    Some(t) => t,
                    None => match c.pip_tool.as_deref() {
                        None | Some("pip") => PipTool::Pip,
                        Some("uv") => PipTool::Uv,
                        Some(other) => {
                            return Err(Error::Usage(format!(
                                "pkgr.toml: pip-tool = '{other}': use pip or uv"
                            )))
                        }
                    },
                },
                no_install_app: self.no_install_app || c.no_install_app.unwrap_or(false),
                venv_prefix: self.venv_prefix.or(c.venv_prefix.clone()),
                workdir: self.workdir.or_else(|| res_path(&c.workdir)),
                strict: self.strict || c.strict.unwrap_or(false),
            },
            target_options: FormatOptions {
                deb_compression,
                rpm_compression,
                rpm_build_host,
                rpm_sign_key,
                tar_compression,
                tar_prefix,
            },
            package,
            threads,
            force: self.force || c.force.unwrap_or(false),
            strict: self.strict || c.strict.unwrap_or(false),
            auto_depends: !(self.no_auto_depends || c.no_auto_depends.unwrap_or(false)),
            service: crate::ServiceOptions {
                units: if self.systemd_unit.is_empty() {
                    c.systemd_unit
                        .iter()
                        .flatten()
                        .filter_map(|p| res_path(&Some(p.clone())))
                        .collect()
                } else {
                    self.systemd_unit
                },
                no_enable: self.no_systemd_enable || c.no_systemd_enable.unwrap_or(false),
                no_start: self.no_systemd_start || c.no_systemd_start.unwrap_or(false),
                no_restart_after_upgrade: self.no_systemd_restart_after_upgrade
                    || c.no_systemd_restart_after_upgrade.unwrap_or(false),
                user: self.user.or(c.user.clone()),
                group: self.group.or(c.group.clone()),
                home: self.home.or(c.home.clone()),
            },
            source_date_epoch: sde,
        })))
    }
}

/// The default of `--threads`: the CPUs this process may use
/// ([`std::thread::available_parallelism`], which honours cgroup quotas and affinity), or 1 when
/// that cannot be told.
pub fn default_threads() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

fn compression(flag: &str, name: &str, level: Option<u32>) -> Result<Compression, Error> {
    let algorithm: Algorithm = name
        .parse()
        .map_err(|e: crate::compress::CompressError| Error::Usage(format!("{flag}: {e}")))?;
    Compression::new(algorithm, level).map_err(|e| Error::Usage(format!("{flag}-level: {e}")))
}

/// The compression a tarball file name asks for (`x.tar.zst` → `zst`).
fn tar_compression_from_name(p: &str) -> Option<String> {
    [
        (".tar.gz", "gz"),
        (".tgz", "gz"),
        (".tar.xz", "xz"),
        (".tar.zst", "zst"),
        (".tar", "none"),
    ]
    .iter()
    .find(|(ext, _)| p.ends_with(ext))
    .map(|(_, c)| c.to_string())
}
