//! `-s dir`: files and directories from the build host, with fpm's `src=dst` mappings.
//!
//! Each argument is one of:
//! - `path`: installed at `--prefix`/`path`, relative or absolute (fpm's rule:
//!   `--prefix /usr/local /tmp/tree` installs `/usr/local/tmp/tree`; without `--prefix` an
//!   absolute path is installed where it is);
//! - `src=dst`: `src` (relative to `-C`) installed at `dst`: an absolute `dst` as given, a
//!   relative one below `--prefix` (`build/venv=.` is the prefix itself). A directory's
//!   contents go below `dst`; a file becomes `dst`, or `dst/<file name>` when `dst` ends in `/`.
//!
//! Sources are read by [`super::walk`]; with `-C` on the command line, a relative `src` may not
//! climb out of that directory, with `..` or through a symlink ([`inside`]); an absolute one is
//! used as given. A `pkgr.toml` is a recipe of the repository it lives in, trusted as its
//! Makefile is (it can name absolute paths, and its maintainer scripts run as root on install):
//! its `paths` and `[[files]] src` are relative to its directory and may reach out of it
//! (`../README.md` in a monorepo), one rule for both.

use std::path::{Component, Path, PathBuf};

use super::{walk, Excludes, ExternalLinks, Input, Output, Source, SourceError};
use crate::listener::Listener;
use crate::model::{Entry, Package, PkgPath};
use crate::options::options;

/// Options of `-s dir`.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-s dir")]
#[group(id = "dir-options")]
pub struct Args {
    /// Change to this directory before reading the source paths (without a PATH: all of it,
    /// as fpm reads `-C DIR` alone). With -s tar: take only the members below this directory
    /// of the tarball, without it (`-C jq-1.7.1`).
    #[arg(short = 'C', long, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
}

options!(Args { chdir });

/// The dir source.
pub struct Dir;

impl Source for Dir {
    /// The PATH arguments as entries (see the module doc), named `-n` (required) and versioned
    /// `-v` (default 1.0). With only `[[files]]` in the recipe, no PATH is needed; with `-C`
    /// and no PATH, the whole `-C` directory is read (`.`).
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        let o = input.options;
        let args = &o.sources.dir;
        let mut package = Package::default();
        package.meta.name = o
            .meta
            .name
            .clone()
            .ok_or_else(|| SourceError::Invalid("-s dir needs -n/--name".into()))?;
        package.meta.version = o.meta.version.clone().unwrap_or_else(|| "1.0".into());
        let mut inputs = input.paths.to_vec();
        if inputs.is_empty() && args.chdir.is_some() && !input.more_files {
            inputs.push(".".into());
        }
        if !inputs.is_empty() || !input.more_files {
            let opts = DirOptions {
                inputs,
                // The recipe's paths start in its directory unless it names another one.
                chdir: args
                    .chdir
                    .clone()
                    .or_else(|| input.recipe_dir.map(Path::to_path_buf)),
                contain: input.recipe_dir.is_none() && args.chdir.is_some(),
                prefix: o.contents.prefix.clone(),
            };
            let (entries, claimed) = read(&opts, input.excludes, input.strict(), input.listener)?;
            package.entries = entries;
            package.claimed.extend(claimed);
        }
        Ok(Output {
            package,
            staging: None,
        })
    }
}

/// Inputs of the dir source.
#[derive(Debug, Clone, Default)]
pub struct DirOptions {
    /// The path arguments (`path` or `src=dst`).
    pub inputs: Vec<String>,
    /// `-C/--chdir`: where relative `src` paths start.
    pub chdir: Option<PathBuf>,
    /// Keep relative sources inside [`DirOptions::chdir`] ([`inside`]): true for a `-C` typed
    /// on the command line, false for the directory of a `pkgr.toml` (or its `chdir` key),
    /// whose recipe may name `../README.md` as a Makefile would.
    pub contain: bool,
    /// `--prefix`: prepended to destinations of arguments without `=`.
    pub prefix: Option<String>,
}

