//! A build's plan: the layers of options (the command line, the `pkgr.toml`'s top level and its
//! `[format]` sections) merged with one precedence, **command line > `[format]` section >
//! top-level key > default**, and what follows from them before any work: the source, the
//! formats, the PATHs and where they are relative to, the timestamp.

use std::path::Path;

use crate::config::{FileSpec, Loaded};
use crate::format::FormatKind;
use crate::options::{Combine, Options};
use crate::source::SourceKind;
use crate::Error;

/// Everything a build needs, decided from the command line and the recipe.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The command line's layer.
    pub cli: Options,
    /// The `pkgr.toml`, when one was read.
    pub recipe: Option<Loaded>,
    /// The command line over the recipe's top-level keys: what the source and the neutral
    /// passes read.
    pub options: Options,
    /// Every timestamp in the artifacts (`SOURCE_DATE_EPOCH`, or the fixed default).
    pub source_date_epoch: u64,
}

impl Plan {
    /// Merges the layers and checks what can be checked before any work.
    ///
    /// # Errors
    /// [`Error`] for a bad `SOURCE_DATE_EPOCH`, no source, no format, or nothing to package.
    pub fn new(
        mut cli: Options,
        mut recipe: Option<Loaded>,
        sde: Option<&str>,
    ) -> Result<Self, Error> {
        with_inputs(&mut cli, recipe.as_mut())?;
        let top = recipe
            .as_ref()
            .map(|r| r.options.clone())
            .unwrap_or_default();
        let options = cli.clone().combine(top);
        let default = options.run.source_date_epoch_default.map(|n| n.to_string());
        let source_date_epoch = crate::time::source_date_epoch(sde.or(default.as_deref()))
            .map_err(|e| Error::Usage(e.to_string()))?;
        let plan = Plan {
            cli,
            recipe,
            options,
            source_date_epoch,
        };
        plan.source()?;
        plan.formats()?;
        let dir_root =
            plan.source()? == SourceKind::Dir && plan.options.sources.dir.chdir.is_some();
        let needs_none = plan.source()? == SourceKind::Empty;
        if plan.paths().0.is_empty() && plan.files().is_empty() && !dir_root && !needs_none {
            return Err(Error::Usage(
                "missing PATH: what should be packaged?".into(),
            ));
        }
        Ok(plan)
    }

    /// `-s` (or the recipe's `source`).
    ///
    /// # Errors
    /// [`Error::Usage`] when neither gives one.
    pub fn source(&self) -> Result<SourceKind, Error> {
        self.options.run.input_type.ok_or_else(|| {
            let hint = match self.recipe {
                None => "; `pkgr init` writes a starter pkgr.toml for this directory",
                Some(_) => "",
            };
            Error::Usage(format!(
                "missing -s/--input-type (virtualenv, python, dir, empty, tar, deb or rpm), or a pkgr.toml with source = ...{hint}"
            ))
        })
    }

    /// `-t` (or the recipe's `targets`), each once, in order.
    ///
    /// # Errors
    /// [`Error::Usage`] when neither gives one.
    pub fn formats(&self) -> Result<Vec<FormatKind>, Error> {
        let mut out: Vec<FormatKind> = Vec::new();
        for k in self.options.run.output_type.iter().flatten() {
            if !out.contains(k) {
                out.push(*k);
            }
        }
        if out.is_empty() {
            return Err(Error::Usage(
                "missing -t/--output-type (deb, rpm or tar)".into(),
            ));
        }
        Ok(out)
    }

    /// The PATH arguments, and the recipe's directory when they came from the recipe (they
    /// are relative to it there).
    pub fn paths(&self) -> (Vec<String>, Option<&Path>) {
        match &self.cli.run.paths {
            Some(p) => (p.clone(), None),
            None => match &self.recipe {
                Some(r) => (
                    r.options.run.paths.clone().unwrap_or_default(),
                    Some(r.base.as_path()),
                ),
                None => (Vec::new(), None),
            },
        }
    }

    /// The recipe's `[[files]]`.
    pub fn files(&self) -> &[FileSpec] {
        self.recipe.as_ref().map_or(&[], |r| &r.files)
    }

    /// The recipe's `[format]` section for `kind`, if it has one.
    pub fn section(&self, kind: FormatKind) -> Option<&Options> {
        self.recipe.as_ref().and_then(|r| r.sections.get(&kind))
    }

    /// The options for one format: the command line over its section over the top level.
    pub fn for_format(&self, kind: FormatKind) -> Options {
        let top = self
            .recipe
            .as_ref()
            .map(|r| r.options.clone())
            .unwrap_or_default();
        let section = self.section(kind).cloned().unwrap_or_default();
        self.cli.clone().combine(section.combine(top))
    }
}

