//! Real `fpm -s empty` invocations (metapackages) that pkgr builds as fpm does (see
//! `fpm_real.rs`), with docs/fpm.md's --license, --vendor and --maintainer rows asserted as
//! pkgr writes them.

use super::Case;
use super::Check::*;

/// The `-s empty` cases.
pub static CASES: &[Case] = &[
    // Make: `$@` is the target (`set -- linux-rock64-0.9.14-mainline_arm64.deb`), the other
    // `$(VAR)`s are shell variables with the values of a 0.9.14 release.
    Case {
        repo: "ayufan-rock64/linux-build",
        file: "Makefile.package.mk",
        commit: "243fcbe4b17b0eafe79a3d22d5b549b2418e82e4",
        setup: r#"
            set -- linux-rock64-0.9.14-mainline_arm64.deb
            BOARD_TARGET=rock64 VERSION=0.9.14 RELEASE_NAME=0.9.14 LATEST_PACKAGE_VERSION=0.9.14
            LATEST_UBOOT_VERSION=2020.07-1 LATEST_KERNEL_VERSION=5.6.0-1150-ayufan-g1234567890ab
        "#,
        command: r#"pkgr -s empty -t deb -n linux-$BOARD_TARGET-$VERSION-mainline -v $RELEASE_NAME -p $@ --deb-priority optional --category admin --depends "board-package-$BOARD_TARGET-$LATEST_PACKAGE_VERSION" --depends "u-boot-$BOARD_TARGET-$LATEST_UBOOT_VERSION" --depends "linux-image-$LATEST_KERNEL_VERSION" --depends "linux-headers-$LATEST_KERNEL_VERSION" --deb-field "Provides: linux-board-mainline-virtual" --deb-field "Provides: linux-board-mainline-virtual" --deb-field "Replaces: linux-board-mainline-virtual" --deb-field "Conflicts: linux-board-virtual" --force --url https://gitlab.com/ayufan-rock64/linux-build --description "Rock64 Linux virtual package: depends on kernel and compatibility package" -m "Kamil Trzciński <ayufan@ayufan.eu>" --license "MIT" --vendor "Kamil Trzciński" -a arm64"#,
        checks: &[
            Written("linux-rock64-0.9.14-mainline_arm64.deb"),
            Field("Package", "linux-rock64-0.9.14-mainline"),
            Field("Architecture", "arm64"),
            Field(
                "Depends",
                "board-package-rock64-0.9.14, u-boot-rock64-2020.07-1, linux-image-5.6.0-1150-ayufan-g1234567890ab, linux-headers-5.6.0-1150-ayufan-g1234567890ab",
            ),
            // fpm keeps --deb-field in a hash: the repeated Provides is written once.
            Field("Provides", "linux-board-mainline-virtual"),
            Field("Replaces", "linux-board-mainline-virtual"),
            Field("Conflicts", "linux-board-virtual"),
            Field("Priority", "optional"),
            Field("Section", "admin"),
            Field("Maintainer", "Kamil Trzciński <ayufan@ayufan.eu>"),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: MIT"),
            Absent("/usr/bin"),
        ],
    },

    // Make: COLTE_LIGHT_VERSION=0.10.0 and TARGET_DIR=./BUILD/ (made by the `target` rule).
    Case {
        repo: "uw-ictd/colte",
        file: "Makefile",
        commit: "006a907c1d0c07e738f9d7dc1a9108928d664697",
        setup: r#"
            COLTE_LIGHT_VERSION=0.10.0 TARGET_DIR=./BUILD/
            mkdir -p BUILD
        "#,
        command: r#"pkgr --input-type empty --output-type deb --force --vendor uw-ictd --maintainer sevilla@cs.washington.edu --description "The Community LTE Project - Light Version (EPC and Conf-tools Only)" --url "https://github.com/uw-ictd/colte" --name colte-light --version $COLTE_LIGHT_VERSION --package $TARGET_DIR --depends 'colte-epc (>= 0.9.3), colte-conf'"#,
        checks: &[
            Written("BUILD/colte-light_0.10.0_all.deb"),
            Field("Architecture", "all"),
            // docs/fpm.md --maintainer row: an email alone is named for the deb (fpm writes it as
            // given).
            Field("Maintainer", "sevilla <sevilla@cs.washington.edu>"),
            Field("Depends", "colte-epc (>= 0.9.3), colte-conf"),
            Field("Homepage", "https://github.com/uw-ictd/colte"),
            // docs/fpm.md --vendor row: the deb's control file has no Vendor field.
            NoField("Vendor"),
        ],
    },
];
