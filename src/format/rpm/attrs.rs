//! fpm's rpm-only options for file attributes and digests, read by [`Attrs::from_args`] (bad
//! values are found before any work) and applied by [`Attrs::apply`] when the rpm prepares its
//! package:
//!
//! - `--rpm-user`/`--rpm-group`: the owner of every entry the package gives no other owner
//!   (the user and group of fpm's `%defattr(-,USER,GROUP,-)`); default root.
//! - `--rpm-defattrfile MODE`/`--rpm-defattrdir MODE`: the mode of every file / directory, as
//!   `%defattr`'s first and last fields (`-`, the default, keeps each one's own mode).
//! - `--rpm-attr 'MODE,USER,GROUP:PATH'`: one path's `%attr(MODE,USER,GROUP)`, `-` keeping a
//!   field; the path must be in the package. It wins over the defaults above.
//! - `--rpm-init FILE`: `/etc/init.d/NAME` (the file name without `.init`), mode 0755, as fpm
//!   installs it (a `%config` as every file under `/etc`).
//! - `--rpm-digest`: the file digest algorithm (`FILEDIGESTALGO`, RFC 4880 §9.4 ids):
//!   sha256 (default), sha384 or sha512. md5 and sha1 are refused: rpm in FIPS mode (RHEL 8
//!   and later) refuses to install packages whose file digests are MD5, and neither is an
//!   integrity check any more (fpm's default is md5; its users pass sha256 to get rid of it).

use super::options::Args;
use crate::format::FormatError;
use crate::model::{Entry, EntryKind, Package, PkgPath};
use crate::options::OptionError;

/// A file digest algorithm rpm verifies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Digest {
    /// SHA-256 (`PGPHASHALGO_SHA256` = 8), rpmbuild's default since rpm 4.6.
    #[default]
    Sha256,
    /// SHA-384 (9).
    Sha384,
    /// SHA-512 (10).
    Sha512,
}

impl Digest {
    /// The `FILEDIGESTALGO` value.
    pub fn algo(self) -> u32 {
        match self {
            Digest::Sha256 => 8,
            Digest::Sha384 => 9,
            Digest::Sha512 => 10,
        }
    }

    /// A fresh hasher.
    pub fn hasher(self) -> Hasher {
        use sha2::Digest as _;
        match self {
            Digest::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Digest::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            Digest::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }
}

/// A running file digest.
pub enum Hasher {
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-384.
    Sha384(sha2::Sha384),
    /// SHA-512.
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, b: &[u8]) {
        use sha2::Digest as _;
        match self {
            Hasher::Sha256(h) => h.update(b),
            Hasher::Sha384(h) => h.update(b),
            Hasher::Sha512(h) => h.update(b),
        }
    }

    /// The digest as lowercase hex.
    pub fn hex(self) -> String {
        use sha2::Digest as _;
        match self {
            Hasher::Sha256(h) => crate::output::hex(&h.finalize()),
            Hasher::Sha384(h) => crate::output::hex(&h.finalize()),
            Hasher::Sha512(h) => crate::output::hex(&h.finalize()),
        }
    }
}

/// One `--rpm-attr`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Attr {
    mode: Option<u32>,
    user: Option<String>,
    group: Option<String>,
    path: String,
    given: String,
}

/// The rpm's attribute rules and digest, parsed.
#[derive(Debug, Clone, Default)]
pub struct Attrs {
    user: Option<String>,
    group: Option<String>,
    file_mode: Option<u32>,
    dir_mode: Option<u32>,
    attrs: Vec<Attr>,
    init: Vec<(String, Vec<u8>)>,
    /// `--rpm-digest`.
    pub digest: Digest,
}

/// `-` (keep) or an octal mode of at most 4 digits.
fn mode(flag: &str, v: &str) -> Result<Option<u32>, OptionError> {
    if v == "-" {
        return Ok(None);
    }
    u32::from_str_radix(v, 8)
        .ok()
        .filter(|m| *m <= 0o7777 && !v.is_empty() && v.len() <= 4)
        .map(Some)
        .ok_or_else(|| {
            OptionError::new(
                flag,
                format!(
                    "'{}' is not an octal mode such as 0644, or '-'",
                    v.escape_debug()
                ),
            )
        })
}

/// `-` (keep) or a user/group name.
fn owner(flag: &str, v: &str) -> Result<Option<String>, OptionError> {
    if v == "-" {
        return Ok(None);
    }
    if !crate::format::common::is_user_name(v) {
        return Err(OptionError::new(
            flag,
            format!(
                "'{}' is not a user or group name: 1-31 letters, digits, '.', '_' or '-', not starting with '-' (useradd(8))",
                v.escape_debug()
            ),
        ));
    }
    Ok(Some(v.to_string()))
}

