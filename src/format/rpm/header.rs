//! The RPM header structure (the RPM file-format docs, `format_header.md`): an intro, an index
//! of (tag, type, offset, count) entries sorted by tag, and a data store, all big-endian, with
//! the v4 immutable region (`format_v4.md`, "Immutable regions") around every entry. The same
//! structure holds the signature header (region tag 62) and the main header (region tag 63).
//!
//! Also the 96-byte lead (`format_lead.md`), which only `file(1)` still reads.

use std::collections::BTreeMap;

/// Header magic and version 1, then 4 reserved bytes.
const MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];

/// The data types of index entries (`format_header.md`, "Index").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `INT16` values.
    Int16(Vec<u16>),
    /// `INT32` values.
    Int32(Vec<u32>),
    /// `INT64` values.
    Int64(Vec<u64>),
    /// One NUL-terminated `STRING`.
    Str(String),
    /// `BIN`: raw bytes.
    Bin(Vec<u8>),
    /// `STRING_ARRAY`: NUL-terminated strings one after another.
    StrArray(Vec<String>),
    /// `I18NSTRING` with the one locale `C` (the header's `HEADERI18NTABLE`).
    I18n(String),
}

impl Value {
    fn type_code(&self) -> u32 {
        match self {
            Value::Int16(_) => 3,
            Value::Int32(_) => 4,
            Value::Int64(_) => 5,
            Value::Str(_) => 6,
            Value::Bin(_) => 7,
            Value::StrArray(_) => 8,
            Value::I18n(_) => 9,
        }
    }

    fn count(&self) -> usize {
        match self {
            Value::Int16(v) => v.len(),
            Value::Int32(v) => v.len(),
            Value::Int64(v) => v.len(),
            Value::Bin(v) => v.len(),
            Value::StrArray(v) => v.len(),
            Value::Str(_) | Value::I18n(_) => 1,
        }
    }

    fn alignment(&self) -> usize {
        match self {
            Value::Int16(_) => 2,
            Value::Int32(_) => 4,
            Value::Int64(_) => 8,
            _ => 1,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let string = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        };
        match self {
            Value::Int16(v) => v
                .iter()
                .for_each(|n| out.extend_from_slice(&n.to_be_bytes())),
            Value::Int32(v) => v
                .iter()
                .for_each(|n| out.extend_from_slice(&n.to_be_bytes())),
            Value::Int64(v) => v
                .iter()
                .for_each(|n| out.extend_from_slice(&n.to_be_bytes())),
            Value::Bin(v) => out.extend_from_slice(v),
            Value::Str(s) | Value::I18n(s) => string(out, s),
            Value::StrArray(v) => v.iter().for_each(|s| string(out, s)),
        }
    }
}

/// A header being built: values by tag.
#[derive(Debug, Clone, Default)]
pub struct Header {
    entries: BTreeMap<u32, Value>,
}

impl Header {
    /// Sets `tag` (replacing an earlier value). Empty arrays are not stored: rpm reads a
    /// missing tag and an empty one alike, and refuses a zero count.
    pub fn put(&mut self, tag: u32, value: Value) {
        if value.count() > 0 {
            self.entries.insert(tag, value);
        }
    }

