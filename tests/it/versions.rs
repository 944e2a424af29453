//! PEP 440 → package versions, judged by the real implementations: Python's
//! `packaging.version` orders generated versions, and each mapped pair must compare the same
//! way with `dpkg --compare-versions` and with rpm's own `rpm.vercmp` (rpmvercmp), so an upgrade
//! pip would make is one dpkg and rpm make too.

use std::io::Write;
use std::process::{Command, Stdio};

use pkgr::version::from_pep440;

use crate::common::*;

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One PEP 440 version in one of the spellings PEP 440 allows (and pip normalises): `v`
/// prefixes, `alpha`/`c`/`pre`, `-N` and `rN` post-releases, separators, upper case, local
/// labels. Mixed letter-and-digit local segments (`abc10`) are not generated: their one known
/// difference is documented in `pkgr::version::from_pep440`.
fn version(g: &mut Gen) -> String {
    let mut v = String::new();
    if g.chance(5) {
        v.push('v');
    }
    if g.chance(8) {
        v.push_str(&format!("{}!", g.below(3)));
    }
    let parts = 1 + g.below(4);
    let nums: Vec<String> = (0..parts)
        .map(|_| g.pick(&["0", "1", "2", "10", "01"]).to_string())
        .collect();
    v.push_str(&nums.join("."));
    if g.chance(30) {
        let sep = g.pick(&["", ".", "-", "_"]);
        let kind = g.pick(&["a", "b", "rc", "alpha", "beta", "c", "pre", "preview", "RC"]);
        v.push_str(&format!("{sep}{kind}{}", g.below(3)));
    }
    if g.chance(25) {
        let n = g.below(3);
        match g.below(4) {
            0 => v.push_str(&format!(".post{n}")),
            1 => v.push_str(&format!("-{n}")),
            2 => v.push_str(&format!("r{n}")),
            _ => v.push_str(&format!("-rev{n}")),
        }
    }
    if g.chance(20) {
        v.push_str(&format!("{}dev{}", g.pick(&[".", "-", ""]), g.below(3)));
    }
    if g.chance(20) {
        let n = 1 + g.below(3);
        let segs: Vec<&str> = (0..n)
            .map(|_| g.pick(&["ubuntu", "1", "2", "10", "ab", "abc", "cpu", "Z"]))
            .collect();
        v.push('+');
        v.push_str(&segs.join(g.pick(&[".", "-", "_"])));
    }
    v
}

/// `versions` sorted by `packaging.version`, with whether each equals the one before it.
fn python_order(versions: &[String]) -> Vec<(String, bool)> {
    let script = "import sys\nfrom packaging.version import Version\n\
        vs = [l.strip() for l in sys.stdin if l.strip()]\n\
        vs.sort(key=Version)\n\
        prev = None\n\
        for v in vs:\n    print(v, int(prev is not None and Version(v) == Version(prev)))\n    prev = v\n";
    let mut child = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(versions.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "packaging.version failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (v, eq) = l.rsplit_once(' ').unwrap();
            (v.to_string(), eq == "1")
        })
        .collect()
}

/// dpkg's form of a mapped version: `[epoch:]version`.
fn deb(v: &str) -> String {
    match from_pep440(v) {
        (Some(e), s) => format!("{e}:{s}"),
        (None, s) => s,
    }
}

#[test]
fn pep440_order_is_dpkg_and_rpm_order() {
    require(&["dpkg", "rpm", "/usr/bin/python3"]);
    let has_packaging = Command::new("/usr/bin/python3")
        .args(["-c", "import packaging.version"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        has_packaging,
        "python3-packaging is needed (apt-get install python3-packaging)"
    );
    let mut g = Gen(0x5eed_0440);
    let mut versions: Vec<String> = (0..700).map(|_| version(&mut g)).collect();
    // The cases the issue measured, always in.
    for v in [
        "1.0+ubuntu.1",
        "1.0+post1",
        "1.0.post1",
        "1.0r1",
        "1.0rev2",
        "1.0-1",
        "v1.0",
        "1.0",
        "1.0.0",
        "1.0+1",
        "1.0+abc",
        "1.0+abc.1",
        "1.0+ab.c",
    ] {
        versions.push(v.to_string());
    }
    versions.sort();
    versions.dedup();
    let sorted = python_order(&versions);
    assert_eq!(sorted.len(), versions.len(), "packaging refused a version");
    let mut wrong = Vec::new();
    let mut lua = String::new();
    let mut rpm_pairs = Vec::new();
    for w in sorted.windows(2) {
        let ((a, _), (b, equal)) = (&w[0], &w[1]);
        let (da, db) = (deb(a), deb(b));
        let op = if *equal { "eq" } else { "lt" };
        let ok = Command::new("dpkg")
            .args(["--compare-versions", &da, op, &db])
            .status()
            .unwrap()
            .success();
        if !ok {
            wrong.push(format!("dpkg: {a} → {da} should be {op} {b} → {db}"));
        }
        let ((ea, ra), (eb, rb)) = (from_pep440(a), from_pep440(b));
        let (ea, eb) = (ea.unwrap_or(0), eb.unwrap_or(0));
        if ea == eb {
            lua.push_str(&format!("print(rpm.vercmp('{ra}', '{rb}') .. '\\n')\n"));
            rpm_pairs.push((a.clone(), ra, b.clone(), rb, *equal));
        } else if ea > eb {
            wrong.push(format!("epoch: {a} → {ea} should not exceed {b} → {eb}"));
        }
    }
    let d = tempfile::tempdir().unwrap();
    let script = d.path().join("cmp.lua");
    std::fs::write(&script, lua).unwrap();
    let out = sh(&format!(
        "rpm --eval \"%{{lua: dofile('{}')}}\"",
        script.display()
    ));
    let results: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(results.len(), rpm_pairs.len(), "{out}");
    for ((a, ra, b, rb, equal), r) in rpm_pairs.iter().zip(results) {
        let want = if *equal { "0" } else { "-1" };
        if r != want {
            wrong.push(format!(
                "rpm: {a} → {ra} vs {b} → {rb} gave {r}, want {want}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} adjacent pairs disagree with packaging.version:\n{}",
        wrong.len(),
        sorted.len() - 1,
        wrong.join("\n")
    );
    // Every mapped version is one the formats accept.
    for (v, _) in &sorted {
        let (_, m) = from_pep440(v);
        assert!(
            !m.is_empty() && m.starts_with(|c: char| c.is_ascii_digit()),
            "{v} → {m}"
        );
    }
}
