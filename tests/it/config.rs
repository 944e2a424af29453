//! pkgr.toml, `pkgr init`, `--json`, completions and the man page.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A project directory with a pkgr.toml using flat keys, [[files]], and per-format sections.
fn project(d: &Path) {
    write(&d.join("bin/tool"), "#!/bin/sh\necho tool\n");
    write(&d.join("conf/tool.conf"), "x=1\n");
    write(
        &d.join("pkgr.toml"),
        r#"
source = "dir"
targets = ["deb", "rpm", "tar"]
name = "cfg-tool"
version = "1.5"
architecture = "all"
maintainer = "A B <a@example.org>"
description = "A tool packaged from pkgr.toml"
depends = ["coreutils"]
paths = ["bin/tool=/usr/bin/tool"]
package = "out/"

[rpm]
depends = ["coreutils >= 8"]
name = "cfg-tool-rpm"

[tar]
compression = "xz"

[[files]]
src = "conf/tool.conf"
dst = "/etc/cfg-tool/tool.conf"
type = "config"
mode = "0640"

[[files]]
dst = "/var/lib/cfg-tool"
type = "dir"
mode = 0o750

[[files]]
src = "/usr/bin/tool"
dst = "/usr/bin/cfg-tool"
type = "symlink"
"#,
    );
}

#[test]
fn pkgr_toml_drives_the_build_and_flags_override_it() {
    require(&["dpkg-deb", "rpm"]);
    let d = tempfile::tempdir().unwrap();
    project(d.path());
    // No flags at all: `cd project && pkgr`.
    let out = run_ok(pkgr().current_dir(d.path()).arg("--json"));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    let arts = doc["artifacts"].as_array().unwrap();
    assert_eq!(arts.len(), 3);
    for a in arts {
        // The document matches the files on disk.
        let path = Path::new(a["path"].as_str().unwrap());
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            d.path().join(path)
        };
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(a["size"].as_u64().unwrap(), bytes.len() as u64);
        let sum = sh(&format!("sha256sum {}", path.display()));
        assert_eq!(
            a["sha256"].as_str().unwrap(),
            sum.split_whitespace().next().unwrap()
        );
        for key in ["format", "name", "version", "architecture"] {
            assert!(a[key].is_string(), "{key} missing in {a}");
        }
    }
    assert_eq!(arts[0]["format"], "deb");
    assert_eq!(arts[0]["version"], "1.5");
    assert_eq!(arts[1]["name"], "cfg-tool-rpm");
    assert_eq!(arts[1]["architecture"], "noarch");
    assert_eq!(arts[1]["version"], "1.5-1");
    assert!(arts[2]["path"].as_str().unwrap().ends_with(".tar.xz"));
    assert!(doc["warnings"].is_array());
    assert!(out.stderr.len() < 10_000);

    let deb = d.path().join("out/cfg-tool_1.5_all.deb");
    assert_eq!(field(&deb, "Depends"), "coreutils");
    let rows = contents(&deb);
    let find = |p: &str| {
        rows.iter()
            .find(|r| r.2 == p)
            .unwrap_or_else(|| panic!("{p} missing"))
    };
    assert_eq!(find("./etc/cfg-tool/tool.conf").0, "-rw-r-----");
    assert_eq!(find("./var/lib/cfg-tool/").0, "drwxr-x---");
    assert_eq!(
        find("./usr/bin/cfg-tool").3.as_deref(),
        Some("/usr/bin/tool")
    );
    let rpm = d.path().join("out/cfg-tool-rpm-1.5-1.noarch.rpm");
    let req = stdout(&run_ok(
        Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm),
    ));
    assert!(req.lines().any(|l| l == "coreutils >= 8"), "{req}");
    let cfg = stdout(&run_ok(
        Command::new("rpm").args(["-qp", "--configfiles"]).arg(&rpm),
    ));
    assert_eq!(cfg.trim(), "/etc/cfg-tool/tool.conf");

    // A flag overrides the file.
    run_ok(
        pkgr()
            .current_dir(d.path())
            .args(["-v", "2.0", "-t", "deb", "-p", "out2/"]),
    );
    assert_eq!(
        field(&d.path().join("out2/cfg-tool_2.0_all.deb"), "Version"),
        "2.0"
    );
    // --config from elsewhere resolves paths against the file's directory.
    let other = tempfile::tempdir().unwrap();
    run_ok(
        pkgr()
            .current_dir(other.path())
            .arg("--config")
            .arg(d.path().join("pkgr.toml"))
            .args(["-t", "deb", "-p", "x.deb"]),
    );
    assert!(other.path().join("x.deb").is_file());
}

