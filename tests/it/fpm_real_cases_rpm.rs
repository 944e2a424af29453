//! Real `fpm -t rpm` and `fpm -t tar` invocations that pkgr builds as fpm does (see
//! `fpm_real.rs`; the setup helpers are described in `fpm_real_cases_deb.rs`).

use super::Case;
use super::Check::*;

/// The rpm and tar cases.
pub static CASES: &[Case] = &[
    // Make: `$(FPM_ARCH)`, `$(OS)` are shell variables (target build-rpm-linux-arm64-arm64);
    // make's `$$(grep ...)` is the shell's `$(grep ...)`.
    Case {
        repo: "getsops/sops",
        file: "Makefile",
        commit: "02de4a8745050a881f7a83c65317ad9d8cf40c67",
        setup: r#"
            OS=linux FPM_ARCH=arm64
            mkdir -p version
            printf 'package version\n\nconst Version = "3.9.0"\n' > version/version.go
            mkexe tmppkg/usr/local/bin/sops
        "#,
        command: r#"pkgr -C tmppkg -n sops --license MPL2.0 --vendor mozilla --description "Sops is an editor of encrypted files that supports YAML, JSON and BINARY formats and encrypts with AWS KMS and PGP." -m "AJ Bahnken <ajvb+sops@mozilla.com>" --url https://github.com/getsops/sops/v3 --architecture $FPM_ARCH --rpm-os $OS -v "$(grep '^const Version' version/version.go |cut -d \" -f 2)" -s dir -t rpm ."#,
        checks: &[
            Written("sops-3.9.0-1.aarch64.rpm"),
            RpmTag("%{NAME} %{VERSION}-%{RELEASE}", "sops 3.9.0-1"),
            RpmTag("%{ARCH} %{OS}", "aarch64 linux"),
            RpmTag("%{VENDOR}|%{LICENSE}", "mozilla|MPL2.0"),
            RpmTag("%{URL}", "https://github.com/getsops/sops/v3"),
            RpmTag("%{PACKAGER}", "AJ Bahnken <ajvb+sops@mozilla.com>"),
            RpmTag(
                "%{SUMMARY}",
                "Sops is an editor of encrypted files that supports YAML, JSON and BINARY formats and encrypts with AWS KMS and PGP.",
            ),
            RpmFile("/usr/local/bin/sops", "0755", "root", "root"),
        ],
    },
    // `@` is make's echo suppression. The second -p wins.
    Case {
        repo: "netstratum/pine",
        file: "Makefile",
        commit: "find_string id 46335326827 (older stored version)",
        setup: r#"
            mkexe rel/pine/bin/pine pkg/files/before_install.sh pkg/files/after_install.sh pkg/files/after_remove.sh
            mkdir -p pkg/rpm
        "#,
        command: r#"pkgr -s dir -t rpm -n pine -v 0.1 -C rel -p pine-VERSION_ARCH.rpm --prefix /opt --description "PIN generation and management Engine" --rpm-user pine --rpm-group pine --rpm-compression gzip --before-install pkg/files/before_install.sh --epoch 1 --after-install pkg/files/after_install.sh --after-remove pkg/files/after_remove.sh -p pkg/rpm/ pine"#,
        checks: &[
            Written("pkg/rpm/pine-0.1-1.@RPM_ARCH@.rpm"),
            RpmTag("%{EPOCH}:%{VERSION}-%{RELEASE}", "1:0.1-1"),
            RpmTag("%{PAYLOADCOMPRESSOR}", "gzip"),
            RpmFile("/opt/pine/bin/pine", "0755", "pine", "pine"),
            RpmScript("PREIN", "ran pkg/files/before_install.sh"),
            RpmScript("POSTIN", "ran pkg/files/after_install.sh"),
            RpmScript("POSTUN", "ran pkg/files/after_remove.sh"),
            RpmNoScript("PREUN"),
        ],
    },
    // Make: `$(ARCH)`, `$(NAME)`, ... are shell variables; the Makefile's MAINTAINER and
    // DESCRIPTION values carry their own double quotes, so `-m $(MAINTAINER)` is one word:
    // `-m "$MAINTAINER"` (likewise `--description "$DESCRIPTION"`).
    Case {
        repo: "dbehnke/fpm-deb-rpm-template",
        file: "Makefile",
        commit: "1d19a23cde152c74c0ec258987dd6ad66d15c450",
        setup: r#"
            NAME=hello PROVIDES=hello VERSION=1.0 ITERATION=1 ARCH=x86_64 RPMDIST=el7
            MAINTAINER="<tester@buildhost>" DESCRIPTION="Outputs a friendly hello"
            SCRIPTSDIR=packaging-scripts
            AINSTALL=$SCRIPTSDIR/after-install.sh AREMOVE=$SCRIPTSDIR/after-remove.sh AUPGRADE=$SCRIPTSDIR/after-upgrade.sh
            BINSTALL=$SCRIPTSDIR/before-install.sh BREMOVE=$SCRIPTSDIR/before-remove.sh BUPGRADE=$SCRIPTSDIR/before-upgrade.sh
            mkexe root/usr/bin/hello $AINSTALL $AREMOVE $AUPGRADE $BINSTALL $BREMOVE $BUPGRADE
        "#,
        command: r#"pkgr -s dir -t rpm --rpm-os linux -a $ARCH -C root --provides $PROVIDES -n $NAME --version $VERSION --iteration $ITERATION -m "$MAINTAINER" --description "$DESCRIPTION" --rpm-dist $RPMDIST --after-install $AINSTALL --before-install $BINSTALL --after-remove $AREMOVE --before-remove $BREMOVE --after-upgrade $AUPGRADE --before-upgrade $BUPGRADE"#,
        checks: &[
            Written("hello-1.0-1.el7.x86_64.rpm"),
            RpmTag("%{RELEASE}", "1.el7"),
            RpmTag("%{ARCH} %{OS}", "x86_64 linux"),
            RpmTag("%{PACKAGER}", "<tester@buildhost>"),
            RpmTag("%{SUMMARY}", "Outputs a friendly hello"),
            RpmProvides("hello"),
            RpmFile("/usr/bin/hello", "0755", "root", "root"),
            RpmScript("PREIN", "ran packaging-scripts/before-install.sh"),
            RpmScript("PREIN", "ran packaging-scripts/before-upgrade.sh"),
            RpmScript("POSTIN", "ran packaging-scripts/after-install.sh"),
            RpmScript("POSTIN", "ran packaging-scripts/after-upgrade.sh"),
            RpmScript("PREUN", "ran packaging-scripts/before-remove.sh"),
            RpmScript("POSTUN", "ran packaging-scripts/after-remove.sh"),
        ],
    },
    // OUTPUT="" (so -p is the directory ./dist/), VERSION_SUFFIX="" => RPM_ITERATION=1.
    Case {
        repo: "jasonish/evebox",
        file: "packaging/build-rpm.sh",
        commit: "02f66bd1cbfa428dcfdecb2a9eb798cd795c5340",
        setup: r#"
            ARCH=x86_64 VERSION=0.17.0 RPM_ITERATION=1 OUTPUT=
            BIN=./dist/evebox-latest-linux-x64/evebox
            mkexe "$BIN" packaging/rpm/before-install.sh packaging/rpm/after-upgrade.sh
            mkfile packaging/rpm/evebox.service packaging/rpm/evebox-agent.service packaging/evebox.yaml
            chmod 600 packaging/rpm/evebox.service
        "#,
        command: r#"pkgr --verbose -t rpm -n evebox -s dir --epoch 1 -a "${ARCH}" -v "${VERSION}" -p "./dist/${OUTPUT}" --force --iteration "${RPM_ITERATION}" --before-install=./packaging/rpm/before-install.sh --after-upgrade=./packaging/rpm/after-upgrade.sh --config-files /etc/evebox/evebox.yaml --rpm-attr 0644,root,root:/lib/systemd/system/evebox.service --rpm-attr 0644,root,root:/lib/systemd/system/evebox-agent.service --rpm-attr 0755,root,root:/usr/bin/evebox ${BIN}=/usr/bin/evebox ./packaging/rpm/evebox.service=/lib/systemd/system/evebox.service ./packaging/rpm/evebox-agent.service=/lib/systemd/system/evebox-agent.service ./packaging/evebox.yaml=/etc/evebox/evebox.yaml"#,
        checks: &[
            Written("dist/evebox-0.17.0-1.x86_64.rpm"),
            RpmTag("%{EPOCH}:%{VERSION}-%{RELEASE}", "1:0.17.0-1"),
            RpmFile("/usr/bin/evebox", "0755", "root", "root"),
            // The unit was 0600 on disk: --rpm-attr gives it 0644.
            RpmFile("/lib/systemd/system/evebox.service", "0644", "root", "root"),
            RpmFile("/lib/systemd/system/evebox-agent.service", "0644", "root", "root"),
            RpmFile("/etc/evebox/evebox.yaml", "0644", "root", "root"),
            RpmConfig(&["/etc/evebox/evebox.yaml"]),
            RpmScript("PREIN", "ran packaging/rpm/before-install.sh"),
            RpmScript("POSTIN", "ran packaging/rpm/after-upgrade.sh"),
        ],
    },
    // Make: `$(call build_package,rpm)`: `$(1)` is `$1` after `set -- rpm`; the other
    // `$(VAR)`s are shell variables, unquoted as make pastes them (RPM_DIGEST is two words,
    // NIGHTLY_FLAGS empty without NIGHTLY=true).
    Case {
        repo: "cloudflare/cloudflared",
        file: "Makefile",
        commit: "0096f2613c160202f6ab8882f5d697943257d575",
        setup: r#"
            set -- rpm
            PACKAGE_DIR=$PWD/packaging PACKAGE_ARCH=amd64 VERSION=2024.6.1 DEB_PACKAGE_NAME=cloudflared
            RPM_DIGEST="--rpm-digest sha256" NIGHTLY_FLAGS=
            INSTALL_BINDIR=/usr/bin/ INSTALL_MANDIR=/usr/share/man/man1/
            mkexe packaging/cloudflared postinst.sh postrm.sh
            mkfile packaging/cloudflared.1
        "#,
        command: r#"pkgr -C $PACKAGE_DIR -s dir -t $1 --description 'Cloudflare Tunnel daemon' --vendor 'Cloudflare' --license 'Apache License Version 2.0' --url 'https://github.com/cloudflare/cloudflared' -m 'Cloudflare <support@cloudflare.com>' -a $PACKAGE_ARCH -v $VERSION -n $DEB_PACKAGE_NAME $RPM_DIGEST $NIGHTLY_FLAGS --after-install postinst.sh --after-remove postrm.sh cloudflared=$INSTALL_BINDIR cloudflared.1=$INSTALL_MANDIR"#,
        checks: &[
            Written("cloudflared-2024.6.1-1.x86_64.rpm"),
            RpmTag("%{ARCH}", "x86_64"),
            RpmTag("%{FILEDIGESTALGO}", "8"),
            RpmTag("%{VENDOR}|%{LICENSE}", "Cloudflare|Apache License Version 2.0"),
            RpmFile("/usr/bin/cloudflared", "0755", "root", "root"),
            RpmFile("/usr/share/man/man1/cloudflared.1", "0644", "root", "root"),
            RpmScript("POSTIN", "ran postinst.sh"),
            RpmScript("POSTUN", "ran postrm.sh"),
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
        command: r#"pkgr -s dir -t rpm -n $NAME -v $VERSION -a amd64 --rpm-compression bzip2 --url $HOMEPAGE --description "$DESCRIPTION" --vendor "$AUTHOR" --license $LICENSE -m "Genadi Samokovarov <gsamokovarov@gmail.com>" ./jump=/usr/bin/jump ./man/jump.1=/usr/share/man/man1/jump.1 ./man/j.1=/usr/share/man/man1/j.1"#,
        checks: &[
            Written("jump-0.30.0-1.x86_64.rpm"),
            RpmTag("%{PAYLOADCOMPRESSOR}", "bzip2"),
            RpmTag("%{ARCH}", "x86_64"),
            RpmTag("%{VENDOR}|%{URL}", "Genadi Samokovarov|https://github.com/gsamokovarov/jump"),
            RpmTag(
                "%{SUMMARY}",
                "Jump helps you navigate faster by learning your habits.",
            ),
            RpmFile("/usr/bin/jump", "0755", "root", "root"),
            RpmFile("/usr/share/man/man1/jump.1", "0644", "root", "root"),
            RpmFile("/usr/share/man/man1/j.1", "0644", "root", "root"),
        ],
    },
    // Make: `$(NAME)`, `$(VERSION)`, `$(ITERATION)` are shell variables. packaging/root holds
    // what the repository keeps there.
    Case {
        repo: "contribsys/faktory",
        file: "Makefile",
        commit: "00afa7868dcd4b0d6907dda1a2ce4ec4a9a42bfe",
        setup: r#"
            NAME=faktory VERSION=0.9.0 ITERATION=1
            mkexe faktory packaging/root/usr/bin/faktoryctl
            mkexe packaging/scripts/postinst.rpm.systemd packaging/scripts/prerm.rpm.systemd packaging/scripts/postrm.rpm.systemd
            mkfile packaging/root/usr/share/faktory/faktory.conf packaging/root/usr/share/faktory/systemd/faktory.service
            mkdir -p packaging/output/systemd
        "#,
        command: r#"pkgr -s dir -t rpm -n $NAME -v $VERSION -p packaging/output/systemd --rpm-compression bzip2 --rpm-os linux --after-install packaging/scripts/postinst.rpm.systemd --before-remove packaging/scripts/prerm.rpm.systemd --after-remove packaging/scripts/postrm.rpm.systemd --url http://contribsys.com/faktory --description "Background job server" -m "Contributed Systems LLC <info@contribsys.com>" --iteration $ITERATION --license "GPL 3.0" --vendor "Contributed Systems" -a amd64 faktory=/usr/bin/faktory packaging/root/=/"#,
        checks: &[
            Written("packaging/output/systemd/faktory-0.9.0-1.x86_64.rpm"),
            RpmTag("%{PAYLOADCOMPRESSOR}", "bzip2"),
            RpmTag("%{LICENSE}|%{VENDOR}", "GPL 3.0|Contributed Systems"),
            RpmTag("%{PACKAGER}", "Contributed Systems LLC <info@contribsys.com>"),
            RpmFile("/usr/bin/faktory", "0755", "root", "root"),
            RpmFile("/usr/bin/faktoryctl", "0755", "root", "root"),
            RpmFile("/usr/share/faktory/systemd/faktory.service", "0644", "root", "root"),
            RpmAbsent("/root"),
            RpmScript("POSTIN", "ran packaging/scripts/postinst.rpm.systemd"),
            RpmScript("PREUN", "ran packaging/scripts/prerm.rpm.systemd"),
            RpmScript("POSTUN", "ran packaging/scripts/postrm.rpm.systemd"),
        ],
    },
    // Make: `$(VAR)`s are shell variables (a non-release build: VERSION has '~'; the i686
    // package-rpm call: ARCH=386, PACKAGE_ARCH=i686).
    Case {
        repo: "ayufan/gitlab-ci-multi-runner",
        file: "Makefile",
        commit: "003ad31df75dcf70a495d4544c43818fc99cd93f",
        setup: r#"
            NAME=gitlab-ci-multi-runner PACKAGE_NAME=gitlab-ci-multi-runner PACKAGE_CONFLICT=gitlab-ci-multi-runner-beta
            VERSION=1.1.0~beta.12.g1a2b3c4 ARCH=386 PACKAGE_ARCH=i686
            mkexe out/binaries/gitlab-ci-multi-runner-linux-386 packaging/scripts/postinst.rpm packaging/scripts/prerm.rpm
            mkexe packaging/root/usr/share/gitlab-runner/clear-docker-cache packaging/root/usr/bin/gitlab-runner
            mkdir -p out/rpm
        "#,
        command: r#"pkgr -s dir -t rpm -n $PACKAGE_NAME -v $VERSION -p out/rpm/${PACKAGE_NAME}_$PACKAGE_ARCH.rpm --rpm-compression bzip2 --rpm-os linux --force --after-install packaging/scripts/postinst.rpm --before-remove packaging/scripts/prerm.rpm --url https://gitlab.com/gitlab-org/gitlab-ci-multi-runner --description "GitLab Runner" -m "Kamil Trzciński <ayufan@ayufan.eu>" --license "MIT" --vendor "ayufan.eu" --conflicts $PACKAGE_CONFLICT --provides gitlab-runner --replaces gitlab-runner --depends git --depends curl --depends tar -a $PACKAGE_ARCH packaging/root/=/ out/binaries/$NAME-linux-$ARCH=/usr/bin/gitlab-ci-multi-runner"#,
        checks: &[
            Written("out/rpm/gitlab-ci-multi-runner_i686.rpm"),
            RpmTag("%{VERSION}-%{RELEASE}.%{ARCH}", "1.1.0~beta.12.g1a2b3c4-1.i686"),
            RpmTag("%{PAYLOADCOMPRESSOR}", "bzip2"),
            RpmTag("%{PACKAGER}", "Kamil Trzciński <ayufan@ayufan.eu>"),
            RpmConflicts("gitlab-ci-multi-runner-beta"),
            RpmObsoletes("gitlab-runner"),
            RpmProvides("gitlab-runner"),
            RpmRequires("git"),
            RpmRequires("curl"),
            RpmRequires("tar"),
            RpmFile("/usr/bin/gitlab-ci-multi-runner", "0755", "root", "root"),
            RpmFile("/usr/share/gitlab-runner/clear-docker-cache", "0755", "root", "root"),
            RpmScript("POSTIN", "ran packaging/scripts/postinst.rpm"),
            RpmScript("PREUN", "ran packaging/scripts/prerm.rpm"),
        ],
    },
    // version=$(git describe --tag), head=$(git rev-parse --short HEAD): fixed values here.
    Case {
        repo: "signal18/replication-manager",
        file: "package_linux_amd64.sh",
        commit: "08f05a503ec941405d108f3e0b8575aa343db403",
        setup: r#"
            version=v2.1.0 head=1a2b3c4
            mkexe build/usr/bin/replication-manager-osc build/etc/init.d/replication-manager
            mkfile build/etc/systemd/system/replication-manager.service
        "#,
        command: r#"pkgr --package replication-manager-osc-$version-$head.tar -C build -s dir -t tar -n replication-manager-osc ."#,
        checks: &[
            Written("replication-manager-osc-v2.1.0-1a2b3c4.tar"),
            TarUncompressed,
            TarHas("./usr/bin/replication-manager-osc"),
            TarHas("./etc/systemd/system/replication-manager.service"),
            TarHas("./etc/init.d/replication-manager"),
            TarLacks("./.scripts"),
        ],
    },
    // Make: `$(FPMCOMMON)` is pasted as text before the shell parses the line, so it is
    // written out here (its second definition, `--name gor`, is the one every recipe sees);
    // VERSION is `DEV-$(shell date +%s)`, fixed here. The recipe fills /tmp/gor-build first.
    Case {
        repo: "buger/goreplay",
        file: "Makefile",
        commit: "07b4b31d3a0586b1ee7b173959796d278e75cf66",
        setup: r#"
            VERSION=DEV-1700000000
            hosttmp /tmp/gor-build
            mkexe /tmp/gor-build/gor
        "#,
        command: r#"pkgr --name gor --description "GoReplay is an open-source network monitoring tool which can record your live traffic, and use it for shadowing, load testing, monitoring and detailed analysis." -v $VERSION --vendor "Leonid Bugaev" -m "<support@goreplay.org>" --url "https://goreplay.org" -s dir -C /tmp/gor-build -a amd64 -t rpm ./=/usr/local/bin"#,
        checks: &[
            Written("gor-DEV_1700000000-1.x86_64.rpm"),
            RpmTag("%{NAME} %{VERSION} %{RELEASE} %{ARCH}", "gor DEV_1700000000 1 x86_64"),
            RpmTag("%{VENDOR}|%{URL}", "Leonid Bugaev|https://goreplay.org"),
            RpmTag("%{PACKAGER}", "<support@goreplay.org>"),
            RpmFile("/usr/local/bin/gor", "0755", "root", "root"),
        ],
    },
    // version=3.25.0; the script unpacks the agent into /tmp/newrelic-java-${version} first.
    Case {
        repo: "edina/docker-rpm-builder",
        file: "newrelic_java/fpm.sh",
        commit: "65b9a1e354992e29e4f5cb99233112fde325970a",
        setup: r#"
            version=3.25.0
            hosttmp /tmp/newrelic-java-$version
            mkfile /tmp/newrelic-java-$version/usr/share/java/newrelic/newrelic.jar /tmp/newrelic-java-$version/usr/share/java/newrelic/newrelic.yml
        "#,
        command: r#"pkgr -v ${version} --iteration 1.el6 --epoch 1 --vendor EDINA --provides newrelic_java -a noarch -m andrew.seales@ed.ac.uk -n newrelic_java -s dir -C /tmp/newrelic-java-${version} --directories /usr/share/java/newrelic -t rpm usr/share/java"#,
        checks: &[
            Written("newrelic_java-3.25.0-1.el6.noarch.rpm"),
            RpmTag("%{EPOCH}:%{VERSION}-%{RELEASE}.%{ARCH}", "1:3.25.0-1.el6.noarch"),
            RpmTag("%{VENDOR}|%{PACKAGER}", "EDINA|andrew.seales@ed.ac.uk"),
            RpmProvides("newrelic_java"),
            RpmDir("/usr/share/java/newrelic", "0755", "root", "root"),
            RpmFile("/usr/share/java/newrelic/newrelic.jar", "0644", "root", "root"),
            RpmFile("/usr/share/java/newrelic/newrelic.yml", "0644", "root", "root"),
        ],
    },
];
