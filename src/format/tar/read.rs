//! The tarball reader: the entries of a plain or compressed tar (POSIX ustar, GNU and pax
//! extensions), recognised by a gzip, xz, zstd, bzip2 or lzma stream or a ustar/v7 header.

use std::collections::BTreeMap;
use std::io::BufRead;

use crate::compress::Algorithm;
use crate::format::read::{is_tar_header, sort_files, walk_tar, Fail, Inspection, Visit};
use crate::format::Reader;

/// The tarball reader.
pub struct TarReader;

/// The one instance [`crate::format::FormatKind::reader`] hands out.
pub static READER: TarReader = TarReader;

impl Reader for TarReader {
    fn sniff(&self, head: &[u8]) -> bool {
        match Algorithm::sniff(head) {
            Err(_) => true,
            Ok(Algorithm::None) => is_tar_header(head),
            Ok(_) => true,
        }
    }

    fn read(
        &self,
        mut r: Box<dyn BufRead + '_>,
        _len: u64,
        visit: Option<Visit>,
    ) -> Result<Inspection, Fail> {
        let head = r.fill_buf().map_err(|e| Fail::io("tar", e))?;
        let codec = Algorithm::sniff(head).map_err(Fail::Unsupported)?;
        read_tarball(r, codec, visit)
    }
}

fn read_tarball<R: BufRead>(
    mut r: R,
    codec: Algorithm,
    mut visit: Option<Visit>,
) -> Result<Inspection, Fail> {
    let what = codec.tar_extension();
    let dec = codec.decoder(&mut r).map_err(|e| Fail::io(what, e))?;
    let mut files = walk_tar(dec, what, |info, data| match visit.as_mut() {
        Some(v) => v(info, data),
        None => Ok(()),
    })?;
    sort_files(&mut files);
    Ok(Inspection {
        format: "tar".into(),
        compression: Some(codec.name().into()),
        name: None,
        version: None,
        architecture: None,
        maintainer: None,
        vendor: None,
        homepage: None,
        license: None,
        summary: None,
        description: None,
        relations: BTreeMap::new(),
        scripts: BTreeMap::new(),
        conffiles: Vec::new(),
        files,
        section: None,
        extras: Vec::new(),
    })
}
