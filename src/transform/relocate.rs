//! Relocation: a venv built at a staging path must work from its install prefix, and nothing in
//! the package may mention the staging path.
//!
//! The staging path is known exactly ([`VenvInfo::build_paths`]), so references are replaced as
//! bytes, never with per-line regexes. What is rewritten, and why:
//! - `bin/*` scripts: the shebang is rebuilt for the prefix, as `#!PREFIX/bin/python` when it fits
//!   in 127 bytes (the Linux `BINPRM_BUF_SIZE` pip and distlib assume) and as pip's `#!/bin/sh` +
//!   `'''exec'` trampoline when it does not, in either direction; every other reference in a
//!   `bin/` text file (the `activate*` scripts for bash, csh, fish, nu, xsh, PowerShell) is
//!   byte-replaced.
//! - `pyvenv.cfg`: the `command =` line names the staging path; it is byte-replaced.
//! - `*.pth`: path lines under the staging path are rewritten; path lines pointing anywhere
//!   else outside the venv are an error naming the distribution.
//! - Editable installs (`__editable__*`, `*.egg-link`, `direct_url.json` with
//!   `"editable": true`) are an error naming the distribution: the package would depend on the
//!   build machine's source tree.
//! - `direct_url.json` with a `file://` URL is dropped (it names a build-host path).
//! - Byte-code: every `__pycache__` directory and `*.pyc` is dropped (each holds the staging path
//!   in `co_filename`); the dependency pass adds scripts that compile them on the target.
//! - `RECORD`: the hash and size of every file rewritten here are recomputed; lines of dropped
//!   files are removed, byte-code lines keep no hash (as the wheel spec allows).
//! - Absolute symlinks into the staging tree become relative.
//!
//! Finally every file and symlink is scanned: any left reference to a build path is an error
//! listing the files; a reference to the application's source directory is a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};

use base64::Engine;
use memchr::memmem;
use sha2::{Digest, Sha256};

use crate::listener::Listener;
use crate::model::{Content, Entry, EntryKind, Package, PkgPath, VenvInfo};

/// The longest shebang line (with `#!`, without the newline) that a kernel is assumed to read
/// whole: pip/distlib's limit, Linux's historic `BINPRM_BUF_SIZE` of 128 bytes minus the NUL.
pub const MAX_SHEBANG: usize = 127;

/// A relocation failure.
#[derive(Debug, thiserror::Error)]
pub enum RelocateError {
    /// An editable install, which points at the build host's source tree.
    #[error("the distribution '{dist}' is installed in editable mode ({file}); a package cannot depend on the build machine's source tree. Install it normally (pip install ., not pip install -e .)")]
    Editable {
        /// Distribution name.
        dist: String,
        /// The file that shows it.
        file: String,
    },
    /// A `.pth` line points outside the venv.
    #[error("'{file}' (distribution '{dist}') adds '{line}' to sys.path, which is outside the virtualenv and will not exist on the target machine")]
    PthOutside {
        /// The .pth file.
        file: String,
        /// Owning distribution (or `unknown`).
        dist: String,
        /// The offending line.
        line: String,
    },
    /// The final scan found build paths left.
    #[error("these files still contain the build path {path} after relocation:\n  {}\nThey cannot work from {prefix}; rebuild them without build paths or exclude them with -x", files.join("\n  "))]
    Leaks {
        /// The build path.
        path: String,
        /// The install prefix.
        prefix: String,
        /// Files (at most 50 listed).
        files: Vec<String>,
    },
    /// Reading a payload file failed.
    #[error("cannot read '{path}': {source}")]
    Read {
        /// The file.
        path: String,
        /// The error.
        source: io::Error,
    },
}

fn read_content(e: &Entry) -> Result<Option<Vec<u8>>, RelocateError> {
    match &e.kind {
        EntryKind::File {
            content: Content::Bytes(b),
            ..
        } => Ok(Some(b.clone())),
        EntryKind::File {
            content: Content::Path(p),
            ..
        } => p.read().map(Some).map_err(|source| RelocateError::Read {
            path: p.path().display().to_string(),
            source,
        }),
        _ => Ok(None),
    }
}

fn set_content(e: &mut Entry, data: Vec<u8>) {
    e.kind = EntryKind::File {
        size: data.len() as u64,
        content: Content::Bytes(data),
    };
}

fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// Is `data[at..at + len]` a whole path: not preceded by a name character and not followed by
/// one (`/tmp/v` is not a whole path inside `/tmp/v2` or `/x/tmp/v`)? `before` is the byte before
/// `data` when `data` is a window of a longer stream; the end of `data` counts as a boundary.
fn whole_path(data: &[u8], at: usize, len: usize, before: Option<u8>) -> bool {
    let prev = if at == 0 { before } else { Some(data[at - 1]) };
    prev.is_none_or(|b| !is_path_byte(b)) && data.get(at + len).is_none_or(|&b| !is_path_byte(b))
}

/// Replaces every occurrence of an `old` path (longest first) by `new`, where the match is a
/// whole path (see [`whole_path`]). Returns `None` when nothing was replaced.
pub fn replace_paths(data: &[u8], old: &[Vec<u8>], new: &[u8]) -> Option<Vec<u8>> {
    let mut olds: Vec<&Vec<u8>> = old.iter().filter(|o| !o.is_empty()).collect();
    olds.sort_by_key(|o| std::cmp::Reverse(o.len()));
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    let mut changed = false;
    'scan: while i < data.len() {
        for o in &olds {
            if data[i..].starts_with(o) && whole_path(data, i, o.len(), None) {
                out.extend_from_slice(new);
                i += o.len();
                changed = true;
                continue 'scan;
            }
        }
        out.push(data[i]);
        i += 1;
    }
    changed.then_some(out)
}

