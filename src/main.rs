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
    dependencies: Mutex<Vec<pkgr::format::common::DependencyDecision>>,
}

impl Stderr {
    fn say(&self, line: String) {
        match self.bar.lock().ok().as_deref().and_then(Option::as_ref) {
            Some(bar) => bar.println(line),
            // A closed stderr must not stop the build.
            None => {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }
}

/// Why the binary stops early.
enum Stop {
    /// A build or usage error (its exit code is the error's).
    Error(pkgr::Error),
    /// stdout could not take the output.
    Stdout(std::io::Error),
}

impl From<pkgr::Error> for Stop {
    fn from(e: pkgr::Error) -> Self {
        Stop::Error(e)
    }
}

/// Writes `text` to stdout and flushes it; a reader that went away (`| head -1`, `| true`) or a
/// full disk is reported to the caller, never a panic.
fn out(text: &[u8]) -> Result<(), Stop> {
    let mut o = std::io::stdout().lock();
    o.write_all(text)
        .and_then(|()| o.flush())
        .map_err(Stop::Stdout)
}

/// A path for a `sha256sum`-style line, escaped as GNU coreutils escapes it: a name with a
/// backslash, newline or carriage return gets a leading `\` and those characters as `\\`,
/// `\n` and `\r`, so no file name can forge a second line.
fn checksum_line(sha256: &str, path: &std::path::Path) -> String {
    let p = path.to_string_lossy();
    if p.contains(['\\', '\n', '\r']) {
        let escaped = p
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{sha256}  {escaped}\n")
    } else {
        format!("{sha256}  {p}\n")
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
    fn dependency(&self, d: &pkgr::format::common::DependencyDecision) {
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
                    // Bytes done and time spent, no rate or ETA: the rate swings with file
                    // sizes and compression (a 12 KiB/s, 19m estimate just before the end).
                    "pkgr: {prefix:>4} [{bar:30}] {bytes}/{total_bytes} {percent:>3}% {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            )
        } else {
            // A step of unknown length (pip): what it is and how long it has been running.
            let s = indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template("pkgr: {spinner} {prefix} ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
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

impl Stderr {
    /// A listener for a build, quiet or verbose as the plan says (`-q`, `--verbose`, or the
    /// recipe's `quiet`/`verbose`).
    fn new(quiet: bool, verbose: bool) -> Self {
        Stderr {
            quiet,
            verbose,
            tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            bar: Mutex::new(None),
            warnings: Mutex::new(Vec::new()),
            dependencies: Mutex::new(Vec::new()),
        }
    }
}

fn run(cli: Cli) -> Result<(), Stop> {
    let sde = std::env::var("SOURCE_DATE_EPOCH").ok();
    match cli.into_action(sde.as_deref())? {
        Action::PrintVersion => out(format!("pkgr {}\n", env!("CARGO_PKG_VERSION")).as_bytes())?,
        Action::Completions(shell) => {
            out(&pkgr::completion::script(shell, Cli::command()))?;
        }
        Action::Man => {
            let mut buf = Vec::new();
            pkgr::manpage::render(Cli::command(), &mut buf)
                .map_err(|e| pkgr::Error::Usage(format!("cannot render the man page: {e}")))?;
            out(&buf)?;
        }
        Action::Init { dir, force } => {
            let path = pkgr::init(&dir, force)?;
            out(format!("{}\n", path.display()).as_bytes())?;
        }
        Action::Inspect { file, json } => {
            let report = pkgr::inspect::inspect(&file).map_err(pkgr::Error::from)?;
            if json {
                let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
                text.push('\n');
                out(text.as_bytes())?;
            } else {
                out(pkgr::inspect::render_text(&report).as_bytes())?;
            }
        }
        Action::Build(plan) => {
            let run = &plan.options.run;
            let flag = pkgr::options::run::RunArgs::flag;
            let listener = Stderr::new(run.is_quiet(), run.is_verbose());
            let built = pkgr::run(&plan, &listener)?;
            if flag(run.json) {
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
                let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
                text.push('\n');
                out(text.as_bytes())?;
            } else {
                // sha256sum(1) format, so `pkgr ... | sha256sum -c` verifies the artifacts.
                let lines: String = built
                    .iter()
                    .map(|a| checksum_line(&a.sha256, &a.path))
                    .collect();
                out(lines.as_bytes())?;
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    if let Err(e) = pkgr::cleanup::install() {
        let _ = writeln!(
            std::io::stderr(),
            "pkgr: warning: cannot handle signals: {e}"
        );
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // fpm's spellings first: `--no-FLAG`, flags fpm ignores, and precise refusals.
    let args = match pkgr::fpm::rewrite(args, &pkgr::cli::long_flags()) {
        Ok(r) => {
            for w in &r.warnings {
                let _ = writeln!(std::io::stderr(), "pkgr: warning: {w}");
            }
            r.args
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "pkgr: error: {e}");
            return ExitCode::from(2);
        }
    };
    let parsed = if pkgr::cli::asks_for_own_version(&args) {
        Ok(Cli::print_own_version())
    } else {
        Cli::try_parse_from(&args)
    };
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`pkgr inspect x | head -1`): its choice, not a failure.
        Err(Stop::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Stop::Stdout(e)) => {
            let _ = writeln!(
                std::io::stderr(),
                "pkgr: error: cannot write to stdout: {e}"
            );
            ExitCode::from(1)
        }
        Err(Stop::Error(pkgr::Error::Many(all))) => {
            let mut err = std::io::stderr().lock();
            for e in &all {
                let _ = writeln!(err, "pkgr: error: {e}");
            }
            let _ = writeln!(err, "pkgr: {} problems, nothing was built", all.len());
            ExitCode::from(pkgr::Error::Many(all).exit_code() as u8)
        }
        Err(Stop::Error(e)) => {
            let _ = writeln!(std::io::stderr(), "pkgr: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