#[test]
fn config_errors_name_the_key_and_line() {
    let d = tempfile::tempdir().unwrap();
    write(
        &d.path().join("pkgr.toml"),
        "source = \"dir\"\nname = \"a\"\nmaintaner = \"x\"\n",
    );
    let out = pkgr().current_dir(d.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pkgr.toml") && err.contains("line 3") && err.contains("maintaner"),
        "{err}"
    );
    write(&d.path().join("pkgr.toml"), "source = \"rpmish\"\n");
    let out = pkgr().current_dir(d.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rpmish"));
}

#[test]
fn init_writes_a_starter_that_pkgr_reads() {
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("hello-app", d.path());
    let out = run_ok(pkgr().args(["init"]).arg(&app));
    assert!(stdout(&out).trim().ends_with("pkgr.toml"));
    let text = std::fs::read_to_string(app.join("pkgr.toml")).unwrap();
    // Nothing is copied from pyproject.toml: pkgr reads the name, version and maintainers
    // from the project at build time, and no placeholder shadows them.
    assert!(text.contains("source = \"virtualenv\""), "{text}");
    for key in ["name", "version", "maintainer"] {
        assert!(
            !text.lines().any(|l| l.starts_with(&format!("{key} ="))),
            "{key} is set: {text}"
        );
    }
    let again = pkgr().args(["init"]).arg(&app).output().unwrap();
    assert_eq!(again.status.code(), Some(2), "no overwrite without -f");
    run_ok(pkgr().args(["init", "-f"]).arg(&app));
    // A plain directory gets a dir recipe, which parses (the build stops at the placeholder).
    let plain = d.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    run_ok(pkgr().args(["init"]).arg(&plain));
    let out = pkgr().current_dir(&plain).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("TOML parse error"), "{err}");
}

#[test]
fn completions_and_man_page() {
    let bash = stdout(&run_ok(pkgr().args(["completions", "bash"])));
    assert!(
        bash.contains("_pkgr()") && bash.contains("--deb-compression"),
        "bash completion"
    );
    let zsh = stdout(&run_ok(pkgr().args(["completions", "zsh"])));
    assert!(zsh.starts_with("#compdef pkgr"));
    let man = stdout(&run_ok(pkgr().arg("man")));
    assert!(
        man.contains(".TH pkgr") && man.contains("\\-\\-after\\-install"),
        "{}",
        &man[..200.min(man.len())]
    );
    require(&["man"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pkgr.1"), &man).unwrap();
    let shown = sh(&format!(
        "MANWIDTH=100 man -l {}/pkgr.1 2>/dev/null | head -20",
        d.path().display()
    ));
    assert!(shown.contains("pkgr"), "{shown}");
}

/// A progress bar on a terminal (run under script(1)'s pseudo-terminal), none in a pipe.
#[test]
fn progress_bar_only_on_a_terminal() {
    require(&["script"]);
    let d = tempfile::tempdir().unwrap();
    let args: Vec<String> = dir_args()
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let bin = env!("CARGO_BIN_EXE_pkgr");
    let line = format!("{bin} {} -p {}/tty.deb", args.join(" "), d.path().display());
    let out = run_ok(Command::new("script").args(["-qec", &line, "/dev/null"]));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("deb ["),
        "no progress bar on a terminal: {shown}"
    );
    let mut piped = pkgr();
    piped
        .args(dir_args())
        .arg("-p")
        .arg(d.path().join("pipe.deb"));
    let out = run_ok(&mut piped);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(" ["), "progress bar drawn into a pipe: {err}");
}
