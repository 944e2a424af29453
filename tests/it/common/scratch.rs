//! A scratch project for the bad-input and fault tests, and a tmpfs to fill or make read-only.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::*;

/// A scratch project: `tree/` with one file, and an empty `out/`.
pub struct Scratch {
    /// The temp dir.
    pub dir: tempfile::TempDir,
}

impl Scratch {
    /// `tree/app.txt` and an empty `out/`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tree")).unwrap();
        std::fs::write(dir.path().join("tree/app.txt"), "data\n").unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        Scratch { dir }
    }
    /// A path inside it.
    pub fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    /// `pkgr -s dir -t TARGETS -n ab -m .. tree=/opt/ab ARGS -p out/`, run in the scratch dir.
    pub fn run(&self, targets: &str, args: &[&str]) -> Output {
        pkgr()
            .current_dir(self.dir.path())
            .args([
                "-s",
                "dir",
                "-t",
                targets,
                "-n",
                "ab",
                "-m",
                "A B <a@example.org>",
            ])
            .args(args)
            .args(["-p", "out/"])
            .output()
            .unwrap()
    }
    /// `pkgr ARGS` run in the scratch dir, exactly as given.
    pub fn pkgr(&self, args: &[&str]) -> Output {
        pkgr()
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .unwrap()
    }
    /// The names in `out/`, sorted.
    pub fn out_files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.p("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// Every file below `dir`, as paths relative to it, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    let out = sh(&format!(
        "cd '{}' && find . -mindepth 1 | sort",
        dir.display()
    ));
    out.lines().map(str::to_string).collect()
}

/// Asserts the exit status, that it is pkgr's own error (no panic), and that each needle is in
/// stderr.
pub fn refused(out: &Output, code: i32, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains("pkgr: error:") || code == 2, "{err}");
    for n in needles {
        assert!(err.contains(n), "'{n}' not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// A tmpfs mounted for one test (needs root).
pub struct Mount(PathBuf);
impl Mount {
    /// Mounts a tmpfs with `opts` at `dir` (the test fails if it cannot: it runs in the
    /// `test-root` tier).
    pub fn new(dir: &Path, opts: &str) -> Mount {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot mount a tmpfs at {}", dir.display());
        Mount(dir.to_path_buf())
    }
}
impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
