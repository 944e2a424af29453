//! `pkgr.toml`: the recipe in the repository instead of a long command line.
//!
//! Every command-line option is a key, spelled as its long flag without dashes in front
//! (`name`, `after-install`, `deb-compression`, ...); `source`/`input-type`, `targets`/`output-type`
//! and `paths` stand for `-s`, `-t` and the PATH arguments. `[deb]`, `[rpm]` and `[tar]` override
//! fields for one format (relations, name, version, compression, ...), and `[[files]]` adds
//! entries (`src`, `dst`, `type` = file/dir/symlink/config, `mode`, `owner`, `group`). Unknown keys
//! are errors; every error names the key and its line. Relative paths in the file are relative to
//! the file's directory. A flag given on the command line overrides the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file name pkgr looks for.
pub const FILE_NAME: &str = "pkgr.toml";

/// A `pkgr.toml` error: the file, and the parser's message with line, column and key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown key or a wrong type.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// toml's message: line, column, the offending key and what was expected.
        message: String,
    },
    /// A value is well-formed TOML but not acceptable (a bad `mode`, `type`, ...).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// A file mode: an octal string (`"0755"`) or a TOML integer (write it as `0o755`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode(pub u32);

impl<'de> Deserialize<'de> for Mode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Mode;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an octal mode like \"0755\" or 0o755")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Mode, E> {
                u32::try_from(v)
                    .map(Mode)
                    .map_err(|_| E::custom(format!("mode {v} is not a permission mode")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Mode, E> {
                self.visit_i64(v as i64)
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Mode, E> {
                u32::from_str_radix(s.trim_start_matches("0o"), 8)
                    .map(Mode)
                    .map_err(|_| {
                        E::custom(format!("mode '{s}' is not an octal number like \"0755\""))
                    })
            }
        }
        d.deserialize_any(V)
    }
}

impl Mode {
    /// The permission bits.
    pub fn bits(self) -> u32 {
        self.0
    }
}

/// One `[[files]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// A file or directory on the build host (file, config), or the link target (symlink).
    pub src: Option<String>,
    /// The absolute installed path.
    pub dst: String,
    /// `file` (default), `dir`, `symlink` or `config`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Permission bits for the entry (and, for a directory source, every file below it).
    pub mode: Option<Mode>,
    /// Owning user name.
    pub owner: Option<String>,
    /// Owning group name.
    pub group: Option<String>,
}

/// Per-format overrides (`[deb]`, `[rpm]`, `[tar]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FormatSection {
    /// Package name for this format.
    pub name: Option<String>,
    /// Version for this format.
    pub version: Option<String>,
    /// Revision / Release for this format.
    pub iteration: Option<String>,
    /// Epoch for this format.
    pub epoch: Option<u32>,
    /// Dependencies for this format (replace the common ones).
    pub depends: Option<Vec<String>>,
    /// Provides for this format.
    pub provides: Option<Vec<String>>,
    /// Conflicts for this format.
    pub conflicts: Option<Vec<String>>,
    /// Replaces / Obsoletes for this format.
    pub replaces: Option<Vec<String>>,
    /// Recommends for this format.
    pub recommends: Option<Vec<String>>,
    /// Suggests for this format.
    pub suggests: Option<Vec<String>>,
    /// Compression (deb: gz/xz/zst/none; rpm: gzip/xz/zstd/none; tar: gz/xz/zst/none).
    pub compression: Option<String>,
    /// Compression level.
    pub compression_level: Option<u32>,
    /// deb only: Priority.
    pub priority: Option<String>,
    /// rpm only: Build Host.
    pub build_host: Option<String>,
    /// rpm only: signing key file.
    pub sign_key: Option<String>,
    /// tar only: root directory of the entries.
    pub prefix: Option<String>,
}

