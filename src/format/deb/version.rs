//! Debian's package-name and version rules, with the standard each comes from, and dpkg's
//! version order.
//!
//! - Package names: Debian Policy §5.6.1 (`[a-z0-9][a-z0-9+.-]+`, at least two characters).
//! - Versions: Debian Policy §5.6.12 (`[epoch:]upstream[-revision]`; upstream starts with a digit
//!   and uses `A-Za-z0-9.+~` plus `-` only when a revision follows; revision uses `A-Za-z0-9.+~`).
//! - [`compare`]: deb-version(5)'s order, as `dpkg --compare-versions` sorts.

/// A broken naming or versioning rule; the message names the value and the rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum VersionError {
    /// Package name breaks Policy §5.6.1.
    #[error("'{0}' is not a valid package name: {1} (Debian Policy §5.6.1: lowercase letters, digits, '+', '-', '.', at least 2 characters, starting with a letter or digit)")]
    Name(String, String),
    /// Version breaks Policy §5.6.12.
    #[error("'{0}' is not a valid version: {1} (Debian Policy §5.6.12)")]
    Version(String, String),
}

/// Checks a package name against Debian Policy §5.6.1.
///
/// # Errors
/// [`VersionError::Name`] with the reason.
pub fn check_package_name(name: &str) -> Result<(), VersionError> {
    let err = |why: &str| {
        let why = match suggested_name(name) {
            Some(s) if s != name => format!("{why}; use '{s}'"),
            _ => why.to_string(),
        };
        Err(VersionError::Name(name.escape_debug().to_string(), why))
    };
    if name.len() < 2 {
        return err("it must be at least 2 characters long");
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return err("it contains uppercase letters");
    }
    let first = name.as_bytes()[0];
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return err("it must start with a lowercase letter or a digit");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        if name.contains('_') {
            return err("it contains '_' (use '-')");
        }
        return err("it contains a character other than a-z, 0-9, '+', '-', '.'");
    }
    Ok(())
}

/// The Policy §5.6.1 name closest to `name`: lowercased, each run of other characters
/// (`_`, spaces) made one `-`, leading punctuation dropped; `None` when nothing valid is left.
pub fn suggested_name(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-')
        .to_string();
    (out.len() >= 2).then_some(out)
}

fn verr(v: &str, why: impl Into<String>) -> VersionError {
    VersionError::Version(v.escape_debug().to_string(), why.into())
}

/// Checks the upstream part of a version (no epoch). `has_revision` allows `-` in it.
///
/// # Errors
/// [`VersionError::Version`] with the reason.
pub fn check_upstream(v: &str, has_revision: bool) -> Result<(), VersionError> {
    if v.is_empty() {
        return Err(verr(v, "the version is empty"));
    }
    if !v.as_bytes()[0].is_ascii_digit() {
        return Err(verr(v, "the upstream version must start with a digit"));
    }
    for c in v.chars() {
        let ok =
            c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~') || (has_revision && c == '-');
        if !ok {
            let why = match c {
                '-' => "'-' is only allowed when a revision follows; give the revision with --iteration".to_string(),
                ':' => "':' is only allowed after an epoch; give the epoch with --epoch".to_string(),
                c if c.is_control() => "it contains a control character (newline, tab, ...)".to_string(),
                c => format!("it contains '{c}'; only A-Z a-z 0-9 . + ~ are allowed"),
            };
            return Err(verr(v, why));
        }
    }
    Ok(())
}

/// Checks a Debian revision (fpm `--iteration`).
///
/// # Errors
/// [`VersionError::Version`] with the reason.
pub fn check_revision(r: &str) -> Result<(), VersionError> {
    if r.is_empty() {
        return Err(verr(r, "the revision (--iteration) is empty"));
    }
    if let Some(c) = r
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~')))
    {
        let why = if c.is_control() {
            "the revision (--iteration) contains a control character".to_string()
        } else {
            format!("the revision (--iteration) contains '{c}'; only A-Z a-z 0-9 . + ~ are allowed")
        };
        return Err(verr(r, why));
    }
    Ok(())
}

