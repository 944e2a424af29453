//! The Debian binary package writer (deb(5), deb-control(5), Debian Policy).
//!
//! Layout: an `ar` archive (common format, member names ≤ 16 bytes, owner 0/0, mode 100644,
//! mtime = `SOURCE_DATE_EPOCH`) with the members `debian-binary` (`2.0\n`), `control.tar.gz` and
//! `data.tar[.gz|.xz|.zst]`, in that order (deb(5)). Both tars follow [`crate::archive`].
//!
//! `control.tar.gz` holds `control`, `md5sums` (every regular file but conffiles, as
//! dh_md5sums writes it), `conffiles` (Policy §10.7.2) and the maintainer scripts (Policy §6),
//! mode 0755. The data tar also gets what lintian requires of every binary package:
//! `usr/share/doc/<name>/copyright` (Policy §12.5), a gzipped changelog (Policy §12.7), and, when
//! files live under `/opt`, a lintian override for exactly `dir-or-file-in-opt`. It has no entry
//! for the directories no Debian package owns (`/opt`, `/srv`, `/usr/local`, ...:
//! [`crate::sysdirs::DEBIAN_UNOWNED_DIRS`]), which dpkg would otherwise register as this
//! package's and remove on purge; every Debian system has them.

pub mod shlibdeps;

use std::io::{self, Seek, SeekFrom, Write};

use crate::archive::{self, FileDigest, TarOptions};
use crate::compress::{self, Algorithm, Compression};
use crate::format::common::{self, check_single_line};
use crate::format::{scripts, Format, FormatError, WriteContext};
use crate::model::{Entry, EntryKind, Package, PkgPath};
use crate::relation::Relation;
use crate::time;
use crate::version;

/// Sections of the Debian archive (Policy §2.4), optionally with an area (`contrib/net`).
const SECTIONS: &[&str] = &[
    "admin",
    "cli-mono",
    "comm",
    "database",
    "debug",
    "devel",
    "doc",
    "editors",
    "education",
    "electronics",
    "embedded",
    "fonts",
    "games",
    "gnome",
    "gnu-r",
    "gnustep",
    "graphics",
    "hamradio",
    "haskell",
    "httpd",
    "interpreters",
    "introspection",
    "java",
    "javascript",
    "kde",
    "kernel",
    "libdevel",
    "libs",
    "lisp",
    "localization",
    "mail",
    "math",
    "metapackages",
    "misc",
    "net",
    "news",
    "ocaml",
    "oldlibs",
    "otherosfs",
    "perl",
    "php",
    "python",
    "ruby",
    "rust",
    "science",
    "shells",
    "sound",
    "tasks",
    "tex",
    "text",
    "utils",
    "vcs",
    "video",
    "web",
    "x11",
    "xfce",
    "zope",
];

/// Priorities (Policy §2.5).
const PRIORITIES: &[&str] = &["required", "important", "standard", "optional", "extra"];

/// The `.deb` writer.
pub struct Deb {
    compression: Compression,
}

impl Deb {
    /// A writer whose `data.tar` uses `compression`.
    pub fn new(compression: Compression) -> Self {
        Deb { compression }
    }
}

