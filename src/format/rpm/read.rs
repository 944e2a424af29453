//! The rpm reader (the RPM v4 file format: lead, signature header, header, payload): metadata
//! only, read with the `rpm` crate after pkgr checked every header index entry lies inside its
//! data store (the crate indexes the store unchecked, and would panic on a damaged file). The
//! header+payload size the signature header records is checked against the file, so a truncated
//! payload is reported. The payload (a compressed cpio archive, [`super::cpio`]) is read only
//! when the caller visits the files (the conversion source `-s rpm`): each regular file's data
//! is handed over with its header entry, checked against the header's size.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};

use crate::compress::Algorithm;
use crate::format::read::{
    escapes_root, norm_path, read_up_to, sort_files, Fail, FileInfo, Inspection, Visit,
};
use crate::format::Reader;

/// The rpm reader.
pub struct RpmReader;

/// The one instance [`crate::format::FormatKind::reader`] hands out.
pub static READER: RpmReader = RpmReader;

impl Reader for RpmReader {
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(&[0xed, 0xab, 0xee, 0xdb])
    }

    fn read(
        &self,
        r: Box<dyn BufRead + '_>,
        len: u64,
        visit: Option<Visit>,
    ) -> Result<Inspection, Fail> {
        read_rpm(r, len, visit)
    }
}

/// rpm's own header limits (`hdrchkTags`, `hdrchkData` in rpm's header.c).
const RPM_TAGS_MAX: u32 = 0xffff;
const RPM_DATA_MAX: u32 = 0x0fff_ffff;
const RPM_LEAD_SIZE: usize = 96;

/// One index entry of an RPM header, checked to lie inside the data store.
struct RawEntry {
    tag: u32,
    kind: u32,
    offset: usize,
}

struct RawHeader {
    entries: Vec<RawEntry>,
    store: Vec<u8>,
}

impl RawHeader {
    /// An integer tag's first value (`INT32` or `INT64`).
    fn integer(&self, tag: u32) -> Option<u64> {
        let e = self.entries.iter().find(|e| e.tag == tag)?;
        let at = |n: usize| self.store.get(e.offset..e.offset.checked_add(n)?);
        match e.kind {
            4 => at(4)
                .and_then(|b| b.try_into().ok())
                .map(|b| u32::from_be_bytes(b) as u64),
            5 => at(8)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_be_bytes),
            _ => None,
        }
    }
}

