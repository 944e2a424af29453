//! The RPM writer: RPM v4 packages (the RPM file-format docs `format_v4.md`,
//! `format_header.md`, `format_lead.md`; read by rpm 4.x on EL8 through Fedora), written by
//! pkgr itself: a 96-byte lead ([`header::lead`]), the signature header, the main header
//! ([`header::Header`]) and the compressed cpio payload ([`payload`]), streamed through a
//! scratch file so memory does not grow with the payload.
//!
//! Mapping (rpm tag ← model):
//! - Name, Version (no `-`, RPM naming rules), Release ← `--iteration` (default `1`), Epoch,
//!   Arch (amd64 → x86_64, arm64 → aarch64, all → noarch, ...), License, Summary (first line of
//!   the description), Description (the rest), URL, Vendor, Packager (maintainer), Group
//!   (`--category`), a fixed Build Host (`--rpm-build-host`), Build Time and every file mtime
//!   exactly `SOURCE_DATE_EPOCH` (never clamped to the clock), one changelog entry dated the
//!   same, `SOURCERPM` `NAME-VERSION-RELEASE.src.rpm` (rpm takes a header without it for a
//!   source package).
//! - Requires: the venv's interpreter as a file dependency (`/usr/bin/python3.X`, which every rpm
//!   distribution resolves), the sonames compiled files need in rpm's own elfdeps form
//!   (`libc.so.6()(64bit)`, `libc.so.6(GLIBC_2.14)(64bit)`), `-d` translated
//!   ([`deps::relation`]), each scriptlet's interpreter, and the `rpmlib(...)` features the
//!   package uses ([`deps::features`]).
//! - Provides: `NAME = EVR`, `NAME(ISA) = EVR` for arch-specific packages (rpmbuild's own
//!   provides), then `--provides`; Conflicts, Obsoletes (← `--replaces`), Recommends, Suggests.
//! - Scripts: `%pre`/`%post`/`%preun`/`%postun` from [`scripts::RPM`], each run by the
//!   interpreter its `#!` line names.
//! - Files ([`payload::FileList`]): modes kept whole, owners, symlinks, hard links stored once
//!   (rpm's hard-link sets); config files `%config(noreplace)`; files under `/usr/share/doc`
//!   `%doc`; the package owns its directories but never the ones the `filesystem` package owns
//!   ([`crate::sysdirs`]). File and payload digests are SHA-256.
//! - Signature header: SHA-1 and SHA-256 of the header, MD5 of header and payload, their sizes,
//!   4128 bytes of reserved space (as rpmbuild leaves for `rpmsign`), and with `--rpm-sign-key`
//!   an OpenPGP signature of the header.

use std::io::{self, Read, Write};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::compress::{Algorithm, Compression};
use crate::format::common::{self, check_single_line, rpm_arch};
use crate::format::{scripts, Format, FormatError, WriteContext};
use crate::model::{EntryKind, Package, PkgPath};

mod cpio;
pub mod deps;
pub mod header;
pub mod payload;
#[cfg(feature = "sign")]
mod sign;
pub mod tags;

pub use deps::elf_requires;
use deps::Dep;
use header::{Header, Value};

/// The `.rpm` writer.
pub struct Rpm {
    compression: Compression,
    build_host: String,
    sign_key: Option<std::path::PathBuf>,
}

/// Bytes reserved in the signature header for a later `rpmsign --addsign` (rpmbuild's size).
const RESERVED_SPACE: usize = 4128;

impl Rpm {
    /// A writer with this payload compression and Build Host tag.
    pub fn new(compression: Compression, build_host: String) -> Self {
        Rpm {
            compression,
            build_host,
            sign_key: None,
        }
    }

