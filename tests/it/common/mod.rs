//! Helpers shared by the integration tests: running the real `pkgr` binary and the real
//! validators (dpkg-deb, lintian, dpkg, md5sum), building each fixture once.
//!
//! Tiers: the default `cargo test` runs what needs neither root, nor the network, nor a chroot,
//! nor minutes; the other tests are marked `#[cfg_attr(not(feature = "test-..."), ignore =
//! "...")]` and reported as ignored (never as passed) unless their feature is on (`.ci/run`
//! turns every one on). Inside a tier, a missing tool or privilege fails the test
//! ([`require`], [`require_root`]): nothing is ever skipped and reported as a pass.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub mod chroot;
mod scratch;
pub use scratch::*;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fails the test unless every tool in `tools` is on PATH: a test that judges with a tool never
/// passes without it (`bash .ci/setup-debian.sh` installs them all).
pub fn require(tools: &[&str]) {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {t}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "not installed: {} (bash .ci/setup-debian.sh installs every tool the tests use)",
        missing.join(", ")
    );
}

/// Is this process root?
pub fn is_root() -> bool {
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&uid.stdout).trim() == "0"
}

/// Fails the test unless it runs as root. Such tests are in the `test-root` tier: the default
/// `cargo test` never runs them, and `.ci/run` runs them as root.
pub fn require_root() {
    assert!(
        is_root(),
        "this test installs packages or mounts file systems: run it as root (the test-root tier)"
    );
}

/// dpkg takes a lock; tests that install packages take this first.
pub fn dpkg_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A `pkgr` command with a neutral environment: no `SOURCE_DATE_EPOCH` unless the test sets it,
/// and none of the Python/pip variables a developer machine may set.
pub fn pkgr() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pkgr"));
    c.env_remove("SOURCE_DATE_EPOCH");
    for (k, _) in std::env::vars() {
        if k.starts_with("PIP_") || k == "PYTHONDONTWRITEBYTECODE" {
            c.env_remove(k);
        }
    }
    c
}

/// Runs and returns the output; panics with stdout and stderr if it failed.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// stdout as a String.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a shell command line, returning its stdout; panics on failure.
pub fn sh(script: &str) -> String {
    stdout(&run_ok(Command::new("sh").args(["-c", script])))
}

/// Copies a fixture into a fresh temp dir (pip writes build files into an app directory).
pub fn fixture_copy(name: &str, into: &Path) -> PathBuf {
    let dst = into.join(name);
    run_ok(
        Command::new("cp")
            .arg("-a")
            .arg(repo().join("fixtures").join(name))
            .arg(&dst),
    );
    dst
}

/// A package built by a test, with the paths that must never appear in it.
pub struct Built {
    /// The temp dir holding everything (kept alive as long as the package is used).
    pub _dir: tempfile::TempDir,
    /// The .deb.
    pub deb: PathBuf,
    /// The .rpm, when asked for.
    pub rpm: Option<PathBuf>,
    /// The tarball, when asked for.
    pub tar: Option<PathBuf>,
    /// Build-host paths: the scratch directory and the fixture copy.
    pub build_paths: Vec<String>,
    /// pkgr's stderr.
    pub stderr: String,
    /// pkgr's stdout.
    pub stdout: String,
}

/// Builds a fixture app with `-s virtualenv` (once per name and flags) into a temp dir; the
/// staging directory lives under `workdir_name` inside it.
pub fn build_venv(fixture: &str, workdir_name: &str, extra: &[&str]) -> Built {
    build_venv_targets(fixture, workdir_name, "deb", extra)
}

/// As [`build_venv`], for the comma-separated `targets` (which must include deb).
pub fn build_venv_targets(
    fixture: &str,
    workdir_name: &str,
    targets: &str,
    extra: &[&str],
) -> Built {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = fixture_copy(fixture, dir.path());
    let work = dir.path().join(workdir_name);
    std::fs::create_dir_all(&work).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut cmd = pkgr();
    cmd.args(["-s", "virtualenv", "-t", targets, "--workdir"])
        .arg(&work)
        .arg("-p")
        .arg(format!("{}/", out_dir.display()))
        .args(extra)
        .arg(&app);
    let out = run_ok(&mut cmd);
    let files: Vec<PathBuf> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), targets.split(',').count(), "{files:?}");
    let find = |ext: &str| {
        files
            .iter()
            .find(|f| f.to_string_lossy().contains(ext))
            .cloned()
    };
    Built {
        deb: find(".deb").expect("a .deb"),
        rpm: find(".rpm"),
        tar: find(".tar"),
        build_paths: vec![work.display().to_string(), app.display().to_string()],
        _dir: dir,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout: stdout(&out),
    }
}

/// The pyproject fixture, staged under a path longer than 127 bytes so pip writes `'''exec'`
/// trampolines that pkgr must turn back into plain shebangs.
pub fn hello() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let long = format!("work-{}", "w".repeat(130));
        build_venv("hello-app", &long, &[])
    })
}

/// The requirements.txt + setup.py fixture with a compiled extension, as deb, rpm and tarball
/// from one run.
pub fn ext() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build_venv_targets("ext-app", "work", "deb,rpm,tar", &[]))
}

