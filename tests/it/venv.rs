//! `-s virtualenv -t deb`: building venvs from the fixtures (needs PyPI and /usr/bin/python3 with
//! venv), relocating them, and installing the result with dpkg (needs root).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn no_build_paths(b: &Built, root: &Path) {
    for p in &b.build_paths {
        let hits = grep_files(root, p);
        assert!(hits.is_empty(), "build path {p} found in {hits:#?}");
    }
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn pyproject_app_deb_fields_and_payload() {
    require(&["dpkg-deb"]);
    let b = hello();
    assert!(
        !b.stderr.contains("warning:"),
        "a clean build warns about nothing: {}",
        b.stderr
    );
    let (minor, full) = system_python();
    assert_eq!(field(&b.deb, "Package"), "pkgr-hello");
    assert_eq!(field(&b.deb, "Version"), "0.1.0");
    assert_eq!(
        field(&b.deb, "Maintainer"),
        "pkgr developers <pkgr@example.org>"
    );
    assert_eq!(field(&b.deb, "Homepage"), "https://example.org/pkgr-hello");
    assert_eq!(
        field(&b.deb, "Depends"),
        format!("python{minor} (>= {full})")
    );
    assert!(field(&b.deb, "Description").starts_with("Greets you from a relocated virtualenv\n"));
    let rows = contents(&b.deb);
    let paths: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert!(paths.contains(&"./opt/venvs/pkgr-hello/bin/pkgr-hello"));
    assert!(paths.contains(&"./opt/venvs/pkgr-hello/pyvenv.cfg"));
    assert!(paths.contains(&"./usr/share/lintian/overrides/pkgr-hello"));
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("__pycache__") || p.ends_with(".pyc")),
        "no byte-code"
    );
    assert!(
        !paths.iter().any(|p| p.ends_with("direct_url.json")),
        "file:// direct_url.json dropped"
    );
    let py = rows
        .iter()
        .find(|r| r.2 == format!("./opt/venvs/pkgr-hello/bin/python{minor}"))
        .unwrap();
    assert!(py.0.starts_with('l'), "interpreter links stay symlinks");
    // The link to the system interpreter names the exact version the Depends line guarantees.
    let py3 = rows
        .iter()
        .find(|r| r.2 == "./opt/venvs/pkgr-hello/bin/python3")
        .unwrap();
    assert_eq!(
        py3.3.as_deref(),
        Some(format!("/usr/bin/python{minor}").as_str())
    );
    // The last stdout line is the sha256 and the path, in sha256sum(1) format.
    let last = b.stdout.lines().last().unwrap();
    let (sum, path) = last.split_once("  ").unwrap();
    assert_eq!(path, b.deb.display().to_string());
    assert_eq!(
        sh(&format!("sha256sum {}", b.deb.display()))
            .split_whitespace()
            .next()
            .unwrap(),
        sum
    );
    let d = tempfile::tempdir().unwrap();
    let root = extract(&b.deb, d.path());
    no_build_paths(b, &root);
    let venv = root.join("opt/venvs/pkgr-hello");
    // The staging path was over 127 bytes, so pip wrote '''exec' trampolines; the prefix is short,
    // so every script gets a plain shebang again.
    for s in ["pkgr-hello", "pip", "pip3"] {
        let head = std::fs::read_to_string(venv.join("bin").join(s)).unwrap();
        assert!(
            head.starts_with("#!/opt/venvs/pkgr-hello/bin/python\n"),
            "{s}: {head}"
        );
    }
    let activate = std::fs::read_to_string(venv.join("bin/activate")).unwrap();
    assert!(
        activate.contains("VIRTUAL_ENV=\"/opt/venvs/pkgr-hello\"")
            || activate.contains("VIRTUAL_ENV=/opt/venvs/pkgr-hello"),
        "{activate}"
    );
    let cfg = std::fs::read_to_string(venv.join("pyvenv.cfg")).unwrap();
    assert!(cfg.contains("/opt/venvs/pkgr-hello"), "{cfg}");
    // RECORD hashes of rewritten scripts match the shipped bytes.
    let record = sh(&format!(
        "cat {}/lib/python*/site-packages/pkgr_hello-0.1.0.dist-info/RECORD",
        venv.display()
    ));
    let line = record
        .lines()
        .find(|l| l.contains("bin/pkgr-hello,"))
        .unwrap();
    let script = std::fs::read(venv.join("bin/pkgr-hello")).unwrap();
    assert!(line.ends_with(&format!(",{}", script.len())), "{line}");
    let want = sh(&format!(
        "/usr/bin/python3 -c 'import base64,hashlib,sys; print(base64.urlsafe_b64encode(hashlib.sha256(open(sys.argv[1],\"rb\").read()).digest()).rstrip(b\"=\").decode())' {}",
        venv.join("bin/pkgr-hello").display()
    ));
    assert!(line.contains(want.trim()), "{line} vs {want}");
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn pyproject_app_passes_lintian() {
    require(&["lintian"]);
    assert_lintian_clean(&hello().deb);
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn compiled_extension_app_depends_on_libc_and_passes_lintian() {
    require(&["dpkg-deb", "lintian"]);
    let b = ext();
    let (minor, full) = system_python();
    assert_eq!(field(&b.deb, "Package"), "ext-hello");
    assert_eq!(field(&b.deb, "Version"), "1.2.0");
    assert_eq!(
        field(&b.deb, "Depends"),
        format!("python{minor} (>= {full}), libc6 (>= 2.14)")
    );
    let d = tempfile::tempdir().unwrap();
    let root = extract(&b.deb, d.path());
    no_build_paths(b, &root);
    let so = sh(&format!("find {} -name '_speedups*.so'", root.display()));
    assert_eq!(
        so.lines().count(),
        1,
        "the compiled extension is shipped: {so}"
    );
    // dpkg-shlibdeps, on the same file, agrees on the libc floor.
    require(&["dpkg-shlibdeps"]);
    let theirs = dpkg_shlibdeps(&root, &[PathBuf::from(so.trim())], &[]);
    assert_eq!(theirs, "libc6 (>= 2.14)");
    assert_lintian_clean(&b.deb);
}

#[test]
fn existing_venv_is_ingested_and_relocated() {
    require(&["dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let venv = d.path().join("myvenv");
    bare_venv(&venv);
    let out = d.path().join("out.deb");
    run_ok(
        pkgr()
            .args([
                "-s",
                "virtualenv",
                "-t",
                "deb",
                "-n",
                "tool-env",
                "-v",
                "2.0",
                "-m",
                "A B <a@example.org>",
                "-p",
            ])
            .arg(&out)
            .arg(&venv),
    );
    assert_eq!(field(&out, "Package"), "tool-env");
    let root = extract(&out, d.path());
    let hits = grep_files(&root, &venv.display().to_string());
    assert!(hits.is_empty(), "{hits:?}");
    let activate = std::fs::read_to_string(root.join("opt/venvs/tool-env/bin/activate")).unwrap();
    assert!(activate.contains("/opt/venvs/tool-env"));
    // The input venv itself is never modified.
    let orig = std::fs::read_to_string(venv.join("bin/activate")).unwrap();
    assert!(orig.contains(&venv.display().to_string()));
}

#[test]
fn existing_venv_without_a_name_asks_for_one() {
    let d = tempfile::tempdir().unwrap();
    let venv = d.path().join("v");
    bare_venv(&venv);
    let out = pkgr()
        .args(["-s", "virtualenv", "-t", "deb"])
        .arg(&venv)
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-n/--name"));
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        1,
        "nothing written"
    );
}

/// Installs a package with dpkg, runs `check`, verifies the installed venv, purges.
fn install_run_purge(b: &Built, name: &str, script: &str, expect: &str) {
    let _g = dpkg_lock();
    let prefix = format!("/opt/venvs/{name}");
    run_ok(Command::new("dpkg").arg("-i").arg(&b.deb));
    let out = run_ok(&mut Command::new(format!("{prefix}/bin/{script}")));
    assert!(stdout(&out).contains(expect), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("prefix={prefix}")),
        "{}",
        stdout(&out)
    );
    // Byte-code was compiled at install time, hash-based; running as root writes nothing.
    let stamp = tempfile::NamedTempFile::new().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_ok(&mut Command::new(format!("{prefix}/bin/{script}")));
    run_ok(Command::new(format!("{prefix}/bin/python")).args(["-c", "import pip"]));
    let newer = sh(&format!("find {prefix} -newer {}", stamp.path().display()));
    assert_eq!(newer, "", "running the app modified the prefix");
    let pycs = sh(&format!("find {prefix} -name '*.pyc' | head -1"));
    let pyc = pycs.trim();
    assert!(!pyc.is_empty(), "postinst compiled byte-code");
    let flags = std::fs::read(pyc).unwrap()[4];
    assert_eq!(flags, 3, "checked-hash pyc (PEP 552)");
    for p in &b.build_paths {
        assert!(
            grep_files(Path::new(&prefix), p).is_empty(),
            "installed files mention {p}"
        );
    }
    run_ok(Command::new(format!("{prefix}/bin/python")).args(["-m", "pip", "check"]));
    assert_eq!(sh(&format!("dpkg -V {name}")), "", "dpkg -V is clean");
    run_ok(Command::new("dpkg").args(["--purge", name]));
    assert!(!Path::new(&prefix).exists(), "purge left {prefix}");
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn pyproject_app_installs_runs_from_the_prefix_and_purges() {
    require(&["dpkg"]);
    require_root();
    install_run_purge(
        hello(),
        "pkgr-hello",
        "pkgr-hello",
        "hello world from pkgr-hello",
    );
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn compiled_extension_app_installs_and_loads_its_extension() {
    require(&["dpkg"]);
    require_root();
    install_run_purge(
        ext(),
        "ext-hello",
        "ext-hello",
        "ext-hello &lt;b&gt; speedups=/opt/venvs/ext-hello/",
    );
}

/// A prefix so long that `#!PREFIX/bin/python` exceeds 127 bytes: scripts get pip's `/bin/sh`
/// trampoline, and still run once installed.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn long_prefix_gets_trampolines_that_run() {
    require(&["dpkg"]);
    require_root();
    let prefix = format!("/opt/venvs/{}/hello", "p".repeat(120));
    let b = build_venv(
        "hello-app",
        "work",
        &["-n", "pkgr-hello-long", "--venv-prefix", &prefix],
    );
    let d = tempfile::tempdir().unwrap();
    let root_dir = extract(&b.deb, d.path());
    let script =
        std::fs::read_to_string(root_dir.join(&prefix[1..]).join("bin/pkgr-hello")).unwrap();
    assert!(
        script.starts_with(&format!(
            "#!/bin/sh\n'''exec' {prefix}/bin/python \"$0\" \"$@\"\n' '''\n"
        )),
        "{script}"
    );
    let _g = dpkg_lock();
    run_ok(Command::new("dpkg").arg("-i").arg(&b.deb));
    let out = Command::new(format!("{prefix}/bin/pkgr-hello"))
        .arg("--name")
        .arg("long")
        .output()
        .unwrap();
    run_ok(Command::new("dpkg").args(["--purge", "pkgr-hello-long"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains(&format!("hello long from pkgr-hello prefix={prefix}")));
    assert!(!Path::new(&prefix).exists());
}
