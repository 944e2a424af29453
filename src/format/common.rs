//! Tables and rules every format shares: architecture names in each format's terms, the
//! characters a field may carry into a file name, one-line field checks and description
//! reflowing. No format imports another; what two formats both need lives here.

use super::{FormatError, WriteContext};
use crate::model::Package;

/// One architecture and what each format calls it. The model stores [`Arch::debian`]; every
/// spelling a user may type (`-a x86_64`, `-a amd64`, `-a noarch`) maps to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arch {
    /// Debian's name (`dpkg-architecture -L`), the model's canonical form: `amd64`, `all`.
    pub debian: &'static str,
    /// RPM's name (`rpm --eval %_arch` / `uname -m` style): `x86_64`, `noarch`.
    pub rpm: &'static str,
    /// Other spellings accepted on the command line (fpm's and the kernel's).
    pub aliases: &'static [&'static str],
}

/// Every architecture pkgr knows: Debian's release architectures and ports (`dpkg-architecture
/// -L`), plus `all`, with RPM's names for them (rpm's `rpmrc.in` arch_canon table).
pub const ARCHITECTURES: &[Arch] = &[
    Arch {
        debian: "all",
        rpm: "noarch",
        aliases: &["any-arch-independent"],
    },
    Arch {
        debian: "amd64",
        rpm: "x86_64",
        aliases: &["x86-64"],
    },
    Arch {
        debian: "arm64",
        rpm: "aarch64",
        aliases: &[],
    },
    Arch {
        debian: "armel",
        rpm: "armv5tel",
        aliases: &[],
    },
    Arch {
        debian: "armhf",
        rpm: "armv7hl",
        aliases: &["armv7l"],
    },
    Arch {
        debian: "i386",
        rpm: "i686",
        aliases: &["i586", "x86"],
    },
    Arch {
        debian: "mips64el",
        rpm: "mips64el",
        aliases: &[],
    },
    Arch {
        debian: "mipsel",
        rpm: "mipsel",
        aliases: &[],
    },
    Arch {
        debian: "ppc64el",
        rpm: "ppc64le",
        aliases: &[],
    },
    Arch {
        debian: "s390x",
        rpm: "s390x",
        aliases: &[],
    },
    Arch {
        debian: "riscv64",
        rpm: "riscv64",
        aliases: &[],
    },
    Arch {
        debian: "loong64",
        rpm: "loongarch64",
        aliases: &[],
    },
    Arch {
        debian: "alpha",
        rpm: "alpha",
        aliases: &[],
    },
    Arch {
        debian: "hppa",
        rpm: "parisc",
        aliases: &[],
    },
    Arch {
        debian: "ia64",
        rpm: "ia64",
        aliases: &[],
    },
    Arch {
        debian: "m68k",
        rpm: "m68k",
        aliases: &[],
    },
    Arch {
        debian: "powerpc",
        rpm: "ppc",
        aliases: &[],
    },
    Arch {
        debian: "ppc64",
        rpm: "ppc64",
        aliases: &[],
    },
    Arch {
        debian: "sh4",
        rpm: "sh4",
        aliases: &[],
    },
    Arch {
        debian: "sparc64",
        rpm: "sparc64",
        aliases: &[],
    },
    Arch {
        debian: "x32",
        rpm: "x32",
        aliases: &[],
    },
    Arch {
        debian: "hurd-i386",
        rpm: "hurd-i386",
        aliases: &[],
    },
    Arch {
        debian: "hurd-amd64",
        rpm: "hurd-amd64",
        aliases: &[],
    },
];

/// The row for `name` in any spelling (`amd64`, `x86_64`, `noarch`, ...), case-sensitive as
/// both dpkg and rpm are.
pub fn arch(name: &str) -> Option<&'static Arch> {
    ARCHITECTURES
        .iter()
        .find(|a| a.debian == name || a.rpm == name || a.aliases.contains(&name))
}

/// The build host's architecture, from the one this binary was built for: the answer
/// `dpkg --print-architecture` gives on a Debian host.
pub fn native_arch() -> &'static Arch {
    let name = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "i386",
        "aarch64" => "arm64",
        "arm" => "armhf",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64el",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "loongarch64" => "loong64",
        "mips64" => "mips64el",
        _ => "all",
    };
    arch(name).unwrap_or(&ARCHITECTURES[0])
}

/// The RPM name of a model architecture (`amd64` → `x86_64`); an unknown name is returned as
/// it is, for the format's validation to refuse.
pub fn rpm_arch(debian: &str) -> &str {
    arch(debian).map_or(debian, |a| a.rpm)
}

