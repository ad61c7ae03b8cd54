#!/usr/bin/env bash
# captures.sh - every capture through every output mode: strata exits 0,
# or 1 with its one-line error for a file that is not a valid capture;
# never a crash, never a sanitizer report.
# usage: captures.sh STRATA DIR...   (a missing DIR is skipped: exit 77 if all are)
set -u
strata=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 files=()
for d in "$@"; do
    [ -d "$d" ] || { echo "skip: $d does not exist"; continue; }
    while IFS= read -r -d '' f; do files+=("$f"); done \
        < <(find "$d" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 | sort -z)
done
[ "${#files[@]}" -gt 0 ] || { echo "no captures found"; exit 77; }
for f in "${files[@]}"; do
    verdict=ok
    for mode in "" "-v" "--json" "-x --color=always" "-q -tttt"; do
        # shellcheck disable=SC2086
        "$strata" $mode -r "$f" >/dev/null 2>"$tmp/err"
        rc=$?
        errs=$(grep -c '^strata: ' "$tmp/err")
        if grep -qE 'Sanitizer|runtime error' "$tmp/err"; then
            verdict="sanitizer report with '$mode': $(grep -m1 -E 'Sanitizer|runtime error' "$tmp/err")"
        elif [ $rc -ge 2 ]; then
            verdict="exit $rc with '$mode'"
        elif [ $rc -eq 1 ] && [ "$errs" -ne 1 ]; then
            verdict="exit 1 without exactly one error line with '$mode'"
        elif [ $rc -eq 1 ] && ! grep -q "^strata: $f: " "$tmp/err"; then
            verdict="error line does not name the file: $(head -n1 "$tmp/err")"
        fi
        [ "$verdict" = ok ] || break
    done
    if [ "$verdict" = ok ]; then
        pass=$((pass + 1))
        [ $rc -eq 1 ] && echo "ok   $f (refused: $(grep -m1 '^strata: ' "$tmp/err"))"
    else
        fail=$((fail + 1))
        echo "FAIL $f: $verdict"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
