//! Speed must not cost reproducibility: `--threads` (multi-threaded xz and zstd, several targets
//! written at once) never changes a byte, and `--pip-tool uv` packages the same files as pip.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// A `-s dir` input of about 9 MiB of compressible but varied text (several xz blocks at level
/// 1, whose block size is 3 MiB, and several zstd jobs), plus a symlink and a small file.
fn big_input(dir: &Path) -> PathBuf {
    let root = dir.join("input");
    for d in 0..3 {
        let sub = root.join(format!("d{d}"));
        fs::create_dir_all(&sub).unwrap();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D + d;
        let mut text = String::with_capacity(3 << 20);
        while text.len() < 3 << 20 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            text.push_str(&format!("{:x} line {} of d{d}\n", x, text.len() % 9973));
        }
        fs::write(sub.join("data.txt"), text).unwrap();
    }
    fs::write(root.join("small"), "small\n").unwrap();
    std::os::unix::fs::symlink("small", root.join("link")).unwrap();
    root
}

/// Every artifact below `dir` by its path relative to `dir`, with its bytes.
fn artifacts(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in fs::read_dir(dir).unwrap() {
        let sub = sub.unwrap().path();
        for f in fs::read_dir(&sub).unwrap() {
            let f = f.unwrap().path();
            let rel = f.strip_prefix(dir).unwrap().display().to_string();
            out.insert(rel, fs::read(&f).unwrap());
        }
    }
    out
}

/// pkgr -s dir on `input` with `args`, into `out/<name>/`.
fn build(input: &Path, out: &Path, name: &str, args: &[&str]) {
    let dest = out.join(name);
    fs::create_dir_all(&dest).unwrap();
    let mut c = pkgr();
    c.env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["-s", "dir", "-n", "perf-test", "-v", "1.0", "-a", "all"])
        .args(["-m", "pkgr developers <pkgr@example.org>"])
        .args(args)
        .arg("-p")
        .arg(format!("{}/", dest.display()))
        .arg(format!("{}=/opt/perf-test", input.display()));
    run_ok(&mut c);
}

/// The builds of one thread count: deb xz + rpm (zstd) + tar zst at once, deb zst + tar xz at
/// once, and rpm with an xz payload.
fn build_all(input: &Path, out: &Path, threads: &str) {
    let t = ["--threads", threads];
    build(
        input,
        out,
        "xz",
        &[&t[..], &["-t", "deb,rpm,tar", "--deb-compression", "xz"]].concat(),
    );
    build(
        input,
        out,
        "zst",
        &[
            &t[..],
            &["-t", "deb,tar", "--deb-compression", "zst"],
            &["--tar-compression", "xz", "--tar-compression-level", "1"],
        ]
        .concat(),
    );
    build(
        input,
        out,
        "rpmxz",
        &[&t[..], &["-t", "rpm", "--rpm-compression", "xz"]].concat(),
    );
}

