//! Dependency expressions: parsing never panics, and what parses renders to Debian syntax that
//! parses back to the same relation, in one line with no control characters.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pkgr::relation::Relation;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(list) = Relation::parse_list(s) {
        for r in list {
            let shown = r.to_debian();
            assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
            assert_eq!(Relation::parse(&shown).as_ref(), Ok(&r), "{shown:?}");
            let dep = pkgr::format::rpm::deps::relation(&r);
            assert!(!dep.name.chars().any(|c| c.is_control()), "{dep:?}");
        }
    }
});