    /// Signs the package with this ASCII-armored OpenPGP secret key (RSA or EdDSA), the
    /// passphrase, if any, from the `PKGR_RPM_PASSPHRASE` environment variable. The signature's
    /// timestamp is `SOURCE_DATE_EPOCH`, so signed builds stay reproducible for deterministic
    /// key types. Needs the `sign` cargo feature; without it, writing fails with a clear error.
    pub fn signed_with(mut self, key: Option<std::path::PathBuf>) -> Self {
        self.sign_key = key;
        self
    }

    fn release(pkg: &Package) -> String {
        pkg.meta.iteration.clone().unwrap_or_else(|| "1".into())
    }

    /// `[EPOCH:]VERSION-RELEASE`, as provides and changelogs spell it.
    fn evr(pkg: &Package) -> String {
        let epoch = pkg.meta.epoch.map(|e| format!("{e}:")).unwrap_or_default();
        format!("{epoch}{}-{}", pkg.meta.version, Self::release(pkg))
    }

    /// The payload compressor's name as `PAYLOADCOMPRESSOR` gives it (none for an
    /// uncompressed payload, as rpmbuild's `ufdio`).
    fn compressor(&self) -> Option<&'static str> {
        match self.compression.algorithm {
            Algorithm::None => None,
            Algorithm::Gzip => Some("gzip"),
            Algorithm::Xz => Some("xz"),
            Algorithm::Zstd => Some("zstd"),
        }
    }
}

/// rpm's `%{_isa}` name for an arch-specific package's `NAME(ISA)` provide.
fn isa(rpm_arch: &str) -> Option<&'static str> {
    Some(match rpm_arch {
        "x86_64" => "x86-64",
        "i686" => "x86-32",
        "aarch64" => "aarch-64",
        "ppc64le" | "ppc64" => "ppc-64",
        "s390x" => "s390-64",
        "armv7hl" | "armv5tel" => "arm-32",
        "riscv64" => "riscv-64",
        "loongarch64" => "loongarch-64",
        _ => return None,
    })
}

/// The lead's architecture number (rpm's `rpmrc` `arch_canon` table), for `file(1)`.
fn archnum(rpm_arch: &str) -> u16 {
    match rpm_arch {
        "x86_64" | "i686" => 1,
        "armv7hl" | "armv5tel" => 12,
        "s390x" => 15,
        "ppc64le" | "ppc64" => 16,
        "aarch64" => 19,
        _ => 0,
    }
}

fn utf8(p: &PkgPath) -> Result<&str, FormatError> {
    std::str::from_utf8(p.as_bytes()).map_err(|_| {
        FormatError::invalid(
            "file name",
            format!(
                "'{}' is not UTF-8, which RPM headers cannot hold",
                p.display()
            ),
        )
    })
}

/// RPM's version and release alphabet: letters, digits and `. _ + ~ ^`.
fn check_evr_part(field: &str, v: &str) -> Result<(), FormatError> {
    if v.is_empty() {
        return Err(FormatError::invalid(field, "is empty"));
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | '^')))
    {
        let why = if c == '-' {
            "contains '-', which RPM reserves to separate version and release; use --iteration for the release".to_string()
        } else {
            format!("contains {c:?}; RPM versions use only letters, digits and . _ + ~ ^")
        };
        return Err(FormatError::invalid(
            field,
            format!("'{}' {why}", v.escape_debug()),
        ));
    }
    Ok(())
}