/// Reads one header structure (RPM file format: 16-byte intro with magic `8e ad e8 01`, entry
/// count and store size, the index, then the store), appending its bytes to `raw`, and checks
/// that every entry's data lies inside the store, so the `rpm` crate can index it safely.
fn read_rpm_header<R: Read>(
    r: &mut R,
    raw: &mut Vec<u8>,
    file_len: u64,
    what: &str,
) -> Result<RawHeader, Fail> {
    let mut intro = [0u8; 16];
    r.read_exact(&mut intro).map_err(|e| Fail::io(what, e))?;
    if intro.get(..4) != Some(&[0x8e, 0xad, 0xe8, 0x01][..]) {
        return Err(Fail::Invalid(format!(
            "{what}: no header magic (8e ad e8 01) where the RPM file format puts it"
        )));
    }
    let word = |at: usize| {
        intro
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .unwrap_or(0)
    };
    let (il, dl) = (word(8), word(12));
    if il > RPM_TAGS_MAX || dl > RPM_DATA_MAX {
        return Err(Fail::Invalid(format!(
            "{what}: it claims {il} entries and {dl} data bytes, beyond rpm's limits ({RPM_TAGS_MAX} entries, {RPM_DATA_MAX} bytes)"
        )));
    }
    let index_len = il as usize * 16;
    let need = raw.len() as u64 + 16 + index_len as u64 + dl as u64;
    if need > file_len {
        return Err(Fail::Invalid(format!(
            "{what}: it needs the file to be at least {need} bytes, but it has {file_len} (the file is truncated)"
        )));
    }
    let mut index = vec![0u8; index_len];
    r.read_exact(&mut index).map_err(|e| Fail::io(what, e))?;
    let mut store = vec![0u8; dl as usize];
    r.read_exact(&mut store).map_err(|e| Fail::io(what, e))?;
    let mut entries = Vec::with_capacity(il as usize);
    for (i, chunk) in index.chunks_exact(16).enumerate() {
        let w = |at: usize| {
            chunk
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
                .unwrap_or(0)
        };
        let (tag, kind, offset, count) = (w(0), w(4), w(8) as i32, w(12));
        let bad = |why: String| Fail::Invalid(format!("{what}: index entry {i} (tag {tag}) {why}"));
        let offset = usize::try_from(offset)
            .ok()
            .filter(|&o| o <= store.len())
            .ok_or_else(|| bad(format!("points outside the {dl}-byte data store")))?;
        let rest = store.get(offset..).unwrap_or(&[]);
        let fits = |width: u64| (count as u64).saturating_mul(width) <= rest.len() as u64;
        let ok = match kind {
            0 => true,
            1 | 2 | 7 => fits(1),
            3 => fits(2),
            4 => fits(4),
            5 => fits(8),
            6 => memchr::memchr(0, rest).is_some(),
            8 | 9 => {
                let mut left = rest;
                let mut ok = fits(1);
                for _ in 0..if ok { count } else { 0 } {
                    match memchr::memchr(0, left) {
                        Some(nul) => left = left.get(nul + 1..).unwrap_or(&[]),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                ok
            }
            other => return Err(bad(format!("has the unknown data type {other}"))),
        };
        if !ok {
            return Err(bad(format!(
                "has {count} items of type {kind} that do not fit in the data store"
            )));
        }
        entries.push(RawEntry { tag, kind, offset });
    }
    raw.extend_from_slice(&intro);
    raw.extend_from_slice(&index);
    raw.extend_from_slice(&store);
    Ok(RawHeader { entries, store })
}

/// RPM scriptlets in their conventional order, by spec-file name.
type ScriptGetter = fn(&rpm::PackageMetadata) -> Result<rpm::Scriptlet, rpm::Error>;
const RPM_SCRIPTS: [(&str, ScriptGetter, rpm::IndexTag); 9] = {
    use rpm::IndexTag as T;
    use rpm::PackageMetadata as M;
    [
        ("%pretrans", M::get_pre_trans_script, T::RPMTAG_PRETRANSPROG),
        ("%pre", M::get_pre_install_script, T::RPMTAG_PREINPROG),
        ("%post", M::get_post_install_script, T::RPMTAG_POSTINPROG),
        ("%preun", M::get_pre_uninstall_script, T::RPMTAG_PREUNPROG),
        (
            "%postun",
            M::get_post_uninstall_script,
            T::RPMTAG_POSTUNPROG,
        ),
        (
            "%posttrans",
            M::get_post_trans_script,
            T::RPMTAG_POSTTRANSPROG,
        ),
        (
            "%preuntrans",
            M::get_pre_untrans_script,
            T::RPMTAG_PREUNTRANSPROG,
        ),
        (
            "%postuntrans",
            M::get_post_untrans_script,
            T::RPMTAG_POSTUNTRANSPROG,
        ),
        (
            "%verifyscript",
            M::get_verify_script,
            T::RPMTAG_VERIFYSCRIPTPROG,
        ),
    ]
};

type DepGetter = fn(&rpm::PackageMetadata) -> Result<Vec<rpm::Dependency>, rpm::Error>;
const RPM_RELATIONS: [(&str, DepGetter); 8] = [
    ("depends", rpm::PackageMetadata::get_requires),
    ("provides", rpm::PackageMetadata::get_provides),
    ("conflicts", rpm::PackageMetadata::get_conflicts),
    ("replaces", rpm::PackageMetadata::get_obsoletes),
    ("recommends", rpm::PackageMetadata::get_recommends),
    ("suggests", rpm::PackageMetadata::get_suggests),
    ("enhances", rpm::PackageMetadata::get_enhances),
    ("supplements", rpm::PackageMetadata::get_supplements),
];

pub(super) fn rpm_fail(what: &str, e: rpm::Error) -> Fail {
    Fail::Invalid(format!("header {what}: {e}"))
}

/// An optional string tag: absent is `None`, unreadable is an error.
fn rpm_opt(what: &str, r: Result<&str, rpm::Error>) -> Result<Option<String>, Fail> {
    match r {
        Ok(s) => Ok(Some(s.to_string())),
        Err(rpm::Error::TagNotFound(_)) => Ok(None),
        Err(e) => Err(rpm_fail(what, e)),
    }
}

/// A dependency as rpm prints it: `name`, or `name OP version`.
fn rpm_dependency(d: &rpm::Dependency) -> String {
    use rpm::DependencyFlags as F;
    let (lt, gt, eq) = (
        d.flags.contains(F::LESS),
        d.flags.contains(F::GREATER),
        d.flags.contains(F::EQUAL),
    );
    let op = match (lt, gt, eq) {
        (true, false, true) => "<=",
        (false, true, true) => ">=",
        (true, false, false) => "<",
        (false, true, false) => ">",
        (false, false, true) => "=",
        _ => "",
    };
    if op.is_empty() || d.version.is_empty() {
        d.name.clone()
    } else {
        format!("{} {op} {}", d.name, d.version)
    }
}

/// Trigger scriptlets pkgr does not model: header tag and spec-file name.
const RPM_TRIGGERS: [(u32, &str); 3] = [
    (1065, "%trigger"),
    (5066, "%filetrigger"),
    (5076, "%transfiletrigger"),
];

fn read_rpm<R: BufRead>(mut r: R, file_len: u64, visit: Option<Visit>) -> Result<Inspection, Fail> {
    let mut raw = Vec::new();
    let mut lead = [0u8; RPM_LEAD_SIZE];
    r.read_exact(&mut lead).map_err(|e| Fail::io("lead", e))?;
    raw.extend_from_slice(&lead);
    let sig = read_rpm_header(&mut r, &mut raw, file_len, "signature header")?;
    // The signature header is padded to a multiple of 8 bytes.
    let pad = (8 - sig.store.len() % 8) % 8;
    let mut padding = vec![0u8; pad];
    r.read_exact(&mut padding)
        .map_err(|e| Fail::io("signature header padding", e))?;
    raw.extend_from_slice(&padding);
    let header_start = raw.len() as u64;
    let main = read_rpm_header(&mut r, &mut raw, file_len, "header")?;
    // RPMSIGTAG_SIZE (1000) or RPMSIGTAG_LONGSIZE (270): header + payload bytes.
    if let Some(size) = sig.integer(1000).or_else(|| sig.integer(270)) {
        let need = header_start.saturating_add(size);
        if need > file_len {
            return Err(Fail::Invalid(format!(
                "the signature header records {size} bytes of header and payload, so the file should be {need} bytes, but it has {file_len} (the file is truncated)"
            )));
        }
    }
    let mut payload_head = [0u8; 8];
    let n = read_up_to(&mut r, &mut payload_head).map_err(|e| Fail::io("payload", e))?;
    let payload_head = payload_head.get(..n).unwrap_or(&[]).to_vec();
    let payload_head = &payload_head[..];

    let md = rpm::PackageMetadata::parse(&mut &raw[..]).map_err(|e| rpm_fail("parse", e))?;

    let compression = match Algorithm::sniff(payload_head) {
        Err(_) => Some("bzip2".to_string()),
        // A cpio archive (newc `070701`, crc `070702`, rpm's large-file `07070X`).
        Ok(Algorithm::None) if payload_head.starts_with(b"07070") => Some("none".to_string()),
        // No payload, or one pkgr does not recognise (lzma): what the header declares.
        Ok(Algorithm::None) => md.get_payload_compressor().ok().map(|c| c.to_string()),
        Ok(c) => Some(c.name().to_string()),
    };

    let version = {
        let v = rpm_opt("Version", md.get_version())?;
        let rel = rpm_opt("Release", md.get_release())?;
        let epoch = match md.get_epoch() {
            Ok(e) => Some(e),
            Err(rpm::Error::TagNotFound(_)) => None,
            Err(e) => return Err(rpm_fail("Epoch", e)),
        };
        v.map(|v| {
            let mut s = epoch.map(|e| format!("{e}:")).unwrap_or_default();
            s.push_str(&v);
            if let Some(rel) = rel {
                s.push('-');
                s.push_str(&rel);
            }
            s
        })
    };

    let mut relations = BTreeMap::new();
    for (key, get) in RPM_RELATIONS {
        let deps = get(&md).map_err(|e| rpm_fail(key, e))?;
        let list: Vec<String> = deps
            .iter()
            .filter(|d| {
                !d.flags.contains(rpm::DependencyFlags::RPMLIB) && !d.name.starts_with("rpmlib(")
            })
            .map(rpm_dependency)
            .collect();
        if !list.is_empty() {
            relations.insert(key.to_string(), list);
        }
    }

    let mut scripts = BTreeMap::new();
    for (name, get, prog_tag) in RPM_SCRIPTS {
        match get(&md) {
            Ok(s) => {
                let prog = s.program.as_deref().unwrap_or(&[]);
                // rpm runs a scriptlet without an interpreter tag with /bin/sh; `<lua>` is rpm's
                // built-in Lua, shown as `#!<lua>`.
                let text = match prog.first() {
                    _ if s.script.starts_with("#!") => s.script.clone(),
                    Some(_) => format!("#!{}\n{}", prog.join(" "), s.script),
                    None => format!("#!/bin/sh\n{}", s.script),
                };
                scripts.insert(name.to_string(), text);
            }
            // An interpreter without a body (`%post -p /sbin/ldconfig`): rpm runs the program
            // with `$1`. Shown as its `#!` line alone.
            Err(rpm::Error::TagNotFound(_)) => {
                let prog = md
                    .header
                    .get_entry_data_as_string_array(prog_tag)
                    .map(|v| v.join(" "))
                    .or_else(|_| {
                        md.header
                            .get_entry_data_as_string(prog_tag)
                            .map(str::to_string)
                    });
                if let Ok(prog) = prog.map(|p| p.trim().to_string()) {
                    if !prog.is_empty() {
                        scripts.insert(name.to_string(), format!("#!{prog}\n"));
                    }
                }
            }
            Err(e) => return Err(rpm_fail(name, e)),
        }
    }

    let (files, conffiles) = rpm_files(&md)?;
    if let Some(visit) = visit {
        let mut hashed = super::read_payload::Digesting::new(
            io::Cursor::new(payload_head.to_vec()).chain(r),
            &md,
        )?;
        super::read_payload::read_payload(BufReader::new(&mut hashed), &md, &files, visit)?;
        hashed.check()?;
    }
    let mut extras: Vec<String> = RPM_TRIGGERS
        .iter()
        .filter(|(tag, _)| main.entries.iter().any(|e| e.tag == *tag))
        .map(|(_, name)| name.to_string())
        .collect();
    // File capabilities (`%caps`, FILECAPS), which no format pkgr writes holds.
    if let Ok(caps) = md
        .header
        .get_entry_data_as_string_array(rpm::IndexTag::RPMTAG_FILECAPS)
    {
        let entries = md.get_file_entries().unwrap_or_default();
        for (cap, e) in caps.iter().zip(&entries) {
            if !cap.is_empty() {
                extras.push(format!("%caps({cap}) {}", e.path().display()));
            }
        }
    }
    let section = match md
        .header
        .get_entry_data_as_i18n_string(rpm::IndexTag::RPMTAG_GROUP)
    {
        Ok(g) => Some(g.to_string()),
        Err(rpm::Error::TagNotFound(_)) => None,
        Err(e) => return Err(rpm_fail("Group", e)),
    };

    Ok(Inspection {
        section,
        extras,
        format: "rpm".into(),
        compression,
        name: rpm_opt("Name", md.get_name())?,
        version,
        architecture: rpm_opt("Arch", md.get_arch())?,
        maintainer: rpm_opt("Packager", md.get_packager())?,
        vendor: rpm_opt("Vendor", md.get_vendor())?,
        homepage: rpm_opt("URL", md.get_url())?,
        license: rpm_opt("License", md.get_license())?,
        summary: rpm_opt("Summary", md.get_summary())?,
        description: rpm_opt("Description", md.get_description())?,
        relations,
        scripts,
        conffiles,
        files,
    })
}

/// The file list from the header. Regular files sharing a device and inode number are hard
/// links (as rpm stores them): the first path in order is the file, the others link to it.
fn rpm_files(md: &rpm::PackageMetadata) -> Result<(Vec<FileInfo>, Vec<String>), Fail> {
    let entries = md
        .get_file_entries()
        .map_err(|e| rpm_fail("file list", e))?;
    let mut files = Vec::with_capacity(entries.len());
    let mut conffiles = Vec::new();
    let mut keys = Vec::with_capacity(entries.len());
    let inodes = md
        .header
        .get_entry_data_as_u32_array(rpm::IndexTag::RPMTAG_FILEINODES)
        .ok();
    let devices = md
        .header
        .get_entry_data_as_u32_array(rpm::IndexTag::RPMTAG_FILEDEVICES)
        .ok();
    for (i, e) in entries.iter().enumerate() {
        let raw = e.path();
        let Some(path) = norm_path(raw.to_string_lossy().as_bytes()) else {
            continue;
        };
        let kind = match e.file_type() {
            rpm::FileType::Regular => "file",
            rpm::FileType::Dir => "dir",
            rpm::FileType::SymbolicLink => "symlink",
            rpm::FileType::CharacterDevice => "chardev",
            rpm::FileType::BlockDevice => "blockdev",
            rpm::FileType::Fifo => "fifo",
            rpm::FileType::Socket => "socket",
            _ => "other",
        };
        if e.flags().contains(rpm::FileFlags::CONFIG) {
            conffiles.push(path.clone());
        }
        let key = match (&inodes, &devices) {
            (Some(ino), Some(dev)) if kind == "file" => {
                ino.get(i).copied().zip(dev.get(i).copied())
            }
            _ => None,
        };
        keys.push(key);
        let outside = escapes_root(raw.as_os_str().as_encoded_bytes(), false);
        files.push(FileInfo {
            outside,
            path,
            kind: kind.to_string(),
            mode: u32::from(e.permissions()) & 0o7777,
            user: e.user().to_string(),
            group: e.group().to_string(),
            size: if kind == "file" { e.size() as u64 } else { 0 },
            target: (kind == "symlink").then(|| e.linkto().unwrap_or("").to_string()),
            ghost: e.flags().contains(rpm::FileFlags::GHOST),
        });
    }
    let mut groups: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        if let Some(k) = key {
            groups.entry(*k).or_default().push(i);
        }
    }
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let mut members = members.clone();
        members.sort_by(|&a, &b| {
            let pa = files.get(a).map(|f| f.path.as_str()).unwrap_or("");
            let pb = files.get(b).map(|f| f.path.as_str()).unwrap_or("");
            pa.split('/').cmp(pb.split('/'))
        });
        let Some(first) = members
            .first()
            .and_then(|&i| files.get(i))
            .map(|f| f.path.clone())
        else {
            continue;
        };
        for &i in members.iter().skip(1) {
            if let Some(f) = files.get_mut(i) {
                f.kind = "hardlink".into();
                f.size = 0;
                f.target = Some(first.clone());
            }
        }
    }
    sort_files(&mut files);
    conffiles.sort();
    Ok((files, conffiles))
}
