//! The options that describe the package itself, the same for every format (each format renders
//! them in its own terms): metadata, relations, contents and maintainer scripts.

use std::path::PathBuf;

use super::options;

/// Name, version and the descriptive fields.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Package metadata")]
pub struct MetaArgs {
    /// Package name. Default: the Python project's name.
    #[arg(short = 'n', long)]
    pub name: Option<String>,

    /// Package version (always a value; pkgr's own version is `pkgr -V`). Default: the Python
    /// project's version (PEP 440 mapped to Debian, 1.0rc1 → 1.0~rc1), or 1.0 for -s dir.
    #[arg(short = 'v', long)]
    pub version: Option<String>,

    /// Package revision: the Debian revision after '-' (RPM Release, default 1). Default: none.
    #[arg(long)]
    pub iteration: Option<String>,

    /// Version epoch (the N in N:version).
    #[arg(long)]
    pub epoch: Option<u32>,

    /// Architecture: 'native' (the build host's; the default), 'all', or any spelling dpkg, rpm
    /// or fpm uses (amd64 or x86_64, arm64 or aarch64, all or noarch, ...).
    #[arg(short = 'a', long)]
    pub architecture: Option<String>,

    /// Maintainer, 'Full Name <email>' (Policy 5.6.2; an email alone is named for the deb, with a
    /// warning). Default: pyproject.toml's maintainers/authors.
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
    #[arg(long, value_name = "FILE")]
    pub license_file: Option<PathBuf>,

    /// Description: the first line is the synopsis, further lines the extended description.
    #[arg(long)]
    pub description: Option<String>,

    /// Category: the deb Section and the rpm Group, e.g. python, web, utils. Default: misc.
    #[arg(long)]
    pub category: Option<String>,

    /// Appended to the package name with a '-' (fpm's -S; `-n app -S dev` builds 'app-dev').
    #[arg(short = 'S', long, value_name = "SUFFIX")]
    pub package_name_suffix: Option<String>,
}

options!(MetaArgs {
    name,
    version,
    iteration,
    epoch,
    architecture,
    maintainer,
    vendor,
    url,
    license,
    license_file,
    description,
    category,
    package_name_suffix,
});

/// Relationship fields, in Debian or fpm syntax (`foo (>= 1.0) | bar`, `foo >= 1.0`).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Relations")]
pub struct RelationArgs {
    /// A dependency, e.g. 'libpq5 (>= 15)' or 'libpq5 >= 15'; '|' separates alternatives. Repeatable.
    #[arg(short = 'd', long)]
    pub depends: Option<Vec<String>>,

    /// A virtual package this one provides. Repeatable.
    #[arg(long)]
    pub provides: Option<Vec<String>>,

    /// A package this one conflicts with. Repeatable.
    #[arg(long)]
    pub conflicts: Option<Vec<String>>,

    /// A package whose files this one replaces (RPM Obsoletes). Repeatable.
    #[arg(long)]
    pub replaces: Option<Vec<String>>,

    /// A package recommended alongside this one (a weak dependency). Repeatable.
    #[arg(long, alias = "deb-recommends")]
    pub recommends: Option<Vec<String>>,

    /// A package suggested alongside this one. Repeatable.
    #[arg(long, alias = "deb-suggests")]
    pub suggests: Option<Vec<String>>,

    /// List no dependency at all (as fpm): neither -d nor what pkgr infers (the deb's Depends
    /// and the rpm's Requires are empty; the other relations stay).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub no_depends: Option<bool>,
}

options!(RelationArgs {
    depends,
    provides,
    conflicts,
    replaces,
    recommends,
    suggests,
    no_depends,
});

/// Which installed paths are configuration or directories of the package, and what to leave out.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Contents")]
pub struct ContentArgs {
    /// A configuration file (installed path; a directory means every file below it). Files under
    /// /etc are configuration files anyway. Repeatable.
    #[arg(long)]
    pub config_files: Option<Vec<String>>,

    /// A directory the package owns, created if absent (installed path). Repeatable.
    #[arg(long)]
    pub directories: Option<Vec<String>>,

    /// Leave out files matching this glob (relative path or file name; a PATH named on the
    /// command line too, as in fpm). Repeatable.
    #[arg(short = 'x', long)]
    pub exclude: Option<Vec<String>>,

    /// A file of -x patterns, one per line (blank lines ignored), as fpm's --exclude-file.
    #[arg(long, value_name = "FILE")]
    pub exclude_file: Option<PathBuf>,

    /// Where the input goes, as fpm's `--prefix`: with -s dir, paths given without '=' and
    /// relative destinations (`build/venv=.`) are installed below it (an absolute PATH too:
    /// `--prefix /usr/local /tmp/tree` installs /usr/local/tmp/tree); with -s virtualenv it is
    /// the venv's install location (the same as --venv-prefix); with -s tar every member goes
    /// below it. Default: / for -s dir and -s tar, /opt/venvs/NAME for -s virtualenv.
    #[arg(long, value_name = "DIR")]
    pub prefix: Option<String>,
}

options!(ContentArgs {
    config_files,
    directories,
    exclude,
    exclude_file,
    prefix,
});

/// Maintainer scripts, by fpm's names (each must start with `#!`). fpm's deprecated spellings
/// `--pre-install`, `--post-install`, `--pre-uninstall` and `--post-uninstall` are aliases.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Maintainer scripts")]
pub struct ScriptArgs {
    /// Script run before installation (Debian preinst, RPM %pre). Must start with '#!'.
    #[arg(long, value_name = "FILE", alias = "pre-install")]
    #[serde(alias = "pre-install")]
    pub before_install: Option<PathBuf>,

    /// Script run after installation (Debian postinst, RPM %post).
    #[arg(long, value_name = "FILE", alias = "post-install")]
    #[serde(alias = "post-install")]
    pub after_install: Option<PathBuf>,

    /// Script run before removal (Debian prerm, RPM %preun).
    #[arg(long, value_name = "FILE", alias = "pre-uninstall")]
    #[serde(alias = "pre-uninstall")]
    pub before_remove: Option<PathBuf>,

    /// Script run after removal (Debian postrm, RPM %postun).
    #[arg(long, value_name = "FILE", alias = "post-uninstall")]
    #[serde(alias = "post-uninstall")]
    pub after_remove: Option<PathBuf>,

    /// Script run before an upgrade (deb preinst upgrade, rpm %pre with $1 > 1). With an upgrade
    /// script, --before-install/--after-install run only on a fresh install.
    #[arg(long, value_name = "FILE")]
    pub before_upgrade: Option<PathBuf>,

    /// Script run after an upgrade (deb postinst configure with the old version, rpm %post with $1 > 1).
    #[arg(long, value_name = "FILE")]
    pub after_upgrade: Option<PathBuf>,

    /// Render the scripts' ERB tags, as fpm: `<%= name %>`, `version`, `iteration`,
    /// `architecture`, `prefix`, ... and the --template-value keys (only `<%= NAME %>` tags;
    /// Ruby code is an error).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub template_scripts: Option<bool>,

    /// A value for the script templates, KEY=VALUE (`<%= KEY %>`); implies --template-scripts.
    /// Repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub template_value: Option<Vec<String>>,
}

options!(ScriptArgs {
    before_install,
    after_install,
    before_remove,
    after_remove,
    before_upgrade,
    after_upgrade,
    template_scripts,
    template_value,
});
