//! pip's options, shared by the sources that run pip (`-s virtualenv`, `-s python`): declared
//! once here, flattened into [`super::SourceArgs`] by the `sources!` registry.

use std::process::Command;

use crate::options::options;

/// Where pip looks for distributions, and what else it is told.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "pip (-s virtualenv, -s python)")]
#[group(id = "pip-options")]
pub struct Args {
    /// pip's --index-url (fpm's --python-pypi and --virtualenv-pypi are aliases).
    #[arg(long, aliases = ["python-pypi", "virtualenv-pypi"], value_name = "URL")]
    #[serde(alias = "python-pypi", alias = "virtualenv-pypi")]
    pub index_url: Option<String>,

    /// pip's --extra-index-url (fpm's --virtualenv-pypi-extra-url is an alias). Repeatable.
    #[arg(long, alias = "virtualenv-pypi-extra-url", value_name = "URL")]
    #[serde(alias = "virtualenv-pypi-extra-url")]
    pub extra_index_url: Option<Vec<String>>,

    /// pip's --find-links (fpm's --virtualenv-find-links is an alias). Repeatable.
    #[arg(long, alias = "virtualenv-find-links", value_name = "URL")]
    #[serde(alias = "virtualenv-find-links")]
    pub find_links: Option<Vec<String>>,

    /// One more argument for every pip command pkgr runs (e.g. --pip-arg=--no-binary=:all:).
    /// Repeatable.
    #[arg(long, allow_hyphen_values = true, value_name = "ARG")]
    pub pip_arg: Option<Vec<String>>,
}

options!(Args {
    index_url,
    extra_index_url,
    find_links,
    pip_arg,
});

/// [`Args`] with their defaults applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipOptions {
    /// `--index-url`.
    pub index_url: Option<String>,
    /// `--extra-index-url` (repeatable).
    pub extra_index_urls: Vec<String>,
    /// `--find-links` (repeatable).
    pub find_links: Vec<String>,
    /// `--pip-arg` (repeatable).
    pub pip_args: Vec<String>,
}

impl PipOptions {
    /// `args` resolved.
    pub fn resolve(args: &Args) -> Self {
        let Args {
            index_url,
            extra_index_url,
            find_links,
            pip_arg,
        } = args.clone();
        PipOptions {
            index_url,
            extra_index_urls: extra_index_url.unwrap_or_default(),
            find_links: find_links.unwrap_or_default(),
            pip_args: pip_arg.unwrap_or_default(),
        }
    }

    /// Adds `--index-url`, `--extra-index-url`, `--find-links` and `--pip-arg` to `cmd`, as pip
    /// and uv both spell them.
    pub fn add_to(&self, cmd: &mut Command) {
        if let Some(u) = &self.index_url {
            cmd.arg("--index-url").arg(u);
        }
        for u in &self.extra_index_urls {
            cmd.arg("--extra-index-url").arg(u);
        }
        for f in &self.find_links {
            cmd.arg("--find-links").arg(f);
        }
        cmd.args(&self.pip_args);
    }
}