impl Format for Deb {
    fn name(&self) -> &'static str {
        "deb"
    }

    fn extension(&self) -> &'static str {
        "deb"
    }

    /// `NAME_VERSION[-REV]_ARCH.deb`, the epoch left out (as dpkg-name does).
    fn file_name(&self, pkg: &Package) -> String {
        let mut v = pkg.meta.version.clone();
        if let Some(i) = &pkg.meta.iteration {
            v.push('-');
            v.push_str(i);
        }
        format!("{}_{}_{}.deb", pkg.meta.name, v, pkg.meta.architecture)
    }

    fn architecture(&self, pkg: &Package) -> String {
        pkg.meta.architecture.clone()
    }

    fn full_version(&self, pkg: &Package) -> String {
        pkg.full_version()
    }

    fn validate(&self, pkg: &Package) -> Result<(), FormatError> {
        let m = &pkg.meta;
        version::check_package_name(&m.name)
            .map_err(|e| FormatError::invalid("Package (-n/--name)", e.to_string()))?;
        version::check_upstream(&m.version, m.iteration.is_some())
            .map_err(|e| FormatError::invalid("Version (-v/--version)", e.to_string()))?;
        if let Some(i) = &m.iteration {
            version::check_revision(i)
                .map_err(|e| FormatError::invalid("Version (--iteration)", e.to_string()))?;
        }
        if common::arch(&m.architecture).is_none_or(|a| a.debian != m.architecture) {
            return Err(FormatError::invalid(
                "Architecture (-a/--architecture)",
                format!(
                    "'{}' is not a Debian architecture; use 'native' or one of: {}",
                    m.architecture.escape_debug(),
                    common::known_architectures()
                ),
            ));
        }
        check_single_line("Maintainer (-m/--maintainer)", &m.maintainer)?;
        check_maintainer(&m.maintainer)?;
        if let Some(u) = &m.url {
            check_single_line("Homepage (--url)", u)?;
            if u.contains(char::is_whitespace) {
                return Err(FormatError::invalid(
                    "Homepage (--url)",
                    format!("'{u}' contains spaces; it must be one URL (Policy §5.6.23)"),
                ));
            }
        }
        for (field, v) in [("--license", &m.license), ("--vendor", &m.vendor)] {
            if let Some(v) = v {
                check_single_line(field, v)?;
            }
        }
        check_single_line("Section (--category)", &m.category)?;
        let (area, section) = match m.category.split_once('/') {
            Some((a, s)) => (Some(a), s),
            None => (None, m.category.as_str()),
        };
        let area_ok =
            area.is_none_or(|a| ["main", "contrib", "non-free", "non-free-firmware"].contains(&a));
        if !area_ok || !SECTIONS.contains(&section) {
            return Err(FormatError::invalid(
                "Section (--category)",
                format!(
                    "'{}' is not a Debian archive section (Policy §2.4); use one of: {}",
                    m.category,
                    SECTIONS.join(", ")
                ),
            ));
        }
        if !PRIORITIES.contains(&m.priority.as_str()) {
            return Err(FormatError::invalid(
                "Priority",
                format!(
                    "'{}' is not a Debian priority (Policy §2.5); use one of: {}",
                    m.priority.escape_debug(),
                    PRIORITIES.join(", ")
                ),
            ));
        }
        check_description(&m.description)?;
        check_relations(pkg)?;
        scripts::check_user_scripts(pkg)?;
        common::check_owners(pkg)?;
        for e in &pkg.entries {
            if e.config
                && e.path
                    .as_bytes()
                    .last()
                    .is_some_and(|b| b.is_ascii_whitespace())
            {
                return Err(FormatError::invalid(
                    "--config-files",
                    format!(
                        "'{}' ends in whitespace; dpkg strips trailing whitespace from each conffiles line (deb-conffiles(5)), so it would register another name",
                        e.path.display().escape_debug()
                    ),
                ));
            }
            if e.config && !e.is_file() {
                return Err(FormatError::invalid(
                    "--config-files",
                    format!("'{}' is not a regular file; conffiles must be regular files (Policy §10.7.2)", e.path),
                ));
            }
        }
        Ok(())
    }

    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError> {
        self.validate(pkg)?;
        let full = prepare(pkg, ctx)?;

        // data.tar: streamed through the compressor into an anonymous temp file, because the
        // ar header needs its size and md5sums (which goes first) needs its digests.
        let tmp = ctx.scratch_file()?;
        let enc = self.compression.encoder(tmp)?;
        let opts = TarOptions {
            progress: Some(ctx.listener),
            mtime: ctx.mtime,
            root_entry: true,
            md5: true,
        };
        ctx.listener.begin("deb", full.payload_bytes());
        let written = archive::write_tar(&full, enc, opts);
        ctx.listener.end();
        let (enc, digests) = written?;
        let mut data = enc.finish()?;
        let data_len = data.stream_position()?;
        data.seek(SeekFrom::Start(0))?;

        let control = control_tar(&full, &digests, ctx.mtime)?;

        let mut ar = ar::Builder::new(out);
        let member = |name: &str, size: u64| {
            let mut h = ar::Header::new(name.as_bytes().to_vec(), size);
            h.set_mtime(ctx.mtime);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mode(0o100644);
            h
        };
        ar.append(&member("debian-binary", 4), &b"2.0\n"[..])?;
        ar.append(
            &member("control.tar.gz", control.len() as u64),
            &control[..],
        )?;
        let data_name = format!("data.tar{}", self.compression.algorithm.extension());
        ar.append(&member(&data_name, data_len), &mut data)?;
        Ok(())
    }
}

