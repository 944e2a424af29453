//! The deb reader (deb(5)): an `ar` archive whose first member is `debian-binary` (`2.x`), then
//! `control.tar[.gz|.xz|.zst]` and `data.tar[.gz|.xz|.zst]`. The `control` file is parsed as
//! deb-control(5) says (folded and multi-line fields, `Description` = synopsis + extended text);
//! `conffiles` and the maintainer scripts come from the same tar. deb-control(5) has no license
//! field, so the license is the first `License:` line of `/usr/share/doc/NAME/copyright` (the
//! DEP-5 field pkgr writes).

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};

use crate::compress::Algorithm;
use crate::format::read::{
    read_member, read_up_to, sort_files, walk_tar, Counting, Fail, FileInfo, Inspection, Visit,
    MEMBER_MAX,
};
use crate::format::Reader;

/// The deb reader.
pub struct DebReader;

/// The one instance [`crate::format::FormatKind::reader`] hands out.
pub static READER: DebReader = DebReader;

impl Reader for DebReader {
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"!<arch>\n")
    }

    fn read(
        &self,
        r: Box<dyn BufRead + '_>,
        _len: u64,
        visit: Option<Visit>,
    ) -> Result<Inspection, Fail> {
        read_deb(r, visit)
    }
}

/// deb(5) maintainer scripts (and debconf's `config`) read from `control.tar`.
const DEB_SCRIPTS: [&str; 5] = ["preinst", "postinst", "prerm", "postrm", "config"];

/// deb-control(5) relationship fields and their [`Inspection::relations`] keys.
const DEB_RELATIONS: [(&str, &str); 9] = [
    ("Depends", "depends"),
    ("Pre-Depends", "pre_depends"),
    ("Recommends", "recommends"),
    ("Suggests", "suggests"),
    ("Enhances", "enhances"),
    ("Breaks", "breaks"),
    ("Conflicts", "conflicts"),
    ("Replaces", "replaces"),
    ("Provides", "provides"),
];

/// Control fields the model holds (or pkgr computes: `Installed-Size`; `Source` names the
/// source package, which a binary package converted elsewhere does not have). Any other field
/// is listed in [`Inspection::extras`] as `Name: value`, as is a `Priority` other than
/// `optional`, pkgr's default.
const MODELLED: [&str; 9] = [
    "Package",
    "Version",
    "Architecture",
    "Maintainer",
    "Installed-Size",
    "Section",
    "Homepage",
    "Description",
    "Source",
];

/// What `control.tar` holds.
#[derive(Default)]
struct ControlParts {
    control: Option<Vec<u8>>,
    conffiles: Option<Vec<u8>>,
    scripts: BTreeMap<String, String>,
    /// Members pkgr does not model (`triggers`, `templates`, `shlibs`, ...).
    others: Vec<String>,
}

