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

use std::io::{self, Write};

use crate::compress::{Algorithm, Compression};
use crate::format::common::{self, check_single_line, rpm_arch};
use crate::format::{scripts as engine, Format, FormatError, Problems, WriteContext};
use crate::model::{EntryKind, Package, PkgPath};
use crate::options::{OptionError, Options};
use crate::relation::{Op, Relation};

pub mod attrs;
mod cpio;
pub mod deps;
pub mod header;
mod headers;
pub mod options;
pub mod payload;
pub mod read;
mod read_payload;
pub mod scripts;
#[cfg(feature = "sign")]
mod sign;
pub mod tags;

pub use deps::elf_requires;
use header::{Header, Value};

/// The `.rpm` writer.
pub struct Rpm {
    compression: Compression,
    build_host: String,
    sign_key: Option<std::path::PathBuf>,
    attrs: attrs::Attrs,
    dist: Option<String>,
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
            attrs: attrs::Attrs::default(),
            dist: None,
        }
    }

    /// The writer the options ask for: `--rpm-compression` (default zstd) at
    /// `--rpm-compression-level` on `--threads` workers, `--rpm-build-host` (default `pkgr`)
    /// and `--rpm-sign-key`.
    ///
    /// # Errors
    /// [`OptionError`] for a level out of range or `--threads 0`.
    pub fn from_options(opts: &Options) -> Result<Self, OptionError> {
        let a = &opts.formats.rpm;
        let compression = Compression::new(
            a.rpm_compression.unwrap_or(Algorithm::Zstd),
            a.rpm_compression_level,
        )
        .map_err(|e| OptionError::new("--rpm-compression-level", e.to_string()))?
        .with_threads(opts.run.threads()?);
        let build_host = a.rpm_build_host.clone().unwrap_or_else(|| "pkgr".into());
        if let Some(os) = &a.rpm_os {
            if !os.eq_ignore_ascii_case("linux") {
                return Err(OptionError::new(
                    "--rpm-os",
                    format!(
                        "'{}': pkgr writes rpms for Linux only (the OS tag 'linux'); rpm on Linux refuses a package for another OS",
                        os.escape_debug()
                    ),
                ));
            }
        }
        let mut rpm = Rpm::new(compression, build_host).signed_with(a.rpm_sign_key.clone());
        rpm.attrs = attrs::Attrs::from_args(a)?;
        rpm.dist = a
            .rpm_dist
            .clone()
            .map(|d| d.trim_start_matches('.').to_string());
        if let Some(d) = &rpm.dist {
            let ok = !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._+~^".contains(c));
            if !ok {
                return Err(OptionError::new(
                    "--rpm-dist",
                    format!(
                        "'{}' cannot end a Release: use letters, digits and . _ + ~ ^ (el9, fc40)",
                        d.escape_debug()
                    ),
                ));
            }
        }
        Ok(rpm)
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
            other => Some(other.name()),
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

/// RPM's rules for the relations: every name is a package name, a capability (`perl(Foo::Bar)`,
/// `libc.so.6()(64bit)`) or a file (`/usr/bin/python3`), with no whitespace (the lexer saw to
/// that); a version is `[EPOCH:]VERSION[-RELEASE]` in RPM's alphabet; `Provides` takes only
/// `=` versions and no alternatives (the RPM dependency docs).
fn check_relations(pkg: &Package) -> Result<(), FormatError> {
    let r = &pkg.relations;
    for (field, list) in [
        ("Requires (-d/--depends)", &r.depends),
        ("Requires (Pre-Depends)", &r.pre_depends),
        ("Recommends (--recommends)", &r.recommends),
        ("Suggests (--suggests)", &r.suggests),
        ("Conflicts (--conflicts)", &r.conflicts),
        ("Obsoletes (--replaces)", &r.replaces),
        ("Provides (--provides)", &r.provides),
    ] {
        for rel in list {
            for a in &rel.alternatives {
                if let Some((_, v)) = &a.constraint {
                    check_evr(field, rel, v)?;
                }
            }
        }
    }
    if let Some(bad) = r.provides.iter().find(|rel| {
        rel.alternatives.len() > 1
            || rel.alternatives.iter().any(|a| {
                a.constraint.as_ref().is_some_and(|(op, _)| *op != Op::Eq)
                    || a.name.starts_with('/')
            })
    }) {
        return Err(FormatError::invalid(
            "Provides (--provides)",
            format!("'{bad}' is not a capability with an optional '= version'"),
        ));
    }
    Ok(())
}

/// `[EPOCH:]VERSION[-RELEASE]`: a numeric epoch, and a version and release in RPM's alphabet.
fn check_evr(field: &str, rel: &Relation, v: &str) -> Result<(), FormatError> {
    let rest = match v.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => rest,
        Some(_) => {
            return Err(FormatError::invalid(
                field,
                format!("in '{rel}': the epoch of '{v}' must be a number"),
            ))
        }
        None => v,
    };
    let (version, release) = match rest.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let what = format!("{field}, in '{rel}'");
    check_evr_part(&what, version)?;
    if let Some(r) = release {
        check_evr_part(&what, r)?;
    }
    Ok(())
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

/// Debian's architecture qualifiers (`python3:any`, `perl:native`, `libfoo:amd64`, Policy §7.1
/// and deb-control(5)'s Multi-Arch rules) mean nothing to rpm, where `python3:any` would be a
/// capability no package provides: the name is written without it, with a note.
fn drop_arch_qualifiers(pkg: &mut Package, ctx: &WriteContext) {
    let r = &mut pkg.relations;
    for list in [
        &mut r.depends,
        &mut r.pre_depends,
        &mut r.recommends,
        &mut r.suggests,
        &mut r.conflicts,
        &mut r.replaces,
        &mut r.provides,
    ] {
        for atom in list.iter_mut().flat_map(|rel| rel.alternatives.iter_mut()) {
            if atom.name.contains(['(', '/']) {
                continue;
            }
            let Some((base, qual)) = atom.name.split_once(':') else {
                continue;
            };
            if qual == "any" || qual == "native" || common::arch(qual).is_some() {
                ctx.listener.info(&format!(
                    "rpm: '{}' is written '{base}': rpm has no Debian architecture qualifiers",
                    atom.name
                ));
                atom.name = base.to_string();
            }
        }
    }
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

    /// The package as the rpm holds it: its units in `%{_unitdir}`, and, first among the
    /// Requires, what pkgr proves: the venv's interpreter as a file dependency
    /// (`/usr/bin/python3.X`, which every rpm distribution resolves) and the capabilities rpm's
    /// elfdeps would generate for the compiled files ([`elf_requires`]).
    fn prepare(&self, pkg: &Package, ctx: &WriteContext) -> Result<Package, FormatError> {
        let mut full = common::with_units(pkg, common::RPM_UNIT_DIR)?.into_owned();
        // fpm's rule: '-' separates version and release in rpm, so it becomes '_' in both.
        for (field, slot) in [
            ("Version", Some(&mut full.meta.version)),
            ("Release (--iteration)", full.meta.iteration.as_mut()),
        ] {
            if let Some(v) = slot.filter(|v| v.contains('-')) {
                let fixed = v.replace('-', "_");
                ctx.listener.warning(&format!(
                    "rpm: {field} '{v}' has '-', which RPM reserves to separate version and release; written as '{fixed}' (as fpm does)"
                ));
                *v = fixed;
            }
        }
        self.attrs.apply(&mut full, ctx.listener)?;
        if let Some(d) = &self.dist {
            full.meta.iteration = Some(format!("{}.{d}", Self::release(&full)));
        }
        if ctx.auto_depends {
            let mut requires: Vec<Relation> = pkg.python.iter().map(python_requires).collect();
            let decisions = elf_requires(pkg);
            common::report_decisions(&decisions, ctx)?;
            for d in &decisions {
                for cap in d.resolved.iter().flat_map(|r| r.split(", ")) {
                    requires.push(Relation::simple(cap, None));
                }
            }
            crate::relation::merge(&mut requires, pkg.relations.depends.iter().cloned());
            full.relations.depends = requires;
        }
        drop_arch_qualifiers(&mut full, ctx);
        Ok(full)
    }

    fn validate(&self, pkg: &Package) -> Result<(), FormatError> {
        let m = &pkg.meta;
        let mut p = Problems::default();
        if !m
            .name
            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            || !m
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
        {
            p.push(FormatError::invalid(
                "Name (-n/--name)",
                format!(
                    "'{}' is not a valid RPM package name: use letters, digits and . _ + -, starting with a letter, digit or '_'",
                    m.name.escape_debug()
                ),
            ));
        }
        // '-' is written as '_' (prepare), as fpm does.
        p.check(check_evr_part(
            "Version (-v/--version)",
            &m.version.replace('-', "_"),
        ));
        p.check(check_evr_part(
            "Release (--iteration)",
            &Self::release(pkg).replace('-', "_"),
        ));
        if common::arch(&m.architecture).is_none() {
            p.push(FormatError::invalid(
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
            ("Group (--category)", m.category.as_ref()),
            ("Build Host (--rpm-build-host)", Some(&self.build_host)),
        ] {
            if let Some(v) = v {
                p.check(check_single_line(field, v));
            }
        }
        if m.description
            .lines()
            .next()
            .is_none_or(|l| l.trim().is_empty())
        {
            p.push(FormatError::invalid(
                "Summary (--description)",
                "the first line is empty",
            ));
        }
        p.check(common::check_owners(pkg));
        p.check(check_relations(pkg));
        for e in &pkg.entries {
            p.check(utf8(&e.path).map(|_| ()));
            if e.path.as_bytes().iter().any(|b| b.is_ascii_control()) {
                p.push(FormatError::invalid(
                    "file name",
                    format!(
                        "'{}' contains a control character; RPM repository metadata (filelists.xml) and rpm's line-based file lists cannot hold it",
                        e.path.display().escape_debug()
                    ),
                ));
            }
            if let EntryKind::Symlink { target } = &e.kind {
                if std::str::from_utf8(target).is_err() {
                    p.push(FormatError::invalid(
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
                p.push(FormatError::invalid(
                    "--rpm-sign-key",
                    "this pkgr was built without rpm signing; rebuild it with `cargo build --features sign`",
                ));
            }
            if !k.is_file() {
                p.push(FormatError::invalid(
                    "--rpm-sign-key",
                    format!("'{}' is not a file", k.display()),
                ));
            }
        }
        p.check(engine::check_user_scripts(pkg));
        p.finish()
    }

    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError> {
        let m = &pkg.meta;
        let mtime = u32::try_from(ctx.mtime)
            .map_err(|_| FormatError::invalid("SOURCE_DATE_EPOCH", "RPM timestamps are 32-bit"))?;
        // Only the directories the package creates: never the base system's (the
        // `filesystem` package owns them), nor one the payload merely passes through.
        let skip = |p: &PkgPath| crate::sysdirs::is_system_dir(&p.display()) || !pkg.owns_dir(p);
        let list = payload::FileList::new(pkg, &skip)?;
        ctx.listener.begin("rpm", pkg.payload_bytes());
        let written = payload::write(&list, pkg, self.compression, self.attrs.digest, mtime, ctx);
        ctx.listener.end();
        let mut written = written?;

        let mut h = Header::default();
        self.put_metadata(&mut h, pkg, mtime);
        list.put_tags(&mut h, &written.digests, self.attrs.digest, mtime);
        if list.large {
            h.put(tags::LONGSIZE, Value::Int64(vec![list.total_size()]));
        } else {
            h.put(tags::SIZE, Value::Int32(vec![list.total_size() as u32]));
        }
        let interp_args = self.put_scripts(&mut h, pkg);
        self.put_relations(&mut h, pkg, &list, interp_args);
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

#[cfg(test)]
mod tests;

/// The interpreter a payload needs, in rpm's terms: a venv's versioned interpreter as a file
/// (`/usr/bin/python3.11`, which every rpm distribution resolves); modules in the system's
/// Python 3 as `python(abi)`, which every rpm distribution's python3 provides (`python(abi) =
/// 3.11` for extensions built for one minor version, `python(abi) >= 3.8` for Requires-Python's
/// floor), or the interpreter's file when any Python 3 will do.
fn python_requires(py: &crate::model::PythonRequirement) -> Relation {
    use crate::model::PythonUse;
    use crate::relation::Op;
    match &py.kind {
        PythonUse::Venv | PythonUse::Any { floor: None } => Relation::simple(&py.executable, None),
        PythonUse::Any { floor: Some(f) } => Relation::simple("python(abi)", Some((Op::Ge, f))),
        PythonUse::Minor => Relation::simple("python(abi)", Some((Op::Eq, &py.minor))),
    }
}
