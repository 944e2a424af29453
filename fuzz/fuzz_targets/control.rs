//! Control-field writing: whatever the description, the folded field cannot start a new field
//! (every continuation line starts with a space) and one-line fields refuse control characters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let folded = pkgr::format::deb::control::format_description(s);
    for line in folded.lines().skip(1) {
        assert!(line.starts_with(' '), "continuation line {line:?} of {s:?}");
    }
    assert!(!folded.lines().next().unwrap_or("").contains('\n'));
    if pkgr::format::common::check_single_line("f", s).is_ok() {
        assert!(!s.contains('\n') && !s.contains('\r'));
    }
});