/// The interpreter named by a script's header, and where the body after the header starts.
struct ScriptHeader<'a> {
    interp: &'a [u8],
    args: &'a [u8],
    body: usize,
}

fn parse_header(data: &[u8]) -> Option<ScriptHeader<'_>> {
    let line_end = |from: usize| {
        data[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| from + p)
    };
    let l1 = line_end(0)?;
    let first = data.get(..l1)?.strip_prefix(b"#!")?;
    let first = trim(first);
    if first == b"/bin/sh" {
        // pip/distlib's and uv's trampoline (uv single-quotes INTERP):  #!/bin/sh \n '''exec' INTERP "$0" "$@" \n ' '''
        let l2 = line_end(l1 + 1)?;
        let second = data[l1 + 1..l2].strip_prefix(b"'''exec' ")?;
        let l3 = line_end(l2 + 1)?;
        if trim(&data[l2 + 1..l3]) != b"' '''" {
            return None;
        }
        let tail = b" \"$0\" \"$@\"";
        let cmd = trim(second).strip_suffix(&tail[..])?;
        let (interp, args) = split_first_word(cmd);
        let interp = [b'"', b'\'']
            .iter()
            .find_map(|q| {
                interp
                    .strip_prefix(&[*q][..])
                    .and_then(|s| s.strip_suffix(&[*q][..]))
            })
            .unwrap_or(interp);
        return Some(ScriptHeader {
            interp,
            args,
            body: l3 + 1,
        });
    }
    let (interp, args) = split_first_word(first);
    Some(ScriptHeader {
        interp,
        args,
        body: l1 + 1,
    })
}

/// Strips spaces and tabs at both ends: what Linux's `binfmt_script` strips from a `#!` line
/// (a `\r` stays part of the name there too), so parsing and writing a header agree.
fn trim(s: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let s = match s.iter().position(|b| !blank(b)) {
        Some(a) => &s[a..],
        None => return &s[..0],
    };
    let b = s.iter().rposition(|b| !blank(b)).unwrap_or(0);
    &s[..=b]
}

fn split_first_word(s: &[u8]) -> (&[u8], &[u8]) {
    match s.iter().position(|b| *b == b' ' || *b == b'\t') {
        Some(p) => (&s[..p], trim(&s[p..])),
        None => (s, &s[..0]),
    }
}

/// The header for `interp` (+ `args`): a plain shebang when it fits in [`MAX_SHEBANG`] bytes and
/// has no space, else pip's `/bin/sh` trampoline.
pub fn make_header(interp: &[u8], args: &[u8]) -> Vec<u8> {
    let mut plain = b"#!".to_vec();
    plain.extend_from_slice(interp);
    if !args.is_empty() {
        plain.push(b' ');
        plain.extend_from_slice(args);
    }
    if plain.len() <= MAX_SHEBANG && !interp.contains(&b' ') {
        plain.push(b'\n');
        return plain;
    }
    let mut t = b"#!/bin/sh\n'''exec' ".to_vec();
    if interp.contains(&b' ') {
        t.push(b'"');
        t.extend_from_slice(interp);
        t.push(b'"');
    } else {
        t.extend_from_slice(interp);
    }
    if !args.is_empty() {
        t.push(b' ');
        t.extend_from_slice(args);
    }
    t.extend_from_slice(b" \"$0\" \"$@\"\n' '''\n");
    t
}

/// Rewrites a `bin/` script: the shebang (or trampoline) if its interpreter is inside the venv,
/// then every other reference to an old path. `None` when the script is unchanged.
///
/// With `plain_python`, an interpreter `bin/python3` or `bin/python3.11` becomes `bin/python`
/// (the same interpreter in every venv), as dh-virtualenv writes it: lintian reads a `python3`
/// shebang outside `/usr/bin` as a wrong path to Debian's python3 (an error).
pub fn rewrite_script(
    data: &[u8],
    old: &[Vec<u8>],
    new: &[u8],
    plain_python: bool,
) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    if let Some(h) = parse_header(data) {
        let inside = old
            .iter()
            .chain(std::iter::once(&new.to_vec()))
            .find_map(|o| {
                h.interp
                    .strip_prefix(o.as_slice())
                    .filter(|rest| rest.first() == Some(&b'/'))
                    .map(<[u8]>::to_vec)
            });
        if let Some(mut rest) = inside {
            if plain_python && is_versioned_python(&rest) {
                rest = b"/bin/python".to_vec();
            }
            let rest = replace_paths(&rest, old, new).unwrap_or(rest);
            let mut interp = new.to_vec();
            interp.extend_from_slice(&rest);
            // Rewrite paths in the arguments first: the header's length decides its form.
            let args = replace_paths(h.args, old, new).unwrap_or_else(|| h.args.to_vec());
            let mut v = make_header(&interp, &args);
            v.extend_from_slice(&data[h.body..]);
            if v != data {
                out = Some(v);
            }
        }
    }
    let current = out.as_deref().unwrap_or(data);
    match replace_paths(current, old, new) {
        Some(v) => Some(v),
        None => out,
    }
}

/// `/bin/python3`, `/bin/python3.11`: a versioned name of the venv's interpreter.
fn is_versioned_python(rest: &[u8]) -> bool {
    rest.strip_prefix(b"/bin/python")
        .is_some_and(|v| !v.is_empty() && v.iter().all(|b| b.is_ascii_digit() || *b == b'.'))
}