impl Format for Rpm {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn extension(&self) -> &'static str {
        "rpm"
    }

    /// `NAME-VERSION-RELEASE.ARCH.rpm`.
    fn file_name(&self, pkg: &Package) -> String {
        format!(
            "{}-{}-{}.{}.rpm",
            pkg.meta.name,
            pkg.meta.version,
            Self::release(pkg),
            self.architecture(pkg)
        )
    }

    fn architecture(&self, pkg: &Package) -> String {
        rpm_arch(&pkg.meta.architecture).to_string()
    }

    fn full_version(&self, pkg: &Package) -> String {
        Self::evr(pkg)
    }

    fn validate(&self, pkg: &Package) -> Result<(), FormatError> {
        let m = &pkg.meta;
        if !m
            .name
            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            || !m
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
        {
            return Err(FormatError::invalid(
                "Name (-n/--name)",
                format!(
                    "'{}' is not a valid RPM package name: use letters, digits and . _ + -, starting with a letter, digit or '_'",
                    m.name.escape_debug()
                ),
            ));
        }
        check_evr_part("Version (-v/--version)", &m.version)?;
        check_evr_part("Release (--iteration)", &Self::release(pkg))?;
        if common::arch(&m.architecture).is_none() {
            return Err(FormatError::invalid(
                "Arch (-a/--architecture)",
                format!(
                    "'{}' is not a known architecture",
                    m.architecture.escape_debug()
                ),
            ));
        }
        for (field, v) in [
            ("Packager (-m/--maintainer)", Some(&m.maintainer)),
            ("URL (--url)", m.url.as_ref()),
            ("License (--license)", m.license.as_ref()),
            ("Vendor (--vendor)", m.vendor.as_ref()),
            ("Group (--category)", Some(&m.category)),
            ("Build Host (--rpm-build-host)", Some(&self.build_host)),
        ] {
            if let Some(v) = v {
                check_single_line(field, v)?;
            }
        }
        if m.description
            .lines()
            .next()
            .is_none_or(|l| l.trim().is_empty())
        {
            return Err(FormatError::invalid(
                "Summary (--description)",
                "the first line is empty",
            ));
        }
        common::check_owners(pkg)?;
        for e in &pkg.entries {
            utf8(&e.path)?;
            if e.path.as_bytes().iter().any(|b| b.is_ascii_control()) {
                return Err(FormatError::invalid(
                    "file name",
                    format!(
                        "'{}' contains a control character; RPM repository metadata (filelists.xml) and rpm's line-based file lists cannot hold it",
                        e.path.display().escape_debug()
                    ),
                ));
            }
            if let EntryKind::Symlink { target } = &e.kind {
                if std::str::from_utf8(target).is_err() {
                    return Err(FormatError::invalid(
                        "symlink target",
                        format!(
                            "the target of '{}' is not UTF-8, which RPM headers cannot hold",
                            e.path
                        ),
                    ));
                }
            }
        }
        if let Some(k) = &self.sign_key {
            if cfg!(not(feature = "sign")) {
                return Err(FormatError::invalid(
                    "--rpm-sign-key",
                    "this pkgr was built without rpm signing; rebuild it with `cargo build --features sign`",
                ));
            }
            if !k.is_file() {
                return Err(FormatError::invalid(
                    "--rpm-sign-key",
                    format!("'{}' is not a file", k.display()),
                ));
            }
        }
        scripts::check_user_scripts(pkg)
    }

    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError> {
        self.validate(pkg)?;
        let pkg = &*crate::format::with_units(pkg, crate::format::RPM_UNIT_DIR)?;
        let m = &pkg.meta;
        let mtime = u32::try_from(ctx.mtime)
            .map_err(|_| FormatError::invalid("SOURCE_DATE_EPOCH", "RPM timestamps are 32-bit"))?;
        let skip = |p: &PkgPath| crate::sysdirs::is_system_dir(&p.display());
        let list = payload::FileList::new(pkg, &skip)?;
        ctx.listener.begin("rpm", pkg.payload_bytes());
        let written = payload::write(&list, pkg, self.compression, mtime, ctx);
        ctx.listener.end();
        let mut written = written?;

        let mut h = Header::default();
        self.put_metadata(&mut h, pkg, mtime);
        list.put_tags(&mut h, &written.digests, mtime);
        if list.large {
            h.put(tags::LONGSIZE, Value::Int64(vec![list.total_size()]));
        } else {
            h.put(tags::SIZE, Value::Int32(vec![list.total_size() as u32]));
        }
        let interp_args = self.put_scripts(&mut h, pkg);
        self.put_relations(&mut h, pkg, ctx, &list, interp_args)?;
        h.put(tags::PAYLOADFORMAT, Value::Str("cpio".into()));
        if let Some(c) = self.compressor() {
            h.put(tags::PAYLOADCOMPRESSOR, Value::Str(c.into()));
        }
        h.put(
            tags::PAYLOADFLAGS,
            Value::Str(match self.compression.algorithm {
                Algorithm::None => String::new(),
                _ => self.compression.level.to_string(),
            }),
        );
        h.put(
            tags::PAYLOADDIGEST,
            Value::StrArray(vec![written.sha256.clone()]),
        );
        h.put(
            tags::PAYLOADDIGESTALGO,
            Value::Int32(vec![tags::HASH_SHA256]),
        );
        h.put(
            tags::PAYLOADDIGESTALT,
            Value::StrArray(vec![written.sha256_uncompressed.clone()]),
        );
        let header = h.to_bytes(tags::HEADERIMMUTABLE);

        let sig = self.signature(&header, &mut written, mtime)?;
        let nvr = format!("{}-{}-{}", m.name, m.version, Self::release(pkg));
        out.write_all(&header::lead(&nvr, archnum(&self.architecture(pkg))))?;
        out.write_all(&sig)?;
        out.write_all(&[0u8; 7][..(8 - sig.len() % 8) % 8])?;
        out.write_all(&header)?;
        io::copy(&mut written.file, out)?;
        Ok(())
    }
}

