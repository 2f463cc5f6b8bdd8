#!/usr/bin/env bash
# Rebuilds the seed corpus (fuzz/corpus/rpc, fuzz/corpus/parsers) from the golden fixtures
# tests/fixtures/rpc/*.json, and replays each fixture's script to check it still gets the
# statuses the fixture recorded. Needs no nightly: a plain build of the fuzz crate's `seed` bin.
set -euo pipefail
cd "$(dirname "$0")"
cargo run --quiet --release --bin seed
