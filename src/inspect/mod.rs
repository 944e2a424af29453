//! `pkgr inspect FILE`: a view over the formats' readers. [`inspect`] recognises a `.deb`, an
//! `.rpm` or a tarball by its first bytes (each registered format's [`crate::format::Reader`]
//! is asked in turn), reads it into one format-neutral [`Inspection`], and [`render_text`] lays
//! it out for a person, with every control character escaped so no package can drive the
//! terminal.

#[cfg(test)]
use std::io::{Read, Seek};
use std::path::Path;

pub use crate::format::read::{FileInfo, Inspection, ReadError};

/// What [`inspect`] fails with: [`ReadError`].
pub type InspectError = ReadError;

/// Reads the package at `path` and describes it. The format is recognised by its first bytes:
/// `!<arch>\n` (deb(5)), `ed ab ee db` (the RPM lead), a gzip, xz, zstd, bzip2 or lzma stream or a ustar/v7
/// header (tar).
///
/// # Errors
/// [`InspectError`]: the file cannot be read, is of no known format, is damaged or truncated,
/// or uses an unsupported compression. Damaged input never panics.
pub fn inspect(path: &Path) -> Result<Inspection, InspectError> {
    crate::format::read::open(path, None, None).map(|(_, i)| i)
}

/// [`inspect`] on any seekable source of `len` bytes; `path` only names it in errors.
#[cfg(test)]
fn inspect_from<R: Read + Seek>(src: R, len: u64, path: &Path) -> Result<Inspection, InspectError> {
    crate::format::read::read_from(src, len, path, None, None).map(|(_, i)| i)
}

/// Text from a package as it is safe to print on a terminal: control characters (escape
/// sequences, carriage returns, backspaces) and the Unicode bidirectional overrides that can
/// reorder a line are shown escaped (`\u{1b}`), everything else as it is.
fn shown(text: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `ls -l` permissions: the type letter (`-`, `d`, `l`, `h` for a hard link as `tar -tv` and
/// `dpkg-deb --contents` print it, `c`, `b`, `p`, `s`) and `rwx` triplets with setuid, setgid
/// and sticky bits.
fn mode_string(kind: &str, mode: u32) -> String {
    let t = match kind {
        "dir" => 'd',
        "symlink" => 'l',
        "hardlink" => 'h',
        "chardev" => 'c',
        "blockdev" => 'b',
        "fifo" => 'p',
        "socket" => 's',
        "file" => '-',
        _ => '?',
    };
    let mut s = String::with_capacity(10);
    s.push(t);
    let bit = |b: u32| mode & b != 0;
    for (r, w, x, special, set, unset) in [
        (0o400, 0o200, 0o100, 0o4000, 's', 'S'),
        (0o040, 0o020, 0o010, 0o2000, 's', 'S'),
        (0o004, 0o002, 0o001, 0o1000, 't', 'T'),
    ] {
        s.push(if bit(r) { 'r' } else { '-' });
        s.push(if bit(w) { 'w' } else { '-' });
        s.push(match (bit(x), bit(special)) {
            (true, true) => set,
            (false, true) => unset,
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// Lays an [`Inspection`] out for a person: a block of `Field: value` lines, the relations, the
/// scripts (name and line count), the conffiles, then one `ls -l`-like line per file
/// (`-rwxr-xr-x root/root  1234 /usr/bin/x`, with `-> target` for symlinks and `link to
/// target` for hard links).
pub fn render_text(i: &Inspection) -> String {
    let mut s = String::new();
    let line = |s: &mut String, k: &str, v: &str| {
        s.push_str(&format!("{:<14}{}\n", format!("{k}:"), shown(v)));
    };
    line(&mut s, "Format", &i.format);
    for (k, v) in [
        ("Compression", &i.compression),
        ("Package", &i.name),
        ("Version", &i.version),
        ("Architecture", &i.architecture),
        ("Maintainer", &i.maintainer),
        ("Vendor", &i.vendor),
        ("Homepage", &i.homepage),
        ("License", &i.license),
        ("Section", &i.section),
        ("Summary", &i.summary),
    ] {
        if let Some(v) = v {
            line(&mut s, k, v);
        }
    }
    if let Some(d) = &i.description {
        s.push_str("Description:\n");
        for l in d.lines() {
            s.push_str(format!("  {}", shown(l)).trim_end());
            s.push('\n');
        }
    }
    if !i.relations.is_empty() {
        s.push_str("Relations:\n");
        for (k, v) in &i.relations {
            s.push_str(&format!(
                "  {:<13}{}\n",
                format!("{k}: "),
                shown(&v.join(", "))
            ));
        }
    }
    if !i.scripts.is_empty() {
        s.push_str("Scripts:\n");
        for (k, v) in &i.scripts {
            let n = v.lines().count();
            let unit = if n == 1 { "line" } else { "lines" };
            s.push_str(&format!("  {:<13}{n} {unit}\n", format!("{k} ")));
        }
    }
    if !i.extras.is_empty() {
        s.push_str("Not modelled by pkgr:\n");
        for e in &i.extras {
            s.push_str(&format!("  {}\n", shown(e)));
        }
    }
    if !i.conffiles.is_empty() {
        s.push_str("Conffiles:\n");
        for c in &i.conffiles {
            s.push_str(&format!("  {}\n", shown(c)));
        }
    }
    let n = i.files.len();
    s.push_str(&format!(
        "Files:        {n} {}\n",
        if n == 1 { "entry" } else { "entries" }
    ));
    let owners: Vec<String> = i
        .files
        .iter()
        .map(|f| shown(&format!("{}/{}", f.user, f.group)))
        .collect();
    let ow = owners.iter().map(String::len).max().unwrap_or(0);
    let sw = i
        .files
        .iter()
        .map(|f| f.size.to_string().len())
        .max()
        .unwrap_or(1);
    for (f, owner) in i.files.iter().zip(&owners) {
        let mut suffix = match (f.kind.as_str(), &f.target) {
            ("symlink", Some(t)) => format!(" -> {}", shown(t)),
            ("hardlink", Some(t)) => format!(" link to {}", shown(t)),
            _ => String::new(),
        };
        if f.outside {
            suffix.push_str("  [outside the root: an extractor that honours it writes outside]");
        }
        if f.ghost {
            suffix.push_str("  [%ghost: not in the payload]");
        }
        s.push_str(&format!(
            "  {} {owner:<ow$} {:>sw$} {}{suffix}\n",
            mode_string(&f.kind, f.mode),
            f.size,
            shown(&f.path)
        ));
    }
    s
}

#[cfg(test)]
mod tests;
