//! pkgr.toml: keys, layers, errors, and the parity of flags and keys.

use super::*;

fn load_str(text: &str) -> Result<Loaded, ConfigError> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(FILE_NAME);
    std::fs::write(&p, text).unwrap();
    load(&p)
}

#[test]
fn reads_every_kind_of_key() {
    let l = load_str(
        r#"
source = "dir"
targets = ["deb", "rpm"]
name = "app"
depends = ["libc6"]
after-install = "scripts/postinst"
deb-compression = "zst"
[rpm]
depends = ["glibc"]
[[files]]
src = "app.conf"
dst = "/etc/app/app.conf"
type = "config"
mode = "0640"
[[files]]
dst = "/var/lib/app"
type = "dir"
mode = 0o750
owner = "app"
"#,
    )
    .unwrap();
    let o = &l.options;
    assert_eq!(o.run.input_type, Some(crate::source::SourceKind::Dir));
    assert_eq!(
        o.run.output_type.as_deref(),
        Some(&[FormatKind::Deb, FormatKind::Rpm][..])
    );
    assert_eq!(
        o.formats.deb.deb_compression,
        Some(crate::compress::Algorithm::Zstd)
    );
    assert_eq!(
        l.sections[&FormatKind::Rpm].relations.depends.as_deref(),
        Some(&["glibc".to_string()][..])
    );
    assert_eq!(l.files[0].mode.unwrap().bits(), 0o640);
    assert_eq!(l.files[1].mode.unwrap().bits(), 0o750);
    assert!(l.files[0].src.as_deref().unwrap().ends_with("/app.conf"));
    let script = o.scripts.after_install.as_ref().unwrap();
    assert!(script.is_absolute() && script.ends_with("scripts/postinst"));
    assert_eq!(l.sections.len(), 1);
}

#[test]
fn errors_name_the_key_and_line() {
    let e = load_str("name = \"a\"\nnmae = \"b\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2") && e.contains("nmae"), "{e}");
    let e = load_str("maintaner = \"A <a@b.c>\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean 'maintainer'?"), "{e}");
    let e = load_str("[deb]\ncompresion = \"xz\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("compresion") && e.contains("did you mean 'compression'"),
        "{e}"
    );
    let e = load_str("name = \"a\"\n[deb]\nsection = \"x\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("[deb]") && e.contains("line 3"), "{e}");
    let e = load_str("epoch = \"one\"\n").unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("epoch"), "{e}");
    let e = load_str("[[files]]\ndst = \"/x\"\ntype = \"fifo\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("files[0].type"), "{e}");
    let e = load_str("[[files]]\ndst = \"/x\"\nmode = \"rwx\"\nsrc = \"a\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("octal"), "{e}");
}

#[test]
fn a_hostile_pyproject_name_cannot_inject_keys() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("pyproject.toml"),
        "[project]\nname = \"app\\nindex-url = \\\"http://attacker/simple\\\"\"\n",
    )
    .unwrap();
    let s = starter(d.path());
    let l = load_str(&s).unwrap();
    assert!(!s.contains("attacker"), "{s}");
    assert_eq!(l.options.sources.pip.index_url, None, "{s}");
}

#[test]
fn starters_parse() {
    let d = tempfile::tempdir().unwrap();
    load_str(&starter(d.path())).unwrap();
    std::fs::write(
        d.path().join("pyproject.toml"),
        "[project]\nname = \"My_App\"\n",
    )
    .unwrap();
    let s = starter(d.path());
    assert!(s.contains("source = \"virtualenv\""), "{s}");
    let l = load_str(&s).unwrap();
    assert_eq!(
        l.options.meta.name, None,
        "the name comes from the project at build time"
    );
    assert_eq!(
        l.options.meta.maintainer, None,
        "no placeholder over the project's authors"
    );
}

/// A value clap accepts for `arg`, to give it on the command line: `true` for a flag, the first
/// of its possible values, else an absolute path (which a pkgr.toml does not rebase) or a
/// number, whichever it takes.
fn sample_value(arg: &clap::Arg) -> String {
    use clap::Parser;
    if arg.get_num_args().is_some_and(|n| n.min_values() == 0) {
        return "true".into();
    }
    if let Some(v) = arg.get_possible_values().first() {
        return v.get_name().to_string();
    }
    let long = arg.get_long().unwrap_or_default();
    for candidate in ["/abs/sample", "3"] {
        let line = [String::from("pkgr"), format!("--{long}={candidate}")];
        if crate::cli::Cli::try_parse_from(line).is_ok() {
            return candidate.into();
        }
    }
    panic!("no sample value for --{long}");
}

/// Options as the TOML document that says the same: every option that is set, by its key.
fn as_toml(o: &Options) -> toml::Table {
    let json = serde_json::to_value(o).unwrap();
    let mut table = toml::Table::new();
    for (k, v) in json.as_object().unwrap() {
        if !v.is_null() {
            table.insert(k.clone(), toml::Value::try_from(v).unwrap());
        }
    }
    table
}

/// Every long flag is a pkgr.toml key of the same name and meaning, and back: `--flag=V` on
/// the command line and `flag = V` in the file give the same options, and a format's own flag
/// is also its section's key without the prefix (`[deb] compression`).
#[test]
fn every_flag_is_a_key_and_every_key_a_flag() {
    use clap::Parser;
    let cmd = Options::augment_args(clap::Command::new("pkgr"));
    let mut flags = Vec::new();
    for arg in cmd.get_arguments() {
        let Some(long) = arg.get_long() else {
            assert!(arg.is_positional(), "{arg:?} has no long flag");
            continue;
        };
        flags.push(long.to_string());
        let value = sample_value(arg);
        let line = [String::from("pkgr"), format!("--{long}={value}")];
        let cli = crate::cli::Cli::try_parse_from(line).unwrap().options;
        assert_ne!(cli, Options::default(), "--{long}={value} changed nothing");
        let doc = as_toml(&cli);
        let keys: Vec<&String> = doc.keys().collect();
        assert_eq!(keys, [long], "--{long} is not spelled as its key");
        let loaded = load_str(&doc.to_string()).unwrap();
        assert_eq!(loaded.options, cli, "{long} = {value} means something else");
        if let Some(kind) = FormatKind::ALL
            .iter()
            .find(|k| long.starts_with(&format!("{}-", k.name())))
        {
            let short = &long[kind.name().len() + 1..];
            let text = format!("[{}]\n{short} = {}\n", kind.name(), doc[long]);
            let loaded = load_str(&text).unwrap();
            assert_eq!(loaded.sections[kind], cli, "[{}] {short}", kind.name());
        }
    }
    // The PATH arguments are the key `paths`.
    let cli = crate::cli::Cli::try_parse_from(["pkgr", "/abs/a", "/abs/b=/b"])
        .unwrap()
        .options;
    let doc = as_toml(&cli);
    assert_eq!(doc.keys().collect::<Vec<_>>(), ["paths"]);
    assert_eq!(load_str(&doc.to_string()).unwrap().options, cli);
    // And back: every key is a flag (or the PATHs, a section, or [[files]]).
    for key in top_level_keys() {
        let is_alias = cmd.get_arguments().any(|a| {
            a.get_all_aliases()
                .into_iter()
                .flatten()
                .any(|alias| alias == key)
        });
        let other =
            key == "paths" || key == "files" || FormatKind::ALL.iter().any(|k| k.name() == key);
        assert!(
            flags.contains(&key) || is_alias || other,
            "the key '{key}' is no flag"
        );
    }
    assert!(flags.contains(&"strict".to_string()));
}
