//! Reproducible builds by default: the same input built twice, from two copies that differ in
//! everything that is not input, gives byte-identical .deb, .rpm and .tar.zst (all three from
//! one `-t deb,rpm,tar` run).
//!
//! The two builds ([`A`] and [`B`]) differ in:
//! - the absolute path of the input, the output and the working directory, and their lengths;
//! - the umask pkgr runs under (022 / 077), which pip and venv's files in the staging dir get,
//!   and which the copy's directories (and, for the Python app, files) were made with;
//! - file mtimes (the copy time / 2001-01-01);
//! - the order the copy's files were created in (sorted / reverse sorted), so a directory may
//!   list its entries in another order;
//! - `TZ` and `LC_ALL`;
//! - for `-s virtualenv`, the `--workdir` the venv is staged in (B's is over 127 bytes, so pip
//!   writes `'''exec'` trampolines there).
//!
//! When an artifact differs, the message names it and shows the first difference in the tools'
//! views of it (`dpkg-deb --info/--contents` and the md5sums of the extracted files, `rpm -qpi`,
//! `rpm -qp --dump`, `tar -tvf`), and keeps both files for diffoscope.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// How one build's input copy is made and how its pkgr is run.
struct Host {
    name: &'static str,
    /// The umask pkgr runs under and the copy is made with.
    umask: u32,
    /// Create the copy's files in reverse sorted order.
    reverse: bool,
    /// `touch -d` date for everything copied; `None` keeps the copy time.
    date: Option<&'static str>,
    /// Path below the temp dir, so the two builds' path lengths differ.
    nest: &'static str,
    tz: &'static str,
    locale: &'static str,
}

const A: Host = Host {
    name: "A",
    umask: 0o022,
    reverse: false,
    date: None,
    nest: "a",
    tz: "UTC0",
    locale: "C",
};

const B: Host = Host {
    name: "B",
    umask: 0o077,
    reverse: true,
    date: Some("2001-01-01 12:34:56"),
    nest: "a-much-longer-directory/for-the-second/build-of-the-same-input",
    tz: "<+14>-14",
    locale: "C.UTF-8",
};

/// One build: a temp dir with the input copy, the output directory and pkgr's working dir.
struct Side {
    host: &'static Host,
    _dir: tempfile::TempDir,
    base: PathBuf,
    out: PathBuf,
}

impl Side {
    fn new(host: &'static Host) -> Side {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().join(host.nest);
        let out = base.join("out");
        fs::create_dir_all(&out).unwrap();
        Side {
            host,
            _dir: dir,
            base,
            out,
        }
    }

    /// Copies `fixtures/<name>` into this side, the host's way. `keep_file_modes`: a file's mode
    /// is input (`-s dir` ships it); otherwise files get the umask, as a checkout would.
    fn copy_fixture(&self, name: &str, keep_file_modes: bool) -> PathBuf {
        let dst = self.base.join(name);
        copy_tree(
            &repo().join("fixtures").join(name),
            &dst,
            self.host,
            keep_file_modes,
        );
        dst
    }

    /// pkgr under this host's umask (`sh -c 'umask 077; exec "$@"'`), with common::pkgr()'s
    /// environment, this side's working directory, TZ and locale.
    fn pkgr(&self) -> Command {
        let base = pkgr();
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("umask {:03o}; exec \"$@\"", self.host.umask))
            .arg("sh")
            .arg(base.get_program());
        for (k, v) in base.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.current_dir(&self.base)
            .env("TZ", self.host.tz)
            .env("LC_ALL", self.host.locale)
            .arg("-p")
            .arg(format!("{}/", self.out.display()));
        c
    }

    /// The artifacts in the output dir by file name: exactly one .deb, .rpm and .tar.zst.
    fn artifacts(&self) -> BTreeMap<String, PathBuf> {
        let files: BTreeMap<String, PathBuf> = fs::read_dir(&self.out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name().to_string_lossy().into_owned(), e.path())
            })
            .collect();
        let mut kinds: Vec<&str> = files.keys().map(|n| kind(n)).collect();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            ["deb", "rpm", "tar"],
            "build {}: {files:?}",
            self.host.name
        );
        files
    }
}

