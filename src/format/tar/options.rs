//! The tarball's own options: `--tar-compression`, `--tar-compression-level`, `--tar-prefix`
//! (pkgr.toml: the same keys, or `compression`, `compression-level`, `prefix` in `[tar]`).

use crate::compress::Algorithm;
use crate::options::options;

/// Options of `-t tar`.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-t tar")]
#[group(id = "tar-options")]
pub struct Args {
    /// Compression of the tarball (gz, xz, zst, bz2, lzma or none). Default: from a -p file name
    /// (.tar.gz, .tgz, .tar.xz, .tar.zst, .tar.bz2, .tbz2, .tar.lzma, .tar), else zst.
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub tar_compression: Option<Algorithm>,

    /// Level of the tarball compression.
    #[arg(long, value_name = "LEVEL")]
    pub tar_compression_level: Option<u32>,

    /// Root every tarball entry below this directory instead of /.
    #[arg(long, value_name = "DIR")]
    pub tar_prefix: Option<String>,
}

options!(Args {
    tar_compression,
    tar_compression_level,
    tar_prefix,
});
