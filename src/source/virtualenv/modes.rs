//! What a built venv's package says of itself as Debian's tools want it: its files' modes, as
//! dh_fixperms sets them, and a synopsis that does not start with the package's name.

use crate::model::Entry;

/// A venv is a build product, so its modes are set as dh_fixperms sets them, whatever the build
/// host's umask: directories and executables 0755, other files 0644, and shared libraries
/// (`*.so`, `*.so.N`: extension modules, a wheel's bundled `*.libs/`) 0644 even when the wheel
/// made them executable (lintian: shared-library-is-executable; the loader needs no `x`).
pub(super) fn fix_modes(entries: &mut [Entry]) {
    for e in entries {
        let name = e
            .path
            .as_bytes()
            .rsplit(|&b| b == b'/')
            .next()
            .unwrap_or_default();
        let shared = name.ends_with(b".so")
            || name.windows(4).position(|w| w == b".so.").is_some_and(|i| {
                name[i + 4..]
                    .iter()
                    .all(|b| b.is_ascii_digit() || *b == b'.')
            });
        e.mode = match e.kind {
            crate::model::EntryKind::Dir => 0o755,
            crate::model::EntryKind::Symlink { .. } => 0o777,
            _ if shared => 0o644,
            _ if e.mode & 0o111 != 0 => 0o755,
            _ => 0o644,
        };
    }
}

/// `summary` without a leading `NAME: ` or `NAME - ` (compared without case), its first letter
/// raised: `HTTPie: modern, user-friendly HTTP client` → `Modern, user-friendly HTTP client`.
/// Any other summary is returned as it is.
pub(super) fn without_name(summary: &str, name: &str) -> String {
    let s = summary.trim();
    let rest = s
        .get(..name.len())
        .filter(|head| head.eq_ignore_ascii_case(name))
        .and_then(|_| s.get(name.len()..))
        .and_then(|r| {
            [":", " -", " \u{2013}", " \u{2014}", ","]
                .iter()
                .find_map(|sep| r.strip_prefix(sep))
        })
        .map(str::trim)
        .filter(|r| !r.is_empty());
    match rest {
        Some(r) => {
            let mut c = r.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PkgPath;

    #[test]
    fn shared_libraries_are_not_executable() {
        let mut es: Vec<_> = [
            "/v/lib/x.cpython-311-x86_64-linux-gnu.so",
            "/v/a.libs/libz-1a.so.1.2.13",
            "/v/bin/tool",
            "/v/lib/notes.so.txt",
        ]
        .iter()
        .map(|p| Entry::bytes(PkgPath::parse(p).unwrap(), vec![], 0o755))
        .collect();
        fix_modes(&mut es);
        let modes: Vec<u32> = es.iter().map(|e| e.mode).collect();
        assert_eq!(modes, [0o644, 0o644, 0o755, 0o755]);
    }

    #[test]
    fn a_summary_loses_a_leading_name() {
        assert_eq!(
            without_name("HTTPie: modern, user-friendly HTTP client", "httpie"),
            "Modern, user-friendly HTTP client"
        );
        assert_eq!(
            without_name("black - the uncompromising formatter", "black"),
            "The uncompromising formatter"
        );
        assert_eq!(
            without_name("Blackbird is a bird", "black"),
            "Blackbird is a bird"
        );
        assert_eq!(without_name("httpie:", "httpie"), "httpie:");
    }
}
