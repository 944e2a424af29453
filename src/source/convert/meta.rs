//! A converted package's metadata and maintainer scripts in the model's terms.
//!
//! Versions: deb `[epoch:]upstream[-revision]` (Policy §5.6.12) and rpm `[epoch:]version-release`
//! both split into the model's epoch, version and iteration. Architectures go through the
//! shared table (`x86_64` → `amd64`, `noarch` → `all`). The description is the synopsis (deb
//! first line, rpm `Summary`) over the extended text.
//!
//! Scripts keep the convention they were written for ([`Convention`]): a deb's `postinst` still
//! gets `configure` when the rpm runs it, an rpm's `%post` still gets `$1` when dpkg runs it
//! (`crate::format::scripts` translates). A script pkgr itself wrapped that way (a package it
//! converted before) is unwrapped to the original. What no format pkgr writes can hold is named
//! in a warning: deb triggers, debconf's `config` and `templates`, `shlibs`/`symbols` files; rpm
//! triggers, Lua scriptlets, `%pretrans`/`%posttrans`/`%verifyscript` and the like.

use crate::format::common;
use crate::format::read::Inspection;
use crate::format::scripts::{unwrap_converted, Slot};
use crate::format::{deb, rpm};
use crate::listener::Listener;
use crate::model::{Convention, Metadata, Phase, Scripts};

use super::SourceError;

/// `[epoch:]version[-revision]` → (epoch, version, revision).
///
/// # Errors
/// [`SourceError::Invalid`] for an epoch that is not a number.
pub fn split_version(
    full: &str,
    flag: &str,
) -> Result<(Option<u32>, String, Option<String>), SourceError> {
    let (epoch, rest) = match full.split_once(':') {
        Some((e, rest)) => {
            let n = e.parse::<u32>().map_err(|_| {
                SourceError::Invalid(format!(
                    "{flag}: version '{full}' has the epoch '{e}', which is not a number"
                ))
            })?;
            (Some(n), rest)
        }
        None => (None, full),
    };
    Ok(match rest.rsplit_once('-') {
        Some((v, r)) => (epoch, v.to_string(), Some(r.to_string())),
        None => (epoch, rest.to_string(), None),
    })
}

/// The package's metadata; `flag` (`-s deb`) names the source in messages.
///
/// # Errors
/// [`SourceError::Invalid`] when the package has no name or version, or an architecture pkgr
/// does not know.
pub fn metadata(insp: &Inspection, flag: &str) -> Result<Metadata, SourceError> {
    let name = insp
        .name
        .clone()
        .ok_or_else(|| SourceError::Invalid(format!("{flag}: the package has no name")))?;
    let full = insp
        .version
        .clone()
        .ok_or_else(|| SourceError::Invalid(format!("{flag}: the package has no version")))?;
    let (epoch, version, iteration) = split_version(&full, flag)?;
    let architecture = match insp.architecture.as_deref() {
        None => String::new(),
        Some(a) => common::arch(a)
            .map(|row| row.debian.to_string())
            .ok_or_else(|| {
                SourceError::Invalid(format!(
                    "{flag}: the package's architecture '{a}' is none pkgr knows ({})",
                    common::known_architectures()
                ))
            })?,
    };
    let mut description = insp.summary.clone().unwrap_or_default();
    if let Some(ext) = insp.description.as_deref().filter(|d| !d.trim().is_empty()) {
        // An rpm's %description may repeat the Summary as its first line (pkgr's own do).
        let ext = match ext.split_once('\n') {
            Some((first, rest)) if first.trim() == description.trim() => rest,
            _ if ext.trim() == description.trim() => "",
            _ => ext,
        };
        if !ext.trim().is_empty() {
            description.push('\n');
            description.push_str(ext);
        }
    }
    Ok(Metadata {
        name,
        version,
        iteration,
        epoch,
        architecture,
        maintainer: insp.maintainer.clone().unwrap_or_default(),
        vendor: insp.vendor.clone(),
        url: insp.homepage.clone(),
        license: insp.license.clone(),
        license_text: None,
        description,
        category: insp
            .section
            .clone()
            .filter(|s| !s.is_empty() && s != "Unspecified"),
    })
}

/// Programs of dpkg and Debian's helpers that maintainer scripts call and RPM distributions do
/// not ship.
const DPKG_HELPERS: [&str; 15] = [
    "dpkg-maintscript-helper",
    "dpkg-trigger",
    "dpkg-divert",
    "dpkg-statoverride",
    "dpkg --compare-versions",
    "/usr/share/debconf/confmodule",
    "ucfr",
    "ucf ",
    "deb-systemd-helper",
    "deb-systemd-invoke",
    "update-rc.d",
    "invoke-rc.d",
    "adduser",
    "deluser",
    "py3compile",
];

