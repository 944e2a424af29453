//! Faults (the issue "Hostile input and faults"): signals during pip and while writing, a
//! SIGKILLed run's leftovers, a closed or full stdout, and scratch space that is missing or
//! full. Each test reproduces the fault and proves pkgr cleans up and says what happened.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A setup.py project whose build sleeps: pip is busy in a child process while pkgr runs.
fn sleepy_app(dir: &Path, seconds: u32) -> std::path::PathBuf {
    let app = dir.join("sleepy");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("setup.py"),
        format!(
            "import time\ntime.sleep({seconds})\nfrom setuptools import setup\nsetup(name='sleepy', version='1.0')\n"
        ),
    )
    .unwrap();
    app
}

/// pkgr on a sleepy app, offline (`--no-index`, the venv's own setuptools).
fn sleepy_build(app: &Path, work: &Path, out: &Path) -> Command {
    let mut c = pkgr();
    c.args(["-s", "virtualenv", "-t", "deb", "-m", "A B <a@example.org>"])
        .args(["--pip-arg=--no-index", "--pip-arg=--no-build-isolation"])
        .arg("--workdir")
        .arg(work)
        .arg("-p")
        .arg(format!("{}/", out.display()))
        .arg(app)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Waits until pip runs the sleepy app's build in a staging directory in `work` (the PEP 517
/// backend, a grandchild of pkgr, is running), and returns the staging directory.
fn staging_of(work: &Path) -> std::path::PathBuf {
    let t0 = Instant::now();
    loop {
        let found = std::fs::read_dir(work)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                processes_with(&p.display().to_string())
                    .iter()
                    .any(|c| c.contains("_in_process"))
            });
        if let Some(p) = found {
            return p;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(90),
            "pip never started the build"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Processes whose command line mentions `needle`.
fn processes_with(needle: &str) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(needle) {
                v.push(cmd);
            }
        }
    }
    v
}

fn signal(pid: u32, sig: &str) {
    run_ok(Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]));
}

#[test]
fn sigterm_during_pip_stops_it_and_removes_the_staging_directory() {
    let d = tempfile::tempdir().unwrap();
    let (work, out) = (d.path().join("work"), d.path().join("out"));
    std::fs::create_dir_all(&work).unwrap();
    let app = sleepy_app(d.path(), 120);
    let mut child = sleepy_build(&app, &work, &out).spawn().unwrap();
    let staging = staging_of(&work);
    let marker = staging.display().to_string();
    assert!(
        !processes_with(&marker).is_empty(),
        "pip is not running yet"
    );
    signal(child.id(), "TERM");
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(143), "{err}");
    assert!(err.contains("interrupted by SIGTERM"), "{err}");
    assert!(!staging.exists(), "the staging directory survived");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        processes_with(&marker),
        Vec::<String>::new(),
        "pip kept running"
    );
    assert!(!out.exists() || tree(&out).is_empty());
}

