//! Byte-code for a distribution installed into the system's Python (`-s python`), as Debian
//! Python Policy §1.5 asks: no `.pyc` is shipped, the postinst compiles the package's own modules
//! and the prerm removes what was compiled, touching no other package's files.
//!
//! On a Debian system that knows the package (`dpkg -L NAME` works, which holds for a .deb while
//! dpkg runs its scripts) and with the modules in Debian's `/usr/lib/python3/dist-packages`, the
//! scripts are dh_python3's own pair, `py3compile -p NAME` and `py3clean -p NAME`
//! (python3-minimal): they compile for every supported Python 3, and Debian's interpreter
//! upgrades keep that byte-code current. Anywhere else (an rpm, another `--python-install-lib`)
//! the package's files are read from its own `RECORD`: `python3 -m compileall` compiles the
//! `.py` files it lists, and removal deletes each one's `__pycache__/NAME.*.pyc` (every version
//! and optimisation level), then the `__pycache__` directory if that left it empty.

use crate::model::{Package, Phase, SystemPython};
use crate::shell::quote;

/// Debian's directory for public Python 3 modules, where py3compile and py3clean work.
pub const DEBIAN_LIB: &str = "/usr/lib/python3/dist-packages";

/// Sets the interpreter requirement and adds the byte-code scripts for `sys`.
pub(super) fn apply(pkg: &mut Package, sys: &SystemPython) {
    pkg.python = Some(sys.python.clone());
    let name = quote(&pkg.meta.name);
    // The source refuses a lib directory with anything but letters, digits and / . _ - + @, so
    // it is safe unquoted in the shell and inside the sed expressions (no '|', '&', '\').
    let lib = sys.lib.display();
    let record = quote(&format!("{}/RECORD", sys.dist_info.display()));
    let python = quote(&sys.python.executable);
    let warn = quote(&format!(
        "{}: warning: some modules in {lib} could not be byte-compiled",
        pkg.meta.name
    ));
    // RECORD lines of the distribution's modules: relative to lib and not climbing out of it
    // (its scripts and data files are `../../../bin/x`), and not CSV-quoted.
    let compile = format!(
        "if [ -x {python} ]; then\n    if ! sed -n 's|^\\([^.,\"][^,\"]*\\.py\\),.*|{lib}/\\1|p' {record} | {python} -I -m compileall -q -i - >/dev/null; then\n        echo {warn} >&2\n    fi\nfi"
    );
    let clean = format!(
        "sed -n 's|^\\([^.,\"][^,\"]*\\)\\.py,.*|\\1|p' {record} 2>/dev/null | while IFS= read -r f; do\n    case $f in\n        */*) d={lib}/${{f%/*}} b=${{f##*/}} ;;\n        *) d={lib} b=$f ;;\n    esac\n    rm -f \"$d/__pycache__/$b\".*.pyc\n    rmdir \"$d/__pycache__\" 2>/dev/null || true\ndone"
    );
    let (install, remove) = if lib == DEBIAN_LIB {
        let known = format!("dpkg -L {name} >/dev/null 2>&1");
        (
            format!(
                "if command -v py3compile >/dev/null 2>&1 && {known}; then\n    py3compile -p {name} || echo {warn} >&2\nelse\n{}\nfi",
                indent(&compile)
            ),
            format!(
                "if command -v py3clean >/dev/null 2>&1 && {known}; then\n    py3clean -p {name} || true\nelse\n{}\nfi",
                indent(&clean)
            ),
        )
    } else {
        (compile, clean)
    };
    pkg.add_fragment(
        Phase::AfterInstall,
        "Compile the byte-code of this package's modules (py3compile, else the files its RECORD lists).",
        install,
    );
    pkg.add_fragment(
        Phase::BeforeRemove,
        "Remove the byte-code compiled after install: this package's files only (py3clean, else its RECORD).",
        remove,
    );
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PkgPath, PythonRequirement, PythonUse};

    fn sys(lib: &str) -> SystemPython {
        SystemPython {
            lib: PkgPath::parse(lib).unwrap(),
            dist_info: PkgPath::parse(&format!("{lib}/PyYAML-6.0.2.dist-info")).unwrap(),
            python: PythonRequirement {
                minor: "3.11".into(),
                full: "3.11.2".into(),
                executable: "/usr/bin/python3".into(),
                kind: PythonUse::Minor,
            },
            build_paths: vec![],
            watch_paths: vec![],
        }
    }

    #[test]
    fn debian_lib_uses_py3compile_with_the_record_as_fallback() {
        let mut p = Package::default();
        p.meta.name = "python3-yaml".into();
        apply(&mut p, &sys(DEBIAN_LIB));
        assert_eq!(p.python.as_ref().unwrap().kind, PythonUse::Minor);
        let post = &p.scripts.generated[&Phase::AfterInstall][0].body;
        assert!(post.contains("py3compile -p 'python3-yaml'"), "{post}");
        assert!(post.contains("dpkg -L 'python3-yaml'"), "{post}");
        assert!(
            post.contains("'/usr/lib/python3/dist-packages/PyYAML-6.0.2.dist-info/RECORD'"),
            "{post}"
        );
        let pre = &p.scripts.generated[&Phase::BeforeRemove][0].body;
        assert!(pre.contains("py3clean -p 'python3-yaml'"), "{pre}");
        assert!(pre.contains("rm -f \"$d/__pycache__/$b\".*.pyc"), "{pre}");
    }

    #[test]
    fn other_libs_use_the_record_only() {
        let mut p = Package::default();
        p.meta.name = "python3-yaml".into();
        apply(&mut p, &sys("/opt/py/lib"));
        let post = &p.scripts.generated[&Phase::AfterInstall][0].body;
        assert!(!post.contains("py3compile"), "{post}");
        assert!(post.contains("|/opt/py/lib/\\1|p"), "{post}");
        let pre = &p.scripts.generated[&Phase::BeforeRemove][0].body;
        assert!(!pre.contains("py3clean"), "{pre}");
    }

    /// The scripts do what they say, run by sh over a real tree: compile the RECORD's modules
    /// (not other packages' files, not the scripts outside lib), then remove exactly those pycs.
    #[test]
    fn record_scripts_compile_and_remove_only_the_package_files() {
        let d = tempfile::tempdir().unwrap();
        let lib = d.path().join("lib");
        let lib_s = lib.display().to_string();
        std::fs::create_dir_all(lib.join("yaml")).unwrap();
        std::fs::create_dir_all(lib.join("other")).unwrap();
        std::fs::create_dir_all(lib.join("PyYAML-6.0.2.dist-info")).unwrap();
        for f in [
            "yaml/__init__.py",
            "yaml/my file.py",
            "six.py",
            "other/x.py",
        ] {
            std::fs::write(lib.join(f), "X = 1\n").unwrap();
        }
        std::fs::write(
            lib.join("PyYAML-6.0.2.dist-info/RECORD"),
            "yaml/__init__.py,sha256=x,6\nyaml/my file.py,sha256=x,6\nsix.py,sha256=x,6\n../../bin/tool,sha256=x,6\nPyYAML-6.0.2.dist-info/RECORD,,\n",
        )
        .unwrap();
        // Another package's byte-code in the shared directory stays.
        std::process::Command::new("/usr/bin/python3")
            .args(["-m", "compileall", "-q"])
            .arg(lib.join("other"))
            .status()
            .unwrap();
        let mut p = Package::default();
        p.meta.name = "python3-yaml".into();
        apply(&mut p, &sys(&lib_s));
        let run = |phase| {
            let body = &p.scripts.generated[&phase][0].body;
            let out = std::process::Command::new("sh")
                .args(["-c", body])
                .output()
                .unwrap();
            assert!(out.status.success(), "{body}: {out:?}");
        };
        run(Phase::AfterInstall);
        let pycs = |dir: &str| -> Vec<String> {
            std::fs::read_dir(lib.join(dir).join("__pycache__"))
                .map(|r| {
                    let mut v: Vec<String> = r
                        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .collect();
                    v.sort();
                    v
                })
                .unwrap_or_default()
        };
        assert_eq!(pycs("yaml").len(), 2, "{:?}", pycs("yaml"));
        assert_eq!(pycs(".").len(), 1, "{:?}", pycs("."));
        assert!(pycs(".")[0].starts_with("six."));
        run(Phase::BeforeRemove);
        assert!(!lib.join("yaml/__pycache__").exists());
        assert!(!lib.join("__pycache__").exists());
        assert_eq!(pycs("other").len(), 1, "another package's byte-code stays");
    }
}
