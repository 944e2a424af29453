//! `-t rpm` and `-t tar` (with deb, from one source pass): judged by rpm, rpm2cpio | cpio,
//! rpmlint, tar, and installed for real (rpm with a private database, the tarball at /).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn rpm_q(rpm: &Path, args: &[&str]) -> String {
    stdout(&run_ok(Command::new("rpm").arg("-qp").args(args).arg(rpm)))
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn one_venv_build_feeds_every_target() {
    let b = ext();
    assert_eq!(
        b.stderr.matches("creating a virtualenv").count(),
        1,
        "{}",
        b.stderr
    );
    let names: Vec<String> = [&b.deb, b.rpm.as_ref().unwrap(), b.tar.as_ref().unwrap()]
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "ext-hello_1.2.0_amd64.deb",
            "ext-hello-1.2.0-1.x86_64.rpm",
            "ext-hello-1.2.0.x86_64.tar.zst"
        ]
    );
    // One sha256sum line per artifact.
    assert_eq!(b.stdout.lines().count(), 3, "{}", b.stdout);
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn rpm_metadata_relations_and_scripts_are_what_rpm_reports() {
    require(&["rpm"]);
    let rpm = ext().rpm.clone().unwrap();
    let (minor, _) = system_python();
    let info = rpm_q(&rpm, &["-i"]);
    for want in [
        "Name        : ext-hello",
        "Version     : 1.2.0",
        "Release     : 1",
        "Architecture: x86_64",
        "License     : BSD-3-Clause",
        "Build Host  : pkgr",
        "Packager    : pkgr developers <pkgr@example.org>",
        "URL         : https://example.org/ext-hello",
        "Summary     : Escapes HTML with a compiled extension",
        "Build Date  : Mon Jan  1 00:00:00 2024",
    ] {
        assert!(info.contains(want), "{want} not in\n{info}");
    }
    let requires = rpm_q(&rpm, &["--requires"]);
    for want in [
        format!("/usr/bin/python{minor}"),
        "libc.so.6()(64bit)".into(),
        "libc.so.6(GLIBC_2.14)(64bit)".into(),
    ] {
        assert!(
            requires.lines().any(|l| l == want),
            "{want} not in\n{requires}"
        );
    }
    let provides = rpm_q(&rpm, &["--provides"]);
    assert!(
        provides.lines().any(|l| l == "ext-hello = 1.2.0-1"),
        "{provides}"
    );
    let list = rpm_q(&rpm, &["-l"]);
    assert!(list
        .lines()
        .any(|l| l == "/opt/venvs/ext-hello/bin/ext-hello"));
    assert!(
        !list.lines().any(|l| l == "/opt" || l == "/usr"),
        "system directories are not owned"
    );
    assert!(!list.contains("__pycache__"));
    let scripts = rpm_q(&rpm, &["--scripts"]);
    assert!(
        scripts.contains("postinstall scriptlet (using /bin/sh)"),
        "{scripts}"
    );
    assert!(scripts.contains("compileall -q -f --invalidation-mode checked-hash"));
    assert!(
        scripts.contains("if [ \"$1\" -eq 0 ]; then"),
        "pycs are removed only on erase: {scripts}"
    );
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn rpm_digests_verify() {
    require(&["rpm"]);
    let out = stdout(&run_ok(
        Command::new("rpm")
            .arg("-Kv")
            .arg(ext().rpm.as_ref().unwrap()),
    ));
    assert!(out.contains("Header SHA256 digest: OK"), "{out}");
    assert!(out.contains("Payload SHA256 digest: OK"), "{out}");
    assert!(!out.contains("BAD"), "{out}");
}

fn assert_rpmlint_clean(rpm: &Path) {
    let text = std::fs::read_to_string(repo().join("tests/rpmlint-accepted.txt")).unwrap();
    let d = tempfile::tempdir().unwrap();
    let rc = d.path().join("rpmlintrc");
    let mut filters = String::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (re, reason) = line.split_once("  ").expect("regex, two spaces, reason");
        assert!(reason.trim().len() > 10, "{re} needs a reason");
        filters.push_str(&format!("addFilter(r\"{}\")\n", re.trim()));
    }
    std::fs::write(&rc, filters).unwrap();
    let out = Command::new("rpmlint")
        .arg("-r")
        .arg(&rc)
        .arg(rpm)
        .output()
        .unwrap();
    let text = stdout(&out);
    // One accepted list serves every package, so a filter unused on this one is no finding.
    let left: Vec<&str> = text
        .lines()
        .filter(|l| {
            (l.contains(": E: ") || l.contains(": W: ")) && !l.contains("unused-rpmlintrc-filter")
        })
        .collect();
    assert!(
        left.is_empty(),
        "rpmlint findings not in tests/rpmlint-accepted.txt:\n{}",
        left.join("\n")
    );
    assert!(
        text.contains("packages and 0 specfiles checked"),
        "rpmlint did not run: {text}"
    );
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn rpmlint_reports_nothing_beyond_the_accepted_list() {
    require(&["rpmlint"]);
    assert_rpmlint_clean(ext().rpm.as_ref().unwrap());
    let d = tempfile::tempdir().unwrap();
    let rpm = d.path().join("hello-dir-1.0-1.noarch.rpm");
    let mut args = dir_args();
    let t = args.iter().position(|a| a == "-t").unwrap();
    args[t + 1] = "rpm".into();
    let mut cmd = pkgr();
    cmd.args(args)
        .arg("-p")
        .arg(format!("{}/", d.path().display()));
    run_ok(&mut cmd);
    assert_rpmlint_clean(&rpm);
}

/// Every file, symlink and directory below `root/prefix`: kind, permission bits, link target or
/// content digest.
fn tree(root: &Path, prefix: &str) -> BTreeMap<String, String> {
    let listing = sh(&format!(
        "cd {}{prefix} && find . -printf '%p\\t%y\\t%m\\t%l\\n' | sort",
        root.display()
    ));
    let mut out = BTreeMap::new();
    for line in listing.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let mut v = format!("{} {} {}", cols[1], cols[2], cols[3]);
        if cols[1] == "f" {
            let sum = sh(&format!(
                "sha256sum '{}{prefix}/{}'",
                root.display(),
                cols[0]
            ));
            v.push_str(sum.split_whitespace().next().unwrap());
        }
        out.insert(cols[0].to_string(), v);
    }
    out
}