    /// The header's bytes with its entries inside one immutable region tagged `region`
    /// (62 for the signature header, 63 for the main header): the region entry first in the
    /// index, its 16-byte trailer last in the store, whose offset field is minus the region's
    /// index size.
    pub fn to_bytes(&self, region: u32) -> Vec<u8> {
        let n = self.entries.len() + 1;
        let mut data = Vec::new();
        let mut index = Vec::with_capacity(n * 16);
        for (tag, v) in &self.entries {
            while data.len() % v.alignment() != 0 {
                data.push(0);
            }
            push_entry(&mut index, *tag, v.type_code(), data.len(), v.count());
            v.write(&mut data);
        }
        let trailer_at = data.len();
        push_entry(&mut data, region, 7, 0, 16);
        let back = -((n * 16) as i64) as i32;
        data[trailer_at + 8..trailer_at + 12].copy_from_slice(&back.to_be_bytes());
        let mut out = Vec::with_capacity(16 + n * 16 + data.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&(n as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        push_entry(&mut out, region, 7, trailer_at, 16);
        out.extend_from_slice(&index);
        out.extend_from_slice(&data);
        out
    }
}

fn push_entry(out: &mut Vec<u8>, tag: u32, ty: u32, offset: usize, count: usize) {
    out.extend_from_slice(&tag.to_be_bytes());
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(&(offset as u32).to_be_bytes());
    out.extend_from_slice(&(count as u32).to_be_bytes());
}

/// The 96-byte lead (`format_lead.md`): magic, format 3.0, binary package, the architecture
/// number `file(1)` shows, `NAME-VERSION-RELEASE` (truncated to 65 bytes), OS 1 (Linux) and
/// signature type 5 (header-style signatures).
pub fn lead(nvr: &str, archnum: u16) -> [u8; 96] {
    let mut l = [0u8; 96];
    l[..4].copy_from_slice(&[0xed, 0xab, 0xee, 0xdb]);
    l[4] = 3;
    l[6..8].copy_from_slice(&0u16.to_be_bytes());
    l[8..10].copy_from_slice(&archnum.to_be_bytes());
    let name = nvr.as_bytes();
    let n = name.len().min(65);
    l[10..10 + n].copy_from_slice(&name[..n]);
    l[76..78].copy_from_slice(&1u16.to_be_bytes());
    l[78..80].copy_from_slice(&5u16.to_be_bytes());
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_follows_the_format_doc() {
        let mut h = Header::default();
        h.put(1000, Value::Str("ab".into()));
        h.put(1009, Value::Int32(vec![7]));
        h.put(1030, Value::Int16(vec![1, 2]));
        h.put(5008, Value::Int64(vec![9]));
        h.put(1117, Value::StrArray(vec![]));
        let b = h.to_bytes(63);
        assert_eq!(&b[..8], &MAGIC);
        let il = u32::from_be_bytes(b[8..12].try_into().unwrap()) as usize;
        let dl = u32::from_be_bytes(b[12..16].try_into().unwrap()) as usize;
        assert_eq!(
            il, 5,
            "four values and the region; the empty array is left out"
        );
        assert_eq!(b.len(), 16 + il * 16 + dl);
        let entry = |i: usize| {
            let e = &b[16 + i * 16..32 + i * 16];
            let f = |k: usize| u32::from_be_bytes(e[k * 4..k * 4 + 4].try_into().unwrap());
            (f(0), f(1), f(2), f(3))
        };
        let store = &b[16 + il * 16..];
        // The region entry comes first and points at its trailer, the last 16 bytes.
        let (tag, ty, off, count) = entry(0);
        assert_eq!((tag, ty, count), (63, 7, 16));
        assert_eq!(off as usize, dl - 16);
        let t = &store[dl - 16..];
        assert_eq!(u32::from_be_bytes(t[..4].try_into().unwrap()), 63);
        assert_eq!(
            i32::from_be_bytes(t[8..12].try_into().unwrap()),
            -(il as i32 * 16)
        );
        // Integers are aligned to their size.
        let (tag, _, off, _) = entry(1);
        assert_eq!((tag, off), (1000, 0));
        assert_eq!(&store[..3], b"ab\0");
        let (tag, _, off, _) = entry(2);
        assert_eq!((tag, off % 4), (1009, 0));
        let (tag, _, off, _) = entry(4);
        assert_eq!((tag, off % 8), (5008, 0));
    }

    #[test]
    fn lead_is_96_bytes_with_the_name() {
        let l = lead("hello-1.0-1", 1);
        assert_eq!(&l[..6], &[0xed, 0xab, 0xee, 0xdb, 3, 0]);
        assert_eq!(&l[10..21], b"hello-1.0-1");
        assert_eq!(&l[76..80], &[0, 1, 0, 5]);
    }
}