/// The dir fixture's command line (also the README's example).
pub fn dir_args() -> Vec<String> {
    let d = repo().join("fixtures/dir-app");
    let s = |p: &str| d.join(p).display().to_string();
    [
        "-s", "dir", "-t", "deb", "-n", "hello-dir", "-v", "1.0", "--iteration", "1",
        "-m", "pkgr developers <pkgr@example.org>", "--license", "MIT", "-a", "all",
        "--url", "https://example.org/hello-dir",
        "--description", "Prints a configured greeting\nA fixture for pkgr: a shell script in /usr/bin, a conffile in /etc and maintainer scripts.",
        "--after-install", &s("scripts/after-install"),
        "--after-remove", &s("scripts/after-remove"),
        "-C", &s(""),
        "bin/hello-dir=/usr/bin/hello-dir",
        "etc/hello-dir.conf=/etc/hello-dir/hello-dir.conf",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The dir fixture built into `out` (a directory), returning the .deb path.
pub fn build_dir(out: &Path, env: &[(&str, &str)]) -> PathBuf {
    let mut cmd = pkgr();
    cmd.args(dir_args())
        .arg("-p")
        .arg(out.join("hello-dir.deb"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_ok(&mut cmd);
    out.join("hello-dir.deb")
}

/// `dpkg-deb --field` of one field.
pub fn field(deb: &Path, name: &str) -> String {
    let out = run_ok(Command::new("dpkg-deb").arg("--field").arg(deb).arg(name));
    stdout(&out).trim().to_string()
}

/// `dpkg-deb --contents` as (mode string, owner, path, link target) rows.
pub fn contents(deb: &Path) -> Vec<(String, String, String, Option<String>)> {
    let out = run_ok(Command::new("dpkg-deb").arg("--contents").arg(deb));
    stdout(&out)
        .lines()
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let rest = cols[5..].join(" ");
            let (path, link) = match rest.split_once(" -> ") {
                Some((p, t)) => (p.to_string(), Some(t.to_string())),
                None => (rest, None),
            };
            (cols[0].to_string(), cols[1].to_string(), path, link)
        })
        .collect()
}

/// Extracts the data part with `dpkg-deb -x` into a new dir under `into`.
pub fn extract(deb: &Path, into: &Path) -> PathBuf {
    let d = into.join("x");
    std::fs::create_dir_all(into).unwrap();
    run_ok(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&d));
    d
}

/// lintian's tags for `deb`, as (severity letter, tag, rest) rows.
pub fn lintian(deb: &Path) -> Vec<(String, String, String)> {
    let out = Command::new("lintian")
        .args(["--no-cfg", "--allow-root"])
        .arg(deb)
        .output()
        .expect("run lintian");
    // lintian exits 2 when it finds errors; the tags are what we judge.
    stdout(&out)
        .lines()
        .filter_map(|l| {
            let (sev, rest) = l.split_once(": ")?;
            let (_pkg, rest) = rest.split_once(": ")?;
            let (tag, ctx) = rest.split_once(' ').unwrap_or((rest, ""));
            Some((sev.to_string(), tag.to_string(), ctx.to_string()))
        })
        .collect()
}

/// The lintian tags this project accepts, from `tests/lintian-accepted.txt` (each with a reason).
pub fn accepted_lintian_tags() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("tests/lintian-accepted.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (tag, reason) = l.split_once(char::is_whitespace).expect("tag and reason");
            assert!(
                reason.trim().len() > 10,
                "accepted tag {tag} needs a reason"
            );
            tag.to_string()
        })
        .collect()
}

/// Asserts lintian reports no error and only accepted warnings.
pub fn assert_lintian_clean(deb: &Path) {
    let tags = lintian(deb);
    let accepted = accepted_lintian_tags();
    let errors: Vec<_> = tags.iter().filter(|t| t.0 == "E").collect();
    assert!(
        errors.is_empty(),
        "lintian errors on {}: {errors:#?}",
        deb.display()
    );
    let unexpected: Vec<_> = tags
        .iter()
        .filter(|t| t.0 == "W" && !accepted.contains(&t.1))
        .collect();
    assert!(
        unexpected.is_empty(),
        "lintian warnings not in tests/lintian-accepted.txt: {unexpected:#?}"
    );
}

/// Every file under `dir` containing `needle` (grep -rlaF).
pub fn grep_files(dir: &Path, needle: &str) -> Vec<String> {
    let out = Command::new("grep")
        .args(["-rlaF", needle])
        .arg(dir)
        .output()
        .expect("grep");
    stdout(&out).lines().map(str::to_string).collect()
}

/// Debian's Python `X.Y` and `X.Y.Z`, as the venv records them.
pub fn system_python() -> (String, String) {
    let v = sh("/usr/bin/python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2], \"%d.%d.%d\" % sys.version_info[:3])'");
    let (a, b) = v.trim().split_once(' ').unwrap();
    (a.to_string(), b.to_string())
}

/// A venv made by Debian's python at `path`, without pip (fast, no network).
pub fn bare_venv(path: &Path) {
    run_ok(
        Command::new("/usr/bin/python3")
            .args(["-m", "venv", "--without-pip"])
            .arg(path),
    );
}

/// dpkg-shlibdeps' `shlibs:Depends` for `files` (below `root`), with `-l` private dirs.
pub fn dpkg_shlibdeps(root: &Path, files: &[PathBuf], private: &[PathBuf]) -> String {
    let dd = root.join("debian");
    std::fs::create_dir_all(&dd).unwrap();
    std::fs::write(
        dd.join("control"),
        "Source: x\n\nPackage: x\nArchitecture: any\n",
    )
    .unwrap();
    let mut c = Command::new("dpkg-shlibdeps");
    c.arg("-O").current_dir(root);
    if !private.is_empty() {
        c.arg("--ignore-missing-info");
    }
    for p in private {
        c.arg(format!("-l{}", p.display()));
    }
    let out = stdout(&run_ok(c.args(files)));
    out.trim()
        .strip_prefix("shlibs:Depends=")
        .unwrap_or_else(|| panic!("unexpected dpkg-shlibdeps output: {out}"))
        .to_string()
}