/// The deb's maintainer scripts, written for dpkg's arguments.
pub fn deb_scripts(insp: &Inspection, name: &str, listener: &dyn Listener) -> Scripts {
    let slots: [(&str, Phase, &Slot<()>); 4] = [
        ("preinst", Phase::BeforeInstall, &deb::scripts::PREINST),
        ("postinst", Phase::AfterInstall, &deb::scripts::POSTINST),
        ("prerm", Phase::BeforeRemove, &deb::scripts::PRERM),
        ("postrm", Phase::AfterRemove, &deb::scripts::POSTRM),
    ];
    let mut out = Scripts::default();
    for (native, text) in &insp.scripts {
        let Some((_, phase, slot)) = slots.iter().find(|(n, _, _)| n == native) else {
            listener.warning(&format!(
                "-s deb: the '{native}' script (debconf) is not carried over: pkgr does not write debconf questions"
            ));
            continue;
        };
        put(&mut out, *phase, text, slot, name, Convention::Deb);
        let helpers: Vec<&str> = DPKG_HELPERS
            .iter()
            .copied()
            .filter(|h| text.contains(h))
            .collect();
        if !helpers.is_empty() {
            listener.warning(&format!(
                "-s deb: the {native} script calls {}, which RPM distributions do not have; in an rpm, a script that fails there stops the install (--package-scripts=false leaves the scripts out, {} FILE replaces this one)",
                helpers.join(", "),
                phase.flag()
            ));
        }
    }
    extras(insp, "-s deb", listener);
    out
}

/// The rpm's scriptlets, written for rpm's `$1`.
pub fn rpm_scripts(insp: &Inspection, name: &str, listener: &dyn Listener) -> Scripts {
    let slots: [(&str, Phase, &Slot<rpm::scripts::Tags>); 4] = [
        ("%pre", Phase::BeforeInstall, &rpm::scripts::PRE),
        ("%post", Phase::AfterInstall, &rpm::scripts::POST),
        ("%preun", Phase::BeforeRemove, &rpm::scripts::PREUN),
        ("%postun", Phase::AfterRemove, &rpm::scripts::POSTUN),
    ];
    let mut out = Scripts::default();
    for (native, text) in &insp.scripts {
        let Some((_, phase, slot)) = slots.iter().find(|(n, _, _)| n == native) else {
            listener.warning(&format!(
                "-s rpm: the {native} scriptlet is not carried over: the formats pkgr writes have no such script"
            ));
            continue;
        };
        if !text.starts_with("#!/") {
            let first = text.lines().next().unwrap_or("");
            listener.warning(&format!(
                "-s rpm: the {native} scriptlet runs in '{}', not a program; it is not carried over",
                first.trim_start_matches("#!")
            ));
            continue;
        }
        // `%post -p /sbin/ldconfig`: rpm runs the program with `$1`.
        let text = match text.strip_suffix('\n') {
            Some(line) if !line.contains('\n') => {
                format!("#!/bin/sh\nexec {} \"$@\"\n", line.trim_start_matches("#!"))
            }
            _ => text.clone(),
        };
        put(&mut out, *phase, &text, slot, name, Convention::Rpm);
    }
    extras(insp, "-s rpm", listener);
    out
}

/// Stores one script: the original inside a pkgr wrapper, else the text as it is.
fn put<T>(out: &mut Scripts, phase: Phase, text: &str, slot: &Slot<T>, name: &str, c: Convention) {
    let (c, script) = unwrap_converted(text, slot, name).unwrap_or((c, text.to_string()));
    out.user.insert(phase, script);
    out.written_for.insert(phase, c);
}

/// Warns about each part of the package pkgr does not model.
fn extras(insp: &Inspection, flag: &str, listener: &dyn Listener) {
    for extra in &insp.extras {
        let why = match extra.as_str() {
            "Breaks" | "Enhances" => continue, // named with their values by relations.rs
            "triggers" => "pkgr does not write dpkg triggers",
            "templates" => "pkgr does not write debconf questions",
            "shlibs" | "symbols" => {
                "the package's libraries are not declared to other packages' dpkg-shlibdeps"
            }
            e if e.starts_with("%caps") => {
                "the file ships without its capabilities (setcap in an --after-install script sets them)"
            }
            e if e.starts_with('%') => "pkgr does not write rpm triggers",
            e if e.contains(": ") => {
                listener.warning(&format!(
                    "{flag}: the control field '{e}' is not carried over (--deb-field '{e}' sets it in the deb)"
                ));
                continue;
            }
            _ => "pkgr does not know this control member",
        };
        listener.warning(&format!("{flag}: '{extra}' is not carried over: {why}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_split_into_epoch_version_revision() {
        let v = |s: &str| split_version(s, "-s deb").unwrap();
        assert_eq!(v("1.2"), (None, "1.2".into(), None));
        assert_eq!(v("2:1.2-3"), (Some(2), "1.2".into(), Some("3".into())));
        assert_eq!(
            v("1.2-rc1-0ubuntu1"),
            (None, "1.2-rc1".into(), Some("0ubuntu1".into()))
        );
        assert!(split_version("x:1", "-s deb").is_err());
    }
}