#[test]
fn sigint_while_writing_removes_the_temp_file() {
    let s = Scratch::new();
    // 64 MiB of random bytes at xz -9: seconds of compressing.
    run_ok(
        Command::new("head")
            .args(["-c", "67108864", "/dev/urandom"])
            .stdout(std::fs::File::create(s.p("tree/random.bin")).unwrap()),
    );
    let mut child = pkgr()
        .current_dir(s.dir.path())
        .args([
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "ab",
            "-m",
            "A B <a@example.org>",
            "--deb-compression-level",
            "9",
            "--threads",
            "1",
            "-p",
            "out/",
            "tree=/opt/ab",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while !tree(&s.p("out")).iter().any(|f| f.contains(".pkgr-tmp-")) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "no temp file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(child.id(), "INT");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(s.out_files(), Vec::<String>::new(), "a temp file was left");
}

#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: takes minutes")]
fn after_sigkill_the_next_run_removes_the_dead_staging_directory() {
    let d = tempfile::tempdir().unwrap();
    let (work, out) = (d.path().join("work"), d.path().join("out"));
    std::fs::create_dir_all(&work).unwrap();
    let app = sleepy_app(d.path(), 5);
    let mut child = sleepy_build(&app, &work, &out).spawn().unwrap();
    let staging = staging_of(&work);
    child.kill().unwrap(); // SIGKILL: no handler runs
    child.wait().unwrap();
    // The kernel stops pip with pkgr (PR_SET_PDEATHSIG); the build backend pip started may
    // finish its own work: wait for it.
    let t0 = Instant::now();
    while !processes_with(&staging.display().to_string()).is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "children outlived pkgr"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(staging.exists(), "SIGKILL leaves the staging directory");
    // A later run removes it once its lock is free and it is a few seconds old.
    std::thread::sleep(Duration::from_millis(2500));
    let quick = sleepy_app(&d.path().join("q"), 0);
    let o = sleepy_build(&quick, &work, &out)
        .args(["-n", "quick", "-v", "1.0", "--no-install-app"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !staging.exists(),
        "the dead run's staging directory is still there"
    );
    assert_eq!(tree(&work), Vec::<String>::new());
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn a_temp_file_locked_in_another_pid_namespace_is_kept() {
    require_root();
    require(&["unshare", "flock"]);
    let s = Scratch::new();
    let live = s.p("out/.pkgr-tmp-otherbuild");
    std::fs::write(&live, "in progress").unwrap();
    run_ok(Command::new("touch").args(["-d", "1 hour ago"]).arg(&live));
    // Its writer runs in another PID namespace: its pid means nothing here.
    let mut holder = Command::new("unshare")
        .args(["--pid", "--fork", "flock", "-x"])
        .arg(&live)
        .args(["sleep", "60"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-a",
        "all",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/",
        "tree=/opt/ab",
    ]);
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(out.status.success(), "{out:?}");
    assert!(live.exists(), "a running build's temp file was deleted");
    assert_eq!(s.out_files(), [".pkgr-tmp-otherbuild", "ab_1.0_all.deb"]);
}

#[test]
fn a_closed_or_full_stdout_is_not_a_crash() {
    let s = Scratch::new();
    for i in 0..3000 {
        std::fs::write(s.p(&format!("tree/file-{i:05}.txt")), "x").unwrap();
    }
    run_ok(pkgr().current_dir(s.dir.path()).args([
        "-s",
        "dir",
        "-t",
        "deb",
        "-a",
        "all",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/",
        "tree=/opt/ab",
    ]));
    let deb = s.p("out/ab_1.0_all.deb");
    // `| head -c 10`: the reader goes away after a few bytes of a long listing.
    let mut child = pkgr()
        .arg("inspect")
        .arg(&deb)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && !err.contains("panicked"), "{err}");
    // `> /dev/full`: an error naming stdout, status 1.
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        vec!["inspect", deb.to_str().unwrap()],
        vec!["completions", "bash"],
        vec!["man"],
    ] {
        let o = pkgr().args(&args).stdout(full()).output().unwrap();
        refused(
            &o,
            1,
            &["cannot write to stdout", "No space left on device"],
        );
    }
    let o = pkgr()
        .current_dir(s.dir.path())
        .args([
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "ab",
            "-m",
            "A B <a@example.org>",
            "-f",
            "-p",
            "out/",
            "tree=/opt/ab",
        ])
        .stdout(full())
        .output()
        .unwrap();
    refused(&o, 1, &["cannot write to stdout"]);
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn scratch_space_problems_name_the_directory() {
    let s = Scratch::new();
    let args = [
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/",
        "tree=/opt/ab",
    ];
    let o = pkgr()
        .current_dir(s.dir.path())
        .env("TMPDIR", "/nonexistent-pkgr-tmp")
        .args(args)
        .output()
        .unwrap();
    refused(&o, 2, &["$TMPDIR", "/nonexistent-pkgr-tmp"]);
    let o = pkgr()
        .current_dir(s.dir.path())
        .args(["--workdir", "tree/app.txt"])
        .args(args)
        .output()
        .unwrap();
    refused(&o, 2, &["--workdir", "tree/app.txt", "not a directory"]);
    require_root();
    run_ok(
        Command::new("head")
            .args(["-c", "2000000", "/dev/urandom"])
            .stdout(std::fs::File::create(s.p("tree/random.bin")).unwrap()),
    );
    let _small = Mount::new(&s.p("small"), "size=256k");
    let o = pkgr()
        .current_dir(s.dir.path())
        .args(["--workdir", "small", "--deb-compression", "none"])
        .args(args)
        .output()
        .unwrap();
    refused(
        &o,
        1,
        &["scratch file in 'small'", "No space left on device"],
    );
    assert!(s.out_files().is_empty());
}
