//! A converted package's relationship fields in the model's terms. A deb's are Debian syntax
//! (deb-control(5), Policy §7.1) and carry over as they are. An rpm's are capabilities: what
//! rpmbuild generates from the payload (shared-library sonames `libc.so.6()(64bit)`,
//! `rtld(GNU_HASH)`, `config(NAME)`, the package's own `NAME(x86-64)`) is left out, because every
//! format pkgr writes derives its own from the same payload's ELF files (the deb maps sonames to
//! Debian packages through the dpkg database, the rpm writes them again); rich dependencies
//! made of `or` alone become alternatives; other rich forms (`if`, `with`, `and`, ...) cannot be
//! said in a deb and are left out with a warning.

use crate::format::read::Inspection;
use crate::listener::Listener;
use crate::model::Relations;
use crate::relation::Relation;

use super::SourceError;

/// The fields of [`Relations`] by their [`Inspection::relations`] keys.
fn field<'a>(r: &'a mut Relations, key: &str) -> Option<&'a mut Vec<Relation>> {
    Some(match key {
        "depends" => &mut r.depends,
        "pre_depends" => &mut r.pre_depends,
        "recommends" => &mut r.recommends,
        "suggests" => &mut r.suggests,
        "provides" => &mut r.provides,
        "conflicts" => &mut r.conflicts,
        "replaces" => &mut r.replaces,
        _ => return None,
    })
}

/// A deb's relations. `Breaks` and `Enhances`, which the model does not hold yet, are named in
/// a warning.
///
/// # Errors
/// [`SourceError::Invalid`] naming the field and the value that does not parse.
pub fn deb(insp: &Inspection, listener: &dyn Listener) -> Result<Relations, SourceError> {
    let mut out = Relations::default();
    for (key, list) in &insp.relations {
        let Some(slot) = field(&mut out, key) else {
            listener.warning(&format!(
                "-s deb: {} ({}) is not carried over: pkgr does not write that field yet",
                deb_name(key),
                list.join(", ")
            ));
            continue;
        };
        for value in list {
            let rel = Relation::parse(value)
                .map_err(|e| SourceError::Invalid(format!("-s deb: {}: {e}", deb_name(key))))?;
            slot.push(rel);
        }
    }
    Ok(out)
}

fn deb_name(key: &str) -> &'static str {
    match key {
        "breaks" => "Breaks",
        "enhances" => "Enhances",
        "depends" => "Depends",
        "pre_depends" => "Pre-Depends",
        "recommends" => "Recommends",
        "suggests" => "Suggests",
        "provides" => "Provides",
        "conflicts" => "Conflicts",
        _ => "Replaces",
    }
}

fn rpm_name(key: &str) -> &'static str {
    match key {
        "depends" => "Requires",
        "replaces" => "Obsoletes",
        "recommends" => "Recommends",
        "suggests" => "Suggests",
        "provides" => "Provides",
        "conflicts" => "Conflicts",
        "enhances" => "Enhances",
        _ => "Supplements",
    }
}

/// Is this capability one rpmbuild generates from the payload or the package itself?
pub fn generated(cap: &str, name: &str) -> bool {
    let base = cap.split_whitespace().next().unwrap_or("");
    base.contains(".so") && base.contains('(')
        || base.starts_with("rtld(")
        || base.starts_with("rpmlib(")
        // The scriptlets' interpreter, which rpmbuild requires for them (`Requires(post)`).
        || base == "/bin/sh"
        || base == "/usr/bin/sh"
        || base == format!("config({name})")
        || base == name
        || base.starts_with(&format!("{name}(")) && base.ends_with(')')
}

/// An rpm's relations; see the module's rules. `name` is the package's own name.
///
/// # Errors
/// [`SourceError::Invalid`] naming the tag and the value that does not parse.
pub fn rpm(
    insp: &Inspection,
    name: &str,
    listener: &dyn Listener,
) -> Result<Relations, SourceError> {
    let mut out = Relations::default();
    let mut dropped = Vec::new();
    for (key, list) in &insp.relations {
        let tag = rpm_name(key);
        let Some(slot) = field(&mut out, key) else {
            listener.warning(&format!(
                "-s rpm: {tag} ({}) is not carried over: pkgr does not write that field yet",
                list.join(", ")
            ));
            continue;
        };
        for value in list {
            if generated(value, name) {
                if !dropped.contains(value) {
                    dropped.push(value.clone());
                }
                continue;
            }
            if let Some(inner) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
                match or_alternatives(inner) {
                    Some(rel) => slot.push(rel),
                    None => listener.warning(&format!(
                        "-s rpm: {tag} '{value}' is a rich dependency only rpm can state; it is left out"
                    )),
                }
                continue;
            }
            let rel = Relation::parse(value)
                .map_err(|e| SourceError::Invalid(format!("-s rpm: {tag}: {e}")))?;
            slot.push(rel);
        }
    }
    if !dropped.is_empty() {
        let shown: Vec<&str> = dropped.iter().take(3).map(String::as_str).collect();
        let more = match dropped.len() {
            n if n > 3 => format!(", and {} more", n - 3),
            _ => String::new(),
        };
        listener.info(&format!(
            "-s rpm: the capabilities rpmbuild generated are left out ({}{more}): each format derives its own from the payload",
            shown.join(", ")
        ));
    }
    Ok(out)
}

/// `a or b >= 1 or c`: alternatives; `None` for any other rich form.
fn or_alternatives(inner: &str) -> Option<Relation> {
    if inner.contains('(') && inner.contains(" or (") {
        return None;
    }
    let parts: Vec<&str> = inner.split(" or ").map(str::trim).collect();
    if parts.iter().any(|p| {
        p.is_empty()
            || [" and ", " if ", " unless ", " with ", " without ", " else "]
                .iter()
                .any(|k| format!(" {p} ").contains(k))
    }) {
        return None;
    }
    Relation::parse(&parts.join(" | ")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_capabilities() {
        for cap in [
            "libc.so.6()(64bit)",
            "libc.so.6(GLIBC_2.34)(64bit)",
            "rtld(GNU_HASH)",
            "config(hello) = 2.10-1",
            "hello = 2.10-1",
            "hello(x86-64) = 2.10-1",
        ] {
            assert!(generated(cap, "hello"), "{cap}");
        }
        assert!(generated("/bin/sh", "hello"));
        for cap in [
            "bash",
            "/usr/bin/python3",
            "perl(Foo::Bar) >= 1",
            "hello-data",
        ] {
            assert!(!generated(cap, "hello"), "{cap}");
        }
    }

    #[test]
    fn rich_or_becomes_alternatives() {
        let r = or_alternatives("a or b >= 1.0").unwrap();
        assert_eq!(r.to_debian(), "a | b (>= 1.0)");
        assert!(or_alternatives("a if b").is_none());
        assert!(or_alternatives("a and b").is_none());
    }
}
