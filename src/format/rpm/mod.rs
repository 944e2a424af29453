//! The RPM writer: the model mapped onto the `rpm` crate's builder (RPM v4 format, as the RPM
//! file-format doc describes it; readable by rpm 4.x on EL8 through Fedora).
//!
//! Mapping (rpm tag ← model):
//! - Name, Version (no `-`, RPM naming rules), Release ← `--iteration` (default `1`), Epoch,
//!   Arch (amd64 → x86_64, arm64 → aarch64, all → noarch, ...), License, Summary (first line of
//!   the description), Description (the rest), URL, Vendor, Packager (maintainer), Group
//!   (`--category`), a fixed Build Host (`--rpm-build-host`), build time and every file mtime from
//!   `SOURCE_DATE_EPOCH`, and one changelog entry dated the same.
//! - Requires: the venv's interpreter as a file dependency (`/usr/bin/python3.X`, which every rpm
//!   distribution resolves), the sonames compiled files need in rpm's own elfdeps form
//!   (`libc.so.6()(64bit)`, `libc.so.6(GLIBC_2.14)(64bit)`), and `-d` translated:
//!   `a (>= 1)` → `a >= 1`, `<<` → `<`, `>>` → `>`, alternatives → a rich dependency `(a or b)`.
//! - Provides, Conflicts, Obsoletes (← `--replaces`), Recommends, Suggests likewise.
//! - Scripts: `%pre`/`%post`/`%preun`/`%postun` from [`scripts::RPM`], each run by the
//!   interpreter its `#!` line names.
//! - Files: modes, owners, symlinks; config files `%config(noreplace)`; files under
//!   `/usr/share/doc` `%doc`; the package owns its directories but never the ones the
//!   `filesystem` package owns ([`SYSTEM_DIRS`]). File digests are SHA-256.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use rpm::{BuildConfig, CompressionWithLevel, Dependency, FileOptions, PackageBuilder, Scriptlet};

use crate::compress::{Algorithm, Compression};
use crate::format::common::{self, check_single_line, rpm_arch};
use crate::format::{scripts, DependencyDecision, Format, FormatError, WriteContext};
use crate::model::{Content, EntryKind, Package, PkgPath};
use crate::relation::{Op, Relation};

/// Directories the `filesystem` package owns on Fedora/RHEL: a package must not own them.
pub const SYSTEM_DIRS: &[&str] = &[
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/etc/bash_completion.d",
    "/etc/cron.d",
    "/etc/default",
    "/etc/logrotate.d",
    "/etc/profile.d",
    "/etc/sysconfig",
    "/etc/systemd",
    "/etc/systemd/system",
    "/etc/xdg",
    "/home",
    "/lib",
    "/lib64",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/include",
    "/usr/lib",
    "/usr/lib/systemd",
    "/usr/lib/systemd/system",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/share",
    "/usr/sbin",
    "/usr/share",
    "/usr/share/applications",
    "/usr/share/bash-completion",
    "/usr/share/bash-completion/completions",
    "/usr/share/doc",
    "/usr/share/icons",
    "/usr/share/info",
    "/usr/share/licenses",
    "/usr/share/locale",
    "/usr/share/man",
    "/usr/share/man/man1",
    "/usr/share/man/man5",
    "/usr/share/man/man8",
    "/usr/share/pixmaps",
    "/usr/src",
    "/var",
    "/var/cache",
    "/var/lib",
    "/var/log",
    "/var/opt",
    "/var/spool",
    "/var/tmp",
];

/// The `.rpm` writer.
pub struct Rpm {
    compression: Compression,
    build_host: String,
    sign_key: Option<std::path::PathBuf>,
}

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

    #[cfg(feature = "sign")]
    fn build(&self, b: &mut PackageBuilder) -> Result<rpm::Package, FormatError> {
        let Some(key) = &self.sign_key else {
            return b.build().map_err(rpm_err);
        };
        let mut signer = rpm::signature::pgp::Signer::from_asc_file(key).map_err(|e| {
            FormatError::invalid("--rpm-sign-key", format!("'{}': {e}", key.display()))
        })?;
        if let Ok(p) = std::env::var("PKGR_RPM_PASSPHRASE") {
            signer = signer.with_key_passphrase(p);
        }
        b.build_and_sign(signer).map_err(rpm_err)
    }

    #[cfg(not(feature = "sign"))]
    fn build(&self, b: &mut PackageBuilder) -> Result<rpm::Package, FormatError> {
        if self.sign_key.is_some() {
            return Err(FormatError::invalid(
                "--rpm-sign-key",
                "this pkgr was built without rpm signing; rebuild it with `cargo build --features sign`",
            ));
        }
        b.build().map_err(rpm_err)
    }

    fn release(pkg: &Package) -> String {
        pkg.meta.iteration.clone().unwrap_or_else(|| "1".into())
    }
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

