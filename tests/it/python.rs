//! `-s python`: one Python distribution for the system's Python 3. The fast tier packages the
//! local fixture (`fixtures/pylib-app`, built offline with Debian's setuptools) and judges it with
//! dpkg-deb and rpm; the test-pypi + test-root tier packages real PyPI distributions and installs
//! them with apt (which resolves their Depends from the Debian mirror) and rpm in a debootstrap
//! chroot, runs them, and removes them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::chroot::*;
use crate::common::*;

/// pip flags that build a local project offline, with the interpreter's setuptools and wheel.
const OFFLINE: [&str; 2] = ["--pip-arg=--no-build-isolation", "--pip-arg=--no-index"];

/// Runs `pkgr -s python -t TARGETS --workdir DIR/work -p DIR/out/ ARGS` in `dir`.
fn run_python(dir: &Path, targets: &str, args: &[&str]) -> Output {
    for d in ["work", "out"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    pkgr()
        .current_dir(dir)
        .args(["-s", "python", "-t", targets, "--workdir"])
        .arg(dir.join("work"))
        .arg("-p")
        .arg(format!("{}/", dir.join("out").display()))
        .args(args)
        .output()
        .expect("run pkgr")
}

/// The one artifact with `ext` in `dir/out`.
fn artifact(dir: &Path, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output) {
    assert!(o.status.success(), "pkgr failed: {}", stderr(o));
}

fn out_is_empty(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir.join("out"))
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "written on failure: {left:?}");
}

const LIB: &str = "./usr/lib/python3/dist-packages";

