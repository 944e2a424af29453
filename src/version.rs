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

/// Fewest release components a mapped version has (see [`from_pep440`]).
const MIN_RELEASE_PARTS: usize = 3;

/// Maps a PEP 440 version (parsed and normalised by the `pep440_rs` crate: `v1.0`, `1.0r1`,
/// `1.0-1`, `1.0.RC1`, leading zeros, ...) to a neutral version and epoch that dpkg
/// (deb-version(5)) and rpm (rpmvercmp) order exactly as `packaging.version` does:
///
/// - the release with at least three components, trailing zeros beyond that dropped, since
///   PEP 440 pads with zeros (`1.0` == `1.0.0` == `1.0.0.0` → `1.0.0`; `1.2.3` stays);
/// - pre-releases after `~` (`1.0rc1` → `1.0.0~rc1`, `alpha`/`beta`/`c` → `a`/`b`/`rc`);
/// - post-releases after `+post` (`1.0.post2`, `1.0-2`, `1.0r2` → `1.0.0+post2`);
/// - dev releases after `~~`, which sorts before any pre-release (`1.0.dev3` → `1.0.0~~dev3`,
///   `1.0.post1.dev2` → `1.0.0+post1~~dev2`);
/// - a local version after `+local`, which sorts after the public version and before any of
///   its post-releases (`l` < `p`); each local segment is `.N` when numeric and `+text~` when
///   not, so numbers sort after text and a shorter text before a longer one, as PEP 440 has it
///   (`1.0+ubuntu.1` → `1.0.0+local+ubuntu~.1`). One difference remains: in a segment that mixes
///   letters and digits (`abc10`) dpkg and rpm compare the digits as a number, PEP 440 as text;
/// - a PEP 440 epoch `2!1.0` becomes the package epoch 2.
///
/// A string that is not a PEP 440 version is returned unchanged, for each format's validator
/// to judge with its own rules (Debian Policy §5.6.12, RPM's version rules).
pub fn from_pep440(v: &str) -> (Option<u32>, String) {
    map_pep440(v, MIN_RELEASE_PARTS)
}

/// [`from_pep440`] for a version *bound* on another package (`PyYAML>=6.0`): the release as
/// written, never padded, since the package it names (Debian's `python3-yaml 6.0-3`) was not
/// padded by pkgr (`>= 6.0.0` would refuse it).
pub fn bound_from_pep440(v: &str) -> (Option<u32>, String) {
    map_pep440(v, 1)
}

fn map_pep440(v: &str, min_parts: usize) -> (Option<u32>, String) {
    use pep440_rs::{LocalSegment, PrereleaseKind};
    let Ok(p) = v.trim().parse::<pep440_rs::Version>() else {
        return (None, v.trim().to_string());
    };
    let epoch = match p.epoch() {
        0 => None,
        e => match u32::try_from(e) {
            Ok(e) => Some(e),
            Err(_) => return (None, v.trim().to_string()),
        },
    };
    let mut release: Vec<u64> = p.release().to_vec();
    while release.len() > min_parts
        && release.len() > MIN_RELEASE_PARTS
        && release.last() == Some(&0)
    {
        release.pop();
    }
    while release.len() < min_parts {
        release.push(0);
    }
    let mut out = release
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".");
    if let Some(pre) = p.pre() {
        let kind = match pre.kind {
            PrereleaseKind::Alpha => "a",
            PrereleaseKind::Beta => "b",
            PrereleaseKind::Rc => "rc",
        };
        out.push_str(&format!("~{kind}{}", pre.number));
    }
    if let Some(post) = p.post() {
        out.push_str(&format!("+post{post}"));
    }
    if let Some(dev) = p.dev() {
        out.push_str(&format!("~~dev{dev}"));
    }
    if !p.local().is_empty() {
        out.push_str("+local");
        for seg in p.local() {
            match seg {
                LocalSegment::Number(n) => out.push_str(&format!(".{n}")),
                LocalSegment::String(s) => out.push_str(&format!("+{}~", s.to_ascii_lowercase())),
            }
        }
    }
    (epoch, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_sorts_like_debian() {
        for (py, deb) in [
            ("1.0", "1.0.0"),
            ("1", "1.0.0"),
            ("1.2.3", "1.2.3"),
            ("1.0.0.0", "1.0.0"),
            ("1.2.3.4", "1.2.3.4"),
            ("v1.0", "1.0.0"),
            ("1.0rc1", "1.0.0~rc1"),
            ("1.0.rc1", "1.0.0~rc1"),
            ("1.0-rc.1", "1.0.0~rc1"),
            ("1.0a2", "1.0.0~a2"),
            ("1.0alpha2", "1.0.0~a2"),
            ("1.0b1", "1.0.0~b1"),
            ("1.0c1", "1.0.0~rc1"),
            ("1.0.dev3", "1.0.0~~dev3"),
            ("1.0rc1.dev3", "1.0.0~rc1~~dev3"),
            ("1.0.post1.dev2", "1.0.0+post1~~dev2"),
            ("1.0.post2", "1.0.0+post2"),
            ("1.0-2", "1.0.0+post2"),
            ("1.0r1", "1.0.0+post1"),
            ("1.0rev2", "1.0.0+post2"),
            ("1.0+ubuntu-1", "1.0.0+local+ubuntu~.1"),
            ("1.0+5", "1.0.0+local.5"),
            ("2.0.0", "2.0.0"),
        ] {
            assert_eq!(from_pep440(py), (None, deb.to_string()), "{py}");
            crate::format::deb::version::check_upstream(deb, false).unwrap();
        }
        assert_eq!(from_pep440("2!1.0"), (Some(2), "1.0.0".to_string()));
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
