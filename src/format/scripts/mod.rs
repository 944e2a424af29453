//! Maintainer scripts, the engine every format's table feeds: a format has native scripts (deb:
//! `preinst`, `postinst`, `prerm`, `postrm`, Debian Policy §6.5; rpm: `%pre`, `%post`,
//! `%preun`, `%postun`, the RPM scriptlet docs), each a [`Slot`] in that format's own table
//! (`deb/scripts.rs`, `rpm/scripts.rs`) saying which model [`Phase`]s feed it and under which
//! arguments:
//!
//! - pkgr's own fragments run under `fragments_when` (deb: the dpkg actions that need them; rpm:
//!   `%preun` only on erase, `$1 = 0`, because on upgrade rpm runs the old `%preun` after the
//!   new `%post`).
//! - Without `--before-upgrade`/`--after-upgrade`, a user script runs whenever its native script
//!   runs, with the native arguments (as fpm does), and is shipped verbatim when pkgr adds nothing.
//! - With either upgrade script, each user script runs exactly once in its case: install scripts
//!   only on a fresh install, upgrade scripts only on an upgrade (dpkg passes `upgrade` / a
//!   `configure` with the old version; rpm passes `$1 > 1`), remove scripts only on removal.
//! - A converted package's own script, written for another format's arguments
//!   ([`Convention`], `Scripts::written_for`), runs only in the cases the slot's `foreign` table
//!   lists, with the arguments translated; alone in its native script it is marked so that
//!   [`unwrap_converted`] gives it back byte for byte when the package is converted again.
//!
//! A wrapper is POSIX `sh`; a user script inside it runs unchanged, with the native arguments,
//! under the interpreter its `#!` line names.

use crate::model::{Convention, Package, Phase, Service};
use crate::shell::quote;

/// One native script and what feeds it; `T` is what the format itself needs to know of it
/// (rpm: the header tags of the scriptlet), so a format never matches on array positions.
#[derive(Debug, Clone, Copy)]
pub struct Slot<T: 'static> {
    /// The native name (`postinst`, `%post`), for comments.
    pub name: &'static str,
    /// The phase whose pkgr fragments run here.
    pub fragment_phase: Phase,
    /// `sh` condition for pkgr's fragments.
    pub fragments_when: &'static str,
    /// User phases and the `sh` condition each runs under when upgrade scripts are in use.
    pub user: &'static [(Phase, &'static str)],
    /// The service block (units, service user) for this script, with its own conditions on the
    /// native arguments; empty when there is nothing to do. It runs before the user's script in
    /// pre-scripts and after it in post-scripts.
    pub service: fn(&Service) -> String,
    /// The argument convention of this script.
    pub convention: Convention,
    /// How a script written for another convention runs here (a converted package's): for
    /// each `(convention, condition, arguments)`, under `condition` (`sh`, on the native
    /// arguments) the script runs with `arguments` (`sh` words); in no other case does it run.
    pub foreign: &'static [(Convention, &'static str, &'static str)],
    /// The format's own facts about this script.
    pub native: T,
}

/// The unit names, shell-quoted and joined by spaces: all of them, or only the enablable ones.
pub fn units(svc: &Service, enablable_only: bool) -> String {
    svc.units
        .iter()
        .filter(|u| !enablable_only || u.enablable())
        .map(|u| quote(&u.name))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates the service group and user if they do not exist (idempotent; run on install and on
/// upgrade, so a deleted account comes back). `useradd`/`groupadd` come from passwd (Debian,
/// Priority: required) and shadow-utils (RPM distributions); `getent` from the C library.
pub fn create_user(svc: &Service) -> String {
    let mut s = String::new();
    let group = svc
        .user
        .as_ref()
        .map(|u| u.group.clone())
        .or_else(|| svc.group.clone());
    if let Some(g) = group {
        let g = quote(&g);
        s.push_str(&format!(
            "# The service's system group (never removed: Debian Policy §9.2.1).\n\
             if ! getent group {g} >/dev/null; then\n    groupadd --system {g}\nfi\n"
        ));
    }
    if let Some(u) = &svc.user {
        let (n, g) = (quote(&u.name), quote(&u.group));
        let home = quote(u.home.as_deref().unwrap_or("/nonexistent"));
        s.push_str(&format!(
            "# The service's system user (never removed: Debian Policy §9.2.1).\n\
             if ! getent passwd {n} >/dev/null; then\n    \
             useradd --system --gid {g} --home-dir {home} --no-create-home --shell /usr/sbin/nologin {n}\n\
             fi\n"
        ));
    }
    s
}

/// Indents every non-empty line by four spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect()
}

/// Every user script must name its interpreter on a `#!` line (Debian Policy §6.1; rpm runs a
/// scriptlet with the interpreter pkgr reads from that line).
///
/// # Errors
/// [`FormatError::Invalid`] naming the flag of the first script without one.
pub fn check_user_scripts(pkg: &Package) -> Result<(), crate::format::FormatError> {
    match pkg.scripts.user.iter().find(|(_, s)| !s.starts_with("#!")) {
        Some((phase, _)) => Err(crate::format::FormatError::invalid(
            phase.flag(),
            "the script does not start with '#!' naming its interpreter (Debian Policy §6.1)",
        )),
        None => Ok(()),
    }
}

/// A rendered script: its text and the interpreter (with one optional argument) that runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The whole script, starting with `#!`.
    pub text: String,
    /// The interpreter from the `#!` line, split into program and optional argument.
    pub interpreter: Vec<String>,
}

