//! The rpm's scriptlets, fed by [`crate::format::scripts`]: this table (with each scriptlet's
//! header tags), and the service blocks that behave like rpm's `%systemd_*` macros.

use super::tags;
use crate::format::scripts::{create_user, units, Slot};
use crate::model::{Convention, Phase, Service};

/// Where a scriptlet goes in the header: its body's tag, its interpreter's tag, and the
/// dependency sense of that interpreter (`Requires(pre): /bin/sh`).
#[derive(Debug, Clone, Copy)]
pub struct Tags {
    /// `PREIN`, `POSTIN`, ...
    pub body: u32,
    /// `PREINPROG`, `POSTINPROG`, ...
    pub prog: u32,
    /// `RPMSENSE_SCRIPT_PRE`, ...
    pub sense: u32,
}

/// RPM's scriptlets: `$1` is the number of instances left after the operation (1 on install,
/// 2+ on upgrade, 0 on erase). A deb's maintainer script (a converted package's) runs with
/// dpkg's arguments for the same case: `preinst install|upgrade`, `postinst configure ''` on
/// install and `configure` with a version on upgrade, `prerm`/`postrm` `remove` on erase and
/// `upgrade` on upgrade. rpm tells a scriptlet no version, so where dpkg passes the other
/// version pkgr passes `0` (a `[ -n "$2" ]` upgrade test holds; a version comparison sees an
/// upgrade from the oldest version). `postrm purge` is never run: an erase keeps nothing
/// but modified `%config` files, as `.rpmsave`.
pub const RPM: [&Slot<Tags>; 4] = [&PRE, &POST, &PREUN, &POSTUN];

/// `%pre`.
pub const PRE: Slot<Tags> = Slot {
    name: "%pre",
    fragment_phase: Phase::BeforeInstall,
    fragments_when: "true",
    user: &[
        (Phase::BeforeInstall, r#"[ "$1" -eq 1 ]"#),
        (Phase::BeforeUpgrade, r#"[ "$1" -gt 1 ]"#),
    ],
    service: rpm_pre,
    convention: Convention::Rpm,
    foreign: &[
        (Convention::Deb, r#"[ "$1" -eq 1 ]"#, "install"),
        (Convention::Deb, r#"[ "$1" -gt 1 ]"#, "upgrade 0"),
    ],
    native: Tags {
        body: tags::PREIN,
        prog: tags::PREINPROG,
        sense: tags::SENSE_SCRIPT_PRE,
    },
};

/// `%post`.
pub const POST: Slot<Tags> = Slot {
    name: "%post",
    fragment_phase: Phase::AfterInstall,
    fragments_when: "true",
    user: &[
        (Phase::AfterInstall, r#"[ "$1" -eq 1 ]"#),
        (Phase::AfterUpgrade, r#"[ "$1" -gt 1 ]"#),
    ],
    service: rpm_post,
    convention: Convention::Rpm,
    foreign: &[
        (Convention::Deb, r#"[ "$1" -eq 1 ]"#, "configure ''"),
        (Convention::Deb, r#"[ "$1" -gt 1 ]"#, "configure 0"),
    ],
    native: Tags {
        body: tags::POSTIN,
        prog: tags::POSTINPROG,
        sense: tags::SENSE_SCRIPT_POST,
    },
};

/// `%preun`.
pub const PREUN: Slot<Tags> = Slot {
    name: "%preun",
    fragment_phase: Phase::BeforeRemove,
    fragments_when: r#"[ "$1" -eq 0 ]"#,
    user: &[(Phase::BeforeRemove, r#"[ "$1" -eq 0 ]"#)],
    service: rpm_preun,
    convention: Convention::Rpm,
    foreign: &[
        (Convention::Deb, r#"[ "$1" -eq 0 ]"#, "remove"),
        (Convention::Deb, r#"[ "$1" -gt 0 ]"#, "upgrade 0"),
    ],
    native: Tags {
        body: tags::PREUN,
        prog: tags::PREUNPROG,
        sense: tags::SENSE_SCRIPT_PREUN,
    },
};

/// `%postun`.
pub const POSTUN: Slot<Tags> = Slot {
    name: "%postun",
    fragment_phase: Phase::AfterRemove,
    fragments_when: r#"[ "$1" -eq 0 ]"#,
    user: &[(Phase::AfterRemove, r#"[ "$1" -eq 0 ]"#)],
    service: rpm_postun,
    convention: Convention::Rpm,
    foreign: &[
        (Convention::Deb, r#"[ "$1" -eq 0 ]"#, "remove"),
        (Convention::Deb, r#"[ "$1" -gt 0 ]"#, "upgrade 0"),
    ],
    native: Tags {
        body: tags::POSTUN,
        prog: tags::POSTUNPROG,
        sense: tags::SENSE_SCRIPT_POSTUN,
    },
};

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
