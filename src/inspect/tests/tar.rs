//! The tar reader, read back against the writer and the format's own tools.

use super::*;

#[test]
fn tar_round_trips_for_every_compression() {
    let pkg = sample();
    let dir = tempfile::tempdir().unwrap();
    for (alg, name, file) in [
        (Algorithm::None, "none", "h.tar"),
        (Algorithm::Gzip, "gzip", "h.tar.gz"),
        (Algorithm::Xz, "xz", "h.tar.xz"),
        (Algorithm::Zstd, "zstd", "h.tar.zst"),
    ] {
        let path = ctx_write(&Tar::new(comp(alg), None), &pkg, dir.path(), file);
        let i = inspect(&path).unwrap();
        assert_eq!(i.format, "tar");
        assert_eq!(i.compression.as_deref(), Some(name));
        assert_eq!(i.name, None);
        assert!(i.relations.is_empty() && i.scripts.is_empty());
        // The base system's directories get no entry in a tarball.
        let mut want: Vec<FileInfo> = pkg
            .entries
            .iter()
            .filter(|e| {
                !(e.kind == EntryKind::Dir && crate::sysdirs::is_system_dir(&e.path.display()))
            })
            .map(info_of)
            .collect();
        sort_files(&mut want);
        assert_eq!(i.files, want, "{file}");
        // Magic bytes, not the name, decide.
        let renamed = dir.path().join("mystery.bin");
        std::fs::rename(&path, &renamed).unwrap();
        assert_eq!(inspect(&renamed).unwrap(), i);
    }
}

#[test]
fn gnu_tar_sparse_and_pax_archives_read_like_gnu_tar_lists_them() {
    if !tool("tar") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    // A 1 MiB sparse file with 3 data bytes, and a file ending in zeros.
    let f = std::fs::File::create(src.join("sparse")).unwrap();
    f.set_len(1 << 20).unwrap();
    std::os::unix::fs::FileExt::write_at(&f, b"abc", 300_000).unwrap();
    std::fs::write(src.join("zeros"), vec![0u8; 4096]).unwrap();
    for format in ["gnu", "oldgnu", "pax"] {
        let out = dir.path().join(format!("{format}.tar"));
        let st = std::process::Command::new("tar")
            .args(["--sparse", &format!("--format={format}"), "-cf"])
            .arg(&out)
            .arg("-C")
            .arg(&src)
            .args(["sparse", "zeros"])
            .status()
            .unwrap();
        assert!(st.success());
        let bytes = std::fs::read(&out).unwrap();
        let i = inspect_bytes(&bytes).unwrap();
        let paths: Vec<(&str, u64)> = i.files.iter().map(|f| (f.path.as_str(), f.size)).collect();
        assert_eq!(paths, [("/sparse", 1 << 20), ("/zeros", 4096)], "{format}");
        // Cut right after the last entry's data: the end-of-archive block is missing,
        // though what was read last is all zeros.
        let last = bytes.len() - bytes.iter().rev().take_while(|&&b| b == 0).count();
        let data_end = last.div_ceil(512) * 512 + 4096;
        let e = inspect_bytes(&bytes[..data_end]).unwrap_err().to_string();
        assert!(e.contains("end-of-archive"), "{format}: {e}");
    }
}
