//! The tarball writer: the payload as a plain tar (`.tar`, `.tar.gz`, `.tar.xz`, `.tar.zst`),
//! laid out by [`crate::archive`] (deterministic, `./`-relative names, root:root), so that
//! `tar -C / -xf NAME.tar.zst` installs it. `--tar-prefix DIR` roots every entry below `DIR`
//! instead. The base system's directories ([`crate::sysdirs`]) get no entry of their own, so
//! extracting at `/` never changes their modes. A tarball has no maintainer scripts: a venv's
//! byte-code is compiled on first use.

use std::io::Write;

use crate::archive::{self, TarOptions};
use crate::compress::{Algorithm, Compression};
use crate::format::common;
use crate::format::{Format, FormatError, Problems, WriteContext};
use crate::model::{Entry, Package, PkgPath};
use crate::options::{OptionError, Options};

pub mod options;
pub mod read;

/// The tarball writer.
pub struct Tar {
    compression: Compression,
    prefix: Option<PkgPath>,
}

impl Tar {
    /// A writer with this compression, optionally rooting everything under `prefix`.
    pub fn new(compression: Compression, prefix: Option<PkgPath>) -> Self {
        Tar {
            compression,
            prefix,
        }
    }

    /// The writer the options ask for: `--tar-compression` (default: from a `-p` file name,
    /// else zst) at `--tar-compression-level` on `--threads` workers, and `--tar-prefix`.
    ///
    /// # Errors
    /// [`OptionError`] for a level out of range, a bad prefix or `--threads 0`.
    pub fn from_options(opts: &Options) -> Result<Self, OptionError> {
        let a = &opts.formats.tar;
        let from_name = opts.run.package.as_ref().and_then(|p| {
            let p = p.to_string_lossy();
            [
                (".tar.gz", Algorithm::Gzip),
                (".tgz", Algorithm::Gzip),
                (".tar.xz", Algorithm::Xz),
                (".tar.zst", Algorithm::Zstd),
                (".tar.bz2", Algorithm::Bzip2),
                (".tbz2", Algorithm::Bzip2),
                (".tar.lzma", Algorithm::Lzma),
                (".tar", Algorithm::None),
            ]
            .into_iter()
            .find(|(ext, _)| p.ends_with(ext))
            .map(|(_, a)| a)
        });
        let algorithm = a.tar_compression.or(from_name).unwrap_or(Algorithm::Zstd);
        let compression = Compression::new(algorithm, a.tar_compression_level)
            .map_err(|e| OptionError::new("--tar-compression-level", e.to_string()))?
            .with_threads(opts.run.threads()?);
        let prefix = a
            .tar_prefix
            .as_deref()
            .map(PkgPath::parse)
            .transpose()
            .map_err(|e| OptionError::new("--tar-prefix", e.to_string()))?;
        Ok(Tar::new(compression, prefix))
    }

    fn rooted(&self, pkg: &Package) -> Result<Package, FormatError> {
        let Some(prefix) = &self.prefix else {
            return Ok(pkg.clone());
        };
        let mut out = Package {
            meta: pkg.meta.clone(),
            ..Default::default()
        };
        for e in &pkg.entries {
            let path = prefix
                .join(e.path.relative())
                .map_err(|err| FormatError::invalid("--tar-prefix", err.to_string()))?;
            let mut moved = Entry { path, ..e.clone() };
            if let crate::model::EntryKind::HardLink { target } = &e.kind {
                moved.kind = crate::model::EntryKind::HardLink {
                    target: prefix
                        .join(target.relative())
                        .map_err(|err| FormatError::invalid("--tar-prefix", err.to_string()))?,
                };
            }
            out.entries.push(moved);
        }
        out.finalize()
            .map_err(|e| FormatError::invalid("--tar-prefix", e.to_string()))?;
        Ok(out)
    }
}