/// `sha256=<urlsafe base64, no padding>`, the RECORD hash format (wheel spec, PEP 376).
pub fn record_hash(data: &[u8]) -> String {
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(data))
    )
}

/// Relocates the venv in `pkg` (see the module doc). Does nothing without [`Package::venv`].
///
/// # Errors
/// [`RelocateError`] for editable installs, `.pth` lines outside the venv, unreadable files and
/// build paths left after rewriting.
pub fn relocate(pkg: &mut Package, listener: &dyn Listener) -> Result<(), RelocateError> {
    let Some(info) = pkg.venv.clone() else {
        return Ok(());
    };
    let new = info.prefix.as_bytes().to_vec();
    let old = &info.build_paths;
    let bin = info
        .prefix
        .join(b"bin")
        .map_err(io::Error::other)
        .map_err(read_err)?;

    // 1. Byte-code and editable installs.
    let mut dropped: BTreeSet<PkgPath> = BTreeSet::new();
    pkg.entries.retain(|e| {
        let below = e.path.strip_prefix(&info.prefix);
        let pyc = below.is_some_and(|rel| {
            rel.split(|&b| b == b'/').any(|c| c == b"__pycache__")
                || rel.ends_with(b".pyc")
                || rel.ends_with(b".pyo")
        });
        if pyc {
            dropped.insert(e.path.clone());
        }
        !pyc
    });
    let dists = dist_owners(pkg, &info)?;
    for e in &pkg.entries {
        let name = e.path.file_name();
        let shown = e.path.display();
        let editable_file =
            (name.starts_with(b"__editable__") && e.is_file()) || name.ends_with(b".egg-link");
        if editable_file {
            return Err(RelocateError::Editable {
                dist: owner(&dists, &e.path),
                file: shown,
            });
        }
    }

    // 2. direct_url.json: editable → error, file:// → dropped.
    let mut direct: Vec<(PkgPath, bool)> = Vec::new();
    for e in &pkg.entries {
        if e.path.file_name() == b"direct_url.json" && is_dist_info(&e.path) {
            let data = read_content(e)?.unwrap_or_default();
            let v: serde_json::Value = serde_json::from_slice(&data).unwrap_or_default();
            let editable = v["dir_info"]["editable"].as_bool() == Some(true);
            let file_url = v["url"].as_str().is_some_and(|u| u.starts_with("file:"));
            if editable {
                return Err(RelocateError::Editable {
                    dist: dist_name_of(&e.path),
                    file: e.path.display(),
                });
            }
            direct.push((e.path.clone(), file_url));
        }
    }
    for (p, file_url) in direct {
        if file_url {
            pkg.entries.retain(|e| e.path != p);
            dropped.insert(p);
        }
    }

    // 3. Rewrite scripts, pyvenv.cfg, .pth files and symlinks.
    let python = bin
        .join(b"python")
        .map_err(io::Error::other)
        .map_err(read_err)?;
    let plain_python = pkg.entries.iter().any(|e| e.path == python);
    let cfg = info
        .prefix
        .join(b"pyvenv.cfg")
        .map_err(io::Error::other)
        .map_err(read_err)?;
    let mut rewritten: BTreeMap<PkgPath, Vec<u8>> = BTreeMap::new();
    for e in pkg.entries.iter_mut() {
        match &e.kind {
            EntryKind::Symlink { target } => {
                if let Some(t) = relative_link(&e.path, target, old, &info.prefix) {
                    e.kind = EntryKind::Symlink { target: t };
                }
            }
            EntryKind::File { .. } => {
                let in_bin = e.path.parent().as_ref() == Some(&bin);
                // Only what site.addsitedir() reads: *.pth directly in a site directory.
                let is_pth = e.path.file_name().ends_with(b".pth")
                    && e.path.starts_with(&info.prefix)
                    && e.path.parent().is_some_and(|d| {
                        matches!(d.file_name(), b"site-packages" | b"dist-packages")
                    });
                if !(in_bin || is_pth || e.path == cfg) {
                    continue;
                }
                let Some(data) = read_content(e)? else {
                    continue;
                };
                let new_data = if is_pth {
                    if data.contains(&0) {
                        continue; // not a text .pth file
                    }
                    rewrite_pth(&data, old, &new, &e.path, &dists)?
                } else if in_bin {
                    if data.contains(&0) {
                        continue; // a binary (ELF); the final scan reports it if it leaks
                    }
                    rewrite_script(&data, old, &new, plain_python)
                } else {
                    replace_paths(&data, old, &new)
                };
                if let Some(d) = new_data {
                    rewritten.insert(e.path.clone(), d.clone());
                    set_content(e, d);
                }
            }
            _ => {}
        }
    }

    // 4. RECORD files.
    fix_records(pkg, &info, &rewritten, &dropped)?;
    if !rewritten.is_empty() {
        listener.info(&format!(
            "relocated {} files from the build directory to {}",
            rewritten.len(),
            info.prefix
        ));
    }

    // 5. Nothing may still mention a build path.
    scan(pkg, &info, listener)
}

fn read_err(e: io::Error) -> RelocateError {
    RelocateError::Read {
        path: "venv prefix".into(),
        source: e,
    }
}

fn is_dist_info(p: &PkgPath) -> bool {
    p.parent()
        .is_some_and(|d| d.file_name().ends_with(b".dist-info"))
}

