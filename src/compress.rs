//! Compression, in one place: gzip (flate2), xz and legacy lzma (liblzma), zstd, bzip2 (the
//! bzip2 crate, fpm's `--deb-compression bzip2` and `--rpm-compression bzip2`), or none.
//!
//! Every encoder is deterministic: the same input and level give the same bytes, whatever the
//! thread count. The gzip header carries no file name and mtime 0 (RFC 1952 allows both), so
//! build time never leaks into it.
//!
//! Threads ([`Compression::threads`]):
//! - xz always uses liblzma's multi-threaded encoder (`lzma_stream_encoder_mt`), even for one
//!   thread, with a fixed block size ([`xz_block_size`]: 3 × the preset's dictionary, at least
//!   1 MiB, the size `xz -T` picks). Each block is compressed independently, so the bytes depend
//!   on the block size only, never on how many threads compress the blocks. (liblzma's
//!   single-threaded encoder writes one block without size fields: other bytes.)
//! - zstd always runs with `nbWorkers` ≥ 1 (`ZSTD_c_nbWorkers`): zstd's documentation
//!   guarantees the same output for every worker count ≥ 1 (0, the in-caller mode, differs).
//! - gzip stays single-threaded: flate2 has no parallel deflate, and a pigz-style one would be
//!   a new dependency whose output must then be proven independent of the thread count.

use std::io::{self, Write};
use std::str::FromStr;

/// A compression algorithm, as `--deb-compression`, `--rpm-compression` and `--tar-compression`
/// (and their pkgr.toml keys) take it: each name and its usual spellings (`gz`/`gzip`,
/// `zst`/`zstd`) are accepted for every format.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize,
)]
pub enum Algorithm {
    /// No compression.
    #[value(name = "none")]
    #[serde(rename = "none")]
    None,
    /// gzip (RFC 1952), levels 0-9, default 9.
    #[value(name = "gz", alias = "gzip")]
    #[serde(rename = "gz", alias = "gzip")]
    Gzip,
    /// xz (LZMA2), levels 0-9, default 6 (the `xz` and `dpkg-deb` default); fpm's `xzmt` is the
    /// same (pkgr's xz is always multi-threaded).
    #[value(name = "xz", alias = "xzmt")]
    #[serde(rename = "xz", alias = "xzmt")]
    Xz,
    /// Zstandard, levels 1-22, default 3 (the `zstd` and `dpkg-deb -Zzstd` default).
    #[value(name = "zst", alias = "zstd")]
    #[serde(rename = "zst", alias = "zstd")]
    Zstd,
    /// bzip2, levels 1-9, default 9 (the `bzip2` default; fpm's `bzip2`). dpkg reads
    /// `data.tar.bz2` (deb(5)), rpm a `bzip2` payload.
    #[value(name = "bz2", alias = "bzip2")]
    #[serde(rename = "bz2", alias = "bzip2")]
    Bzip2,
    /// The legacy `.lzma` format (LZMA1, "lzma_alone"), levels 0-9, default 6: rpm's `lzma`
    /// payload and dpkg's `data.tar.lzma`, both still read; xz is the same compression with a
    /// checksum and is the better choice.
    #[value(name = "lzma")]
    #[serde(rename = "lzma")]
    Lzma,
}

crate::options::not_a_path!(Algorithm);

/// An algorithm, a level and a thread count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compression {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The level, within [`Algorithm::levels`].
    pub level: u32,
    /// Worker threads for xz and zstd (at least 1; gzip ignores it). The output is the same for
    /// every value.
    pub threads: u32,
}

/// The LZMA2 dictionary size of xz preset `level` (0-9), in bytes, from xz(1)'s preset table.
pub fn xz_dict_size(level: u32) -> u64 {
    const MIB: u64 = 1 << 20;
    match level {
        0 => 256 << 10,
        1 => MIB,
        2 => 2 * MIB,
        3 | 4 => 4 * MIB,
        5 | 6 => 8 * MIB,
        7 => 16 * MIB,
        8 => 32 * MIB,
        _ => 64 * MIB,
    }
}

