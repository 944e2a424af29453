#!/usr/bin/env bash
# scripts/bench.sh - pkgr's packaging benchmark (issue 7). One command reproduces docs/benchmarks.md:
# it times pkgr against dpkg-deb, rpmbuild, `tar | zstd` and dh-virtualenv on the same files,
# alternating the two tools rep by rep, and writes medians, ratios and peak RSS.
#
#   scripts/bench.sh [--quick] [--reps N] [--slow-reps N] [--only LIST] [--trees LIST]
#                    [--out FILE] [--keep]
#
#   --quick        1 rep, the small tree only, no end-to-end run (a check that everything works;
#                  the doc it writes says "mode: quick")
#   --reps N       reps of each comparison (default 3)
#   --slow-reps N  cap for the slow comparisons, deb-xz, deb-gz, rpm-default and e2e (default 1),
#                  so that a full run fits in about 30 minutes on 2 cores
#   --only LIST    comma-separated subset of: deb-xz,deb-zst,deb-gz,rpm-default,rpm-zstd,tar-zst,e2e
#   --trees LIST   small,big (default both; --quick: small)
#   --out FILE     where the report goes (default docs/benchmarks.md)
#   --keep         keep the work directory (outputs, logs)
#
# Environment: PKGR=/path/to/pkgr skips `cargo build --release --locked`;
# PKGR_BENCH_CACHE (default /var/tmp/pkgr-bench) holds the cached trees and the pip cache.
# Needs PyPI; root only to install the tools (the script prints the apt-get line).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cmdline="scripts/bench.sh${*:+ $*}"
all_cmps=(deb-xz deb-zst deb-gz rpm-default rpm-zstd tar-zst e2e)
slow_cmps=" deb-xz deb-gz rpm-default e2e "
quick=0 reps=3 slow_reps=1 only="" trees="" out="$repo/docs/benchmarks.md" keep=0

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "bench: $*" >&2; exit 1; }
posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 wants a positive integer, got '$2'"; }

while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --reps) posint "$1" "${2:-}"; reps=$2; shift ;;
        --slow-reps) posint "$1" "${2:-}"; slow_reps=$2; shift ;;
        --only) only=${2:?--only needs a list}; shift ;;
        --trees) trees=${2:?--trees needs a list}; shift ;;
        --out) out=${2:?--out needs a file}; shift ;;
        --keep) keep=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
    shift