#[test]
fn local_project_as_deb_and_rpm() {
    require(&["dpkg-deb", "rpm", "/usr/bin/python3"]);
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("pylib-app", d.path());
    let app_s = app.display().to_string();
    let mut args = OFFLINE.to_vec();
    args.push(&app_s);
    let o = run_python(d.path(), "deb,rpm", &args);
    assert_ok(&o);
    let err = stderr(&o);
    // The one warning: dpkg and rpm cannot say "any version but 2.0.0".
    assert!(
        err.contains("warning: Requires-Dist 'requests (!=2.0.0,>=2.20)")
            && err.contains("!=2.0.0 left out"),
        "{err}"
    );
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    let deb = artifact(d.path(), "deb");
    assert_eq!(field(&deb, "Package"), "python3-pkgr-demo");
    assert_eq!(field(&deb, "Version"), "1.2.0~rc1");
    assert_eq!(field(&deb, "Architecture"), "all");
    assert_eq!(
        field(&deb, "Maintainer"),
        "pkgr developers <pkgr@example.org>"
    );
    assert_eq!(field(&deb, "Homepage"), "https://example.org/pkgr-demo");
    // The interpreter as dh_python3 names it (with Requires-Python's floor), then each
    // Requires-Dist that holds on Python 3 without extras, on Debian's package names; the
    // extra's (rich) and the old Python's (importlib-metadata) are not there.
    assert_eq!(
        field(&deb, "Depends"),
        "python3:any (>= 3.8~), python3-yaml (>= 5.1), python3-yaml (<< 7~), python3-six (>= 1.5), python3-requests (>= 2.20)"
    );
    let rows = contents(&deb);
    let paths: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    let dist = format!("{LIB}/python_pkgr_demo-1.2.0rc1.dist-info");
    for p in [
        format!("{LIB}/pkgr_demo/__init__.py"),
        format!("{LIB}/pkgr_demo/sub/__init__.py"),
        format!("{dist}/METADATA"),
        format!("{dist}/RECORD"),
        format!("{dist}/entry_points.txt"),
        format!("{dist}/LICENSE"),
        "./usr/share/doc/python3-pkgr-demo/copyright".into(),
    ] {
        assert!(paths.contains(&p.as_str()), "{p} missing: {paths:#?}");
    }
    let script = rows.iter().find(|r| r.2 == "./usr/bin/pkgr-demo").unwrap();
    assert_eq!(script.0, "-rwxr-xr-x");
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("__pycache__") || p.ends_with(".pyc")),
        "no byte-code is shipped"
    );
    assert!(!paths.iter().any(|p| p.ends_with("direct_url.json")));
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("./usr/lib/python3/dist-packages/")
                || [
                    "./",
                    "./usr/",
                    "./usr/lib/",
                    "./usr/lib/python3/",
                    "./usr/bin/",
                    "./usr/bin/pkgr-demo"
                ]
                .contains(p)
                || p.starts_with("./usr/share/doc/")
                || *p == "./usr/share/"),
        "{paths:#?}"
    );
    let x = extract(&deb, &d.path().join("x"));
    let sh_text = std::fs::read_to_string(x.join("usr/bin/pkgr-demo")).unwrap();
    assert!(sh_text.starts_with("#!/usr/bin/python3\n"), "{sh_text}");
    assert!(sh_text.contains("from pkgr_demo import main"), "{sh_text}");
    let record = std::fs::read_to_string(x.join(&dist[2..]).join("RECORD")).unwrap();
    assert!(
        record.contains("../../../bin/pkgr-demo,sha256="),
        "{record}"
    );
    assert!(
        record.contains("pkgr_demo/sub/__init__.py,sha256="),
        "{record}"
    );
    assert_eq!(
        std::fs::read_to_string(x.join(&dist[2..]).join("INSTALLER")).unwrap(),
        "pkgr\n"
    );
    // Nothing names the staging directory or the project directory.
    for p in [d.path().join("work"), app.clone()] {
        let hits = grep_files(&x, &p.display().to_string());
        assert!(hits.is_empty(), "{} found in {hits:#?}", p.display());
    }
    // The script runs with the system's Python from the extracted tree.
    let run = run_ok(
        Command::new("/usr/bin/python3")
            .arg(x.join("usr/bin/pkgr-demo"))
            .env("PYTHONPATH", x.join("usr/lib/python3/dist-packages")),
    );
    assert_eq!(stdout(&run).trim(), "hello from pkgr-demo");
    let scripts = stdout(&run_ok(
        Command::new("dpkg-deb").arg("-I").arg(&deb).arg("postinst"),
    ));
    assert!(
        scripts.contains("py3compile -p 'python3-pkgr-demo'"),
        "{scripts}"
    );
    assert!(scripts.contains("-m compileall"), "{scripts}");
    let prerm = stdout(&run_ok(
        Command::new("dpkg-deb").arg("-I").arg(&deb).arg("prerm"),
    ));
    assert!(prerm.contains("py3clean -p 'python3-pkgr-demo'"), "{prerm}");

    let rpm = artifact(d.path(), "rpm");
    let info = stdout(&run_ok(Command::new("rpm").arg("-qip").arg(&rpm)));
    assert!(info.contains("Name        : python3-pkgr-demo"), "{info}");
    assert!(info.contains("Version     : 1.2.0~rc1"), "{info}");
    assert!(info.contains("Architecture: noarch"), "{info}");
    let requires = stdout(&run_ok(
        Command::new("rpm").args(["-qp", "--requires"]).arg(&rpm),
    ));
    for r in [
        "python(abi) >= 3.8",
        "python3-six >= 1.5",
        "python3-yaml >= 5.1",
        "python3-yaml < 7~",
        "python3-requests >= 2.20",
    ] {
        assert!(requires.lines().any(|l| l == r), "{r} missing: {requires}");
    }
    let files = stdout(&run_ok(Command::new("rpm").arg("-qlp").arg(&rpm)));
    assert!(files
        .lines()
        .any(|l| l == "/usr/lib/python3/dist-packages/pkgr_demo/__init__.py"));
    assert!(files.lines().any(|l| l == "/usr/bin/pkgr-demo"));
    assert!(!files.contains(".pyc"), "{files}");
    let scripts = stdout(&run_ok(
        Command::new("rpm").args(["-qp", "--scripts"]).arg(&rpm),
    ));
    assert!(
        scripts.contains("postinstall scriptlet") && scripts.contains("preuninstall scriptlet"),
        "{scripts}"
    );
    assert!(scripts.contains("-m compileall"), "{scripts}");
    // The staging directory is gone.
    assert_eq!(std::fs::read_dir(d.path().join("work")).unwrap().count(), 0);
}

