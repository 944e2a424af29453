//! The `pkgr` binary: parse flags, run the action, map errors to exit codes. Nothing else.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{CommandFactory, Parser};
use pkgr::cli::{Action, Cli};
use pkgr::listener::Listener;

/// Messages to stderr: progress unless quiet, details with --verbose, warnings always (and kept
/// for --json). A progress bar is drawn only when stderr is a terminal.
struct Stderr {
    quiet: bool,
    verbose: bool,
    tty: bool,
    bar: Mutex<Option<indicatif::ProgressBar>>,
    warnings: Mutex<Vec<String>>,
    dependencies: Mutex<Vec<pkgr::format::DependencyDecision>>,
}

impl Stderr {
    fn say(&self, line: String) {
        match self.bar.lock().ok().as_deref().and_then(Option::as_ref) {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

impl Listener for Stderr {
    fn info(&self, msg: &str) {
        if !self.quiet {
            self.say(format!("pkgr: {msg}"));
        }
    }
    fn detail(&self, msg: &str) {
        if self.verbose {
            self.say(format!("pkgr: {msg}"));
        }
    }
    fn dependency(&self, d: &pkgr::format::DependencyDecision) {
        self.detail(&d.to_string());
        if let Ok(mut v) = self.dependencies.lock() {
            v.push(d.clone());
        }
    }
    fn warning(&self, msg: &str) {
        self.say(format!("pkgr: warning: {msg}"));
        if let Ok(mut w) = self.warnings.lock() {
            w.push(msg.to_string());
        }
    }
    fn begin(&self, what: &str, total: u64) {
        if self.quiet || !self.tty {
            return;
        }
        let bar = if total > 0 {
            indicatif::ProgressBar::new(total).with_style(
                indicatif::ProgressStyle::with_template(
                    "pkgr: {prefix:>4} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            )
        } else {
            let s = indicatif::ProgressBar::new_spinner();
            s.enable_steady_tick(std::time::Duration::from_millis(120));
            s
        };
        bar.set_prefix(what.to_string());
        if let Ok(mut b) = self.bar.lock() {
            *b = Some(bar);
        }
    }
    fn advance(&self, bytes: u64) {
        if let Some(bar) = self.bar.lock().ok().as_deref().and_then(Option::as_ref) {
            bar.inc(bytes);
        }
    }
    fn end(&self) {
        if let Some(bar) = self.bar.lock().ok().and_then(|mut b| b.take()) {
            bar.finish_and_clear();
        }
    }
}

fn run(cli: Cli) -> Result<(), pkgr::Error> {
    let listener = Stderr {
        quiet: cli.quiet,
        verbose: cli.verbose,
        tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        bar: Mutex::new(None),
        warnings: Mutex::new(Vec::new()),
        dependencies: Mutex::new(Vec::new()),
    };
    let json = cli.json;
    let sde = std::env::var("SOURCE_DATE_EPOCH").ok();
    match cli.into_action(sde.as_deref())? {
        Action::PrintVersion => println!("pkgr {}", env!("CARGO_PKG_VERSION")),
        Action::Completions(shell) => {
            clap_complete::generate(shell, &mut Cli::command(), "pkgr", &mut std::io::stdout())
        }
        Action::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| pkgr::Error::Usage(format!("cannot render the man page: {e}")))?;
            let _ = std::io::stdout().write_all(&out);
        }
        Action::Init { dir, force } => {
            let path = pkgr::init(&dir, force)?;
            println!("{}", path.display());
        }
        Action::Inspect { file, json } => {
            let report =
                pkgr::inspect::inspect(&file).map_err(|e| pkgr::Error::Usage(e.to_string()))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", pkgr::inspect::render_text(&report));
            }
        }
        Action::Build(req) => {
            let built = pkgr::run(&req, &listener)?;
            if json {
                let warnings = listener
                    .warnings
                    .lock()
                    .map(|w| w.clone())
                    .unwrap_or_default();
                let dependencies = listener
                    .dependencies
                    .lock()
                    .map(|d| d.clone())
                    .unwrap_or_default();
                let doc = serde_json::json!({
                    "artifacts": built,
                    "warnings": warnings,
                    "dependencies": dependencies,
                });
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            } else {
                // sha256sum(1) format, so `pkgr ... | sha256sum -c` verifies the artifacts.
                for a in built {
                    println!("{}  {}", a.sha256, a.path.display());
                }
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pkgr: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
