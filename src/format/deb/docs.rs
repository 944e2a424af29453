//! What every .deb ships besides its payload (Debian Policy §12.5, §12.7): the copyright file, a
//! changelog, and lintian overrides for exactly what pkgr does on purpose.

use crate::model::{Package, PkgPath};
use crate::time;

/// lintian overrides for what pkgr does on purpose, each with its reason: files under `/opt`
/// (FHS §3.13 reserves it for add-on application packages), and unstripped ELF files inside a
/// virtualenv, which pkgr never strips (stripping patchelf-repaired manylinux binaries corrupts
/// them: dh-virtualenv #150, #273). `None` when neither applies.
pub(super) fn lintian_overrides(pkg: &Package) -> Option<String> {
    let name = &pkg.meta.name;
    let mut text = String::new();
    let opt = PkgPath::parse("/opt").ok()?;
    if pkg.entries.iter().any(|e| e.path.starts_with(&opt)) {
        text.push_str(&format!(
            "# {name} installs an application under /opt, the place the FHS (section 3.13) reserves\n\
             # for add-on application software packages; the tag is meant for distribution packages.\n\
             {name}: dir-or-file-in-opt\n"
        ));
    }
    let omitted: Vec<&str> = crate::sysdirs::DEBIAN_UNOWNED_DIRS
        .iter()
        .copied()
        .filter(|d| {
            PkgPath::parse(d).is_ok_and(|d| {
                pkg.entries
                    .iter()
                    .any(|e| e.path != d && e.path.starts_with(&d))
            })
        })
        .collect();
    if !omitted.is_empty() {
        text.push_str(
            "# No Debian package owns these directories (base-files creates them in its postinst):\n\
             # shipping one would make this package its only owner, and purging it would remove\n\
             # the directory from the system. Every Debian system has them.\n",
        );
        for d in omitted {
            text.push_str(&format!(
                "{name}: missing-intermediate-directory [{}/]\n",
                d.trim_start_matches('/')
            ));
        }
    }
    if let Some(venv) = &pkg.venv {
        let unstripped: Vec<&PkgPath> = pkg
            .elf
            .files
            .iter()
            .filter(|f| f.unstripped && f.path.starts_with(&venv.prefix))
            .map(|f| &f.path)
            .collect();
        if !unstripped.is_empty() {
            text.push_str(
                "# Compiled files of the virtualenv are shipped exactly as pip installed them: stripping\n\
                 # patchelf-repaired manylinux binaries corrupts them (dh-virtualenv #150, #273).\n",
            );
            for p in unstripped {
                text.push_str(&format!(
                    "{name}: unstripped-binary-or-object [{}]\n",
                    String::from_utf8_lossy(p.relative())
                ));
            }
        }
    }
    (!text.is_empty()).then_some(text)
}

pub(super) fn copyright_file(pkg: &Package) -> String {
    let m = &pkg.meta;
    let mut s = format!("{} {}\n\n", m.name, pkg.full_version());
    if let Some(u) = &m.url {
        s.push_str(&format!("Upstream: {u}\n"));
    }
    if let Some(v) = &m.vendor {
        s.push_str(&format!("Vendor: {v}\n"));
    }
    s.push_str(&format!("Packaged by: {}\n", m.maintainer));
    s.push_str(&format!(
        "Copyright: the {} authors; see the upstream project for the full notice.\n",
        m.name
    ));
    s.push_str(&format!(
        "License: {}\n",
        m.license
            .as_deref()
            .unwrap_or("unknown (no --license was given)")
    ));
    if let Some(t) = &m.license_text {
        s.push('\n');
        s.push_str(t.trim_end());
        s.push('\n');
    }
    s
}

/// A one-entry Debian changelog (deb-changelog(5)) dated `mtime`.
pub(super) fn changelog_file(pkg: &Package, mtime: u64) -> String {
    format!(
        "{} ({}) unstable; urgency=medium\n\n  * Package built by pkgr.\n\n -- {}  {}\n",
        pkg.meta.name,
        pkg.full_version(),
        pkg.meta.maintainer,
        time::rfc2822(mtime)
    )
}
