//! Relocation, judged byte by byte and by running the relocated scripts.

use super::text::parse_header;
use super::*;
use crate::listener::Collect;
use crate::model::VenvInfo;

const OLD: &str = "/tmp/pkgr-abc/venv";
const NEW: &str = "/opt/venvs/app";

fn old() -> Vec<Vec<u8>> {
    vec![OLD.as_bytes().to_vec()]
}

fn p(s: &str) -> PkgPath {
    PkgPath::parse(s).unwrap()
}

fn venv_pkg(files: &[(&str, &str)]) -> Package {
    let mut pkg = Package::default();
    for (path, data) in files {
        pkg.entries
            .push(Entry::bytes(p(path), data.as_bytes().to_vec(), 0o755));
    }
    pkg.venv = Some(VenvInfo {
        prefix: p(NEW),
        build_paths: old(),
        watch_paths: vec![b"/home/me/app".to_vec()],
    });
    pkg
}

fn text(pkg: &Package, path: &str) -> String {
    match &pkg.entry(&p(path)).unwrap().kind {
        EntryKind::File {
            content: Content::Bytes(b),
            ..
        } => String::from_utf8(b.clone()).unwrap(),
        k => panic!("{k:?}"),
    }
}

#[test]
fn whole_paths_only() {
    let r = replace_paths(
        b"a /tmp/v/bin /tmp/v2 x/tmp/v '/tmp/v'",
        &[b"/tmp/v".to_vec()],
        b"/N",
    )
    .unwrap();
    assert_eq!(r, b"a /N/bin /tmp/v2 x/tmp/v '/N'");
    assert_eq!(
        replace_paths(b"nothing", &[b"/tmp/v".to_vec()], b"/N"),
        None
    );
}

#[test]
fn shebangs_short_and_long_both_ways() {
    let script = format!("#!{OLD}/bin/python3\nimport sys\n");
    let out = rewrite_script(script.as_bytes(), &old(), NEW.as_bytes(), false).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("#!{NEW}/bin/python3\nimport sys\n")
    );

    // A staging path over 127 bytes: pip wrote a trampoline; a short prefix gets a shebang.
    let long_old = format!("/tmp/{}/venv", "x".repeat(130));
    let tramp =
        format!("#!/bin/sh\n'''exec' {long_old}/bin/python3 \"$0\" \"$@\"\n' '''\nimport sys\n");
    let out = rewrite_script(
        tramp.as_bytes(),
        &[long_old.clone().into_bytes()],
        NEW.as_bytes(),
        true,
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("#!{NEW}/bin/python\nimport sys\n")
    );

    // A long install prefix gets the trampoline.
    let long_new = format!("/opt/{}/app", "y".repeat(130));
    let out = rewrite_script(script.as_bytes(), &old(), long_new.as_bytes(), false).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert_eq!(
        s,
        format!("#!/bin/sh\n'''exec' {long_new}/bin/python3 \"$0\" \"$@\"\n' '''\nimport sys\n")
    );
    // ... and it is still a header this module understands.
    let h = parse_header(s.as_bytes()).unwrap();
    assert_eq!(h.interp, format!("{long_new}/bin/python3").as_bytes());

    // Scripts for other interpreters are left alone.
    assert_eq!(
        rewrite_script(b"#!/bin/bash\necho hi\n", &old(), NEW.as_bytes(), true),
        None
    );
}

/// uv's trampoline for a long staging path quotes the interpreter; it becomes a plain
/// shebang like pip's.
#[test]
fn uv_trampolines_become_plain_shebangs() {
    let long = format!("/tmp/{}/venv", "w".repeat(130));
    let script =
        format!("#!/bin/sh\n'''exec' '{long}/bin/python' \"$0\" \"$@\"\n' '''\nimport sys\n");
    let out = rewrite_script(
        script.as_bytes(),
        &[long.into_bytes()],
        NEW.as_bytes(),
        true,
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("#!{NEW}/bin/python\nimport sys\n")
    );
}

/// Found by the relocate fuzz target: a build path inside the shebang's arguments made the
/// header shrink after its form (plain or trampoline) was chosen, so a second pass differed.
#[test]
fn fuzz_regression_paths_in_shebang_arguments() {
    let mut data = b"#! /tmp/pkgr-x/venv/bin\" \"-x/v/".to_vec();
    data.extend_from_slice(&[0; 25]);
    data.extend_from_slice(b"/tmp/pkgr-x/venv");
    data.extend_from_slice(&[0; 48]);
    data.extend_from_slice(b"8nbven/p '''\nim\n");
    let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
    let once = rewrite_script(&data, &old, b"/opt/venvs/app", true).unwrap();
    let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
    assert!(twice.is_none() || twice.as_deref() == Some(&once[..]));
}