/// Reads every argument into entries, and returns them with the directories the package
/// claims ([`crate::model::Package::claimed`]: the `dst` of each directory source that is
/// not a base-system directory).
///
/// # Errors
/// [`SourceError::Invalid`] for an empty `dst`, a `src` escaping `-C`, or no input at all;
/// walking errors from [`walk`].
pub fn read(
    opts: &DirOptions,
    excludes: &Excludes,
    strict: bool,
    listener: &dyn Listener,
) -> Result<(Vec<Entry>, Vec<PkgPath>), SourceError> {
    if opts.inputs.is_empty() {
        return Err(SourceError::Invalid(
            "-s dir needs at least one PATH or src=dst argument".into(),
        ));
    }
    if let Some(c) = &opts.chdir {
        if !c.is_dir() {
            return Err(SourceError::Invalid(format!(
                "-C/--chdir '{}' is not a directory",
                c.display()
            )));
        }
    }
    let prefix = match &opts.prefix {
        Some(p) => {
            PkgPath::parse(p).map_err(|e| SourceError::Invalid(format!("--prefix '{p}': {e}")))?
        }
        None => PkgPath::root(),
    };
    let mut entries = Vec::new();
    let mut claimed = Vec::new();
    for arg in &opts.inputs {
        let (src, dst) = mapping(arg, &prefix)?;
        // As fpm: an exclude applies to a PATH named on the command line too (`-x README.rst
        // README.rst dir` ships neither README.rst).
        let named = src.strip_prefix("./").unwrap_or(&src);
        if named != Path::new(".") && named != Path::new("") && excludes.matches(named) {
            listener.detail(&format!("'{arg}' is excluded by -x/--exclude"));
            continue;
        }
        let src_path = match &opts.chdir {
            Some(c) if opts.contain => inside(c, &src, "the -C directory")
                .map_err(|why| SourceError::Invalid(format!("'{arg}': {why}")))?,
            Some(c) => c.join(&src),
            None => src.clone(),
        };
        let (dst, into) = match dst {
            Dest::Exact(d) => (d, false),
            Dest::Into(d) => (d, true),
        };
        let placed = place(&src_path, dst, into)?;
        if placed.dst.is_root() && !placed.is_dir {
            return Err(SourceError::Invalid(format!(
                "'{arg}': a file cannot be installed as '/'"
            )));
        }
        claimed.extend(placed.claimed());
        entries.extend(walk(
            &src_path,
            &placed.dst,
            excludes,
            ExternalLinks::warn_or_reject(strict),
            listener,
        )?);
    }
    if entries
        .iter()
        .all(|e| e.kind == crate::model::EntryKind::Dir)
    {
        return Err(SourceError::Invalid(
            "the source holds no files (everything was empty or excluded)".into(),
        ));
    }
    Ok((entries, claimed))
}

/// Where one source goes, decided once for `src=dst` arguments and `[[files]]` alike.
pub struct Placed {
    /// The install path: `dst`, or `dst/<file name>` for a file given a `dst` ending in `/`.
    pub dst: PkgPath,
    /// The source is a directory (`lstat`: a symlink to one is not).
    pub is_dir: bool,
}

impl Placed {
    /// The directory the package claims by this mapping ([`crate::model::Package::claimed`]):
    /// a mapped directory is the package's own with all it holds, unless it is a base-system
    /// directory (`-C tree .` maps onto `/` and claims nothing).
    pub fn claimed(&self) -> Option<PkgPath> {
        (self.is_dir && !crate::sysdirs::is_system_dir(&self.dst.display()))
            .then(|| self.dst.clone())
    }
}

