//! Bad input and faults: every row of docs/errors.md has a test here (or in cli.rs) that asserts
//! the exit status, the message, and that nothing was written. Plus atomicity under SIGKILL.

use std::os::unix::fs::{symlink, PermissionsExt};

use std::process::Command;

use crate::common::*;

#[test]
fn names_versions_and_fields_are_validated_per_format() {
    let s = Scratch::new();
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "deb",
            &["--name=-foo", "tree=/opt/ab"],
            &["'-foo'", "5.6.1"],
        ),
        ("deb", &["-v", "", "tree=/opt/ab"], &["version is empty"]),
        // ('-' in an rpm version is written as '_', as fpm does: versions.rs checks it.)
        (
            "rpm",
            &["-v", "1.0:2", "tree=/opt/ab"],
            &["Version", "'1.0:2'"],
        ),
        ("rpm", &["-v", "", "tree=/opt/ab"], &["Version", "is empty"]),
        (
            "deb",
            &["-v", "1.0\nDepends: evil", "tree=/opt/ab"],
            &["control character"],
        ),
        (
            "rpm",
            &["--iteration", "1\nRequires: evil", "tree=/opt/ab"],
            &["Release", "'1\\nRequires: evil'"],
        ),
        (
            "deb",
            &["--vendor", "x\ny", "tree=/opt/ab"],
            &["--vendor", "control character"],
        ),
        (
            "deb",
            &["--license", "MIT\u{1b}[31m", "tree=/opt/ab"],
            &["--license", "control character"],
        ),
        (
            "rpm",
            &["--url", "http://x\ny", "tree=/opt/ab"],
            &["URL", "control character"],
        ),
        (
            "deb",
            &["--category", "x\ny", "tree=/opt/ab"],
            &["Section", "control character"],
        ),
        (
            "deb",
            &["-a", "sparc99", "tree=/opt/ab"],
            &["Architecture", "'sparc99'"],
        ),
        (
            "rpm",
            &["-a", "sparc99", "tree=/opt/ab"],
            &["Arch", "'sparc99'"],
        ),
    ];
    for (targets, args, needles) in cases {
        let out = s.run(targets, args);
        refused(&out, 2, needles);
        assert!(
            s.out_files().is_empty(),
            "{args:?} wrote {:?}",
            s.out_files()
        );
    }
    // Unknown source or target: clap's own usage error, status 2.
    let out = pkgr()
        .args(["-s", "gem", "-t", "deb", "x"])
        .output()
        .unwrap();
    refused(&out, 2, &["invalid value 'gem'"]);
    let out = pkgr()
        .args(["-s", "dir", "-t", "msi", "x"])
        .output()
        .unwrap();
    refused(&out, 2, &["invalid value 'msi'", "deb, rpm, tar"]);
}

#[test]
fn paths_that_cannot_be_packaged() {
    let s = Scratch::new();
    refused(&s.run("deb", &[]), 2, &["missing PATH"]);
    refused(
        &s.run("deb", &["nothere=/opt/x"]),
        2,
        &["nothere' does not exist"],
    );
    refused(
        &s.run("deb", &["--after-install", "/", "tree=/opt/ab"]),
        2,
        &["--after-install '/'", "cannot read the script"],
    );
    std::fs::create_dir_all(s.p("empty")).unwrap();
    refused(&s.run("deb", &["empty=/opt/e"]), 2, &["holds no files"]);
    let out = pkgr()
        .args(["-s", "virtualenv", "-t", "deb"])
        .arg(s.p("tree/app.txt"))
        .output()
        .unwrap();
    refused(&out, 2, &["is not a directory"]);
    // FIFO, socket, device.
    let special = s.p("special");
    std::fs::create_dir_all(&special).unwrap();
    run_ok(Command::new("mkfifo").arg(special.join("fifo")));
    refused(
        &s.run("deb", &["special=/opt/s"]),
        2,
        &["special/fifo' is a FIFO"],
    );
    std::fs::remove_file(special.join("fifo")).unwrap();
    let sock = special.join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    refused(
        &s.run("deb", &["special=/opt/s"]),
        2,
        &["special/sock' is a socket"],
    );
    std::fs::remove_file(&sock).unwrap();
    assert!(s.out_files().is_empty());
}