/// Every known spelling, for error messages (`amd64 (x86_64), arm64 (aarch64), ...`).
pub fn known_architectures() -> String {
    ARCHITECTURES
        .iter()
        .map(|a| {
            if a.rpm == a.debian {
                a.debian.to_string()
            } else {
                format!("{} ({})", a.debian, a.rpm)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a value that becomes part of an artifact's file name (a name, version, release or
/// architecture in `NAME-VERSION.ARCH.tar.zst`): non-empty, one path component, no control
/// characters, only letters, digits and `. _ + - ~ ^ @`, not starting with `.` or `-`. Formats
/// with stricter rules of their own (Debian Policy §5.6.1, RPM naming) check those too.
///
/// # Errors
/// [`FormatError::Invalid`] naming the field, the value and the rule.
pub fn check_file_name_part(field: &str, value: &str) -> Result<(), FormatError> {
    let bad = |why: &str| {
        Err(FormatError::invalid(
            field,
            format!(
                "'{}' {why}; it becomes part of the package's file name, which takes only letters, digits and . _ + - ~ ^ @, not starting with '.' or '-'",
                value.escape_debug()
            ),
        ))
    };
    if value.is_empty() {
        return bad("is empty");
    }
    if value.starts_with(['.', '-']) {
        return bad("starts with '.' or '-'");
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._+-~^@".contains(*c)))
    {
        if c == '/' {
            return bad("contains '/'");
        }
        if c.is_control() {
            return bad("contains a control character");
        }
        return bad(&format!("contains {c:?}"));
    }
    Ok(())
}

/// A POSIX portable user or group name (useradd(8)): 1-31 letters, digits, `.`, `_` or `-`,
/// not starting with `-` (a trailing `$` allowed), which tar's 32-byte `uname` field holds.
pub fn is_user_name(name: &str) -> bool {
    let base = name.strip_suffix('$').unwrap_or(name);
    !base.is_empty()
        && name.len() <= 31
        && !base.starts_with('-')
        && base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Checks every entry's owner and group name, which each format stores as a name: tar's `uname`
/// and `gname` fields hold at most 31 bytes, and both dpkg and rpm resolve names on the target.
/// A name is 1-31 characters of letters, digits, `.`, `_` and `-`, not starting with `-`, with
/// an optional trailing `$` (the portable user names of POSIX.1-2017 §3.437 that useradd(8) and
/// adduser(8) create, and Samba's machine accounts).
///
/// # Errors
/// [`FormatError::Invalid`] naming the entry, the value and the rule.
pub fn check_owners(pkg: &crate::model::Package) -> Result<(), FormatError> {
    for e in &pkg.entries {
        for (what, name) in [("owner", &e.user), ("group", &e.group)] {
            if !is_user_name(name) {
                return Err(FormatError::invalid(
                    format!("{what} of {}", e.path),
                    format!(
                        "'{}' is not a valid user or group name: 1-31 letters, digits, '.', '_' or '-', not starting with '-' (POSIX portable user names, useradd(8); tar stores at most 31 bytes)",
                        name.escape_debug()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Rejects control characters (newline included) in a one-line field: a newline in a control
/// file or spec would start a new field.
///
/// # Errors
/// [`FormatError::Invalid`] naming the field.
pub fn check_single_line(field: &str, value: &str) -> Result<(), FormatError> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(FormatError::invalid(
            field,
            format!(
                "'{}' contains the control character {:?}; one-line fields must not contain newlines or control characters",
                value.escape_debug(),
                c
            ),
        ));
    }
    Ok(())
}

/// Word-wraps one line of prose to `width` columns (words longer than `width` stay whole).
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Lays out a description's text: each line as the user wrote it (a list stays a list), a line
/// longer than `width` word-wrapped onto the next ones; blank lines separate paragraphs
/// (returned as `""`); lines starting with a space are kept verbatim (Policy §5.6.13's
/// "displayed verbatim"). fpm keeps the lines as given too.
pub fn reflow(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push(String::new());
        } else if line.starts_with(' ') {
            out.push(line.to_string());
        } else if line.len() <= width {
            // As written, spacing included ("greeting.  It").
            out.push(line.to_string());
        } else {
            out.extend(wrap(line.trim(), width));
        }
    }
    out
}

/// One shared-library dependency decision: which soname, who needs it, what it became.
/// Shown with `--verbose` and listed under `dependencies` in `--json` output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DependencyDecision {
    /// The target format (`deb`, `rpm`).
    pub format: String,
    /// The `DT_NEEDED` soname (`libz.so.1`).
    pub soname: String,
    /// Payload paths of the ELF files that need it.
    pub needed_by: Vec<String>,
    /// The relation or capability it became (`zlib1g (>= 1:1.2.0)`, `libz.so.1()(64bit)`);
    /// `None` when no package provides it on the build host.
    pub resolved: Option<String>,
    /// Where the answer came from (a symbols/shlibs file, a path search, rpm's elfdeps rules).
    pub source: String,
}

impl std::fmt::Display for DependencyDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.needed_by.len();
        let who = match self.needed_by.first() {
            Some(first) if n > 1 => format!("{first} and {} more", n - 1),
            Some(first) => first.clone(),
            None => String::new(),
        };
        match &self.resolved {
            Some(r) => write!(
                f,
                "{}: {} (needed by {who}) -> {r} [{}]",
                self.format, self.soname, self.source
            ),
            None => write!(
                f,
                "{}: {} (needed by {who}) -> no package [{}]",
                self.format, self.soname, self.source
            ),
        }
    }
}

/// Reports `decisions` to the listener, then warns about (or with `strict`, refuses) the
/// unmapped ones, naming the files that need them.
///
/// # Errors
/// [`FormatError::Invalid`] with `strict` when a soname maps to nothing.
pub fn report_decisions(
    decisions: &[DependencyDecision],
    ctx: &WriteContext,
) -> Result<(), FormatError> {
    for d in decisions {
        ctx.listener.dependency(d);
    }
    let unmapped: Vec<String> = decisions
        .iter()
        .filter(|d| d.resolved.is_none())
        .map(|d| format!("{} (needed by {})", d.soname, d.needed_by.join(", ")))
        .collect();
    if unmapped.is_empty() {
        return Ok(());
    }
    let what = format!(
        "no installed package provides {}; declare the packages with -d, or pass --no-auto-depends",
        unmapped.join("; ")
    );
    if ctx.strict {
        return Err(FormatError::invalid(
            "shared library dependencies (--strict)",
            what,
        ));
    }
    ctx.listener.warning(&what);
    Ok(())
}

/// Where each distribution family keeps packaged systemd units: Debian's debhelper (bookworm)
/// installs to `/lib/systemd/system`; RPM distributions' `%{_unitdir}` is
/// `/usr/lib/systemd/system`.
pub const DEB_UNIT_DIR: &str = "/lib/systemd/system";
/// `%{_unitdir}` on RPM distributions, also used for tarballs.
pub const RPM_UNIT_DIR: &str = "/usr/lib/systemd/system";

/// The package with its systemd units added under `dir` (mode 0644, root-owned), borrowed
/// unchanged when it has none.
///
/// # Errors
/// [`FormatError::Invalid`] when the payload already has a file at a unit's path.
pub fn with_units<'a>(
    pkg: &'a Package,
    dir: &str,
) -> Result<std::borrow::Cow<'a, Package>, FormatError> {
    if pkg.service.units.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(pkg));
    }
    let mut full = pkg.clone();
    for u in &pkg.service.units {
        let path = crate::model::PkgPath::parse(&format!("{dir}/{}", u.name))
            .map_err(|e| FormatError::invalid("--systemd-unit", e.to_string()))?;
        if pkg.entry(&path).is_some() {
            return Err(FormatError::invalid(
                "--systemd-unit",
                format!(
                    "the payload already has '{}'; ship the unit either in the payload or with --systemd-unit",
                    path.display()
                ),
            ));
        }
        full.entries
            .push(crate::model::Entry::bytes(path, u.text.clone(), 0o644));
    }
    full.finalize()
        .map_err(|e| FormatError::invalid("payload", e.to_string()))?;
    Ok(std::borrow::Cow::Owned(full))
}

/// A file an option names to install (fpm's `--deb-init FILE`, `--rpm-init FILE`, ...): its
/// installed name (the file name without `suffix`; ASCII letters, digits and `+-._@`, not
/// starting with `.`) and its bytes, read now so a missing file is found before any work.
///
/// # Errors
/// [`crate::options::OptionError`] naming `flag` and the file.
pub fn option_file(
    flag: &str,
    path: &std::path::Path,
    suffix: &str,
) -> Result<(String, Vec<u8>), crate::options::OptionError> {
    let bad = |why: String| {
        crate::options::OptionError::new(flag, format!("'{}': {why}", path.display()))
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = name.strip_suffix(suffix).unwrap_or(name);
    if name.is_empty()
        || name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-._@".contains(c))
    {
        return Err(bad(
            "the file name is the installed name and must be ASCII letters, digits and '+-._@'"
                .into(),
        ));
    }
    let bytes = crate::hostfs::read_regular(path).map_err(|e| bad(e.to_string()))?;
    Ok((name.to_string(), bytes))
}

/// Adds `entry` to `pkg`, replacing an entry of the payload at its path with a warning naming
/// `flag`, as fpm copies an option's file over the tree's.
pub fn install_over(
    pkg: &mut Package,
    entry: crate::model::Entry,
    flag: &str,
    listener: &dyn crate::listener::Listener,
) {
    if pkg.entry(&entry.path).is_some() {
        listener.warning(&format!(
            "{flag}: replaces the payload's '{}' (as fpm does)",
            entry.path.display()
        ));
        pkg.entries.retain(|e| e.path != entry.path);
    }
    pkg.entries.push(entry);
}
