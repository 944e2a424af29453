//! The command line: the [`Options`] (fpm's flag names where a user would type them), the
//! subcommands, and what they ask for ([`Action`]). Every option is declared once, in
//! [`crate::options`] and the sources' and formats' own `Args`; this module adds only what is
//! not an option of a build (`--config`, `-V`, the subcommands).

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueHint};

use crate::config::{self, Loaded};
use crate::options::Options;
use crate::pipeline::Plan;
use crate::Error;

/// Build native packages from a Python application or a directory, in one step.
///
/// Examples: pkgr -s virtualenv -t deb ./app; pkgr -s dir -t rpm -n tool bin/tool=/usr/bin/tool;
/// pkgr -s python -t deb PyYAML; pkgr (reads ./pkgr.toml).
#[derive(Debug, Parser)]
#[command(
    name = "pkgr",
    disable_version_flag = true,
    args_override_self = true,
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 success, 1 build failure (pip, I/O, disk full), 2 invalid input, 130/143/129 interrupted (SIGINT/SIGTERM/SIGHUP).\nEnvironment: SOURCE_DATE_EPOCH sets every timestamp in the package (default 2024-01-01)."
)]
pub struct Cli {
    /// Other tasks than building.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Read options from this pkgr.toml (default: pkgr.toml in the PATH directory, or in the
    /// current directory when no PATH is given). Flags given here override it.
    #[arg(long = "config", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// Print pkgr's version and exit (so does `--version` given alone).
    #[arg(short = 'V')]
    pub print_version: bool,

    /// The options of the build.
    #[command(flatten)]
    pub options: Options,
}

/// Tasks besides building.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter pkgr.toml into DIR (default: here), inferred from what is there.
    Init {
        /// The directory (default: the current one).
        #[arg(value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
        /// Replace an existing pkgr.toml.
        #[arg(short = 'f', long)]
        force: bool,
    },
    /// Show the metadata, relations, scripts and files of a .deb, .rpm or tarball.
    Inspect {
        /// The package file.
        #[arg(value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print pkgr's manual page (roff) on stdout.
    Man,
}

/// What the command line asks for.
pub enum Action {
    /// Print pkgr's version.
    PrintVersion,
    /// Build packages.
    Build(Box<Plan>),
    /// Write a starter pkgr.toml.
    Init {
        /// Where.
        dir: PathBuf,
        /// Overwrite.
        force: bool,
    },
    /// Inspect a package.
    Inspect {
        /// The file.
        file: PathBuf,
        /// As JSON.
        json: bool,
    },
    /// Print completions.
    Completions(clap_complete::Shell),
    /// Print the man page.
    Man,
}

/// Is this command line `pkgr --version` and nothing else? Then it asks for pkgr's own
/// version; anywhere else `-v/--version` takes the package's version (as fpm's does), so an
/// empty `$(VERSION)` in a Makefile is an error, never a silent exit.
pub fn asks_for_own_version(args: &[std::ffi::OsString]) -> bool {
    args.len() == 2 && args[1] == "--version"
}

impl Cli {
    /// The command line of `pkgr -V`: print pkgr's version.
    pub fn print_own_version() -> Self {
        Cli {
            command: None,
            config: None,
            print_version: true,
            options: Options::default(),
        }
    }
}

/// Finds the pkgr.toml to use: `--config`, else one in the single PATH directory, else one in
/// the current directory when no PATH was given.
fn find_config(cli: &Cli) -> Result<Option<Loaded>, Error> {
    if let Some(p) = &cli.config {
        return Ok(Some(config::load(p)?));
    }
    let paths = cli.options.run.paths.as_deref().unwrap_or_default();
    let candidate = match paths {
        [] => PathBuf::from(config::FILE_NAME),
        [one] if !one.contains('=') && Path::new(one).is_dir() => {
            Path::new(one).join(config::FILE_NAME)
        }
        _ => return Ok(None),
    };
    if candidate.is_file() {
        Ok(Some(config::load(&candidate)?))
    } else {
        Ok(None)
    }
}

impl Cli {
    /// Turns flags (and `pkgr.toml`) into an [`Action`].
    ///
    /// # Errors
    /// [`Error`] for a missing or invalid flag or key (exit status 2).
    pub fn into_action(mut self, source_date_epoch: Option<&str>) -> Result<Action, Error> {
        if self.print_version {
            return Ok(Action::PrintVersion);
        }
        match self.command.take() {
            Some(Command::Init { dir, force }) => {
                return Ok(Action::Init {
                    dir: dir.unwrap_or_else(|| PathBuf::from(".")),
                    force,
                })
            }
            Some(Command::Inspect { file, json }) => return Ok(Action::Inspect { file, json }),
            Some(Command::Completions { shell }) => return Ok(Action::Completions(shell)),
            Some(Command::Man) => return Ok(Action::Man),
            None => {}
        }
        let recipe = find_config(&self)?;
        let plan = Plan::new(self.options, recipe, source_date_epoch)?;
        Ok(Action::Build(Box::new(plan)))
    }
}

/// Every long flag and alias the command line accepts (without `--`), subcommands' included:
/// what [`crate::fpm::rewrite`] leaves to clap.
pub fn long_flags() -> std::collections::BTreeSet<String> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = std::collections::BTreeSet::new();
    let mut add = |c: &clap::Command| {
        for a in c.get_arguments() {
            out.extend(a.get_long().map(str::to_string));
            out.extend(
                a.get_all_aliases()
                    .into_iter()
                    .flatten()
                    .map(str::to_string),
            );
        }
    };
    add(&cmd);
    for sub in cmd.get_subcommands() {
        add(sub);
    }
    out.insert("help".into());
    out
}