/// Splits a `#!` line into the interpreter and its one optional argument (Linux semantics).
pub fn interpreter(script: &str) -> Vec<String> {
    let first = script.lines().next().unwrap_or("");
    let line = first.trim_start_matches("#!").trim();
    match line.split_once(char::is_whitespace) {
        Some((i, a)) if !a.trim().is_empty() => vec![i.to_string(), a.trim().to_string()],
        _ => vec![line
            .split_whitespace()
            .next()
            .unwrap_or("/bin/sh")
            .to_string()],
    }
}

/// Renders the native script for `slot`, or `None` when nothing runs there.
pub fn render<T>(pkg: &Package, slot: &Slot<T>) -> Option<Script> {
    let upgrade_mode = pkg.scripts.user.contains_key(&Phase::BeforeUpgrade)
        || pkg.scripts.user.contains_key(&Phase::AfterUpgrade);
    // (script, condition in upgrade mode, the convention it was written for when not ours)
    let users: Vec<(&str, &str, Option<Convention>)> = slot
        .user
        .iter()
        .filter_map(|(p, cond)| {
            let foreign = pkg
                .scripts
                .written_for
                .get(p)
                .copied()
                .filter(|c| *c != slot.convention);
            pkg.scripts
                .user
                .get(p)
                .map(|s| (s.as_str(), *cond, foreign))
        })
        .collect();
    let frags = pkg
        .scripts
        .generated
        .get(&slot.fragment_phase)
        .filter(|f| !f.is_empty());
    let service = (slot.service)(&pkg.service);
    if users.is_empty() && frags.is_none() && service.is_empty() {
        return None;
    }
    let alone = users.len() == 1 && frags.is_none() && service.is_empty();
    if let ([(only, _, None)], false, true) = (users.as_slice(), upgrade_mode, alone) {
        return Some(Script {
            text: only.to_string(),
            interpreter: interpreter(only),
        });
    }
    let mut s = match users.as_slice() {
        [(_, _, Some(c))] if alone => format!(
            "#!/bin/sh\n{}\nset -e\n",
            converted_marker(slot.name, &pkg.meta.name, *c)
        ),
        _ => format!(
            "#!/bin/sh\n# {} for {} written by pkgr\nset -e\n",
            slot.name, pkg.meta.name
        ),
    };
    let mut generated = String::new();
    if let Some(frags) = frags {
        let always = slot.fragments_when == "true";
        if always {
            generated.push('\n');
        } else {
            generated.push_str(&format!("\nif {}; then\n", slot.fragments_when));
        }
        for f in frags {
            for line in f.comment.lines() {
                generated.push_str(&format!("    # {line}\n"));
            }
            for line in f.body.lines() {
                if line.is_empty() {
                    generated.push('\n');
                } else {
                    generated.push_str(&format!("    {line}\n"));
                }
            }
        }
        if !always {
            generated.push_str("fi\n");
        }
    }
    let install_side = matches!(
        slot.fragment_phase,
        Phase::BeforeInstall | Phase::AfterInstall
    );
    let pre_script = matches!(
        slot.fragment_phase,
        Phase::BeforeInstall | Phase::BeforeRemove
    );
    if pre_script && !service.is_empty() {
        s.push('\n');
        s.push_str(&service);
    }
    if install_side {
        s.push_str(&generated);
    }
    for (script, cond, foreign) in &users {
        match foreign {
            Some(c) => {
                let runs: Vec<(&str, &str)> = slot
                    .foreign
                    .iter()
                    .filter(|(conv, _, _)| conv == c)
                    .map(|(_, when, args)| (*when, *args))
                    .collect();
                let env = match c {
                    // dpkg's environment for its maintainer scripts (dpkg(1), "ENVIRONMENT"),
                    // which deb-systemd-helper and dpkg-maintscript-helper check.
                    Convention::Deb => format!(
                        "DPKG_MAINTSCRIPT_PACKAGE={} DPKG_MAINTSCRIPT_NAME={} ",
                        quote(&pkg.meta.name),
                        deb_script_name(slot.fragment_phase)
                    ),
                    Convention::Rpm => String::new(),
                };
                s.push_str(&embed_converted_script(script, slot.name, *c, &runs, &env));
            }
            None => {
                let run = embed_user_script(script, slot.name);
                if upgrade_mode {
                    s.push_str(&format!("\nif {cond}; then\n{run}fi\n"));
                } else {
                    s.push_str(&run);
                }
            }
        }
    }
    if !install_side {
        s.push_str(&generated);
    }
    if !pre_script && !service.is_empty() {
        s.push('\n');
        s.push_str(&service);
    }
    s.push_str("\nexit 0\n");
    Some(Script {
        text: s,
        interpreter: vec!["/bin/sh".into()],
    })
}