/// `foo-1.0.dist-info/x` → `foo`.
fn dist_name_of(p: &PkgPath) -> String {
    let mut cur = Some(p.clone());
    while let Some(c) = cur {
        let n = c.file_name();
        if let Some(stem) = n.strip_suffix(b".dist-info") {
            let s = String::from_utf8_lossy(stem);
            return s.split('-').next().unwrap_or(&s).to_string();
        }
        cur = c.parent();
    }
    "unknown".into()
}

/// Maps every file listed in a RECORD to its distribution's name.
fn dist_owners(pkg: &Package, info: &VenvInfo) -> Result<BTreeMap<PkgPath, String>, RelocateError> {
    let mut owners = BTreeMap::new();
    for e in &pkg.entries {
        if e.path.file_name() != b"RECORD"
            || !is_dist_info(&e.path)
            || !e.path.starts_with(&info.prefix)
        {
            continue;
        }
        let Some(data) = read_content(e)? else {
            continue;
        };
        let dist = dist_name_of(&e.path);
        let site = e.path.parent().and_then(|d| d.parent());
        let Some(site) = site else { continue };
        for line in data.split(|&b| b == b'\n') {
            if let Some(row) = parse_record_line(line) {
                if let Some(p) = resolve(&site, row[0].as_bytes()) {
                    owners.insert(p, dist.clone());
                }
            }
        }
    }
    Ok(owners)
}

fn owner(dists: &BTreeMap<PkgPath, String>, p: &PkgPath) -> String {
    dists.get(p).cloned().unwrap_or_else(|| dist_name_of(p))
}

/// Resolves a RECORD path (relative to site-packages, may use `..`) to a package path.
fn resolve(site: &PkgPath, rel: &[u8]) -> Option<PkgPath> {
    let mut comps: Vec<&[u8]> = site.components().collect();
    for c in rel.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                comps.pop()?;
            }
            c => comps.push(c),
        }
    }
    PkgPath::new(&[b"/".as_slice(), &comps.join(&b'/')].concat()).ok()
}

fn parse_record_line(line: &[u8]) -> Option<Vec<String>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return None;
    }
    // Unquoted lines (nearly all) split on commas, as the csv reader would split them; building
    // a csv reader per line cost more than the rest of the relocation on big venvs.
    if !line.contains(&b'"') {
        let v: Vec<String> = line
            .split(|&b| b == b',')
            .map(|f| String::from_utf8(f.to_vec()).ok())
            .collect::<Option<_>>()?;
        return (v.len() >= 3).then_some(v);
    }
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let rec = r.records().next()?.ok()?;
    let v: Vec<String> = rec.iter().map(str::to_string).collect();
    (v.len() >= 3).then_some(v)
}

fn record_line(fields: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(fields);
    let mut v = w.into_inner().unwrap_or_default();
    if v.last() == Some(&b'\n') {
        v.pop();
    }
    v
}

fn fix_records(
    pkg: &mut Package,
    info: &VenvInfo,
    rewritten: &BTreeMap<PkgPath, Vec<u8>>,
    dropped: &BTreeSet<PkgPath>,
) -> Result<(), RelocateError> {
    for e in pkg.entries.iter_mut() {
        if e.path.file_name() != b"RECORD"
            || !is_dist_info(&e.path)
            || !e.path.starts_with(&info.prefix)
        {
            continue;
        }
        let Some(site) = e.path.parent().and_then(|d| d.parent()) else {
            continue;
        };
        let Some(data) = read_content(e)? else {
            continue;
        };
        let mut out = Vec::with_capacity(data.len());
        let mut changed = false;
        for chunk in data.split_inclusive(|&b| b == b'\n') {
            let (line, term) = match chunk.strip_suffix(b"\r\n") {
                Some(l) => (l, &b"\r\n"[..]),
                None => match chunk.strip_suffix(b"\n") {
                    Some(l) => (l, &b"\n"[..]),
                    None => (chunk, &b""[..]),
                },
            };
            let Some(mut row) = parse_record_line(line) else {
                out.extend_from_slice(chunk);
                continue;
            };
            let Some(p) = resolve(&site, row[0].as_bytes()) else {
                out.extend_from_slice(chunk);
                continue;
            };
            let is_pyc = row[0].ends_with(".pyc") || row[0].contains("__pycache__/");
            if dropped.contains(&p) && !is_pyc {
                changed = true;
                continue;
            }
            if let Some(d) = rewritten.get(&p) {
                row[1] = record_hash(d);
                row[2] = d.len().to_string();
            } else if is_pyc && !row[1].is_empty() {
                row[1].clear();
                row[2].clear();
            } else {
                out.extend_from_slice(chunk);
                continue;
            }
            changed = true;
            out.extend_from_slice(&record_line(&row));
            out.extend_from_slice(term);
        }
        if changed {
            set_content(e, out);
        }
    }
    Ok(())
}

fn rewrite_pth(
    data: &[u8],
    old: &[Vec<u8>],
    new: &[u8],
    path: &PkgPath,
    dists: &BTreeMap<PkgPath, String>,
) -> Result<Option<Vec<u8>>, RelocateError> {
    let mut out = Vec::with_capacity(data.len());
    let mut changed = false;
    for chunk in data.split_inclusive(|&b| b == b'\n') {
        let line = trim(chunk);
        let is_path = line.first() == Some(&b'/');
        if !is_path {
            // Comments, blank lines, `import` lines and relative paths stay; the final scan
            // still catches build paths inside `import` lines.
            out.extend_from_slice(chunk);
            continue;
        }
        match replace_paths(chunk, old, new) {
            Some(v) if v.starts_with(new) => {
                out.extend_from_slice(&v);
                changed = true;
            }
            // Already inside the install prefix (a venv built in place).
            None if line.starts_with(new) && whole_path(line, 0, new.len(), None) => {
                out.extend_from_slice(chunk);
            }
            _ => {
                return Err(RelocateError::PthOutside {
                    file: path.display(),
                    dist: owner(dists, path),
                    line: String::from_utf8_lossy(line).into_owned(),
                })
            }
        }
    }
    Ok(changed.then_some(out))
}

