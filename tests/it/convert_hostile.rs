//! Hostile archives given to the conversion sources: members that would land outside the tree,
//! links out of it, devices, sizes the data does not back, truncated files. Each is refused
//! with a message naming the member, writes no package and leaves no staging directory.

use super::common::*;

/// Writes the archives with Python's tarfile (Debian's /usr/bin/python3), which writes what it
/// is told, unlike GNU tar.
const MAKE: &str = r#"
import io, os, sys, tarfile
out = sys.argv[1]
def tar(name, members, mode="w:gz"):
    with tarfile.open(os.path.join(out, name), mode) as t:
        for m, data in members:
            t.addfile(m, io.BytesIO(data) if data is not None else None)
def f(name, data=b"x\n"):
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644; return (i, data)
def link(name, target, kind=tarfile.SYMTYPE):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = target; return (i, None)
def dev(name):
    i = tarfile.TarInfo(name); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3; return (i, None)
tar("dotdot.tar.gz", [f("app/ok"), f("app/../../evil")])
tar("absolute.tar.gz", [f("app/ok"), f("/etc/evil")])
tar("symlink-out.tar.gz", [f("app/ok"), link("app/passwd", "../../../../etc/passwd")])
tar("symlink-abs.tar.gz", [f("app/ok"), link("app/passwd", "/etc/passwd")])
tar("hardlink-out.tar.gz", [f("app/ok"), link("app/h", "../../etc/shadow", tarfile.LNKTYPE)])
tar("device.tar.gz", [f("app/ok"), dev("app/null")])
# Each link stays inside alone; together b leads out (a is the tree's root, a/.. above it).
tar("symlink-chain.tar.gz", [f("app/ok"), link("a", "."), link("b", "a/..")])
# Inside the tarball, but above what -C selects.
tar("symlink-chdir.tar.gz", [f("pkg/ok"), link("pkg/up", "..")])
# A header that claims a terabyte, followed by a few bytes.
big = tarfile.TarInfo("app/huge"); big.size = 1 << 40
raw = big.tobuf(tarfile.GNU_FORMAT) + b"only this much"
open(os.path.join(out, "huge.tar"), "wb").write(raw)
# A good archive cut in the middle of its data.
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    i, d = f("app/data", os.urandom(100000)); t.addfile(i, io.BytesIO(d))
open(os.path.join(out, "truncated.tar"), "wb").write(buf.getvalue()[:60000])
# A deb whose data.tar has a member climbing out with '..'.
def tarbytes(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        for m, data in members:
            t.addfile(m, io.BytesIO(data) if data is not None else None)
    return b.getvalue()
control = tarbytes([f("./control", b"Package: evil\nVersion: 1.0\nArchitecture: all\nMaintainer: E <e@example.org>\nDescription: evil\n")])
data = tarbytes([f("./usr/share/evil/ok"), f("./../../../tmp/pwned")])
def member(name, body):
    h = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(body):<10}`\n".encode()
    return h + body + (b"\n" if len(body) % 2 else b"")
deb = b"!<arch>\n" + member("debian-binary", b"2.0\n") + member("control.tar.gz", control) + member("data.tar.gz", data)
open(os.path.join(out, "dotdot.deb"), "wb").write(deb)
"#;

#[test]
fn hostile_archives_are_refused_and_write_nothing() {
    require(&["/usr/bin/python3"]);
    let s = Scratch::new();
    let evil = s.p("evil");
    std::fs::create_dir_all(&evil).unwrap();
    let tmp = s.p("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    run_ok(
        std::process::Command::new("/usr/bin/python3")
            .args(["-c", MAKE])
            .arg(&evil),
    );
    for (source, file, needles) in [
        ("tar", "dotdot.tar.gz", &["app/../../evil", "outside"][..]),
        ("tar", "absolute.tar.gz", &["/etc/evil", "outside"]),
        (
            "tar",
            "symlink-out.tar.gz",
            &["symlink '/app/passwd'", "outside the archive's tree"],
        ),
        (
            "tar",
            "symlink-abs.tar.gz",
            &["'/etc/passwd', outside the archive's tree"],
        ),
        ("tar", "hardlink-out.tar.gz", &["/app/h", "outside"]),
        ("tar", "device.tar.gz", &["'/app/null' is a chardev"]),
        (
            "tar",
            "symlink-chain.tar.gz",
            &[
                "symlink '/b' points at 'a/..'",
                "through its other symlinks",
            ],
        ),
        (
            "tar -C pkg",
            "symlink-chdir.tar.gz",
            &["symlink '/pkg/up' points at '..'"],
        ),
        ("tar", "huge.tar", &["truncated"]),
        ("tar", "truncated.tar", &["truncated"]),
        ("deb", "dotdot.deb", &["tmp/pwned", "outside"]),
    ] {
        let path = evil.join(file);
        let mut words = source.split(' ');
        let out = pkgr()
            .current_dir(s.dir.path())
            .env("TMPDIR", &tmp)
            .args([
                "-s",
                words.next().unwrap(),
                "-t",
                "deb,rpm,tar",
                "-n",
                "xx",
                "-p",
                "out/",
            ])
            .args(words)
            .arg(&path)
            .output()
            .unwrap();
        refused(&out, 2, needles);
        assert!(s.out_files().is_empty(), "{file}: {:?}", s.out_files());
        assert!(tree(&tmp).is_empty(), "{file} left {:?}", tree(&tmp));
    }
    // The scratch directory is untouched outside out/ (nothing extracted by '..').
    assert!(!s.p("evil/../evil-escaped").exists());
    assert!(!std::path::Path::new("/tmp/pwned").exists());
}

/// Damaged rpms: a payload member the header does not list, a cpio size the header contradicts,
/// a payload whose bytes changed (its digest no longer matches), a file cut short.
#[test]
fn damaged_rpms_are_refused_and_write_nothing() {
    require(&["/usr/bin/python3"]);
    let s = Scratch::new();
    std::fs::write(s.p("tree/aaaa"), "hi\n").unwrap();
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "rpm",
        "-n",
        "hr",
        "-a",
        "all",
        "-m",
        "A <a@example.org>",
        "--rpm-compression",
        "none",
        "-p",
        "good.rpm",
        "tree=/opt/hr",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_ok(
        std::process::Command::new("/usr/bin/python3")
            .current_dir(s.dir.path())
            .args([
                "-c",
                r#"
d = open("good.rpm", "rb").read()
i = d.rfind(b"./opt/hr/aaaa")
open("renamed.rpm", "wb").write(d[:i] + b"../../../aaa" + d[i + 12:])
h = i - 110
open("sized.rpm", "wb").write(d[:h + 54] + b"00000009" + d[h + 62:])
j = d.rfind(b"hi\n")
open("flipped.rpm", "wb").write(d[:j] + b"H" + d[j + 1:])
open("cut.rpm", "wb").write(d[:-40])
"#,
            ]),
    );
    let tmp = s.p("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    for (file, needle) in [
        (
            "renamed.rpm",
            "the archive has '/../../../aaaa', which the header does not list",
        ),
        (
            "sized.rpm",
            "'/opt/hr/aaaa' has 9 bytes in the archive, but the header says 3",
        ),
        ("flipped.rpm", "(the payload is damaged)"),
        ("cut.rpm", "(the file is truncated)"),
    ] {
        let out = pkgr()
            .current_dir(s.dir.path())
            .env("TMPDIR", &tmp)
            .args(["-s", "rpm", "-t", "deb,tar", "-p", "out/", file])
            .output()
            .unwrap();
        refused(&out, 2, &[needle]);
        assert!(s.out_files().is_empty(), "{file}: {:?}", s.out_files());
        assert!(tree(&tmp).is_empty(), "{file} left {:?}", tree(&tmp));
    }
    // The undamaged one converts.
    let out = s.pkgr(&["-s", "rpm", "-t", "tar", "-p", "out/", "good.rpm"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