impl Format for Tar {
    fn name(&self) -> &'static str {
        "tar"
    }

    fn extension(&self) -> &'static str {
        self.compression.algorithm.tar_extension()
    }

    /// `NAME-VERSION[-ITERATION].ARCH.tar.EXT`, ARCH as `uname -m` names it (`x86_64`).
    fn file_name(&self, pkg: &Package) -> String {
        let mut v = pkg.meta.version.clone();
        if let Some(i) = &pkg.meta.iteration {
            v.push('-');
            v.push_str(i);
        }
        format!(
            "{}-{}.{}.{}",
            pkg.meta.name,
            v,
            self.architecture(pkg),
            self.extension()
        )
    }

    fn architecture(&self, pkg: &Package) -> String {
        crate::format::common::rpm_arch(&pkg.meta.architecture).to_string()
    }

    fn full_version(&self, pkg: &Package) -> String {
        match &pkg.meta.iteration {
            Some(i) => format!("{}-{i}", pkg.meta.version),
            None => pkg.meta.version.clone(),
        }
    }

    /// A tarball has no metadata of its own, but its file name is built from the name, version,
    /// iteration and architecture: each must be one safe file-name component
    /// ([`common::check_file_name_part`]), and the architecture a known one. Owners must fit
    /// tar's name fields ([`common::check_owners`]).
    fn validate(&self, pkg: &Package) -> Result<(), FormatError> {
        let m = &pkg.meta;
        let mut p = Problems::default();
        p.check(common::check_file_name_part("Name (-n/--name)", &m.name));
        p.check(common::check_file_name_part(
            "Version (-v/--version)",
            &m.version,
        ));
        if let Some(i) = &m.iteration {
            p.check(common::check_file_name_part("Iteration (--iteration)", i));
        }
        if common::arch(&m.architecture).is_none() {
            p.push(FormatError::invalid(
                "Architecture (-a/--architecture)",
                format!(
                    "'{}' is not a known architecture; use 'native' or one of: {}",
                    m.architecture.escape_debug(),
                    common::known_architectures()
                ),
            ));
        }
        p.check(common::check_owners(pkg));
        p.finish()
    }

    /// The units where RPM distributions keep them (a tarball follows `%{_unitdir}`), the whole
    /// payload moved below `--tar-prefix`, and no entry for the base system's directories:
    /// `tar -x` at `/` creates what is missing and never changes an existing /usr, /etc or /opt.
    fn prepare(&self, pkg: &Package, _ctx: &WriteContext) -> Result<Package, FormatError> {
        let pkg = common::with_units(pkg, common::RPM_UNIT_DIR)?;
        let mut pkg = self.rooted(&pkg)?;
        pkg.entries.retain(|e| {
            e.kind != crate::model::EntryKind::Dir
                || !crate::sysdirs::is_system_dir(&e.path.display())
        });
        Ok(pkg)
    }

    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError> {
        let enc = self.compression.encoder(out)?;
        let opts = TarOptions {
            progress: Some(ctx.listener),
            mtime: ctx.mtime,
            root_entry: false,
            md5: false,
        };
        ctx.listener.begin("tar", pkg.payload_bytes());
        let written = archive::write_tar(pkg, enc, opts);
        ctx.listener.end();
        let (enc, _) = written?;
        enc.finish()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::Algorithm;
    use std::io::Read;

    #[test]
    fn writes_relative_entries_optionally_under_a_prefix() {
        let mut p = Package::default();
        p.meta.name = "hello".into();
        p.meta.version = "1.0".into();
        p.meta.architecture = "amd64".into();
        p.entries.push(Entry::bytes(
            PkgPath::parse("/opt/app/run").unwrap(),
            b"x".to_vec(),
            0o755,
        ));
        p.finalize().unwrap();
        let l = crate::listener::Collect::default();
        let ctx = WriteContext::new(1, &l);
        for (prefix, want) in [
            (None, "./opt/app/run"),
            (Some("/srv/root"), "./srv/root/opt/app/run"),
        ] {
            let t = Tar::new(
                Compression::new(Algorithm::Gzip, None).unwrap(),
                prefix.map(|s| PkgPath::parse(s).unwrap()),
            );
            assert_eq!(t.file_name(&p), "hello-1.0.x86_64.tar.gz");
            let mut out = Vec::new();
            crate::format::build(&t, &p, &mut out, &ctx).unwrap();
            let mut raw = Vec::new();
            flate2::read::GzDecoder::new(&out[..])
                .read_to_end(&mut raw)
                .unwrap();
            let mut a = tar::Archive::new(&raw[..]);
            let names: Vec<String> = a
                .entries()
                .unwrap()
                .map(|e| String::from_utf8(e.unwrap().path_bytes().to_vec()).unwrap())
                .collect();
            assert_eq!(names.last().unwrap(), want);
            assert!(
                !names.contains(&"./".to_string()),
                "no root entry: {names:?}"
            );
        }
    }
}
