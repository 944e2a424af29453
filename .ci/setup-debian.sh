#!/usr/bin/env bash
# Installs what pkgr's tests and examples need on Debian 12: the validators the tests call
# (dpkg-dev, lintian, md5sum), Debian's Python with venv (the default --python), a C
# toolchain for crates that build C (liblzma, zstd) and for the zlib fixture (zlib1g-dev),
# Debian's setuptools, wheel and installer (the offline -s python build) and dh-python (its
# pydist table of Debian's names for Python distributions), debootstrap for the chroot tests,
# piuparts for the install/upgrade/purge tests, and util-linux's unshare and flock for the
# PID-namespace test. Idempotent; uses sudo when not root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential ca-certificates coreutils cpio dpkg-dev lintian man-db rpm rpmlint xz-utils zstd \
    gnupg python3 python3-venv python3-dev python3-packaging python3-setuptools python3-wheel \
    python3-installer dh-python zlib1g-dev debootstrap debian-archive-keyring \
    piuparts util-linux >/dev/null
# uv, for the --pip-tool uv tests: from PyPI into its own venv (bookworm has no uv package),
# linked onto PATH.
if ! command -v uv >/dev/null; then
    $SUDO /usr/bin/python3 -m venv /opt/pkgr-uv
    $SUDO /opt/pkgr-uv/bin/pip install -q --disable-pip-version-check uv
    $SUDO ln -sf /opt/pkgr-uv/bin/uv /usr/local/bin/uv
fi
for tool in dpkg-deb dpkg-shlibdeps lintian md5sum rpm rpm2cpio rpmlint cpio xz zstd uv /usr/bin/python3 cc cargo \
    debootstrap chroot /usr/lib/rpm/elfdeps piuparts dpkg-scanpackages unshare flock; do
    command -v "$tool" >/dev/null || { echo "setup: $tool is still missing" >&2; exit 1; }
done
/usr/bin/python3 -c 'import venv, ensurepip' || { echo "setup: python3-venv is broken" >&2; exit 1; }
/usr/bin/python3 -c 'import setuptools, wheel, installer' || { echo "setup: python3-setuptools, -wheel or -installer is missing" >&2; exit 1; }
[ -f /usr/share/dh-python/dist/cpython3_fallback ] || { echo "setup: dh-python's pydist table is missing" >&2; exit 1; }
echo "setup: ok ($(dpkg-deb --version | head -1); lintian $(lintian --version | awk '{print $2}'))"
