//! Version rules: validation, PEP 440 mapping and dpkg-order comparison never panic, and the
//! comparison is a consistent order (reflexive, antisymmetric).
#![no_main]
use libfuzzer_sys::fuzz_target;
use pkgr::format::deb::version::{check_full_debian, compare};
use pkgr::version::from_pep440;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = s.split_once('\n').unwrap_or((s, "1.0"));
    let _ = check_full_debian(a);
    let (_, mapped) = from_pep440(a);
    let _ = check_full_debian(&mapped);
    assert_eq!(compare(a, a), std::cmp::Ordering::Equal);
    assert_eq!(compare(a, b), compare(b, a).reverse());
});
