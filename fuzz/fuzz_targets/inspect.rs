//! Reading packages back (`pkgr inspect`): arbitrary bytes are an error or a result, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(data).expect("write");
    if let Ok(i) = pkgr::inspect::inspect(f.path()) {
        let _ = pkgr::inspect::render_text(&i);
    }
});
