//! The deb's own options: `--deb-compression`, `--deb-compression-level`, `--deb-priority`
//! (pkgr.toml: the same keys, or `compression`, `compression-level`, `priority` in `[deb]`).

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
    /// Compression of the .deb's data.tar: gz, xz (default), zst or none.
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub deb_compression: Option<Algorithm>,

    /// Compression level (gz, xz: 0-9; zst: 1-22). Default: gz 9, xz 6, zst 3.
    #[arg(long, value_name = "LEVEL")]
    pub deb_compression_level: Option<u32>,

    /// Debian Priority (Policy §2.5): required, important, standard, optional or extra.
    /// Default: optional.
    #[arg(long, value_name = "PRIORITY")]
    pub deb_priority: Option<String>,
}

options!(Args {
    deb_compression,
    deb_compression_level,
    deb_priority,
});