#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn deb_rpm_and_tarball_hold_the_same_tree() {
    require(&["rpm2cpio", "cpio", "dpkg-deb", "zstd"]);
    let b = ext();
    let d = tempfile::tempdir().unwrap();
    let from_deb = extract(&b.deb, &d.path().join("deb"));
    let from_rpm: PathBuf = d.path().join("rpm");
    std::fs::create_dir_all(&from_rpm).unwrap();
    sh(&format!(
        "cd {} && rpm2cpio {} | cpio -idm --quiet",
        from_rpm.display(),
        b.rpm.as_ref().unwrap().display()
    ));
    let from_tar = d.path().join("tar");
    std::fs::create_dir_all(&from_tar).unwrap();
    run_ok(
        Command::new("tar")
            .arg("--zstd")
            .arg("-xf")
            .arg(b.tar.as_ref().unwrap())
            .arg("-C")
            .arg(&from_tar),
    );
    let prefix = "/opt/venvs/ext-hello";
    let t_deb = tree(&from_deb, prefix);
    assert!(t_deb.len() > 100, "{}", t_deb.len());
    assert_eq!(
        t_deb,
        tree(&from_rpm, prefix),
        "rpm payload differs from the deb's"
    );
    assert_eq!(
        t_deb,
        tree(&from_tar, prefix),
        "tarball differs from the deb's"
    );
    let listing = sh(&format!(
        "tar --zstd -tf {}",
        b.tar.as_ref().unwrap().display()
    ));
    assert!(
        listing.lines().all(|l| l.starts_with("./opt/")),
        "relative entries only"
    );
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn rpm_installs_runs_and_erases_cleanly() {
    require(&["rpm"]);
    require_root();
    let b = ext();
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("rpmdb");
    let prefix = "/opt/venvs/ext-hello";
    let _g = dpkg_lock();
    let rpm = |args: &[&str]| {
        let mut c = Command::new("rpm");
        c.args(args).arg("--dbpath").arg(&db);
        c
    };
    run_ok(rpm(&["-i", "--nodeps"]).arg(b.rpm.as_ref().unwrap()));
    let out = run_ok(&mut Command::new(format!("{prefix}/bin/ext-hello")));
    assert!(
        stdout(&out).contains("ext-hello &lt;b&gt;"),
        "{}",
        stdout(&out)
    );
    assert!(
        !sh(&format!("find {prefix} -name '*.pyc' | head -1")).is_empty(),
        "%post compiled"
    );
    run_ok(&mut Command::new(format!("{prefix}/bin/ext-hello")));
    let verify = rpm(&["-V", "--nodeps", "ext-hello"]).output().unwrap();
    assert!(verify.status.success(), "rpm -V: {}", stdout(&verify));
    for p in &b.build_paths {
        assert!(
            grep_files(Path::new(prefix), p).is_empty(),
            "installed files mention {p}"
        );
    }
    run_ok(&mut rpm(&["-e", "ext-hello"]));
    assert!(!Path::new(prefix).exists(), "rpm -e left {prefix}");
}

