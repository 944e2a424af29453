//! The `control` file (deb-control(5), Debian Policy §5) and the rules its fields follow.

use super::version;
use crate::format::common;
use crate::format::FormatError;
use crate::model::{EntryKind, Package};
use crate::relation::Relation;

/// Sections of the Debian archive (Policy §2.4), optionally with an area (`contrib/net`).
pub(super) const SECTIONS: &[&str] = &[
    "admin",
    "cli-mono",
    "comm",
    "database",
    "debug",
    "devel",
    "doc",
    "editors",
    "education",
    "electronics",
    "embedded",
    "fonts",
    "games",
    "gnome",
    "gnu-r",
    "gnustep",
    "graphics",
    "hamradio",
    "haskell",
    "httpd",
    "interpreters",
    "introspection",
    "java",
    "javascript",
    "kde",
    "kernel",
    "libdevel",
    "libs",
    "lisp",
    "localization",
    "mail",
    "math",
    "metapackages",
    "misc",
    "net",
    "news",
    "ocaml",
    "oldlibs",
    "otherosfs",
    "perl",
    "php",
    "python",
    "ruby",
    "rust",
    "science",
    "shells",
    "sound",
    "tasks",
    "tex",
    "text",
    "utils",
    "vcs",
    "video",
    "web",
    "x11",
    "xfce",
    "zope",
];

/// Priorities (Policy §2.5).
pub(super) const PRIORITIES: &[&str] = &["required", "important", "standard", "optional", "extra"];

/// The Section: `--category`, `misc` when none is given.
pub fn section(pkg: &Package) -> &str {
    pkg.meta.category.as_deref().unwrap_or("misc")
}

/// Debian's per-field rules for relations (Policy §7.1, §7.5): alternatives (`|`) only in
/// Depends and Pre-Depends; Provides only with `=` versions.
pub(super) fn check_relations(pkg: &Package) -> Result<(), FormatError> {
    let r = &pkg.relations;
    for (field, list) in [
        ("Depends (-d/--depends)", &r.depends),
        ("Pre-Depends", &r.pre_depends),
        ("Recommends (--recommends)", &r.recommends),
        ("Suggests (--suggests)", &r.suggests),
        ("Conflicts (--conflicts)", &r.conflicts),
        ("Replaces (--replaces)", &r.replaces),
        ("Provides (--provides)", &r.provides),
    ] {
        for rel in list {
            for a in &rel.alternatives {
                check_relation_name(field, rel, &a.name)?;
                if let Some((_, v)) = &a.constraint {
                    version::check_full_debian(v)
                        .map_err(|e| FormatError::invalid(field, format!("in '{rel}': {e}")))?;
                }
            }
        }
    }
    for (field, list) in [
        ("Conflicts (--conflicts)", &r.conflicts),
        ("Replaces (--replaces)", &r.replaces),
        ("Provides (--provides)", &r.provides),
    ] {
        if let Some(bad) = list.iter().find(|rel| rel.alternatives.len() > 1) {
            return Err(FormatError::invalid(
                field,
                format!("'{bad}' has alternatives ('|'), which only Depends and Pre-Depends allow (Policy §7.1)"),
            ));
        }
    }
    if let Some(bad) = r.provides.iter().find(|rel| {
        rel.alternatives.iter().any(|a| {
            a.constraint
                .as_ref()
                .is_some_and(|(op, _)| *op != crate::relation::Op::Eq)
        })
    }) {
        return Err(FormatError::invalid(
            "Provides (--provides)",
            format!("'{bad}' has a version that is not exact; Provides takes only '(= version)' (Policy §7.5)"),
        ));
    }
    Ok(())
}

/// An email address alone (`dev@example.com`, or fpm's default form `<dev@example.com>`), as
/// fpm users often give `-m`: the deb's Maintainer becomes `dev <dev@example.com>`
/// ([`with_name`]), with a warning.
pub(super) fn is_bare_email(m: &str) -> bool {
    // fpm's own default maintainer is `<user@host>`: an email in brackets, no name.
    let m = m
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(m);
    m.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && !m.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>'))
            && !domain.contains('@')
    })
}

/// `dev <dev@example.com>` for a bare `dev@example.com` (see [`is_bare_email`]).
pub(super) fn with_name(email: &str) -> String {
    let email = email
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or(email);
    let local = email.split('@').next().unwrap_or(email);
    format!("{local} <{email}>")
}

/// Policy §5.6.2: `Full Name <email>`, or an email alone (named in `prepare`).
pub(super) fn check_maintainer(m: &str) -> Result<(), FormatError> {
    if is_bare_email(m) {
        return Ok(());
    }
    let ok = m
        .strip_suffix('>')
        .and_then(|s| s.rsplit_once(" <"))
        .is_some_and(|(name, mail)| {
            !name.trim().is_empty()
                && !name.contains(['<', '>'])
                && mail.contains('@')
                && !mail.contains(['<', '>', ' '])
        });
    if ok {
        Ok(())
    } else {
        Err(FormatError::invalid(
            "Maintainer (-m/--maintainer)",
            format!("'{m}' must be 'Full Name <email@address>' (Policy §5.6.2)"),
        ))
    }
}

