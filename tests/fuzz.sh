#!/usr/bin/env bash
# fuzz.sh - a bounded libFuzzer run on the engine: seeds from the sample
# captures, a fixed seed and number of runs, so the run is repeatable.
# usage: fuzz.sh FUZZ_ENGINE CAPTURE_DIR
set -eu
fuzzer=$1 dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus"
FUZZ_WRITE_SEEDS=$tmp/corpus "$fuzzer" "$dir"/*.pcap "$dir"/*.pcapng
"$fuzzer" -seed=1 -runs="${FUZZ_RUNS:-300000}" -max_len=4096 -timeout=10 \
    -artifact_prefix="$tmp/" "$tmp/corpus" 2>"$tmp/log" || {
    tail -n 40 "$tmp/log"
    echo "0 passed, 1 failed"
    exit 1
}
tail -n 2 "$tmp/log"
echo "1 passed, 0 failed"