/// fpm's naming and dependency switches.
#[test]
fn prefix_and_no_python_dependencies() {
    require(&["dpkg-deb", "/usr/bin/python3"]);
    let d = tempfile::tempdir().unwrap();
    let app = fixture_copy("pylib-app", d.path());
    let app_s = app.display().to_string();
    let mut args = OFFLINE.to_vec();
    args.extend([
        "--python-package-name-prefix",
        "py",
        "--no-python-dependencies",
        "--python-install-bin",
        "/usr/local/bin",
        &app_s,
    ]);
    let o = run_python(d.path(), "deb", &args);
    assert_ok(&o);
    let deb = artifact(d.path(), "deb");
    // fpm's rule with another prefix: python- dropped, the prefix added.
    assert_eq!(field(&deb, "Package"), "py-pkgr-demo");
    assert_eq!(field(&deb, "Depends"), "python3:any (>= 3.8~)");
    let paths: Vec<String> = contents(&deb).into_iter().map(|r| r.2).collect();
    assert!(
        paths.contains(&"./usr/local/bin/pkgr-demo".to_string()),
        "{paths:#?}"
    );
}

#[test]
fn bad_input_is_a_usage_error_and_writes_nothing() {
    require(&["/usr/bin/python3"]);
    let d = tempfile::tempdir().unwrap();
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let empty_s = empty.display().to_string();
    let app = fixture_copy("pylib-app", d.path());
    let app_s = app.display().to_string();
    for (args, want) in [
        (
            vec!["PyYAML", "six"],
            "-s python takes exactly one SPEC (a requirement such as PyYAML or 'requests==2.31.0', or a project directory), got 2: PyYAML six".to_string(),
        ),
        (
            vec![empty_s.as_str()],
            format!("'{empty_s}' has neither setup.py nor pyproject.toml"),
        ),
        (vec!["./nothere"], "'./nothere' does not exist".into()),
        (
            vec!["six; python_version < '3'"],
            "SPEC 'six; python_version < '3'': a requirement to package takes no environment marker".into(),
        ),
        (
            vec!["--", "--index-url=http://example.invalid"],
            "SPEC '--index-url=http://example.invalid': it starts with '-'".into(),
        ),
        (
            vec!["--python-install-lib", "lib/python", &app_s],
            "--python-install-lib 'lib/python': must be an absolute path".into(),
        ),
        (
            vec!["--python-install-bin", "/usr/b n", &app_s],
            "--python-install-bin '/usr/b n': contains ' '".into(),
        ),
        (
            vec!["--python-dependencies", "--no-python-dependencies", &app_s],
            "--python-dependencies 'true': --no-python-dependencies says the opposite".into(),
        ),
        (
            vec!["--prefix", "/opt/x", &app_s],
            "--prefix '/opt/x': -s python installs for the system's layout".into(),
        ),
        (
            vec!["--python-bin", "/nonexistent/python3", &app_s],
            "--python-bin '/nonexistent/python3': not found".into(),
        ),
        // Offline, pip finds nothing: the user's input, named (exit 2).
        (
            vec!["--pip-arg=--no-index", "pkgr-no-such-distribution==1.0"],
            "pip found no distribution for SPEC 'pkgr-no-such-distribution==1.0'".into(),
        ),
    ] {
        let o = run_python(d.path(), "deb", &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&want), "{args:?}: want {want}\n got {err}");
        out_is_empty(d.path());
    }
}

