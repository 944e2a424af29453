//! POSIX shell quoting for the scripts pkgr generates.

/// Single-quotes `s` for POSIX `sh`: `it's` → `'it'\''s'`. The result is one word whatever `s`
/// holds (spaces, `$`, backquotes, newlines).
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes() {
        assert_eq!(super::quote("a b"), "'a b'");
        assert_eq!(super::quote("it's"), "'it'\\''s'");
    }
}
