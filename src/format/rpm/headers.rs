//! The rpm's header tags from the model (descriptive tags, scriptlets, dependencies) and its
//! signature header (digests, sizes, reserved space, and the OpenPGP signature).

use std::io::{self, Read};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::deps::{self, Dep};
use super::header::{Header, Value};
use super::{isa, payload, scripts, tags, Rpm, RESERVED_SPACE};
use crate::format::common;
use crate::format::scripts as engine;
use crate::format::{Format, FormatError};
use crate::model::Package;

impl Rpm {
    /// The descriptive tags.
    pub(super) fn put_metadata(&self, h: &mut Header, pkg: &Package, mtime: u32) {
        let m = &pkg.meta;
        let mut lines = m.description.lines();
        let summary = lines.next().unwrap_or("").trim().to_string();
        // %description is the whole text, the summary line first (as fpm writes it), the rest
        // reflowed: rpmlint wants lines within 79 columns; indented lines are kept verbatim.
        let rest = lines.collect::<Vec<_>>().join("\n");
        let mut description = summary.clone();
        // A blank line after the summary stays: it separates it from the first paragraph.
        if !rest.trim().is_empty() && rest.lines().next().is_some_and(|l| l.trim().is_empty()) {
            description.push('\n');
        }
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
        h.put(
            tags::GROUP,
            // rpmbuild's placeholder `Unspecified` is what rpmlint reports as `no-group-tag`; fpm
            // writes `default`. pkgr writes `misc`, as for the deb's Section.
            Value::I18n(m.category.clone().unwrap_or_else(|| "misc".into())),
        );
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
    pub(super) fn put_scripts(&self, h: &mut Header, pkg: &Package) -> bool {
        let mut args = false;
        for slot in scripts::RPM {
            let (body_tag, prog_tag) = (slot.native.body, slot.native.prog);
            let Some(s) = engine::render(pkg, slot) else {
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

    /// Every dependency kind (what [`Format::prepare`] inferred is in the package's relations
    /// by now), the script interpreters and the rpmlib features.
    pub(super) fn put_relations(
        &self,
        h: &mut Header,
        pkg: &Package,
        list: &payload::FileList,
        interp_args: bool,
    ) {
        let r = &pkg.relations;
        let rel =
            |l: &[crate::relation::Relation]| l.iter().map(deps::relation).collect::<Vec<_>>();
        let mut requires = rel(&r.depends);
        requires.extend(rel(&r.pre_depends));
        for slot in scripts::RPM {
            if let Some(s) = engine::render(pkg, slot) {
                requires.push(Dep::any(
                    s.interpreter[0].clone(),
                    tags::SENSE_INTERP | slot.native.sense,
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
    }

    /// The signature header for `header` and the payload: digests, sizes, reserved space, and
    /// the OpenPGP signature of the header with `--rpm-sign-key`.
    pub(super) fn signature(
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
        let (tag, sig) = super::sign::sign_header(key, header, mtime)?;
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