/// An absolute symlink target inside a build path, made relative to the link's directory.
fn relative_link(
    link: &PkgPath,
    target: &[u8],
    old: &[Vec<u8>],
    prefix: &PkgPath,
) -> Option<Vec<u8>> {
    let rest = old.iter().find_map(|o| {
        target
            .strip_prefix(o.as_slice())
            .filter(|r| r.is_empty() || r[0] == b'/')
    })?;
    let abs = prefix.join(rest).ok()?;
    let parent = link.parent()?;
    let from: Vec<&[u8]> = parent.components().collect();
    let to: Vec<&[u8]> = abs.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel: Vec<&[u8]> = vec![b".."; from.len() - common];
    rel.extend(&to[common..]);
    if rel.is_empty() {
        return Some(b".".to_vec());
    }
    Some(rel.join(&b'/'))
}

/// Does `data` contain any of `pats` as a whole path?
fn has_path(data: &[u8], pats: &[&[u8]]) -> bool {
    pats.iter()
        .any(|p| memmem::find_iter(data, p).any(|at| whole_path(data, at, p.len(), None)))
}

/// Streams every file looking for build paths (errors) and watched paths (warnings), with the
/// same whole-path rule the rewrite uses.
fn scan(pkg: &Package, info: &VenvInfo, listener: &dyn Listener) -> Result<(), RelocateError> {
    let errors: Vec<&[u8]> = info.build_paths.iter().map(Vec::as_slice).collect();
    let warns: Vec<&[u8]> = info.watch_paths.iter().map(Vec::as_slice).collect();
    let mut leaks = Vec::new();
    let mut watched = Vec::new();
    for e in &pkg.entries {
        let (bad, warn) = match &e.kind {
            EntryKind::Symlink { target } => (has_path(target, &errors), has_path(target, &warns)),
            EntryKind::File {
                content: Content::Bytes(b),
                ..
            } => (has_path(b, &errors), has_path(b, &warns)),
            EntryKind::File {
                content: Content::Path(p),
                ..
            } => {
                let err = |source| RelocateError::Read {
                    path: p.path().display().to_string(),
                    source,
                };
                let f = p.open().map_err(err)?;
                let found = stream_find(f, &[&errors, &warns]).map_err(err)?;
                (found[0], found[1])
            }
            _ => (false, false),
        };
        if bad {
            leaks.push(e.path.display());
        } else if warn {
            watched.push(e.path.display());
        }
    }
    if !watched.is_empty() {
        listener.warning(&format!(
            "these files mention the application's source directory, which the target machine will not have: {}",
            watched.join(", ")
        ));
    }
    if !leaks.is_empty() {
        leaks.truncate(50);
        return Err(RelocateError::Leaks {
            path: String::from_utf8_lossy(&info.build_paths[0]).into_owned(),
            prefix: info.prefix.display(),
            files: leaks,
        });
    }
    Ok(())
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// For each group, does the stream contain one of its patterns as a whole path? Reads 1 MiB
/// windows that overlap by the longest pattern, so a match across a boundary is seen whole in one
/// window together with the byte after it; memory does not grow with the file.
fn stream_find<R: Read>(mut r: R, groups: &[&[&[u8]]]) -> io::Result<Vec<bool>> {
    let longest = groups
        .iter()
        .flat_map(|g| g.iter())
        .map(|p| p.len())
        .max()
        .unwrap_or(0);
    let mut found = vec![false; groups.len()];
    if longest == 0 {
        return Ok(found);
    }
    let mut buf = vec![0u8; (1 << 20) + longest];
    let mut keep = 0;
    let mut before: Option<u8> = None;
    loop {
        let n = read_full(&mut r, &mut buf[keep..])?;
        let eof = keep + n < buf.len();
        let window = &buf[..keep + n];
        for (gi, g) in groups.iter().enumerate() {
            if found[gi] {
                continue;
            }
            found[gi] = g.iter().any(|p| {
                memmem::find_iter(window, p).any(|at| {
                    // A match touching the window's end is judged in the next window, which
                    // holds the byte after it, unless the stream ends here.
                    (eof || at + p.len() < window.len()) && whole_path(window, at, p.len(), before)
                })
            });
        }
        if eof || found.iter().all(|f| *f) {
            break;
        }
        let start = window.len() - longest;
        before = Some(window[start - 1]);
        buf.copy_within(start.., 0);
        keep = longest;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::Collect;

    const OLD: &str = "/tmp/pkgr-abc/venv";
    const NEW: &str = "/opt/venvs/app";

    fn old() -> Vec<Vec<u8>> {
        vec![OLD.as_bytes().to_vec()]
    }

    fn p(s: &str) -> PkgPath {
        PkgPath::parse(s).unwrap()
    }

    fn venv_pkg(files: &[(&str, &str)]) -> Package {
        let mut pkg = Package::default();
        for (path, data) in files {
            pkg.entries
                .push(Entry::bytes(p(path), data.as_bytes().to_vec(), 0o755));
        }
        pkg.venv = Some(VenvInfo {
            prefix: p(NEW),
            build_paths: old(),
            watch_paths: vec![b"/home/me/app".to_vec()],
        });
        pkg
    }

    fn text(pkg: &Package, path: &str) -> String {
        match &pkg.entry(&p(path)).unwrap().kind {
            EntryKind::File {
                content: Content::Bytes(b),
                ..
            } => String::from_utf8(b.clone()).unwrap(),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn whole_paths_only() {
        let r = replace_paths(
            b"a /tmp/v/bin /tmp/v2 x/tmp/v '/tmp/v'",
            &[b"/tmp/v".to_vec()],
            b"/N",
        )
        .unwrap();
        assert_eq!(r, b"a /N/bin /tmp/v2 x/tmp/v '/N'");
        assert_eq!(
            replace_paths(b"nothing", &[b"/tmp/v".to_vec()], b"/N"),
            None
        );
    }

    #[test]
    fn shebangs_short_and_long_both_ways() {
        let script = format!("#!{OLD}/bin/python3\nimport sys\n");
        let out = rewrite_script(script.as_bytes(), &old(), NEW.as_bytes(), false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("#!{NEW}/bin/python3\nimport sys\n")
        );

        // A staging path over 127 bytes: pip wrote a trampoline; a short prefix gets a shebang.
        let long_old = format!("/tmp/{}/venv", "x".repeat(130));
        let tramp = format!(
            "#!/bin/sh\n'''exec' {long_old}/bin/python3 \"$0\" \"$@\"\n' '''\nimport sys\n"
        );
        let out = rewrite_script(
            tramp.as_bytes(),
            &[long_old.clone().into_bytes()],
            NEW.as_bytes(),
            true,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("#!{NEW}/bin/python\nimport sys\n")
        );

        // A long install prefix gets the trampoline.
        let long_new = format!("/opt/{}/app", "y".repeat(130));
        let out = rewrite_script(script.as_bytes(), &old(), long_new.as_bytes(), false).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            format!(
                "#!/bin/sh\n'''exec' {long_new}/bin/python3 \"$0\" \"$@\"\n' '''\nimport sys\n"
            )
        );
        // ... and it is still a header this module understands.
        let h = parse_header(s.as_bytes()).unwrap();
        assert_eq!(h.interp, format!("{long_new}/bin/python3").as_bytes());

        // Scripts for other interpreters are left alone.
        assert_eq!(
            rewrite_script(b"#!/bin/bash\necho hi\n", &old(), NEW.as_bytes(), true),
            None
        );
    }

    /// uv's trampoline for a long staging path quotes the interpreter; it becomes a plain
    /// shebang like pip's.
    #[test]
    fn uv_trampolines_become_plain_shebangs() {
        let long = format!("/tmp/{}/venv", "w".repeat(130));
        let script =
            format!("#!/bin/sh\n'''exec' '{long}/bin/python' \"$0\" \"$@\"\n' '''\nimport sys\n");
        let out = rewrite_script(
            script.as_bytes(),
            &[long.into_bytes()],
            NEW.as_bytes(),
            true,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("#!{NEW}/bin/python\nimport sys\n")
        );
    }

    /// Found by the relocate fuzz target: a build path inside the shebang's arguments made the
    /// header shrink after its form (plain or trampoline) was chosen, so a second pass differed.
    #[test]
    fn fuzz_regression_paths_in_shebang_arguments() {
        let mut data = b"#! /tmp/pkgr-x/venv/bin\" \"-x/v/".to_vec();
        data.extend_from_slice(&[0; 25]);
        data.extend_from_slice(b"/tmp/pkgr-x/venv");
        data.extend_from_slice(&[0; 48]);
        data.extend_from_slice(b"8nbven/p '''\nim\n");
        let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
        let once = rewrite_script(&data, &old, b"/opt/venvs/app", true).unwrap();
        let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
        assert!(twice.is_none() || twice.as_deref() == Some(&once[..]));
    }

    /// Found by the relocate fuzz target: build paths inside the interpreter path itself (after
    /// the prefix) were replaced only after the header's form was chosen.
    #[test]
    fn fuzz_regression_paths_inside_the_interpreter() {
        let data = b"#!\x0c/tmp/pkgr-x/venv/bi\xc0\xdf\xddt-x/venv/bi\xc0\xdf\xddtmp/\"-\x00/tmp/pkt-x/venv/bi\xc0\xdf\xddtmp/\"-\x00/tmp/pkgr-mp/\"-\x00/tmp/pkgr-x/venv/gr-mp/\"-\x00/tmp/pkgr-x/venv/m\n";
        let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
        let once = rewrite_script(data, &old, b"/opt/venvs/app", true).unwrap();
        let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
        assert!(twice.is_none() || twice.as_deref() == Some(&once[..]));
    }

    /// Found by the relocate fuzz target: a trampoline whose arguments hold control bytes.
    #[test]
    fn fuzz_regression_trampoline_with_odd_arguments() {
        let data: &[u8] = &[
            35, 33, 47, 98, 105, 110, 47, 115, 104, 10, 39, 39, 39, 101, 120, 101, 99, 39, 32, 47,
            116, 109, 112, 47, 112, 107, 103, 114, 45, 120, 47, 118, 101, 110, 118, 47, 98, 105,
            110, 47, 112, 121, 116, 104, 111, 110, 0, 0, 0, 0, 51, 255, 255, 255, 255, 255, 255,
            255, 255, 255, 255, 255, 35, 33, 12, 12, 12, 12, 36, 12, 12, 32, 34, 36, 48, 34, 32,
            34, 36, 64, 34, 10, 39, 32, 39, 39, 39, 10, 105, 148, 12, 32, 12, 51, 143, 144, 141,
            32, 116, 32, 115, 121, 115, 10, 10,
        ];
        let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
        let once = rewrite_script(data, &old, b"/opt/venvs/app", true).unwrap();
        let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
        assert!(
            twice.is_none() || twice.as_deref() == Some(&once[..]),
            "once: {:?}\ntwice: {:?}",
            String::from_utf8_lossy(&once[..80.min(once.len())]),
            twice
                .as_ref()
                .map(|t| String::from_utf8_lossy(&t[..80.min(t.len())]).into_owned())
        );
    }

    /// Found by the relocate fuzz target: carriage returns at the end of a trampoline's
    /// interpreter (Linux keeps `\r` as part of the name, so the parser must too).
    #[test]
    fn fuzz_regression_carriage_returns_in_the_interpreter() {
        let mut data =
            b"#!/bin/sh\n'''exec' /tmp/pkgr-x/venv/bin/python...\0\0\0\xba......".to_vec();
        data.extend_from_slice(&[b'\r'; 50]);
        data.extend_from_slice(b"   \"$0\" \"$@\"\n' '''\nimport sys\n");
        let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
        let once = rewrite_script(&data, &old, b"/opt/venvs/app", true).unwrap();
        let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
        assert!(twice.is_none() || twice.as_deref() == Some(&once[..]));
    }

    #[test]
    fn trampoline_runs_under_sh() {
        let d = tempfile::tempdir().unwrap();
        let long = d.path().join("y".repeat(140));
        std::fs::create_dir_all(long.join("bin")).unwrap();
        std::os::unix::fs::symlink("/usr/bin/python3", long.join("bin/python3")).unwrap();
        let mut s = make_header(format!("{}/bin/python3", long.display()).as_bytes(), b"");
        s.extend_from_slice(b"import sys\nprint('ok', sys.argv[1:])\n");
        let script = long.join("bin/tool");
        std::fs::write(&script, &s).unwrap();
        let out = std::process::Command::new("/bin/sh")
            .arg(&script)
            .arg("a b")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "ok ['a b']\n",
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn activate_scripts_of_every_shell() {
        let files = [
            ("/opt/venvs/app/bin/activate", format!("VIRTUAL_ENV={OLD}\nif [ ! -d {OLD} ]; then\n        VIRTUAL_ENV=\"{OLD}\"\nfi\n")),
            ("/opt/venvs/app/bin/activate.csh", format!("setenv VIRTUAL_ENV '{OLD}'\nsource '{OLD}'\"/\"'bin'\"/deactivate.csh\"\n")),
            ("/opt/venvs/app/bin/activate.fish", format!("set -gx VIRTUAL_ENV '{OLD}'\n")),
            ("/opt/venvs/app/bin/activate.nu", format!("let virtual_env = r#'{OLD}'#\n")),
            ("/opt/venvs/app/bin/activate.xsh", format!("self.embedded_virtual_env = '{OLD}'\n")),
            ("/opt/venvs/app/bin/Activate.ps1", "$VenvDir = $PSScriptRoot\n".to_string()),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let mut pkg = venv_pkg(&refs);
        relocate(&mut pkg, &Collect::default()).unwrap();
        for (path, _) in &files {
            let t = text(&pkg, path);
            assert!(!t.contains(OLD), "{path}: {t}");
        }
        assert!(text(&pkg, "/opt/venvs/app/bin/activate")
            .contains("        VIRTUAL_ENV=\"/opt/venvs/app\""));
    }

    #[test]
    fn record_hashes_follow_rewrites_and_drops() {
        let script = format!("#!{OLD}/bin/python\nprint(1)\n");
        let record = "../../../bin/tool,sha256=old,30\r\napp/__init__.py,sha256=x,1\r\napp/__pycache__/__init__.cpython-311.pyc,sha256=y,2\r\napp-1.0.dist-info/direct_url.json,sha256=z,3\r\napp-1.0.dist-info/RECORD,,\r\n";
        let site = "/opt/venvs/app/lib/python3.11/site-packages";
        let mut pkg = venv_pkg(&[
            ("/opt/venvs/app/bin/tool", &script),
            (&format!("{site}/app/__init__.py"), "x"),
            (
                &format!("{site}/app/__pycache__/__init__.cpython-311.pyc"),
                OLD,
            ),
            (
                &format!("{site}/app-1.0.dist-info/direct_url.json"),
                r#"{"url": "file:///home/me/app", "dir_info": {}}"#,
            ),
            (&format!("{site}/app-1.0.dist-info/RECORD"), record),
        ]);
        relocate(&mut pkg, &Collect::default()).unwrap();
        let new_script = format!("#!{NEW}/bin/python\nprint(1)\n");
        let want = format!(
            "../../../bin/tool,{},{}\r\napp/__init__.py,sha256=x,1\r\napp/__pycache__/__init__.cpython-311.pyc,,\r\napp-1.0.dist-info/RECORD,,\r\n",
            record_hash(new_script.as_bytes()),
            new_script.len()
        );
        assert_eq!(
            text(&pkg, &format!("{site}/app-1.0.dist-info/RECORD")),
            want
        );
        assert!(pkg
            .entry(&p(&format!("{site}/app-1.0.dist-info/direct_url.json")))
            .is_none());
        assert!(pkg
            .entries
            .iter()
            .all(|e| !e.path.display().contains("__pycache__")));
    }

    #[test]
    fn pth_lines_inside_are_rewritten_and_outside_rejected() {
        let site = "/opt/venvs/app/lib/python3.11/site-packages";
        let mut pkg = venv_pkg(&[(
            &format!("{site}/extra.pth"),
            &format!("# c\nimport os\n{OLD}/src\nrel/dir\n"),
        )]);
        relocate(&mut pkg, &Collect::default()).unwrap();
        assert_eq!(
            text(&pkg, &format!("{site}/extra.pth")),
            format!("# c\nimport os\n{NEW}/src\nrel/dir\n")
        );

        let mut pkg = venv_pkg(&[(&format!("{site}/bad.pth"), "/home/me/src\n")]);
        let e = relocate(&mut pkg, &Collect::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/home/me/src") && e.contains("outside the virtualenv"),
            "{e}"
        );
    }

    #[test]
    fn editable_installs_are_rejected_by_name() {
        let site = "/opt/venvs/app/lib/python3.11/site-packages";
        let mut pkg = venv_pkg(&[
            (
                &format!("{site}/__editable__.tinypkg-0.1.pth"),
                "import __editable___tinypkg_0_1_finder\n",
            ),
            (
                &format!("{site}/tinypkg-0.1.dist-info/RECORD"),
                "__editable__.tinypkg-0.1.pth,sha256=a,1\n",
            ),
        ]);
        let e = relocate(&mut pkg, &Collect::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("'tinypkg'") && e.contains("editable"), "{e}");

        let mut pkg = venv_pkg(&[(
            &format!("{site}/tinypkg-0.1.dist-info/direct_url.json"),
            r#"{"url": "file:///src/tinypkg", "dir_info": {"editable": true}}"#,
        )]);
        let e = relocate(&mut pkg, &Collect::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("'tinypkg'"), "{e}");
    }

    #[test]
    fn symlinks_into_the_build_tree_become_relative() {
        let mut pkg = venv_pkg(&[]);
        pkg.entries.push(Entry::symlink(
            p("/opt/venvs/app/bin/python3"),
            b"/usr/bin/python3.11".to_vec(),
        ));
        pkg.entries.push(Entry::symlink(
            p("/opt/venvs/app/lib64"),
            format!("{OLD}/lib").into_bytes(),
        ));
        pkg.entries.push(Entry::symlink(
            p("/opt/venvs/app/bin/py"),
            format!("{OLD}/bin/python3").into_bytes(),
        ));
        relocate(&mut pkg, &Collect::default()).unwrap();
        let target = |s: &str| match &pkg.entry(&p(s)).unwrap().kind {
            EntryKind::Symlink { target } => String::from_utf8(target.clone()).unwrap(),
            _ => panic!(),
        };
        assert_eq!(target("/opt/venvs/app/bin/python3"), "/usr/bin/python3.11");
        assert_eq!(target("/opt/venvs/app/lib64"), "lib");
        assert_eq!(target("/opt/venvs/app/bin/py"), "python3");
    }

    #[test]
    fn the_scan_uses_whole_paths_like_the_rewrite() {
        // Mentions of longer paths that merely contain the build path are not leaks.
        let mut pkg = venv_pkg(&[(
            "/opt/venvs/app/share/urls",
            &format!("https://example.org{OLD}s and {OLD}2/x"),
        )]);
        relocate(&mut pkg, &Collect::default()).unwrap();
        // Across a 1 MiB window boundary, both ways.
        for (tail, leak) in [("\n", true), ("2", false)] {
            let d = tempfile::tempdir().unwrap();
            let f = d.path().join("big");
            let mut data = vec![b' '; (1 << 20) - OLD.len()];
            data.extend_from_slice(OLD.as_bytes());
            data.extend_from_slice(tail.as_bytes());
            data.extend_from_slice(&[b' '; 100]);
            std::fs::write(&f, &data).unwrap();
            let found =
                stream_find(std::fs::File::open(&f).unwrap(), &[&[OLD.as_bytes()]]).unwrap();
            assert_eq!(found[0], leak, "tail {tail:?}");
        }
    }

    #[test]
    fn only_site_pth_files_are_path_files() {
        let site = "/opt/venvs/app/lib/python3.11/site-packages";
        // A data file that happens to end in .pth (a PyTorch model) is left alone.
        let mut pkg = venv_pkg(&[(&format!("{site}/models/model.pth"), "/not/a/path\n")]);
        relocate(&mut pkg, &Collect::default()).unwrap();
        // A venv built in place: lines already under the prefix are fine.
        let mut pkg = venv_pkg(&[(&format!("{site}/local.pth"), &format!("{NEW}/src\n"))]);
        relocate(&mut pkg, &Collect::default()).unwrap();
    }

    #[test]
    fn leftover_build_paths_are_an_error_listing_files() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("big.bin");
        // The path straddles the 1 MiB chunk boundary.
        let mut data = vec![b' '; (1 << 20) - 5];
        data.extend_from_slice(OLD.as_bytes());
        std::fs::write(&f, &data).unwrap();
        let mut pkg = venv_pkg(&[]);
        pkg.entries.push(Entry::file(
            p("/opt/venvs/app/share/big.bin"),
            Content::Path(crate::hostfs::SourceFile::stat(&f).unwrap()),
            data.len() as u64,
            0o644,
        ));
        let e = relocate(&mut pkg, &Collect::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("/opt/venvs/app/share/big.bin"), "{e}");

        let l = Collect::default();
        let mut pkg = venv_pkg(&[("/opt/venvs/app/share/note", "built from /home/me/app")]);
        relocate(&mut pkg, &l).unwrap();
        assert_eq!(l.warnings.lock().unwrap().len(), 1);
    }
}
