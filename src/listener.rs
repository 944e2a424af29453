//! Progress and warnings as a trait: the library never prints; the CLI decides how to show them.

use std::sync::Mutex;

/// Receives what the build wants a person to know.
pub trait Listener: Sync {
    /// A step is starting or finished ("building the virtualenv", "wrote x.deb").
    fn info(&self, msg: &str);
    /// A decision worth showing with `--verbose` (a rewritten file, a dependency and why).
    fn detail(&self, _msg: &str) {}
    /// A long step starts: `what` processes `total` bytes (0 when unknown).
    fn begin(&self, _what: &str, _total: u64) {}
    /// `bytes` more of the current step are done.
    fn advance(&self, _bytes: u64) {}
    /// The current step is finished.
    fn end(&self) {}
    /// A shared-library dependency decision (shown with `--verbose`, kept for `--json`).
    fn dependency(&self, d: &crate::format::common::DependencyDecision) {
        self.detail(&d.to_string());
    }
    /// Something the user should fix or know, that did not stop the build.
    fn warning(&self, msg: &str);
}

/// A listener that keeps every message, for tests and for machine-readable output.
#[derive(Debug, Default)]
pub struct Collect {
    /// Info messages in order.
    pub infos: Mutex<Vec<String>>,
    /// Warnings in order.
    pub warnings: Mutex<Vec<String>>,
}

impl Listener for Collect {
    fn info(&self, msg: &str) {
        if let Ok(mut v) = self.infos.lock() {
            v.push(msg.to_string());
        }
    }
    fn warning(&self, msg: &str) {
        if let Ok(mut v) = self.warnings.lock() {
            v.push(msg.to_string());
        }
    }
}
