#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time and prints libFuzzer's run counts.
#   scripts/fuzz.sh [SECONDS_PER_TARGET=120] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# use the sanitizer flags. Seeds for the inspect target are real packages built by pkgr.
# A crash leaves its input in fuzz/artifacts/TARGET/: add it as a regression test, then fix.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-120}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(version relation control relocate inspect)
export RUSTC_BOOTSTRAP=1

seeds=fuzz/corpus/inspect
if [ ! -d "$seeds" ]; then
    mkdir -p "$seeds"
    cargo build --quiet
    t=$(mktemp -d)
    mkdir -p "$t/tree/etc" && echo 'x=1' > "$t/tree/etc/a.conf" && ln -s a.conf "$t/tree/etc/link"
    for c in gz xz zst none; do
        ./target/debug/pkgr -q -s dir -t deb,rpm,tar -n seed -v 1.0 -m 'A <a@b.org>' \
            --deb-compression "$c" --tar-compression "$c" -p "$t/$c/" -C "$t" tree=/opt/seed >/dev/null
        cp "$t/$c/"* "$seeds/"
    done
    rm -rf "$t"
fi
mkdir -p fuzz/corpus/version fuzz/corpus/relation fuzz/corpus/control fuzz/corpus/relocate
printf '1:2.0~rc1-3\n1.0' > fuzz/corpus/version/seed
printf 'python3.11 (>= 3.11.2) | python3:any, libc6 (>= 2.14)' > fuzz/corpus/relation/seed
printf 'Synopsis\nDepends: x\n\n  verbatim\n.\n' > fuzz/corpus/control/seed
printf "#!/bin/sh\n'''exec' /tmp/pkgr-x/venv/bin/python3 \"\$0\" \"\$@\"\n' '''\nimport sys\n" > fuzz/corpus/relocate/seed

cd fuzz
for t in "${targets[@]}"; do
    log=$(mktemp)
    if cargo fuzz run -O "$t" -- -max_total_time="$secs" -max_len=65536 >"$log" 2>&1; then
        runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
        echo "fuzz $t: ok, ${runs:-no run count}"
    else
        echo "fuzz $t: FAILED (see $log)"; tail -30 "$log"; exit 1
    fi
done
