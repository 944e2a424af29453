//! The RPM payload archive (`format_v4.md`, "Payload"): SVR4 `newc` cpio (magic `070701`,
//! thirteen 8-digit hex fields, the name with its NUL, everything padded to 4 bytes, a
//! `TRAILER!!!` entry), with names `./`-prefixed (`rpmlib(PayloadFilesHavePrefix)`). Packages
//! with a file of 4 GiB or more use rpm's stripped variant instead (magic `07070X` and the file's
//! index in the header as the only field, padded to 16 bytes, rpm ≥ 4.12, `rpmlib(LargeFiles)`),
//! since `newc` sizes are 32-bit.
//!
//! Hard-linked files follow rpm's own writer (`lib/rpmfi.cc`, `iterWriteArchiveNextFile`): every
//! member's header is written together, after all other files, and only the last member of the
//! set carries the data (`rpmlib(PartialHardlinkSets)`).

use std::io::{self, Write};

/// A cpio stream over `W`, counting what it writes (for 4-byte padding).
pub struct Cpio<W: Write> {
    out: W,
    written: u64,
    stripped: bool,
}

/// One `newc` header's fields, in the order of the format.
pub struct Fields<'a> {
    /// The inode number (rpm's FILEINODES value).
    pub ino: u32,
    /// `st_mode` (type and permission bits).
    pub mode: u32,
    /// Link count (1, or the size of a hard-link set).
    pub nlink: u32,
    /// Modification time.
    pub mtime: u32,
    /// Bytes of data that follow this header.
    pub size: u64,
    /// The archive name, `./`-prefixed, without NUL.
    pub name: &'a [u8],
    /// The file's index in the header (the stripped format's only field).
    pub index: u32,
}

impl<W: Write> Cpio<W> {
    /// A writer; `stripped` selects rpm's large-file variant for every entry.
    pub fn new(out: W, stripped: bool) -> Self {
        Cpio {
            out,
            written: 0,
            stripped,
        }
    }

    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.out.write_all(b)?;
        self.written += b.len() as u64;
        Ok(())
    }

    /// Pads the stream to a multiple of 4 bytes.
    pub fn pad(&mut self) -> io::Result<()> {
        let n = (4 - (self.written % 4) as usize) % 4;
        self.put(&[0u8; 3][..n])
    }

    /// Writes an entry's header; `f.size` bytes of data must follow (then [`Cpio::pad`]).
    ///
    /// # Errors
    /// I/O errors; `InvalidInput` for a `newc` entry of 4 GiB or more (use the stripped form).
    pub fn header(&mut self, f: &Fields) -> io::Result<()> {
        self.pad()?;
        if self.stripped {
            // 14 bytes, padded to 16 before the data, as rpm's rpmcpioStrippedHeaderWrite does.
            self.put(b"07070X")?;
            self.put(format!("{:08x}", f.index).as_bytes())?;
            return self.pad();
        }
        let size = u32::try_from(f.size)
            .ok()
            .filter(|s| *s != u32::MAX)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a file of 4 GiB or more needs the stripped payload",
                )
            })?;
        let name_len = f.name.len() as u32 + 1;
        let fields = [
            f.ino, f.mode, 0, 0, f.nlink, f.mtime, size, 0, 0, 0, 0, name_len, 0,
        ];
        let mut h = Vec::with_capacity(110 + f.name.len() + 1);
        h.extend_from_slice(b"070701");
        for v in fields {
            h.extend_from_slice(format!("{v:08x}").as_bytes());
        }
        h.extend_from_slice(f.name);
        h.push(0);
        self.put(&h)?;
        self.pad()
    }

    /// Writes data bytes of the current entry.
    ///
    /// # Errors
    /// I/O errors from the inner writer.
    pub fn data(&mut self, b: &[u8]) -> io::Result<()> {
        self.put(b)
    }

    /// Writes the `TRAILER!!!` entry (also in the stripped form, as rpm does) and returns the
    /// inner writer.
    ///
    /// # Errors
    /// I/O errors from the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.stripped = false;
        self.header(&Fields {
            ino: 0,
            mode: 0,
            nlink: 1,
            mtime: 0,
            size: 0,
            name: b"TRAILER!!!",
            index: 0,
        })?;
        self.pad()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Cpio<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newc_entries_are_padded_and_end_with_the_trailer() {
        let mut c = Cpio::new(Vec::new(), false);
        c.header(&Fields {
            ino: 1,
            mode: 0o100644,
            nlink: 1,
            mtime: 1_700_000_000,
            size: 3,
            name: b"./a",
            index: 0,
        })
        .unwrap();
        c.data(b"abc").unwrap();
        let out = c.finish().unwrap();
        assert_eq!(&out[..6], b"070701");
        assert_eq!(&out[6..14], b"00000001");
        assert_eq!(&out[14..22], b"000081a4");
        // 110-byte header + "./a\0" = 114, padded to 116; 3 data bytes padded to 120.
        assert_eq!(&out[116..119], b"abc");
        assert_eq!(&out[120..126], b"070701");
        assert!(out.windows(10).any(|w| w == b"TRAILER!!!"));
        assert_eq!(out.len() % 4, 0);
    }

    #[test]
    fn stripped_headers_carry_only_the_index() {
        let mut c = Cpio::new(Vec::new(), true);
        c.header(&Fields {
            ino: 1,
            mode: 0o100644,
            nlink: 1,
            mtime: 0,
            size: 5 << 30,
            name: b"./big",
            index: 7,
        })
        .unwrap();
        let out = c.finish().unwrap();
        assert_eq!(&out[..14], b"07070X00000007");
        // Padded to 16 before the data (rpm reads it so), then the trailer.
        assert_eq!(&out[14..16], b"\0\0");
        assert_eq!(&out[16..22], b"070701");
    }
}