/// The uncompressed size of one xz block for preset `level`, in bytes: 3 × the dictionary size
/// and at least 1 MiB (liblzma's and `xz -T`'s default for LZMA2). Fixed here, not left to the
/// library, so a future liblzma default cannot change pkgr's output.
pub fn xz_block_size(level: u32) -> u64 {
    (3 * xz_dict_size(level)).max(1 << 20)
}

/// A level outside the algorithm's range, or an unknown algorithm name.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompressError {
    /// Unknown name.
    #[error("unknown compression '{0}': use gz, xz, zst, bz2, lzma or none")]
    Unknown(String),
    /// Level out of range.
    #[error("compression level {level} is out of range for {name}: use {min}..={max}")]
    Level {
        /// The level given.
        level: u32,
        /// The algorithm.
        name: &'static str,
        /// Lowest level.
        min: u32,
        /// Highest level.
        max: u32,
    },
}

impl Algorithm {
    /// The valid levels, inclusive.
    pub fn levels(self) -> (u32, u32) {
        match self {
            Algorithm::None => (0, 0),
            Algorithm::Gzip | Algorithm::Xz | Algorithm::Lzma => (0, 9),
            Algorithm::Zstd => (1, 22),
            Algorithm::Bzip2 => (1, 9),
        }
    }

    /// The default level.
    pub fn default_level(self) -> u32 {
        match self {
            Algorithm::None => 0,
            Algorithm::Gzip => 9,
            Algorithm::Xz | Algorithm::Lzma => 6,
            Algorithm::Zstd => 3,
            Algorithm::Bzip2 => 9,
        }
    }

    /// File-name suffix including the dot (`.gz`, `.xz`, `.zst`), empty for none.
    pub fn extension(self) -> &'static str {
        match self {
            Algorithm::None => "",
            Algorithm::Gzip => ".gz",
            Algorithm::Xz => ".xz",
            Algorithm::Zstd => ".zst",
            Algorithm::Bzip2 => ".bz2",
            Algorithm::Lzma => ".lzma",
        }
    }

    /// A tarball's extension with this compression (`tar`, `tar.gz`, `tar.bz2`, ...).
    pub fn tar_extension(self) -> &'static str {
        match self {
            Algorithm::None => "tar",
            Algorithm::Gzip => "tar.gz",
            Algorithm::Xz => "tar.xz",
            Algorithm::Zstd => "tar.zst",
            Algorithm::Bzip2 => "tar.bz2",
            Algorithm::Lzma => "tar.lzma",
        }
    }

    /// The name `pkgr inspect` shows and rpm's `PAYLOADCOMPRESSOR` takes (`gzip`, `xz`, `zstd`,
    /// `bzip2`, `lzma`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::None => "none",
            Algorithm::Gzip => "gzip",
            Algorithm::Xz => "xz",
            Algorithm::Zstd => "zstd",
            Algorithm::Bzip2 => "bzip2",
            Algorithm::Lzma => "lzma",
        }
    }
}

impl Algorithm {
    /// The compression of a stream, from its magic bytes: gzip (RFC 1952) `1f 8b`, xz
    /// `fd 37 7a 58 5a 00`, zstd `28 b5 2f fd`, bzip2 `BZh` and a level digit, lzma_alone
    /// `5d 00 00` (the properties byte of the presets pkgr and xz(1) write, then a dictionary
    /// size); anything else is taken as uncompressed.
    ///
    /// # Errors
    /// None today; the `Result` leaves room for a recognised format pkgr cannot read.
    pub fn sniff(head: &[u8]) -> Result<Algorithm, String> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Ok(Algorithm::Gzip)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Ok(Algorithm::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Ok(Algorithm::Zstd)
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Ok(Algorithm::Bzip2)
        } else if head.starts_with(&[0x5d, 0, 0]) {
            Ok(Algorithm::Lzma)
        } else {
            Ok(Algorithm::None)
        }
    }

    /// A decoder over `r`. gzip and xz accept concatenated streams, as `gzip -d` and `xz -d` do.
    ///
    /// # Errors
    /// zstd's error setting up its decoder.
    pub fn decoder<'a, R: io::BufRead + 'a>(self, r: R) -> io::Result<Box<dyn io::Read + 'a>> {
        Ok(match self {
            Algorithm::None => Box::new(r),
            Algorithm::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(r)),
            Algorithm::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(r)),
            Algorithm::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(r)?),
            Algorithm::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(r)),
            Algorithm::Lzma => {
                let stream = liblzma::stream::Stream::new_lzma_decoder(u64::MAX)
                    .map_err(io::Error::other)?;
                Box::new(liblzma::bufread::XzDecoder::new_stream(r, stream))
            }
        })
    }
}

