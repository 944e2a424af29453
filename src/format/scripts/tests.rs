//! The script engine's tests: each rendered script run by sh with the native arguments.

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
fn converted_scripts_get_their_own_conventions_arguments() {
    use crate::model::Convention;
    let mut p = pkg();
    for (phase, word) in [
        (Phase::BeforeInstall, "pre"),
        (Phase::AfterInstall, "post"),
        (Phase::BeforeRemove, "preun"),
        (Phase::AfterRemove, "postun"),
    ] {
        user(&mut p, phase, word);
        p.scripts.written_for.insert(phase, Convention::Rpm);
    }
    // An rpm's scriptlets under dpkg: $1 as rpm gives it in the same case.
    let deb_case = |slot, args: &[&str]| run(&render(&p, slot).unwrap(), args);
    assert_eq!(deb_case(&deb::PREINST, &["install"]), "pre 1\n");
    assert_eq!(deb_case(&deb::PREINST, &["upgrade", "1.0"]), "pre 2\n");
    assert_eq!(deb_case(&deb::POSTINST, &["configure", ""]), "post 1\n");
    assert_eq!(deb_case(&deb::POSTINST, &["configure", "1.0"]), "post 2\n");
    assert_eq!(deb_case(&deb::POSTINST, &["abort-upgrade", "2.0"]), "");
    assert_eq!(deb_case(&deb::PRERM, &["remove"]), "preun 0\n");
    assert_eq!(deb_case(&deb::PRERM, &["upgrade", "2.0"]), "preun 1\n");
    assert_eq!(deb_case(&deb::POSTRM, &["remove"]), "postun 0\n");
    assert_eq!(deb_case(&deb::POSTRM, &["purge"]), "");
    assert_eq!(deb_case(&deb::POSTRM, &["upgrade", "2.0"]), "postun 1\n");
    // A deb's maintainer scripts under rpm: dpkg's arguments for rpm's $1.
    for phase in Phase::ALL {
        p.scripts.written_for.insert(phase, Convention::Deb);
    }
    let rpm_case = |slot, args: &[&str]| run(&render(&p, slot).unwrap(), args);
    assert_eq!(rpm_case(&rpm::PRE, &["1"]), "pre install\n");
    assert_eq!(rpm_case(&rpm::PRE, &["2"]), "pre upgrade 0\n");
    assert_eq!(rpm_case(&rpm::POST, &["1"]), "post configure \n");
    assert_eq!(rpm_case(&rpm::POST, &["2"]), "post configure 0\n");
    assert_eq!(rpm_case(&rpm::PREUN, &["0"]), "preun remove\n");
    assert_eq!(rpm_case(&rpm::PREUN, &["1"]), "preun upgrade 0\n");
    assert_eq!(rpm_case(&rpm::POSTUN, &["0"]), "postun remove\n");
    assert_eq!(rpm_case(&rpm::POSTUN, &["1"]), "postun upgrade 0\n");
    // With dpkg's environment for its maintainer scripts.
    p.scripts.user.insert(
        Phase::AfterInstall,
        "#!/bin/sh\necho \"$DPKG_MAINTSCRIPT_PACKAGE $DPKG_MAINTSCRIPT_NAME\" >> \"$LOG\"\n".into(),
    );
    assert_eq!(
        run(&render(&p, &rpm::POST).unwrap(), &["1"]),
        "app postinst\n"
    );
    // Its own format runs it verbatim.
    let s = render(&p, &deb::POSTINST).unwrap();
    assert_eq!(s.text, p.scripts.user[&Phase::AfterInstall]);
}

#[test]
fn a_converted_wrapper_unwraps_to_the_original_exactly() {
    use crate::model::Convention;
    for script in [
        "#!/bin/sh\necho x\n",
        "#!/bin/bash\necho 'no newline'",
        "#!/bin/sh\n",
    ] {
        let mut p = pkg();
        p.scripts.user.insert(Phase::AfterInstall, script.into());
        p.scripts
            .written_for
            .insert(Phase::AfterInstall, Convention::Deb);
        let text = render(&p, &rpm::POST).unwrap().text;
        assert_eq!(
            unwrap_converted(&text, &rpm::POST, "app"),
            Some((Convention::Deb, script.to_string())),
            "{text}"
        );
        // Not for another package's name, another slot, or an edited wrapper.
        assert_eq!(unwrap_converted(&text, &rpm::POST, "other"), None);
        assert_eq!(unwrap_converted(&text, &rpm::PRE, "app"), None);
        let edited = text.replace("exit 0", "rm -rf /; exit 0");
        assert_eq!(unwrap_converted(&edited, &rpm::POST, "app"), None);
    }
    // A wrapper that also runs pkgr's own fragments is the package's script as it is.
    let mut p = pkg();
    p.scripts
        .user
        .insert(Phase::AfterInstall, "#!/bin/sh\ntrue\n".into());
    p.scripts
        .written_for
        .insert(Phase::AfterInstall, Convention::Deb);
    p.add_fragment(Phase::AfterInstall, "x", "true".into());
    let text = render(&p, &rpm::POST).unwrap().text;
    assert_eq!(unwrap_converted(&text, &rpm::POST, "app"), None);
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