/// Places `src` at `dst`; with `into` (a `dst` written with a trailing `/`) a file goes inside
/// that directory, as `cp` does, and so does a directory written without a trailing `/`
/// (`conf/app=/usr/share/` is `/usr/share/app/...`, as fpm and `rsync -a` place it; `conf/app/`
/// or `conf/app/.` puts its contents there). Without `into`, a directory's contents go at
/// `dst` (`build/venv=/opt/app`), where fpm would make `/opt/app/venv`: docs/fpm.md says so. One `lstat` of `src`; a missing source is reported by the walk.
///
/// # Errors
/// [`SourceError::Path`] when the file name cannot be a package path component.
pub fn place(src: &Path, dst: PkgPath, into: bool) -> Result<Placed, SourceError> {
    use std::os::unix::ffi::OsStrExt;
    let is_dir = std::fs::symlink_metadata(src).is_ok_and(|m| m.is_dir());
    let written = src.as_os_str().as_bytes();
    let contents_only = written.ends_with(b"/") || written.ends_with(b"/.") || written == b".";
    let dst = match src.file_name() {
        Some(n) if into && (!is_dir || !contents_only) => dst.join(n.as_bytes())?,
        _ => dst,
    };
    Ok(Placed { dst, is_dir })
}

enum Dest {
    /// Install exactly here.
    Exact(PkgPath),
    /// A directory: a file source goes inside it.
    Into(PkgPath),
}

fn mapping(arg: &str, prefix: &PkgPath) -> Result<(PathBuf, Dest), SourceError> {
    let bad = |why: String| SourceError::Invalid(format!("'{arg}': {why}"));
    // Below `--prefix` (fpm's rule for every destination it is given relative, and for a PATH
    // named absolute: `--prefix /usr/local /tmp/tree` is /usr/local/tmp/tree).
    let below = |rel: &str| {
        let rel = rel.trim_start_matches('/');
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        match rel {
            "" | "." => Ok(prefix.clone()),
            _ => prefix.join(rel.as_bytes()),
        }
        .map_err(|e| bad(e.to_string()))
    };
    match arg.split_once('=') {
        Some((src, dst)) => {
            if src.is_empty() {
                return Err(bad("the source before '=' is empty".into()));
            }
            if dst.is_empty() {
                return Err(bad(
                    "the destination after '=' is empty (use '.' for --prefix itself)".into(),
                ));
            }
            // An absolute destination is where the file goes; a relative one is below
            // --prefix (`.build/venv=.`).
            let p = if dst.starts_with('/') {
                PkgPath::parse(dst).map_err(|e| bad(e.to_string()))?
            } else {
                below(dst)?
            };
            let d = if dst.ends_with('/') {
                Dest::Into(p)
            } else {
                Dest::Exact(p)
            };
            Ok((PathBuf::from(src), d))
        }
        None => Ok((PathBuf::from(arg), Dest::Exact(below(arg)?))),
    }
}

