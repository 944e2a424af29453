//! `pkgr.toml`: the recipe in the repository instead of a long command line.
//!
//! Every command-line option is a key, spelled as its long flag (`name`, `after-install`,
//! `deb-compression`, `strict`; `source`/`input-type`, `targets`/`output-type` and `paths` stand
//! for `-s`, `-t` and the PATH arguments): the keys are the [`Options`] the command line has, so
//! the two cannot drift. `[deb]`, `[rpm]` and `[tar]` override the metadata, relations and
//! scripts for one format and take the format's own options without its prefix (`[deb]
//! compression = "zst"`); `[[files]]` adds entries (`src`, `dst`, `type` =
//! file/dir/symlink/config, `mode`, `owner`, `group`). Relative paths are relative to the
//! file's directory. A key that is not an option is an error naming the key, its line and the
//! nearest key ("did you mean 'maintainer'?"); so is a value of the wrong type.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args as _;
use serde::Deserialize;

use crate::format::FormatKind;
use crate::options::{package, Options, Rebase};

/// The file name pkgr looks for.
pub const FILE_NAME: &str = "pkgr.toml";

/// A `pkgr.toml` error: the file, and what is wrong where.
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
    /// The file is not valid TOML.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// toml's message, with line and column.
        message: String,
    },
    /// A key that is no option, or a value that is not acceptable; the message names the key
    /// and its line.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key and its line.
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

/// A loaded `pkgr.toml`: its layers of options, its `[[files]]`, and where it is.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Its path.
    pub path: PathBuf,
    /// Its directory (absolute): where its relative paths start.
    pub base: PathBuf,
    /// The top-level keys (relative paths made relative to [`Loaded::base`]).
    pub options: Options,
    /// The `[deb]`, `[rpm]`, `[tar]` sections, each a layer of its own.
    pub sections: BTreeMap<FormatKind, Options>,
    /// `[[files]]` entries, `src` resolved against [`Loaded::base`] (a symlink's `src` is its
    /// target, kept as written).
    pub files: Vec<FileSpec>,
    /// The line (1-based) of each top-level key, for messages about its value.
    pub lines: BTreeMap<String, usize>,
    /// The line of each key of a `[format]` section, by the long flag it stands for
    /// (`deb-compression` for `compression` in `[deb]`).
    pub section_lines: BTreeMap<FormatKind, BTreeMap<String, usize>>,
}

impl Loaded {
    /// Where the recipe sets the option whose long flag is `long`: `'key' at line N` (in the
    /// `[format]` section for `kind` when that sets it, else at the top level), or `None`.
    pub fn origin(&self, long: &str, kind: Option<FormatKind>) -> Option<String> {
        let name = self
            .path
            .file_name()
            .map_or_else(|| FILE_NAME.into(), |n| n.to_string_lossy().into_owned());
        if let Some(k) = kind {
            if let Some(l) = self.section_lines.get(&k).and_then(|m| m.get(long)) {
                let short = long.strip_prefix(&format!("{}-", k.name())).unwrap_or(long);
                return Some(format!("{name} [{}] '{short}' at line {l}", k.name()));
            }
        }
        self.lines
            .get(long)
            .map(|l| format!("{name} '{long}' at line {l}"))
    }
}

/// The long flags (and their aliases) of the options in `cmd`, and the PATH argument's id.
fn keys_of(cmd: clap::Command) -> Vec<String> {
    let mut keys = Vec::new();
    for a in cmd.get_arguments() {
        match a.get_long() {
            Some(l) => {
                keys.push(l.to_string());
                keys.extend(
                    a.get_all_aliases()
                        .into_iter()
                        .flatten()
                        .map(str::to_string),
                );
            }
            None if a.is_positional() => keys.push(a.get_id().to_string()),
            None => {}
        }
    }
    keys
}

/// Every top-level key: the options' long flags, `paths`, the sections and `files`.
pub fn top_level_keys() -> Vec<String> {
    let mut keys = keys_of(Options::augment_args(clap::Command::new("pkgr")));
    keys.extend(FormatKind::ALL.iter().map(|k| k.name().to_string()));
    keys.push("files".into());
    keys
}

/// The keys of the `[format]` section: the metadata, relations and scripts, and the format's
/// own options without its prefix (`compression` for `deb-compression`). Returns (key in the
/// section, key it stands for).
pub fn section_keys(kind: FormatKind) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = [
        package::MetaArgs::augment_args(clap::Command::new("x")),
        package::RelationArgs::augment_args(clap::Command::new("x")),
        package::ScriptArgs::augment_args(clap::Command::new("x")),
    ]
    .into_iter()
    .flat_map(keys_of)
    .map(|k| (k.clone(), k))
    .collect();
    let prefix = format!("{}-", kind.name());
    for flag in kind.own_flags() {
        let short = flag.strip_prefix(&prefix).unwrap_or(&flag).to_string();
        keys.push((short, flag.clone()));
        keys.push((flag.clone(), flag));
    }
    keys
}

/// The line (1-based) of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// "did you mean 'maintainer'?" for a key close to a known one (Jaro-Winkler ≥ 0.8).
fn suggestion(key: &str, known: &[String]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("; did you mean '{k}'?"))
        .unwrap_or_default()
}

