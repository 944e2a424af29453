//! Byte-level rewriting: whole-path replacement and shebang lines.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::*;

pub(super) fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// Is `data[at..at + len]` a whole path: not preceded by a name character and not followed by
/// one (`/tmp/v` is not a whole path inside `/tmp/v2` or `/x/tmp/v`)? `before` is the byte before
/// `data` when `data` is a window of a longer stream; the end of `data` counts as a boundary.
pub(super) fn whole_path(data: &[u8], at: usize, len: usize, before: Option<u8>) -> bool {
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
pub(super) struct ScriptHeader<'a> {
    pub(super) interp: &'a [u8],
    pub(super) args: &'a [u8],
    pub(super) body: usize,
}

pub(super) fn parse_header(data: &[u8]) -> Option<ScriptHeader<'_>> {
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
pub(super) fn trim(s: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let s = match s.iter().position(|b| !blank(b)) {
        Some(a) => &s[a..],
        None => return &s[..0],
    };
    let b = s.iter().rposition(|b| !blank(b)).unwrap_or(0);
    &s[..=b]
}

pub(super) fn split_first_word(s: &[u8]) -> (&[u8], &[u8]) {
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
pub(super) fn is_versioned_python(rest: &[u8]) -> bool {
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
