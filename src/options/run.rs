//! The options of a run: what to build from what, where the artifacts go, how pkgr reports, and
//! the service a package installs.

use std::path::PathBuf;

use super::options;
use crate::format::FormatKind;
use crate::source::SourceKind;

/// What to build, where to, and how the run reports.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Input and output")]
pub struct RunArgs {
    /// Source type: 'virtualenv' (an app directory with pyproject.toml/setup.py/requirements.txt,
    /// an existing venv, a requirements file or a package spec), 'python' (one Python
    /// distribution, a PyPI requirement or a project, for the system's Python 3), 'dir' (files,
    /// with src=dst mappings), 'empty' (no files: a metapackage), or a package converted:
    /// 'tar' (a tarball's entries), 'deb' (a .deb) or 'rpm' (an .rpm).
    #[arg(short = 's', long, alias = "source", value_enum)]
    #[serde(alias = "source")]
    pub input_type: Option<SourceKind>,

    /// Output type: deb, rpm or tar; repeatable or comma-separated (-t deb,rpm,tar). The source
    /// is built once and every target reads the same package.
    #[arg(
        short = 't',
        long,
        aliases = ["target", "targets"],
        value_enum,
        value_delimiter = ','
    )]
    #[serde(alias = "targets", alias = "target")]
    pub output_type: Option<Vec<FormatKind>>,

    /// Source paths: for virtualenv one directory; for dir, paths or src=dst mappings.
    #[arg(value_name = "PATH")]
    pub paths: Option<Vec<String>>,

    /// A file of more PATH arguments for -s dir, one per line (blank lines ignored), as fpm's
    /// --inputs; they follow the PATHs given.
    #[arg(long, value_name = "FILE")]
    pub inputs: Option<PathBuf>,

    /// Output: a file, a directory ending in '/', or a template with NAME, VERSION, ITERATION, ARCH,
    /// EXTENSION and fpm's FULLVERSION, EPOCH and TYPE. Default: the conventional name
    /// (NAME_VERSION-REV_ARCH.deb) here.
    #[arg(short = 'p', long)]
    pub package: Option<PathBuf>,

    /// Replace an existing output file.
    #[arg(short = 'f', long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub force: Option<bool>,

    /// Worker threads for xz and zstd compression and for writing several targets at once
    /// (default: the number of CPUs). The packages are byte-identical for every value.
    #[arg(long, value_name = "N")]
    pub threads: Option<u32>,

    /// Directory for pkgr's scratch files (the venv staging directory, the deb's data.tar, the
    /// rpm's payload); it must exist. Default: $TMPDIR.
    #[arg(long, value_name = "DIR")]
    pub workdir: Option<PathBuf>,

    /// Refuse what is otherwise only a warning: symlinks pointing out of the source tree, and
    /// shared libraries that no installed package provides.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub strict: Option<bool>,

    /// Add no dependency pkgr infers (the venv's Python, the shared libraries compiled files
    /// link against); only -d and the other relation flags are written.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_auto_depends: Option<bool>,

    /// Print one JSON document on stdout (artifacts and warnings, see README); messages go to stderr.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub json: Option<bool>,

    /// Print only warnings, errors and the artifact lines.
    #[arg(short = 'q', long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub quiet: Option<bool>,

    /// Also print every decision pkgr makes (rewritten files, dependencies and why) and pip's
    /// output. fpm's `--debug` is an alias.
    #[arg(long, alias = "debug", num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL", conflicts_with = "quiet")]
    #[serde(alias = "debug")]
    pub verbose: Option<bool>,

    /// The timestamp (seconds since 1970) used when SOURCE_DATE_EPOCH is not set (fpm's
    /// flag); without either, 2024-01-01.
    #[arg(long, value_name = "SECONDS")]
    pub source_date_epoch_default: Option<u64>,

    /// fpm's --log LEVEL: 'error' and 'warn' are -q, 'info' is the default, 'debug' is
    /// --verbose (-q and --verbose, when given, win).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub log: Option<LogLevel>,
}

/// fpm's log levels (`--log`), mapped onto pkgr's two switches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Errors only: as -q (pkgr still prints warnings and the artifact lines).
    Error,
    /// Warnings and errors: as -q.
    Warn,
    /// Steps, warnings and errors: the default.
    Info,
    /// Everything: as --verbose.
    Debug,
}

crate::options::not_a_path!(LogLevel);
crate::options::not_a_path!(u64);

options!(RunArgs {
    input_type,
    output_type,
    paths,
    inputs,
    package,
    force,
    threads,
    workdir,
    strict,
    no_auto_depends,
    json,
    quiet,
    verbose,
    source_date_epoch_default,
    log,
});

/// systemd units and the account a service runs as.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Services")]
pub struct ServiceArgs {
    /// A systemd unit file to install (repeatable): lib/systemd/system (deb) or
    /// usr/lib/systemd/system (rpm, tar), enabled and started on install, restarted after upgrade.
    #[arg(long, value_name = "FILE")]
    pub systemd_unit: Option<Vec<PathBuf>>,

    /// Do not enable the units on install.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_systemd_enable: Option<bool>,

    /// Do not start the units on install or after an upgrade.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_systemd_start: Option<bool>,

    /// Stop the units before an upgrade and start them after it, instead of restarting them.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_systemd_restart_after_upgrade: Option<bool>,

    /// Create this system user before the files are unpacked (deb preinst, rpm %pre); never
    /// removed. Files can be owned by it with [[files]] owner in pkgr.toml.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// The service user's primary group (default: the user's name), or a system group alone.
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// The service user's home directory, shipped in the package (0750, owned by the user), so
    /// purge removes it when empty. Default: /nonexistent, not created.
    #[arg(long, value_name = "DIR")]
    pub home: Option<String>,
}

options!(ServiceArgs {
    systemd_unit,
    no_systemd_enable,
    no_systemd_start,
    no_systemd_restart_after_upgrade,
    user,
    group,
    home,
});

impl RunArgs {
    /// `--threads`, at least 1; by default the CPUs this process may use
    /// ([`std::thread::available_parallelism`], which honours cgroup quotas and affinity).
    ///
    /// # Errors
    /// [`OptionError`] for `--threads 0`.
    pub fn threads(&self) -> Result<u32, super::OptionError> {
        match self.threads {
            Some(0) => Err(super::OptionError::new(
                "--threads 0",
                "use 1 or more (default: the number of CPUs)",
            )),
            Some(n) => Ok(n),
            None => Ok(std::thread::available_parallelism()
                .map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))),
        }
    }

    /// `-q`, or `--log error|warn` when neither -q nor --verbose was given.
    pub fn is_quiet(&self) -> bool {
        match (self.quiet, self.verbose) {
            (Some(q), _) => q,
            (None, Some(true)) => false,
            _ => matches!(self.log, Some(LogLevel::Error | LogLevel::Warn)),
        }
    }

    /// `--verbose` (fpm's `--debug`), or `--log debug` when neither -q nor --verbose was given.
    pub fn is_verbose(&self) -> bool {
        match (self.verbose, self.quiet) {
            (Some(v), _) => v,
            (None, Some(true)) => false,
            _ => self.log == Some(LogLevel::Debug),
        }
    }

    /// A flag's value: `--force` is `Some(true)`, `--force=false` `Some(false)`, absent `None`.
    pub fn flag(value: Option<bool>) -> bool {
        value.unwrap_or(false)
    }
}