#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: takes minutes")]
fn thread_count_and_parallel_targets_never_change_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path());
    let runs: Vec<(&str, PathBuf)> = ["1", "2", "4"]
        .into_iter()
        .map(|t| (t, dir.path().join(format!("threads-{t}"))))
        .collect();
    for (t, out) in &runs {
        build_all(&input, out, t);
    }
    let one = artifacts(&runs[0].1);
    assert_eq!(one.len(), 6, "{:?}", one.keys().collect::<Vec<_>>());
    for (t, out) in &runs[1..] {
        let many = artifacts(out);
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            many.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &one {
            assert!(
                bytes == &many[name],
                "{name}: --threads {t} wrote other bytes than --threads 1"
            );
        }
    }

    // Several targets written at once (--threads 2) = each target written on its own.
    let alone = dir.path().join("alone");
    for (target, ext) in [("deb", ".deb"), ("rpm", ".rpm"), ("tar", ".tar")] {
        build(
            &input,
            &alone,
            target,
            &["--threads", "2", "-t", target, "--deb-compression", "xz"],
        );
        let (name, bytes) = artifacts(&alone)
            .into_iter()
            .find(|(n, _)| n.starts_with(target) && n.contains(ext))
            .unwrap();
        let file = Path::new(&name).file_name().unwrap().to_string_lossy();
        assert!(
            bytes == one[&format!("xz/{file}")],
            "{file}: written alone it differs from the -t deb,rpm,tar run"
        );
    }

    // The multi-threaded xz streams are valid for xz and dpkg-deb, with more than one block.
    require(&["xz", "dpkg-deb"]);
    let debs: Vec<PathBuf> = fs::read_dir(runs[1].1.join("xz"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    let deb = &debs[0];
    let data = dir.path().join("data.tar.xz");
    let member = run_ok(Command::new("ar").arg("p").arg(deb).arg("data.tar.xz"));
    fs::write(&data, &member.stdout).unwrap();
    run_ok(Command::new("xz").arg("-t").arg(&data));
    // The tarball's xz (level 1: 3 MiB blocks) has several blocks, all read back.
    let txz: Vec<PathBuf> = fs::read_dir(runs[2].1.join("zst"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.xz"))
        .collect();
    run_ok(Command::new("xz").arg("-t").arg(&txz[0]));
    let list = stdout(&run_ok(
        Command::new("xz").args(["--list", "--robot"]).arg(&txz[0]),
    ));
    let blocks: u64 = list
        .lines()
        .find_map(|l| l.strip_prefix("totals\t"))
        .and_then(|t| t.split('\t').nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(blocks >= 3, "xz --list: {list}");
    let rows = contents(deb);
    assert!(
        rows.iter().any(|r| r.2 == "./opt/perf-test/d2/data.txt"),
        "{rows:?}"
    );
    let x = extract(deb, dir.path());
    assert_eq!(
        fs::read(x.join("opt/perf-test/d1/data.txt")).unwrap(),
        fs::read(input.join("d1/data.txt")).unwrap()
    );
}

#[test]
fn threads_zero_is_a_usage_error() {
    let out = pkgr()
        .args([
            "-s",
            "dir",
            "-t",
            "tar",
            "-n",
            "x",
            "--threads",
            "0",
            "/etc/hostname=/x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads 0"));
}

/// The control file.
fn control_of(deb: &Path) -> String {
    stdout(&run_ok(Command::new("dpkg-deb").arg("--field").arg(deb)))
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn uv_installs_the_same_files_as_pip() {
    require(&["uv", "dpkg-deb"]);
    let pip = hello();
    let long = format!("work-{}", "w".repeat(130));
    let uv = build_venv("hello-app", &long, &["--pip-tool", "uv"]);
    // uv marks every distribution REQUESTED (pip only those asked for): PEP 376's optional
    // marker, read by no tool at run time, so it is left out of the comparison.
    let rows = |deb: &Path| -> Vec<(String, String, String, Option<String>)> {
        contents(deb)
            .into_iter()
            .filter(|r| !r.2.ends_with(".dist-info/REQUESTED"))
            .collect()
    };
    let (a, b) = (rows(&pip.deb), rows(&uv.deb));
    let only_pip: Vec<_> = a.iter().filter(|r| !b.contains(r)).collect();
    let only_uv: Vec<_> = b.iter().filter(|r| !a.contains(r)).collect();
    assert!(
        only_pip.is_empty() && only_uv.is_empty(),
        "pip and uv packages differ:\nonly with pip: {only_pip:#?}\nonly with uv: {only_uv:#?}"
    );
    // Same metadata model: name, version, maintainer, homepage, dependencies, description.
    assert_eq!(control_of(&pip.deb), control_of(&uv.deb));
    // The one intended difference: INSTALLER names the tool.
    let scratch = tempfile::tempdir().unwrap();
    let x = extract(&uv.deb, scratch.path());
    let installers = grep_files(&x, "uv");
    assert!(
        installers
            .iter()
            .any(|f| f.ends_with(".dist-info/INSTALLER")),
        "{installers:?}"
    );
    for f in installers.iter().filter(|f| f.ends_with("/INSTALLER")) {
        assert_eq!(fs::read_to_string(f).unwrap().trim(), "uv", "{f}");
    }
    for p in &uv.build_paths {
        assert!(
            grep_files(&x, p).is_empty(),
            "{p} leaked into the uv package"
        );
    }
    // Reproducible like pip's: a short staging path (plain shebangs from uv, not its
    // single-quoted trampolines) and another copy of the app (uv_cache.json would hold its
    // mtimes) give the same bytes.
    let again = build_venv("hello-app", "work", &["--pip-tool", "uv"]);
    assert!(
        fs::read(&uv.deb).unwrap() == fs::read(&again.deb).unwrap(),
        "uv builds from two staging paths differ"
    );
}

#[test]
fn uv_missing_from_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let app = fixture_copy("hello-app", dir.path());
    let out = pkgr()
        .env("PATH", "/nonexistent")
        .args(["-s", "virtualenv", "-t", "deb", "--pip-tool", "uv", "-p"])
        .arg(format!("{}/", dir.path().display()))
        .arg(&app)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'uv' was not found on PATH"), "{err}");
}
