//! Real `fpm -t deb` invocations that pkgr builds as fpm does (see `fpm_real.rs`).
//!
//! Setups use the runner's helpers: `mkexe PATH...` writes a 0755 shell script that echoes
//! `ran PATH`, `mkfile PATH...` a 0644 text file; maintainer scripts are made with `mkexe`, so a
//! `Script` check for `ran PATH` proves that the script given as PATH is the one installed.

use super::Case;
use super::Check::*;

/// vdirsyncer's build inputs: the `version` file, and a requirements.txt naming a local wheel
/// of a `vdirsyncer` with a `vdirsyncer` console script (so pip needs no index).
macro_rules! vdirsyncer_setup {
    () => {
        r#"
export PIP_NO_INDEX=1
echo 0.19.0~dev > version
python3 - <<'EOF'
import base64, hashlib, zipfile
dist = "vdirsyncer-0.19.0.dev0.dist-info"
files = {
    "vdirsyncer/__init__.py": "def main():\n    print('vdirsyncer')\n",
    dist + "/METADATA": "Metadata-Version: 2.1\nName: vdirsyncer\nVersion: 0.19.0.dev0\n",
    dist + "/WHEEL": "Wheel-Version: 1.0\nGenerator: fpm_real\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    dist + "/entry_points.txt": "[console_scripts]\nvdirsyncer = vdirsyncer:main\n",
}
record = []
with zipfile.ZipFile("vdirsyncer-0.19.0.dev0-py3-none-any.whl", "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append("%s,sha256=%s,%d" % (path, digest.decode(), len(text)))
    z.writestr(dist + "/RECORD", "\n".join(record + [dist + "/RECORD,,"]) + "\n")
EOF
echo ./vdirsyncer-0.19.0.dev0-py3-none-any.whl > requirements.txt
"#
    };
}

/// The deb cases.
pub static CASES: &[Case] = &[
    // `@` is make's echo suppression, not part of the command. The second -p wins.
    Case {
        repo: "netstratum/pine",
        file: "Makefile",
        commit: "find_string id 46335326827 (older stored version)",
        setup: r#"
            mkexe rel/pine/bin/pine pkg/files/before_install.sh pkg/files/after_install.sh pkg/files/after_remove.sh
            mkdir -p pkg/deb
        "#,
        command: r#"pkgr -s dir -t deb -n pine -v 0.1 -C rel -p pine-VERSION_ARCH.rpm --prefix /opt --description "PIN generation and management Engine" --deb-user pine --deb-group pine --deb-compression gz --before-install pkg/files/before_install.sh --after-install pkg/files/after_install.sh --after-remove pkg/files/after_remove.sh -p pkg/deb/ pine"#,
        checks: &[
            Written("pkg/deb/pine_0.1_@DEB_ARCH@.deb"),
            Field("Package", "pine"),
            Field("Version", "0.1"),
            Field("Description", "PIN generation and management Engine"),
            File("/opt/pine/bin/pine", "0755", "pine/pine"),
            Dir("/opt/pine", "0755", "pine/pine"),
            Member("data.tar.gz"),
            Script("preinst", "ran pkg/files/before_install.sh"),
            Script("postinst", "ran pkg/files/after_install.sh"),
            Script("postrm", "ran pkg/files/after_remove.sh"),
            NoScript("prerm"),
        ],
    },
    // Make: `$@` is the target (`deb`), here the shell's own `$@` after `set -- deb`;
    // `$(VERSION)` and `$(PREFIX)` are shell variables. `bundle exec` runs its arguments.
    Case {
        repo: "gocardless/drydock",
        file: "Makefile",
        commit: "0dbfa4b8250a77fd4963c66892e7c0dd7ed289dd",
        setup: r#"
            bundle() { shift; "$@"; }
            set -- deb
            VERSION=0.0.4 PREFIX=/usr/local
            mkexe drydock.linux_amd64
        "#,
        command: r#"bundle exec pkgr -s dir -t $@ -n drydock -v $VERSION --description "Docker image cleaner" --maintainer "GoCardless Engineering <engineering@gocardless.com>" drydock.linux_amd64=$PREFIX/bin/drydock"#,
        checks: &[
            Written("drydock_0.0.4_@DEB_ARCH@.deb"),
            Field("Version", "0.0.4"),
            Field(
                "Maintainer",
                "GoCardless Engineering <engineering@gocardless.com>",
            ),
            Field("Description", "Docker image cleaner"),
            File("/usr/local/bin/drydock", "0755", "root/root"),
            Absent("/drydock.linux_amd64"),
        ],
    },
    Case {
        repo: "jasonish/evebox",
        file: "packaging/build-deb.sh",
        commit: "69e75483683630034b48ae6d8d35c62755c61ba6",
        setup: r#"
            ARCH=amd64 VERSION=0.17.0 FILENAME=evebox-0.17.0-amd64.deb
            BIN=./dist/evebox-0.17.0-linux-x64/evebox
            mkexe "$BIN" packaging/debian/after-install.sh packaging/debian/after-upgrade.sh
            mkfile packaging/debian/evebox.service packaging/debian/evebox-agent.service packaging/evebox.yaml
        "#,
        command: r#"pkgr --verbose -t deb -n evebox -s dir --epoch 1 -a "${ARCH}" -p "dist/${FILENAME}" -v "${VERSION}" --force --after-install=./packaging/debian/after-install.sh --after-upgrade=./packaging/debian/after-upgrade.sh --config-files /etc/evebox/evebox.yaml "${BIN}"=/usr/bin/evebox ./packaging/debian/evebox.service=/lib/systemd/system/evebox.service ./packaging/debian/evebox-agent.service=/lib/systemd/system/evebox-agent.service ./packaging/evebox.yaml=/etc/evebox/"#,
        checks: &[
            Written("dist/evebox-0.17.0-amd64.deb"),
            Field("Version", "1:0.17.0"),
            Field("Architecture", "amd64"),
            File("/usr/bin/evebox", "0755", "root/root"),
            File("/lib/systemd/system/evebox.service", "0644", "root/root"),
            File("/lib/systemd/system/evebox-agent.service", "0644", "root/root"),
            File("/etc/evebox/evebox.yaml", "0644", "root/root"),
            Conffiles(&["/etc/evebox/evebox.yaml"]),
            Script("postinst", "ran packaging/debian/after-install.sh"),
            Script("postinst", "ran packaging/debian/after-upgrade.sh"),
        ],
    },
    // Make: `$@` is the target of `rpm deb:` (`set -- deb`), `$(VERSION)`/`$(PREFIX)` are
    // shell variables.
    Case {
        repo: "elastic/logstash-forwarder",
        file: "Makefile",
        commit: "017fefaff695d71b3a913d8df42f2804fedd63b3",
        setup: r#"
            set -- deb
            VERSION=0.3.1 PREFIX=/opt/logstash-forwarder
            mkexe build/bin/logstash-forwarder build/bin/logstash-forwarder.sh logstash-forwarder.init
        "#,
        command: r#"pkgr -s dir -t $@ -n logstash-forwarder -v $VERSION --replaces lumberjack --exclude '*.a' --exclude 'lib/pkgconfig/zlib.pc' --description "a log shipping tool" --url "https://github.com/elasticsearch/logstash-forwarder" build/bin/logstash-forwarder=$PREFIX/bin/ build/bin/logstash-forwarder.sh=$PREFIX/bin/ logstash-forwarder.init=/etc/init.d/logstash-forwarder"#,
        checks: &[
            Written("logstash-forwarder_0.3.1_@DEB_ARCH@.deb"),
            Field("Replaces", "lumberjack"),
            Field("Homepage", "https://github.com/elasticsearch/logstash-forwarder"),
            File("/opt/logstash-forwarder/bin/logstash-forwarder", "0755", "root/root"),
            File("/opt/logstash-forwarder/bin/logstash-forwarder.sh", "0755", "root/root"),
            File("/etc/init.d/logstash-forwarder", "0755", "root/root"),
            Conffiles(&["/etc/init.d/logstash-forwarder"]),
        ],
    },
    Case {
        repo: "AntBuddy-Jsc/ab_hipchat_server",
        file: "project/build-deb.sh",
        commit: "862f9d57962c92a2030812338d3d5313cf756aae",
        setup: r#"
            mkexe rel/mongooseim/bin/mongooseim deb-scripts/postinst
            mkfile rel/mongooseim/etc/ejabberd.cfg rel/mongooseim/lib/ejabberd-2.1.8/ebin/ejabberd.app
        "#,
        command: r#"pkgr -f -s dir -t deb -n showdme-ejabberd -v "1.0" --description "Ejabberd server for showdme app" --iteration 3 --prefix /usr/lib/mongooseim --after-install ./deb-scripts/postinst -d "libc6 >= 2.15" -d "libexpat1 >= 1.95.8" -d "libpam0g >= 0.99.7.1" -d "libssl1.0.0 >= 1.0.0" -d "libtinfo5" -d "zlib1g >= 1:1.1.4" -C rel/mongooseim ."#,
        checks: &[
            Written("showdme-ejabberd_1.0-3_@DEB_ARCH@.deb"),
            Field("Version", "1.0-3"),
            Field(
                "Depends",
                "libc6 (>= 2.15), libexpat1 (>= 1.95.8), libpam0g (>= 0.99.7.1), libssl1.0.0 (>= 1.0.0), libtinfo5, zlib1g (>= 1:1.1.4)",
            ),
            File("/usr/lib/mongooseim/bin/mongooseim", "0755", "root/root"),
            File("/usr/lib/mongooseim/etc/ejabberd.cfg", "0644", "root/root"),
            File(
                "/usr/lib/mongooseim/lib/ejabberd-2.1.8/ebin/ejabberd.app",
                "0644",
                "root/root",
            ),
            Conffiles(&[]),
            Script("postinst", "ran deb-scripts/postinst"),
        ],
    },
    // `-p dist` names an existing directory: the default file name goes into it.
    Case {
        repo: "juanfresia/coriolis",
        file: "coriolis/docker/generate-package.sh",
        commit: "2b0060ef5f1097cc74eca9e9e4d0ae2aaf8b0275",
        setup: r#"
            VERSION=0.1.0
            mkexe pkg/usr/local/sbin/coriolis
            mkdir -p dist
        "#,
        command: r#"pkgr -s dir -t deb -v ${VERSION} -n coriolis -C pkg -p dist usr/local/sbin/coriolis"#,
        checks: &[
            Written("dist/coriolis_0.1.0_@DEB_ARCH@.deb"),
            Field("Package", "coriolis"),
            File("/usr/local/sbin/coriolis", "0755", "root/root"),
            NoScript("preinst"),
            NoScript("postinst"),
            NoScript("prerm"),
            NoScript("postrm"),
        ],
    },
    // The build container's version file is `0.19.0~dev`; requirements.txt names the local
    // distribution it installs (here a wheel with no dependencies, so pip needs no index:
    // PIP_NO_INDEX makes sure of that). pkgr's inferred Python dependency is documented
    // (--no-auto-depends), so Depends is checked for python3 only.
    Case {
        repo: "pimutils/vdirsyncer",
        file: "scripts/_build_deb_in_container.bash",
        commit: "ece217e3bdfaa7dc5d6c5c6c9eeafbf399e6d76c",
        setup: vdirsyncer_setup!(),
        command: r#"pkgr --verbose --input-type virtualenv --output-type deb --name "vdirsyncer-latest" --version "$(cat version)" --prefix /opt/venvs/vdirsyncer-latest --depends python3 requirements.txt"#,
        checks: &[
            Written("vdirsyncer-latest_0.19.0~dev_@DEB_ARCH@.deb"),
            Field("Package", "vdirsyncer-latest"),
            Field("Version", "0.19.0~dev"),
            FieldHas("Depends", "python3"),
            File("/opt/venvs/vdirsyncer-latest/bin/vdirsyncer", "0755", "root/root"),
            Content(
                "/opt/venvs/vdirsyncer-latest/bin/vdirsyncer",
                "#!/opt/venvs/vdirsyncer-latest/bin/python",
            ),
            Content(
                "/opt/venvs/vdirsyncer-latest/bin/vdirsyncer",
                "from vdirsyncer import main",
            ),
        ],
    },
    // `RUN . /vdirsyncer/env/bin/activate; fpm ...`: the command runs with a virtualenv
    // activated (made here in ./env), which must not leak into the package.
    Case {
        repo: "pimutils/vdirsyncer",
        file: "scripts/dpkg.Dockerfile",
        commit: "60e2e9669e6cece0349a5cf69e54dd85f8877f0c",
        setup: concat!(
            vdirsyncer_setup!(),
            "python3 -m venv --without-pip env\n. env/bin/activate\n"
        ),
        command: r#"pkgr -s virtualenv -t deb -n "vdirsyncer-latest" -v "$(cat version)" --prefix /opt/venvs/vdirsyncer-latest requirements.txt"#,
        checks: &[
            Written("vdirsyncer-latest_0.19.0~dev_@DEB_ARCH@.deb"),
            Field("Package", "vdirsyncer-latest"),
            File("/opt/venvs/vdirsyncer-latest/bin/vdirsyncer", "0755", "root/root"),
            Content(
                "/opt/venvs/vdirsyncer-latest/bin/vdirsyncer",
                "#!/opt/venvs/vdirsyncer-latest/bin/python",
            ),
            Content(
                "/opt/venvs/vdirsyncer-latest/bin/activate",
                "/opt/venvs/vdirsyncer-latest",
            ),
        ],
    },
];
