//! Paths inside a package.

use std::fmt;

/// An absolute path inside the package, e.g. `/opt/venvs/app/bin/app`.
///
/// Stored as bytes without a trailing `/`; the root is `/`. Components are never empty, `.` or
/// `..` (the constructors reject them), so a package path can never climb out of the install root.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PkgPath(Vec<u8>);

/// Why a string could not become a [`PkgPath`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    /// The path was not absolute.
    #[error("package path '{0}' must be absolute (start with '/')")]
    NotAbsolute(String),
    /// The path had a `..` component.
    #[error("package path '{0}' contains '..', which could escape the install root")]
    DotDot(String),
    /// The path held a NUL byte or a newline, which no package format can carry safely.
    #[error("package path '{0}' contains a NUL or newline character")]
    BadByte(String),
}

impl PkgPath {
    /// The root directory `/`.
    pub fn root() -> Self {
        PkgPath(b"/".to_vec())
    }

    /// Parses an absolute path, collapsing `//` and `.` components.
    ///
    /// # Errors
    /// [`PathError`] if the path is relative, has a `..` component, or holds NUL or `\n`.
    pub fn new(raw: &[u8]) -> Result<Self, PathError> {
        let shown = String::from_utf8_lossy(raw).into_owned();
        if raw.first() != Some(&b'/') {
            return Err(PathError::NotAbsolute(shown));
        }
        if raw.iter().any(|&b| b == 0 || b == b'\n') {
            return Err(PathError::BadByte(shown));
        }
        let mut out = Vec::with_capacity(raw.len());
        for comp in raw.split(|&b| b == b'/') {
            match comp {
                b"" | b"." => {}
                b".." => return Err(PathError::DotDot(shown)),
                c => {
                    out.push(b'/');
                    out.extend_from_slice(c);
                }
            }
        }
        if out.is_empty() {
            out.push(b'/');
        }
        Ok(PkgPath(out))
    }

    /// Parses a `&str`; see [`PkgPath::new`].
    ///
    /// # Errors
    /// As [`PkgPath::new`].
    pub fn parse(s: &str) -> Result<Self, PathError> {
        Self::new(s.as_bytes())
    }

    /// Appends a relative path (bytes, `/`-separated) below this one.
    ///
    /// # Errors
    /// As [`PkgPath::new`] (a `..` in `rel` is rejected).
    pub fn join(&self, rel: &[u8]) -> Result<Self, PathError> {
        let mut raw = self.0.clone();
        raw.push(b'/');
        raw.extend_from_slice(rel);
        Self::new(&raw)
    }

    /// The raw bytes, e.g. `b"/opt/venvs/app"`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path without its leading `/` (`opt/venvs/app`; empty for the root).
    pub fn relative(&self) -> &[u8] {
        &self.0[1..]
    }

    /// Is this the root `/`?
    pub fn is_root(&self) -> bool {
        self.0 == b"/"
    }

    /// The parent directory, or `None` for the root.
    pub fn parent(&self) -> Option<PkgPath> {
        if self.is_root() {
            return None;
        }
        let cut = self.0.iter().rposition(|&b| b == b'/').unwrap_or(0);
        if cut == 0 {
            Some(PkgPath::root())
        } else {
            Some(PkgPath(self.0[..cut].to_vec()))
        }
    }

    /// The last component (`app` for `/opt/venvs/app`); empty for the root.
    pub fn file_name(&self) -> &[u8] {
        let cut = self.0.iter().rposition(|&b| b == b'/').unwrap_or(0);
        &self.0[cut + 1..]
    }

    /// Is `self` equal to `dir` or below it?
    pub fn starts_with(&self, dir: &PkgPath) -> bool {
        if dir.is_root() {
            return true;
        }
        self.0.starts_with(&dir.0) && (self.0.len() == dir.0.len() || self.0[dir.0.len()] == b'/')
    }

    /// The path below `dir` (`bin/app` for `/opt/venvs/app/bin/app` below `/opt/venvs/app`).
    pub fn strip_prefix(&self, dir: &PkgPath) -> Option<&[u8]> {
        if !self.starts_with(dir) {
            return None;
        }
        if dir.is_root() {
            return Some(self.relative());
        }
        let rest = &self.0[dir.0.len()..];
        Some(rest.strip_prefix(b"/").unwrap_or(rest))
    }

    /// The components, for sorting parents before children (`/a/b` < `/a/b/c` < `/a/b-c`).
    pub fn components(&self) -> impl Iterator<Item = &[u8]> {
        self.relative()
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
    }

    /// The path as (lossy) UTF-8, for messages.
    pub fn display(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl fmt::Debug for PkgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.display())
    }
}

impl fmt::Display for PkgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}
