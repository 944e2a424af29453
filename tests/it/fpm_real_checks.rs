//! The [`Check`]s of the real fpm invocations (`fpm_real.rs`) and how the real tools judge
//! them: dpkg-deb, ar, tar and rpm -qp, never pkgr's own reader.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// One assertion on the package a case wrote. Paths are installed paths (`/usr/bin/x`); modes
/// are four octal digits; deb owners are `user/group` as `dpkg-deb -c` prints them.
#[derive(Debug)]
pub enum Check {
    /// The package was written at this path, relative to the temp dir. `@DEB_ARCH@` and
    /// `@RPM_ARCH@` stand for the build host's architecture as dpkg and rpm name it.
    Written(&'static str),
    /// `dpkg-deb -f` gives exactly this value for the field.
    Field(&'static str, &'static str),
    /// The field, a comma-separated list, has this item (among others pkgr documents adding).
    FieldHas(&'static str, &'static str),
    /// The control file has no such field.
    NoField(&'static str),
    /// `/usr/share/doc/PACKAGE/copyright` in the data archive (PACKAGE from `dpkg-deb -f`) has
    /// exactly this line.
    Copyright(&'static str),
    /// `dpkg-deb -c` lists a regular file with this mode and owner.
    File(&'static str, &'static str, &'static str),
    /// The file at this path in the data archive contains the text.
    Content(&'static str, &'static str),
    /// `dpkg-deb -c` lists a directory with this mode and owner.
    Dir(&'static str, &'static str, &'static str),
    /// `dpkg-deb -c` lists a symlink to this target.
    Link(&'static str, &'static str),
    /// `dpkg-deb -c` lists nothing at or below this path.
    Absent(&'static str),
    /// The control archive's `conffiles` lists exactly these paths, in any order.
    Conffiles(&'static [&'static str]),
    /// This maintainer script (preinst, postinst, prerm, postrm) contains the text.
    Script(&'static str, &'static str),
    /// The control archive has no such member.
    NoScript(&'static str),
    /// `ar t` lists this member (data.tar.gz, data.tar.bz2, ...).
    Member(&'static str),
    /// `rpm -qp --qf FORMAT` prints exactly this.
    RpmTag(&'static str, &'static str),
    /// `rpm -qp --qf FORMAT` prints this many digits and nothing else (a date used as epoch).
    RpmTagDigits(&'static str, usize),
    /// `rpm -qp --dump` lists a regular file with this mode, user and group.
    RpmFile(&'static str, &'static str, &'static str, &'static str),
    /// `rpm -qp --dump` lists a directory with this mode, user and group.
    RpmDir(&'static str, &'static str, &'static str, &'static str),
    /// `rpm -qpl` lists nothing at or below this path.
    RpmAbsent(&'static str),
    /// `rpm -qpc` lists exactly these paths, in any order.
    RpmConfig(&'static [&'static str]),
    /// The directories `rpm -qp --dump` lists (the package's `%dir`s) are exactly these.
    RpmDirs(&'static [&'static str]),
    /// The scriptlet (`PREIN`, `POSTIN`, `PREUN`, `POSTUN`, as `--qf` names them) contains it.
    RpmScript(&'static str, &'static str),
    /// The package has no such scriptlet.
    RpmNoScript(&'static str),
    /// `rpm -qp --requires` has this line.
    RpmRequires(&'static str),
    /// `rpm -qp --provides` has this line.
    RpmProvides(&'static str),
    /// `rpm -qp --conflicts` has this line.
    RpmConflicts(&'static str),
    /// `rpm -qp --obsoletes` has this line.
    RpmObsoletes(&'static str),
    /// The tarball is not compressed (`ustar` at offset 257).
    TarUncompressed,
    /// The tarball is zstd-compressed (the frame magic `28 b5 2f fd` first).
    TarZstd,
    /// `tar -tf` lists this member (`./usr/x` and `usr/x` are the same member).
    TarHas(&'static str),
    /// `tar -tf` lists nothing at or below this member path.
    TarLacks(&'static str),
}

/// Runs `cmd` and returns stdout, or an error naming it with its stderr.
fn tool(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(stdout(&out))
}

/// `sh -c SCRIPT` through [`tool`].
pub fn shell(script: &str) -> Result<String, String> {
    tool(Command::new("sh").args(["-c", script]))
}

/// Quotes `p` for the shell.
pub fn q(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The host's architecture as dpkg and as rpm name it.
fn host_arches() -> (String, String) {
    let deb = sh("dpkg --print-architecture").trim().to_string();
    let rpm = sh("uname -m").trim().to_string();
    (deb, rpm)
}

/// Octal permission bits (4 digits) of a `dpkg-deb -c` mode string such as `-rwsr-xr-x`.
fn octal(mode: &str) -> String {
    let b: Vec<char> = mode.chars().collect();
    let mut v = 0u32;
    for (i, c) in b[1..10].iter().enumerate() {
        let bit = 1 << (8 - i);
        if matches!(c, 'r' | 'w' | 'x' | 's' | 't') {
            v |= bit;
        }
    }
    for (i, special) in [(3, 0o4000), (6, 0o2000), (9, 0o1000)] {
        if matches!(b[i], 's' | 'S' | 't' | 'T') {
            v |= special;
        }
    }
    format!("{v:04o}")
}

/// Installed path of a `dpkg-deb -c` or `tar -t` member (`./usr/` is `/usr`).
fn installed(member: &str) -> String {
    let p = member.strip_prefix("./").unwrap_or(member);
    let p = p.trim_start_matches('/').trim_end_matches('/');
    if p == "." {
        "/".to_string()
    } else {
        format!("/{p}")
    }
}

/// Is `path` equal to `root` or below it?
fn under(path: &str, root: &str) -> bool {
    path == root || path.starts_with(&format!("{root}/"))
}

/// Judges one check on `pkg`; `Err` says what was found instead.
pub fn judge(c: &Check, pkg: &Path, dir: &Path) -> Result<(), String> {
    let p = q(pkg);
    let rpm_q = |args: &str| shell(&format!("rpm -qp {args} {p}"));
    let has_line = |out: String, want: &str, what: &str| {
        if out.lines().any(|l| l.trim() == want) {
            Ok(())
        } else {
            Err(format!("no '{want}' in {what}:\n{out}"))
        }
    };
    let deb_entries = || -> Vec<(String, String, String, Option<String>)> {
        contents(pkg)
            .into_iter()
            .map(|(m, o, path, l)| (m, o, installed(&path), l))
            .collect()
    };
    let deb_entry = |path: &str, kind: char, mode: &str, owner: &str| {
        let rows = deb_entries();
        match rows.iter().find(|r| r.2 == path) {
            Some((m, o, ..)) if m.starts_with(kind) && octal(m) == mode && o == owner => Ok(()),
            Some(r) => Err(format!("{path} is {} {}", r.0, r.1)),
            None => Err(format!("{path} not in the data archive: {rows:#?}")),
        }
    };
    let rpm_entry = |path: &str, kind: u32, mode: &str, user: &str, group: &str| {
        let dump = rpm_q("--dump")?;
        let row = dump.lines().find(|l| l.split(' ').next() == Some(path));
        let Some(row) = row else {
            return Err(format!("{path} not in rpm --dump:\n{dump}"));
        };
        let cols: Vec<&str> = row.split(' ').collect();
        let m = u32::from_str_radix(cols[4], 8).map_err(|e| format!("{row}: {e}"))?;
        let got = (
            m & 0o170000,
            format!("{:04o}", m & 0o7777),
            cols[5],
            cols[6],
        );
        if got == (kind, mode.to_string(), user, group) {
            Ok(())
        } else {
            Err(format!("{path}: {row}"))
        }
    };
    let script = |tag: &str| rpm_q(&format!("--qf '%{{{tag}}}'"));
    let ctrl_members = || shell(&format!("dpkg-deb --ctrl-tarfile {p} | tar -t"));
    match *c {
        Check::Written(rel) => {
            let (deb, rpm) = host_arches();
            let want = dir.join(rel.replace("@DEB_ARCH@", &deb).replace("@RPM_ARCH@", &rpm));
            if want == pkg {
                Ok(())
            } else {
                Err(format!("written at {}", pkg.display()))
            }
        }
        Check::Field(name, want) => {
            let got = tool(Command::new("dpkg-deb").arg("-f").arg(pkg).arg(name))?;
            if got.trim_end() == want {
                Ok(())
            } else {
                Err(format!("{name}: '{}'", got.trim_end()))
            }
        }
        Check::FieldHas(name, item) => {
            let got = tool(Command::new("dpkg-deb").arg("-f").arg(pkg).arg(name))?;
            if got.split(',').any(|i| i.trim() == item) {
                Ok(())
            } else {
                Err(format!("{name}: '{}'", got.trim_end()))
            }
        }
        Check::NoField(name) => {
            let all = tool(Command::new("dpkg-deb").arg("-f").arg(pkg))?;
            if all.lines().any(|l| l.starts_with(&format!("{name}:"))) {
                Err(format!("control has {name}:\n{all}"))
            } else {
                Ok(())
            }
        }
        Check::Copyright(want) => {
            let name = tool(Command::new("dpkg-deb").arg("-f").arg(pkg).arg("Package"))?;
            let path = format!("./usr/share/doc/{}/copyright", name.trim());
            let text = shell(&format!("dpkg-deb --fsys-tarfile {p} | tar -xO '{path}'"))?;
            has_line(text, want, &path)
        }
        Check::File(path, mode, owner) => deb_entry(path, '-', mode, owner),
        Check::Content(path, needle) => {
            let text = shell(&format!("dpkg-deb --fsys-tarfile {p} | tar -xO '.{path}'"))?;
            if text.contains(needle) {
                Ok(())
            } else {
                Err(format!("{path} lacks '{needle}':\n{text}"))
            }
        }
        Check::Dir(path, mode, owner) => deb_entry(path, 'd', mode, owner),
        Check::Link(path, target) => {
            let rows = deb_entries();
            match rows.iter().find(|r| r.2 == path) {
                Some((m, _, _, Some(t))) if m.starts_with('l') && t == target => Ok(()),
                other => Err(format!("{path}: {other:?}")),
            }
        }
        Check::Absent(root) => {
            let bad: Vec<String> = deb_entries()
                .into_iter()
                .map(|r| r.2)
                .filter(|path| under(path, root))
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(format!("present: {bad:?}"))
            }
        }
        Check::Conffiles(want) => {
            let members = ctrl_members()?;
            let got: BTreeSet<String> = if members.lines().any(|l| l == "./conffiles") {
                shell(&format!(
                    "dpkg-deb --ctrl-tarfile {p} | tar -xO ./conffiles"
                ))?
                .lines()
                .map(str::to_string)
                .collect()
            } else {
                BTreeSet::new()
            };
            let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
            if got == want {
                Ok(())
            } else {
                Err(format!("conffiles: {got:?}"))
            }
        }
        Check::Script(name, needle) => {
            let text = tool(Command::new("dpkg-deb").arg("-I").arg(pkg).arg(name))?;
            if text.contains(needle) {
                Ok(())
            } else {
                Err(format!("{name} lacks '{needle}':\n{text}"))
            }
        }
        Check::NoScript(name) => {
            let members = ctrl_members()?;
            if members.lines().any(|l| l == format!("./{name}")) {
                Err(format!("control archive has {name}"))
            } else {
                Ok(())
            }
        }
        Check::Member(name) => has_line(tool(Command::new("ar").arg("t").arg(pkg))?, name, "ar t"),
        Check::RpmTag(fmt, want) => {
            let got = rpm_q(&format!("--qf '{fmt}'"))?;
            if got == want {
                Ok(())
            } else {
                Err(format!("{fmt}: '{got}'"))
            }
        }
        Check::RpmTagDigits(fmt, n) => {
            let got = rpm_q(&format!("--qf '{fmt}'"))?;
            if got.len() == n && got.bytes().all(|b| b.is_ascii_digit()) {
                Ok(())
            } else {
                Err(format!("{fmt}: '{got}'"))
            }
        }
        Check::RpmFile(path, mode, user, group) => rpm_entry(path, 0o100000, mode, user, group),
        Check::RpmDir(path, mode, user, group) => rpm_entry(path, 0o040000, mode, user, group),
        Check::RpmAbsent(root) => {
            let list = rpm_q("-l")?;
            let bad: Vec<&str> = list.lines().filter(|l| under(l, root)).collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(format!("present: {bad:?}"))
            }
        }
        Check::RpmConfig(want) => {
            let got: BTreeSet<String> = rpm_q("-c")?
                .lines()
                .filter(|l| l.starts_with('/'))
                .map(str::to_string)
                .collect();
            let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
            if got == want {
                Ok(())
            } else {
                Err(format!("%config: {got:?}"))
            }
        }
        Check::RpmDirs(want) => {
            let got: BTreeSet<String> = rpm_q("--dump")?
                .lines()
                .filter_map(|l| {
                    let cols: Vec<&str> = l.split(' ').collect();
                    let mode = u32::from_str_radix(cols.get(4)?, 8).ok()?;
                    (mode & 0o170000 == 0o040000).then(|| cols[0].to_string())
                })
                .collect();
            let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
            if got == want {
                Ok(())
            } else {
                Err(format!("%dir: {got:?}"))
            }
        }
        Check::RpmScript(tag, needle) => {
            let text = script(tag)?;
            if text != "(none)" && text.contains(needle) {
                Ok(())
            } else {
                Err(format!("%{{{tag}}} lacks '{needle}':\n{text}"))
            }
        }
        Check::RpmNoScript(tag) => match script(tag)?.as_str() {
            "(none)" => Ok(()),
            text => Err(format!("%{{{tag}}} is:\n{text}")),
        },
        Check::RpmRequires(want) => has_line(rpm_q("--requires")?, want, "Requires"),
        Check::RpmProvides(want) => has_line(rpm_q("--provides")?, want, "Provides"),
        Check::RpmConflicts(want) => has_line(rpm_q("--conflicts")?, want, "Conflicts"),
        Check::RpmObsoletes(want) => has_line(rpm_q("--obsoletes")?, want, "Obsoletes"),
        Check::TarUncompressed => {
            let magic = shell(&format!("dd if={p} bs=1 skip=257 count=5 2>/dev/null"))?;
            if magic == "ustar" {
                Ok(())
            } else {
                Err(format!(
                    "no ustar header at offset 257 (compressed?): '{magic}'"
                ))
            }
        }
        Check::TarZstd => {
            let magic = shell(&format!("od -An -tx1 -N4 {p}"))?;
            if magic.split_whitespace().eq(["28", "b5", "2f", "fd"]) {
                Ok(())
            } else {
                Err(format!("no zstd frame magic: '{}'", magic.trim()))
            }
        }
        Check::TarHas(member) => {
            let list = tool(Command::new("tar").arg("-tf").arg(pkg))?;
            if list.lines().any(|l| installed(l) == installed(member)) {
                Ok(())
            } else {
                Err(format!("no {member} in tar -t:\n{list}"))
            }
        }
        Check::TarLacks(root) => {
            let list = tool(Command::new("tar").arg("-tf").arg(pkg))?;
            let bad: Vec<&str> = list
                .lines()
                .filter(|l| under(&installed(l), &installed(root)))
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(format!("present: {bad:?}"))
            }
        }
    }
}
