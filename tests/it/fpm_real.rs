//! Real fpm command lines from public GitHub repositories, run exactly as written with `pkgr`
//! in place of `fpm`, and judged with the real tools (dpkg-deb, ar, tar, rpm -qp).
//!
//! Each [`Case`] names the repository, the file and the commit the command was read from. Its
//! `setup` is a shell snippet that creates, in a fresh temp dir, the files the command packages,
//! the scripts it names and the variables it expands; `command` is the line from the source
//! file with only the leading `fpm` word replaced by `pkgr` (Makefile `$(VAR)` is written
//! `$VAR` and the variable is set in `setup`, as each case's comment says). The runner executes
//! `sh -ec "SETUP; COMMAND"` in that temp dir with a directory holding the `pkgr` binary first
//! on PATH, finds the one package the command wrote, and asserts every [`Check`] on it.
//!
//! The expectations are what fpm 1.17 builds from the same command (its `lib/fpm/package/*.rb`
//! and `templates/`), never what pkgr happens to write, except where docs/fpm.md (or README.md
//! for the tarball) documents a deliberate difference: such a check asserts what pkgr writes
//! instead, as strongly, with a comment citing the row (no License/Vendor field in the deb, the
//! license in its copyright file; every /etc file `%config` in the rpm; no base-system `%dir`; an
//! email-alone maintainer named for the deb; the tarball's default name). [`cases`] are the
//! invocations pkgr builds so, and the default tier requires at least 30 of them;
//! [`different`] holds the real invocations pkgr refuses on purpose (a maintainer without an
//! email, a deb name or dependency with `_`, a Section Debian lacks, upstart: docs/fpm.md's
//! rows), with the fpm-correct checks and the reason: a test checks that each still differs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::common::*;

#[path = "fpm_real_checks.rs"]
mod checks;
pub use checks::Check;
use checks::{judge, q};

#[path = "fpm_real_cases_deb.rs"]
mod cases_deb;
#[path = "fpm_real_cases_deb2.rs"]
mod cases_deb2;
#[path = "fpm_real_cases_deb3.rs"]
mod cases_deb3;
#[path = "fpm_real_cases_empty.rs"]
mod cases_empty;
#[path = "fpm_real_cases_rpm.rs"]
mod cases_rpm;
#[path = "fpm_real_cases_rpm2.rs"]
mod cases_rpm2;
#[path = "fpm_real_cases_different_deb.rs"]
mod different_deb;

/// One real fpm invocation and what fpm's package holds.
pub struct Case {
    /// The GitHub repository, `owner/name`.
    pub repo: &'static str,
    /// The file of that repository holding the command.
    pub file: &'static str,
    /// The commit the file was read at (or the index id of an older stored version).
    pub commit: &'static str,
    /// Shell lines run first in the temp dir: inputs, scripts and variables.
    pub setup: &'static str,
    /// The command line exactly as written, `pkgr` in place of `fpm`.
    pub command: &'static str,
    /// What the package must show.
    pub checks: &'static [Check],
}

/// Every case pkgr builds as fpm does.
pub fn cases() -> Vec<&'static Case> {
    cases_deb::CASES
        .iter()
        .chain(cases_deb2::CASES)
        .chain(cases_deb3::CASES)
        .chain(cases_empty::CASES)
        .chain(cases_rpm::CASES)
        .chain(cases_rpm2::CASES)
        .collect()
}

/// Real invocations where pkgr differs from fpm, each with why; see the module docs.
pub fn different() -> Vec<&'static Different> {
    different_deb::DIFFERENT.iter().collect()
}

/// A real invocation pkgr does not build as fpm does, and why.
pub struct Different {
    /// What pkgr does instead: the flag it refuses, or what its package holds.
    pub why: &'static str,
    /// The invocation, with fpm's checks.
    pub case: Case,
}

/// Shell helpers every setup may use: `mkexe PATH...` writes a 0755 script that echoes
/// `ran PATH`, `mkfile PATH...` a 0644 file (parent directories are created); `hosttmp
/// PATH...` is for commands that name fixed paths under /tmp, as their build scripts create
/// them: it takes a lock (one such case at a time, across test runs), removes the paths and
/// removes them again when the case's shell exits.
const PRELUDE: &str = r#"umask 022
hosttmp() { exec 9>/tmp/pkgr-fpm-real.lock; flock 9; rm -rf "$@"; trap "rm -rf $*" EXIT; }
mkexe() { for f; do mkdir -p "$(dirname "$f")"; printf '#!/bin/sh\necho "ran %s"\n' "$f" > "$f"; chmod 755 "$f"; done; }
mkfile() { for f; do mkdir -p "$(dirname "$f")"; printf 'contents of %s\n' "$f" > "$f"; chmod 644 "$f"; done; }
"#;

/// The directory holding a `pkgr` symlink to the binary under test, made once.
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_pkgr"), d.path().join("pkgr"))
            .expect("symlink pkgr");
        d
    })
    .path()
}

/// Is `name` a package file name (.deb, .rpm, a tarball)?
fn is_package(name: &str) -> bool {
    name.ends_with(".deb") || name.ends_with(".rpm") || name.contains(".tar")
}