/// Debian's per-field rules for relations (Policy §7.1, §7.5): alternatives (`|`) only in
/// Depends and Pre-Depends; Provides only with `=` versions.
fn check_relations(pkg: &Package) -> Result<(), FormatError> {
    let r = &pkg.relations;
    for (field, list) in [
        ("Conflicts (--conflicts)", &r.conflicts),
        ("Replaces (--replaces)", &r.replaces),
        ("Provides (--provides)", &r.provides),
    ] {
        if let Some(bad) = list.iter().find(|rel| rel.alternatives.len() > 1) {
            return Err(FormatError::invalid(
                field,
                format!("'{bad}' has alternatives ('|'), which only Depends and Pre-Depends allow (Policy §7.1)"),
            ));
        }
    }
    if let Some(bad) = r.provides.iter().find(|rel| {
        rel.alternatives.iter().any(|a| {
            a.constraint
                .as_ref()
                .is_some_and(|(op, _)| *op != crate::relation::Op::Eq)
        })
    }) {
        return Err(FormatError::invalid(
            "Provides (--provides)",
            format!("'{bad}' has a version that is not exact; Provides takes only '(= version)' (Policy §7.5)"),
        ));
    }
    Ok(())
}

/// Policy §5.6.2: `Full Name <email>`.
fn check_maintainer(m: &str) -> Result<(), FormatError> {
    let ok = m
        .strip_suffix('>')
        .and_then(|s| s.rsplit_once(" <"))
        .is_some_and(|(name, mail)| {
            !name.trim().is_empty()
                && !name.contains(['<', '>'])
                && mail.contains('@')
                && !mail.contains(['<', '>', ' '])
        });
    if ok {
        Ok(())
    } else {
        Err(FormatError::invalid(
            "Maintainer (-m/--maintainer)",
            format!("'{m}' must be 'Full Name <email@address>' (Policy §5.6.2)"),
        ))
    }
}

fn check_description(d: &str) -> Result<(), FormatError> {
    let field = "Description (--description)";
    if let Some(c) = d
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FormatError::invalid(
            field,
            format!("contains the control character {c:?}"),
        ));
    }
    if d.lines().next().is_none_or(|l| l.trim().is_empty()) {
        return Err(FormatError::invalid(
            field,
            "the first line (the synopsis) is empty (Policy §5.6.13)",
        ));
    }
    Ok(())
}

/// Formats `Description` per Policy §5.6.13: the synopsis on the field line; every extended line
/// prefixed by a space, blank lines as ` .`, and lines that do not start with a space word-wrapped
/// at 79 columns. No line of the result can start a new field.
pub fn format_description(d: &str) -> String {
    let d = d.replace('\t', "        ");
    let mut lines = d.lines();
    let synopsis = lines.next().unwrap_or("").trim().to_string();
    let rest: Vec<&str> = lines.collect();
    // Drop leading and trailing blank lines of the extended text.
    let start = rest.iter().position(|l| !l.trim().is_empty());
    let end = rest.iter().rposition(|l| !l.trim().is_empty());
    let mut out = synopsis;
    if let (Some(s), Some(e)) = (start, end) {
        for line in common::reflow(&rest[s..=e].join("\n"), 78) {
            if line.is_empty() {
                out.push_str("\n .");
            } else if line == "." {
                out.push_str("\n  .");
            } else {
                out.push_str("\n ");
                out.push_str(&line);
            }
        }
    }
    out
}

fn relations_field(name: &str, list: &[Relation], out: &mut String) {
    if !list.is_empty() {
        let v: Vec<String> = list.iter().map(Relation::to_debian).collect();
        out.push_str(&format!("{name}: {}\n", v.join(", ")));
    }
}

