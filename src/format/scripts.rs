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
//!
//! A wrapper is POSIX `sh`; a user script inside it runs unchanged, with the native arguments,
//! under the interpreter its `#!` line names.

use crate::model::{Package, Phase, Service};
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
    let users: Vec<(&str, &str)> = slot
        .user
        .iter()
        .filter_map(|(p, cond)| pkg.scripts.user.get(p).map(|s| (s.as_str(), *cond)))
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
    if let ([(only, _)], None, false, true) =
        (users.as_slice(), frags, upgrade_mode, service.is_empty())
    {
        return Some(Script {
            text: only.to_string(),
            interpreter: interpreter(only),
        });
    }
    let mut s = format!(
        "#!/bin/sh\n# {} for {} written by pkgr\nset -e\n",
        slot.name, pkg.meta.name
    );
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
    for (script, cond) in &users {
        let run = embed_user_script(script, slot.name);
        if upgrade_mode {
            s.push_str(&format!("\nif {cond}; then\n{run}fi\n"));
        } else {
            s.push_str(&run);
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

/// Shell that writes the user's script to a private temp file and runs it with the interpreter
/// from its `#!` line (so a `noexec` /tmp does not matter), passing the native arguments.
fn embed_user_script(script: &str, name: &str) -> String {
    let mut delim = "PKGR_USER_SCRIPT_EOF".to_string();
    while script.lines().any(|l| l == delim) {
        delim.push('_');
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::deb::scripts::{self as deb, DEB};
    use crate::format::rpm::scripts::{self as rpm, RPM};
    use std::process::Command;

    fn pkg() -> Package {
        let mut p = Package::default();
        p.meta.name = "app".into();
        p
    }

    fn run(script: &Script, args: &[&str]) -> String {
        let d = tempfile::tempdir().unwrap();
        let log = d.path().join("log");
        let f = d.path().join("s");
        std::fs::write(&f, &script.text).unwrap();
        let out = Command::new(&script.interpreter[0])
            .args(&script.interpreter[1..])
            .arg(&f)
            .args(args)
            .env("LOG", &log)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(&log).unwrap_or_default()
    }

    fn user(p: &mut Package, phase: Phase, word: &str) {
        p.scripts.user.insert(
            phase,
            format!("#!/bin/sh\necho {word} \"$@\" >> \"$LOG\"\n"),
        );
    }

    #[test]
    fn without_upgrade_scripts_user_scripts_are_verbatim() {
        let mut p = pkg();
        assert!(render(&p, &deb::POSTINST).is_none());
        user(&mut p, Phase::AfterInstall, "ai");
        let s = render(&p, &deb::POSTINST).unwrap();
        assert_eq!(s.text, p.scripts.user[&Phase::AfterInstall]);
        assert_eq!(run(&s, &["configure", "1.0"]), "ai configure 1.0\n");
    }

    #[test]
    fn upgrade_scripts_run_exactly_once_in_their_case() {
        let mut p = pkg();
        user(&mut p, Phase::BeforeInstall, "bi");
        user(&mut p, Phase::BeforeUpgrade, "bu");
        user(&mut p, Phase::AfterInstall, "ai");
        user(&mut p, Phase::AfterUpgrade, "au");
        user(&mut p, Phase::BeforeRemove, "br");
        user(&mut p, Phase::AfterRemove, "ar");
        // dpkg
        assert_eq!(
            run(&render(&p, &deb::PREINST).unwrap(), &["install"]),
            "bi install\n"
        );
        assert_eq!(
            run(&render(&p, &deb::PREINST).unwrap(), &["upgrade", "1.0"]),
            "bu upgrade 1.0\n"
        );
        assert_eq!(
            run(&render(&p, &deb::POSTINST).unwrap(), &["configure", ""]),
            "ai configure \n"
        );
        assert_eq!(
            run(&render(&p, &deb::POSTINST).unwrap(), &["configure", "1.0"]),
            "au configure 1.0\n"
        );
        assert_eq!(
            run(&render(&p, &deb::PRERM).unwrap(), &["upgrade", "2.0"]),
            ""
        );
        assert_eq!(
            run(&render(&p, &deb::PRERM).unwrap(), &["remove"]),
            "br remove\n"
        );
        assert_eq!(run(&render(&p, &deb::POSTRM).unwrap(), &["purge"]), "");
        // rpm
        assert_eq!(run(&render(&p, &rpm::PRE).unwrap(), &["1"]), "bi 1\n");
        assert_eq!(run(&render(&p, &rpm::PRE).unwrap(), &["2"]), "bu 2\n");
        assert_eq!(run(&render(&p, &rpm::POST).unwrap(), &["2"]), "au 2\n");
        assert_eq!(run(&render(&p, &rpm::PREUN).unwrap(), &["1"]), "");
        assert_eq!(run(&render(&p, &rpm::PREUN).unwrap(), &["0"]), "br 0\n");
        assert_eq!(run(&render(&p, &rpm::POSTUN).unwrap(), &["0"]), "ar 0\n");
    }

    #[test]
    fn fragments_and_user_scripts_combine_in_order() {
        let mut p = pkg();
        p.scripts.user.insert(
            Phase::AfterInstall,
            "#!/bin/bash -e\necho user \"$1\" >> \"$LOG\"".into(),
        );
        p.add_fragment(
            Phase::AfterInstall,
            "compile",
            "echo compile >> \"$LOG\"".into(),
        );
        let s = render(&p, &deb::POSTINST).unwrap();
        assert!(
            s.text.contains("'/bin/bash' '-e' \"$pkgr_script\" \"$@\""),
            "{}",
            s.text
        );
        assert_eq!(run(&s, &["configure"]), "compile\nuser configure\n");
        p.scripts.user.insert(
            Phase::BeforeRemove,
            "#!/bin/sh\necho user-prerm >> \"$LOG\"".into(),
        );
        p.add_fragment(
            Phase::BeforeRemove,
            "clean",
            "echo clean >> \"$LOG\"".into(),
        );
        assert_eq!(
            run(&render(&p, &deb::PRERM).unwrap(), &["remove"]),
            "user-prerm\nclean\n"
        );
        // rpm: fragments of %preun only on erase.
        assert_eq!(
            run(&render(&p, &rpm::PREUN).unwrap(), &["1"]),
            "user-prerm\n"
        );
        assert_eq!(
            run(&render(&p, &rpm::PREUN).unwrap(), &["0"]),
            "user-prerm\nclean\n"
        );
    }

    #[test]
    fn a_failing_user_script_fails_the_wrapper() {
        let mut p = pkg();
        p.scripts
            .user
            .insert(Phase::AfterInstall, "#!/bin/sh\nexit 3\n".into());
        p.add_fragment(Phase::AfterInstall, "x", "true".into());
        let s = render(&p, &deb::POSTINST).unwrap();
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("s");
        std::fs::write(&f, &s.text).unwrap();
        let st = Command::new("/bin/sh")
            .arg(&f)
            .arg("configure")
            .status()
            .unwrap();
        assert_eq!(st.code(), Some(3));
    }

    #[test]
    fn interpreters() {
        assert_eq!(interpreter("#!/bin/bash -e\n"), ["/bin/bash", "-e"]);
        assert_eq!(
            interpreter("#! /usr/bin/env python3\n"),
            ["/usr/bin/env", "python3"]
        );
        assert_eq!(interpreter("#!/bin/sh\n"), ["/bin/sh"]);
    }

    #[test]
    fn service_options_shape_the_scripts() {
        use crate::model::{Service, SystemdUnit};
        let unit = |name: &str, install: bool| SystemdUnit {
            name: name.into(),
            text: if install {
                b"[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n".to_vec()
            } else {
                b"[Service]\nExecStart=/bin/true\n".to_vec()
            },
        };
        let mut p = pkg();
        p.service = Service {
            units: vec![
                unit("a.service", true),
                unit("b@.service", true),
                unit("c.service", false),
            ],
            ..Service::default()
        };
        let post = render(&p, &deb::POSTINST).unwrap().text;
        // Only installable, non-template units are enabled and started.
        assert!(post.contains("for pkgr_unit in 'a.service'; do"), "{post}");
        assert!(post.contains("deb-systemd-helper enable"), "{post}");
        assert!(post.contains("pkgr_action=restart"), "{post}");
        let prerm = render(&p, &deb::PRERM).unwrap().text;
        assert!(
            prerm.contains("'a.service' 'b@.service' 'c.service'"),
            "{prerm}"
        );
        p.service.enable = false;
        p.service.start = false;
        let post = render(&p, &deb::POSTINST).unwrap().text;
        assert!(!post.contains("deb-systemd-helper enable"), "{post}");
        assert!(!post.contains("deb-systemd-invoke"), "{post}");
        let rpm_post = render(&p, &rpm::POST).unwrap().text;
        assert!(!rpm_post.contains("enable"), "{rpm_post}");
        p.service.start = true;
        p.service.restart_after_upgrade = false;
        let prerm = render(&p, &deb::PRERM).unwrap().text;
        assert!(prerm.contains("[ \"$1\" = upgrade ]"), "{prerm}");
        let rpm_pre = render(&p, &rpm::PRE).unwrap().text;
        assert!(rpm_pre.contains("systemctl stop"), "{rpm_pre}");
        // Every generated script is valid sh and harmless without systemd.
        let deb = DEB.iter().filter_map(|slot| render(&p, slot));
        let rpm = RPM.iter().filter_map(|slot| render(&p, slot));
        for s in deb.chain(rpm) {
            let d = tempfile::tempdir().unwrap();
            let f = d.path().join("s");
            std::fs::write(&f, &s.text).unwrap();
            let ok = Command::new("sh").arg("-n").arg(&f).status().unwrap();
            assert!(ok.success(), "{}", s.text);
        }
    }
}