/// Found by the relocate fuzz target: build paths inside the interpreter path itself (after
/// the prefix) were replaced only after the header's form was chosen.
#[test]
fn fuzz_regression_paths_inside_the_interpreter() {
    let data = b"#!\x0c/tmp/pkgr-x/venv/bi\xc0\xdf\xddt-x/venv/bi\xc0\xdf\xddtmp/\"-\x00/tmp/pkt-x/venv/bi\xc0\xdf\xddtmp/\"-\x00/tmp/pkgr-mp/\"-\x00/tmp/pkgr-x/venv/gr-mp/\"-\x00/tmp/pkgr-x/venv/m\n";
    let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
    let once = rewrite_script(data, &old, b"/opt/venvs/app", true).unwrap();
    let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
    assert!(twice.is_none() || twice.as_deref() == Some(&once[..]));
}

/// Found by the relocate fuzz target: a trampoline whose arguments hold control bytes.
#[test]
fn fuzz_regression_trampoline_with_odd_arguments() {
    let data: &[u8] = &[
        35, 33, 47, 98, 105, 110, 47, 115, 104, 10, 39, 39, 39, 101, 120, 101, 99, 39, 32, 47, 116,
        109, 112, 47, 112, 107, 103, 114, 45, 120, 47, 118, 101, 110, 118, 47, 98, 105, 110, 47,
        112, 121, 116, 104, 111, 110, 0, 0, 0, 0, 51, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        255, 255, 35, 33, 12, 12, 12, 12, 36, 12, 12, 32, 34, 36, 48, 34, 32, 34, 36, 64, 34, 10,
        39, 32, 39, 39, 39, 10, 105, 148, 12, 32, 12, 51, 143, 144, 141, 32, 116, 32, 115, 121,
        115, 10, 10,
    ];
    let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
    let once = rewrite_script(data, &old, b"/opt/venvs/app", true).unwrap();
    let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
    assert!(
        twice.is_none() || twice.as_deref() == Some(&once[..]),
        "once: {:?}\ntwice: {:?}",
        String::from_utf8_lossy(&once[..80.min(once.len())]),
        twice
            .as_ref()
            .map(|t| String::from_utf8_lossy(&t[..80.min(t.len())]).into_owned())
    );
}

/// Found by the relocate fuzz target: carriage returns at the end of a trampoline's
/// interpreter (Linux keeps `\r` as part of the name, so the parser must too).
#[test]
fn fuzz_regression_carriage_returns_in_the_interpreter() {
    let mut data = b"#!/bin/sh\n'''exec' /tmp/pkgr-x/venv/bin/python...\0\0\0\xba......".to_vec();
    data.extend_from_slice(&[b'\r'; 50]);
    data.extend_from_slice(b"   \"$0\" \"$@\"\n' '''\nimport sys\n");
    let old = vec![b"/tmp/pkgr-x/venv".to_vec()];
    let once = rewrite_script(&data, &old, b"/opt/venvs/app", true).unwrap();
    let twice = rewrite_script(&once, &old, b"/opt/venvs/app", true);
    assert!(twice.is_none() || twice.as_deref() == Some(&once[..]));
}