/// Reads a .deb: the `ar` container (deb(5): common format, `!<arch>\n`, 60-byte member
/// headers, members padded to an even size) is parsed here rather than with the `ar` crate,
/// which panics on some damaged headers (a GNU `/N` name without a name table).
fn read_deb<R: BufRead>(mut r: R, mut visit: Option<Visit>) -> Result<Inspection, Fail> {
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut r, &mut magic).map_err(|e| Fail::io("ar archive", e))?;
    if n < 8 || &magic != b"!<arch>\n" {
        return Err(Fail::Invalid("no ar archive signature".into()));
    }
    let mut control: Option<ControlParts> = None;
    let mut data: Option<(Algorithm, Vec<FileInfo>)> = None;
    let mut license = None;
    let mut index = 0usize;
    loop {
        let mut header = [0u8; 60];
        let n = read_up_to(&mut r, &mut header).map_err(|e| Fail::io("ar member header", e))?;
        if n == 0 {
            break;
        }
        if n < 60 {
            return Err(Fail::Invalid(format!(
                "ar member header {} is cut short after {n} of 60 bytes (the file is truncated)",
                index + 1
            )));
        }
        let (name, size) = ar_member(&header, index)?;
        let mut member = Counting {
            inner: (&mut r).take(size),
            count: 0,
        };
        match name.as_str() {
            "debian-binary" if index == 0 => {
                let mut v = Vec::new();
                (&mut member)
                    .take(64)
                    .read_to_end(&mut v)
                    .map_err(|e| Fail::io("debian-binary", e))?;
                let v = String::from_utf8_lossy(&v).trim().to_string();
                if !v.starts_with("2.") {
                    return Err(Fail::Unsupported(format!(
                        "deb format version '{v}'; pkgr reads version 2.x (deb(5))"
                    )));
                }
            }
            _ if index == 0 => {
                return Err(Fail::Invalid(format!(
                    "the first ar member is '{name}'; deb(5) requires 'debian-binary'"
                )))
            }
            n if n.starts_with("control.tar") => {
                control = Some(read_control_tar(&mut member, &name)?);
            }
            n if n.starts_with("data.tar") => {
                let pkg_name = control
                    .as_ref()
                    .and_then(|c| c.control.as_deref())
                    .and_then(|c| parse_control(c).ok())
                    .and_then(|f| field(&f, "Package").map(|v| fold(&v)));
                let copyright = pkg_name.map(|n| format!("/usr/share/doc/{n}/copyright"));
                let (codec, files, text) =
                    read_data_tar(&mut member, &name, copyright, visit.as_mut())?;
                license = text.as_deref().and_then(copyright_license);
                data = Some((codec, files));
            }
            // deb(5): members starting with '_' are ignored; so is anything after data.tar.
            _ => {}
        }
        io::copy(&mut member, &mut io::sink()).map_err(|e| Fail::io(&name, e))?;
        if member.count != size {
            return Err(Fail::Invalid(format!(
                "ar member '{name}' is cut short: {} of {size} bytes (the file is truncated)",
                member.count
            )));
        }
        if size % 2 == 1 {
            let mut pad = [0u8; 1];
            if read_up_to(&mut r, &mut pad).map_err(|e| Fail::io("ar padding", e))? == 0 {
                return Err(Fail::Invalid(format!(
                    "ar member '{name}' lacks its padding byte (the file is truncated)"
                )));
            }
        }
        index += 1;
    }
    if index == 0 {
        return Err(Fail::Invalid(
            "the ar archive is empty; deb(5) requires debian-binary, control.tar and data.tar"
                .into(),
        ));
    }
    let Some(control) = control else {
        return Err(Fail::Invalid(
            "there is no control.tar member (deb(5))".into(),
        ));
    };
    let Some((codec, mut files)) = data else {
        return Err(Fail::Invalid("there is no data.tar member (deb(5))".into()));
    };
    let Some(control_text) = control.control else {
        return Err(Fail::Invalid(
            "control.tar has no 'control' file (deb(5))".into(),
        ));
    };
    let fields = parse_control(&control_text)?;
    let one_line = |name: &str| field(&fields, name).map(|v| fold(&v));
    let (summary, description) = match field(&fields, "Description") {
        Some(d) => split_description(&d),
        None => (None, None),
    };
    let mut relations = BTreeMap::new();
    for (name, key) in DEB_RELATIONS {
        if let Some(v) = field(&fields, name) {
            let list = split_relations(&v);
            if !list.is_empty() {
                relations.insert(key.to_string(), list);
            }
        }
    }
    let conffiles = control
        .conffiles
        .map(|c| {
            String::from_utf8_lossy(&c)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    sort_files(&mut files);
    let mut extras = control.others;
    for name in ["Breaks", "Enhances"] {
        if field(&fields, name).is_some() {
            extras.push(name.to_string());
        }
    }
    for (name, value) in &fields {
        let modelled = MODELLED.iter().any(|m| m.eq_ignore_ascii_case(name))
            || DEB_RELATIONS
                .iter()
                .any(|(r, _)| r.eq_ignore_ascii_case(name))
            || (name.eq_ignore_ascii_case("Priority") && fold(value) == "optional");
        if !modelled {
            extras.push(format!("{name}: {}", fold(value)));
        }
    }
    Ok(Inspection {
        section: one_line("Section"),
        extras,
        format: "deb".into(),
        compression: Some(codec.name().into()),
        name: one_line("Package"),
        version: one_line("Version"),
        architecture: one_line("Architecture"),
        maintainer: one_line("Maintainer"),
        vendor: None,
        homepage: one_line("Homepage"),
        license,
        summary,
        description,
        relations,
        scripts: control.scripts,
        conffiles,
        files,
    })
}

/// Parses a 60-byte ar member header: the name (GNU's trailing `/` dropped) and the size.
fn ar_member(header: &[u8; 60], index: usize) -> Result<(String, u64), Fail> {
    let bad =
        |why: &str| Fail::Invalid(format!("ar member header {} is damaged: {why}", index + 1));
    if header.get(58..60) != Some(&b"`\n"[..]) {
        return Err(bad("it does not end in '`\\n'"));
    }
    let raw_name = header.get(..16).unwrap_or(&[]);
    let mut name = String::from_utf8_lossy(raw_name).trim_end().to_string();
    if name.starts_with('/') || name.starts_with("#1/") {
        return Err(bad(&format!(
            "name '{name}' uses an ar name-table extension, which deb(5) does not allow"
        )));
    }
    if let Some(stripped) = name.strip_suffix('/') {
        name = stripped.to_string();
    }
    let size_text = String::from_utf8_lossy(header.get(48..58).unwrap_or(&[]))
        .trim()
        .to_string();
    let size = size_text
        .parse::<u64>()
        .map_err(|_| bad(&format!("size '{size_text}' is not a decimal number")))?;
    Ok((name, size))
}

/// Opens a compressed tar member: its compression from its first bytes (gzip, xz, zstd, bzip2,
/// lzma or none, every compression deb(5) lists).
fn member_decoder<'a, R: Read + 'a>(
    r: R,
    name: &str,
) -> Result<(Algorithm, Box<dyn Read + 'a>), Fail> {
    let mut r = r;
    let mut head = [0u8; 8];
    let n = read_up_to(&mut r, &mut head).map_err(|e| Fail::io(name, e))?;
    let head = head.get(..n).unwrap_or(&[]).to_vec();
    let codec =
        Algorithm::sniff(&head).map_err(|why| Fail::Unsupported(format!("{name}: {why}")))?;
    let joined = BufReader::new(io::Cursor::new(head).chain(r));
    let dec = codec.decoder(joined).map_err(|e| Fail::io(name, e))?;
    Ok((codec, dec))
}

fn read_control_tar<R: Read>(r: R, name: &str) -> Result<ControlParts, Fail> {
    let (_, dec) = member_decoder(r, name)?;
    let mut parts = ControlParts::default();
    walk_tar(dec, name, |info, data| {
        if info.kind != "file" {
            return Ok(());
        }
        let member = info.path.trim_start_matches('/');
        match member {
            "control" => parts.control = Some(read_member(info, data, name)?),
            "conffiles" => parts.conffiles = Some(read_member(info, data, name)?),
            s if DEB_SCRIPTS.contains(&s) => {
                let text = read_member(info, data, name)?;
                parts
                    .scripts
                    .insert(s.to_string(), String::from_utf8_lossy(&text).into_owned());
            }
            "md5sums" => {}
            other => parts.others.push(other.to_string()),
        }
        Ok(())
    })?;
    Ok(parts)
}

type DataTar = (Algorithm, Vec<FileInfo>, Option<Vec<u8>>);

fn read_data_tar<R: Read>(
    r: R,
    name: &str,
    capture: Option<String>,
    mut visit: Option<&mut Visit>,
) -> Result<DataTar, Fail> {
    let (codec, dec) = member_decoder(r, name)?;
    let mut captured = None;
    let files = walk_tar(dec, name, |info, data| {
        if info.kind == "file" && Some(&info.path) == capture.as_ref() && info.size <= MEMBER_MAX {
            let text = read_member(info, data, name)?;
            if let Some(v) = visit.as_mut() {
                v(info, &mut &text[..])?;
            }
            captured = Some(text);
            return Ok(());
        }
        match visit.as_mut() {
            Some(v) => v(info, data),
            None => Ok(()),
        }
    })?;
    Ok((codec, files, captured))
}

/// The first `License:` field of a copyright file (DEP-5), if any.
pub(crate) fn copyright_license(text: &[u8]) -> Option<String> {
    String::from_utf8_lossy(text).lines().find_map(|l| {
        l.strip_prefix("License:")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    })
}

/// A deb-control(5) paragraph: `(name, value)` pairs in order, each value being the text after
/// `Name:` with its continuation lines joined by `\n` (each still starting with its space or
/// tab). `#` comment lines are skipped; the first blank line after a field ends the paragraph.
pub(crate) fn parse_control(raw: &[u8]) -> Result<Vec<(String, String)>, Fail> {
    let text = String::from_utf8_lossy(raw);
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if fields.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let Some((_, value)) = fields.last_mut() else {
                return Err(Fail::Invalid(format!(
                    "control: line {} is a continuation line before any field (deb-control(5))",
                    i + 1
                )));
            };
            value.push('\n');
            value.push_str(line);
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Fail::Invalid(format!(
                "control: line {} is not a 'Field: value' line (deb-control(5)): '{}'",
                i + 1,
                line.escape_debug()
            )));
        };
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(fields)
}

/// A field's raw value; names compare case-insensitively (deb-control(5)).
pub(crate) fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// A folded field as one line: runs of whitespace (line breaks included) become one space.
pub(crate) fn fold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a relationship field on commas; each entry keeps its own syntax, whitespace folded.
pub(crate) fn split_relations(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(fold)
        .filter(|s| !s.is_empty())
        .collect()
}

/// `Description`: the synopsis (first line) and the extended text, each continuation line
/// without its first space, and ` .` lines as empty lines (deb-control(5)).
pub(crate) fn split_description(value: &str) -> (Option<String>, Option<String>) {
    let mut lines = value.lines();
    let synopsis = lines
        .next()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let extended: Vec<String> = lines
        .map(|l| {
            let l = l.strip_prefix([' ', '\t']).unwrap_or(l);
            if l.trim_end() == "." {
                String::new()
            } else {
                l.trim_end().to_string()
            }
        })
        .collect();
    let extended = extended.join("\n");
    let extended = (!extended.trim().is_empty()).then_some(extended);
    (synopsis, extended)
}
