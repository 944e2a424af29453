//! fpm's other inputs and outputs in pkgr: `-s empty` metapackages (checked with dpkg-deb, rpm
//! and apt in a chroot) and fpm's `-p` template tokens.

use super::common::*;

/// `-s empty`: a metapackage with relations and no files, in every format, as fpm makes it.
#[test]
fn empty_source_makes_a_metapackage() {
    require(&["dpkg-deb", "rpm", "tar"]);
    let s = Scratch::new();
    let out = s.pkgr(&[
        "-s",
        "empty",
        "-t",
        "deb,rpm,tar",
        "-n",
        "meta",
        "-d",
        "zsh",
        "-p",
        "out/",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deb = s.p("out/meta_1.0_all.deb");
    assert_eq!(field(&deb, "Depends"), "zsh");
    let files = sh(&format!("dpkg-deb -c '{}'", deb.display()));
    assert!(
        files.lines().all(|l| l.contains("./usr/share/doc/meta")
            || l.ends_with("./")
            || l.ends_with("./usr/")
            || l.ends_with("./usr/share/")
            || l.ends_with("./usr/share/doc/")),
        "{files}"
    );
    let rpm = s.p("out/meta-1.0-1.noarch.rpm");
    assert!(sh(&format!("rpm -qpR '{}'", rpm.display()))
        .lines()
        .any(|l| l == "zsh"));
    assert_eq!(
        sh(&format!("rpm -qpl '{}'", rpm.display())).trim(),
        "(contains no files)"
    );
    let out = s.pkgr(&[
        "-s", "empty", "-t", "deb", "-n", "meta2", "tree", "-p", "out/",
    ]);
    refused(&out, 2, &["-s empty takes no PATH"]);
}

/// `-s empty -t deb -n meta -d zsh` is a metapackage apt installs in a clean chroot, pulling
/// zsh in from the mirror; removing it with autoremove takes zsh away again.
#[test]
#[cfg_attr(
    not(all(feature = "test-root", feature = "test-pypi")),
    ignore = "test-root, test-pypi: a debootstrap chroot and apt from the mirror, as root"
)]
fn empty_metapackage_pulls_its_dependency_in_with_apt() {
    use super::common::chroot::{copy_in, fresh_root, in_root};
    require(&["debootstrap", "chroot", "dpkg-deb"]);
    require_root();
    let s = Scratch::new();
    let out = s.pkgr(&[
        "-s", "empty", "-t", "deb", "-n", "meta", "-d", "zsh", "-p", "out/",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = fresh_root(&s.p("chroot"));
    in_root(&root, &["apt-get", "update", "-qq"]);
    let deb = copy_in(&root, &s.p("out/meta_1.0_all.deb"));
    in_root(
        &root,
        &[
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            &deb,
        ],
    );
    let zsh = in_root(&root, &["zsh", "-c", "echo $ZSH_NAME"]);
    assert_eq!(zsh.trim(), "zsh");
    in_root(
        &root,
        &[
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "autoremove",
            "-y",
            "-q",
            "--purge",
            "meta",
        ],
    );
    let left = in_root(
        &root,
        &[
            "sh",
            "-c",
            "dpkg-query -W -f '${db:Status-Status}' zsh 2>/dev/null || true",
        ],
    );
    assert_ne!(
        left.trim(),
        "installed",
        "autoremove took zsh with the metapackage"
    );
}

/// fpm's `-p` tokens: FULLVERSION (without the epoch), EPOCH and TYPE, per format.
#[test]
fn fpm_output_template_tokens() {
    let s = Scratch::new();
    let out = s.pkgr(&[
        "-s",
        "dir",
        "-t",
        "deb,rpm",
        "-n",
        "ab",
        "-v",
        "1.0",
        "--iteration",
        "2",
        "--epoch",
        "3",
        "tree",
        "-p",
        "out/NAME_FULLVERSION_EPOCH_ARCH.TYPE",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        s.p("out/ab_1.0-2_3_amd64.deb").is_file(),
        "{:?}",
        s.out_files()
    );
    assert!(
        s.p("out/ab_1.0-2_3_x86_64.rpm").is_file(),
        "{:?}",
        s.out_files()
    );
}