/// The second line of a script that only runs a converted package's own script.
fn converted_marker(slot: &str, name: &str, c: Convention) -> String {
    format!(
        "# {slot} for {name} written by pkgr: runs the converted {} package's own script with {} arguments",
        c.name(),
        match c {
            Convention::Deb => "dpkg's",
            Convention::Rpm => "rpm's",
        }
    )
}

/// The deb maintainer script a phase's native script stands for.
fn deb_script_name(phase: Phase) -> &'static str {
    match phase {
        Phase::BeforeInstall | Phase::BeforeUpgrade => "preinst",
        Phase::AfterInstall | Phase::AfterUpgrade => "postinst",
        Phase::BeforeRemove => "prerm",
        Phase::AfterRemove => "postrm",
    }
}

/// A heredoc delimiter that is no line of `script`.
fn delimiter(script: &str) -> String {
    let mut delim = "PKGR_USER_SCRIPT_EOF".to_string();
    while script.lines().any(|l| l == delim) {
        delim.push('_');
    }
    delim
}

/// Shell that writes the user's script to a private temp file and runs it with the interpreter
/// from its `#!` line (so a `noexec` /tmp does not matter), passing the native arguments.
fn embed_user_script(script: &str, name: &str) -> String {
    let delim = delimiter(script);
    let mut body = script.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let cmd = interpreter(script)
        .iter()
        .map(|a| quote(a))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "\n# The package's own {name} script, run as given.\n\
         pkgr_script=$(mktemp)\n\
         cat > \"$pkgr_script\" <<'{delim}'\n{body}{delim}\n\
         pkgr_rc=0\n\
         {cmd} \"$pkgr_script\" \"$@\" || pkgr_rc=$?\n\
         rm -f \"$pkgr_script\"\n\
         [ \"$pkgr_rc\" -eq 0 ] || exit \"$pkgr_rc\"\n"
    )
}

/// Like [`embed_user_script`] for a script written for another convention: it runs only in
/// the cases `runs` lists (`(condition, arguments)`), with the arguments translated and the
/// variable assignments `env` (`sh` words) before the command. The script is written into the
/// heredoc byte for byte, followed by one newline, so [`unwrap_converted`] gets it back exactly.
fn embed_converted_script(
    script: &str,
    name: &str,
    c: Convention,
    runs: &[(&str, &str)],
    env: &str,
) -> String {
    let delim = delimiter(script);
    let cmd = interpreter(script)
        .iter()
        .map(|a| quote(a))
        .collect::<Vec<_>>()
        .join(" ");
    let mut s = format!(
        "\n# The converted {conv} package's own script, for {name}, with {conv}'s arguments.\n\
         pkgr_script=$(mktemp)\n\
         cat > \"$pkgr_script\" <<'{delim}'\n{script}\n{delim}\n\
         pkgr_rc=0\n",
        conv = c.name()
    );
    for (i, (when, args)) in runs.iter().enumerate() {
        let kw = if i == 0 { "if" } else { "elif" };
        s.push_str(&format!(
            "{kw} {when}; then\n    {env}{cmd} \"$pkgr_script\" {args} || pkgr_rc=$?\n"
        ));
    }
    if !runs.is_empty() {
        s.push_str("fi\n");
    }
    s.push_str("rm -f \"$pkgr_script\"\n[ \"$pkgr_rc\" -eq 0 ] || exit \"$pkgr_rc\"\n");
    s
}

/// The converted package's own script inside `text`, when `text` is exactly what [`render`]
/// writes for `slot` of a package named `name` whose only content there is that script (a
/// package pkgr converted, being converted again): the script and its convention. `None` for
/// any other text, which is then the package's script as it is.
pub fn unwrap_converted<T>(text: &str, slot: &Slot<T>, name: &str) -> Option<(Convention, String)> {
    let second = text.lines().nth(1)?;
    let c = [Convention::Deb, Convention::Rpm]
        .into_iter()
        .find(|c| second == converted_marker(slot.name, name, *c))?;
    let open = text.find("<<'PKGR_USER_SCRIPT_EOF")?;
    let rest = text.get(open + 3..)?;
    let (delim, body) = rest.split_once("'\n")?;
    let end = body.find(&format!("\n{delim}\n"))?;
    let script = body.get(..end)?.to_string();
    let phase = slot.user.first()?.0;
    let mut pkg = Package::default();
    pkg.meta.name = name.to_string();
    pkg.scripts.user.insert(phase, script.clone());
    pkg.scripts.written_for.insert(phase, c);
    (render(&pkg, slot)?.text == text).then_some((c, script))
}

#[cfg(test)]
mod tests;