impl FromStr for Algorithm {
    type Err = CompressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "none" => Ok(Algorithm::None),
            "gz" | "gzip" => Ok(Algorithm::Gzip),
            "xz" | "xzmt" => Ok(Algorithm::Xz),
            "zst" | "zstd" => Ok(Algorithm::Zstd),
            "bz2" | "bzip2" => Ok(Algorithm::Bzip2),
            "lzma" => Ok(Algorithm::Lzma),
            other => Err(CompressError::Unknown(other.to_string())),
        }
    }
}

impl Compression {
    /// `algorithm` at `level`, or at its default level when `level` is `None`, with one thread
    /// ([`Compression::with_threads`] sets more).
    ///
    /// # Errors
    /// [`CompressError::Level`] if the level is outside [`Algorithm::levels`].
    pub fn new(algorithm: Algorithm, level: Option<u32>) -> Result<Self, CompressError> {
        let level = level.unwrap_or_else(|| algorithm.default_level());
        let (min, max) = algorithm.levels();
        if algorithm != Algorithm::None && !(min..=max).contains(&level) {
            return Err(CompressError::Level {
                level,
                name: algorithm.name(),
                min,
                max,
            });
        }
        Ok(Compression {
            algorithm,
            level,
            threads: 1,
        })
    }

    /// The same compression with `threads` worker threads (0 counts as 1). The bytes written do
    /// not change.
    pub fn with_threads(mut self, threads: u32) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Wraps `w` in an encoder. Call [`Encoder::finish`] to flush the trailer.
    ///
    /// # Errors
    /// I/O errors from setting up the encoder (liblzma or zstd refusing the options, or out of
    /// memory for the threads' buffers).
    pub fn encoder<W: Write>(&self, w: W) -> io::Result<Encoder<W>> {
        let threads = self.threads.max(1);
        Ok(match self.algorithm {
            Algorithm::None => Encoder::None(w),
            Algorithm::Gzip => Encoder::Gzip(
                flate2::GzBuilder::new()
                    .mtime(0)
                    .write(w, flate2::Compression::new(self.level)),
            ),
            Algorithm::Xz => {
                let stream = liblzma::stream::MtStreamBuilder::new()
                    .preset(self.level)
                    .check(liblzma::stream::Check::Crc64)
                    .block_size(xz_block_size(self.level))
                    .threads(threads)
                    .encoder()
                    .map_err(io::Error::other)?;
                Encoder::Xz(liblzma::write::XzEncoder::new_stream(w, stream))
            }
            Algorithm::Zstd => {
                let mut enc = zstd::stream::write::Encoder::new(w, self.level as i32)?;
                enc.include_checksum(true)?;
                enc.multithread(threads)?;
                Encoder::Zstd(enc)
            }
            Algorithm::Bzip2 => Encoder::Bzip2(bzip2::write::BzEncoder::new(
                w,
                bzip2::Compression::new(self.level),
            )),
            Algorithm::Lzma => {
                let opts = liblzma::stream::LzmaOptions::new_preset(self.level)
                    .map_err(io::Error::other)?;
                let stream =
                    liblzma::stream::Stream::new_lzma_encoder(&opts).map_err(io::Error::other)?;
                Encoder::Xz(liblzma::write::XzEncoder::new_stream(w, stream))
            }
        })
    }
}