/// Every file and directory below `dir`, relative.
fn list(root: &Path, rel: &Path, into: &mut Vec<PathBuf>) {
    for e in fs::read_dir(root.join(rel)).unwrap() {
        let e = e.unwrap();
        let r = rel.join(e.file_name());
        into.push(r.clone());
        if e.file_type().unwrap().is_dir() {
            list(root, &r, into);
        }
    }
}

fn mkdir_mode(p: &Path, mode: u32) {
    if !p.exists() {
        fs::create_dir(p).unwrap();
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// Copies `src` to `dst` one entry at a time, in the host's order, with its umask and date.
fn copy_tree(src: &Path, dst: &Path, host: &Host, keep_file_modes: bool) {
    let mut rels = Vec::new();
    list(src, Path::new(""), &mut rels);
    rels.sort();
    if host.reverse {
        rels.reverse();
    }
    let dir_mode = 0o777 & !host.umask;
    mkdir_mode(dst, dir_mode);
    for rel in &rels {
        // Parents first: in reverse order a file comes before its directory's own entry.
        let mut parents: Vec<&Path> = rel.ancestors().skip(1).collect();
        parents.reverse();
        for p in parents {
            mkdir_mode(&dst.join(p), dir_mode);
        }
        let from = src.join(rel);
        let to = dst.join(rel);
        let meta = fs::symlink_metadata(&from).unwrap();
        if meta.is_dir() {
            mkdir_mode(&to, dir_mode);
        } else if meta.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&from).unwrap(), &to).unwrap();
        } else {
            fs::copy(&from, &to).unwrap();
            let mut mode = meta.mode() & 0o7777;
            if !keep_file_modes {
                mode &= !host.umask;
            }
            fs::set_permissions(&to, fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    if let Some(date) = host.date {
        run_ok(
            Command::new("find")
                .arg(dst)
                .args(["-exec", "touch", "-h", "-d", date, "{}", "+"]),
        );
    }
}

/// The copies really differ as intended, so a pass cannot be vacuous.
fn assert_copies_differ(a: &Path, b: &Path, file: &str) {
    let (ma, mb) = (fs::metadata(a).unwrap(), fs::metadata(b).unwrap());
    assert_ne!(ma.mode() & 0o777, mb.mode() & 0o777, "directory modes");
    assert_ne!(a.as_os_str().len(), b.as_os_str().len(), "path lengths");
    let (fa, fb) = (
        fs::metadata(a.join(file)).unwrap(),
        fs::metadata(b.join(file)).unwrap(),
    );
    assert!(fa.mtime() > 1_600_000_000, "{file} in A: copy time");
    assert!(fb.mtime() < 1_000_000_000, "{file} in B: 2001");
    let umask = sh("sh -c 'umask 077; exec \"$@\"' sh sh -c umask");
    assert_eq!(umask.trim(), "0077", "the umask wrapper works");
}

/// Runs every command at once (the builds are independent), panicking like run_ok.
fn run_all(cmds: &mut [Command]) -> Vec<Output> {
    std::thread::scope(|s| {
        let handles: Vec<_> = cmds.iter_mut().map(|c| s.spawn(|| run_ok(c))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `deb`, `rpm` or `tar` from an artifact's file name.
fn kind(name: &str) -> &'static str {
    if name.ends_with(".deb") {
        "deb"
    } else if name.ends_with(".rpm") {
        "rpm"
    } else if name.contains(".tar") {
        "tar"
    } else {
        "unknown"
    }
}

/// Asserts both builds wrote the same artifact names with the same bytes; the message names
/// every artifact that differs, with [`explain`]'s diagnosis.
fn assert_identical(what: &str, a: &Side, b: &Side) {
    let (fa, fb) = (a.artifacts(), b.artifacts());
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{what}: the two builds wrote different file names"
    );
    let names: Vec<&String> = fa
        .iter()
        .filter(|(name, pa)| fs::read(pa).unwrap() != fs::read(&fb[*name]).unwrap())
        .map(|(name, _)| name)
        .collect();
    let why: Vec<String> = names
        .iter()
        .map(|n| explain(&fa[*n], &fb[*n]) + &keep(&fa[*n], &fb[*n]))
        .collect();
    assert!(
        names.is_empty(),
        "{what} is NOT reproducible: {} of {} artifacts differ between build A and build B: {names:?}\n\n{}",
        names.len(),
        fa.len(),
        why.join("\n\n")
    );
}

/// Copies both artifacts to a directory that outlives the test, for diffoscope.
fn keep(a: &Path, b: &Path) -> String {
    let name = a.file_name().unwrap().to_string_lossy().into_owned();
    let Ok(dir) = tempfile::Builder::new().prefix("pkgr-repro-").tempdir() else {
        return String::new();
    };
    let dir = dir.keep();
    for (side, p) in [("A", a), ("B", b)] {
        let d = dir.join(side);
        let _ = fs::create_dir_all(&d).and_then(|()| fs::copy(p, d.join(&name)));
    }
    format!(
        "\n  both kept: diffoscope {0}/A/{name} {0}/B/{name}",
        dir.display()
    )
}

/// A tool's stdout, or why it could not say (naming the program only, not the artifact's path,
/// which differs between the builds).
fn tool(cmd: &mut Command) -> String {
    let program = cmd.get_program().to_string_lossy().into_owned();
    match cmd.output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => format!(
            "({program} failed with {}: {})",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => format!("(cannot run {program}: {e})"),
    }
}

/// `md5sum` of every file below `dir`, relative and sorted, plus symlinks and their targets.
fn md5_tree(dir: &Path) -> String {
    tool(Command::new("sh").current_dir(dir).args([
        "-c",
        "{ find . -type f -exec md5sum {} +; find . -type l -printf '%p -> %l\\n'; } | LC_ALL=C sort -k2",
    ]))
}

/// The views of an artifact the tools give, as (view name, text).
fn views(artifact: &Path, scratch: &Path) -> Vec<(&'static str, String)> {
    let name = artifact.file_name().unwrap().to_string_lossy().into_owned();
    fs::create_dir_all(scratch).unwrap();
    match kind(&name) {
        "deb" => {
            let (ctl, data) = (scratch.join("control"), scratch.join("data"));
            let e = tool(Command::new("dpkg-deb").arg("-e").arg(artifact).arg(&ctl));
            let x = tool(Command::new("dpkg-deb").arg("-x").arg(artifact).arg(&data));
            vec![
                (
                    "ar tv (members)",
                    tool(Command::new("ar").arg("tv").arg(artifact)),
                ),
                (
                    "dpkg-deb --info",
                    tool(Command::new("dpkg-deb").arg("--info").arg(artifact)),
                ),
                (
                    "dpkg-deb --contents",
                    tool(
                        Command::new("dpkg-deb")
                            .env("TZ", "UTC0")
                            .arg("--contents")
                            .arg(artifact),
                    ),
                ),
                (
                    "md5sum of the control files (dpkg-deb -e)",
                    e + &md5_tree(&ctl),
                ),
                (
                    "md5sum of the data files (dpkg-deb -x)",
                    x + &md5_tree(&data),
                ),
            ]
        }
        "rpm" => {
            let q = |args: &[&str]| {
                tool(
                    Command::new("rpm")
                        .env("TZ", "UTC0")
                        .arg("-qp")
                        .args(args)
                        .arg(artifact),
                )
            };
            vec![
                ("rpm -qpi", q(&["-i"])),
                (
                    "rpm -qp --dump (path size mtime sha256 mode owner group ...)",
                    q(&["--dump"]),
                ),
                ("rpm -qp --scripts", q(&["--scripts"])),
                (
                    "rpm -qp --requires --provides --conflicts --obsoletes",
                    q(&["--requires", "--provides", "--conflicts", "--obsoletes"]),
                ),
                ("rpm -qp --changelog", q(&["--changelog"])),
            ]
        }
        _ => {
            let x = scratch.join("x");
            fs::create_dir_all(&x).unwrap();
            let out = tool(
                Command::new("tar")
                    .arg("-xf")
                    .arg(artifact)
                    .arg("--no-same-owner")
                    .arg("-C")
                    .arg(&x),
            );
            vec![
                (
                    "tar -tvf",
                    tool(
                        Command::new("tar")
                            .env("TZ", "UTC0")
                            .arg("-tvf")
                            .arg(artifact),
                    ),
                ),
                (
                    "md5sum of the extracted files (tar -x)",
                    out + &md5_tree(&x),
                ),
            ]
        }
    }
}

/// The first differing line of two texts, with context, and how many lines differ.
fn first_diff(a: &str, b: &str) -> Option<String> {
    if a == b {
        return None;
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let n = la.iter().zip(&lb).take_while(|(x, y)| x == y).count();
    let differing =
        la.iter().zip(&lb).filter(|(x, y)| x != y).count() + la.len().abs_diff(lb.len());
    let at = |l: &[&str]| l.get(n).map_or("(end)".to_string(), |s| format!("{s:?}"));
    Some(format!(
        "first difference at line {} ({differing} lines differ; A has {}, B has {}):\n      A: {}\n      B: {}",
        n + 1,
        la.len(),
        lb.len(),
        at(&la),
        at(&lb)
    ))
}

/// Why two artifacts differ: sizes, the first differing byte and the first difference in each
/// tool view.
fn explain(a: &Path, b: &Path) -> String {
    let name = a.file_name().unwrap().to_string_lossy().into_owned();
    let (ba, bb) = (fs::read(a).unwrap(), fs::read(b).unwrap());
    let offset = ba
        .iter()
        .zip(&bb)
        .position(|(x, y)| x != y)
        .unwrap_or(ba.len().min(bb.len()));
    let mut msg = format!(
        "{name} DIFFERS:\n  A: {} ({} bytes)\n  B: {} ({} bytes)\n  first differing byte at offset {offset}",
        a.display(),
        ba.len(),
        b.display(),
        bb.len()
    );
    let scratch = tempfile::tempdir().unwrap();
    let (va, vb) = (
        views(a, &scratch.path().join("A")),
        views(b, &scratch.path().join("B")),
    );
    let mut any = false;
    for ((view, ta), (_, tb)) in va.iter().zip(&vb) {
        if let Some(d) = first_diff(ta, tb) {
            any = true;
            msg.push_str(&format!("\n  {view}: {d}"));
        }
    }
    if !any {
        msg.push_str(
            "\n  every listing and extracted file is identical: the difference is in the container \
             itself (ar/tar headers, rpm header or signature tags, compression)",
        );
    }
    msg
}

/// The dir fixture's arguments (common::dir_args) pointed at `app`, for every target.
fn dir_args_for(app: &Path) -> Vec<String> {
    let fixture = repo().join("fixtures/dir-app").display().to_string();
    let mut args = dir_args();
    let t = args.iter().position(|a| a == "-t").expect("-t") + 1;
    args[t] = "deb,rpm,tar".into();
    for a in &mut args {
        if let Some(rest) = a.strip_prefix(&fixture) {
            *a = format!("{}{rest}", app.display());
        }
    }
    assert!(args.iter().all(|a| !a.contains(&fixture)), "{args:?}");
    args
}

/// Builds the dir fixture on each side with `env`.
fn build_dir_sides(sides: &[&Side], env: &[&[(&str, &str)]]) {
    let mut cmds: Vec<Command> = sides
        .iter()
        .zip(env)
        .map(|(s, env)| {
            let app = s.copy_fixture("dir-app", true);
            let mut c = s.pkgr();
            c.args(dir_args_for(&app));
            for (k, v) in *env {
                c.env(k, v);
            }
            c
        })
        .collect();
    run_all(&mut cmds);
}

#[test]
fn dir_source_is_byte_identical_across_paths_umasks_mtimes_and_file_order() {
    let (a, b) = (Side::new(&A), Side::new(&B));
    build_dir_sides(&[&a, &b], &[&[], &[]]);
    assert_copies_differ(
        &a.base.join("dir-app"),
        &b.base.join("dir-app"),
        "etc/hello-dir.conf",
    );
    assert_identical("-s dir -t deb,rpm,tar", &a, &b);
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn virtualenv_source_is_byte_identical_across_paths_umasks_mtimes_file_order_and_workdirs() {
    let (a, b) = (Side::new(&A), Side::new(&B));
    let work_a = a.base.join("work");
    // Over 127 bytes: pip writes `'''exec'` trampolines in B's staging venv, not in A's.
    let work_b = b.base.join(format!("work-{}", "w".repeat(130)));
    let mut cmds: Vec<Command> = [(&a, &work_a), (&b, &work_b)]
        .into_iter()
        .map(|(s, work)| {
            let app = s.copy_fixture("hello-app", false);
            std::fs::create_dir_all(work).unwrap();
            let mut c = s.pkgr();
            c.args(["-s", "virtualenv", "-t", "deb,rpm,tar", "--workdir"])
                .arg(work)
                .arg(&app);
            c
        })
        .collect();
    run_all(&mut cmds);
    let (app_a, app_b) = (a.base.join("hello-app"), b.base.join("hello-app"));
    assert_copies_differ(&app_a, &app_b, "pyproject.toml");
    let mode = |p: &Path| fs::metadata(p).unwrap().mode() & 0o777;
    assert_eq!(
        (
            mode(&app_a.join("pyproject.toml")),
            mode(&app_b.join("pyproject.toml"))
        ),
        (0o644, 0o600)
    );
    assert_identical("-s virtualenv -t deb,rpm,tar (hello-app)", &a, &b);
}

#[test]
fn source_date_epoch_is_the_only_clock() {
    let (a, b, c) = (Side::new(&A), Side::new(&B), Side::new(&A));
    let sde = |v| [("SOURCE_DATE_EPOCH", v)];
    build_dir_sides(
        &[&a, &b, &c],
        &[&sde("1700000000"), &sde("1700000000"), &sde("1600000000")],
    );
    assert_identical("-s dir with SOURCE_DATE_EPOCH=1700000000", &a, &b);

    // Another epoch changes every artifact, and the diagnosis points at the timestamps.
    let (fa, fc) = (a.artifacts(), c.artifacts());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fc.keys().collect::<Vec<_>>());
    for (name, pa) in &fa {
        assert_ne!(
            fs::read(pa).unwrap(),
            fs::read(&fc[name]).unwrap(),
            "{name}: SOURCE_DATE_EPOCH 1700000000 and 1600000000 gave the same bytes"
        );
        let why = explain(pa, &fc[name]);
        assert!(why.starts_with(&format!("{name} DIFFERS")), "{why}");
        match kind(name) {
            "deb" => assert!(
                why.contains("dpkg-deb --contents: first difference at line 1")
                    && why.contains("2023-11-14 22:13")
                    && why.contains("2020-09-13 12:26"),
                "{why}"
            ),
            "rpm" => assert!(why.contains("rpm -qpi: first difference"), "{why}"),
            _ => assert!(
                why.contains("tar -tvf: first difference at line 1")
                    && why.contains("2020-09-13 12:26"),
                "{why}"
            ),
        }
    }
}