done
[[ $out = /* ]] || out="$PWD/$out"

if [ $quick = 1 ]; then
    reps=1 slow_reps=1 mode=quick
    : "${trees:=small}"
else
    mode=full
    [ -z "$only$trees" ] || mode="partial (--only/--trees)"
    : "${trees:=small,big}"
fi
cmps=()
if [ -n "$only" ]; then
    IFS=, read -ra want <<<"$only"
    for c in "${want[@]}"; do
        [[ " ${all_cmps[*]} " = *" $c "* ]] || die "--only: unknown comparison '$c' (${all_cmps[*]})"
        cmps+=("$c")
    done
else
    for c in "${all_cmps[@]}"; do
        [ $quick = 1 ] && [ "$c" = e2e ] && continue
        cmps+=("$c")
    done
fi
IFS=, read -ra tree_list <<<"$trees"
for t in "${tree_list[@]}"; do [ "$t" = small ] || [ "$t" = big ] || die "--trees: small or big, not '$t'"; done
has_cmp() { [[ " ${cmps[*]} " = *" $1 "* ]]; }
reps_of() { if [[ $slow_cmps = *" $1 "* ]] && [ "$slow_reps" -lt "$reps" ]; then echo "$slow_reps"; else echo "$reps"; fi; }

# ---- tools -------------------------------------------------------------------------------------
missing=()
for t in dpkg-deb:dpkg dpkg-buildpackage:dpkg-dev rpmbuild:rpm zstd:zstd xz:xz-utils \
    /usr/bin/time:time /usr/bin/python3:python3 ; do
    command -v "${t%%:*}" >/dev/null || missing+=("${t##*:}")
done
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if has_cmp e2e; then
    for p in dh-virtualenv debhelper; do
        dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
    done
    [ "$(id -u)" = 0 ] || command -v fakeroot >/dev/null || missing+=(fakeroot)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: missing tools; as root run:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
fi

# ---- pkgr --------------------------------------------------------------------------------------
if [ -n "${PKGR:-}" ]; then
    [ -x "$PKGR" ] || die "PKGR=$PKGR is not executable"
    PKGR=$(cd "$(dirname "$PKGR")" && pwd)/$(basename "$PKGR")
else
    echo "bench: cargo build --release --locked" >&2
    (cd "$repo" && cargo build --release --locked)
    PKGR=${CARGO_TARGET_DIR:-$repo/target}/release/pkgr
    [[ $PKGR = /* ]] || PKGR=$repo/$PKGR
fi
pkgr_version=$("$PKGR" --version)
pkgr_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock 2>/dev/null)" ] \
    || pkgr_rev="$pkgr_rev+dirty"

# ---- a clean environment -----------------------------------------------------------------------
# Debian's python and tools only (python3 on PATH may be pyenv's), no user pip settings.
while read -r v; do
    case $v in PIP_*|PYTHONDONTWRITEBYTECODE|PYTHONPATH|PYTHONHOME|VIRTUAL_ENV|PYENV_*|CONDA_*) unset "$v" ;; esac
done < <(compgen -e)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
unset SOURCE_DATE_EPOCH
PY=/usr/bin/python3
CACHE=${PKGR_BENCH_CACHE:-/var/tmp/pkgr-bench}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
# One pip cache for the trees, pkgr and dh-virtualenv alike (warm after the first run).
export PIP_CACHE_DIR="$CACHE/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1

# The work directory sits beside the trees, on the same file system, so rpmbuild's `cp -al` works.
work=$(mktemp -d "$CACHE/run.XXXXXX")
cleanup() { if [ $keep = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR" "$work/rpmdb"
start_s=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the trees ---------------------------------------------------------------------------------
# Pinned, transitive dependencies included, so every run packages the same bytes.
SMALL_REQS=(numpy==2.4.6)
BIG_REQS=(numpy==2.4.6 pandas==3.1.1 scipy==1.17.1 python-dateutil==4.0.0 tzdata==2026.6)
E2E_REQS=("${BIG_REQS[@]}")

# ensure_tree NAME REQ...: $CACHE/trees/NAME/root holds DEBIAN/ and opt/venvs/bench-NAME, a venv
# made with /usr/bin/python3 -m venv (in place: its shebangs name the cache path, which does not
# matter for packaging speed). Rebuilt only when the python or the pins change.
ensure_tree() {
    local name=$1; shift
    local dir="$CACHE/trees/$name" prefix="/opt/venvs/bench-$name"
    local want
    want="$($PY --version) | $*"
    if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ]; then return; fi
    echo "bench: building the $name tree ($*)" >&2
    rm -rf "$dir"
    mkdir -p "$dir/root/DEBIAN" "$dir/root${prefix%/*}"
    "$PY" -m venv "$dir/root$prefix"
    "$dir/root$prefix/bin/python" -m pip install -q --no-input "$@"
    "$dir/root$prefix/bin/python" -c 'import numpy' # the tree must be a working venv
    local isize
    isize=$(du -sk "$dir/root/opt" | cut -f1)
    cat >"$dir/root/DEBIAN/control" <<EOF
Package: bench-$name
Version: 1.0
Architecture: amd64
Maintainer: pkgr bench <bench@example.org>
Installed-Size: $isize
Section: misc
Priority: optional
Description: pkgr benchmark tree ($name)
 $*
EOF
    # What dh_md5sums would have written before dpkg-deb runs (pkgr computes its own, timed).
    (cd "$dir/root" && find opt -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
    echo "$want" >"$dir/stamp"
}

tree_root() { echo "$CACHE/trees/$1/root"; }
tree_prefix() { echo "/opt/venvs/bench-$1"; }
declare -A tree_bytes tree_files tree_links tree_dirs tree_reqs
for t in "${tree_list[@]}"; do
    if [ "$t" = small ]; then ensure_tree small "${SMALL_REQS[@]}"; tree_reqs[$t]="${SMALL_REQS[*]}"
    else ensure_tree big "${BIG_REQS[@]}"; tree_reqs[$t]="${BIG_REQS[*]}"; fi
    r="$(tree_root "$t")$(tree_prefix "$t")"
    tree_bytes[$t]=$(du -sb "$r" | cut -f1)
    tree_files[$t]=$(find "$r" -type f | wc -l)
    tree_links[$t]=$(find "$r" -type l | wc -l)
    tree_dirs[$t]=$(find "$r" -type d | wc -l)
done

# ---- the end-to-end application ----------------------------------------------------------------
# A tiny pyproject app whose requirements.txt pins the big tree's packages, with the debian/
# directory dh-virtualenv needs. Same interpreter and venv module for both tools.
make_app() {
    local d=$1
    mkdir -p "$d/src/bench_e2e" "$d/debian/source"
    cat >"$d/pyproject.toml" <<'EOF'
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "bench-e2e"
version = "1.0"
description = "pkgr end-to-end benchmark app"
requires-python = ">=3.9"

[project.scripts]
bench-e2e = "bench_e2e:main"
EOF
    cat >"$d/src/bench_e2e/__init__.py" <<'EOF'
def main():
    import numpy, pandas, scipy
    print(numpy.__version__, pandas.__version__, scipy.__version__)
EOF
    printf '%s\n' "${E2E_REQS[@]}" >"$d/requirements.txt"
    cat >"$d/debian/control" <<'EOF'
Source: bench-e2e
Section: python
Priority: optional
Maintainer: pkgr bench <bench@example.org>
Build-Depends: debhelper (>= 13), dh-virtualenv, python3-venv

Package: bench-e2e
Architecture: any
Pre-Depends: dpkg (>= 1.16.1), python3
Depends: ${shlibs:Depends}, ${misc:Depends}
Description: pkgr end-to-end benchmark app
 numpy, pandas and scipy in a virtualenv.
EOF
    cat >"$d/debian/changelog" <<'EOF'
bench-e2e (1.0-1) unstable; urgency=medium

  * Benchmark build.

 -- pkgr bench <bench@example.org>  Mon, 01 Jan 2024 00:00:00 +0000
EOF
    echo 13 >"$d/debian/compat"
    echo '3.0 (native)' >"$d/debian/source/format"
    printf '%s\n' '#!/usr/bin/make -f' '%:' '	dh $@ --with python-virtualenv' '' \
        'override_dh_virtualenv:' '	dh_virtualenv --builtin-venv --python /usr/bin/python3' '' \
        '# manylinux wheels ship their libraries in site-packages/*.libs without an RPATH between' \
        '# them (libgfortran needs libquadmath): dpkg-shlibdeps fails unless it is told where they are.' \
        'override_dh_shlibdeps:' \
        '	dh_shlibdeps -l$$(find $(CURDIR)/debian/bench-e2e -type d -name "*.libs" | paste -sd:)' \
        >"$d/debian/rules"
    chmod +x "$d/debian/rules"
}

# ---- running and measuring ---------------------------------------------------------------------
results="$work/results.tsv"
: >"$results"
declare -A shown_cmd

# symbolic CMD...: the command as the doc shows it, quoted for a shell ($WORK and $CACHE stay
# variables, hence double quotes).
symbolic() {
    local s="" a
    for a; do
        if [[ $a =~ ^[A-Za-z0-9_./=:,@%+-]+$ ]]; then s+=" $a"; else s+=" \"${a//\"/\\\"}\""; fi
    done
    s=${s# }
    s=${s//"$PKGR"/pkgr}
    s=${s//"$work"/\$WORK}
    s=${s//"$CACHE"/\$CACHE}
    echo "$s"
}

# regular_files KIND FILE: number of regular files in a package.
regular_files() {
    case $1 in
        deb) dpkg-deb --fsys-tarfile "$2" | tar -tvf - | grep -c '^-' ;;
        rpm) rpm -qp --dbpath "$work/rpmdb" --qf '[%{FILEMODES:perms}\n]' "$2" | grep -c '^-' ;;
        tar) zstd -dcq "$2" | tar -tvf - | grep -c '^-' ;;
    esac
}

# verify KIND FILE: a package that is not there, empty or unreadable stops the run.
verify() {
    local kind=$1 f=$2
    [ -s "$f" ] || die "empty or missing artifact: $f"
    case $kind in
        deb) dpkg-deb --info "$f" >/dev/null || die "dpkg-deb --info fails on $f" ;;
        rpm) rpm -qp --dbpath "$work/rpmdb" --qf '%{NAME}\n' "$f" >/dev/null || die "rpm -qp fails on $f" ;;
        tar) zstd -tq "$f" || die "zstd -t fails on $f" ;;
    esac
}

# run_side CMP TREE SIDE REP: one timed build; appends a line to $results.
run_side() {
    local cmp=$1 tree=$2 side=$3 rep=$4
    local o="$work/out/$cmp-$tree-$side" root prefix kind name="bench-$tree"
    root=$(tree_root "$tree"); prefix=$(tree_prefix "$tree")
    rm -rf "$o"; mkdir -p "$o"
    local pkgr_dir=("$PKGR" -q -s dir -n "$name" -v 1.0 -a amd64 -m 'pkgr bench <bench@example.org>'
        -C "$root" "${prefix#/}=$prefix")
    local cmd=() shown=""
    case $cmp:$side in
        deb-xz:pkgr) kind=deb; cmd=("${pkgr_dir[@]}" -t deb --deb-compression xz --deb-compression-level 6 -p "$o/pkgr.deb") ;;
        deb-xz:peer) kind=deb; cmd=(dpkg-deb --root-owner-group -Zxz -z6 -b "$root" "$o/peer.deb") ;;
        deb-zst:pkgr) kind=deb; cmd=("${pkgr_dir[@]}" -t deb --deb-compression zst --deb-compression-level 3 -p "$o/pkgr.deb") ;;
        deb-zst:peer) kind=deb; cmd=(dpkg-deb --root-owner-group -Zzstd -z3 -b "$root" "$o/peer.deb") ;;
        deb-gz:pkgr) kind=deb; cmd=("${pkgr_dir[@]}" -t deb --deb-compression gz --deb-compression-level 9 -p "$o/pkgr.deb") ;;
        deb-gz:peer) kind=deb; cmd=(dpkg-deb --root-owner-group -Zgzip -z9 -b "$root" "$o/peer.deb") ;;
        rpm-default:pkgr) kind=rpm; cmd=("${pkgr_dir[@]}" -t rpm -p "$o/pkgr.rpm") ;;
        rpm-zstd:pkgr) kind=rpm; cmd=("${pkgr_dir[@]}" -t rpm --rpm-compression zstd --rpm-compression-level 3 -p "$o/pkgr.rpm") ;;
        rpm-default:peer|rpm-zstd:peer)
            kind=rpm
            cmd=(rpmbuild -bb --quiet --define "_topdir $o/rpmbuild" --define "_rpmdir $o"
                --define "_tree $root")
            [ "$cmp" = rpm-zstd ] && cmd+=(--define '_binary_payload w3.zstdio')
            cmd+=("$work/bench-$tree.spec") ;;
        tar-zst:pkgr) kind=tar; cmd=("${pkgr_dir[@]}" -t tar --tar-compression zst --tar-compression-level 3 -p "$o/pkgr.tar.zst") ;;
        tar-zst:peer)
            kind=tar
            cmd=(bash -c 'tar -C "$1" -c "./${2#/}" | zstd -q -T0 -3 -o "$3"' tar-zstd "$root" "$prefix" "$o/peer.tar.zst")
            shown="$(symbolic tar -C "$root" -c "./${prefix#/}") | zstd -q -T0 -3 -o $(symbolic "$o/peer.tar.zst")" ;;
        e2e:pkgr)
            kind=deb; cp -a "$work/app" "$o/app"
            cmd=("$PKGR" -q -s virtualenv -t deb "$o/app" -p "$o/") ;;
        e2e:peer)
            kind=deb; cp -a "$work/app" "$o/app"
            cmd=(bash -c 'cd "$1" && dpkg-buildpackage -us -uc -b' dpkg-buildpackage "$o/app")
            shown="cd $(symbolic "$o/app") && dpkg-buildpackage -us -uc -b" ;;
    esac
    [ -n "$shown" ] || shown=$(symbolic "${cmd[@]}")
    [ -n "${shown_cmd[$cmp:$side]:-}" ] || shown_cmd[$cmp:$side]=$shown
    echo "bench: [$tree rep $rep] $cmp $side" >&2
    if ! /usr/bin/time -v -o "$work/time" "${cmd[@]}" >"$work/log" 2>&1; then
        tail -n 30 "$work/log" >&2
        die "$cmp $side failed on the $tree tree: $(symbolic "${cmd[@]}")"
    fi
    local wall rss art
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
    [ -n "$wall" ] && [ -n "$rss" ] || die "could not read /usr/bin/time's report for $cmp $side"
    art=$(find "$o" -maxdepth 3 -type f -name "*.$kind*" ! -name '*dbgsym*' ! -path '*/app/*' ! -path '*/rpmbuild/*' | head -n 1)
    [ -n "$art" ] || die "$cmp $side wrote no .$kind under $o"
    verify "$kind" "$art"
    if [ "$rep" = 1 ]; then
        # Both sides must package the tree: every regular file (pkgr adds its doc files).
        if [ "$cmp" = e2e ]; then
            # (grep -c, not -q: grep must read to the end, or dpkg-deb dies of SIGPIPE.)
            [ "$(dpkg-deb -c "$art" | grep -c '/opt/venvs/bench-e2e/lib/python3[^/]*/site-packages/scipy/__init__.py$' || true)" -ge 1 ] \
                || die "$cmp $side: no scipy in $art"
        else
            local n
            n=$(regular_files "$kind" "$art" || true)
            [ "${n:-0}" -ge "${tree_files[$tree]}" ] \
                || die "$cmp $side: $art has $n regular files, the $tree tree ${tree_files[$tree]}"
        fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cmp" "$tree" "$side" "$rep" "$wall" "$rss" "$(stat -c %s "$art")" >>"$results"
    rm -rf "$o"
}

write_spec() { # TREE: rpmbuild's spec over the same files (%install hard-links them)
    local tree=$1 prefix
    prefix=$(tree_prefix "$tree")
    cat >"$work/bench-$tree.spec" <<EOF
# No brp scripts (no strip, no byte-compiling: the payload is the tree as it is), no debuginfo
# or build-id links; automatic dependencies stay on, as in any rpmbuild.
%define __os_install_post %{nil}
%define debug_package %{nil}
%define _build_id_links none
Name: bench-$tree
Version: 1.0
Release: 1
Summary: pkgr benchmark tree ($tree)
License: MIT
%description
pkgr benchmark tree ($tree).
%install
mkdir -p %{buildroot}${prefix%/*}
cp -al %{_tree}$prefix %{buildroot}$prefix
%files
$prefix
EOF
}

# one_pass CMP TREE REP: pkgr then the peer on odd reps, the peer first on even ones.
one_pass() {
    if [ $(($3 % 2)) = 1 ]; then run_side "$1" "$2" pkgr "$3"; run_side "$1" "$2" peer "$3"
    else run_side "$1" "$2" peer "$3"; run_side "$1" "$2" pkgr "$3"; fi
}

packaging_cmps=()
for c in "${cmps[@]}"; do [ "$c" = e2e ] || packaging_cmps+=("$c"); done
if [ ${#packaging_cmps[@]} -gt 0 ]; then
    for t in "${tree_list[@]}"; do
        write_spec "$t"
        # Page cache: every run reads the tree from memory, not the first one from disk.
        tar -C "$(tree_root "$t")" -cf - . | wc -c >/dev/null
        for ((rep = 1; rep <= reps; rep++)); do
            for c in "${packaging_cmps[@]}"; do
                [ "$rep" -le "$(reps_of "$c")" ] && one_pass "$c" "$t" "$rep"
            done
        done
    done
fi

e2e_note=""
if has_cmp e2e; then
    make_app "$work/app"
    # One untimed warm-up of each, so both install from the same warm pip cache.
    echo "bench: e2e warm-up (untimed)" >&2
    mkdir -p "$work/warm"
    cp -a "$work/app" "$work/warm/pkgr-app"
    "$PKGR" -q -s virtualenv -t tar --tar-compression none "$work/warm/pkgr-app" -p "$work/warm/" >"$work/log" 2>&1 \
        || { tail -n 30 "$work/log" >&2; die "pkgr e2e warm-up failed"; }
    cp -a "$work/app" "$work/warm/dh-app"
    # dh-virtualenv's own venv build and pip install (what debian/rules runs), without the
    # stripping and compressing that follow it in the full build.
    (cd "$work/warm/dh-app" && dh_virtualenv --builtin-venv --python /usr/bin/python3) >"$work/log" 2>&1 \
        || { tail -n 30 "$work/log" >&2; die "dh-virtualenv warm-up failed"; }
    rm -rf "$work/warm"
    for ((rep = 1; rep <= $(reps_of e2e); rep++)); do one_pass e2e big "$rep"; done
    e2e_note=yes
fi

# ---- the report --------------------------------------------------------------------------------
elapsed=$(($(date +%s) - start_s))
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# stat CMP TREE SIDE COLUMN FN: median (wall), max (rss), last (size) over the reps.
stat_of() {
    awk -F'\t' -v c="$1" -v t="$2" -v s="$3" -v col="$4" -v fn="$5" '
        $1 == c && $2 == t && $3 == s { v[n++] = $col }
        END {
            if (n == 0) { print ""; exit }
            if (fn == "max") { m = v[0]; for (i = 1; i < n; i++) if (v[i] + 0 > m + 0) m = v[i]; print m; exit }
            if (fn == "last") { print v[n - 1]; exit }
            if (fn == "n") { print n; exit }
            for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] + 0 < v[i] + 0) { x = v[i]; v[i] = v[j]; v[j] = x }
            print (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
        }' "$results"
}
fmt() { awk -v x="$1" -v f="$2" 'BEGIN { printf f, x }'; }
peer_name() {
    case $1 in
        deb-*) echo dpkg-deb ;; rpm-*) echo rpmbuild ;; tar-zst) echo 'tar \| zstd -T0' ;; e2e) echo dh-virtualenv ;;
    esac
}
label() {
    case $1 in
        deb-xz) echo 'deb, xz -6' ;; deb-zst) echo 'deb, zstd -3' ;; deb-gz) echo 'deb, gzip -9' ;;
        rpm-default) echo 'rpm, defaults (pkgr zstd 3, rpmbuild gzip 9)' ;;
        rpm-zstd) echo 'rpm, zstd 3 both' ;; tar-zst) echo 'tar.zst, zstd -3' ;;
        e2e) echo 'end to end, venv → deb (xz -6)' ;;
    esac
}
declare -A ratio_of rss_pkgr_of
row() { # CMP TREE
    local c=$1 t=$2 n pm bm pr br ps bs ratio
    n=$(stat_of "$c" "$t" pkgr 4 n)
    [ -n "$n" ] || return 0
    pm=$(stat_of "$c" "$t" pkgr 5 median); bm=$(stat_of "$c" "$t" peer 5 median)
    pr=$(stat_of "$c" "$t" pkgr 6 max); br=$(stat_of "$c" "$t" peer 6 max)
    ps=$(stat_of "$c" "$t" pkgr 7 last); bs=$(stat_of "$c" "$t" peer 7 last)
    ratio=$(awk -v a="$pm" -v b="$bm" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    printf '| %s vs %s | %s | %s | %s | %s | **%s×** | %s | %s | %s / %s |\n' \
        "$(label "$c")" "$(peer_name "$c")" "$t" "$n" "$(fmt "$pm" '%.2f')" "$(fmt "$bm" '%.2f')" "$ratio" \
        "$(awk -v k="$pr" 'BEGIN { printf "%.0f", k / 1024 }')" "$(awk -v k="$br" 'BEGIN { printf "%.0f", k / 1024 }')" \
        "$(awk -v b="$ps" 'BEGIN { printf "%.1f", b / 1e6 }')" "$(awk -v b="$bs" 'BEGIN { printf "%.1f", b / 1e6 }')"
}

table=$(
    echo '| comparison | tree | reps | pkgr median s | peer median s | ratio pkgr/peer | pkgr peak RSS MiB | peer peak RSS MiB | output MB pkgr / peer |'
    echo '|---|---|---|---|---|---|---|---|---|'
    for c in "${cmps[@]}"; do
        if [ "$c" = e2e ]; then row e2e big; else for t in "${tree_list[@]}"; do row "$c" "$t"; done; fi
    done
)
# The goals need the ratios and pkgr's RSS outside the table's subshell.
for c in "${cmps[@]}"; do
    for t in small big; do
        n=$(stat_of "$c" "$t" pkgr 4 n)
        [ -n "$n" ] || continue
        pm=$(stat_of "$c" "$t" pkgr 5 median); bm=$(stat_of "$c" "$t" peer 5 median)
        ratio_of[$c:$t]=$(awk -v a="$pm" -v b="$bm" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        rss_pkgr_of[$c:$t]=$(awk -v k="$(stat_of "$c" "$t" pkgr 6 max)" 'BEGIN { printf "%.0f", k / 1024 }')
    done
done

# goal LABEL LIMIT KEY...: met when every measured value is at most LIMIT.
goal() {
    local lbl=$1 lim=$2 unit=$3; shift 3
    local vals="" ok=1 any=0 k v
    for k in "$@"; do
        v=${ratio_of[$k]:-}
        [ "$unit" = MiB ] && v=${rss_pkgr_of[$k]:-}
        [ -n "$v" ] || continue
        any=1
        vals+="${vals:+, }${k#*:} ${k%%:*} $v${unit/x/×}"
        awk -v a="$v" -v b="$lim" 'BEGIN { exit !(a <= b) }' || ok=0
    done
    if [ $any = 0 ]; then printf '| %s | not measured | — |\n' "$lbl"
    elif [ $ok = 1 ]; then printf '| %s | %s | **met** |\n' "$lbl" "$vals"
    else printf '| %s | %s | **not met** |\n' "$lbl" "$vals"; fi
}
both() { for t in small big; do for c in "$@"; do echo "$c:$t"; done; done; }
goals=$(
    echo '| goal | measured | status |'
    echo '|---|---|---|'
    goal 'deb xz ≤ 0.8× dpkg-deb' 0.8 x $(both deb-xz)
    goal 'tar zst ≤ 1.15× the `tar \| zstd -T0 -3` floor' 1.15 x $(both tar-zst)
    goal 'rpm ≤ 0.3× rpmbuild, same compression (zstd 3)' 0.3 x $(both rpm-zstd)
    goal 'rpm ≤ 0.3× rpmbuild, each at its default' 0.3 x $(both rpm-default)
    goal 'peak RSS of deb and tar ≤ 100 MiB at both tree sizes' 100 MiB $(both deb-xz deb-zst deb-gz tar-zst)
    goal 'end to end ≤ 0.5× dh-virtualenv' 0.5 x e2e:big
)

ver() { "$@" 2>&1 | head -n 1; }
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo 'not installed'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
tree_lines=$(for t in "${tree_list[@]}"; do
    printf '| %s | `%s` | %s | %s | %s | %s | `%s` |\n' "$t" "$(tree_prefix "$t")" "$(mb "${tree_bytes[$t]}")" \
        "${tree_files[$t]}" "${tree_links[$t]}" "${tree_dirs[$t]}" "${tree_reqs[$t]}"
done)
cmd_lines=$(for c in "${cmps[@]}"; do
    for s in pkgr peer; do
        [ -n "${shown_cmd[$c:$s]:-}" ] && printf -- '- %s, %s: `%s`\n' "$c" "$s" "${shown_cmd[$c:$s]}"
    done
done)
reps_line=$(for c in "${cmps[@]}"; do printf '%s %s, ' "$c" "$(reps_of "$c")"; done)

mkdir -p "$(dirname "$out")"
{
    echo '# Benchmarks'
    echo
    echo "mode: $mode"
    echo
    echo "Written by \`$cmdline\` on $(date -u '+%Y-%m-%d %H:%M UTC') in $((elapsed / 60)) min $((elapsed % 60)) s."
    echo 'Run it again to reproduce this page; do not edit the numbers by hand.'
    if [ "$mode" = quick ]; then
        echo
        echo '> **Quick mode**: one rep, the small tree only, no end-to-end run. This checks that the'
        echo '> benchmark works; it is not the measurement. `scripts/bench.sh` with no options is.'
    fi
    cat <<EOF

## Machine

| | |
|---|---|
| CPUs | $(nproc) × $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |
| RAM | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |
| kernel | $(uname -sr) |
| OS | $(. /etc/os-release && echo "$PRETTY_NAME") |
| load average (1/5/15 min) at start / end | $load_start / $load_end |
| pkgr | $pkgr_version, git $pkgr_rev, \`cargo build --release --locked\` |
| dpkg | $(pkgver dpkg) |
| rpm | $(pkgver rpm) |
| zstd | $(ver zstd --version) |
| xz | $(ver xz --version) |
| tar | $(ver tar --version) |
| dh-virtualenv | $(pkgver dh-virtualenv) (debhelper $(pkgver debhelper)) |
| python | $($PY --version) (\`/usr/bin/python3 -m venv\`, pip $($PY -m pip --version 2>/dev/null | cut -d' ' -f2 || echo "of ensurepip")) |

Other work may share the machine (the load average above says how much); ratios of runs that
alternate the two tools are steadier than the absolute times.

## Trees

Each tree is a virtualenv made with \`/usr/bin/python3 -m venv\` and \`pip install\` of pinned
wheels from PyPI, cached in \`\$PKGR_BENCH_CACHE\` (default \`/var/tmp/pkgr-bench\`) as
\`\$CACHE/trees/NAME/root\`, which holds \`DEBIAN/\` (control and md5sums, for dpkg-deb) and the venv
at its prefix. pkgr (\`-s dir\`), dpkg-deb, rpmbuild and tar package the same files under the same
prefix. pip's byte-code (\`__pycache__\`) is part of the tree.

| tree | prefix | MB | files | symlinks | dirs | requirements |
|---|---|---|---|---|---|---|
$tree_lines

## Results

Each comparison runs the two tools alternately (pkgr first on odd reps, the peer first on even
ones), after one untimed read of the tree into the page cache. Wall time and peak RSS are GNU
\`/usr/bin/time -v\`'s "Elapsed (wall clock)" and "Maximum resident set size"; the time column is
the median over the reps, RSS the largest. For a pipeline (\`tar | zstd\`) or a tool that forks
(dpkg-deb runs its compressor in a child, dpkg-buildpackage runs many), the RSS is that of the
largest single process, not the sum. Output sizes are of the last rep, in 10⁶ bytes. Every artifact
is checked before it counts: non-empty, \`dpkg-deb --info\` / \`rpm -qp\` / \`zstd -t\` succeed, and on
the first rep it holds at least as many regular files as the tree (for the end-to-end run, scipy).

Reps: ${reps_line%, } (--reps $reps, --slow-reps $slow_reps: the slow comparisons run fewer
reps so that a full run fits in about 30 minutes on 2 cores).

$table

## Goals (issue 7)

Ratios are pkgr's median time over the peer's; "met" needs every measured tree to meet it.

$goals

## Where the time and memory go

- **xz**: both tools run liblzma's multi-threaded encoder at level 6 (24 MiB blocks) on both
  cores, and nearly all of the time is that compression; at the same level and thread count
  pkgr can only match dpkg-deb, not beat it by 20%. pkgr's time also includes its md5sums.
- **Memory with xz**: each level-6 thread holds about 94 MiB of match finder plus its input and
  output blocks, so two threads need about 280 MiB in either tool. The 100 MiB bound holds for
  zstd, gzip and tarballs, not for xz -6 on two threads (\`--threads 1\` roughly halves it;
  \`--deb-compression zst\` stays under 100 MiB).
- **deb with zstd**: pkgr reads, checksums (MD5 for md5sums, SHA-256 of the artifact) and
  compresses in one streaming process; dpkg-deb's md5sums were computed before the timing.
- **rpm at the same compression**: the rpm crate builds the whole compressed payload in memory
  and reads every file a second time for its digests before pkgr writes the package; streaming
  the payload would need changes in that crate.
- **End to end**: both spend most of the time in pip; dh-virtualenv's build also runs dh_strip
  (with a -dbgsym package), dh_shlibdeps and the other debhelper steps.

## Commands

\`\$CACHE\` is the cache directory, \`\$WORK\` the run's scratch directory (removed at the end).
pkgr's \`-q\` only silences its progress messages. The rpmbuild spec hard-links the tree into the
buildroot in \`%install\` (\`cp -al\`), defines \`__os_install_post\` and \`debug_package\` empty and
\`_build_id_links\` none, so the payload is the tree as it is; automatic dependencies stay on.
dpkg-deb's md5sums are written once with the tree (dh_md5sums' job); pkgr computes its own within
its time. Both compress xz and zstd on both cores (dpkg-deb through liblzma's and libzstd's
threads, pkgr with \`--threads\`, default every CPU); gzip is single-threaded in both.

$cmd_lines
EOF
    if [ -f "$work/bench-${tree_list[0]}.spec" ]; then
        printf '\n`$WORK/bench-%s.spec`:\n\n```\n%s\n```\n' "${tree_list[0]}" "$(cat "$work/bench-${tree_list[0]}.spec")"
    fi
    if [ -n "$e2e_note" ]; then
        cat <<EOF

### End to end

\`\$WORK/app\` is generated by the script: a pyproject.toml app (setuptools) whose
requirements.txt pins \`${E2E_REQS[*]}\`, plus \`debian/\` for dh-virtualenv
(compat 13, \`Build-Depends: debhelper (>= 13), dh-virtualenv, python3-venv\`, rules
\`dh \$@ --with python-virtualenv\` with \`dh_virtualenv --builtin-venv --python /usr/bin/python3\`,
so both tools build the venv with Debian's python and the same pip, and \`dh_shlibdeps -l\` given
the wheels' \`*.libs\` directories, without which dpkg-shlibdeps stops with "cannot find library
libquadmath-….so.0.0.0 needed by …/scipy.libs/libgfortran-….so.5.0.0"). Both use the same pip cache
(\`PIP_CACHE_DIR=\$CACHE/pip-cache\`), warmed first by one untimed run of each (pkgr to an
uncompressed tarball; \`dh_virtualenv\` alone, the venv step of the dh build), so the timed runs
install wheels from the cache, not from the network.

\`debian/rules\`:

\`\`\`make
$(cat "$work/app/debian/rules")
\`\`\`

dh-virtualenv's build also runs debhelper's
usual steps (dh_strip with a -dbgsym package, dh_shlibdeps, byte-code shipped as pip wrote it);
pkgr's omits byte-code (the postinst compiles it) and strips nothing. Both write xz -6.
EOF
    fi
} >"$out"
echo "bench: wrote $out ($mode, $((elapsed / 60)) min $((elapsed % 60)) s)" >&2
echo "$table"
echo
echo "$goals"