/// The whole `pkgr.toml`. Field docs name the flag each key stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `-s`.
    #[serde(alias = "source")]
    pub input_type: Option<String>,
    /// `-t` (a list).
    #[serde(alias = "targets")]
    pub output_type: Option<Vec<String>>,
    /// The PATH arguments.
    pub paths: Option<Vec<String>>,
    /// `-n`.
    pub name: Option<String>,
    /// `-v`.
    pub version: Option<String>,
    /// `--iteration`.
    pub iteration: Option<String>,
    /// `--epoch`.
    pub epoch: Option<u32>,
    /// `-a`.
    pub architecture: Option<String>,
    /// `-m`.
    pub maintainer: Option<String>,
    /// `--vendor`.
    pub vendor: Option<String>,
    /// `--url`.
    pub url: Option<String>,
    /// `--license`.
    pub license: Option<String>,
    /// `--license-file`.
    pub license_file: Option<String>,
    /// `--description`.
    pub description: Option<String>,
    /// `--category`.
    pub category: Option<String>,
    /// `--deb-priority`.
    pub deb_priority: Option<String>,
    /// `-d`.
    pub depends: Option<Vec<String>>,
    /// `--provides`.
    pub provides: Option<Vec<String>>,
    /// `--conflicts`.
    pub conflicts: Option<Vec<String>>,
    /// `--replaces`.
    pub replaces: Option<Vec<String>>,
    /// `--recommends`.
    pub recommends: Option<Vec<String>>,
    /// `--suggests`.
    pub suggests: Option<Vec<String>>,
    /// `--config-files`.
    pub config_files: Option<Vec<String>>,
    /// `--directories`.
    pub directories: Option<Vec<String>>,
    /// `--before-install`.
    pub before_install: Option<String>,
    /// `--after-install`.
    pub after_install: Option<String>,
    /// `--before-remove`.
    pub before_remove: Option<String>,
    /// `--after-remove`.
    pub after_remove: Option<String>,
    /// `--before-upgrade`.
    pub before_upgrade: Option<String>,
    /// `--after-upgrade`.
    pub after_upgrade: Option<String>,
    /// `-C`.
    pub chdir: Option<String>,
    /// `--prefix`.
    pub prefix: Option<String>,
    /// `-x`.
    pub exclude: Option<Vec<String>>,
    /// `-p`.
    pub package: Option<String>,
    /// `-f`.
    pub force: Option<bool>,
    /// `--deb-compression`.
    pub deb_compression: Option<String>,
    /// `--deb-compression-level`.
    pub deb_compression_level: Option<u32>,
    /// `--rpm-compression`.
    pub rpm_compression: Option<String>,
    /// `--rpm-compression-level`.
    pub rpm_compression_level: Option<u32>,
    /// `--rpm-build-host`.
    pub rpm_build_host: Option<String>,
    /// `--rpm-sign-key`.
    pub rpm_sign_key: Option<String>,
    /// `--tar-compression`.
    pub tar_compression: Option<String>,
    /// `--tar-compression-level`.
    pub tar_compression_level: Option<u32>,
    /// `--tar-prefix`.
    pub tar_prefix: Option<String>,
    /// `--threads`.
    pub threads: Option<u32>,
    /// `--python`.
    pub python: Option<String>,
    /// `--requirements`.
    pub requirements: Option<String>,
    /// `--index-url`.
    pub index_url: Option<String>,
    /// `--extra-index-url`.
    pub extra_index_url: Option<Vec<String>>,
    /// `--find-links`.
    pub find_links: Option<Vec<String>>,
    /// `--pip-arg`.
    pub pip_arg: Option<Vec<String>>,
    /// `--pip-tool` (`pip` or `uv`).
    pub pip_tool: Option<String>,
    /// `--no-install-app`.
    pub no_install_app: Option<bool>,
    /// `--venv-prefix`.
    pub venv_prefix: Option<String>,
    /// `--workdir`.
    pub workdir: Option<String>,
    /// `--no-auto-depends`.
    pub no_auto_depends: Option<bool>,
    /// `--strict`.
    pub strict: Option<bool>,
    /// `--systemd-unit` (a list of files, relative to this file).
    pub systemd_unit: Option<Vec<String>>,
    /// `--no-systemd-enable`.
    pub no_systemd_enable: Option<bool>,
    /// `--no-systemd-start`.
    pub no_systemd_start: Option<bool>,
    /// `--no-systemd-restart-after-upgrade`.
    pub no_systemd_restart_after_upgrade: Option<bool>,
    /// `--user`.
    pub user: Option<String>,
    /// `--group`.
    pub group: Option<String>,
    /// `--home`.
    pub home: Option<String>,
    /// `[deb]` overrides.
    pub deb: Option<FormatSection>,
    /// `[rpm]` overrides.
    pub rpm: Option<FormatSection>,
    /// `[tar]` overrides.
    pub tar: Option<FormatSection>,
    /// `[[files]]` entries.
    #[serde(default)]
    pub files: Vec<FileSpec>,
}

/// A loaded `pkgr.toml` and the directory its relative paths start from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The parsed file.
    pub config: Config,
    /// Its path.
    pub path: PathBuf,
    /// Its directory (absolute).
    pub base: PathBuf,
}

impl Loaded {
    /// Resolves a path from the file against its directory.
    pub fn resolve(&self, p: &str) -> String {
        if Path::new(p).is_absolute() {
            p.to_string()
        } else {
            self.base.join(p).display().to_string()
        }
    }