/// A pip that fails is a failed build (exit 1) with pip's last lines.
#[test]
fn pip_failure_is_exit_1_with_its_last_lines() {
    require(&["/usr/bin/python3"]);
    let d = tempfile::tempdir().unwrap();
    let proj = d.path().join("broken");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("setup.py"),
        "raise SystemExit('pkgr-test: this setup.py is broken')\n",
    )
    .unwrap();
    let proj_s = proj.display().to_string();
    let mut args = OFFLINE.to_vec();
    args.push(&proj_s);
    let o = run_python(d.path(), "deb", &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("building the wheel failed"), "{err}");
    assert!(err.contains("pkgr-test: this setup.py is broken"), "{err}");
    out_is_empty(d.path());
    assert_eq!(std::fs::read_dir(d.path().join("work")).unwrap().count(), 0);
}

/// A build that bakes the build-time interpreter's path (the scratch venv's) into a module: the
/// leak scan refuses the package, naming the file.
#[test]
fn a_file_naming_the_staging_directory_is_refused() {
    require(&["/usr/bin/python3"]);
    let d = tempfile::tempdir().unwrap();
    let proj = d.path().join("leaky");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("setup.py"),
        "import sys, setuptools\nopen('leaky.py', 'w').write('BUILT_WITH = %r\\n' % sys.executable)\nsetuptools.setup(name='pkgr-leaky', version='1.0', py_modules=['leaky'])\n",
    )
    .unwrap();
    let proj_s = proj.display().to_string();
    let mut args = OFFLINE.to_vec();
    args.push(&proj_s);
    let o = run_python(d.path(), "deb", &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("these files still contain the build path"),
        "{err}"
    );
    assert!(
        err.contains("/usr/lib/python3/dist-packages/leaky.py"),
        "{err}"
    );
    out_is_empty(d.path());
}

