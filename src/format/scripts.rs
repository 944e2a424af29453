//! Maintainer scripts for every format, from one table per format.
//!
//! A format has four native scripts (deb: `preinst`, `postinst`, `prerm`, `postrm`, Debian
//! Policy §6.5; rpm: `%pre`, `%post`, `%preun`, `%postun`, the RPM scriptlet docs). Each
//! [`Slot`] says which model [`Phase`]s feed it and under which arguments:
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

/// One native script and what feeds it.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
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
}

/// Debian's scripts (Policy §6.5 gives the arguments).
pub const DEB: [Slot; 4] = [
    Slot {
        name: "preinst",
        fragment_phase: Phase::BeforeInstall,
        fragments_when: r#"[ "$1" = install ] || [ "$1" = upgrade ]"#,
        user: &[
            (Phase::BeforeInstall, r#"[ "$1" = install ]"#),
            (Phase::BeforeUpgrade, r#"[ "$1" = upgrade ]"#),
        ],
        service: deb_preinst,
    },
    Slot {
        name: "postinst",
        fragment_phase: Phase::AfterInstall,
        fragments_when: r#"[ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-remove ] || [ "$1" = abort-deconfigure ]"#,
        user: &[
            (
                Phase::AfterInstall,
                r#"[ "$1" = configure ] && [ -z "$2" ]"#,
            ),
            (
                Phase::AfterUpgrade,
                r#"[ "$1" = configure ] && [ -n "$2" ]"#,
            ),
        ],
        service: deb_postinst,
    },
    Slot {
        name: "prerm",
        fragment_phase: Phase::BeforeRemove,
        fragments_when: r#"[ "$1" = remove ] || [ "$1" = upgrade ] || [ "$1" = deconfigure ] || [ "$1" = failed-upgrade ]"#,
        user: &[(Phase::BeforeRemove, r#"[ "$1" = remove ]"#)],
        service: deb_prerm,
    },
    Slot {
        name: "postrm",
        fragment_phase: Phase::AfterRemove,
        fragments_when: r#"[ "$1" = remove ] || [ "$1" = purge ]"#,
        user: &[(Phase::AfterRemove, r#"[ "$1" = remove ]"#)],
        service: deb_postrm,
    },
];

/// RPM's scriptlets: `$1` is the number of instances left after the operation (1 on install,
/// 2+ on upgrade, 0 on erase).
pub const RPM: [Slot; 4] = [
    Slot {
        name: "%pre",
        fragment_phase: Phase::BeforeInstall,
        fragments_when: "true",
        user: &[
            (Phase::BeforeInstall, r#"[ "$1" -eq 1 ]"#),
            (Phase::BeforeUpgrade, r#"[ "$1" -gt 1 ]"#),
        ],
        service: rpm_pre,
    },
    Slot {
        name: "%post",
        fragment_phase: Phase::AfterInstall,
        fragments_when: "true",
        user: &[
            (Phase::AfterInstall, r#"[ "$1" -eq 1 ]"#),
            (Phase::AfterUpgrade, r#"[ "$1" -gt 1 ]"#),
        ],
        service: rpm_post,
    },
    Slot {
        name: "%preun",
        fragment_phase: Phase::BeforeRemove,
        fragments_when: r#"[ "$1" -eq 0 ]"#,
        user: &[(Phase::BeforeRemove, r#"[ "$1" -eq 0 ]"#)],
        service: rpm_preun,
    },
    Slot {
        name: "%postun",
        fragment_phase: Phase::AfterRemove,
        fragments_when: r#"[ "$1" -eq 0 ]"#,
        user: &[(Phase::AfterRemove, r#"[ "$1" -eq 0 ]"#)],
        service: rpm_postun,
    },
];

/// The unit names, shell-quoted and joined by spaces: all of them, or only the enablable ones.
fn units(svc: &Service, enablable_only: bool) -> String {
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
fn create_user(svc: &Service) -> String {
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

fn deb_preinst(svc: &Service) -> String {
    let body = create_user(svc);
    if body.is_empty() {
        return body;
    }
    format!(
        "if [ \"$1\" = install ] || [ \"$1\" = upgrade ]; then\n{}fi\n",
        indent(&body)
    )
}

/// dpkg's postinst: enable (first install; later only record new links, so an admin's
/// `systemctl disable` sticks) through init-system-helpers' deb-systemd-helper, then start, or
/// restart on upgrade, through deb-systemd-invoke (which honours policy-rc.d) when systemd runs.
fn deb_postinst(svc: &Service) -> String {
    let (all, en) = (units(svc, false), units(svc, true));
    if all.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "if [ \"$1\" = configure ] || [ \"$1\" = abort-upgrade ] || [ \"$1\" = abort-deconfigure ] || [ \"$1\" = abort-remove ]; then\n",
    );
    if !en.is_empty() {
        let mut b = format!(
            "# systemd units: unmask what removal masked, enable on first install.\n\
             if command -v deb-systemd-helper >/dev/null 2>&1; then\n    \
             for pkgr_unit in {en}; do\n        \
             deb-systemd-helper unmask \"$pkgr_unit\" >/dev/null || true\n"
        );
        if svc.enable {
            b.push_str(
                "        if deb-systemd-helper --quiet was-enabled \"$pkgr_unit\"; then\n            \
                 deb-systemd-helper enable \"$pkgr_unit\" >/dev/null || true\n        \
                 else\n            \
                 deb-systemd-helper update-state \"$pkgr_unit\" >/dev/null || true\n        \
                 fi\n",
            );
        } else {
            b.push_str(
                "        deb-systemd-helper update-state \"$pkgr_unit\" >/dev/null || true\n",
            );
        }
        b.push_str("    done\nfi\n");
        s.push_str(&indent(&b));
    }
    let mut b = String::from(
        "# Only when systemd runs (not in chroots or containers without it).\n\
         if [ -d /run/systemd/system ]; then\n    systemctl --system daemon-reload >/dev/null || true\n",
    );
    if svc.start && !en.is_empty() {
        let action = if svc.restart_after_upgrade {
            "    if [ -n \"$2\" ]; then pkgr_action=restart; else pkgr_action=start; fi\n"
        } else {
            "    pkgr_action=start\n"
        };
        b.push_str(action);
        b.push_str(&format!(
            "    for pkgr_unit in {en}; do\n        \
             deb-systemd-invoke \"$pkgr_action\" \"$pkgr_unit\" >/dev/null || true\n    done\n"
        ));
    }
    b.push_str("fi\n");
    s.push_str(&indent(&b));
    s.push_str("fi\n");
    s
}

/// dpkg's prerm: stop the units on removal (and before an upgrade when they are not restarted
/// after it).
fn deb_prerm(svc: &Service) -> String {
    let all = units(svc, false);
    if all.is_empty() {
        return all;
    }
    let when = if svc.restart_after_upgrade {
        "[ \"$1\" = remove ]"
    } else {
        "{ [ \"$1\" = remove ] || [ \"$1\" = upgrade ]; }"
    };
    format!(
        "# Stop the systemd units (only when systemd runs).\n\
         if [ -d /run/systemd/system ] && {when}; then\n    \
         for pkgr_unit in {all}; do\n        \
         deb-systemd-invoke stop \"$pkgr_unit\" >/dev/null || true\n    done\nfi\n"
    )
}

/// dpkg's postrm: reload systemd after removal, mask the units while only the package's
/// conffiles remain, and forget them (links, state, mask) on purge.
fn deb_postrm(svc: &Service) -> String {
    let (all, en) = (units(svc, false), units(svc, true));
    if all.is_empty() {
        return all;
    }
    let mut s = String::from(
        "if [ \"$1\" = remove ] && [ -d /run/systemd/system ]; then\n    \
         systemctl --system daemon-reload >/dev/null || true\nfi\n",
    );
    if !en.is_empty() {
        s.push_str(&format!(
            "if command -v deb-systemd-helper >/dev/null 2>&1; then\n    \
             for pkgr_unit in {en}; do\n        \
             if [ \"$1\" = remove ]; then\n            \
             deb-systemd-helper mask \"$pkgr_unit\" >/dev/null || true\n        \
             elif [ \"$1\" = purge ]; then\n            \
             deb-systemd-helper purge \"$pkgr_unit\" >/dev/null || true\n            \
             deb-systemd-helper unmask \"$pkgr_unit\" >/dev/null || true\n        \
             fi\n    done\nfi\n"
        ));
    }
    s
}

/// rpm's %pre: the service account on install and upgrade; with
/// `--no-systemd-restart-after-upgrade`, stop the units before an upgrade replaces them.
fn rpm_pre(svc: &Service) -> String {
    let mut s = create_user(svc);
    let all = units(svc, false);
    if !svc.restart_after_upgrade && !all.is_empty() {
        s.push_str(&format!(
            "if [ \"$1\" -gt 1 ] && [ -d /run/systemd/system ]; then\n    \
             systemctl stop {all} >/dev/null 2>&1 || :\nfi\n"
        ));
    }
    s
}

/// rpm's %post: enable on install (`systemctl --no-reload enable` works offline, in a chroot
/// too), start on install when systemd runs, and after an upgrade restart (or start) the units
/// from the new package's own script, so the restart does not depend on the old package.
fn rpm_post(svc: &Service) -> String {
    let en = units(svc, true);
    if en.is_empty() {
        return en;
    }
    let mut s = String::new();
    if svc.enable {
        s.push_str(&format!(
            "if [ \"$1\" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then\n    \
             systemctl --no-reload enable {en} >/dev/null 2>&1 || :\nfi\n"
        ));
    }
    s.push_str(
        "if [ -d /run/systemd/system ]; then\n    systemctl daemon-reload >/dev/null 2>&1 || :\n",
    );
    if svc.start {
        let upgrade = if svc.restart_after_upgrade {
            "try-restart"
        } else {
            "start"
        };
        s.push_str(&format!(
            "    if [ \"$1\" -eq 1 ]; then\n        systemctl start {en} >/dev/null 2>&1 || :\n    \
             else\n        systemctl {upgrade} {en} >/dev/null 2>&1 || :\n    fi\n"
        ));
    }
    s.push_str("fi\n");
    s
}

/// rpm's %preun: on erase, disable the units (offline too) and stop them when systemd runs.
fn rpm_preun(svc: &Service) -> String {
    let (all, en) = (units(svc, false), units(svc, true));
    if all.is_empty() {
        return all;
    }
    let mut s = String::from("if [ \"$1\" -eq 0 ]; then\n");
    if !en.is_empty() {
        s.push_str(&format!(
            "    if command -v systemctl >/dev/null 2>&1; then\n        \
             systemctl --no-reload disable {en} >/dev/null 2>&1 || :\n    fi\n"
        ));
    }
    s.push_str(&format!(
        "    if [ -d /run/systemd/system ]; then\n        \
         systemctl stop {all} >/dev/null 2>&1 || :\n    fi\nfi\n"
    ));
    s
}

/// rpm's %postun: reload systemd after the units are gone.
fn rpm_postun(svc: &Service) -> String {
    if svc.units.is_empty() {
        return String::new();
    }
    "if [ \"$1\" -eq 0 ] && [ -d /run/systemd/system ]; then\n    \
     systemctl daemon-reload >/dev/null 2>&1 || :\nfi\n"
        .into()
}

/// Indents every non-empty line by four spaces.
fn indent(text: &str) -> String {
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
pub fn render(pkg: &Package, slot: &Slot) -> Option<Script> {
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
        assert!(render(&p, &DEB[1]).is_none());
        user(&mut p, Phase::AfterInstall, "ai");
        let s = render(&p, &DEB[1]).unwrap();
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
            run(&render(&p, &DEB[0]).unwrap(), &["install"]),
            "bi install\n"
        );
        assert_eq!(
            run(&render(&p, &DEB[0]).unwrap(), &["upgrade", "1.0"]),
            "bu upgrade 1.0\n"
        );
        assert_eq!(
            run(&render(&p, &DEB[1]).unwrap(), &["configure", ""]),
            "ai configure \n"
        );
        assert_eq!(
            run(&render(&p, &DEB[1]).unwrap(), &["configure", "1.0"]),
            "au configure 1.0\n"
        );
        assert_eq!(run(&render(&p, &DEB[2]).unwrap(), &["upgrade", "2.0"]), "");
        assert_eq!(
            run(&render(&p, &DEB[2]).unwrap(), &["remove"]),
            "br remove\n"
        );
        assert_eq!(run(&render(&p, &DEB[3]).unwrap(), &["purge"]), "");
        // rpm
        assert_eq!(run(&render(&p, &RPM[0]).unwrap(), &["1"]), "bi 1\n");
        assert_eq!(run(&render(&p, &RPM[0]).unwrap(), &["2"]), "bu 2\n");
        assert_eq!(run(&render(&p, &RPM[1]).unwrap(), &["2"]), "au 2\n");
        assert_eq!(run(&render(&p, &RPM[2]).unwrap(), &["1"]), "");
        assert_eq!(run(&render(&p, &RPM[2]).unwrap(), &["0"]), "br 0\n");
        assert_eq!(run(&render(&p, &RPM[3]).unwrap(), &["0"]), "ar 0\n");
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
        let s = render(&p, &DEB[1]).unwrap();
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
            run(&render(&p, &DEB[2]).unwrap(), &["remove"]),
            "user-prerm\nclean\n"
        );
        // rpm: fragments of %preun only on erase.
        assert_eq!(run(&render(&p, &RPM[2]).unwrap(), &["1"]), "user-prerm\n");
        assert_eq!(
            run(&render(&p, &RPM[2]).unwrap(), &["0"]),
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
        let s = render(&p, &DEB[1]).unwrap();
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
        let post = render(&p, &DEB[1]).unwrap().text;
        // Only installable, non-template units are enabled and started.
        assert!(post.contains("for pkgr_unit in 'a.service'; do"), "{post}");
        assert!(post.contains("deb-systemd-helper enable"), "{post}");
        assert!(post.contains("pkgr_action=restart"), "{post}");
        let prerm = render(&p, &DEB[2]).unwrap().text;
        assert!(
            prerm.contains("'a.service' 'b@.service' 'c.service'"),
            "{prerm}"
        );
        p.service.enable = false;
        p.service.start = false;
        let post = render(&p, &DEB[1]).unwrap().text;
        assert!(!post.contains("deb-systemd-helper enable"), "{post}");
        assert!(!post.contains("deb-systemd-invoke"), "{post}");
        let rpm_post = render(&p, &RPM[1]).unwrap().text;
        assert!(!rpm_post.contains("enable"), "{rpm_post}");
        p.service.start = true;
        p.service.restart_after_upgrade = false;
        let prerm = render(&p, &DEB[2]).unwrap().text;
        assert!(prerm.contains("[ \"$1\" = upgrade ]"), "{prerm}");
        let rpm_pre = render(&p, &RPM[0]).unwrap().text;
        assert!(rpm_pre.contains("systemctl stop"), "{rpm_pre}");
        // Every generated script is valid sh and harmless without systemd.
        for s in DEB
            .iter()
            .chain(RPM.iter())
            .filter_map(|slot| render(&p, slot))
        {
            let d = tempfile::tempdir().unwrap();
            let f = d.path().join("s");
            std::fs::write(&f, &s.text).unwrap();
            let ok = Command::new("sh").arg("-n").arg(&f).status().unwrap();
            assert!(ok.success(), "{}", s.text);
        }
    }
}
