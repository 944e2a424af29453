//! Real `fpm -t deb` invocations with `--license` or `--vendor` that pkgr builds as fpm does but
//! for those two (see `fpm_real.rs`; the setup helpers are described in
//! `fpm_real_cases_deb.rs`). docs/fpm.md's --license and --vendor rows: the deb's control file
//! has no License or Vendor field (lintian: unknown-field); the license is in
//! /usr/share/doc/NAME/copyright (Policy §12.5). The checks assert that.

use super::Case;
use super::Check::*;

/// The deb cases with a license or a vendor.
pub static CASES: &[Case] = &[
    // Make: `$(FPM_ARCH)` is a shell variable (target build-deb-linux-amd64-x86_64); make's
    // `$$(grep ...)` is the shell's `$(grep ...)`.
    Case {
        repo: "getsops/sops",
        file: "Makefile",
        commit: "02de4a8745050a881f7a83c65317ad9d8cf40c67",
        setup: r#"
            FPM_ARCH=x86_64
            mkdir -p version
            printf 'package version\n\nconst Version = "3.9.0"\n' > version/version.go
            mkexe tmppkg/usr/local/bin/sops
        "#,
        command: r#"pkgr -C tmppkg -n sops --license MPL2.0 --vendor mozilla --description "Sops is an editor of encrypted files that supports YAML, JSON and BINARY formats and encrypts with AWS KMS and PGP." -m "AJ Bahnken <ajvb+sops@mozilla.com>" --url https://github.com/getsops/sops/v3 --architecture $FPM_ARCH -v "$(grep '^const Version' version/version.go |cut -d \" -f 2)" -s dir -t deb ."#,
        checks: &[
            Written("sops_3.9.0_amd64.deb"),
            Field("Version", "3.9.0"),
            Field("Architecture", "amd64"),
            Field("Maintainer", "AJ Bahnken <ajvb+sops@mozilla.com>"),
            Field("Homepage", "https://github.com/getsops/sops/v3"),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: MPL2.0"),
            File("/usr/local/bin/sops", "0755", "root/root"),
        ],
    },
    // Make: VERSION=$(shell cat VERSION); `$<`, the recipe's first prerequisite, is the shell
    // variable FIRST_PREREQ here.
    Case {
        repo: "Shopify/toxiproxy",
        file: "Makefile",
        commit: "01c1c7c4e8328f91ee20544284f3eb5c9b0d21bf",
        setup: r#"
            VERSION=1.2.1 FIRST_PREREQ=tmp/build/toxiproxy-linux-amd64
            mkexe tmp/build/toxiproxy-linux-amd64
            mkfile share/toxiproxy.conf
        "#,
        command: r#"pkgr -t deb -s dir --name "toxiproxy" --version $VERSION --license MIT --no-depends --no-auto-depends --architecture amd64 --maintainer "Simon Eskildsen <simon.eskildsen@shopify.com>" --description "TCP proxy to simulate network and system conditions" --url "https://github.com/Shopify/toxiproxy" $FIRST_PREREQ=/usr/bin/toxiproxy ./share/toxiproxy.conf=/etc/init/toxiproxy.conf"#,
        checks: &[
            Written("toxiproxy_1.2.1_amd64.deb"),
            NoField("Depends"),
            // docs/fpm.md --license row: the deb's control file has no License field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            Copyright("License: MIT"),
            File("/usr/bin/toxiproxy", "0755", "root/root"),
            File("/etc/init/toxiproxy.conf", "0644", "root/root"),
            Conffiles(&["/etc/init/toxiproxy.conf"]),
        ],
    },
    // Make: `$(call build_package,deb)`: `$(1)` is `$1` after `set -- deb`; the other
    // `$(VAR)`s are shell variables, unquoted as make pastes them (RPM_DIGEST is passed to the
    // deb build too; NIGHTLY_FLAGS is empty without NIGHTLY=true).
    Case {
        repo: "cloudflare/cloudflared",
        file: "Makefile",
        commit: "0096f2613c160202f6ab8882f5d697943257d575",
        setup: r#"
            set -- deb
            PACKAGE_DIR=$PWD/packaging PACKAGE_ARCH=amd64 VERSION=2024.6.1 DEB_PACKAGE_NAME=cloudflared
            RPM_DIGEST="--rpm-digest sha256" NIGHTLY_FLAGS=
            INSTALL_BINDIR=/usr/bin/ INSTALL_MANDIR=/usr/share/man/man1/
            mkexe packaging/cloudflared postinst.sh postrm.sh
            mkfile packaging/cloudflared.1
        "#,
        command: r#"pkgr -C $PACKAGE_DIR -s dir -t $1 --description 'Cloudflare Tunnel daemon' --vendor 'Cloudflare' --license 'Apache License Version 2.0' --url 'https://github.com/cloudflare/cloudflared' -m 'Cloudflare <support@cloudflare.com>' -a $PACKAGE_ARCH -v $VERSION -n $DEB_PACKAGE_NAME $RPM_DIGEST $NIGHTLY_FLAGS --after-install postinst.sh --after-remove postrm.sh cloudflared=$INSTALL_BINDIR cloudflared.1=$INSTALL_MANDIR"#,
        checks: &[
            Written("cloudflared_2024.6.1_amd64.deb"),
            Field("Architecture", "amd64"),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: Apache License Version 2.0"),
            File("/usr/bin/cloudflared", "0755", "root/root"),
            File("/usr/share/man/man1/cloudflared.1", "0644", "root/root"),
            Script("postinst", "ran postinst.sh"),
            Script("postrm", "ran postrm.sh"),
        ],
    },
    // VERSION=1.1.3; build/ holds the virtualenv and the conf/etc copies the script makes.
    // The iteration is `date +%s`, as written, so the Version is not checked.
    // The --deb-init file replaces the tree's /etc/init.d/graphite-api (with a warning), as fpm
    // copies it over.
    Case {
        repo: "brutasse/graphite-api",
        file: "fpm/build-deb.sh",
        commit: "00a0e5bae2c03b9b824b6e22341525ef7ee0a91c",
        setup: r#"
            VERSION=1.1.3
            mkexe conf/etc/init.d/graphite-api conf/post-install conf/pre-remove conf/post-remove build/usr/share/python/graphite/bin/gunicorn
            mkfile conf/etc/default/graphite-api conf/etc/graphite-api.yaml
            mkdir -p build/etc && cp -r conf/etc/. build/etc/
        "#,
        command: r#"pkgr -t deb -s dir -C build -n graphite-api -v $VERSION --iteration `date +%s` --deb-default conf/etc/default/graphite-api --deb-init conf/etc/init.d/graphite-api --deb-user root --deb-group root --config-files /etc/graphite-api.yaml --config-files /etc/init.d/graphite-api --config-files /etc/default/graphite-api -d libcairo2 -d "libffi5 | libffi6" -d adduser -d python --after-install conf/post-install --before-remove conf/pre-remove --after-remove conf/post-remove --url https://github.com/brutasse/graphite-api --description 'Graphite-web, without the interface. Just the rendering HTTP API.' --license 'Apache 2.0' ."#,
        checks: &[
            Field("Depends", "libcairo2, libffi5 | libffi6, adduser, python"),
            // docs/fpm.md --license row: the deb's control file has no License field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            Copyright("License: Apache 2.0"),
            File("/etc/init.d/graphite-api", "0755", "root/root"),
            File("/etc/default/graphite-api", "0644", "root/root"),
            File(
                "/usr/share/python/graphite/bin/gunicorn",
                "0755",
                "root/root",
            ),
            Conffiles(&[
                "/etc/default/graphite-api",
                "/etc/graphite-api.yaml",
                "/etc/init.d/graphite-api",
            ]),
            Script("postinst", "ran conf/post-install"),
            Script("prerm", "ran conf/pre-remove"),
            Script("postrm", "ran conf/post-remove"),
        ],
    },
    // `@` is make's echo suppression; `$(VAR)`s are shell variables, and DESCRIPTION and
    // AUTHOR carry their own quotes in the Makefile: `"$DESCRIPTION"`, `"$AUTHOR"`.
    Case {
        repo: "gsamokovarov/jump",
        file: "Makefile",
        commit: "0656b40da1d8405d083ed97890cd7464399df217",
        setup: r#"
            NAME=jump VERSION=0.30.0 HOMEPAGE=https://github.com/gsamokovarov/jump LICENSE=MIT
            DESCRIPTION="Jump helps you navigate faster by learning your habits." AUTHOR="Genadi Samokovarov"
            mkexe jump
            mkfile man/jump.1 man/j.1
        "#,
        command: r#"pkgr -s dir -t deb -n $NAME -v $VERSION -a amd64 --deb-compression bzip2 --url $HOMEPAGE --description "$DESCRIPTION" --vendor "$AUTHOR" --license $LICENSE -m "Genadi Samokovarov <gsamokovarov@gmail.com>" ./jump=/usr/bin/jump ./man/jump.1=/usr/share/man/man1/jump.1 ./man/j.1=/usr/share/man/man1/j.1"#,
        checks: &[
            Written("jump_0.30.0_amd64.deb"),
            Member("data.tar.bz2"),
            Field("Homepage", "https://github.com/gsamokovarov/jump"),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: MIT"),
            File("/usr/bin/jump", "0755", "root/root"),
            File("/usr/share/man/man1/jump.1", "0644", "root/root"),
            File("/usr/share/man/man1/j.1", "0644", "root/root"),
        ],
    },
    // Make: `$(NAME)`, `$(VERSION)`, `$(ITERATION)` are shell variables.
    // `--no-deb-no-default-config-files` is fpm's generated negation (the default).
    Case {
        repo: "contribsys/faktory",
        file: "Makefile",
        commit: "00afa7868dcd4b0d6907dda1a2ce4ec4a9a42bfe",
        setup: r#"
            NAME=faktory VERSION=0.9.0 ITERATION=1
            mkexe faktory packaging/root/usr/bin/faktoryctl
            mkexe packaging/scripts/postinst.deb.systemd packaging/scripts/prerm.deb.systemd packaging/scripts/postrm.deb.systemd
            mkfile packaging/root/usr/share/faktory/faktory.conf packaging/root/usr/share/faktory/systemd/faktory.service
            mkdir -p packaging/output/systemd
        "#,
        command: r#"pkgr -s dir -t deb -n $NAME -v $VERSION -p packaging/output/systemd --deb-priority optional --category admin --deb-compression bzip2 --no-deb-no-default-config-files --after-install packaging/scripts/postinst.deb.systemd --before-remove packaging/scripts/prerm.deb.systemd --after-remove packaging/scripts/postrm.deb.systemd --url http://contribsys.com/faktory --description "Background job server" -m "Contributed Systems LLC <info@contribsys.com>" --iteration $ITERATION --license "GPL 3.0" --vendor "Contributed Systems" -a amd64 faktory=/usr/bin/faktory packaging/root/=/"#,
        checks: &[
            Written("packaging/output/systemd/faktory_0.9.0-1_amd64.deb"),
            Field("Version", "0.9.0-1"),
            Field("Priority", "optional"),
            Field("Section", "admin"),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: GPL 3.0"),
            Member("data.tar.bz2"),
            File("/usr/bin/faktory", "0755", "root/root"),
            File("/usr/bin/faktoryctl", "0755", "root/root"),
            File("/usr/share/faktory/faktory.conf", "0644", "root/root"),
            Conffiles(&[]),
            Script("postinst", "ran packaging/scripts/postinst.deb.systemd"),
            Script("prerm", "ran packaging/scripts/prerm.deb.systemd"),
            Script("postrm", "ran packaging/scripts/postrm.deb.systemd"),
        ],
    },
    // Make: `$(VAR)`s are shell variables (a release build, ARCH=PACKAGE_ARCH=amd64).
    Case {
        repo: "ayufan/gitlab-ci-multi-runner",
        file: "Makefile",
        commit: "003ad31df75dcf70a495d4544c43818fc99cd93f",
        setup: r#"
            NAME=gitlab-ci-multi-runner PACKAGE_NAME=gitlab-ci-multi-runner PACKAGE_CONFLICT=gitlab-ci-multi-runner-beta
            VERSION=1.1.0 ARCH=amd64 PACKAGE_ARCH=amd64
            mkexe out/binaries/gitlab-ci-multi-runner-linux-amd64 packaging/scripts/postinst.deb packaging/scripts/prerm.deb
            mkexe packaging/root/usr/share/gitlab-runner/clear-docker-cache packaging/root/usr/bin/gitlab-runner
            mkdir -p out/deb
        "#,
        command: r#"pkgr -s dir -t deb -n $PACKAGE_NAME -v $VERSION -p out/deb/${PACKAGE_NAME}_$PACKAGE_ARCH.deb --deb-priority optional --category admin --force --deb-compression bzip2 --after-install packaging/scripts/postinst.deb --before-remove packaging/scripts/prerm.deb --url https://gitlab.com/gitlab-org/gitlab-ci-multi-runner --description "GitLab Runner" -m "Kamil Trzciński <ayufan@ayufan.eu>" --license "MIT" --vendor "ayufan.eu" --conflicts $PACKAGE_CONFLICT --provides gitlab-runner --replaces gitlab-runner --depends ca-certificates --depends git --depends curl --depends tar --deb-suggests docker-engine -a $PACKAGE_ARCH packaging/root/=/ out/binaries/$NAME-linux-$ARCH=/usr/bin/gitlab-ci-multi-runner"#,
        checks: &[
            Written("out/deb/gitlab-ci-multi-runner_amd64.deb"),
            Field("Depends", "ca-certificates, git, curl, tar"),
            Field("Conflicts", "gitlab-ci-multi-runner-beta"),
            Field("Provides", "gitlab-runner"),
            Field("Replaces", "gitlab-runner"),
            Field("Suggests", "docker-engine"),
            Field("Maintainer", "Kamil Trzciński <ayufan@ayufan.eu>"),
            Field("Priority", "optional"),
            Field("Section", "admin"),
            // docs/fpm.md --license and --vendor rows: the deb's control file has neither field;
            // the license is in the copyright file (Policy §12.5).
            NoField("License"),
            NoField("Vendor"),
            Copyright("License: MIT"),
            Member("data.tar.bz2"),
            File("/usr/bin/gitlab-ci-multi-runner", "0755", "root/root"),
            File(
                "/usr/share/gitlab-runner/clear-docker-cache",
                "0755",
                "root/root",
            ),
            Script("postinst", "ran packaging/scripts/postinst.deb"),
            Script("prerm", "ran packaging/scripts/prerm.deb"),
        ],
    },
];
