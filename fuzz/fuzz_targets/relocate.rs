//! The relocation rewriter: byte replacement and shebang rewriting never panic, the result holds
//! no whole-path occurrence of the old prefix, and a second pass changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pkgr::transform::relocate::{replace_paths, rewrite_script};

const OLD: &[u8] = b"/tmp/pkgr-x/venv";
const NEW: &[u8] = b"/opt/venvs/app";

fuzz_target!(|data: &[u8]| {
    let old = vec![OLD.to_vec()];
    let once = replace_paths(data, &old, NEW).unwrap_or_else(|| data.to_vec());
    assert_eq!(
        replace_paths(&once, &old, NEW),
        None,
        "second pass changed something"
    );
    if let Some(s) = rewrite_script(data, &old, NEW, true) {
        let again = rewrite_script(&s, &old, NEW, true);
        assert!(
            again.is_none() || again.as_deref() == Some(&s[..]),
            "not idempotent"
        );
    }
});