/// Renders one relation in RPM syntax; alternatives become a rich dependency `(a or b)`.
pub fn rpm_relation(r: &Relation) -> Dependency {
    let atom = |a: &crate::relation::Atom| match &a.constraint {
        None => a.name.clone(),
        Some((op, v)) => format!("{} {} {}", a.name, rpm_op(*op), v),
    };
    if r.alternatives.len() > 1 {
        let inner: Vec<String> = r.alternatives.iter().map(atom).collect();
        return Dependency::any(format!("({})", inner.join(" or ")));
    }
    let a = &r.alternatives[0];
    match &a.constraint {
        None => Dependency::any(a.name.clone()),
        Some((Op::Lt, v)) => Dependency::less(a.name.clone(), v.clone()),
        Some((Op::Le, v)) => Dependency::less_eq(a.name.clone(), v.clone()),
        Some((Op::Eq, v)) => Dependency::eq(a.name.clone(), v.clone()),
        Some((Op::Ge, v)) => Dependency::greater_eq(a.name.clone(), v.clone()),
        Some((Op::Gt, v)) => Dependency::greater(a.name.clone(), v.clone()),
    }
}

/// RPM's spelling of a comparison.
pub fn rpm_op(op: Op) -> &'static str {
    match op {
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Eq => "=",
        Op::Ge => ">=",
        Op::Gt => ">",
    }
}

/// The capabilities rpm's elfdeps(1) generates for the payload's external libraries, one
/// decision per soname: `libfoo.so.1()(64bit)` for every `DT_NEEDED`, `libfoo.so.1(NODE)(64bit)`
/// for every version node needed from it (`libc.so.6(GLIBC_2.14)(64bit)`), and `rtld(GNU_HASH)`
/// for files with only a GNU hash table. The `(64bit)` suffix marks 64-bit ELF classes. Nothing
/// is read from the build host: rpm resolves capabilities at install time.
pub fn elf_requires(pkg: &Package) -> Vec<DependencyDecision> {
    let mut caps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &pkg.elf.files {
        let suffix = if f.is_64 { "(64bit)" } else { "" };
        for so in &f.external {
            users.entry(so.clone()).or_default().push(f.path.display());
            let set = caps.entry(so.clone()).or_default();
            set.insert(format!("{so}(){suffix}"));
            for (lib, node) in &f.version_needs {
                if lib == so {
                    set.insert(format!("{so}({node}){suffix}"));
                }
            }
            if f.gnu_hash_only {
                set.insert("rtld(GNU_HASH)".into());
            }
        }
    }
    caps.into_iter()
        .map(|(so, set)| DependencyDecision {
            format: "rpm".into(),
            needed_by: users.remove(&so).unwrap_or_default(),
            soname: so,
            resolved: Some(set.into_iter().collect::<Vec<_>>().join(", ")),
            source: "elfdeps rules (DT_NEEDED and version needs)".into(),
        })
        .collect()
}