impl Attrs {
    /// Parses the options and reads the `--rpm-init` files.
    ///
    /// # Errors
    /// [`OptionError`] naming the flag and the value.
    pub fn from_args(a: &Args) -> Result<Self, OptionError> {
        let digest = match a.rpm_digest.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("sha256") => Digest::Sha256,
            Some("sha384") => Digest::Sha384,
            Some("sha512") => Digest::Sha512,
            Some(weak @ ("md5" | "sha1")) => {
                return Err(OptionError::new(
                    "--rpm-digest",
                    format!(
                        "'{weak}' is refused: rpm in FIPS mode (RHEL 8 and later) will not install a package with {weak} file digests, and {weak} is no integrity check; use sha256 (pkgr's default), sha384 or sha512"
                    ),
                ))
            }
            Some(other) => {
                return Err(OptionError::new(
                    "--rpm-digest",
                    format!("'{}': use sha256 (default), sha384 or sha512", other.escape_debug()),
                ))
            }
        };
        let mut x = Attrs {
            user: a
                .rpm_user
                .as_deref()
                .map(|v| owner("--rpm-user", v))
                .transpose()?
                .flatten(),
            group: a
                .rpm_group
                .as_deref()
                .map(|v| owner("--rpm-group", v))
                .transpose()?
                .flatten(),
            file_mode: a
                .rpm_defattrfile
                .as_deref()
                .map(|v| mode("--rpm-defattrfile", v))
                .transpose()?
                .flatten(),
            dir_mode: a
                .rpm_defattrdir
                .as_deref()
                .map(|v| mode("--rpm-defattrdir", v))
                .transpose()?
                .flatten(),
            digest,
            ..Attrs::default()
        };
        for given in a.rpm_attr.iter().flatten() {
            let bad = || {
                OptionError::new(
                    "--rpm-attr",
                    format!(
                        "'{}': give MODE,USER,GROUP:PATH, e.g. 0750,app,app:/var/lib/app ('-' keeps a field)",
                        given.escape_debug()
                    ),
                )
            };
            let (fields, path) = given.split_once(':').ok_or_else(bad)?;
            let f: Vec<&str> = fields.split(',').map(str::trim).collect();
            let [m, u, g] = f[..] else {
                return Err(bad());
            };
            if !path.starts_with('/') {
                return Err(bad());
            }
            x.attrs.push(Attr {
                mode: mode("--rpm-attr", m)?,
                user: owner("--rpm-attr", u)?,
                group: owner("--rpm-attr", g)?,
                path: path.to_string(),
                given: given.clone(),
            });
        }
        for p in a.rpm_init.iter().flatten() {
            x.init.push(crate::format::common::option_file(
                "--rpm-init",
                p,
                ".init",
            )?);
        }
        Ok(x)
    }

    /// Adds the init scripts and applies the default owner, the default modes and the
    /// per-path attributes, in that order.
    ///
    /// # Errors
    /// [`FormatError::Invalid`] for an `--rpm-attr` path that is not in the package. An init
    /// script replaces the payload's file at its path, with a warning, as fpm copies over it.
    pub fn apply(
        &self,
        pkg: &mut Package,
        listener: &dyn crate::listener::Listener,
    ) -> Result<(), FormatError> {
        for (name, bytes) in &self.init {
            let path = PkgPath::parse(&format!("/etc/init.d/{name}"))
                .map_err(|e| FormatError::invalid("--rpm-init", e.to_string()))?;
            let entry = Entry::bytes(path, bytes.clone(), 0o755);
            crate::format::common::install_over(pkg, entry, "--rpm-init", listener);
        }
        if !self.init.is_empty() {
            pkg.finalize()
                .map_err(|e| FormatError::invalid("payload", e.to_string()))?;
        }
        for e in pkg.entries.iter_mut() {
            if let Some(u) = self.user.as_ref().filter(|_| e.user == "root") {
                e.user = u.clone();
            }
            if let Some(g) = self.group.as_ref().filter(|_| e.group == "root") {
                e.group = g.clone();
            }
            match (&e.kind, self.file_mode, self.dir_mode) {
                (EntryKind::File { .. } | EntryKind::HardLink { .. }, Some(m), _) => e.mode = m,
                (EntryKind::Dir, _, Some(m)) => e.mode = m,
                _ => {}
            }
        }
        for a in &self.attrs {
            let target = PkgPath::parse(&a.path).ok();
            // A directory the rpm does not list (the base system's, one the payload only
            // passes through) would take the attribute silently nowhere.
            if let Some(t) = target.as_ref().filter(|t| {
                pkg.entry(t).is_some_and(|e| e.kind == EntryKind::Dir)
                    && (crate::sysdirs::is_system_dir(&t.display()) || !pkg.owns_dir(t))
            }) {
                let why = if crate::sysdirs::is_system_dir(&t.display()) {
                    "a base-system directory, which the filesystem package owns"
                } else {
                    "a directory the package does not create (--directories makes it the package's)"
                };
                return Err(FormatError::invalid(
                    "--rpm-attr",
                    format!(
                        "'{}': the rpm does not list '{}', {why}",
                        a.given.escape_debug(),
                        t.display()
                    ),
                ));
            }
            let Some(e) = pkg
                .entries
                .iter_mut()
                .find(|e| Some(&e.path) == target.as_ref())
            else {
                return Err(FormatError::invalid(
                    "--rpm-attr",
                    format!(
                        "'{}': '{}' is not in the package",
                        a.given.escape_debug(),
                        a.path
                    ),
                ));
            };
            if let Some(m) = a.mode {
                if !matches!(e.kind, EntryKind::Symlink { .. }) {
                    e.mode = m;
                }
            }
            if let Some(u) = &a.user {
                e.user = u.clone();
            }
            if let Some(g) = &a.group {
                e.group = g.clone();
            }
        }
        Ok(())
    }
}