pub(super) fn check_description(d: &str) -> Result<(), FormatError> {
    let field = "Description (--description)";
    if let Some(c) = d
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FormatError::invalid(
            field,
            format!("contains the control character {c:?}"),
        ));
    }
    if d.lines().next().is_none_or(|l| l.trim().is_empty()) {
        return Err(FormatError::invalid(
            field,
            "the first line (the synopsis) is empty (Policy §5.6.13)",
        ));
    }
    Ok(())
}

/// A relation names a Debian package (Policy §5.6.1), optionally with an architecture
/// qualifier (`python3:any`, `libc6:amd64`); an RPM capability (`perl(Foo::Bar)`) or a file
/// dependency (`/usr/bin/python3`) has no meaning to dpkg.
fn check_relation_name(field: &str, rel: &Relation, name: &str) -> Result<(), FormatError> {
    let (base, arch) = match name.split_once(':') {
        Some((b, a)) => (b, Some(a)),
        None => (name, None),
    };
    let bad = |why: String| {
        Err(FormatError::invalid(
            field,
            format!(
                "'{}' in '{rel}' is not a Debian package name: {why}",
                name.escape_debug()
            ),
        ))
    };
    // A file dependency is left out of the deb by prepare (as fpm does), with a warning.
    if name.starts_with('/') {
        return Ok(());
    }
    if name.contains('(') {
        return bad(
            "dpkg relations name packages (Debian Policy §5.6.1); RPM capabilities and file dependencies belong in [rpm] depends".into(),
        );
    }
    if let Err(e) = version::check_package_name(base) {
        return bad(e.to_string());
    }
    if let Some(a) = arch {
        if a.is_empty()
            || !a
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return bad(format!(
                "the architecture qualifier '{a}' must be lowercase letters, digits and '-'"
            ));
        }
    }
    Ok(())
}

/// Formats `Description` per Policy §5.6.13: the synopsis on the field line; every extended line
/// prefixed by a space, blank lines as ` .`, and lines that do not start with a space word-wrapped
/// at 79 columns. No line of the result can start a new field.
pub fn format_description(d: &str) -> String {
    let d = d.replace('\t', "        ");
    let mut lines = d.lines();
    let synopsis = lines.next().unwrap_or("").trim().to_string();
    let rest: Vec<&str> = lines.collect();
    // Drop leading and trailing blank lines of the extended text.
    let start = rest.iter().position(|l| !l.trim().is_empty());
    let end = rest.iter().rposition(|l| !l.trim().is_empty());
    let mut out = synopsis;
    if let (Some(s), Some(e)) = (start, end) {
        // Each line is ' ' + text: 79 columns of text keep lintian's 80 (Policy §5.6.13).
        for line in common::reflow(&rest[s..=e].join("\n"), 79) {
            if line.is_empty() {
                out.push_str("\n .");
            } else if line == "." {
                out.push_str("\n  .");
            } else {
                out.push_str("\n ");
                out.push_str(&line);
            }
        }
    }
    out
}

fn relations_field(name: &str, list: &[Relation], out: &mut String) {
    if !list.is_empty() {
        let v: Vec<String> = list.iter().map(Relation::to_debian).collect();
        out.push_str(&format!("{name}: {}\n", v.join(", ")));
    }
}

/// Installed-Size in KiB, as dpkg-gencontrol computes it: every regular file's size rounded up
/// to whole KiB, plus 1 KiB for every other object (Policy §5.6.20).
pub fn installed_size(pkg: &Package) -> u64 {
    pkg.entries
        .iter()
        .map(|e| match &e.kind {
            EntryKind::File { size, .. } => size.div_ceil(1024),
            _ => 1,
        })
        .sum()
}

/// The `control` file (deb-control(5)), fields in dpkg's order; `Priority` is `--deb-priority`;
/// `extra` are the `--deb-field`s, checked, after `Homepage`.
pub fn control_file(pkg: &Package, priority: &str, extra: &[(String, String)]) -> String {
    let m = &pkg.meta;
    let mut c = String::new();
    c.push_str(&format!("Package: {}\n", m.name));
    c.push_str(&format!("Version: {}\n", pkg.full_version()));
    c.push_str(&format!("Architecture: {}\n", m.architecture));
    c.push_str(&format!("Maintainer: {}\n", m.maintainer));
    c.push_str(&format!("Installed-Size: {}\n", installed_size(pkg)));
    let r = &pkg.relations;
    relations_field("Pre-Depends", &r.pre_depends, &mut c);
    relations_field("Depends", &r.depends, &mut c);
    relations_field("Recommends", &r.recommends, &mut c);
    relations_field("Suggests", &r.suggests, &mut c);
    relations_field("Conflicts", &r.conflicts, &mut c);
    relations_field("Replaces", &r.replaces, &mut c);
    relations_field("Provides", &r.provides, &mut c);
    c.push_str(&format!("Section: {}\n", section(pkg)));
    c.push_str(&format!("Priority: {priority}\n"));
    if let Some(u) = &m.url {
        c.push_str(&format!("Homepage: {u}\n"));
    }
    for (name, value) in extra {
        c.push_str(&format!("{name}: {value}\n"));
    }
    c.push_str(&format!(
        "Description: {}\n",
        format_description(&m.description)
    ));
    c
}
