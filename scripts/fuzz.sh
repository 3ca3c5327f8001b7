#!/usr/bin/env bash
# Fuzzes the safety classifier and SQL extraction from model replies.
#
#   scripts/fuzz.sh [SECONDS]    time per target, default 300
#
# With a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`): the
# libFuzzer targets in fuzz/ (classify, classify_tokens, extract), each for
# SECONDS; crashes land in fuzz/artifacts/. Without them: the property tests
# on the stable toolchain with many more cases than the normal suite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
if rustup toolchain list 2>/dev/null | grep -q '^nightly' && cargo fuzz --help >/dev/null 2>&1; then
    for target in classify classify_tokens extract; do
        extra=()
        if [ "$target" = classify ]; then
            extra=(-dict="$PWD/fuzz/sql.dict")
        fi
        cargo +nightly fuzz run "$target" -- -max_total_time="$secs" "${extra[@]}"
    done
else
    echo "no nightly toolchain with cargo-fuzz: running the property tests with many cases" >&2
    PROPTEST_CASES=${PROPTEST_CASES:-$((secs * 100))} \
        cargo test --release --lib safety::proptests
fi