/// Deserializes one layer of options from `table`, one key at a time first, so that a value
/// of the wrong type is reported with its key and line (`where_` names the table).
fn layer(
    table: &toml::Table,
    lines: &BTreeMap<String, usize>,
    where_: &str,
) -> Result<Options, String> {
    for (k, v) in table {
        let mut one = toml::Table::new();
        one.insert(k.clone(), v.clone());
        if let Err(e) = toml::Value::Table(one).try_into::<Options>() {
            let line = lines
                .get(k)
                .map_or(String::new(), |l| format!(" at line {l}"));
            return Err(format!("{where_}'{k}'{line}: {}", e.message().trim_end()));
        }
    }
    toml::Value::Table(table.clone())
        .try_into::<Options>()
        .map_err(|e| format!("{where_}{}", e.message().trim_end()))
}

/// Reads and checks a `pkgr.toml`.
///
/// # Errors
/// [`ConfigError`] with the file's path and, for a bad key or value, its line.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = crate::hostfs::read_regular_text(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    // The spans, for line numbers; the values, for serde.
    let spanned = toml::de::DeTable::parse(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let mut top = spanned.into_inner();
    top.make_owned();
    let mut lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut section_lines: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (k, v) in top.iter() {
        let key = k.get_ref().to_string();
        lines.insert(key.clone(), line_of(&text, k.span().start));
        if let toml::de::DeValue::Table(t) = v.get_ref() {
            let inner = t
                .iter()
                .map(|(k2, _)| (k2.get_ref().to_string(), line_of(&text, k2.span().start)))
                .collect();
            section_lines.insert(key, inner);
        }
    }
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
    let known = top_level_keys();
    let mut options_table = toml::Table::new();
    let mut sections = BTreeMap::new();
    let mut all_section_lines = BTreeMap::new();
    let mut files = Vec::new();
    for (k, v) in table {
        let line = lines.get(&k).copied().unwrap_or(0);
        if !known.contains(&k) {
            return Err(invalid(format!(
                "unknown key '{k}' at line {line}{}",
                suggestion(&k, &known)
            )));
        }
        if k == "files" {
            files = v
                .try_into::<Vec<FileSpec>>()
                .map_err(|e| invalid(format!("files at line {line}: {}", e.message())))?;
        } else if let Some(kind) = FormatKind::ALL.iter().copied().find(|f| f.name() == k) {
            let toml::Value::Table(t) = v else {
                return Err(invalid(format!(
                    "'{k}' at line {line} must be a table ([{k}])"
                )));
            };
            let allowed = section_keys(kind);
            let mut renamed = toml::Table::new();
            let mut renamed_lines = BTreeMap::new();
            let inner_lines = section_lines.remove(&k).unwrap_or_default();
            for (sk, sv) in t {
                let sline = inner_lines.get(&sk).copied().unwrap_or(0);
                let Some((_, long)) = allowed.iter().find(|(s, _)| *s == sk) else {
                    let names: Vec<String> = allowed.iter().map(|(s, _)| s.clone()).collect();
                    return Err(invalid(format!(
                        "unknown key '{sk}' in [{k}] at line {sline}{}",
                        suggestion(&sk, &names)
                    )));
                };
                renamed_lines.insert(long.clone(), sline);
                renamed.insert(long.clone(), sv);
            }
            let mut o = layer(&renamed, &renamed_lines, &format!("[{k}] ")).map_err(invalid)?;
            o.rebase(&base_of(path));
            sections.insert(kind, o);
            all_section_lines.insert(kind, renamed_lines);
        } else {
            options_table.insert(k, v);
        }
    }
    let mut options = layer(&options_table, &lines, "").map_err(invalid)?;
    let base = base_of(path);
    options.rebase(&base);
    for (i, f) in files.iter_mut().enumerate() {
        f.check(i).map_err(invalid)?;
        if f.kind.as_deref() != Some("symlink") {
            f.src = f.src.take().map(|s| {
                let p = Path::new(&s);
                if p.is_absolute() {
                    s
                } else {
                    base.join(p).display().to_string()
                }
            });
        }
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        base,
        options,
        sections,
        files,
        lines,
        section_lines: all_section_lines,
    })
}

/// The absolute directory of `path`.
fn base_of(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.parent().map(Path::to_path_buf).unwrap_or_default()
}

impl FileSpec {
    /// Checks the entry's `type`, `src` and `mode`; `i` is its index, for messages.
    fn check(&self, i: usize) -> Result<(), String> {
        let kind = self.kind.as_deref().unwrap_or("file");
        if !["file", "dir", "symlink", "config"].contains(&kind) {
            return Err(format!(
                "files[{i}].type = '{kind}': use file, dir, symlink or config"
            ));
        }
        if kind != "dir" && self.src.is_none() {
            return Err(format!(
                "files[{i}] (dst = '{}') needs src: the file on the build host, or the link target for a symlink",
                self.dst
            ));
        }
        if let Some(m) = self.mode {
            if m.bits() > 0o7777 {
                return Err(format!(
                    "files[{i}].mode {:o} is not a permission mode",
                    m.bits()
                ));
            }
        }
        Ok(())
    }
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
mod tests;
