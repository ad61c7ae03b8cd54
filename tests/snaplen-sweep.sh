#!/usr/bin/env bash
# snaplen-sweep.sh - every capture given re-read after `editcap -s N` for
# every snaplen N from 1 to 64 and a few larger, through each output
# mode: exit 0 and no sanitizer report.  (editcap's -s 0 means "no
# limit"; the zero-byte cut is covered by tests/sweep.c.)
# usage: snaplen-sweep.sh STRATA FILE...
set -u
strata=$1
shift
command -v editcap >/dev/null || { echo "skip: editcap (package tshark) is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for f in "$@"; do
    [ -f "$f" ] || continue
    bad=""
    for s in $(seq 1 64) 80 100 128 200 300 576 1000 1500; do
        editcap -s "$s" "$f" "$tmp/cut.pcap" >/dev/null 2>&1 || { bad="editcap -s $s failed"; break; }
        for mode in "--json" "-v -x" ""; do
            # shellcheck disable=SC2086
            "$strata" --no-stats $mode -r "$tmp/cut.pcap" >/dev/null 2>"$tmp/err"
            rc=$?
            if [ $rc -ne 0 ] || grep -qE 'Sanitizer|runtime error' "$tmp/err"; then
                bad="snaplen $s, mode '$mode': exit $rc $(head -c 300 "$tmp/err")"
                break 2
            fi
        done
    done
    if [ -z "$bad" ]; then pass=$((pass + 1)); echo "ok   $f"; else fail=$((fail + 1)); echo "FAIL $f: $bad"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
