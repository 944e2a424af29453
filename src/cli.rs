//! Command-line flags (fpm's names where a user would type them) → [`BuildRequest`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Parser;

use crate::compress::{Algorithm, Compression};
use crate::model::Phase;
use crate::source::dir::DirOptions;
use crate::source::virtualenv::VenvOptions;
use crate::source::SourceKind;
use crate::target::{TargetKind, TargetOptions};
use crate::{BuildRequest, Error};

/// Build native packages from a Python application or a directory, in one step.
///
/// Example: pkgr -s virtualenv -t deb ./app
#[derive(Debug, Parser)]
#[command(
    name = "pkgr",
    disable_version_flag = true,
    args_override_self = true,
    after_help = "Exit status: 0 success, 1 build failure (pip, I/O, disk full), 2 invalid input.\nEnvironment: SOURCE_DATE_EPOCH sets every timestamp in the package (default 2024-01-01)."
)]
pub struct Cli {
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
    pub targets: Vec<TargetKind>,

    /// Package name (Debian Policy 5.6.1). Default: the Python project's name.
    #[arg(short = 'n', long)]
    pub name: Option<String>,

    /// Package version. Default: the Python project's version (PEP 440 mapped to Debian, 1.0rc1 →
    /// 1.0~rc1), or 1.0 for -s dir. Without a value: print pkgr's own version.
    #[arg(short = 'v', long = "version", num_args = 0..=1, default_missing_value = "")]
    pub version: Option<String>,

    /// Print pkgr's version and exit.
    #[arg(short = 'V')]
    pub print_version: bool,

    /// Package revision: the Debian revision after '-' (RPM Release). Default: none.
    #[arg(long)]
    pub iteration: Option<String>,

    /// Version epoch (the N in N:version).
    #[arg(long)]
    pub epoch: Option<u32>,

    /// Architecture: 'native' (the build host's), 'all', or a Debian name such as amd64.
    #[arg(short = 'a', long, default_value = "native")]
    pub architecture: String,

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

    /// Script run before installation (Debian preinst). Must start with '#!'.
    #[arg(long = "before-install")]
    pub before_install: Option<PathBuf>,

    /// Script run after installation (Debian postinst).
    #[arg(long = "after-install")]
    pub after_install: Option<PathBuf>,

    /// Script run before removal (Debian prerm).
    #[arg(long = "before-remove")]
    pub before_remove: Option<PathBuf>,

    /// Script run after removal (Debian postrm).
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

    /// Compression of the .deb's data.tar.
    #[arg(long = "deb-compression", default_value = "xz", value_parser = ["gz", "xz", "zst", "none"])]
    pub deb_compression: String,

    /// Compression level (gz, xz: 0-9; zst: 1-22). Default: gz 9, xz 6, zst 3.
    #[arg(long = "deb-compression-level")]
    pub deb_compression_level: Option<u32>,

    /// Compression of the .rpm payload.
    #[arg(long = "rpm-compression", default_value = "zstd", value_parser = ["gzip", "xz", "zstd", "none"])]
    pub rpm_compression: String,

    /// Level of the .rpm payload compression (gzip, xz: 0-9; zstd: 1-22).
    #[arg(long = "rpm-compression-level")]
    pub rpm_compression_level: Option<u32>,

    /// The .rpm Build Host tag; fixed so that builds are reproducible.
    #[arg(long = "rpm-build-host", default_value = "pkgr")]
    pub rpm_build_host: String,

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

    /// -s virtualenv: the interpreter that creates the venv; the target machine needs the same one.
    #[arg(long, default_value = crate::source::virtualenv::DEFAULT_PYTHON)]
    pub python: PathBuf,

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

    /// -s virtualenv: install the requirements only, not the application itself.
    #[arg(long = "no-install-app")]
    pub no_install_app: bool,

    /// -s virtualenv: where the venv is installed. Default: /opt/venvs/NAME.
    #[arg(long = "venv-prefix")]
    pub venv_prefix: Option<String>,

    /// Directory for pkgr's scratch files (the venv staging directory). Default: $TMPDIR.
    #[arg(long)]
    pub workdir: Option<PathBuf>,

