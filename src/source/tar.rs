//! `-s tar TARBALL`: the entries of a `.tar`, `.tar.gz`, `.tar.xz`, `.tar.zst`, `.tar.bz2` or
//! `.tar.lzma` (fpm's `-s tar`), read by the tarball reader `pkgr inspect` uses, each file
//! streamed into a staging directory. Modes, symlinks and hard links are kept, and with
//! `--keep-owners` the owners (the names the tarball records, else its numeric ids). `-C DIR` takes only the members below `DIR`
//! (stripped), `--prefix DIR` puts them below `DIR`.
//!
//! A tarball's tree is not the file system's root, so besides members that would extract
//! outside it (absolute names, `..`), symlinks that leave it (absolute targets, or relative ones
//! climbing above its root, or through the tree's other symlinks) are refused. Every entry is
//! root's unless `--keep-owners`. The name and version come from `-n`/`-v`, else from a release
//! tarball's file name ([`guess`]), else its stem and 1.0 (fpm takes the name from the file
//! name too). See [`super::convert`].

use super::convert::{self, Placement};
use super::{Input, Output, Source, SourceError};
use crate::format::FormatKind;
use crate::model::{Package, PkgPath};
use crate::options::options;

/// Options of `-s tar` (`-C` and `--prefix` are shared with `-s dir`).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "-s tar")]
#[group(id = "tar-source-options")]
pub struct Args {
    /// Keep the owners the tarball records (default false: every entry is root's, as fpm makes
    /// them; a tarball made by a build user names that user, who does not exist where the
    /// package is installed).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true, value_name = "BOOL")]
    pub keep_owners: Option<bool>,
}

options!(Args { keep_owners });

/// The tarball source.
pub struct Tar;

impl Source for Tar {
    /// # Errors
    /// [`SourceError`]: not one PATH, not a tarball, damaged or truncated, or an unsafe member.
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        let path = convert::one_path(input, "-s tar", "tarball")?;
        let o = input.options;
        let dir_arg = |flag: &str, v: &str| {
            PkgPath::parse(&format!("/{}", v.trim_start_matches("./")))
                .map_err(|e| SourceError::Invalid(format!("{flag} '{v}': {e}")))
        };
        let chdir = o
            .sources
            .dir
            .chdir
            .as_ref()
            .map(|c| dir_arg("-C", &c.to_string_lossy()))
            .transpose()?;
        let prefix = o
            .contents
            .prefix
            .as_deref()
            .map(|p| dir_arg("--prefix", p))
            .transpose()?;
        let unpacked = convert::read(&path, FormatKind::Tar, input.scratch)?;
        let keep_owners = o.sources.tar.keep_owners.unwrap_or(false);
        let place = Placement {
            chdir: chdir.as_ref(),
            prefix: prefix.as_ref(),
            absolute_links_leave: true,
            excludes: input.excludes,
            keep_owners,
        };
        let mut none = Vec::new();
        let entries = convert::entries(&unpacked, &place, &mut none)?;
        if let (Some(c), true) = (&chdir, entries.is_empty()) {
            return Err(SourceError::Invalid(format!(
                "-C '{}': the tarball has nothing below that directory",
                c.display().trim_start_matches('/')
            )));
        }
        if !keep_owners {
            let owners: std::collections::BTreeSet<String> = unpacked
                .inspection
                .files
                .iter()
                .filter(|f| !matches!(&*f.user, "root" | "0") || !matches!(&*f.group, "root" | "0"))
                .map(|f| format!("{}:{}", f.user, f.group))
                .collect();
            if !owners.is_empty() {
                input.listener.info(&format!(
                    "-s tar: every entry is root's; the tarball names {} (--keep-owners keeps them)",
                    owners.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
        let (name, version) = guess(file.as_deref().unwrap_or("package"));
        if o.meta.name.is_none() || o.meta.version.is_none() {
            input.listener.info(&format!(
                "-s tar: name '{name}' and version '{version}' from the file name (-n and -v set them)"
            ));
        }
        let mut package = Package {
            entries,
            ..Package::default()
        };
        package.meta.name = o.meta.name.clone().unwrap_or(name);
        package.meta.version = o.meta.version.clone().unwrap_or(version);
        Ok(Output {
            package,
            staging: Some(unpacked.staging),
        })
    }
}

/// A release tarball's name and version from its file name: the name up to the last `-`
/// followed by a digit (or `v` and a digit), lowercased with `_` as `-` (Debian Policy §5.6.1);
/// the version its digits and dots, with a pre-release suffix glued to them (`1.0rc1`), the
/// platform words after it left out: `jq-1.7.1.tar.gz` → (`jq`, `1.7.1`),
/// `helm-v3.15.2-linux-amd64.tar.gz` → (`helm`, `3.15.2`). Without such a part: the name
/// before the first `.` and `1.0`.
pub fn guess(file: &str) -> (String, String) {
    let stem = [
        ".tar.gz",
        ".tgz",
        ".tar.xz",
        ".txz",
        ".tar.zst",
        ".tzst",
        ".tar.bz2",
        ".tbz2",
        ".tar.lzma",
        ".tar",
    ]
    .iter()
    .find_map(|ext| file.strip_suffix(ext))
    .unwrap_or(file);
    let starts_version = |r: &str| {
        let r = r.strip_prefix('v').unwrap_or(r);
        r.starts_with(|d: char| d.is_ascii_digit())
    };
    let split = stem
        .char_indices()
        .filter(|&(i, c)| c == '-' && stem.get(i + 1..).is_some_and(starts_version))
        .map(|(i, _)| i)
        .next_back();
    let tidy = |n: &str| n.to_ascii_lowercase().replace('_', "-");
    match split {
        Some(i) if i > 0 => {
            let rest = &stem[i + 1..];
            let rest = rest.strip_prefix('v').unwrap_or(rest);
            let digits = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let mut end = digits;
            // A pre-release glued to the number: 1.0rc1, 2.0b3.
            if let Some(tail) = rest.get(digits..) {
                if tail.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    let word = tail
                        .find(|c: char| !c.is_ascii_alphanumeric())
                        .unwrap_or(tail.len());
                    if tail[..word].contains(|c: char| c.is_ascii_digit()) {
                        end += word;
                    }
                }
            }
            let version = rest[..end].trim_end_matches('.');
            (tidy(&stem[..i]), version.to_string())
        }
        _ => (tidy(stem.split('.').next().unwrap_or(stem)), "1.0".into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn release_names() {
        let g = |f: &str| super::guess(f);
        assert_eq!(g("jq-1.7.1.tar.gz"), ("jq".into(), "1.7.1".into()));
        assert_eq!(
            g("node-exporter-1.8.2.tar.zst"),
            ("node-exporter".into(), "1.8.2".into())
        );
        assert_eq!(g("payload.tar"), ("payload".into(), "1.0".into()));
        assert_eq!(g("app.v2.tgz"), ("app".into(), "1.0".into()));
        assert_eq!(
            g("helm-v3.15.2-linux-amd64.tar.gz"),
            ("helm".into(), "3.15.2".into())
        );
        assert_eq!(
            g("node_exporter-1.8.2.linux-amd64.tar.gz"),
            ("node-exporter".into(), "1.8.2".into())
        );
        assert_eq!(g("Foo-2.0rc1.tar.xz"), ("foo".into(), "2.0rc1".into()));
    }
}