/// A streaming encoder over `W`.
pub enum Encoder<W: Write> {
    /// Pass-through.
    None(W),
    /// gzip.
    Gzip(flate2::write::GzEncoder<W>),
    /// xz.
    Xz(liblzma::write::XzEncoder<W>),
    /// zstd.
    Zstd(zstd::stream::write::Encoder<'static, W>),
    /// bzip2.
    Bzip2(bzip2::write::BzEncoder<W>),
}

impl<W: Write> Encoder<W> {
    /// Writes the trailer and returns the inner writer.
    ///
    /// # Errors
    /// I/O errors from the final flush.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::None(w) => Ok(w),
            Encoder::Gzip(e) => e.finish(),
            Encoder::Xz(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
            Encoder::Bzip2(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::None(w) => w.write(buf),
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Xz(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
            Encoder::Bzip2(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::None(w) => w.flush(),
            Encoder::Gzip(e) => e.flush(),
            Encoder::Xz(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
            Encoder::Bzip2(e) => e.flush(),
        }
    }
}

/// Compresses a small in-memory buffer in one call.
///
/// # Errors
/// I/O errors from the encoder.
pub fn compress_bytes(c: Compression, data: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = c.encoder(Vec::new())?;
    enc.write_all(data)?;
    enc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn round_trips_and_is_deterministic() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        for alg in [
            Algorithm::None,
            Algorithm::Gzip,
            Algorithm::Xz,
            Algorithm::Zstd,
            Algorithm::Bzip2,
            Algorithm::Lzma,
        ] {
            let c = Compression::new(alg, None).unwrap();
            let a = compress_bytes(c, &data).unwrap();
            let b = compress_bytes(c, &data).unwrap();
            assert_eq!(a, b, "{alg:?} not deterministic");
            let sniffed = Algorithm::sniff(&a).unwrap();
            assert_eq!(sniffed, alg, "{alg:?} sniffed as {sniffed:?}");
            let mut out = Vec::new();
            alg.decoder(&a[..]).unwrap().read_to_end(&mut out).unwrap();
            assert_eq!(out, data, "{alg:?}");
        }
    }

    /// Incompressible-ish data larger than several xz blocks and zstd jobs at level 1, so that
    /// more than one worker really runs.
    fn big_input() -> Vec<u8> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut v = Vec::with_capacity(12 << 20);
        while v.len() < 12 << 20 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Half random bytes, half text: both compressors have work to do.
            v.extend_from_slice(&x.to_le_bytes()[..4]);
            v.extend_from_slice(b"pkgr");
        }
        v
    }

    #[test]
    fn output_is_identical_for_any_thread_count() {
        let data = big_input();
        for (alg, level) in [
            (Algorithm::Xz, 0),
            (Algorithm::Zstd, 1),
            (Algorithm::Gzip, 1),
        ] {
            let c = Compression::new(alg, Some(level)).unwrap();
            let one = compress_bytes(c.with_threads(1), &data).unwrap();
            for t in [2, 3, 4] {
                let many = compress_bytes(c.with_threads(t), &data).unwrap();
                assert!(
                    one == many,
                    "{alg:?} with {t} threads differs from 1 thread"
                );
            }
            let mut out = Vec::new();
            match alg {
                Algorithm::Xz => {
                    liblzma::read::XzDecoder::new(&one[..])
                        .read_to_end(&mut out)
                        .unwrap();
                }
                Algorithm::Zstd => out = zstd::decode_all(&one[..]).unwrap(),
                _ => {
                    flate2::read::GzDecoder::new(&one[..])
                        .read_to_end(&mut out)
                        .unwrap();
                }
            }
            assert!(out == data, "{alg:?} round trip");
        }
        // More than one xz block: the block size is what fixes the bytes.
        assert!(data.len() as u64 > 2 * xz_block_size(0));
    }

    #[test]
    fn gzip_header_has_no_mtime_and_max_compression_flag() {
        let c = Compression::new(Algorithm::Gzip, Some(9)).unwrap();
        let a = compress_bytes(c, b"hello").unwrap();
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "mtime must be 0");
        assert_eq!(
            a[8], 2,
            "XFL must say 'maximum compression' (lintian checks it)"
        );
    }

    #[test]
    fn levels_are_checked() {
        assert!(Compression::new(Algorithm::Xz, Some(10)).is_err());
        assert!(Compression::new(Algorithm::Zstd, Some(0)).is_err());
        assert!(Compression::new(Algorithm::Zstd, Some(22)).is_ok());
        assert_eq!("zst".parse::<Algorithm>().unwrap(), Algorithm::Zstd);
        assert_eq!("bzip2".parse::<Algorithm>().unwrap(), Algorithm::Bzip2);
        assert!(Compression::new(Algorithm::Bzip2, Some(0)).is_err());
        assert!("bz3".parse::<Algorithm>().is_err());
    }
}
