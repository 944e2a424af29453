//! Real `fpm -t deb` invocations pkgr refuses or builds differently from fpm (see
//! `fpm_real.rs`): each keeps fpm's checks (but for docs/fpm.md's documented differences,
//! asserted as pkgr writes them) and says what pkgr does instead.

use super::Check::*;
use super::{Case, Different};

/// The deb cases pkgr does not build as fpm does, each with what it does instead.
pub static DIFFERENT: &[Different] = &[
    // RELEASE_VERSION=3.2.6; build_path is the script's mktemp directory.
    Different {
        why: "refused on purpose (Policy §5.6.2): -m shlomi-noach (pkgr: \"Maintainer (-m/--maintainer): 'shlomi-noach' must be 'Full Name <email@address>' (Policy §5.6.2)\"; fpm writes Maintainer: shlomi-noach)",
        case: Case {
            repo: "openark/orchestrator",
            file: "build.sh",
            commit: "23a899095a6c0fa07034775a4d1e2db9b266ac83",
            setup: r#"
                RELEASE_VERSION=3.2.6 build_path=$PWD/orchestrator-release/orchestratorABC123
                r=$build_path/orchestrator
                mkexe $r/usr/local/orchestrator/orchestrator
                mkfile $r/usr/local/orchestrator/resources/public/css/custom.css $r/usr/local/orchestrator/resources/public/js/custom.js
                mkfile $r/etc/systemd/system/orchestrator.service
            "#,
            command: r#"pkgr -v "${RELEASE_VERSION}" --epoch 1 -f -s dir -n orchestrator -m shlomi-noach --description "MySQL replication topology management and HA" --url "https://github.com/openark/orchestrator" --vendor "GitHub" --license "Apache 2.0" -C $build_path/orchestrator --prefix=/ --config-files /usr/local/orchestrator/resources/public/css/custom.css --config-files /usr/local/orchestrator/resources/public/js/custom.js --depends 'jq >= 1.5' -t deb --deb-no-default-config-files ."#,
            checks: &[
                Written("orchestrator_3.2.6_@DEB_ARCH@.deb"),
                Field("Version", "1:3.2.6"),
                Field("Depends", "jq (>= 1.5)"),
                Field("Maintainer", "shlomi-noach"),
                // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
                // the license is in the copyright file (Policy §12.5).
                NoField("License"),
                NoField("Vendor"),
                Copyright("License: Apache 2.0"),
                File("/usr/local/orchestrator/orchestrator", "0755", "root/root"),
                File("/etc/systemd/system/orchestrator.service", "0644", "root/root"),
                Conffiles(&[
                    "/usr/local/orchestrator/resources/public/css/custom.css",
                    "/usr/local/orchestrator/resources/public/js/custom.js",
                ]),
            ],
        },
    },

    // iter=$1, the script's argument.
    Different {
        why: "refused on purpose (docs/fpm.md --category and --depends rows): --category Tools (pkgr: \"Section (--category): 'Tools' is not a Debian archive section (Policy §2.4)\"; fpm writes Section: Tools) and -d wpa_supplicant (pkgr: \"'wpa_supplicant' is not a valid package name: it contains '_' (use '-'); use 'wpa-supplicant'\"; fpm writes wpa-supplicant)",
        case: Case {
            repo: "MarcinZablocki/oci-cn-auth",
            file: "build_deb.sh",
            commit: "0310e6a51817a83397a8ec516137ce3760ae8985",
            setup: r#"
                iter=3
                mkfile src/var/lib/oci-auth/share/oci-auth.service src/var/lib/oci-auth/share/oci-auth.timer src/etc/rdma/oracle_rdma.conf
                mkexe src/usr/bin/oci-auth src/var/lib/oci-auth/oci_auth.py
                for s in after-install after-remove after-upgrade before-install before-remove before-upgrade; do mkexe scripts/$s.sh; done
            "#,
            command: r#"pkgr -s dir -f -n oci-auth -t deb --iteration $iter --category Tools -a noarch -d "python3-psutil" -d "python3-openssl" -d "python3-cryptography" -d "python3-requests" -d "python3-jinja2" -d "wpa_supplicant" --description "Oracle Cloud cluster networking authentication utility" --license "UPL-1.0" --vendor "Oracle" --after-install scripts/after-install.sh --after-remove scripts/after-remove.sh --after-upgrade scripts/after-upgrade.sh --before-install scripts/before-install.sh --before-remove scripts/before-remove.sh --before-upgrade scripts/before-upgrade.sh --prefix / --config-files /etc/rdma/oracle_rdma.conf src/var/lib/=/var/lib/ src/etc/rdma/oracle_rdma.conf=/etc/rdma/oracle_rdma.conf src/var/lib/oci-auth/share/oci-auth.service=/lib/systemd/system/oci-auth.service src/var/lib/oci-auth/share/oci-auth.timer=/lib/systemd/system/oci-auth.timer src/usr/bin/oci-auth=/usr/bin/oci-auth"#,
            checks: &[
                Written("oci-auth_1.0-3_all.deb"),
                Field("Version", "1.0-3"),
                Field("Architecture", "all"),
                Field("Section", "Tools"),
                Field(
                    "Depends",
                    "python3-psutil, python3-openssl, python3-cryptography, python3-requests, python3-jinja2, wpa-supplicant",
                ),
                // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
                // the license is in the copyright file (Policy §12.5).
                NoField("License"),
                NoField("Vendor"),
                Copyright("License: UPL-1.0"),
                File("/usr/bin/oci-auth", "0755", "root/root"),
                File("/var/lib/oci-auth/oci_auth.py", "0755", "root/root"),
                File("/lib/systemd/system/oci-auth.service", "0644", "root/root"),
                File("/lib/systemd/system/oci-auth.timer", "0644", "root/root"),
                Conffiles(&["/etc/rdma/oracle_rdma.conf"]),
                Script("preinst", "ran scripts/before-install.sh"),
                Script("preinst", "ran scripts/before-upgrade.sh"),
                Script("postinst", "ran scripts/after-install.sh"),
                Script("postinst", "ran scripts/after-upgrade.sh"),
                Script("prerm", "ran scripts/before-remove.sh"),
                Script("postrm", "ran scripts/after-remove.sh"),
            ],
        },
    },


    // VERSION=0.12.0, VERSION_EPOCH=2:, VERSION_SUFFIX=os7, MAINTAINER as the script sets them.
    Different {
        why: "refused on purpose: --deb-upstart (docs/fpm.md --deb-upstart row; pkgr: \"upstart left Debian with Debian 9 (stretch); use --deb-systemd or --systemd-unit\"), and without it -n prometheus-node_exporter (docs/fpm.md --name row; pkgr: \"'prometheus-node_exporter' is not a valid package name: it contains '_' (use '-'); use 'prometheus-node-exporter'\"); fpm installs /etc/init/NAME.conf and the /etc/init.d/NAME -> /lib/init/upstart-job link",
        case: Case {
            repo: "opensignal/pkg-prometheus-node_exporter",
            file: "make",
            commit: "1a5df0e7488a643cafb2204602d552daa981c3de",
            setup: r#"
                VERSION=0.12.0 VERSION_EPOCH=2: VERSION_SUFFIX=os7 MAINTAINER="adrian@opensignal.com"
                mkfile init/prometheus-node_exporter default/prometheus-node_exporter systemd/prometheus-node_exporter
                mkexe postinst node_exporter-$VERSION.linux-amd64/node_exporter
            "#,
            command: r#"pkgr -f -m "$MAINTAINER" -t deb -s dir -n prometheus-node_exporter -v $VERSION_EPOCH$VERSION-$VERSION_SUFFIX --deb-upstart init/prometheus-node_exporter --deb-default default/prometheus-node_exporter --post-install postinst systemd/prometheus-node_exporter=/lib/systemd/system/prometheus-node_exporter.service node_exporter-$VERSION.linux-amd64/node_exporter=/usr/lib/prometheus/node_exporter"#,
            checks: &[
                Field("Package", "prometheus-node-exporter"),
                Field("Version", "2:0.12.0-os7"),
                File("/etc/init/prometheus-node_exporter.conf", "0644", "root/root"),
                Link("/etc/init.d/prometheus-node_exporter", "/lib/init/upstart-job"),
                File("/etc/default/prometheus-node_exporter", "0644", "root/root"),
                File(
                    "/lib/systemd/system/prometheus-node_exporter.service",
                    "0644",
                    "root/root",
                ),
                File("/usr/lib/prometheus/node_exporter", "0755", "root/root"),
                Conffiles(&[
                    "/etc/default/prometheus-node_exporter",
                    "/etc/init/prometheus-node_exporter.conf",
                ]),
                Script("postinst", "ran postinst"),
            ],
        },
    },

    Different {
        why: "refused on purpose (docs/fpm.md --name row): -n sdl_img (pkgr: \"Package (-n/--name): 'sdl_img' is not a valid package name: it contains '_' (use '-'); use 'sdl-img'\"; fpm names the deb sdl-img)",
        case: Case {
            repo: "rswinkle/sdl_img",
            file: "build_package.sh",
            commit: "049503526a1244574e5374a65542465c4a81356c",
            setup: r#"
                mkexe package_linux/usr/local/bin/sdl_img
                mkfile package_linux/usr/local/share/man/man1/sdl_img.1 package_linux/usr/share/applications/sdl_img.desktop package_linux/usr/share/icons/hicolor/48x48/apps/sdl_img.png
            "#,
            command: r#"pkgr -s dir -t deb -v 1.0-RC2 -n sdl_img -C package_linux --log info --verbose -d "libsdl2-2.0-0 >= 2.0.5" -d "libcurl4" -m "Robert Winkler <rob121618@gmail.com>" --description "A simple image viewer based on SDL2 and stb_image" --license MIT --url "https://github.com/rswinkle/sdl_img""#,
            checks: &[
                Written("sdl-img_1.0-RC2_@DEB_ARCH@.deb"),
                Field("Package", "sdl-img"),
                Field("Version", "1.0-RC2"),
                Field("Depends", "libsdl2-2.0-0 (>= 2.0.5), libcurl4"),
                // docs/fpm.md --license row: the deb's control file has no License field;
                // the license is in the copyright file (Policy §12.5).
                NoField("License"),
                Copyright("License: MIT"),
                File("/usr/local/bin/sdl_img", "0755", "root/root"),
                File("/usr/share/applications/sdl_img.desktop", "0644", "root/root"),
            ],
        },
    },
];
