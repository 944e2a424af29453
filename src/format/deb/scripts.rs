//! The deb's maintainer scripts (Debian Policy §6.5 gives their arguments), fed by
//! [`crate::format::scripts`]: this table, and the service blocks that behave like
//! dh_installsystemd's.

use crate::format::scripts::{create_user, indent, units, Slot};
use crate::model::{Convention, Phase, Service};

/// Debian's scripts (Policy §6.5 gives the arguments). An rpm's scriptlet (a converted package's)
/// runs with the `$1` rpm would give in the same case: the install and upgrade cases of
/// `preinst` and `postinst configure` give 1 and 2, `prerm`/`postrm` `remove` 0 and `upgrade` 1;
/// dpkg's other actions (`abort-*`, `purge`, `failed-upgrade`, ...) have no rpm equivalent.
pub const DEB: [&Slot<()>; 4] = [&PREINST, &POSTINST, &PRERM, &POSTRM];

/// `preinst`.
pub const PREINST: Slot<()> = Slot {
    name: "preinst",
    fragment_phase: Phase::BeforeInstall,
    fragments_when: r#"[ "$1" = install ] || [ "$1" = upgrade ]"#,
    user: &[
        (Phase::BeforeInstall, r#"[ "$1" = install ]"#),
        (Phase::BeforeUpgrade, r#"[ "$1" = upgrade ]"#),
    ],
    service: deb_preinst,
    convention: Convention::Deb,
    foreign: &[
        (Convention::Rpm, r#"[ "$1" = install ]"#, "1"),
        (Convention::Rpm, r#"[ "$1" = upgrade ]"#, "2"),
    ],
    native: (),
};

/// `postinst`.
pub const POSTINST: Slot<()> = Slot {
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
    convention: Convention::Deb,
    foreign: &[
        (
            Convention::Rpm,
            r#"[ "$1" = configure ] && [ -z "$2" ]"#,
            "1",
        ),
        (
            Convention::Rpm,
            r#"[ "$1" = configure ] && [ -n "$2" ]"#,
            "2",
        ),
    ],
    native: (),
};

/// `prerm`.
pub const PRERM: Slot<()> = Slot {
    name: "prerm",
    fragment_phase: Phase::BeforeRemove,
    fragments_when: r#"[ "$1" = remove ] || [ "$1" = upgrade ] || [ "$1" = deconfigure ] || [ "$1" = failed-upgrade ]"#,
    user: &[(Phase::BeforeRemove, r#"[ "$1" = remove ]"#)],
    service: deb_prerm,
    convention: Convention::Deb,
    foreign: &[
        (Convention::Rpm, r#"[ "$1" = remove ]"#, "0"),
        (Convention::Rpm, r#"[ "$1" = upgrade ]"#, "1"),
    ],
    native: (),
};

/// `postrm`.
pub const POSTRM: Slot<()> = Slot {
    name: "postrm",
    fragment_phase: Phase::AfterRemove,
    fragments_when: r#"[ "$1" = remove ] || [ "$1" = purge ]"#,
    user: &[(Phase::AfterRemove, r#"[ "$1" = remove ]"#)],
    service: deb_postrm,
    convention: Convention::Deb,
    foreign: &[
        (Convention::Rpm, r#"[ "$1" = remove ]"#, "0"),
        (Convention::Rpm, r#"[ "$1" = upgrade ]"#, "1"),
    ],
    native: (),
};

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
