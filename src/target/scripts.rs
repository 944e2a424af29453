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

use crate::model::{Package, Phase};
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
    },
    Slot {
        name: "prerm",
        fragment_phase: Phase::BeforeRemove,
        fragments_when: r#"[ "$1" = remove ] || [ "$1" = upgrade ] || [ "$1" = deconfigure ] || [ "$1" = failed-upgrade ]"#,
        user: &[(Phase::BeforeRemove, r#"[ "$1" = remove ]"#)],
    },
    Slot {
        name: "postrm",
        fragment_phase: Phase::AfterRemove,
        fragments_when: r#"[ "$1" = remove ] || [ "$1" = purge ]"#,
        user: &[(Phase::AfterRemove, r#"[ "$1" = remove ]"#)],
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
    },
    Slot {
        name: "%post",
        fragment_phase: Phase::AfterInstall,
        fragments_when: "true",
        user: &[
            (Phase::AfterInstall, r#"[ "$1" -eq 1 ]"#),
            (Phase::AfterUpgrade, r#"[ "$1" -gt 1 ]"#),
        ],
    },
    Slot {
        name: "%preun",
        fragment_phase: Phase::BeforeRemove,
        fragments_when: r#"[ "$1" -eq 0 ]"#,
        user: &[(Phase::BeforeRemove, r#"[ "$1" -eq 0 ]"#)],
    },
    Slot {
        name: "%postun",
        fragment_phase: Phase::AfterRemove,
        fragments_when: r#"[ "$1" -eq 0 ]"#,
        user: &[(Phase::AfterRemove, r#"[ "$1" -eq 0 ]"#)],
    },
];

/// Every user script must name its interpreter on a `#!` line (Debian Policy §6.1; rpm runs a
/// scriptlet with the interpreter pkgr reads from that line).
///
/// # Errors
/// [`TargetError::Invalid`] naming the flag of the first script without one.
pub fn check_user_scripts(pkg: &Package) -> Result<(), crate::target::TargetError> {
    match pkg.scripts.user.iter().find(|(_, s)| !s.starts_with("#!")) {
        Some((phase, _)) => Err(crate::target::TargetError::invalid(
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
    if users.is_empty() && frags.is_none() {
        return None;
    }
    if let ([(only, _)], None, false) = (users.as_slice(), frags, upgrade_mode) {
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
}