impl Rpm {
    /// The descriptive tags.
    fn put_metadata(&self, h: &mut Header, pkg: &Package, mtime: u32) {
        let m = &pkg.meta;
        let mut lines = m.description.lines();
        let summary = lines.next().unwrap_or("").trim().to_string();
        // %description is the whole text, the summary line first (as fpm writes it), the rest
        // reflowed: rpmlint wants lines within 79 columns; indented lines are kept verbatim.
        let rest = lines.collect::<Vec<_>>().join("\n");
        let mut description = summary.clone();
        for line in common::reflow(rest.trim_matches('\n'), 79) {
            description.push('\n');
            description.push_str(&line);
        }
        let s = |v: &str| Value::Str(v.to_string());
        h.put(tags::HEADERI18NTABLE, Value::StrArray(vec!["C".into()]));
        h.put(tags::NAME, s(&m.name));
        h.put(tags::VERSION, s(&m.version));
        h.put(tags::RELEASE, Value::Str(Self::release(pkg)));
        if let Some(e) = m.epoch {
            h.put(tags::EPOCH, Value::Int32(vec![e]));
        }
        h.put(tags::SUMMARY, Value::I18n(summary));
        h.put(tags::DESCRIPTION, Value::I18n(description));
        h.put(tags::BUILDTIME, Value::Int32(vec![mtime]));
        h.put(tags::BUILDHOST, s(&self.build_host));
        if let Some(v) = &m.vendor {
            h.put(tags::VENDOR, s(v));
        }
        h.put(tags::LICENSE, s(m.license.as_deref().unwrap_or("Unknown")));
        h.put(tags::PACKAGER, s(&m.maintainer));
        h.put(tags::GROUP, Value::I18n(m.category.clone()));
        if let Some(u) = &m.url {
            h.put(tags::URL, s(u));
        }
        h.put(tags::OS, s("linux"));
        h.put(tags::ARCH, Value::Str(self.architecture(pkg)));
        h.put(
            tags::SOURCERPM,
            Value::Str(format!(
                "{}-{}-{}.src.rpm",
                m.name,
                m.version,
                Self::release(pkg)
            )),
        );
        h.put(
            tags::RPMVERSION,
            Value::Str(format!("pkgr {}", env!("CARGO_PKG_VERSION"))),
        );
        h.put(tags::CHANGELOGTIME, Value::Int32(vec![mtime]));
        h.put(
            tags::CHANGELOGNAME,
            Value::StrArray(vec![format!("{} - {}", m.maintainer, Self::evr(pkg))]),
        );
        h.put(
            tags::CHANGELOGTEXT,
            Value::StrArray(vec!["- Package built by pkgr.".into()]),
        );
        h.put(tags::ENCODING, s("utf-8"));
    }

