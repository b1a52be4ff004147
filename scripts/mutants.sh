#!/usr/bin/env bash
# Mutation testing of the engine with cargo-mutants: each mutant is a small change to the code (a
# `<` made `<=`, a function made to return a default); a test suite worth its name fails on it.
# tests/MUTANTS.md records the commands, the scores and why each surviving mutant is harmless.
#
# NOT run by CI (.ci/run): every mutant rebuilds the crate and reruns the tests, about a minute
# each on a quiet two-core machine, and the core alone has about 1,000 mutants.
#
# usage: scripts/mutants.sh [core|rest|FILE...]        (default: core)
#   SHARD=k/n   run one deterministic slice (every n-th mutant from the k-th, round robin)
#   JOBS=1      parallel builds (each needs its own copy of the tree)
#   TIMEOUT=60  seconds a test run may take before the mutant counts as a timeout (the tests take
#               about 6 seconds on a quiet machine; a mutant that loops forever costs this much)
#   OUT=DIR     where the results go (default mutants.out/NAME); with CARGO_TARGET_DIR set apart,
#               two shards can run side by side
# Results go to mutants.out/NAME/mutants.out/ (gitignored): caught.txt, missed.txt, timeout.txt,
# unviable.txt, outcomes.json. `ITERATE=1` reruns only what the last run of NAME did not catch
# (with SHARD it slices what is left, a different sample from the first run's).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-mutants >/dev/null 2>&1; then
    cargo install --locked cargo-mutants
fi

# The engine's core (the issue asks for 90% caught here), then the stages after it.
core=(src/number.rs src/parser.rs src/parser/fast.rs src/eval.rs src/printer.rs)
rest=(src/render.rs src/algebra.rs 'src/algebra/*.rs' src/bind.rs src/config.rs src/check.rs
    'src/check/*.rs')

name=${1:-core}
case "$name" in
core) files=("${core[@]}") ;;
rest) files=("${rest[@]}") ;;
*)
    files=("$@")
    name=$(basename "${1%.rs}")
    ;;
esac
filters=()
for file in "${files[@]}"; do
    filters+=(-f "$file")
done

# The tests that reach these modules quickly: the unit tests (the appended `mod edges` of
# number.rs, parser.rs, eval.rs and printer.rs among them) and the integration tests of the
# language through the library. The command-line goldens (tests/cli.rs, a minute a run) are left
# out, so a printer mutant only they catch counts as missed here.
# Given as cargo arguments, not after `--`, so that the build of each mutant builds only these
# (after `--` they reach `cargo test` alone, and the build step builds every test target).
# The whole-message error snapshots (tests/error_messages.rs, seconds a run) catch a mutant that
# changes only what a message says.
tests=(--cargo-arg=--lib --cargo-arg=--test=language --cargo-arg=--test=fold
    --cargo-arg=--test=properties --cargo-arg=--test=error_messages)
# The stages after the core have their own integration tests: algebra's and check's.
if [[ $name == rest ]]; then
    tests+=(--cargo-arg=--test=algebra --cargo-arg=--test=check)
fi

# One target directory for every mutant, kept between runs: a copy of target/ (made with its
# times, so the dependencies stay fresh) rather than cargo-mutants' copy, whose new times make
# cargo rebuild every dependency first.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/mutants}
if [[ ! -d $CARGO_TARGET_DIR/debug && -d target/debug ]]; then
    mkdir -p "$CARGO_TARGET_DIR"
    cp -a target/debug "$CARGO_TARGET_DIR/"
fi

out=${OUT:-mutants.out/$name}
options=(--no-shuffle --jobs "${JOBS:-1}" --timeout "${TIMEOUT:-60}" --build-timeout 1800
    --cargo-arg=--config=profile.dev.package.paramcount.debug=0
    -o "$out")
if [[ -n ${SHARD:-} ]]; then
    options+=(--shard "$SHARD" --sharding round-robin)
fi
if [[ -n ${ITERATE:-} ]]; then
    options+=(--iterate --baseline skip)
fi

mkdir -p "$out"
cargo mutants "${filters[@]}" "${options[@]}" "${tests[@]}"
