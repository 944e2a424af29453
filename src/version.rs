//! The model's version: one neutral form that every format can write.
//!
//! A version is letters, digits and `.`, with `~` before a pre-release (`1.0~rc1` sorts before
//! `1.0`) and `+` before a later build or post-release (`1.0+post1` sorts after `1.0` and before
//! `1.0.1`): dpkg (deb-version(5)) and rpm (rpmvercmp, `~` since rpm 4.10) order these the same
//! way, so the deb and the rpm of one build upgrade alike. RPM's snapshot marker `^` is kept for
//! the rpm and written as `+` in a deb (which orders it the same way). Each format validates the
//! version with its own rules (`format::deb::version`, the rpm's `check_evr`).
//!
//! [`from_pep440`] maps a Python project's version onto this form.

/// Maps a PEP 440 version to a neutral version (and epoch) that sorts the same way in dpkg and
/// rpm:
/// pre-releases get `~` (`1.0rc1` → `1.0~rc1`), dev releases `~~`, since they sort before
/// pre-releases (`1.0.dev3` → `1.0~~dev3` < `1.0~a1`),
/// post-releases `+` (`1.0.post2` → `1.0+post2`), a local part `+` (`1.0+abc` stays), and a
/// PEP 440 epoch `2!1.0` becomes the Debian epoch 2. Anything else is returned unchanged, for
/// each format's validator to judge.
pub fn from_pep440(v: &str) -> (Option<u32>, String) {
    let v = v.trim();
    if !v.is_ascii() {
        // Not a PEP 440 version; the formats' validators reject it with their rules.
        return (None, v.to_string());
    }
    let (epoch, rest) = match v.split_once('!') {
        Some((e, r)) => match e.parse::<u32>() {
            Ok(n) => (Some(n), r),
            Err(_) => (None, v),
        },
        None => (None, v),
    };
    let (public, local) = match rest.split_once('+') {
        Some((p, l)) => (p, Some(l)),
        None => (rest, None),
    };
    let lower = public.to_ascii_lowercase();
    let mut out = String::new();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let tail = &lower[i..];
        let marker = [
            "alpha", "beta", "preview", "pre", "rc", "dev", "post", "a", "b", "c",
        ]
        .into_iter()
        .find(|m| tail.starts_with(m));
        let after_digit =
            i > 0 && (bytes[i - 1].is_ascii_digit() || matches!(bytes[i - 1], b'.' | b'-' | b'_'));
        match marker {
            Some(m) if after_digit => {
                // Drop a separator PEP 440 allows before the marker ("1.0.rc1", "1.0-rc1").
                if matches!(out.as_bytes().last(), Some(b'.' | b'-' | b'_')) {
                    out.pop();
                }
                let canonical = match m {
                    "alpha" => "a",
                    "beta" => "b",
                    "c" | "pre" | "preview" => "rc",
                    other => other,
                };
                out.push_str(match m {
                    "post" => "+",
                    "dev" => "~~",
                    _ => "~",
                });
                out.push_str(canonical);
                i += m.len();
                // A separator between marker and number is also allowed ("rc.1", "rc-1").
                if i < bytes.len() && matches!(bytes[i], b'.' | b'-' | b'_') {
                    i += 1;
                }
            }
            _ => {
                out.push(bytes[i] as char);
                i += 1;
            }
        }
    }
    if let Some(l) = local {
        out.push('+');
        out.push_str(&l.replace(['-', '_'], "."));
    }
    (epoch, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_sorts_like_debian() {
        for (py, deb) in [
            ("1.0", "1.0"),
            ("1.0rc1", "1.0~rc1"),
            ("1.0.rc1", "1.0~rc1"),
            ("1.0-rc.1", "1.0~rc1"),
            ("1.0a2", "1.0~a2"),
            ("1.0alpha2", "1.0~a2"),
            ("1.0b1", "1.0~b1"),
            ("1.0c1", "1.0~rc1"),
            ("1.0.dev3", "1.0~~dev3"),
            ("1.0rc1.dev3", "1.0~rc1~~dev3"),
            ("1.0.post1.dev2", "1.0+post1~~dev2"),
            ("1.0.post2", "1.0+post2"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
            ("2.0.0", "2.0.0"),
        ] {
            assert_eq!(from_pep440(py), (None, deb.to_string()), "{py}");
            crate::format::deb::version::check_upstream(deb, false).unwrap();
        }
        assert_eq!(from_pep440("2!1.0"), (Some(2), "1.0".to_string()));
        assert_eq!(
            from_pep440("1.0é").1,
            "1.0é",
            "non-ASCII is left for the validator"
        );
        assert!(
            crate::format::deb::version::check_upstream(&from_pep440("1.0é").1, false).is_err()
        );
    }
}