/// A device node is refused like a FIFO or a socket (making one needs root).
#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn device_nodes_cannot_be_packaged() {
    require_root();
    let s = Scratch::new();
    let special = s.p("special");
    std::fs::create_dir_all(&special).unwrap();
    run_ok(
        Command::new("mknod")
            .arg(special.join("null"))
            .args(["c", "1", "3"]),
    );
    refused(
        &s.run("deb", &["special=/opt/s"]),
        2,
        &["special/null' is a character device"],
    );
}

#[test]
fn symlinks_are_never_followed_and_strict_refuses_escapes() {
    require(&["dpkg-deb"]);
    let s = Scratch::new();
    symlink("/etc/shadow", s.p("tree/shadow")).unwrap();
    symlink("../../outside", s.p("tree/up")).unwrap();
    std::fs::hard_link(s.p("tree/app.txt"), s.p("tree/hard.txt")).unwrap();
    let out = s.run("deb,tar", &["tree=/opt/ab"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("symlink") && err.contains("/etc/shadow") && err.contains("not followed"),
        "{err}"
    );
    let listing = sh(&format!(
        "dpkg-deb -c {}/out/ab_1.0_*.deb",
        s.dir.path().display()
    ));
    assert!(
        listing.contains("./opt/ab/shadow -> /etc/shadow"),
        "{listing}"
    );
    assert!(
        listing.contains("./opt/ab/up -> ../../outside"),
        "{listing}"
    );
    assert!(
        listing.contains("link to ./opt/ab/app.txt"),
        "hard link stored once: {listing}"
    );
    let s2 = Scratch::new();
    symlink("/etc/shadow", s2.p("tree/shadow")).unwrap();
    refused(
        &s2.run("deb", &["--strict", "tree=/opt/ab"]),
        2,
        &["--strict", "/etc/shadow"],
    );
    assert!(s2.out_files().is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn unreadable_files_are_reported_before_writing() {
    require(&["setpriv"]);
    require_root();
    let s = Scratch::new();
    std::fs::write(s.p("tree/secret"), "x").unwrap();
    std::fs::set_permissions(s.p("tree/secret"), std::fs::Permissions::from_mode(0o000)).unwrap();
    for d in [s.dir.path(), &s.p("tree"), &s.p("out")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_pkgr"))
        .args([
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "ab",
            "-m",
            "A B <a@example.org>",
            "-p",
        ])
        .arg(s.p("out/x.deb"))
        .arg(format!("{}=/opt/ab", s.p("tree").display()))
        .output()
        .unwrap();
    refused(
        &out,
        1,
        &["cannot read", "tree/secret", "Permission denied"],
    );
    assert!(s.out_files().is_empty());
}

#[test]
fn odd_file_names_and_long_paths() {
    require(&["dpkg-deb", "rpm", "zstd"]);
    let s = Scratch::new();
    let t = s.p("tree");
    std::fs::write(
        t.join(std::ffi::OsStr::from_bytes_compat(b"caf\xe9")),
        "latin1",
    )
    .unwrap();
    let long_dir = t.join("d".repeat(120)).join("e".repeat(150));
    std::fs::create_dir_all(&long_dir).unwrap();
    std::fs::write(long_dir.join("f"), "deep").unwrap();
    // deb and tar keep non-UTF-8 names byte-exact; rpm cannot hold them: a clear error first.
    refused(
        &s.run("deb,rpm", &["tree=/opt/ab"]),
        2,
        &["not UTF-8", "RPM"],
    );
    assert!(
        s.out_files().is_empty(),
        "no format written when one refuses"
    );
    let out = s.run("deb,tar", &["--deb-compression", "zst", "tree=/opt/ab"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deb = s.p("out/ab_1.0_amd64.deb");
    let raw = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(&deb)
        .output()
        .unwrap()
        .stdout;
    let names = Command::new("tar")
        .args(["--quoting-style=literal", "-tf", "-"])
        .stdin_bytes(&raw);
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(has(&names, b"./opt/ab/caf\xe9\n"), "byte-exact name");
    let long = format!("./opt/ab/{}/{}/f", "d".repeat(120), "e".repeat(150));
    assert!(
        String::from_utf8_lossy(&names).lines().any(|l| l == long),
        "a {}-byte path survives",
        long.len()
    );
    let tarball = s.p("out/ab-1.0.x86_64.tar.zst");
    let listing = Command::new("tar")
        .args(["--quoting-style=literal", "--zstd", "-tf"])
        .arg(&tarball)
        .output()
        .unwrap()
        .stdout;
    assert!(has(&listing, b"./opt/ab/caf\xe9\n"));
}

/// A sparse file over 8 GiB (past the 11-digit octal size field of plain tar) in a deb and an rpm.
#[test]
#[cfg_attr(not(feature = "test-slow"), ignore = "test-slow: writes gigabytes")]
fn a_file_over_8_gib() {
    require(&["dpkg-deb", "rpm"]);
    let big = Scratch::new();
    let f = std::fs::File::create(big.p("tree/big.img")).unwrap();
    f.set_len(8 * 1024 * 1024 * 1024 + 1).unwrap();
    let out = big.run(
        "deb,rpm",
        &[
            "--deb-compression",
            "zst",
            "--rpm-compression",
            "zstd",
            "tree=/opt/ab",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = sh(&format!(
        "dpkg-deb -c {}",
        big.p("out/ab_1.0_amd64.deb").display()
    ));
    assert!(
        listing.contains(" 8589934593 ") && listing.contains("./opt/ab/big.img"),
        "{listing}"
    );
    let dump = sh(&format!(
        "rpm -qp --dump {} | grep big.img",
        big.p("out/ab-1.0-1.x86_64.rpm").display()
    ));
    assert!(dump.contains(" 8589934593 "), "{dump}");
}

/// Helpers for byte-exact names and piping bytes into a command.
trait BytesCompat {
    fn from_bytes_compat(b: &[u8]) -> &std::ffi::OsStr;
}
impl BytesCompat for std::ffi::OsStr {
    fn from_bytes_compat(b: &[u8]) -> &std::ffi::OsStr {
        std::os::unix::ffi::OsStrExt::from_bytes(b)
    }
}
trait StdinBytes {
    fn stdin_bytes(&mut self, input: &[u8]) -> Vec<u8>;
}
impl StdinBytes for Command {
    fn stdin_bytes(&mut self, input: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let data = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&data));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        out.stdout
    }
}

#[test]
fn a_venv_from_another_python_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let venv = d.path().join("v");
    bare_venv(&venv);
    let cfg = std::fs::read_to_string(venv.join("pyvenv.cfg")).unwrap();
    let edited: String = cfg
        .lines()
        .map(|l| {
            if l.starts_with("version") {
                "version = 3.9.1".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(venv.join("pyvenv.cfg"), edited).unwrap();
    let out = pkgr()
        .current_dir(d.path())
        .args(["-s", "virtualenv", "-t", "deb", "-n", "ab", "-v", "1"])
        .arg(&venv)
        .output()
        .unwrap();
    refused(&out, 2, &["made by Python 3.9.1", "--python"]);
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
}

#[test]
fn a_failing_pip_shows_its_output() {
    let d = tempfile::tempdir().unwrap();
    let app = d.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("requirements.txt"),
        "pkgr-no-such-package-anywhere==9.9.9\n",
    )
    .unwrap();
    let out = pkgr()
        .current_dir(d.path())
        .args(["-s", "virtualenv", "-t", "deb", "-n", "ab", "-v", "1"])
        // Offline: pip looks in no index and fails as it would on PyPI.
        .arg("--pip-arg=--no-index")
        .arg(&app)
        .output()
        .unwrap();
    refused(
        &out,
        1,
        &[
            "installing the requirements failed",
            "pkgr-no-such-package-anywhere",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("No matching distribution") || err.contains("ERROR:"),
        "pip's own output is shown: {err}"
    );
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        1,
        "only the app dir"
    );
}

#[test]
#[cfg_attr(
    not(feature = "test-root"),
    ignore = "test-root: installs packages, uses a chroot or mounts file systems, as root"
)]
fn read_only_and_full_output_directories() {
    require_root();
    let s = Scratch::new();
    let data: Vec<u8> = (0..400_000u32)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    std::fs::write(s.p("tree/random.bin"), data).unwrap();
    let _ro = Mount::new(&s.p("ro"), "ro,size=1m");
    let out = pkgr()
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
            "-p",
            "ro/x.deb",
            "tree=/opt/ab",
        ])
        .output()
        .unwrap();
    refused(
        &out,
        1,
        &["cannot write", "ro/x.deb", "Read-only file system"],
    );
    let _full = Mount::new(&s.p("full"), "size=256k");
    let out = pkgr()
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
            "--deb-compression",
            "none",
            "-p",
            "full/x.deb",
            "tree=/opt/ab",
        ])
        .output()
        .unwrap();
    refused(
        &out,
        1,
        &["cannot write", "full/x.deb", "No space left on device"],
    );
    let left: Vec<_> = std::fs::read_dir(s.p("full")).unwrap().collect();
    assert!(
        left.is_empty(),
        "a full disk leaves no partial or temp file: {left:?}"
    );
}

/// SIGKILL at random moments while a large package is written: the output path holds either
/// nothing or the complete package, and the next run removes the dead run's temp file.
#[test]
fn sigkill_never_leaves_a_partial_package() {
    let s = Scratch::new();
    let data: Vec<u8> = (0..6_000_000u32)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    std::fs::write(s.p("tree/big.bin"), data).unwrap();
    let args = |dest: &str| -> Vec<String> {
        [
            "-s",
            "dir",
            "-t",
            "deb",
            "-n",
            "ab",
            "-m",
            "A B <a@example.org>",
            "--deb-compression",
            "gz",
            "--deb-compression-level",
            "1",
            "-f",
            "-p",
            dest,
            "tree=/opt/ab",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    // The fastest of three full runs: on a busy machine one run can take several times as
    // long as the next, and delays drawn from a slow one mostly land after the end.
    let mut full_time = u64::MAX;
    for _ in 0..3 {
        let t0 = std::time::Instant::now();
        run_ok(pkgr().current_dir(s.dir.path()).args(args("ref.deb")));
        full_time = full_time.min(t0.elapsed().as_millis() as u64);
    }
    let reference = std::fs::read(s.p("ref.deb")).unwrap();
    let mut seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("sigkill seed {seed}, a full write takes {full_time} ms");
    let mut killed_midway = 0;
    for _ in 0..20 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // Within 90 % of the fastest run, so that most kills land while the package is being
        // written; a run that still finishes first must have written the whole package.
        let delay = (seed >> 33) % (full_time * 9 / 10 + 1);
        let _ = std::fs::remove_file(s.p("out/k.deb"));
        let mut child = pkgr()
            .current_dir(s.dir.path())
            .args(args("out/k.deb"))
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        match std::fs::read(s.p("out/k.deb")) {
            Ok(bytes) => assert_eq!(
                bytes, reference,
                "a partial package at the output path (killed after {delay} ms)"
            ),
            Err(_) => assert!(!status.success()),
        }
        if !status.success() {
            killed_midway += 1;
        }
    }
    assert!(
        killed_midway >= 10,
        "too few runs were killed while writing ({killed_midway})"
    );
    // The next run cleans up what the killed runs left behind: their temp files' locks are
    // free (no live pkgr holds them) once they are a few seconds old.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    run_ok(pkgr().current_dir(s.dir.path()).args(args("out/k.deb")));
    assert_eq!(s.out_files(), ["k.deb"], "stale temp files were removed");
}