/// Installed-Size in KiB, as dpkg-gencontrol computes it: every regular file's size rounded up
/// to whole KiB, plus 1 KiB for every other object (Policy §5.6.20).
pub fn installed_size(pkg: &Package) -> u64 {
    pkg.entries
        .iter()
        .map(|e| match &e.kind {
            EntryKind::File { size, .. } => size.div_ceil(1024),
            _ => 1,
        })
        .sum()
}

/// The `control` file (deb-control(5)), fields in dpkg's order.
pub fn control_file(pkg: &Package) -> String {
    let m = &pkg.meta;
    let mut c = String::new();
    c.push_str(&format!("Package: {}\n", m.name));
    c.push_str(&format!("Version: {}\n", pkg.full_version()));
    c.push_str(&format!("Architecture: {}\n", m.architecture));
    c.push_str(&format!("Maintainer: {}\n", m.maintainer));
    c.push_str(&format!("Installed-Size: {}\n", installed_size(pkg)));
    let r = &pkg.relations;
    relations_field("Pre-Depends", &r.pre_depends, &mut c);
    relations_field("Depends", &r.depends, &mut c);
    relations_field("Recommends", &r.recommends, &mut c);
    relations_field("Suggests", &r.suggests, &mut c);
    relations_field("Conflicts", &r.conflicts, &mut c);
    relations_field("Replaces", &r.replaces, &mut c);
    relations_field("Provides", &r.provides, &mut c);
    c.push_str(&format!("Section: {}\n", m.category));
    c.push_str(&format!("Priority: {}\n", m.priority));
    if let Some(u) = &m.url {
        c.push_str(&format!("Homepage: {u}\n"));
    }
    c.push_str(&format!(
        "Description: {}\n",
        format_description(&m.description)
    ));
    c
}

/// The package as the .deb holds it: the relations its ELF files prove, and the documentation
/// files every .deb needs (at paths the user's payload does not already provide).
fn prepare(pkg: &Package, ctx: &WriteContext) -> Result<Package, FormatError> {
    let mtime = ctx.mtime;
    let mut full = crate::format::with_units(pkg, crate::format::DEB_UNIT_DIR)?.into_owned();
    if ctx.auto_depends {
        // What pkgr proves comes first: the venv's interpreter, then the ELF files' libraries
        // (from the build host's dpkg database, as dpkg-shlibdeps reads it).
        let mut depends: Vec<Relation> = pkg
            .python
            .iter()
            .map(|py| {
                Relation::simple(
                    &format!("python{}", py.minor),
                    Some((crate::relation::Op::Ge, &py.full)),
                )
            })
            .collect();
        let resolved = shlibdeps::resolve(pkg, &pkg.meta.architecture, &shlibdeps::admindir());
        crate::format::report_decisions(&resolved.decisions, ctx)?;
        crate::relation::merge(&mut depends, resolved.relations);
        crate::relation::merge(&mut depends, pkg.relations.depends.iter().cloned());
        full.relations.depends = depends;
    }
    let name = &pkg.meta.name;
    let doc = format!("/usr/share/doc/{name}");
    let path = |p: String| {
        PkgPath::parse(&p).map_err(|e| FormatError::invalid("Package (-n/--name)", e.to_string()))
    };
    let copyright = path(format!("{doc}/copyright"))?;
    if pkg.entry(&copyright).is_none() {
        full.entries.push(Entry::bytes(
            copyright,
            copyright_file(pkg).into_bytes(),
            0o644,
        ));
    }
    // Policy §12.7: native packages (no revision) ship changelog.gz, others changelog.Debian.gz.
    let changelog_name = if pkg.meta.iteration.is_some() {
        "changelog.Debian.gz"
    } else {
        "changelog.gz"
    };
    let changelog = path(format!("{doc}/{changelog_name}"))?;
    if pkg.entry(&changelog).is_none() {
        let gz = compress::compress_bytes(
            Compression::new(Algorithm::Gzip, Some(9)).map_err(io::Error::other)?,
            changelog_file(pkg, mtime).as_bytes(),
        )?;
        full.entries.push(Entry::bytes(changelog, gz, 0o644));
    }
    let overrides = path(format!("/usr/share/lintian/overrides/{name}"))?;
    if let Some(text) = lintian_overrides(pkg) {
        if pkg.entry(&overrides).is_none() {
            full.entries
                .push(Entry::bytes(overrides, text.into_bytes(), 0o644));
        }
    }
    full.finalize()
        .map_err(|e| FormatError::invalid("payload", e.to_string()))?;
    // The directories base-files creates in its postinst belong to no package: shipping one
    // makes this package its only owner, and purging it would remove /opt from the system.
    // Every Debian system has them, so dpkg needs no entry to unpack below them.
    full.entries.retain(|e| {
        e.kind != EntryKind::Dir || !crate::sysdirs::is_debian_unowned(&e.path.display())
    });
    Ok(full)
}

