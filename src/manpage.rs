//! `pkgr man`: pkgr(1), one page with everything a user looks for there. clap_mangen renders
//! the name, synopsis, description and options (grouped by their help headings); this module
//! adds what it would otherwise print as references to pages nobody installs (`pkgr-init(1)`)
//! or under "EXTRA": the commands with their arguments, FILES (every `pkgr.toml` key), EXIT
//! STATUS, ENVIRONMENT and SEE ALSO, the sections man-pages(7) lists for a command.

use std::io::Write;

use roff::{bold, italic, roman, Roff};

/// Renders pkgr(1) for `cmd` (pkgr's clap command) as roff.
///
/// # Errors
/// The writer's I/O error.
pub fn render(cmd: clap::Command, w: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    let mut roff = Roff::default();
    commands(&mut roff, &cmd);
    files(&mut roff);
    exit_status(&mut roff);
    environment(&mut roff);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "dpkg-deb(1), deb-control(5), deb-conffiles(5), rpm(8), tar(1); Debian Policy (debian-policy), the RPM file format (rpm.org/docs).",
    )]);
    roff.to_writer(w)
}

/// COMMANDS: each subcommand with its arguments, in this page.
fn commands(roff: &mut Roff, cmd: &clap::Command) {
    roff.control("SH", ["COMMANDS"]);
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut usage = vec![bold(format!("pkgr {}", sub.get_name()))];
        for a in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().as_str();
            if id == "help" {
                continue;
            }
            let text = match (a.get_long(), a.is_positional()) {
                (_, true) => format!(" [{}]", id.to_uppercase()),
                (Some(l), false) => format!(" [--{l}]"),
                (None, false) => continue,
            };
            usage.push(roman(text));
        }
        roff.control("TP", []);
        roff.text(usage);
        if let Some(about) = sub.get_about() {
            roff.text([roman(about.to_string())]);
        }
        for a in sub.get_arguments().filter(|a| a.get_id() != "help") {
            let name = match a.get_long() {
                Some(l) => format!("--{l}"),
                None => a.get_id().as_str().to_uppercase(),
            };
            let help = a.get_help().map(ToString::to_string).unwrap_or_default();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            let mut help = help.trim_end_matches('.').to_string();
            help.push('.');
            if a.get_action().takes_values() && !values.is_empty() {
                help.push_str(&format!(" One of: {}.", values.join(", ")));
            }
            roff.control("RS", []);
            roff.control("TP", []);
            roff.text([italic(name)]);
            roff.text([roman(help)]);
            roff.control("RE", []);
        }
    }
}

/// FILES: pkgr.toml and its keys.
fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([bold("pkgr.toml")]);
    roff.text([roman(
        "The recipe: `pkgr` with no PATH reads ./pkgr.toml, with one PATH directory PATH/pkgr.toml, and --config FILE names one. Every option above is a key spelled like its long flag (-v/--version is `version`, --deb-compression is `deb-compression`); a flag on the command line overrides the key. The sections [deb], [rpm] and [tar] hold a format's own values (metadata, relations, scripts and that format's options without its prefix: `compression` in [deb]). Each [[files]] table adds one entry: src, dst, type (file, dir, symlink or config), mode, owner and group. Relative paths are relative to the file's directory.",
    )]);
    let keys = crate::config::top_level_keys();
    roff.control("TP", []);
    roff.text([bold("Top-level keys")]);
    roff.text([roman(keys.join(", "))]);
    for kind in crate::format::FormatKind::ALL {
        let mut own: Vec<String> = crate::config::section_keys(*kind)
            .into_iter()
            .map(|(short, _)| short)
            .collect();
        own.dedup();
        roff.control("TP", []);
        roff.text([bold(format!("[{}]", kind.name()))]);
        roff.text([roman(own.join(", "))]);
    }
}

/// EXIT STATUS, as README.md documents it.
fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in [
        ("0", "Every package was written (or the command did what it was asked)."),
        ("1", "The build failed: pip or python, I/O, a full disk, a file that changed while it was read. Nothing is left at an output path."),
        ("2", "Invalid input: a flag, a pkgr.toml key, a field breaking the format's rules, an existing output without -f. Every problem the options show is reported at once, before any work."),
        ("129, 130, 143", "Interrupted by SIGHUP, SIGINT or SIGTERM; temporary files and the staging directory are removed."),
    ] {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(what)]);
    }
}

/// ENVIRONMENT: the variables pkgr reads.
fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, what) in [
        ("SOURCE_DATE_EPOCH", "Seconds since 1970: every timestamp in the packages (default 1704067200, 2024-01-01), so the same input gives byte-identical packages."),
        ("TMPDIR", "Where scratch files and the virtualenv staging directory go when --workdir is not given."),
        ("DPKG_ADMINDIR", "The dpkg database the shared-library dependencies of a deb are read from (default /var/lib/dpkg)."),
        ("PKGR_RPM_PASSPHRASE", "The passphrase of the --rpm-sign-key, when it has one."),
        ("PATH", "Where uv is looked up for --pip-tool uv."),
    ] {
        roff.control("TP", []);
        roff.text([bold(var)]);
        roff.text([roman(what)]);
    }
}
