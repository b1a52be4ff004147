#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh TARGET [SECONDS] [more libFuzzer flags...]
# Targets: parse, eval, scan, expand. The corpus grows in fuzz/corpus/TARGET (not committed), seeded
# from fuzz/seeds/TARGET (committed: formulas and expressions from the tests); a crash is written to
# fuzz/artifacts/TARGET/. RUSTC_BOOTSTRAP=1 lets the stable toolchain take cargo-fuzz's nightly
# flags; `--sanitizer none` because the address sanitizer adds nothing to safe Rust but time.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
shift $(( $# < 2 ? $# : 2 ))
mkdir -p "fuzz/corpus/$target"
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 "$@"
