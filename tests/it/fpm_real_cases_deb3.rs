//! Real `fpm -t deb` invocations in fpm's own spellings that pkgr builds as fpm does (see
//! `fpm_real.rs`; the setup helpers are described in `fpm_real_cases_deb.rs`): `<email>` and
//! email-alone maintainers (named for the deb, docs/fpm.md --maintainer row), `EPOCH:VERSION`
//! and `v`-prefixed versions, `DIR=DST/` placing the directory itself, and systemd units.

use super::Case;
use super::Check::*;

/// The deb cases in fpm's spellings.
pub static CASES: &[Case] = &[
    // Make: `$(VAR)`s are shell variables; MAINTAINER and DESCRIPTION carry their own double
    // quotes in the Makefile, so each is one word: `"$MAINTAINER"`, `"$DESCRIPTION"`.
    Case {
        repo: "dbehnke/fpm-deb-rpm-template",
        file: "Makefile",
        commit: "1d19a23cde152c74c0ec258987dd6ad66d15c450",
        setup: r#"
            NAME=hello PROVIDES=hello VERSION=1.0 ITERATION=1 ARCH=x86_64
            MAINTAINER="<tester@buildhost>" DESCRIPTION="Outputs a friendly hello"
            SCRIPTSDIR=packaging-scripts
            AINSTALL=$SCRIPTSDIR/after-install.sh AREMOVE=$SCRIPTSDIR/after-remove.sh AUPGRADE=$SCRIPTSDIR/after-upgrade.sh
            BINSTALL=$SCRIPTSDIR/before-install.sh BREMOVE=$SCRIPTSDIR/before-remove.sh BUPGRADE=$SCRIPTSDIR/before-upgrade.sh
            mkexe root/usr/bin/hello $AINSTALL $AREMOVE $AUPGRADE $BINSTALL $BREMOVE $BUPGRADE
        "#,
        command: r#"pkgr -s dir -t deb -a $ARCH -C root --provides $PROVIDES -n $NAME --version $VERSION --iteration $ITERATION -m "$MAINTAINER" --description "$DESCRIPTION" --after-install $AINSTALL --before-install $BINSTALL --after-remove $AREMOVE --before-remove $BREMOVE --after-upgrade $AUPGRADE --before-upgrade $BUPGRADE"#,
        checks: &[
            Written("hello_1.0-1_amd64.deb"),
            Field("Architecture", "amd64"),
            Field("Version", "1.0-1"),
            Field("Provides", "hello"),
            // docs/fpm.md --maintainer row: an email alone (here fpm's own `<email>` form) is
            // named for the deb; fpm writes it as given.
            Field("Maintainer", "tester <tester@buildhost>"),
            File("/usr/bin/hello", "0755", "root/root"),
            Script("preinst", "ran packaging-scripts/before-install.sh"),
            Script("preinst", "ran packaging-scripts/before-upgrade.sh"),
            Script("postinst", "ran packaging-scripts/after-install.sh"),
            Script("postinst", "ran packaging-scripts/after-upgrade.sh"),
            Script("prerm", "ran packaging-scripts/before-remove.sh"),
            Script("postrm", "ran packaging-scripts/after-remove.sh"),
        ],
    },
    // Make: CONF_VERSION and TARGET_DIR are shell variables. `./conf/colte=/usr/bin/` places the
    // directory itself in /usr/bin (rsync's rule, as fpm): /usr/bin/colte/roles/...
    Case {
        repo: "uw-ictd/colte",
        file: "Makefile",
        commit: "006a907c1d0c07e738f9d7dc1a9108928d664697",
        setup: r#"
            CONF_VERSION=0.9.13 TARGET_DIR=./BUILD/
            mkdir -p BUILD
            mkexe conf/colteconf conf/coltedb conf/postinst conf/postrm
            mkfile conf/colte/roles/configure/vars/main.yml conf/colte/roles/configure/tasks/main.yml conf/colte-tcpdump.service conf/config.yml
        "#,
        command: r#"pkgr --input-type dir --output-type deb --force --vendor uw-ictd --config-files /usr/bin/colte/roles/configure/vars/main.yml --maintainer sevilla@cs.washington.edu --description "Configuration Tools for CoLTE" --url "https://github.com/uw-ictd/colte" --name colte-conf --version $CONF_VERSION --package $TARGET_DIR --depends 'ansible, python-mysqldb, colte-db' --after-install ./conf/postinst --after-remove ./conf/postrm ./conf/colteconf=/usr/bin/ ./conf/coltedb=/usr/bin/ ./conf/colte=/usr/bin/ ./conf/colte-tcpdump.service=/etc/systemd/system/colte-tcpdump.service ./conf/config.yml=/usr/local/etc/colte/config.yml"#,
        checks: &[
            Written("BUILD/colte-conf_0.9.13_@DEB_ARCH@.deb"),
            // docs/fpm.md --vendor row: the deb's control file has no Vendor field.
            NoField("Vendor"),
            // docs/fpm.md --maintainer row: an email alone is named for the deb (fpm writes it as
            // given).
            Field("Maintainer", "sevilla <sevilla@cs.washington.edu>"),
            Field("Depends", "ansible, python-mysqldb, colte-db"),
            File("/usr/bin/colteconf", "0755", "root/root"),
            File("/usr/bin/coltedb", "0755", "root/root"),
            File(
                "/usr/bin/colte/roles/configure/tasks/main.yml",
                "0644",
                "root/root",
            ),
            File("/usr/local/etc/colte/config.yml", "0644", "root/root"),
            Conffiles(&[
                "/etc/systemd/system/colte-tcpdump.service",
                "/usr/bin/colte/roles/configure/vars/main.yml",
            ]),
            Script("postinst", "ran conf/postinst"),
            Script("postrm", "ran conf/postrm"),
        ],
    },
    // version=$(git describe --tag), head=$(git rev-parse --short HEAD), epoch=$(date +%s):
    // fixed values here. fpm drops the leading 'v' of the Debian version, as pkgr does (with a
    // warning, docs/fpm.md --version row).
    Case {
        repo: "signal18/replication-manager",
        file: "package_linux_amd64.sh",
        commit: "08f05a503ec941405d108f3e0b8575aa343db403",
        setup: r#"
            version=v2.1.0 head=1a2b3c4 epoch=1700000000
            mkexe build/usr/bin/replication-manager-osc build/etc/init.d/replication-manager
            mkfile build/etc/replication-manager/config.toml.sample build/etc/systemd/system/replication-manager.service
            mkfile build/usr/share/replication-manager/dashboard/index.html
        "#,
        command: r#"pkgr --epoch $epoch --iteration $head -v $version -C build -s dir -t deb -n replication-manager-osc ."#,
        checks: &[
            Written("replication-manager-osc_2.1.0-1a2b3c4_@DEB_ARCH@.deb"),
            Field("Version", "1700000000:2.1.0-1a2b3c4"),
            File("/usr/bin/replication-manager-osc", "0755", "root/root"),
            File("/etc/init.d/replication-manager", "0755", "root/root"),
            File(
                "/usr/share/replication-manager/dashboard/index.html",
                "0644",
                "root/root",
            ),
            Conffiles(&[
                "/etc/init.d/replication-manager",
                "/etc/replication-manager/config.toml.sample",
                "/etc/systemd/system/replication-manager.service",
            ]),
        ],
    },
    // Make: `$(FPMCOMMON)` is pasted as text before the shell parses the line, so it is
    // written out here (its second definition, `--name gor`, is the one every recipe sees);
    // VERSION=1.3.3 (a release). The recipe fills /tmp/gor-build first.
    Case {
        repo: "buger/goreplay",
        file: "Makefile",
        commit: "07b4b31d3a0586b1ee7b173959796d278e75cf66",
        setup: r#"
            VERSION=1.3.3
            hosttmp /tmp/gor-build
            mkexe /tmp/gor-build/gor
        "#,
        command: r#"pkgr --name gor --description "GoReplay is an open-source network monitoring tool which can record your live traffic, and use it for shadowing, load testing, monitoring and detailed analysis." -v $VERSION --vendor "Leonid Bugaev" -m "<support@goreplay.org>" --url "https://goreplay.org" -s dir -C /tmp/gor-build -a amd64 -t deb ./=/usr/local/bin"#,
        checks: &[
            Written("gor_1.3.3_amd64.deb"),
            Field("Package", "gor"),
            Field("Version", "1.3.3"),
            // docs/fpm.md --maintainer row: an email alone (here fpm's own `<email>` form) is
            // named for the deb; fpm writes it as given.
            Field("Maintainer", "support <support@goreplay.org>"),
            // docs/fpm.md --vendor row: the deb's control file has no Vendor field.
            NoField("Vendor"),
            File("/usr/local/bin/gor", "0755", "root/root"),
        ],
    },
    // Target pear: the recipe installs PEAR into /tmp/php-pear-install first.
    Case {
        repo: "charlesportwoodii/php-fpm-build",
        file: "Makefile",
        commit: "00f48a997101736fd097b6823578c09bb528b4cb",
        setup: r#"
            hosttmp /tmp/php-pear-install
            mkfile /tmp/php-pear-install/usr/share/php/pear/pearcmd.php
        "#,
        command: r#"pkgr -s dir -t deb -n php-pear -v 2:01~all -C /tmp/php-pear-install -p php-pear_2-01~all.deb -m "charlesportwoodii@erianna.com" --license "PHP License" --url https://github.com/charlesportwoodii/php-fpm-build --description "PHP PEAR" --vendor "Charles R. Portwood II""#,
        checks: &[
            Written("php-pear_2-01~all.deb"),
            // fpm's `EPOCH:VERSION` form of -v (docs/fpm.md --version row).
            Field("Version", "2:01~all"),
            // docs/fpm.md --maintainer row: an email alone is named for the deb (fpm writes it as
            // given).
            Field(
                "Maintainer",
                "charlesportwoodii <charlesportwoodii@erianna.com>",
            ),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: PHP License"),
            File("/usr/share/php/pear/pearcmd.php", "0644", "root/root"),
        ],
    },
    // VERSION_TAG=validator1.2.3 => VERSION=1.2.3; the script writes /tmp/genesis first.
    // deb/miner.service is the repository's unit (deb/miner.service at 5f469ed2), with its
    // paths at /opt/miner where this package installs the release.
    Case {
        repo: "helium/miner",
        file: ".buildkite/scripts/make_deb.sh",
        commit: "03cb7bfc85e5cd5cfd9fc7b7633378dea397090c",
        setup: r#"
            VERSION=1.2.3
            hosttmp /tmp/genesis
            mkfile /tmp/genesis _build/validator/rel/miner/releases/1.2.3/sys.config
            mkexe _build/validator/rel/miner/bin/miner deb/before_install.sh deb/after_install.sh deb/after_remove.sh deb/before_upgrade.sh deb/after_upgrade.sh
            printf '%s\n' '[Unit]' 'Description=miner instance' 'After=network.target' '' \
                '[Service]' 'Type=simple' 'ExecStart=/opt/miner/bin/miner foreground' \
                'ExecStop=/opt/miner/bin/miner stop' 'User=helium' 'Restart=always' '' \
                '[Install]' 'WantedBy=multi-user.target' > deb/miner.service
        "#,
        command: r#"pkgr -n validator -v "${VERSION}" -s dir -t deb --depends libssl1.1 --depends libsodium23 --depends libncurses5 --depends dbus --depends libstdc++6 --deb-systemd deb/miner.service --before-install deb/before_install.sh --after-install deb/after_install.sh --after-remove deb/after_remove.sh --before-upgrade deb/before_upgrade.sh --after-upgrade deb/after_upgrade.sh --deb-no-default-config-files --deb-systemd-enable --deb-systemd-auto-start --deb-systemd-restart-after-upgrade --deb-user helium --deb-group helium _build/validator/rel/=/opt /tmp/genesis=/opt/miner/update/genesis"#,
        checks: &[
            Written("validator_1.2.3_@DEB_ARCH@.deb"),
            Field(
                "Depends",
                "libssl1.1, libsodium23, libncurses5, dbus, libstdc++6",
            ),
            // fpm gives every data.tar member to --deb-user/--deb-group.
            File("/opt/miner/bin/miner", "0755", "helium/helium"),
            File(
                "/opt/miner/releases/1.2.3/sys.config",
                "0644",
                "helium/helium",
            ),
            File("/opt/miner/update/genesis", "0644", "helium/helium"),
            File("/lib/systemd/system/miner.service", "0644", "helium/helium"),
            Content(
                "/lib/systemd/system/miner.service",
                "WantedBy=multi-user.target",
            ),
            Conffiles(&[]),
            Script("preinst", "ran deb/before_install.sh"),
            Script("preinst", "ran deb/before_upgrade.sh"),
            Script("postinst", "ran deb/after_install.sh"),
            Script("postinst", "ran deb/after_upgrade.sh"),
            Script("postrm", "ran deb/after_remove.sh"),
            // --deb-systemd-enable, --deb-systemd-auto-start and
            // --deb-systemd-restart-after-upgrade (fpm: systemctl enable, then start, or restart
            // on an upgrade, templates/deb/postinst_upgrade.sh.erb), written as
            // dh_installsystemd writes them: deb-systemd-helper enables the unit on configure,
            // deb-systemd-invoke starts it on a first install and restarts it on an upgrade;
            // the prerm stops it on removal, the postrm masks it on removal and purges its
            // enablement on purge.
            Script("postinst", "for pkgr_unit in 'miner.service'; do"),
            Script("postinst", r#"deb-systemd-helper enable "$pkgr_unit""#),
            Script(
                "postinst",
                r#"if [ -n "$2" ]; then pkgr_action=restart; else pkgr_action=start; fi"#,
            ),
            Script(
                "postinst",
                r#"deb-systemd-invoke "$pkgr_action" "$pkgr_unit""#,
            ),
            Script("prerm", "for pkgr_unit in 'miner.service'; do"),
            Script("prerm", r#"deb-systemd-invoke stop "$pkgr_unit""#),
            Script("postrm", r#"deb-systemd-helper mask "$pkgr_unit""#),
            Script("postrm", r#"deb-systemd-helper purge "$pkgr_unit""#),
        ],
    },
    // VERSION=19.0.0, SHORT_REV=abc1234, PREFIX=/usr and DESCRIPTION as the script sets them.
    Case {
        repo: "vitessio/vitess",
        file: "tools/make-release-packages.sh",
        commit: "1953490aae7f7cba1b9f4e2bea256f8e4bc3dc01",
        setup: r#"
            VERSION=19.0.0 SHORT_REV=abc1234 PREFIX=/usr VTROOT=$PWD/vt
            RELEASE_DIR="${VTROOT}/releases/vitess-${VERSION}-${SHORT_REV}"
            DESCRIPTION="A database clustering system for horizontal scaling of MySQL

Vitess is a database solution for deploying, scaling and managing large
clusters of MySQL instances. It's architected to run as effectively in a public
or private cloud architecture as it does on dedicated hardware. It combines and
extends many important MySQL features with the scalability of a NoSQL database."
            mkexe "$RELEASE_DIR/bin/vtgate" "$RELEASE_DIR/bin/vttablet" "$VTROOT/tools/preinstall.sh"
            mkfile "$RELEASE_DIR/share/vitess/examples/README.md" "$RELEASE_DIR/web/vtadmin/index.html"
        "#,
        command: r#"pkgr --force --input-type dir --name vitess --version "${VERSION}" --url "https://vitess.io/" --description "${DESCRIPTION}" --license "Apache License - Version 2.0, January 2004" --prefix "$PREFIX" -C "${RELEASE_DIR}" --before-install "$VTROOT/tools/preinstall.sh" --package "$(dirname "${RELEASE_DIR}")" --iteration "${SHORT_REV}" -t deb --deb-no-default-config-files"#,
        checks: &[
            Written("vt/releases/vitess_19.0.0-abc1234_@DEB_ARCH@.deb"),
            Field("Version", "19.0.0-abc1234"),
            // docs/fpm.md --description row: the first line is the synopsis, the rest the extended
            // description (fpm's ` .` after the synopsis is not written).
            Field(
                "Description",
                "A database clustering system for horizontal scaling of MySQL\n Vitess is a database solution for deploying, scaling and managing large\n clusters of MySQL instances. It's architected to run as effectively in a public\n or private cloud architecture as it does on dedicated hardware. It combines and\n extends many important MySQL features with the scalability of a NoSQL database.",
            ),
            // docs/fpm.md --license row: the deb's control file has no License field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            Copyright("License: Apache License - Version 2.0, January 2004"),
            File("/usr/bin/vtgate", "0755", "root/root"),
            File("/usr/share/vitess/examples/README.md", "0644", "root/root"),
            File("/usr/web/vtadmin/index.html", "0644", "root/root"),
            Script("preinst", "preinstall.sh"),
        ],
    },
];
