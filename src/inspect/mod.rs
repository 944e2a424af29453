//! `pkgr inspect FILE`: a view over the formats' readers. [`inspect`] recognises a `.deb`, an
//! `.rpm` or a tarball by its first bytes (each registered format's [`crate::format::Reader`]
//! is asked in turn), reads it into one format-neutral [`Inspection`], and [`render_text`] lays
//! it out for a person, with every control character escaped so no package can drive the
//! terminal.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::format::read::{read_up_to, Fail};
pub use crate::format::read::{FileInfo, Inspection, ReadError};
use crate::format::FormatKind;

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
    let io_err = |source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Only a regular file: a FIFO would block, a device would read forever.
    let file = crate::hostfs::open_regular(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    inspect_from(file, len, path)
}

/// [`inspect`] on any seekable source of `len` bytes; `path` only names it in errors.
fn inspect_from<R: Read + Seek>(
    mut src: R,
    len: u64,
    path: &Path,
) -> Result<Inspection, InspectError> {
    let io_err = |source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = [0u8; 512];
    let n = read_up_to(&mut src, &mut head).map_err(io_err)?;
    let head = head.get(..n).unwrap_or(&[]);
    src.seek(SeekFrom::Start(0)).map_err(io_err)?;
    if head.is_empty() {
        return Err(InspectError::UnknownFormat {
            path: path.to_path_buf(),
            reason: "the file is empty".into(),
        });
    }
    let Some(kind) = FormatKind::ALL
        .iter()
        .copied()
        .find(|k| k.reader().sniff(head))
    else {
        let shown: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return Err(InspectError::UnknownFormat {
            path: path.to_path_buf(),
            reason: format!(
                "its first bytes ({}) are no ar archive (deb(5)), RPM lead, compressed stream, or tar header",
                shown.join(" ")
            ),
        });
    };
    let format = kind.name();
    let result = kind.reader().read(Box::new(BufReader::new(src)), len);
    result.map_err(|f| match f {
        Fail::Invalid(reason) => InspectError::Invalid {
            path: path.to_path_buf(),
            format,
            reason,
        },
        Fail::Unsupported(reason) => InspectError::Unsupported {
            path: path.to_path_buf(),
            format,
            reason,
        },
    })
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
        ("Homepage", &i.homepage),
        ("License", &i.license),
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