fn rpm_err(e: rpm::Error) -> FormatError {
    FormatError::Io(std::io::Error::other(format!("rpm: {e}")))
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
        let epoch = pkg.meta.epoch.map(|e| format!("{e}:")).unwrap_or_default();
        format!("{epoch}{}-{}", pkg.meta.version, Self::release(pkg))
    }

    fn validate(&self, pkg: &Package) -> Result<(), FormatError> {
        let m = &pkg.meta;
        if m.name.is_empty()
            || m.name.starts_with('-')
            || !m
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
        {
            return Err(FormatError::invalid(
                "Name (-n/--name)",
                format!(
                    "'{}' is not a valid RPM package name: use letters, digits and . _ + -, not starting with '-'",
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
        for e in &pkg.entries {
            utf8(&e.path)?;
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
        let mut lines = m.description.lines();
        let summary = lines.next().unwrap_or("").trim().to_string();
        let rest = lines.collect::<Vec<_>>().join("\n");
        let text = if rest.trim().is_empty() {
            summary.as_str()
        } else {
            rest.trim()
        };
        // rpmlint: description lines stay within 79 columns; indented lines are kept verbatim.
        let description = common::reflow(text, 79).join("\n");
        let license = m.license.clone().unwrap_or_else(|| "Unknown".into());
        let arch = self.architecture(pkg);
        let when = rpm::Timestamp(ctx.mtime as u32);

        let level = self.compression.level;
        let compression = match self.compression.algorithm {
            Algorithm::None => CompressionWithLevel::None,
            Algorithm::Gzip => CompressionWithLevel::Gzip(level),
            Algorithm::Xz => CompressionWithLevel::Xz(level),
            Algorithm::Zstd => CompressionWithLevel::Zstd(level as i32),
        };
        let config = BuildConfig::v4().compression(compression).source_date(when);

        let mut b = PackageBuilder::new(&m.name, &m.version, &license, &arch, &summary);
        b.using_config(config)
            .release(Self::release(pkg))
            .description(description)
            .packager(m.maintainer.clone())
            .group(m.category.clone())
            .build_host(&self.build_host);
        if let Some(e) = m.epoch {
            b.epoch(e);
        }
        if let Some(u) = &m.url {
            b.url(u.clone());
        }
        if let Some(v) = &m.vendor {
            b.vendor(v.clone());
        }
        b.add_changelog_entry(
            format!("{} - {}-{}", m.maintainer, m.version, Self::release(pkg)),
            "- Package built by pkgr.",
            when,
        );

        // Relations.
        if ctx.auto_depends {
            if let Some(py) = &pkg.python {
                b.requires(Dependency::any(py.executable.clone()));
            }
            let decisions = elf_requires(pkg);
            crate::format::report_decisions(&decisions, ctx)?;
            let caps: BTreeSet<&str> = decisions
                .iter()
                .filter_map(|d| d.resolved.as_deref())
                .flat_map(|r| r.split(", "))
                .collect();
            for c in caps {
                b.requires(Dependency::any(c));
            }
        }
        let r = &pkg.relations;
        for rel in r.depends.iter().chain(&r.pre_depends) {
            b.requires(rpm_relation(rel));
        }
        for rel in &r.provides {
            b.provides(rpm_relation(rel));
        }
        for rel in &r.conflicts {
            b.conflicts(rpm_relation(rel));
        }
        for rel in &r.replaces {
            b.obsoletes(rpm_relation(rel));
        }
        for rel in &r.recommends {
            b.recommends(rpm_relation(rel));
        }
        for rel in &r.suggests {
            b.suggests(rpm_relation(rel));
        }

        // Scripts.
        for (i, slot) in scripts::RPM.iter().enumerate() {
            let Some(s) = scripts::render(pkg, slot) else {
                continue;
            };
            let body = match s.text.split_once('\n') {
                Some((_, rest)) => rest.to_string(),
                None => String::new(),
            };
            let scriptlet = Scriptlet::new(body).prog(s.interpreter.clone());
            match i {
                0 => b.pre_install_script(scriptlet),
                1 => b.post_install_script(scriptlet),
                2 => b.pre_uninstall_script(scriptlet),
                _ => b.post_uninstall_script(scriptlet),
            };
        }

        // Files.
        let doc = PkgPath::parse("/usr/share/doc").map_err(std::io::Error::other)?;
        for e in &pkg.entries {
            let path = utf8(&e.path)?;
            let perms = (e.mode & 0o7777) as u16;
            match &e.kind {
                EntryKind::Dir => {
                    if SYSTEM_DIRS.contains(&path) {
                        continue;
                    }
                    let o = FileOptions::dir(path)
                        .permissions(perms)
                        .user(e.user.clone())
                        .group(e.group.clone())
                        .modified_at(when);
                    b.with_dir_entry(o).map_err(rpm_err)?;
                }
                EntryKind::Symlink { target } => {
                    let t = String::from_utf8_lossy(target).into_owned();
                    let o = FileOptions::symlink(path, t)
                        .user(e.user.clone())
                        .group(e.group.clone())
                        .modified_at(when);
                    b.with_symlink(o).map_err(rpm_err)?;
                }
                EntryKind::File { .. } | EntryKind::HardLink { .. } => {
                    let mut o = FileOptions::new(path)
                        .permissions(perms)
                        .user(e.user.clone())
                        .group(e.group.clone())
                        .modified_at(when);
                    if e.config {
                        o = o.config().noreplace();
                    } else if e.path.starts_with(&doc) {
                        o = o.doc();
                    }
                    // A hard link is stored as a copy of its target's contents.
                    let content = match &e.kind {
                        EntryKind::HardLink { target } => pkg.entry(target).map(|t| &t.kind),
                        k => Some(k),
                    };
                    match content {
                        Some(EntryKind::File {
                            content: Content::Path(p),
                            ..
                        }) => {
                            b.with_file(p, o).map_err(rpm_err)?;
                        }
                        Some(EntryKind::File {
                            content: Content::Bytes(d),
                            ..
                        }) => {
                            b.with_file_contents(d.clone(), o).map_err(rpm_err)?;
                        }
                        _ => {
                            return Err(FormatError::invalid(
                                "payload",
                                format!("'{}' links to a file that is not in the package", e.path),
                            ))
                        }
                    }
                }
            }
        }
        // The rpm crate reads and compresses the payload inside build(): no byte progress.
        ctx.listener.begin("rpm", 0);
        let built = self.build(&mut b);
        ctx.listener.end();
        let built = built?;
        let mut w = out;
        built.write(&mut w).map_err(rpm_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Metadata, Phase, PythonRequirement};

    fn pkg() -> Package {
        let mut p = Package {
            meta: Metadata {
                name: "hello".into(),
                version: "1.0~rc1".into(),
                iteration: None,
                epoch: Some(1),
                architecture: "amd64".into(),
                maintainer: "A B <a@example.org>".into(),
                description: "Say hello\nLonger text.".into(),
                category: "misc".into(),
                priority: "optional".into(),
                license: Some("MIT".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let path = |s: &str| PkgPath::parse(s).unwrap();
        p.entries.push(Entry::bytes(
            path("/opt/venvs/hello/bin/run"),
            b"#!/bin/sh\necho hi\n".to_vec(),
            0o755,
        ));
        p.entries.push(Entry::symlink(
            path("/opt/venvs/hello/bin/python3"),
            b"/usr/bin/python3.11".to_vec(),
        ));
        let mut conf = Entry::bytes(path("/etc/hello.conf"), b"x=1\n".to_vec(), 0o644);
        conf.config = true;
        p.entries.push(conf);
        p.finalize().unwrap();
        p.relations
            .depends
            .push(Relation::parse("libpq5 (>= 15) | libpq-ng").unwrap());
        p.relations
            .replaces
            .push(Relation::parse("old-hello (<< 1.0)").unwrap());
        p.relations
            .recommends
            .push(Relation::parse("curl").unwrap());
        p.relations
            .suggests
            .push(Relation::parse("jq (>= 1.6)").unwrap());
        p.python = Some(PythonRequirement {
            minor: "3.11".into(),
            full: "3.11.2".into(),
            executable: "/usr/bin/python3.11".into(),
        });
        p.add_fragment(Phase::AfterInstall, "compile", "echo compile".into());
        p
    }

    #[test]
    fn relations_translate_every_operator_and_alternatives() {
        for (deb, rpm) in [
            ("aa (<< 1)", "aa < 1"),
            ("aa (<= 1)", "aa <= 1"),
            ("aa (= 1)", "aa = 1"),
            ("aa (>= 1)", "aa >= 1"),
            ("aa (>> 1)", "aa > 1"),
            ("aa", "aa"),
            ("python3.11 (>= 3.11.2)", "python3.11 >= 3.11.2"),
            ("aa (>= 1) | bb", "(aa >= 1 or bb)"),
        ] {
            let d = rpm_relation(&Relation::parse(deb).unwrap());
            let shown = if d.version.is_empty() {
                d.name.clone()
            } else {
                let op = if d.flags.contains(rpm::DependencyFlags::LESS)
                    && d.flags.contains(rpm::DependencyFlags::EQUAL)
                {
                    "<="
                } else if d.flags.contains(rpm::DependencyFlags::GREATER)
                    && d.flags.contains(rpm::DependencyFlags::EQUAL)
                {
                    ">="
                } else if d.flags.contains(rpm::DependencyFlags::LESS) {
                    "<"
                } else if d.flags.contains(rpm::DependencyFlags::GREATER) {
                    ">"
                } else {
                    "="
                };
                format!("{} {op} {}", d.name, d.version)
            };
            assert_eq!(shown, rpm, "{deb}");
        }
    }

    #[test]
    fn writes_a_package_the_rpm_crate_reads_back() {
        let p = pkg();
        let t = Rpm::new(
            Compression::new(Algorithm::Zstd, None).unwrap(),
            "pkgr".into(),
        );
        assert_eq!(t.file_name(&p), "hello-1.0~rc1-1.x86_64.rpm");
        let l = crate::listener::Collect::default();
        let ctx = WriteContext {
            mtime: 1_700_000_000,
            listener: &l,
            auto_depends: true,
            strict: false,
        };
        let mut out = Vec::new();
        t.write(&p, &mut out, &ctx).unwrap();
        let mut again = Vec::new();
        t.write(&p, &mut again, &ctx).unwrap();
        assert_eq!(out, again, "reproducible");
        let r = rpm::Package::parse(&mut &out[..]).unwrap();
        let md = &r.metadata;
        assert_eq!(md.get_name().unwrap(), "hello");
        assert_eq!(md.get_version().unwrap(), "1.0~rc1");
        assert_eq!(md.get_release().unwrap(), "1");
        assert_eq!(md.get_epoch().unwrap(), 1);
        assert_eq!(md.get_arch().unwrap(), "x86_64");
        assert_eq!(md.get_build_host().unwrap(), "pkgr");
        assert_eq!(md.get_build_time().unwrap(), 1_700_000_000);
        let paths: Vec<String> = md
            .get_file_paths()
            .unwrap()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert!(
            paths.contains(&"/opt/venvs/hello/bin/run".to_string()),
            "{paths:?}"
        );
        assert!(
            !paths.contains(&"/opt".to_string()) && !paths.contains(&"/etc".to_string()),
            "system dirs are not owned: {paths:?}"
        );
        assert!(paths.contains(&"/opt/venvs".to_string()));
        let reqs: Vec<String> = md
            .get_requires()
            .unwrap()
            .iter()
            .map(|d| d.name.clone())
            .collect();
        assert!(
            reqs.contains(&"/usr/bin/python3.11".to_string()),
            "{reqs:?}"
        );
        assert!(
            reqs.contains(&"(libpq5 >= 15 or libpq-ng)".to_string()),
            "{reqs:?}"
        );
        let obs: Vec<String> = md
            .get_obsoletes()
            .unwrap()
            .iter()
            .map(|d| d.name.clone())
            .collect();
        assert_eq!(obs, ["old-hello"]);
        let rec: Vec<String> = md
            .get_recommends()
            .unwrap()
            .iter()
            .map(|d| d.name.clone())
            .collect();
        assert_eq!(rec, ["curl"]);
        let sug: Vec<String> = md
            .get_suggests()
            .unwrap()
            .iter()
            .map(|d| d.name.clone())
            .collect();
        assert_eq!(sug, ["jq"]);
        let post = md.get_post_install_script().unwrap();
        assert!(post.script.contains("echo compile"), "{}", post.script);
        let files = md.get_file_entries().unwrap();
        let conf = files
            .iter()
            .find(|f| f.path().to_str() == Some("/etc/hello.conf"))
            .unwrap();
        assert!(
            conf.flags().contains(rpm::FileFlags::CONFIG)
                && conf.flags().contains(rpm::FileFlags::NOREPLACE)
        );
        assert!(files
            .iter()
            .all(|f| f.modified_at() == rpm::Timestamp(1_700_000_000)));
    }

    #[test]
    fn versions_follow_rpm_rules() {
        let t = Rpm::new(
            Compression::new(Algorithm::Zstd, None).unwrap(),
            "pkgr".into(),
        );
        let mut p = pkg();
        p.meta.version = "1.0-2".into();
        let e = t.validate(&p).unwrap_err().to_string();
        assert!(e.contains("--iteration"), "{e}");
        let mut p = pkg();
        p.meta.iteration = Some("1\nRequires: evil".into());
        assert!(t.validate(&p).is_err());
    }
}