/// lintian overrides for what pkgr does on purpose, each with its reason: files under `/opt`
/// (FHS §3.13 reserves it for add-on application packages), and unstripped ELF files inside a
/// virtualenv, which pkgr never strips (stripping patchelf-repaired manylinux binaries corrupts
/// them: dh-virtualenv #150, #273). `None` when neither applies.
fn lintian_overrides(pkg: &Package) -> Option<String> {
    let name = &pkg.meta.name;
    let mut text = String::new();
    let opt = PkgPath::parse("/opt").ok()?;
    if pkg.entries.iter().any(|e| e.path.starts_with(&opt)) {
        text.push_str(&format!(
            "# {name} installs an application under /opt, the place the FHS (section 3.13) reserves\n\
             # for add-on application software packages; the tag is meant for distribution packages.\n\
             {name}: dir-or-file-in-opt\n"
        ));
    }
    let omitted: Vec<&str> = crate::sysdirs::DEBIAN_UNOWNED_DIRS
        .iter()
        .copied()
        .filter(|d| {
            PkgPath::parse(d).is_ok_and(|d| {
                pkg.entries
                    .iter()
                    .any(|e| e.path != d && e.path.starts_with(&d))
            })
        })
        .collect();
    if !omitted.is_empty() {
        text.push_str(
            "# No Debian package owns these directories (base-files creates them in its postinst):\n\
             # shipping one would make this package its only owner, and purging it would remove\n\
             # the directory from the system. Every Debian system has them.\n",
        );
        for d in omitted {
            text.push_str(&format!(
                "{name}: missing-intermediate-directory [{}/]\n",
                d.trim_start_matches('/')
            ));
        }
    }
    if let Some(venv) = &pkg.venv {
        let unstripped: Vec<&PkgPath> = pkg
            .elf
            .files
            .iter()
            .filter(|f| f.unstripped && f.path.starts_with(&venv.prefix))
            .map(|f| &f.path)
            .collect();
        if !unstripped.is_empty() {
            text.push_str(
                "# Compiled files of the virtualenv are shipped exactly as pip installed them: stripping\n\
                 # patchelf-repaired manylinux binaries corrupts them (dh-virtualenv #150, #273).\n",
            );
            for p in unstripped {
                text.push_str(&format!(
                    "{name}: unstripped-binary-or-object [{}]\n",
                    String::from_utf8_lossy(p.relative())
                ));
            }
        }
    }
    (!text.is_empty()).then_some(text)
}

fn copyright_file(pkg: &Package) -> String {
    let m = &pkg.meta;
    let mut s = format!("{} {}\n\n", m.name, pkg.full_version());
    if let Some(u) = &m.url {
        s.push_str(&format!("Upstream: {u}\n"));
    }
    if let Some(v) = &m.vendor {
        s.push_str(&format!("Vendor: {v}\n"));
    }
    s.push_str(&format!("Packaged by: {}\n", m.maintainer));
    s.push_str(&format!(
        "Copyright: the {} authors; see the upstream project for the full notice.\n",
        m.name
    ));
    s.push_str(&format!(
        "License: {}\n",
        m.license
            .as_deref()
            .unwrap_or("unknown (no --license was given)")
    ));
    if let Some(t) = &m.license_text {
        s.push('\n');
        s.push_str(t.trim_end());
        s.push('\n');
    }
    s
}

