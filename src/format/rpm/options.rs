//! The rpm's own options: `--rpm-compression`, `--rpm-compression-level`, `--rpm-build-host`,
//! `--rpm-sign-key`, `--rpm-os` (pkgr.toml: the same keys, or `compression`,
//! `compression-level`, `build-host`, `sign-key`, `os` in `[rpm]`).

use std::path::PathBuf;

use crate::compress::Algorithm;
use crate::options::options;

/// Options of `-t rpm`.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-t rpm")]
#[group(id = "rpm-options")]
pub struct Args {
    /// Compression of the .rpm payload: gzip, xz, zstd (default) or none.
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub rpm_compression: Option<Algorithm>,

    /// Level of the .rpm payload compression (gzip, xz: 0-9; zstd: 1-22).
    #[arg(long, value_name = "LEVEL")]
    pub rpm_compression_level: Option<u32>,

    /// The .rpm Build Host tag (default: pkgr); fixed so that builds are reproducible.
    #[arg(long, value_name = "HOST")]
    pub rpm_build_host: Option<String>,

    /// Sign the .rpm with this ASCII-armored OpenPGP secret key (passphrase from the environment
    /// variable PKGR_RPM_PASSPHRASE). Needs a pkgr built with the 'sign' feature.
    #[arg(long, value_name = "FILE")]
    pub rpm_sign_key: Option<PathBuf>,

    /// The .rpm OS tag, as fpm's --rpm-os: only 'linux' (the default; what rpm on Linux
    /// installs: an rpm for another OS is refused by it).
    #[arg(long, value_name = "OS")]
    pub rpm_os: Option<String>,
}

options!(Args {
    rpm_compression,
    rpm_compression_level,
    rpm_build_host,
    rpm_sign_key,
    rpm_os,
});
