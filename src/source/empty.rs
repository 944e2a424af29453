//! `-s empty`: a package with no files of its own, only metadata, relations and scripts (a
//! metapackage that pulls its dependencies in, as fpm's `-s empty` makes one).
//!
//! It takes no PATH (a `[[files]]` of a pkgr.toml may still add files). The name is `-n`
//! (required); the version `-v` (default 1.0, as fpm's); the architecture defaults to `all`,
//! as fpm's empty type sets it, since there is nothing architecture-specific in it.

use super::{Input, Output, Source, SourceError};
use crate::model::Package;
use crate::options::options;

/// Options of `-s empty` (none).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[group(id = "empty-options")]
pub struct Args {}

options!(Args {});

/// The empty source.
pub struct Empty;

impl Source for Empty {
    /// A package with the user's metadata and no entries.
    ///
    /// # Errors
    /// [`SourceError::Invalid`] without `-n`, or with a PATH.
    fn read(&self, input: &Input) -> Result<Output, SourceError> {
        if !input.paths.is_empty() {
            return Err(SourceError::Invalid(format!(
                "-s empty takes no PATH (got '{}'): it makes a package without files; use -s dir to package files",
                input.paths.join(" ")
            )));
        }
        let o = input.options;
        let mut package = Package::default();
        package.meta.name = o
            .meta
            .name
            .clone()
            .ok_or_else(|| SourceError::Invalid("-s empty needs -n/--name".into()))?;
        package.meta.version = o.meta.version.clone().unwrap_or_else(|| "1.0".into());
        package.meta.architecture = "all".into();
        Ok(Output {
            package,
            staging: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::Listener;
    use crate::options::Options;
    use crate::source::Excludes;

    struct Quiet;
    impl Listener for Quiet {
        fn info(&self, _: &str) {}
        fn warning(&self, _: &str) {}
    }

    #[test]
    fn no_files_architecture_all_and_no_path() {
        let mut options = Options::default();
        options.meta.name = Some("meta".into());
        let excludes = Excludes::new(&[]).unwrap();
        let input = |paths: &'static [String]| Input {
            options: &options,
            paths,
            recipe_dir: None,
            excludes: &excludes,
            scratch: std::path::Path::new("/tmp"),
            more_files: false,
            listener: &Quiet,
        };
        let out = Empty.read(&input(&[])).unwrap();
        assert!(out.package.entries.is_empty());
        assert_eq!(out.package.meta.architecture, "all");
        assert_eq!(out.package.meta.version, "1.0");
        static PATHS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let paths = PATHS.get_or_init(|| vec!["x".to_string()]);
        let e = Empty
            .read(&input(paths))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("takes no PATH"), "{e}");
    }
}