#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: installs a virtualenv built from PyPI, as root"
)]
fn tarball_extracts_at_root_and_runs() {
    require(&["zstd"]);
    require_root();
    let b = ext();
    let prefix = "/opt/venvs/ext-hello";
    let _g = dpkg_lock();
    run_ok(
        Command::new("tar")
            .args(["--zstd", "-xf"])
            .arg(b.tar.as_ref().unwrap())
            .args(["-C", "/"]),
    );
    let out = Command::new(format!("{prefix}/bin/ext-hello"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(prefix).unwrap();
    let _ = std::fs::remove_dir("/opt/venvs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains(&format!("prefix={prefix}")));
}

/// Relations given on the command line, as dpkg-deb and rpm read them back.
#[test]
fn user_relations_render_in_each_format() {
    require(&["rpm", "dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    let mut args = dir_args();
    let t = args.iter().position(|a| a == "-t").unwrap();
    args[t + 1] = "deb,rpm".into();
    let extra = [
        "-d",
        "libpq5 (>= 15) | libpq-ng",
        "-d",
        "curl >> 7",
        "--provides",
        "hello-api (= 2)",
        "--conflicts",
        "hello-old (<< 1)",
        "--replaces",
        "hello-old (<< 1)",
        "--recommends",
        "jq",
        "--deb-suggests",
        "less (>= 500)",
    ];
    run_ok(
        pkgr()
            .args(&args)
            .args(extra)
            .arg("-p")
            .arg(format!("{}/", d.path().display())),
    );
    let deb = d.path().join("hello-dir_1.0-1_all.deb");
    assert_eq!(
        field(&deb, "Depends"),
        "libpq5 (>= 15) | libpq-ng, curl (>> 7)"
    );
    assert_eq!(field(&deb, "Provides"), "hello-api (= 2)");
    assert_eq!(field(&deb, "Conflicts"), "hello-old (<< 1)");
    assert_eq!(field(&deb, "Replaces"), "hello-old (<< 1)");
    assert_eq!(field(&deb, "Recommends"), "jq");
    assert_eq!(field(&deb, "Suggests"), "less (>= 500)");
    let rpm = d.path().join("hello-dir-1.0-1.noarch.rpm");
    let req = rpm_q(&rpm, &["--requires"]);
    assert!(
        req.lines().any(|l| l == "(libpq5 >= 15 or libpq-ng)"),
        "{req}"
    );
    assert!(req.lines().any(|l| l == "curl > 7"), "{req}");
    assert!(rpm_q(&rpm, &["--provides"])
        .lines()
        .any(|l| l == "hello-api = 2"));
    assert_eq!(rpm_q(&rpm, &["--conflicts"]).trim(), "hello-old < 1");
    assert_eq!(rpm_q(&rpm, &["--obsoletes"]).trim(), "hello-old < 1");
    assert_eq!(rpm_q(&rpm, &["--recommends"]).trim(), "jq");
    assert_eq!(rpm_q(&rpm, &["--suggests"]).trim(), "less >= 500");
}

/// The model is neutral: RPM capabilities, file dependencies and fpm's bare `>`/`<` reach the
/// rpm's Requires exactly as given (and nothing else but rpmlib's features: no auto-dependency
/// for a dir package); the deb renders `>`/`<` as dpkg's `>>`/`<<` (as fpm does) and refuses
/// what is no Debian package name, naming the rule and where RPM-only relations go.
#[test]
fn each_format_judges_relations_by_its_own_rules() {
    require(&["rpm", "dpkg-deb"]);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), "x\n").unwrap();
    let common = [
        "-s",
        "dir",
        "-n",
        "rel",
        "-a",
        "all",
        "-m",
        "A B <a@example.org>",
    ];
    run_ok(pkgr().current_dir(d.path()).args(common).args([
        "-t",
        "rpm",
        "-d",
        "perl(Foo::Bar)",
        "-d",
        "/usr/bin/python3",
        "-d",
        "foo > 1",
        "f=/usr/share/rel/f",
    ]));
    let rpm = d.path().join("rel-1.0-1.noarch.rpm");
    let mut req: Vec<String> = rpm_q(&rpm, &["--requires"])
        .lines()
        .filter(|l| !l.starts_with("rpmlib("))
        .map(str::to_string)
        .collect();
    req.sort();
    assert_eq!(req, ["/usr/bin/python3", "foo > 1", "perl(Foo::Bar)"]);
    run_ok(pkgr().current_dir(d.path()).args(common).args([
        "-t",
        "deb",
        "-d",
        "foo > 1",
        "-d",
        "bar < 2",
        "f=/usr/share/rel/f",
    ]));
    assert_eq!(
        field(&d.path().join("rel_1.0_all.deb"), "Depends"),
        "foo (>> 1), bar (<< 2)"
    );
    let out = pkgr()
        .current_dir(d.path())
        .args(common)
        .args([
            "-t",
            "deb",
            "-d",
            "perl(Foo::Bar)",
            "-f",
            "f=/usr/share/rel/f",
        ])
        .output()
        .unwrap();
    refused(
        &out,
        2,
        &["perl(Foo::Bar)", "Debian Policy §5.6.1", "[rpm] depends"],
    );
    // RPM's own naming rule: a capital letter is fine in an rpm, not in a deb.
    run_ok(pkgr().current_dir(d.path()).args(common).args([
        "-t",
        "rpm",
        "-n",
        "MyApp",
        "f=/usr/share/rel/f",
    ]));
    assert!(d.path().join("MyApp-1.0-1.noarch.rpm").is_file());
}

/// `pkgr inspect` reads all three formats back into one layout, matching what dpkg-deb and rpm say.
#[test]
#[cfg_attr(
    not(feature = "test-pypi"),
    ignore = "test-pypi: builds virtualenvs from PyPI"
)]
fn inspect_reads_every_format_back() {
    require(&["dpkg-deb", "rpm"]);
    let b = ext();
    let deb_files: Vec<String> = contents(&b.deb)
        .into_iter()
        .map(|r| {
            r.2.trim_start_matches('.')
                .trim_end_matches('/')
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    for (file, format, version) in [
        (&b.deb, "deb", "1.2.0"),
        (b.rpm.as_ref().unwrap(), "rpm", "1.2.0-1"),
        (b.tar.as_ref().unwrap(), "tar", ""),
    ] {
        let out = run_ok(pkgr().arg("inspect").arg("--json").arg(file));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["format"], format);
        let paths: Vec<String> = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        assert!(
            paths.contains(&"/opt/venvs/ext-hello/bin/ext-hello".to_string()),
            "{format}"
        );
        if format != "tar" {
            assert_eq!(doc["name"], "ext-hello");
            assert_eq!(doc["version"], version);
        }
        if format == "deb" {
            assert_eq!(paths, deb_files, "inspect and dpkg-deb --contents agree");
            assert!(doc["scripts"]["postinst"]
                .as_str()
                .unwrap()
                .contains("compileall"));
        }
        if format == "rpm" {
            let rpm_list = stdout(&run_ok(Command::new("rpm").arg("-qpl").arg(file)));
            for p in rpm_list.lines() {
                assert!(
                    paths.iter().any(|q| q == p),
                    "{p} from rpm -qpl missing in inspect"
                );
            }
        }
        let text = stdout(&run_ok(pkgr().arg("inspect").arg(file)));
        assert!(text.contains("ext-hello"), "{text}");
    }
    let bad = pkgr()
        .arg("inspect")
        .arg(repo().join("README.md"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