    /// Print only warnings, errors and the artifact lines.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Source paths: for virtualenv one directory; for dir, paths or src=dst mappings.
    pub paths: Vec<String>,
}

/// What the command line asks for.
pub enum Action {
    /// Print pkgr's version.
    PrintVersion,
    /// Build packages.
    Build(Box<BuildRequest>),
}

impl Cli {
    /// Turns flags into an [`Action`].
    ///
    /// # Errors
    /// [`Error::Usage`] for missing or invalid flags (exit status 2).
    pub fn into_action(self, source_date_epoch: Option<&str>) -> Result<Action, Error> {
        if self.print_version || self.version.as_deref() == Some("") {
            return Ok(Action::PrintVersion);
        }
        let source = self
            .source
            .ok_or_else(|| Error::Usage("missing -s/--input-type (virtualenv or dir)".into()))?;
        if self.targets.is_empty() {
            return Err(Error::Usage(
                "missing -t/--output-type (deb, rpm or tar)".into(),
            ));
        }
        if self.paths.is_empty() {
            return Err(Error::Usage(
                "missing PATH: what should be packaged?".into(),
            ));
        }
        let deb_compression = compression(
            "--deb-compression",
            &self.deb_compression,
            self.deb_compression_level,
        )?;
        let rpm_compression = compression(
            "--rpm-compression",
            &self.rpm_compression,
            self.rpm_compression_level,
        )?;
        let tar_name = self
            .tar_compression
            .clone()
            .or_else(|| self.package.as_deref().and_then(tar_compression_from_name))
            .unwrap_or_else(|| "zst".into());
        let tar_compression =
            compression("--tar-compression", &tar_name, self.tar_compression_level)?;
        let tar_prefix = self
            .tar_prefix
            .as_deref()
            .map(|p| {
                crate::model::PkgPath::parse(p)
                    .map_err(|e| Error::Usage(format!("--tar-prefix: {e}")))
            })
            .transpose()?;
        let sde = crate::time::source_date_epoch(source_date_epoch)
            .map_err(|e| Error::Usage(e.to_string()))?;
        let mut scripts = BTreeMap::new();
        for (phase, path) in [
            (Phase::BeforeInstall, self.before_install),
            (Phase::AfterInstall, self.after_install),
            (Phase::BeforeRemove, self.before_remove),
            (Phase::AfterRemove, self.after_remove),
            (Phase::BeforeUpgrade, self.before_upgrade),
            (Phase::AfterUpgrade, self.after_upgrade),
        ] {
            if let Some(p) = path {
                scripts.insert(phase, p);
            }
        }
        let mut targets = self.targets;
        targets.dedup();
        Ok(Action::Build(Box::new(BuildRequest {
            source,
            targets,
            inputs: self.paths,
            name: self.name,
            version: self.version,
            iteration: self.iteration,
            epoch: self.epoch,
            architecture: self.architecture,
            maintainer: self.maintainer,
            vendor: self.vendor,
            url: self.url,
            license: self.license,
            description: self.description,
            category: self.category,
            priority: self.priority,
            depends: self.depends,
            provides: self.provides,
            conflicts: self.conflicts,
            replaces: self.replaces,
            recommends: self.recommends,
            suggests: self.suggests,
            config_files: self.config_files,
            directories: self.directories,
            scripts,
            excludes: self.exclude,
            dir: DirOptions {
                inputs: vec![],
                chdir: self.chdir,
                prefix: self.prefix,
            },
            venv: VenvOptions {
                python: Some(self.python),
                requirements: self.requirements,
                index_url: self.index_url,
                extra_index_urls: self.extra_index_url,
                find_links: self.find_links,
                pip_args: self.pip_arg,
                no_install_app: self.no_install_app,
                venv_prefix: self.venv_prefix,
                workdir: self.workdir,
            },
            target_options: TargetOptions {
                deb_compression,
                rpm_compression,
                rpm_build_host: self.rpm_build_host,
                rpm_sign_key: self.rpm_sign_key,
                tar_compression,
                tar_prefix,
            },
            package: self.package,
            force: self.force,
            source_date_epoch: sde,
        })))
    }
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
