//! The rpm's own options: `--rpm-compression`, `--rpm-compression-level`, `--rpm-build-host`,
//! `--rpm-sign-key`, `--rpm-os`, and fpm's attribute and digest options ([`super::attrs`])
//! (pkgr.toml: the same keys, or without the `rpm-` prefix in `[rpm]`).

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
    /// Compression of the .rpm payload: gzip, xz, zstd (default), bzip2, lzma or none.
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub rpm_compression: Option<Algorithm>,

    /// Level of the .rpm payload compression (gzip, xz, lzma: 0-9; zstd: 1-22; bzip2: 1-9).
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

    /// File digest algorithm: sha256 (default), sha384 or sha512 (md5 and sha1 are refused:
    /// rpm in FIPS mode will not install them).
    #[arg(long, value_name = "ALGORITHM")]
    pub rpm_digest: Option<String>,

    /// Owner of every entry the package gives no other owner (%defattr's user; default root).
    #[arg(long, value_name = "USER")]
    pub rpm_user: Option<String>,

    /// Group of every entry the package gives no other group (%defattr's group; default root).
    #[arg(long, value_name = "GROUP")]
    pub rpm_group: Option<String>,

    /// Mode of every file, as %defattr's first field ('-', the default, keeps each file's).
    #[arg(long, value_name = "MODE")]
    pub rpm_defattrfile: Option<String>,

    /// Mode of every directory, as %defattr's last field ('-', the default, keeps each one's).
    #[arg(long, value_name = "MODE")]
    pub rpm_defattrdir: Option<String>,

    /// One path's %attr: 'MODE,USER,GROUP:PATH' ('-' keeps a field), e.g.
    /// '0750,app,app:/var/lib/app'. Repeatable.
    #[arg(long, value_name = "ATTR")]
    pub rpm_attr: Option<Vec<String>>,

    /// An init script, installed as /etc/init.d/NAME (the file name without '.init'), 0755.
    /// Repeatable.
    #[arg(long, value_name = "FILE")]
    pub rpm_init: Option<Vec<PathBuf>>,

    /// A distribution tag appended to the Release, as rpmbuild's %{?dist} (`--rpm-dist el9`:
    /// Release 1.el9).
    #[arg(long, value_name = "DIST-TAG")]
    pub rpm_dist: Option<String>,
}

options!(Args {
    rpm_compression,
    rpm_compression_level,
    rpm_build_host,
    rpm_sign_key,
    rpm_os,
    rpm_digest,
    rpm_user,
    rpm_group,
    rpm_defattrfile,
    rpm_defattrdir,
    rpm_attr,
    rpm_init,
    rpm_dist,
});
