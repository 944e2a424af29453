//! Distributions' files: RECORD lines, `.pth` files and symlinks into the staging tree.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Package, PkgPath, VenvInfo};

use super::text::{trim, whole_path};
use super::*;

/// Maps every file listed in a RECORD to its distribution's name.
pub(super) fn dist_owners(
    pkg: &Package,
    info: &VenvInfo,
) -> Result<BTreeMap<PkgPath, String>, RelocateError> {
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

pub(super) fn owner(dists: &BTreeMap<PkgPath, String>, p: &PkgPath) -> String {
    dists.get(p).cloned().unwrap_or_else(|| dist_name_of(p))
}

/// Resolves a RECORD path (relative to site-packages, may use `..`) to a package path.
pub(super) fn resolve(site: &PkgPath, rel: &[u8]) -> Option<PkgPath> {
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

pub(super) fn parse_record_line(line: &[u8]) -> Option<Vec<String>> {
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

pub(super) fn record_line(fields: &[String]) -> Vec<u8> {
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

pub(super) fn fix_records(
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

pub(super) fn rewrite_pth(
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
pub(super) fn relative_link(
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