/// Every file below `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let out = sh(&format!("cd {} && find . -type f", q(dir)));
    out.lines()
        .map(|l| PathBuf::from(l.trim_start_matches("./")))
        .collect()
}

/// Runs one case in a fresh temp dir; `Err` holds every failure, headed by the case's origin.
pub fn run(case: &Case) -> Result<(), String> {
    let head = format!(
        "{} {} (at {}):\n  {}",
        case.repo, case.file, case.commit, case.command
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let meta = tempfile::tempdir().expect("tempdir");
    let before_list = meta.path().join("before");
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-ec")
        .arg(format!(
            "{PRELUDE}{}\nfind . -type f > {}\n{}",
            case.setup,
            q(&before_list),
            case.command
        ))
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("TMPDIR")
        .env_remove("PYTHONDONTWRITEBYTECODE");
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PIP_")) {
        cmd.env_remove(k);
    }
    let out = cmd.output().expect("run sh");
    let log = format!(
        "exit {}\nstdout:\n{}stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        return Err(format!("{head}\n  failed: {log}"));
    }
    let before: BTreeSet<PathBuf> = std::fs::read_to_string(&before_list)
        .expect("the list of files after setup")
        .lines()
        .map(|l| PathBuf::from(l.trim_start_matches("./")))
        .collect();
    let written: Vec<PathBuf> = files(dir.path())
        .into_iter()
        .filter(|f| !before.contains(f) && is_package(&f.to_string_lossy()))
        .collect();
    let [pkg] = written.as_slice() else {
        return Err(format!(
            "{head}\n  wrote {written:?}, not one package\n{log}"
        ));
    };
    let pkg = dir.path().join(pkg);
    let failures: Vec<String> = case
        .checks
        .iter()
        .filter_map(|c| {
            judge(c, &pkg, dir.path())
                .err()
                .map(|e| format!("  {c:?}: {e}"))
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{head}\n{}", failures.join("\n")))
    }
}

/// Runs `cases` two at a time and returns the failures, each followed by its note.
fn run_all(cases: &[(&Case, &str)]) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some((c, note)) = cases.get(next.fetch_add(1, Ordering::SeqCst)) {
                    if let Err(e) = run(c) {
                        failures.lock().unwrap().push(format!("{e}{note}"));
                    }
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

/// Every case holds a real origin and a command that runs `pkgr` where fpm was, none is
/// listed twice, and at least 30 real invocations are in the passing tables (so the default
/// tier checks 30 real invocations: [`fpm_real_invocations_build_what_fpm_builds`]).
#[test]
fn fpm_real_table_is_well_formed() {
    let passing = cases().len();
    assert!(passing >= 30, "only {passing} passing real invocations");
    let all: Vec<&Case> = cases()
        .into_iter()
        .chain(different().into_iter().map(|d| &d.case))
        .collect();
    assert!(all.len() >= 30, "only {} real invocations", all.len());
    for d in different() {
        assert!(
            !d.why.is_empty(),
            "{} {}: no reason",
            d.case.repo,
            d.case.file
        );
    }
    let mut seen = BTreeSet::new();
    for c in all {
        let id = format!("{} {} {} {}", c.repo, c.file, c.command, c.setup);
        assert!(seen.insert(id), "{} {} twice", c.repo, c.file);
        assert_eq!(c.repo.split('/').count(), 2, "{}: owner/name", c.repo);
        assert!(!c.file.is_empty() && !c.commit.is_empty(), "{}", c.repo);
        assert!(
            c.command.split_whitespace().any(|w| w == "pkgr") && !c.command.contains("fpm "),
            "{} {}: the command must run pkgr where fpm was: {}",
            c.repo,
            c.file,
            c.command
        );
        assert!(!c.checks.is_empty(), "{} {}: no checks", c.repo, c.file);
    }
}

/// The real fpm invocations pkgr builds as fpm does: every check holds on every package.
#[test]
fn fpm_real_invocations_build_what_fpm_builds() {
    require(&["dpkg-deb", "rpm", "tar", "ar", "flock", "python3"]);
    let cases: Vec<(&Case, &str)> = cases().into_iter().map(|c| (c, "")).collect();
    let failures = run_all(&cases);
    assert!(
        failures.is_empty(),
        "{} of {} real fpm invocations differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The real invocations where pkgr differs from fpm on purpose (see [`different`]; each
/// difference is a row of docs/fpm.md): with fpm's checks, every one must still fail, so a
/// case pkgr starts building as fpm does is noticed and moved to the passing tables.
#[test]
fn fpm_real_invocations_pkgr_refuses_on_purpose_still_differ() {
    require(&["dpkg-deb", "rpm", "tar", "ar", "flock", "python3"]);
    let notes: Vec<String> = different()
        .iter()
        .map(|d| format!("\n  pkgr differs: {}", d.why))
        .collect();
    let cases: Vec<(&Case, &str)> = different()
        .into_iter()
        .zip(&notes)
        .map(|(d, n)| (&d.case, n.as_str()))
        .collect();
    let failures = run_all(&cases);
    assert_eq!(
        failures.len(),
        cases.len(),
        "some of these now build as fpm builds them; move them to the passing tables:\n{}",
        notes.join("")
    );
}