/// `--inputs FILE` (fpm's): its lines join the PATHs of the layer that [`Plan::paths`] reads
/// (the command line's, or the recipe's when only it has PATHs), after the ones given.
///
/// # Errors
/// [`Error::Usage`] for an unreadable file, or `--inputs` with another source than dir.
fn with_inputs(cli: &mut Options, recipe: Option<&mut Loaded>) -> Result<(), Error> {
    let from_recipe = recipe.as_ref().and_then(|r| r.options.run.inputs.clone());
    let (file, in_recipe) = match (cli.run.inputs.clone(), from_recipe) {
        (Some(f), _) => (f, false),
        (None, Some(f)) => (f, true),
        (None, None) => return Ok(()),
    };
    let source = cli
        .run
        .input_type
        .or(recipe.as_ref().and_then(|r| r.options.run.input_type));
    if source.is_some_and(|s| s != SourceKind::Dir) {
        return Err(Error::Usage(
            "--inputs is only valid with -s dir (as in fpm)".into(),
        ));
    }
    let lines = super::precheck::list_file("--inputs", &file)?;
    // The lines are PATHs of the layer that named the file: a recipe's are relative to its
    // directory (they join its `paths`), the command line's to the current one. A command
    // line with PATHs of its own reads only those, as it always does.
    match recipe {
        Some(r) if in_recipe && cli.run.paths.is_none() => {
            r.options
                .run
                .paths
                .get_or_insert_with(Vec::new)
                .extend(lines);
        }
        _ => cli.run.paths.get_or_insert_with(Vec::new).extend(lines),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// A plan from a command line and a pkgr.toml text.
    fn plan(args: &[&str], toml: &str) -> Plan {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("pkgr.toml");
        std::fs::write(&p, toml).unwrap();
        let recipe = crate::config::load(&p).unwrap();
        let mut argv = vec!["pkgr"];
        argv.extend(args);
        let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
        Plan::new(cli.options, Some(recipe), None).unwrap()
    }

    #[test]
    fn command_line_over_section_over_top_level_over_default() {
        let toml = "source = \"dir\"\ntargets = [\"deb\", \"rpm\"]\npaths = [\"a=/a\"]\n\
                    name = \"top\"\nversion = \"1\"\n[rpm]\nname = \"section\"\ncompression = \"xz\"\n";
        let p = plan(&[], toml);
        assert_eq!(
            p.for_format(FormatKind::Deb).meta.name.as_deref(),
            Some("top")
        );
        assert_eq!(
            p.for_format(FormatKind::Rpm).meta.name.as_deref(),
            Some("section")
        );
        assert_eq!(
            p.for_format(FormatKind::Rpm).formats.rpm.rpm_compression,
            Some(crate::compress::Algorithm::Xz)
        );
        // Nothing set anywhere: the default is the owning module's (zstd for rpm).
        assert_eq!(
            p.for_format(FormatKind::Deb).formats.rpm.rpm_compression,
            None
        );
        let p = plan(&["-n", "cli", "--rpm-compression", "gzip"], toml);
        assert_eq!(
            p.for_format(FormatKind::Rpm).meta.name.as_deref(),
            Some("cli")
        );
        assert_eq!(
            p.for_format(FormatKind::Deb).meta.name.as_deref(),
            Some("cli")
        );
        assert_eq!(
            p.for_format(FormatKind::Rpm).formats.rpm.rpm_compression,
            Some(crate::compress::Algorithm::Gzip)
        );
        assert_eq!(p.options.meta.version.as_deref(), Some("1"));
    }

    #[test]
    fn flags_override_the_recipe_both_ways() {
        let toml = "source = \"dir\"\ntargets = [\"deb\"]\npaths = [\"a=/a\"]\nstrict = true\n";
        assert_eq!(plan(&[], toml).options.run.strict, Some(true));
        assert_eq!(
            plan(&["--strict=false"], toml).options.run.strict,
            Some(false)
        );
        let p = plan(&["-t", "tar,rpm,tar"], toml);
        assert_eq!(p.formats().unwrap(), [FormatKind::Tar, FormatKind::Rpm]);
        let p = plan(&["b=/b"], toml);
        assert_eq!(p.paths(), (vec!["b=/b".to_string()], None));
        let p = plan(&[], toml);
        assert_eq!(p.paths().0, ["a=/a"]);
        assert!(
            p.paths().1.is_some(),
            "the recipe's paths are relative to it"
        );
    }
}
