//! Real `fpm -t rpm` and `-t tar` invocations that pkgr builds as fpm does but for what
//! docs/fpm.md documents (see `fpm_real.rs`; the setup helpers are described in
//! `fpm_real_cases_deb.rs`): every file under /etc is `%config(noreplace)` (the --config-files
//! row), no base-system directory is a `%dir` (the --rpm-auto-add-directories row), and a
//! tarball without -p is NAME-VERSION.ARCH.tar.zst (README.md, "The tarball").

use super::Case;
use super::Check::*;

/// The rpm and tar cases with a documented difference.
pub static CASES: &[Case] = &[
    // NGINX_VER=1.8.0; TMPROOT and PREFIX=/ come from the image's environment (the script's
    // commented defaults); `--epoch $(date +%Y%m%d)` is as written.
    Case {
        repo: "Lax/Dockerfile",
        file: "nginx_build/fpm.sh",
        commit: "6f9f4720a98f96d5d14e5fbe27d8d8a9df96ae50",
        setup: r#"
            NGINX_VER=1.8.0 TMPROOT=$PWD/rpmbuild PREFIX=/
            mkexe rpmbuild/usr/sbin/nginx
            mkfile rpmbuild/etc/nginx/nginx.conf rpmbuild/etc/nginx/mime.types
        "#,
        command: r#"pkgr -s dir -t rpm -f -n nginx -v $NGINX_VER --iteration 3.el6 --epoch $(date +%Y%m%d) --vendor "Liu Lantao" --description "Nginx package by Liu Lantao(https://github.com/Lax)" --url "https://github.com/Lax" --rpm-user nginx --rpm-group nginx -d GeoIP -C $TMPROOT --prefix $PREFIX --directories $PREFIX --config-files ${PREFIX}etc/nginx/ ./"#,
        checks: &[
            Written("nginx-1.8.0-3.el6.@RPM_ARCH@.rpm"),
            RpmTagDigits("%{EPOCH}", 8),
            RpmTag("%{RELEASE}|%{VENDOR}", "3.el6|Liu Lantao"),
            RpmRequires("GeoIP"),
            RpmFile("/usr/sbin/nginx", "0755", "nginx", "nginx"),
            RpmFile("/etc/nginx/nginx.conf", "0644", "nginx", "nginx"),
            // Both files are named by --config-files and are under /etc.
            RpmConfig(&["/etc/nginx/mime.types", "/etc/nginx/nginx.conf"]),
            RpmDir("/etc/nginx", "0755", "nginx", "nginx"),
            // --directories / : docs/fpm.md --rpm-auto-add-directories row: pkgr lists the
            // directories the package creates, never the base system's (fpm would list /, /etc,
            // /usr, /usr/sbin as %dir owned by nginx).
            RpmDirs(&["/etc/nginx"]),
        ],
    },
    // RELEASE_VERSION=3.2.6; build_path is the script's mktemp directory.
    Case {
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
        command: r#"pkgr -v "${RELEASE_VERSION}" --epoch 1 -f -s dir -n orchestrator -m shlomi-noach --description "MySQL replication topology management and HA" --url "https://github.com/openark/orchestrator" --vendor "GitHub" --license "Apache 2.0" -C $build_path/orchestrator --prefix=/ --config-files /usr/local/orchestrator/resources/public/css/custom.css --config-files /usr/local/orchestrator/resources/public/js/custom.js --depends 'jq >= 1.5' -t rpm ."#,
        checks: &[
            Written("orchestrator-3.2.6-1.@RPM_ARCH@.rpm"),
            RpmTag("%{EPOCH}:%{VERSION}-%{RELEASE}", "1:3.2.6-1"),
            RpmTag(
                "%{PACKAGER}|%{VENDOR}|%{LICENSE}",
                "shlomi-noach|GitHub|Apache 2.0",
            ),
            RpmRequires("jq >= 1.5"),
            RpmFile(
                "/usr/local/orchestrator/orchestrator",
                "0755",
                "root",
                "root",
            ),
            RpmFile(
                "/etc/systemd/system/orchestrator.service",
                "0644",
                "root",
                "root",
            ),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&[
                "/etc/systemd/system/orchestrator.service",
                "/usr/local/orchestrator/resources/public/css/custom.css",
                "/usr/local/orchestrator/resources/public/js/custom.js",
            ]),
        ],
    },
    // The repo file and key paths are relative to -C, the script path to the current directory.
    Case {
        repo: "apprenda-kismatic/repo_server",
        file: "build_yum_repo_setup.sh",
        commit: "05e7b437c3d7174a8aa8da8a6ad8019d7359e72c",
        setup: r#"
            mkfile kismatic_repo_el/RPM-GPG-KEY-kismatic kismatic_repo_el/kismatic-el7.repo
            mkexe kismatic_repo_el/after-install.sh
            mkdir -p kismatic_builds/el/7/x86_64
        "#,
        command: r#"pkgr -s dir -n "kismatic-repo-el" -p kismatic_builds/el/7/x86_64 -C ./kismatic_repo_el -v 7 -a x86_64 -t rpm --rpm-os linux --after-install kismatic_repo_el/after-install.sh RPM-GPG-KEY-kismatic=/etc/pki/rpm-gpg/RPM-GPG-KEY-kismatic kismatic-el7.repo=/etc/yum.repos.d/kismatic.repo"#,
        checks: &[
            Written("kismatic_builds/el/7/x86_64/kismatic-repo-el-7-1.x86_64.rpm"),
            RpmTag("%{VERSION}-%{RELEASE} %{ARCH} %{OS}", "7-1 x86_64 linux"),
            RpmFile(
                "/etc/pki/rpm-gpg/RPM-GPG-KEY-kismatic",
                "0644",
                "root",
                "root",
            ),
            RpmFile("/etc/yum.repos.d/kismatic.repo", "0644", "root", "root"),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&[
                "/etc/pki/rpm-gpg/RPM-GPG-KEY-kismatic",
                "/etc/yum.repos.d/kismatic.repo",
            ]),
            RpmScript("POSTIN", "ran kismatic_repo_el/after-install.sh"),
        ],
    },
    // VER=1.0.3, BUILD_ID=12, GIT_HASH=0123abcd; TMPDIR is the script's staging directory.
    Case {
        repo: "NetApp/zufs-zus",
        file: "pkg/create_pkg.sh",
        commit: "77b306a970678ffd7957a44f91caea1c74f36db3",
        setup: r#"
            VER=1.0.3 BUILD_ID=12 GIT_HASH=0123abcd TMPDIR=$PWD/zus-root
            mkexe zus-root/usr/sbin/zusd pkg/pre_uninstall.sh pkg/post_uninstall.sh pkg/post_install.sh
        "#,
        command: r#"pkgr -s dir -t rpm -n zufs-zus -v ${VER} -C ${TMPDIR} --iteration ${BUILD_ID} --epoch 1 --url "netapp.com" --license "GPL/BSD" --vendor "NetApp Inc." --description "`printf "ZUS - Zero-copy User-mode Server\nID: ${GIT_HASH}"`" -d libunwind -d libuuid -d lsof -d zufs-zuf --rpm-rpmbuild-define "_build_id_links none" --before-remove pkg/pre_uninstall.sh --after-remove pkg/post_uninstall.sh --after-install pkg/post_install.sh ."#,
        checks: &[
            Written("zufs-zus-1.0.3-12.@RPM_ARCH@.rpm"),
            RpmTag("%{EPOCH}:%{VERSION}-%{RELEASE}", "1:1.0.3-12"),
            RpmTag("%{SUMMARY}", "ZUS - Zero-copy User-mode Server"),
            RpmTag(
                "%{DESCRIPTION}",
                "ZUS - Zero-copy User-mode Server\nID: 0123abcd",
            ),
            RpmRequires("libunwind"),
            RpmRequires("libuuid"),
            RpmRequires("lsof"),
            RpmRequires("zufs-zuf"),
            RpmFile("/usr/sbin/zusd", "0755", "root", "root"),
            RpmAbsent("/usr/lib/.build-id"),
            RpmScript("PREUN", "ran pkg/pre_uninstall.sh"),
            RpmScript("POSTUN", "ran pkg/post_uninstall.sh"),
            RpmScript("POSTIN", "ran pkg/post_install.sh"),
        ],
    },
    // version=0.2.1 (the -v argument), package_name as the script sets it.
    Case {
        repo: "MaxFedotov/orcus-exporter",
        file: "scripts/rpm_build.sh",
        commit: "db94c25e0d72d29061c371d7c5deac54cfff6859",
        setup: r#"
            version=0.2.1 package_name=orcus-exporter
            mkdir -p dist/rpm_build/var/log/orcus-exporter
            mkexe dist/rpm_build/usr/bin/orcus-exporter scripts/pre-install.sh
            mkfile dist/rpm_build/etc/systemd/system/orcus-exporter.service
        "#,
        command: r#"pkgr -v $version --epoch 1 -f -s dir -n $package_name -m "MaxFedotov <m.a.fedotov@gmail.com>" --description "Orcus Prometheus Exporter" --url "https://github.com/MaxFedotov/orcus-exporter" --vendor "MaxFedotov" --license "Apache 2.0" --rpm-os linux --before-install scripts/pre-install.sh --rpm-attr 744,orcus_exporter,orcus_exporter:/var/log/orcus-exporter -t rpm -C dist/rpm_build -p dist/"#,
        checks: &[
            Written("dist/orcus-exporter-0.2.1-1.@RPM_ARCH@.rpm"),
            RpmTag("%{EPOCH} %{OS}", "1 linux"),
            RpmDir(
                "/var/log/orcus-exporter",
                "0744",
                "orcus_exporter",
                "orcus_exporter",
            ),
            RpmFile("/usr/bin/orcus-exporter", "0755", "root", "root"),
            RpmFile(
                "/etc/systemd/system/orcus-exporter.service",
                "0644",
                "root",
                "root",
            ),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&["/etc/systemd/system/orcus-exporter.service"]),
            RpmScript("PREIN", "ran scripts/pre-install.sh"),
        ],
    },
    // Make: `$@` is the target of `rpm deb:` (`set -- rpm`), `$(VERSION)`/`$(PREFIX)` are
    // shell variables.
    Case {
        repo: "elastic/logstash-forwarder",
        file: "Makefile",
        commit: "017fefaff695d71b3a913d8df42f2804fedd63b3",
        setup: r#"
            set -- rpm
            VERSION=0.3.1 PREFIX=/opt/logstash-forwarder
            mkexe build/bin/logstash-forwarder build/bin/logstash-forwarder.sh logstash-forwarder.init
        "#,
        command: r#"pkgr -s dir -t $@ -n logstash-forwarder -v $VERSION --replaces lumberjack --exclude '*.a' --exclude 'lib/pkgconfig/zlib.pc' --description "a log shipping tool" --url "https://github.com/elasticsearch/logstash-forwarder" build/bin/logstash-forwarder=$PREFIX/bin/ build/bin/logstash-forwarder.sh=$PREFIX/bin/ logstash-forwarder.init=/etc/init.d/logstash-forwarder"#,
        checks: &[
            Written("logstash-forwarder-0.3.1-1.@RPM_ARCH@.rpm"),
            RpmObsoletes("lumberjack"),
            RpmFile(
                "/opt/logstash-forwarder/bin/logstash-forwarder",
                "0755",
                "root",
                "root",
            ),
            RpmFile(
                "/opt/logstash-forwarder/bin/logstash-forwarder.sh",
                "0755",
                "root",
                "root",
            ),
            RpmFile("/etc/init.d/logstash-forwarder", "0755", "root", "root"),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&["/etc/init.d/logstash-forwarder"]),
        ],
    },
    // version="0.1.31" as the script sets it; it runs where ../accomodation/ exists.
    Case {
        repo: "senjun-team/handyman",
        file: "accomodation/build_rpm/run_fpm.sh",
        commit: "301c2d75e7edf9bc0e2d62dd35a1d76838d986be",
        setup: r#"
            version="0.1.31"
            mkexe build/handyman/main
            mkfile accomodation/handyman.service
            cd build
        "#,
        command: r#"pkgr -s dir -t rpm -p handyman-$version-1-any.rpm --name handyman --license agpl3 --version $version --architecture all --description "Middleware between user & watchman" handyman/main=/bin/handyman ../accomodation/handyman.service=/etc/systemd/system/handyman.service"#,
        checks: &[
            Written("build/handyman-0.1.31-1-any.rpm"),
            RpmTag("%{ARCH}|%{LICENSE}", "noarch|agpl3"),
            RpmTag("%{SUMMARY}", "Middleware between user & watchman"),
            RpmFile("/bin/handyman", "0755", "root", "root"),
            RpmFile(
                "/etc/systemd/system/handyman.service",
                "0644",
                "root",
                "root",
            ),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&["/etc/systemd/system/handyman.service"]),
        ],
    },
    // version=$(git describe --tag), head=$(git rev-parse --short HEAD), epoch=$(date +%s):
    // fixed values here. rpm keeps the leading 'v'.
    Case {
        repo: "signal18/replication-manager",
        file: "package_linux_amd64.sh",
        commit: "08f05a503ec941405d108f3e0b8575aa343db403",
        setup: r#"
            version=v2.1.0 head=1a2b3c4 epoch=1700000000
            mkexe build/usr/bin/replication-manager-osc build/etc/init.d/replication-manager
            mkfile build/etc/replication-manager/config.toml.sample build/etc/systemd/system/replication-manager.service
        "#,
        command: r#"pkgr --rpm-os linux --epoch $epoch --iteration $head -v $version -C build -s dir -t rpm -n replication-manager-osc ."#,
        checks: &[
            Written("replication-manager-osc-v2.1.0-1a2b3c4.@RPM_ARCH@.rpm"),
            RpmTag(
                "%{EPOCH}:%{VERSION}-%{RELEASE} %{OS}",
                "1700000000:v2.1.0-1a2b3c4 linux",
            ),
            RpmFile("/usr/bin/replication-manager-osc", "0755", "root", "root"),
            RpmFile("/etc/init.d/replication-manager", "0755", "root", "root"),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&[
                "/etc/init.d/replication-manager",
                "/etc/replication-manager/config.toml.sample",
                "/etc/systemd/system/replication-manager.service",
            ]),
        ],
    },
    // edition=community (the script's argument), version from git describe: 3.6.13.
    Case {
        repo: "aerospike-community/amc",
        file: "make.sh",
        commit: "0273b072869eabeaabf94ba4c6b2326c7697f478",
        setup: r#"
            edition=community version=3.6.13
            mkexe deployment/release/amc/opt/amc/amc deployment/release/amc/etc/init.d/amc
            mkfile deployment/release/amc/opt/amc/static/index.html
        "#,
        command: r#"pkgr -s dir -t rpm -n "aerospike-amc-$edition" -v $version  -C deployment/release/amc ."#,
        checks: &[
            Written("aerospike-amc-community-3.6.13-1.@RPM_ARCH@.rpm"),
            RpmTag("%{NAME}", "aerospike-amc-community"),
            RpmFile("/etc/init.d/amc", "0755", "root", "root"),
            RpmFile("/opt/amc/amc", "0755", "root", "root"),
            RpmFile("/opt/amc/static/index.html", "0644", "root", "root"),
            // docs/fpm.md --config-files row: every file under /etc is %config(noreplace) in the
            // rpm (rpmlint: non-conffile-in-etc); fpm's rpm marks only the --config-files.
            RpmConfig(&["/etc/init.d/amc"]),
            RpmNoScript("PREIN"),
            RpmNoScript("POSTIN"),
            RpmNoScript("PREUN"),
            RpmNoScript("POSTUN"),
        ],
    },
    Case {
        repo: "rswinkle/sdl_img",
        file: "build_package.sh",
        commit: "049503526a1244574e5374a65542465c4a81356c",
        setup: r#"
            mkexe package_linux/usr/local/bin/sdl_img
            mkfile package_linux/usr/local/share/man/man1/sdl_img.1 package_linux/usr/share/applications/sdl_img.desktop
        "#,
        command: r#"pkgr -s dir -t tar -v 1.0-RC2 -n sdl_img_1.0-RC2 -C package_linux --log info --verbose -d "libsdl2-2.0-0 >= 2.0.5" -d "libcurl4" -m "Robert Winkler <rob121618@gmail.com>" --description "A simple image viewer based on SDL2 and stb_image" --license MIT --url "https://github.com/rswinkle/sdl_img""#,
        checks: &[
            // README.md "The tarball": pkgr names it NAME-VERSION.ARCH.tar.zst and compresses it
            // with zstd when -p is not given (fpm: NAME.tar, uncompressed).
            Written("sdl_img_1.0-RC2-1.0-RC2.@RPM_ARCH@.tar.zst"),
            TarZstd,
            TarHas("./usr/local/bin/sdl_img"),
            TarHas("./usr/share/applications/sdl_img.desktop"),
            TarLacks("./.scripts"),
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
        command: r#"pkgr --force --input-type dir --name vitess --version "${VERSION}" --url "https://vitess.io/" --description "${DESCRIPTION}" --license "Apache License - Version 2.0, January 2004" --prefix "$PREFIX" -C "${RELEASE_DIR}" --before-install "$VTROOT/tools/preinstall.sh" --package "$(dirname "${RELEASE_DIR}")" --iteration "${SHORT_REV}" -t rpm"#,
        checks: &[
            Written("vt/releases/vitess-19.0.0-abc1234.@RPM_ARCH@.rpm"),
            RpmTag("%{RELEASE}", "abc1234"),
            RpmTag("%{LICENSE}", "Apache License - Version 2.0, January 2004"),
            RpmTag(
                "%{SUMMARY}",
                "A database clustering system for horizontal scaling of MySQL",
            ),
            // fpm writes the blank line as ` .` (templates/rpm.erb: old rpmbuild refused blank
            // lines); pkgr keeps a blank line as written, as between the later paragraphs.
            RpmTag(
                "%{DESCRIPTION}",
                "A database clustering system for horizontal scaling of MySQL\n\nVitess is a database solution for deploying, scaling and managing large\nclusters of MySQL instances. It's architected to run as effectively in a public\nor private cloud architecture as it does on dedicated hardware. It combines and\nextends many important MySQL features with the scalability of a NoSQL database.",
            ),
            RpmFile("/usr/bin/vtgate", "0755", "root", "root"),
            RpmFile("/usr/share/vitess/examples/README.md", "0644", "root", "root"),
            RpmFile("/usr/web/vtadmin/index.html", "0644", "root", "root"),
            RpmScript("PREIN", "preinstall.sh"),
        ],
    },
];