    /// Per-format sections by target name.
    pub fn sections(&self) -> BTreeMap<&'static str, &FormatSection> {
        let c = &self.config;
        [("deb", &c.deb), ("rpm", &c.rpm), ("tar", &c.tar)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|s| (k, s)))
            .collect()
    }
}

/// Reads and checks a `pkgr.toml`.
///
/// # Errors
/// [`ConfigError`] with the file's path and toml's line/column/key message.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = crate::hostfs::read_regular_text(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    for (i, f) in config.files.iter().enumerate() {
        let kind = f.kind.as_deref().unwrap_or("file");
        if !["file", "dir", "symlink", "config"].contains(&kind) {
            return Err(invalid(format!(
                "files[{i}].type = '{kind}': use file, dir, symlink or config"
            )));
        }
        if kind != "dir" && f.src.is_none() {
            return Err(invalid(format!(
                "files[{i}] (dst = '{}') needs src: the file on the build host, or the link target for a symlink",
                f.dst
            )));
        }
        if let Some(m) = f.mode {
            if m.bits() > 0o7777 {
                return Err(invalid(format!(
                    "files[{i}].mode {:o} is not a permission mode",
                    m.bits()
                )));
            }
        }
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let base = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Loaded {
        config,
        path: path.to_path_buf(),
        base,
    })
}

/// A commented starter `pkgr.toml` for `dir`, from what is there: a Python project
/// (`pyproject.toml`, `setup.py`, `setup.cfg`, `requirements.txt`) gets a virtualenv recipe, anything
/// else a dir recipe. Nothing is copied from the project's files into it: pkgr reads the name,
/// version, maintainer, license and summary from the project's metadata at build time, so a
/// value in `pyproject.toml` can neither go stale here nor (with a newline or a quote in it)
/// add a key to the recipe.
pub fn starter(dir: &Path) -> String {
    let py = [
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "requirements.txt",
    ]
    .iter()
    .any(|f| dir.join(f).is_file());
    let mut s = String::from(
        "# pkgr.toml: run `pkgr` in this directory to build the packages.\n\
         # Every command-line option is a key; a flag on the command line overrides it.\n\n",
    );
    if py {
        s.push_str(
            "source = \"virtualenv\"\n\
             targets = [\"deb\", \"rpm\", \"tar\"]\n\
             paths = [\".\"]\n\
             # name, version, maintainer, url, license and the summary come from the project's\n\
             # metadata (pyproject.toml, setup.cfg or setup.py); set a key to override one:\n\
             # name = \"app\"\n\
             # maintainer = \"Your Name <you@example.org>\"\n\
             # venv-prefix = \"/opt/venvs/NAME\"\n\
             # python = \"/usr/bin/python3\"\n",
        );
    } else {
        s.push_str(
            "source = \"dir\"\n\
             targets = [\"deb\", \"rpm\", \"tar\"]\n\
             name = \"CHANGE-ME\"\n\
             version = \"1.0\"\n\
             maintainer = \"Your Name <you@example.org>\"\n\
             # paths = [\"build/app=/usr/bin/app\"]\n",
        );
    }
    s.push_str(
        "# url = \"https://example.org/project\"\n\
         # license = \"MIT\"\n\
         # depends = [\"libpq5 (>= 15)\"]\n\
         package = \"dist/\"\n\n\
         # Per-format overrides:\n\
         # [rpm]\n\
         # depends = [\"libpq >= 15\"]\n\
         # compression = \"zstd\"\n\n\
         # Extra files:\n\
         # [[files]]\n\
         # src = \"conf/app.conf\"\n\
         # dst = \"/etc/app/app.conf\"\n\
         # type = \"config\"\n\
         # mode = \"0640\"\n",
    );
    s
}

#[cfg(test)]
mod tests {
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
        let c = &l.config;
        assert_eq!(c.input_type.as_deref(), Some("dir"));
        assert_eq!(c.output_type.as_ref().unwrap(), &["deb", "rpm"]);
        assert_eq!(
            c.rpm.as_ref().unwrap().depends.as_ref().unwrap(),
            &["glibc"]
        );
        assert_eq!(c.files[0].mode.unwrap().bits(), 0o640);
        assert_eq!(c.files[1].mode.unwrap().bits(), 0o750);
        assert!(l.resolve("scripts/postinst").ends_with("/scripts/postinst"));
        assert_eq!(l.sections().len(), 1);
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let e = load_str("name = \"a\"\nnmae = \"b\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("nmae"), "{e}");
        let e = load_str("[deb]\ncompresion = \"xz\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("compresion"), "{e}");
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
        assert_eq!(l.config.index_url, None, "{s}");
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
            l.config.name, None,
            "the name comes from the project at build time"
        );
        assert_eq!(
            l.config.maintainer, None,
            "no placeholder over the project's authors"
        );
    }
}
