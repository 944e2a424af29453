//! A Debian chroot for installing packages with the real package managers: Debian minbase plus
//! systemd (so `systemctl enable` and deb-systemd-helper work offline), built once with
//! debootstrap from the host's mirror and suite and cached under the tests' temp directory
//! (`CARGO_TARGET_TMPDIR`); each test works in a fresh copy ([`fresh_root`]). Its apt sources
//! name the same mirror, so `apt-get update` there reaches it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use super::*;

/// The Debian mirror and suite the host's apt uses (deb822 or one-line sources).
pub fn mirror_and_suite() -> (String, String) {
    let mut mirror = "http://deb.debian.org/debian".to_string();
    let text = std::fs::read_to_string("/etc/apt/sources.list.d/debian.sources")
        .or_else(|_| std::fs::read_to_string("/etc/apt/sources.list"))
        .unwrap_or_default();
    for l in text.lines() {
        if let Some(u) = l.strip_prefix("URIs:") {
            mirror = u.split_whitespace().next().unwrap_or(&mirror).to_string();
            break;
        }
        if let Some(rest) = l.strip_prefix("deb ") {
            if let Some(u) = rest.split_whitespace().find(|w| w.starts_with("http")) {
                mirror = u.to_string();
                break;
            }
        }
    }
    let os = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let suite = os
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
        .unwrap_or("bookworm")
        .trim_matches('"')
        .to_string();
    (mirror, suite)
}

/// The cached chroot, built on first use.
pub fn cached_chroot() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    static BUILD: Mutex<()> = Mutex::new(());
    DIR.get_or_init(|| {
        let _b = BUILD.lock().unwrap_or_else(|e| e.into_inner());
        let (mirror, suite) = mirror_and_suite();
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("debootstrap-{suite}-systemd"));
        if dir.join("usr/bin/systemctl").exists() && dir.join(".pkgr-complete").exists() {
            return dir;
        }
        let partial = dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&partial);
        let _ = std::fs::remove_dir_all(&dir);
        run_ok(
            Command::new("debootstrap")
                .args(["--variant=minbase", "--include=systemd", &suite])
                .arg(&partial)
                .arg(&mirror),
        );
        run_ok(
            Command::new("chroot")
                .arg(&partial)
                .args(["apt-get", "clean"]),
        );
        std::fs::write(partial.join(".pkgr-complete"), b"").unwrap();
        std::fs::rename(&partial, &dir).unwrap();
        dir
    })
    .clone()
}

/// A fresh copy of the cached chroot.
pub fn fresh_root(into: &Path) -> PathBuf {
    let root = into.join("root");
    std::fs::create_dir_all(into).unwrap();
    run_ok(Command::new("cp").arg("-a").arg(cached_chroot()).arg(&root));
    root
}

/// Runs `args` inside `root`; returns stdout (panics on failure).
pub fn in_root(root: &Path, args: &[&str]) -> String {
    stdout(&run_ok(
        Command::new("chroot")
            .arg(root)
            .args(args)
            .env("LC_ALL", "C"),
    ))
}

/// Copies a package into the chroot's /tmp; returns its path there.
pub fn copy_in(root: &Path, pkg: &Path) -> String {
    let name = pkg.file_name().unwrap().to_string_lossy().to_string();
    std::fs::copy(pkg, root.join("tmp").join(&name)).unwrap();
    format!("/tmp/{name}")
}