/// Does the relative path `p` climb above its start with `..`?
fn climbs_out(p: &Path) -> bool {
    let mut depth: i64 = 0;
    for c in p.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// The one rule for sources named relative to a directory (`-C DIR`, or the directory of the
/// `pkgr.toml` for its `paths` and `[[files]] src`): a relative `src` must stay inside `base`,
/// neither climbing out with `..` nor through a symlinked directory on the way (symlinks are
/// never followed out of the source tree). An absolute `src` names a file explicitly and is
/// used as given, as fpm does. Returns the path to read.
///
/// # Errors
/// What is wrong, naming the source and `base_name` (`the -C directory`), for the caller to
/// prefix with the argument or key.
pub fn inside(base: &Path, src: &Path, base_name: &str) -> Result<PathBuf, String> {
    if src.is_absolute() {
        return Ok(src.to_path_buf());
    }
    if climbs_out(src) {
        return Err(format!(
            "the source '{}' climbs out of {base_name} with '..'; name a file outside it with an absolute path",
            src.display()
        ));
    }
    let path = base.join(src);
    // `.` (or `./.`) is the base itself: there is no component on the way.
    let is_base = src.components().all(|c| matches!(c, Component::CurDir));
    if let Some(parent) = path.parent().filter(|_| !is_base) {
        let ok = match (base.canonicalize(), parent.canonicalize()) {
            (Ok(root), Ok(p)) => p.starts_with(root),
            _ => true, // a missing path is reported by walk()
        };
        if !ok {
            return Err(format!(
                "the source '{}' goes through a symlink out of {base_name}; symlinks are never followed out of the source tree",
                src.display()
            ));
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::Collect;
    use std::fs;

    fn read_in(
        dir: &Path,
        inputs: &[&str],
        prefix: Option<&str>,
    ) -> Result<Vec<String>, SourceError> {
        let opts = DirOptions {
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            chdir: Some(dir.to_path_buf()),
            contain: true,
            prefix: prefix.map(str::to_string),
        };
        let (es, _) = read(
            &opts,
            &Excludes::new(&[]).unwrap(),
            false,
            &Collect::default(),
        )?;
        Ok(es.iter().map(|e| e.path.display()).collect())
    }

    #[test]
    fn mappings_follow_fpm() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("etc")).unwrap();
        fs::write(d.path().join("etc/app.conf"), "x").unwrap();
        fs::write(d.path().join("run.sh"), "x").unwrap();
        assert_eq!(
            read_in(d.path(), &["run.sh=/usr/bin/app"], None).unwrap(),
            ["/usr/bin/app"]
        );
        assert_eq!(
            read_in(d.path(), &["run.sh=/usr/bin/"], None).unwrap(),
            ["/usr/bin/run.sh"]
        );
        assert_eq!(
            read_in(d.path(), &["etc=/etc/app"], None).unwrap(),
            ["/etc/app", "/etc/app/app.conf"]
        );
        // Into a directory (`dst/`): the directory itself, unless `src/` asks for its contents.
        assert_eq!(
            read_in(d.path(), &["etc=/srv/"], None).unwrap(),
            ["/srv/etc", "/srv/etc/app.conf"]
        );
        assert_eq!(
            read_in(d.path(), &["etc/=/srv/"], None).unwrap(),
            ["/srv", "/srv/app.conf"]
        );
        assert_eq!(
            read_in(d.path(), &["run.sh"], Some("/opt/x")).unwrap(),
            ["/opt/x/run.sh"]
        );
        // fpm joins relative destinations and absolute PATHs onto --prefix too.
        assert_eq!(
            read_in(d.path(), &["run.sh=bin/app"], Some("/opt/x")).unwrap(),
            ["/opt/x/bin/app"]
        );
        assert_eq!(
            read_in(d.path(), &["run.sh=bin/app"], None).unwrap(),
            ["/bin/app"]
        );
        assert_eq!(
            read_in(d.path(), &["etc=."], Some("/opt/x")).unwrap(),
            ["/opt/x", "/opt/x/app.conf"]
        );
        let abs = d.path().join("run.sh").display().to_string();
        let want = format!("/usr/local{abs}");
        assert_eq!(
            read_in(d.path(), &[abs.as_str()], Some("/usr/local")).unwrap(),
            [want]
        );
        // A named path and `dst/` mean the same in pkgr.toml's [[files]] (see assemble).
    }

    #[test]
    fn rejects_escapes_and_empty_destinations() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("f"), "x").unwrap();
        let e = read_in(d.path(), &["f="], None).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = read_in(d.path(), &["../f=/f"], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("climbs out"), "{e}");
        let e = read_in(d.path(), &["f=/usr/../../etc/f"], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(".."), "{e}");
        std::os::unix::fs::symlink("/etc", d.path().join("link")).unwrap();
        let e = read_in(d.path(), &["link/hostname=/x"], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("symlink out of the -C directory"), "{e}");
        let e = read_in(d.path(), &["nope=/x"], None).unwrap_err();
        assert!(matches!(e, SourceError::Missing(_)));
    }
}