/// Checks a whole Debian version string `[epoch:]upstream[-revision]`, as found in relations.
///
/// # Errors
/// [`VersionError::Version`] with the reason.
pub fn check_full_debian(v: &str) -> Result<(), VersionError> {
    let rest = match v.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                return Err(verr(v, "the epoch before ':' must be a number"));
            }
            rest
        }
        None => v,
    };
    match rest.rsplit_once('-') {
        Some((up, rev)) => {
            check_upstream(up, true)?;
            check_revision(rev)
        }
        None => check_upstream(rest, false),
    }
}

/// Compares two Debian versions as dpkg does (deb-version(5)): epoch numerically, then upstream
/// version and revision by alternating non-digit runs (where `~` sorts before everything, even
/// the end, and letters before other characters) and digit runs (numerically).
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(v: &str) -> (u64, &str, &str) {
        let (epoch, rest) = match v.split_once(':') {
            Some((e, r)) => (e.parse().unwrap_or(0), r),
            None => (0, v),
        };
        match rest.rsplit_once('-') {
            Some((u, r)) => (epoch, u, r),
            None => (epoch, rest, ""),
        }
    }
    fn order(c: Option<u8>) -> i32 {
        match c {
            None => 0,
            Some(b'~') => -1,
            Some(c) if c.is_ascii_alphabetic() => i32::from(c),
            Some(c) => i32::from(c) + 256,
        }
    }
    fn part(a: &str, b: &str) -> std::cmp::Ordering {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            // Non-digit prefix.
            while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit())
            {
                let ca = a.get(i).filter(|c| !c.is_ascii_digit()).copied();
                let cb = b.get(j).filter(|c| !c.is_ascii_digit()).copied();
                let (oa, ob) = (order(ca), order(cb));
                if oa != ob {
                    return oa.cmp(&ob);
                }
                if ca.is_some() {
                    i += 1;
                }
                if cb.is_some() {
                    j += 1;
                }
            }
            // Digit run, compared numerically without overflow.
            while i < a.len() && a[i] == b'0' {
                i += 1;
            }
            while j < b.len() && b[j] == b'0' {
                j += 1;
            }
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let (da, db) = (&a[si..i], &b[sj..j]);
            let c = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
            if c != std::cmp::Ordering::Equal {
                return c;
            }
        }
        std::cmp::Ordering::Equal
    }
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| part(ua, ub))
        .then_with(|| part(ra, rb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        for ok in ["ab", "python3.11", "g++", "lib-foo0", "0ad"] {
            check_package_name(ok).unwrap();
        }
        for (bad, why) in [
            ("a", "at least 2"),
            ("Foo", "uppercase"),
            ("foO", "uppercase"),
            ("foo_bar", "'_'"),
            ("-foo", "start with"),
            ("foo bar", "other than"),
            ("MyApp", "use 'myapp'"),
            ("my_app", "use 'my-app'"),
            ("foo\nbar", "other than"),
        ] {
            let e = check_package_name(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(e.contains("5.6.1"), "{e}");
        }
    }

    #[test]
    fn versions() {
        check_upstream("1.0~rc1+dfsg", false).unwrap();
        check_upstream("1.0-beta", true).unwrap();
        for (bad, why) in [
            ("", "empty"),
            ("v1", "start with a digit"),
            ("1.0-2", "--iteration"),
            ("1:2", "--epoch"),
            ("1.0\nDepends: x", "control character"),
            ("1_0", "'_'"),
        ] {
            let e = check_upstream(bad, false).unwrap_err().to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
        check_revision("1").unwrap();
        assert!(check_revision("1-2").is_err());
        check_full_debian("1:2.0-3").unwrap();
        check_full_debian("2.0").unwrap();
        assert!(check_full_debian("x:2.0").is_err());
    }

    #[test]
    fn compares_like_dpkg() {
        use std::cmp::Ordering::*;
        for (a, b, want) in [
            ("1.0", "1.0", Equal),
            ("1.0~rc1", "1.0", Less),
            ("1.0~~dev1", "1.0~a1", Less),
            ("1.0", "1.0+post1", Less),
            ("1.0a", "1.0+", Less),
            ("1:0.1", "2.0", Greater),
            ("1.0-1", "1.0-2", Less),
            ("1.10", "1.9", Greater),
            ("1.01", "1.1", Equal),
            ("1.0-1", "1.0", Greater),
            ("2.0", "10.0", Less),
            ("1.0", "1.0.0", Less),
        ] {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }
}
