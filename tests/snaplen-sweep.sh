#!/usr/bin/env bash
# snaplen-sweep.sh - every capture given re-read after `editcap -s N` for
# every snaplen N from 1 to 64 and a few larger, through each output
# mode: exit 0 and no sanitizer report.  (editcap's -s 0 means "no
# limit"; the zero-byte cut is covered by tests/sweep.c.)
#
# The captures are merged into one pcapng first (mergecap keeps each
# one's link type as an interface of its own), so each snaplen costs one
# strata run per mode rather than one per capture: under the sanitizers
# that is what keeps the sweep within its time.  When a run fails, the
# captures are tried one by one at that snaplen and mode to name the one.
# usage: snaplen-sweep.sh STRATA FILE...
set -u
strata=$1
shift
command -v editcap >/dev/null || { echo "skip: editcap (package tshark) is not installed"; exit 77; }
command -v mergecap >/dev/null || { echo "skip: mergecap (package tshark) is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=()
for f in "$@"; do
    [ -f "$f" ] && files+=("$f")
done
[ ${#files[@]} -gt 0 ] || { echo "no captures given"; exit 1; }
mergecap -F pcapng -w "$tmp/all.pcapng" "${files[@]}" || { echo "FAIL mergecap"; exit 1; }

# run_one FILE MODE: 0 when strata exits 0 with no sanitizer report
run_one() {
    # shellcheck disable=SC2086
    "$strata" --no-stats $2 -r "$1" >/dev/null 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 0 ] && ! grep -qE 'Sanitizer|runtime error' "$tmp/err"
}

pass=0 fail=0
for s in $(seq 1 64) 80 100 128 200 300 576 1000 1500; do
    editcap -s "$s" "$tmp/all.pcapng" "$tmp/cut.pcapng" >/dev/null 2>&1 ||
        { fail=$((fail + 1)); echo "FAIL editcap -s $s"; continue; }
    for mode in "--json" "-v -x" ""; do
        if run_one "$tmp/cut.pcapng" "$mode"; then
            pass=$((pass + 1))
            continue
        fi
        fail=$((fail + 1))
        why=$(head -c 300 "$tmp/err")
        culprit=""
        for f in "${files[@]}"; do
            editcap -s "$s" "$f" "$tmp/one.pcap" >/dev/null 2>&1 || continue
            if ! run_one "$tmp/one.pcap" "$mode"; then
                culprit=$f
                why=$(head -c 300 "$tmp/err")
                break
            fi
        done
        echo "FAIL snaplen $s, mode '$mode'${culprit:+, $culprit}: $why"
    done
done
echo "${#files[@]} captures, $pass snaplen/mode runs passed, $fail failed"
[ "$fail" -eq 0 ]