/// Real PyPI distributions, installed with apt in a chroot (apt resolves their Depends from the
/// Debian mirror), run, and removed; one also with rpm.
#[test]
#[cfg_attr(
    not(all(feature = "test-pypi", feature = "test-root")),
    ignore = "test-pypi + test-root: packages PyPI distributions and installs them in a chroot, as root"
)]
fn pypi_distributions_install_run_and_remove_in_a_chroot() {
    require_root();
    require(&[
        "debootstrap",
        "chroot",
        "dpkg-deb",
        "rpm",
        "/usr/bin/python3",
    ]);
    assert!(
        Path::new("/usr/share/dh-python/dist/cpython3_fallback").is_file(),
        "dh-python's pydist table is missing (bash .ci/setup-debian.sh installs dh-python)"
    );
    let d = tempfile::tempdir().unwrap();
    // (SPEC, package, names its Depends must have). requests and python-dateutil are pinned to
    // releases whose requirements Debian 12 meets: the newest requests needs certifi >=
    // 2023.5.7 (bookworm has 2022.9.24, so apt rightly refuses it), the newest python-dateutil
    // needs tzdata's Python package instead of six.
    let cases: [(&str, &str, &[&str]); 4] = [
        ("pygments", "python3-pygments", &["python3:any"]),
        (
            "requests==2.31.0",
            "python3-requests",
            &[
                "python3:any",
                "python3-urllib3",
                "python3-idna",
                "python3-certifi",
                "python3-charset-normalizer",
            ],
        ),
        (
            "PyYAML",
            "python3-yaml",
            &["python3 (>= 3.", "python3 (<< 3.", "libc6"],
        ),
        (
            "python-dateutil==2.9.0.post0",
            "python3-dateutil",
            &["python3:any", "python3-six (>= 1.5)"],
        ),
    ];
    let mut debs = Vec::new();
    let mut rpms = Vec::new();
    for (spec, name, needs) in cases {
        let dir = d.path().join(name);
        let o = run_python(&dir, "deb,rpm", &[spec]);
        assert_ok(&o);
        let deb = artifact(&dir, "deb");
        assert_eq!(field(&deb, "Package"), name);
        let depends = field(&deb, "Depends");
        println!("{name}: Depends: {depends}");
        for n in needs {
            assert!(depends.contains(n), "{name}: {n} missing from {depends}");
        }
        let arch = field(&deb, "Architecture");
        assert_eq!(arch == "all", name != "python3-yaml", "{name}: {arch}");
        debs.push(deb);
        rpms.push(artifact(&dir, "rpm"));
    }
    let requires = stdout(&run_ok(
        Command::new("rpm")
            .args(["-qp", "--requires"])
            .arg(&rpms[1]),
    ));
    for n in [
        "python3-urllib3",
        "python3-idna",
        "python3-certifi",
        "python3-charset-normalizer",
    ] {
        assert!(
            requires.lines().any(|l| l.starts_with(n)),
            "{n}: {requires}"
        );
    }
    let requires = stdout(&run_ok(
        Command::new("rpm")
            .args(["-qp", "--requires"])
            .arg(&rpms[3]),
    ));
    assert!(
        requires.lines().any(|l| l.starts_with("python3-six")),
        "{requires}"
    );

    let root = fresh_root(&d.path().join("chroot"));
    in_root(&root, &["apt-get", "update", "-qq"]);
    let mut cmd = vec![
        "env",
        "DEBIAN_FRONTEND=noninteractive",
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
    ];
    let inside: Vec<String> = debs.iter().map(|p| copy_in(&root, p)).collect();
    cmd.extend(inside.iter().map(String::as_str));
    let log = in_root(&root, &cmd);
    println!("{log}");
    let dist = root.join("usr/lib/python3/dist-packages");
    let check = in_root(
        &root,
        &[
            "python3",
            "-c",
            "import yaml, requests, dateutil.parser, pygments; assert yaml.__with_libyaml__; print(yaml.safe_load('a: 1')['a'], dateutil.parser.parse('2024-01-02').year, requests.__version__ != '')",
        ],
    );
    assert_eq!(check.trim(), "1 2024 True");
    let v = in_root(&root, &["pygmentize", "-V"]);
    assert!(v.starts_with("Pygments version"), "{v}");
    // The postinst compiled the byte-code (py3compile -p).
    for p in [
        "yaml/__pycache__",
        "requests/__pycache__",
        "dateutil/__pycache__",
        "pygments/__pycache__",
    ] {
        assert!(dist.join(p).is_dir(), "{p} not compiled");
    }
    in_root(
        &root,
        &[
            "dpkg",
            "-r",
            "python3-pygments",
            "python3-requests",
            "python3-yaml",
            "python3-dateutil",
        ],
    );
    let left: Vec<String> = std::fs::read_dir(&dist)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let l = n.to_lowercase();
            [
                "yaml",
                "_yaml",
                "requests",
                "dateutil",
                "pygments",
                "python_dateutil",
            ]
            .iter()
            .any(|p| l == *p || l.starts_with(&format!("{p}-")))
        })
        .collect();
    assert!(left.is_empty(), "left after dpkg -r: {left:?}");
    assert!(!root.join("usr/bin/pygmentize").exists());

    // rpm: installed by rpm into the same root, its scripts compile and remove the byte-code
    // from its RECORD (dpkg does not know it).
    let rpm = |args: &[&str]| {
        stdout(&run_ok(
            Command::new("rpm")
                .arg("--root")
                .arg(&root)
                .args(["--dbpath", "/var/lib/pkgr-rpmdb"])
                .args(args),
        ))
    };
    rpm(&["--initdb"]);
    rpm(&["-i", "--nodeps", &rpms[3].display().to_string()]);
    let year = in_root(
        &root,
        &[
            "python3",
            "-c",
            "import dateutil.parser; print(dateutil.parser.parse('2024-01-02').year)",
        ],
    );
    assert_eq!(year.trim(), "2024");
    assert!(
        dist.join("dateutil/__pycache__").is_dir(),
        "the rpm's %post compiled nothing"
    );
    rpm(&["-e", "--nodeps", "python3-dateutil"]);
    assert!(!dist.join("dateutil").exists(), "left after rpm -e");
}
