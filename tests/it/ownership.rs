//! What the package does not own (the issue "Hostile input and faults"): installing never
//! changes a base-system directory's mode or owner, a deb never ships a directory no Debian
//! package owns, and names that a format would read differently (trailing whitespace in a
//! conffile, a control character) are refused before any work.

use std::process::Command;

use crate::common::*;

#[test]
fn base_system_directories_keep_their_modes_and_owners() {
    let s = Scratch::new();
    // A 0700 directory in the tree mapped onto /usr.
    std::fs::create_dir_all(s.p("root/usr/share/ab")).unwrap();
    std::fs::write(s.p("root/usr/share/ab/data"), "x").unwrap();
    run_ok(Command::new("chmod").args(["0700"]).arg(s.p("root/usr")));
    let o = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb,tar",
        "-a",
        "all",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-C",
        "root",
        "-p",
        "out/",
        ".",
    ]);
    assert!(o.status.success(), "{o:?}");
    let deb = s.p("out/ab_1.0_all.deb");
    let usr = contents(&deb)
        .into_iter()
        .find(|c| c.2 == "./usr/")
        .unwrap();
    assert_eq!(usr.0, "drwxr-xr-x", "{usr:?}");
    let listing = sh(&format!(
        "tar -tvf '{}'",
        s.p("out/ab-1.0.noarch.tar.zst").display()
    ));
    assert!(
        !listing.contains(" ./usr/\n"),
        "the tarball must not carry /usr: {listing}"
    );
    assert!(listing.contains("./usr/share/ab/data"), "{listing}");
}

#[test]
fn a_deb_never_ships_directories_no_debian_package_owns() {
    let s = Scratch::new();
    let o = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-a",
        "all",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "--description",
        "Test tree packaged by pkgr\nA package the hostile-input tests build.",
        "-p",
        "out/",
        "tree=/opt/ab/",
    ]);
    assert!(o.status.success(), "{o:?}");
    let deb = s.p("out/ab_1.0_all.deb");
    let names: Vec<String> = contents(&deb).into_iter().map(|c| c.2).collect();
    assert!(!names.contains(&"./opt/".to_string()), "{names:?}");
    assert!(names.contains(&"./opt/ab/".to_string()), "{names:?}");
    require(&["lintian"]);
    assert_lintian_clean(&deb);
}

#[test]
fn deb_conffile_names_ending_in_whitespace_are_refused() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.p("etc")).unwrap();
    std::fs::write(s.p("etc/app.conf "), "x").unwrap();
    let o = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/",
        "etc=/etc/ab",
    ]);
    refused(&o, 2, &["/etc/ab/app.conf ", "deb-conffiles(5)"]);
    assert!(s.out_files().is_empty());
}

#[test]
fn a_control_character_in_a_file_name_stops_every_format_before_any_work() {
    let s = Scratch::new();
    std::fs::write(s.p("tree/a\rb"), "x").unwrap();
    let o = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb,rpm,tar",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/",
        "tree=/opt/ab",
    ]);
    refused(&o, 2, &["file name", "control character"]);
    assert!(s.out_files().is_empty(), "{:?}", s.out_files());
}

#[test]
fn a_sticky_directory_keeps_its_mode_in_every_format() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.p("tree/drop")).unwrap();
    run_ok(Command::new("chmod").args(["1777"]).arg(s.p("tree/drop")));
    let o = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb,rpm",
        "-a",
        "all",
        "-n",
        "ab",
        "-m",
        "A B <a@example.org>",
        "-p",
        "out/",
        "tree=/var/lib/ab",
    ]);
    assert!(o.status.success(), "{o:?}");
    let drop = contents(&s.p("out/ab_1.0_all.deb"))
        .into_iter()
        .find(|c| c.2 == "./var/lib/ab/drop/")
        .unwrap();
    assert_eq!(drop.0, "drwxrwxrwt");
    require(&["rpm"]);
    let dump = stdout(&run_ok(
        Command::new("rpm")
            .args(["-qp", "--dump"])
            .arg(s.p("out/ab-1.0-1.noarch.rpm")),
    ));
    let line = dump
        .lines()
        .find(|l| l.starts_with("/var/lib/ab/drop "))
        .unwrap();
    assert!(line.contains(" 041777 "), "{line}");
}
