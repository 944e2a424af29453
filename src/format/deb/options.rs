//! The deb's own options: `--deb-compression`, `--deb-compression-level`, `--deb-priority`,
//! and fpm's deb-only files and rules ([`super::extras`]) (pkgr.toml: the same keys, or without
//! the `deb-` prefix in `[deb]`).

use std::path::PathBuf;

use crate::compress::Algorithm;
use crate::options::options;

/// Options of `-t deb`.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-t deb")]
#[group(id = "deb-options")]
pub struct Args {
    /// Compression of the .deb's data.tar: gz, xz (default), zst, bz2 (bzip2, as fpm), lzma or none.
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub deb_compression: Option<Algorithm>,

    /// Compression level (gz, xz, lzma: 0-9; zst: 1-22; bz2: 1-9). Default: gz 9, xz 6, zst 3, bz2 9.
    #[arg(long, value_name = "LEVEL")]
    pub deb_compression_level: Option<u32>,

    /// Debian Priority (Policy §2.5): required, important, standard, optional or extra.
    /// Default: optional.
    #[arg(long, value_name = "PRIORITY")]
    pub deb_priority: Option<String>,

    /// Owner of every file the package gives no other owner (fpm's; default root).
    #[arg(long, value_name = "USER")]
    pub deb_user: Option<String>,

    /// Group of every file the package gives no other group (fpm's; default root).
    #[arg(long, value_name = "GROUP")]
    pub deb_group: Option<String>,

    /// Files under /etc are not conffiles just for being there (--config-files still are).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub deb_no_default_config_files: Option<bool>,

    /// The --deb-init and --deb-default files are conffiles (default; `=false` turns it off,
    /// as fpm's --no-deb-auto-config-files).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub deb_auto_config_files: Option<bool>,

    /// An init script, installed as /etc/init.d/NAME (the file name without '.init'), 0755.
    /// Repeatable.
    #[arg(long, value_name = "FILE")]
    pub deb_init: Option<Vec<PathBuf>>,

    /// A defaults file, installed as /etc/default/NAME (the file name without '.default').
    /// Repeatable.
    #[arg(long, value_name = "FILE")]
    pub deb_default: Option<Vec<PathBuf>>,

    /// A systemd unit for the deb (fpm's; '.service' added to a bare name), enabled and started
    /// only with --deb-systemd-enable and --deb-systemd-auto-start, as in fpm. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub deb_systemd: Option<Vec<PathBuf>>,

    /// Enable the --deb-systemd units on install.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub deb_systemd_enable: Option<bool>,

    /// Start the --deb-systemd units on install.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub deb_systemd_auto_start: Option<bool>,

    /// Restart the --deb-systemd units after an upgrade (default; `=false` is fpm's
    /// --no-deb-systemd-restart-after-upgrade).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub deb_systemd_restart_after_upgrade: Option<bool>,

    /// A Pre-Depends relation (Policy §7.2), as -d takes it. Repeatable.
    #[arg(long, value_name = "DEPENDENCY")]
    pub deb_pre_depends: Option<Vec<String>>,

    /// A custom control field, 'Field: value' (deb-control(5); one line; not a field pkgr
    /// writes from its own flags), e.g. 'X-Origin: ci'. Repeatable.
    #[arg(long, value_name = "'FIELD: VALUE'")]
    pub deb_field: Option<Vec<String>>,
}

options!(Args {
    deb_compression,
    deb_compression_level,
    deb_priority,
    deb_user,
    deb_group,
    deb_no_default_config_files,
    deb_auto_config_files,
    deb_init,
    deb_default,
    deb_systemd,
    deb_systemd_enable,
    deb_systemd_auto_start,
    deb_systemd_restart_after_upgrade,
    deb_pre_depends,
    deb_field,
});
