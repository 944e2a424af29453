//! The `pkgr` binary: parse flags, run the build, map errors to exit codes. Nothing else.

use std::process::ExitCode;

use clap::Parser;
use pkgr::cli::{Action, Cli};
use pkgr::listener::Listener;

/// Progress to stderr (unless quiet), warnings always.
struct Stderr {
    quiet: bool,
}

impl Listener for Stderr {
    fn info(&self, msg: &str) {
        if !self.quiet {
            eprintln!("pkgr: {msg}");
        }
    }
    fn warning(&self, msg: &str) {
        eprintln!("pkgr: warning: {msg}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = cli.quiet;
    let sde = std::env::var("SOURCE_DATE_EPOCH").ok();
    let result = cli
        .into_action(sde.as_deref())
        .and_then(|action| match action {
            Action::PrintVersion => {
                println!("pkgr {}", env!("CARGO_PKG_VERSION"));
                Ok(())
            }
            Action::Build(req) => {
                let artifacts = pkgr::run(&req, &Stderr { quiet })?;
                // sha256sum(1) format, so `pkgr ... | sha256sum -c` verifies the artifacts.
                for a in artifacts {
                    println!("{}  {}", a.sha256, a.path.display());
                }
                Ok(())
            }
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pkgr: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