    /// The scriptlets and their interpreters; true when one has an interpreter argument.
    fn put_scripts(&self, h: &mut Header, pkg: &Package) -> bool {
        let mut args = false;
        for (slot, (body_tag, prog_tag)) in scripts::RPM.iter().zip([
            (tags::PREIN, tags::PREINPROG),
            (tags::POSTIN, tags::POSTINPROG),
            (tags::PREUN, tags::PREUNPROG),
            (tags::POSTUN, tags::POSTUNPROG),
        ]) {
            let Some(s) = scripts::render(pkg, slot) else {
                continue;
            };
            let body = s.text.split_once('\n').map_or("", |(_, b)| b).to_string();
            h.put(body_tag, Value::Str(body));
            if s.interpreter.len() > 1 {
                args = true;
                h.put(prog_tag, Value::StrArray(s.interpreter.clone()));
            } else {
                h.put(prog_tag, Value::Str(s.interpreter[0].clone()));
            }
        }
        args
    }

    /// Every dependency kind, with pkgr's inferred requirements and the rpmlib features.
    fn put_relations(
        &self,
        h: &mut Header,
        pkg: &Package,
        ctx: &WriteContext,
        list: &payload::FileList,
        interp_args: bool,
    ) -> Result<(), FormatError> {
        let r = &pkg.relations;
        let rel =
            |l: &[crate::relation::Relation]| l.iter().map(deps::relation).collect::<Vec<_>>();
        let mut requires = Vec::new();
        if ctx.auto_depends {
            if let Some(py) = &pkg.python {
                requires.push(Dep::any(py.executable.clone(), 0));
            }
            let decisions = elf_requires(pkg);
            crate::format::report_decisions(&decisions, ctx)?;
            for d in &decisions {
                for cap in d.resolved.iter().flat_map(|r| r.split(", ")) {
                    requires.push(Dep::any(cap, 0));
                }
            }
        }
        requires.extend(rel(&r.depends));
        requires.extend(rel(&r.pre_depends));
        for (slot, sense) in scripts::RPM.iter().zip([
            tags::SENSE_SCRIPT_PRE,
            tags::SENSE_SCRIPT_POST,
            tags::SENSE_SCRIPT_PREUN,
            tags::SENSE_SCRIPT_POSTUN,
        ]) {
            if let Some(s) = scripts::render(pkg, slot) {
                requires.push(Dep::any(
                    s.interpreter[0].clone(),
                    tags::SENSE_INTERP | sense,
                ));
            }
        }
        let evr = Self::evr(pkg);
        let mut provides = vec![Dep {
            name: pkg.meta.name.clone(),
            flags: tags::SENSE_EQUAL,
            version: evr.clone(),
        }];
        if let Some(isa) = isa(&self.architecture(pkg)) {
            provides.push(Dep {
                name: format!("{}({isa})", pkg.meta.name),
                flags: tags::SENSE_EQUAL,
                version: evr.clone(),
            });
        }
        if list.files.iter().any(|f| f.flags & 1 != 0) {
            // rpmbuild's config(NAME) capability: the package's %config files at this EVR.
            let config = Dep {
                name: format!("config({})", pkg.meta.name),
                flags: tags::SENSE_EQUAL | tags::SENSE_CONFIG,
                version: evr,
            };
            provides.push(config.clone());
            requires.push(config);
        }
        provides.extend(rel(&r.provides));
        let (conflicts, obsoletes) = (rel(&r.conflicts), rel(&r.replaces));
        let (recommends, suggests) = (rel(&r.recommends), rel(&r.suggests));
        let all: Vec<&Dep> = requires
            .iter()
            .chain(&provides)
            .chain(&conflicts)
            .chain(&obsoletes)
            .chain(&recommends)
            .chain(&suggests)
            .collect();
        let features = deps::features(
            self.compressor(),
            !list.sets.is_empty(),
            list.large,
            &all,
            interp_args,
        );
        requires.extend(features);
        deps::put(
            h,
            requires,
            tags::REQUIRENAME,
            tags::REQUIREFLAGS,
            tags::REQUIREVERSION,
        );
        deps::put(
            h,
            provides,
            tags::PROVIDENAME,
            tags::PROVIDEFLAGS,
            tags::PROVIDEVERSION,
        );
        deps::put(
            h,
            conflicts,
            tags::CONFLICTNAME,
            tags::CONFLICTFLAGS,
            tags::CONFLICTVERSION,
        );
        deps::put(
            h,
            obsoletes,
            tags::OBSOLETENAME,
            tags::OBSOLETEFLAGS,
            tags::OBSOLETEVERSION,
        );
        deps::put(
            h,
            recommends,
            tags::RECOMMENDNAME,
            tags::RECOMMENDFLAGS,
            tags::RECOMMENDVERSION,
        );
        deps::put(
            h,
            suggests,
            tags::SUGGESTNAME,
            tags::SUGGESTFLAGS,
            tags::SUGGESTVERSION,
        );
        Ok(())
    }