#[test]
fn trampoline_runs_under_sh() {
    let d = tempfile::tempdir().unwrap();
    let long = d.path().join("y".repeat(140));
    std::fs::create_dir_all(long.join("bin")).unwrap();
    std::os::unix::fs::symlink("/usr/bin/python3", long.join("bin/python3")).unwrap();
    let mut s = make_header(format!("{}/bin/python3", long.display()).as_bytes(), b"");
    s.extend_from_slice(b"import sys\nprint('ok', sys.argv[1:])\n");
    let script = long.join("bin/tool");
    std::fs::write(&script, &s).unwrap();
    let out = std::process::Command::new("/bin/sh")
        .arg(&script)
        .arg("a b")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok ['a b']\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn activate_scripts_of_every_shell() {
    let files = [
        (
            "/opt/venvs/app/bin/activate",
            format!(
                "VIRTUAL_ENV={OLD}\nif [ ! -d {OLD} ]; then\n        VIRTUAL_ENV=\"{OLD}\"\nfi\n"
            ),
        ),
        (
            "/opt/venvs/app/bin/activate.csh",
            format!("setenv VIRTUAL_ENV '{OLD}'\nsource '{OLD}'\"/\"'bin'\"/deactivate.csh\"\n"),
        ),
        (
            "/opt/venvs/app/bin/activate.fish",
            format!("set -gx VIRTUAL_ENV '{OLD}'\n"),
        ),
        (
            "/opt/venvs/app/bin/activate.nu",
            format!("let virtual_env = r#'{OLD}'#\n"),
        ),
        (
            "/opt/venvs/app/bin/activate.xsh",
            format!("self.embedded_virtual_env = '{OLD}'\n"),
        ),
        (
            "/opt/venvs/app/bin/Activate.ps1",
            "$VenvDir = $PSScriptRoot\n".to_string(),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let mut pkg = venv_pkg(&refs);
    relocate(&mut pkg, &Collect::default()).unwrap();
    for (path, _) in &files {
        let t = text(&pkg, path);
        assert!(!t.contains(OLD), "{path}: {t}");
    }
    assert!(text(&pkg, "/opt/venvs/app/bin/activate")
        .contains("        VIRTUAL_ENV=\"/opt/venvs/app\""));
}

#[test]
fn record_hashes_follow_rewrites_and_drops() {
    let script = format!("#!{OLD}/bin/python\nprint(1)\n");
    let record = "../../../bin/tool,sha256=old,30\r\napp/__init__.py,sha256=x,1\r\napp/__pycache__/__init__.cpython-311.pyc,sha256=y,2\r\napp-1.0.dist-info/direct_url.json,sha256=z,3\r\napp-1.0.dist-info/RECORD,,\r\n";
    let site = "/opt/venvs/app/lib/python3.11/site-packages";
    let mut pkg = venv_pkg(&[
        ("/opt/venvs/app/bin/tool", &script),
        (&format!("{site}/app/__init__.py"), "x"),
        (
            &format!("{site}/app/__pycache__/__init__.cpython-311.pyc"),
            OLD,
        ),
        (
            &format!("{site}/app-1.0.dist-info/direct_url.json"),
            r#"{"url": "file:///home/me/app", "dir_info": {}}"#,
        ),
        (&format!("{site}/app-1.0.dist-info/RECORD"), record),
    ]);
    relocate(&mut pkg, &Collect::default()).unwrap();
    let new_script = format!("#!{NEW}/bin/python\nprint(1)\n");
    let want = format!(
        "../../../bin/tool,{},{}\r\napp/__init__.py,sha256=x,1\r\napp/__pycache__/__init__.cpython-311.pyc,,\r\napp-1.0.dist-info/RECORD,,\r\n",
        record_hash(new_script.as_bytes()),
        new_script.len()
    );
    assert_eq!(
        text(&pkg, &format!("{site}/app-1.0.dist-info/RECORD")),
        want
    );
    assert!(pkg
        .entry(&p(&format!("{site}/app-1.0.dist-info/direct_url.json")))
        .is_none());
    assert!(pkg
        .entries
        .iter()
        .all(|e| !e.path.display().contains("__pycache__")));
}

#[test]
fn pth_lines_inside_are_rewritten_and_outside_rejected() {
    let site = "/opt/venvs/app/lib/python3.11/site-packages";
    let mut pkg = venv_pkg(&[(
        &format!("{site}/extra.pth"),
        &format!("# c\nimport os\n{OLD}/src\nrel/dir\n"),
    )]);
    relocate(&mut pkg, &Collect::default()).unwrap();
    assert_eq!(
        text(&pkg, &format!("{site}/extra.pth")),
        format!("# c\nimport os\n{NEW}/src\nrel/dir\n")
    );

    let mut pkg = venv_pkg(&[(&format!("{site}/bad.pth"), "/home/me/src\n")]);
    let e = relocate(&mut pkg, &Collect::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/home/me/src") && e.contains("outside the virtualenv"),
        "{e}"
    );
}

#[test]
fn editable_installs_are_rejected_by_name() {
    let site = "/opt/venvs/app/lib/python3.11/site-packages";
    let mut pkg = venv_pkg(&[
        (
            &format!("{site}/__editable__.tinypkg-0.1.pth"),
            "import __editable___tinypkg_0_1_finder\n",
        ),
        (
            &format!("{site}/tinypkg-0.1.dist-info/RECORD"),
            "__editable__.tinypkg-0.1.pth,sha256=a,1\n",
        ),
    ]);
    let e = relocate(&mut pkg, &Collect::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("'tinypkg'") && e.contains("editable"), "{e}");

    let mut pkg = venv_pkg(&[(
        &format!("{site}/tinypkg-0.1.dist-info/direct_url.json"),
        r#"{"url": "file:///src/tinypkg", "dir_info": {"editable": true}}"#,
    )]);
    let e = relocate(&mut pkg, &Collect::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("'tinypkg'"), "{e}");
}

#[test]
fn symlinks_into_the_build_tree_become_relative() {
    let mut pkg = venv_pkg(&[]);
    pkg.entries.push(Entry::symlink(
        p("/opt/venvs/app/bin/python3"),
        b"/usr/bin/python3.11".to_vec(),
    ));
    pkg.entries.push(Entry::symlink(
        p("/opt/venvs/app/lib64"),
        format!("{OLD}/lib").into_bytes(),
    ));
    pkg.entries.push(Entry::symlink(
        p("/opt/venvs/app/bin/py"),
        format!("{OLD}/bin/python3").into_bytes(),
    ));
    relocate(&mut pkg, &Collect::default()).unwrap();
    let target = |s: &str| match &pkg.entry(&p(s)).unwrap().kind {
        EntryKind::Symlink { target } => String::from_utf8(target.clone()).unwrap(),
        _ => panic!(),
    };
    assert_eq!(target("/opt/venvs/app/bin/python3"), "/usr/bin/python3.11");
    assert_eq!(target("/opt/venvs/app/lib64"), "lib");
    assert_eq!(target("/opt/venvs/app/bin/py"), "python3");
}

#[test]
fn the_scan_uses_whole_paths_like_the_rewrite() {
    // Mentions of longer paths that merely contain the build path are not leaks.
    let mut pkg = venv_pkg(&[(
        "/opt/venvs/app/share/urls",
        &format!("https://example.org{OLD}s and {OLD}2/x"),
    )]);
    relocate(&mut pkg, &Collect::default()).unwrap();
    // Across a 1 MiB window boundary, both ways.
    for (tail, leak) in [("\n", true), ("2", false)] {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("big");
        let mut data = vec![b' '; (1 << 20) - OLD.len()];
        data.extend_from_slice(OLD.as_bytes());
        data.extend_from_slice(tail.as_bytes());
        data.extend_from_slice(&[b' '; 100]);
        std::fs::write(&f, &data).unwrap();
        let found = stream_find(std::fs::File::open(&f).unwrap(), &[&[OLD.as_bytes()]]).unwrap();
        assert_eq!(found[0], leak, "tail {tail:?}");
    }
}

#[test]
fn only_site_pth_files_are_path_files() {
    let site = "/opt/venvs/app/lib/python3.11/site-packages";
    // A data file that happens to end in .pth (a PyTorch model) is left alone.
    let mut pkg = venv_pkg(&[(&format!("{site}/models/model.pth"), "/not/a/path\n")]);
    relocate(&mut pkg, &Collect::default()).unwrap();
    // A venv built in place: lines already under the prefix are fine.
    let mut pkg = venv_pkg(&[(&format!("{site}/local.pth"), &format!("{NEW}/src\n"))]);
    relocate(&mut pkg, &Collect::default()).unwrap();
}

#[test]
fn leftover_build_paths_are_an_error_listing_files() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("big.bin");
    // The path straddles the 1 MiB chunk boundary.
    let mut data = vec![b' '; (1 << 20) - 5];
    data.extend_from_slice(OLD.as_bytes());
    std::fs::write(&f, &data).unwrap();
    let mut pkg = venv_pkg(&[]);
    pkg.entries.push(Entry::file(
        p("/opt/venvs/app/share/big.bin"),
        Content::Path(crate::hostfs::SourceFile::stat(&f).unwrap()),
        data.len() as u64,
        0o644,
    ));
    let e = relocate(&mut pkg, &Collect::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("/opt/venvs/app/share/big.bin"), "{e}");

    let l = Collect::default();
    let mut pkg = venv_pkg(&[("/opt/venvs/app/share/note", "built from /home/me/app")]);
    relocate(&mut pkg, &l).unwrap();
    assert_eq!(l.warnings.lock().unwrap().len(), 1);
}