/// A one-entry Debian changelog (deb-changelog(5)) dated `mtime`.
fn changelog_file(pkg: &Package, mtime: u64) -> String {
    format!(
        "{} ({}) unstable; urgency=medium\n\n  * Package built by pkgr.\n\n -- {}  {}\n",
        pkg.meta.name,
        pkg.full_version(),
        pkg.meta.maintainer,
        time::rfc2822(mtime)
    )
}

fn control_tar(pkg: &Package, digests: &[FileDigest], mtime: u64) -> Result<Vec<u8>, FormatError> {
    let mut ctl = Package::default();
    let add =
        |ctl: &mut Package, name: &str, data: Vec<u8>, mode: u32| -> Result<(), FormatError> {
            let p = PkgPath::parse(&format!("/{name}")).map_err(io::Error::other)?;
            ctl.entries.push(Entry::bytes(p, data, mode));
            Ok(())
        };
    add(&mut ctl, "control", control_file(pkg).into_bytes(), 0o644)?;
    let conffiles: Vec<&Entry> = pkg.entries.iter().filter(|e| e.config).collect();
    let mut md5sums = Vec::new();
    for d in digests {
        if conffiles
            .iter()
            .any(|c| c.path.relative() == d.path.as_slice())
        {
            continue;
        }
        md5sums.extend_from_slice(crate::output::hex(&d.md5).as_bytes());
        md5sums.extend_from_slice(b"  ");
        md5sums.extend_from_slice(&d.path);
        md5sums.push(b'\n');
    }
    if !md5sums.is_empty() {
        add(&mut ctl, "md5sums", md5sums, 0o644)?;
    }
    if !conffiles.is_empty() {
        let mut c = Vec::new();
        for e in &conffiles {
            c.extend_from_slice(e.path.as_bytes());
            c.push(b'\n');
        }
        add(&mut ctl, "conffiles", c, 0o644)?;
    }
    for slot in &scripts::DEB {
        if let Some(s) = scripts::render(pkg, slot) {
            add(&mut ctl, slot.name, s.text.into_bytes(), 0o755)?;
        }
    }
    ctl.finalize()
        .map_err(|e| FormatError::invalid("control.tar", e.to_string()))?;
    let gz = Compression::new(Algorithm::Gzip, Some(9)).map_err(io::Error::other)?;
    let enc = gz.encoder(Vec::new())?;
    let opts = TarOptions {
        progress: None,
        mtime,
        root_entry: true,
        md5: false,
    };
    let (enc, _) = archive::write_tar(&ctl, enc, opts)?;
    Ok(enc.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Metadata, Phase};

    fn pkg() -> Package {
        Package {
            meta: Metadata {
                name: "hello".into(),
                version: "1.0".into(),
                iteration: Some("1".into()),
                epoch: Some(2),
                architecture: "amd64".into(),
                maintainer: "A B <a@example.org>".into(),
                description: "Say hello\nLonger text.".into(),
                category: "misc".into(),
                priority: "optional".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn description_cannot_inject_fields() {
        let d = format_description("Synopsis\nDepends: evil\n\n  verbatim\n.\nend");
        assert_eq!(d, "Synopsis\n Depends: evil\n .\n   verbatim\n . end");
        for line in d.lines().skip(1) {
            assert!(line.starts_with(' '), "{line:?}");
        }
    }

    #[test]
    fn paragraphs_reflow() {
        let d = format_description("S\nfirst line that is long enough\nto be joined\n\nnext");
        assert_eq!(
            d,
            "S\n first line that is long enough to be joined\n .\n next"
        );
    }

    #[test]
    fn long_description_lines_wrap() {
        let long = "word ".repeat(40);
        let d = format_description(&format!("S\n{long}"));
        assert!(d.lines().all(|l| l.len() <= 80), "{d}");
    }

    #[test]
    fn validation_names_field_value_and_rule() {
        let d = Deb::new(Compression::new(Algorithm::Xz, None).unwrap());
        d.validate(&pkg()).unwrap();
        type Case = (Box<dyn Fn(&mut Package)>, &'static str);
        let cases: Vec<Case> = vec![
            (Box::new(|p| p.meta.name = "Hello".into()), "5.6.1"),
            (Box::new(|p| p.meta.version = "x1".into()), "5.6.12"),
            (
                Box::new(|p| p.meta.architecture = "amd65".into()),
                "Architecture",
            ),
            (Box::new(|p| p.meta.maintainer = "nobody".into()), "5.6.2"),
            (
                Box::new(|p| p.meta.maintainer = "A <a@b>\nDepends: x".into()),
                "control character",
            ),
            (
                Box::new(|p| p.meta.url = Some("http://x\nDepends: evil".into())),
                "Homepage",
            ),
            (Box::new(|p| p.meta.category = "nope".into()), "2.4"),
            (Box::new(|p| p.meta.category = "foo bar/net".into()), "2.4"),
            (
                Box::new(|p| {
                    p.relations
                        .conflicts
                        .push(Relation::parse("aa | bb").unwrap())
                }),
                "Conflicts",
            ),
            (
                Box::new(|p| {
                    p.relations
                        .provides
                        .push(Relation::parse("aa (>= 1)").unwrap())
                }),
                "Provides",
            ),
            (
                Box::new(|p| p.meta.description = "\nrest".into()),
                "synopsis",
            ),
            (
                Box::new(|p| {
                    p.scripts.user.insert(Phase::AfterInstall, "echo hi".into());
                }),
                "--after-install",
            ),
        ];
        for (f, want) in cases {
            let mut p = pkg();
            f(&mut p);
            let e = d.validate(&p).unwrap_err().to_string();
            assert!(e.contains(want), "{e} lacks {want}");
        }
    }

    #[test]
    fn control_file_fields() {
        let mut p = pkg();
        p.relations.depends.push(Relation::simple(
            "python3.11",
            Some((crate::relation::Op::Ge, "3.11.2")),
        ));
        let c = control_file(&p);
        assert!(
            c.starts_with("Package: hello\nVersion: 2:1.0-1\nArchitecture: amd64\n"),
            "{c}"
        );
        assert!(c.contains("Depends: python3.11 (>= 3.11.2)\n"));
        p.relations
            .recommends
            .push(Relation::parse("curl").unwrap());
        p.relations.suggests.push(Relation::parse("jq").unwrap());
        let c = control_file(&p);
        assert!(c.contains("Recommends: curl\nSuggests: jq\n"), "{c}");
        assert!(c.ends_with("Description: Say hello\n Longer text.\n"));
        let d = Deb::new(Compression::new(Algorithm::Xz, None).unwrap());
        assert_eq!(d.file_name(&p), "hello_1.0-1_amd64.deb");
    }

    #[test]
    fn writes_a_readable_deb() {
        let mut p = pkg();
        p.entries.push(Entry::bytes(
            PkgPath::parse("/etc/hello.conf").unwrap(),
            b"x=1\n".to_vec(),
            0o644,
        ));
        p.entries.last_mut().unwrap().config = true;
        p.entries.push(Entry::bytes(
            PkgPath::parse("/usr/bin/hello").unwrap(),
            b"#!/bin/sh\n".to_vec(),
            0o755,
        ));
        p.finalize().unwrap();
        let d = Deb::new(Compression::new(Algorithm::Zstd, None).unwrap());
        let listener = crate::listener::Collect::default();
        let ctx = WriteContext {
            mtime: 1_700_000_000,
            listener: &listener,
            auto_depends: true,
            strict: false,
            scratch: None,
        };
        let mut out = Vec::new();
        d.write(&p, &mut out, &ctx).unwrap();
        let head = String::from_utf8_lossy(&out[..72]).into_owned();
        assert_eq!(
            head,
            "!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n"
        );
        let mut a = ar::Archive::new(&out[..]);
        let mut names = Vec::new();
        while let Some(m) = a.next_entry() {
            names.push(String::from_utf8(m.unwrap().header().identifier().to_vec()).unwrap());
        }
        assert_eq!(names, ["debian-binary", "control.tar.gz", "data.tar.zst"]);
        let mut again = Vec::new();
        d.write(&p, &mut again, &ctx).unwrap();
        assert_eq!(out, again);
    }
}