    /// The signature header for `header` and the payload: digests, sizes, reserved space, and
    /// the OpenPGP signature of the header with `--rpm-sign-key`.
    fn signature(
        &self,
        header: &[u8],
        written: &mut payload::Written,
        mtime: u32,
    ) -> Result<Vec<u8>, FormatError> {
        let mut md5 = Md5::new();
        md5.update(header);
        let mut buf = vec![0u8; 1 << 17];
        loop {
            let n = written.file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            md5.update(&buf[..n]);
        }
        io::Seek::rewind(&mut written.file)?;
        let mut s = Header::default();
        s.put(
            tags::SIG_SHA1,
            Value::Str(crate::output::hex(&Sha1::digest(header))),
        );
        s.put(
            tags::SIG_SHA256,
            Value::Str(crate::output::hex(&Sha256::digest(header))),
        );
        let total = header.len() as u64 + written.size;
        match u32::try_from(total) {
            Ok(n) => s.put(tags::SIG_SIZE, Value::Int32(vec![n])),
            Err(_) => s.put(tags::SIG_LONGSIZE, Value::Int64(vec![total])),
        }
        s.put(tags::SIG_MD5, Value::Bin(md5.finalize().to_vec()));
        match u32::try_from(written.archive_size) {
            Ok(n) => s.put(tags::SIG_PAYLOADSIZE, Value::Int32(vec![n])),
            Err(_) => s.put(
                tags::SIG_LONGARCHIVESIZE,
                Value::Int64(vec![written.archive_size]),
            ),
        }
        s.put(tags::SIG_RESERVEDSPACE, Value::Bin(vec![0; RESERVED_SPACE]));
        if let Some(key) = &self.sign_key {
            self.sign(&mut s, key, header, mtime)?;
        }
        Ok(s.to_bytes(tags::HEADERSIGNATURES))
    }

    #[cfg(feature = "sign")]
    fn sign(
        &self,
        s: &mut Header,
        key: &std::path::Path,
        header: &[u8],
        mtime: u32,
    ) -> Result<(), FormatError> {
        let (tag, sig) = sign::sign_header(key, header, mtime)?;
        s.put(tag, Value::Bin(sig));
        Ok(())
    }

    #[cfg(not(feature = "sign"))]
    fn sign(
        &self,
        _s: &mut Header,
        _key: &std::path::Path,
        _header: &[u8],
        _mtime: u32,
    ) -> Result<(), FormatError> {
        Err(FormatError::invalid(
            "--rpm-sign-key",
            "this pkgr was built without rpm signing; rebuild it with `cargo build --features sign`",
        ))
    }
}

#[cfg(test)]
mod tests;
