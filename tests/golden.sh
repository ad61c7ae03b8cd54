#!/usr/bin/env bash
# golden.sh - golden-output tests listed in tests/TESTLIST, one per line:
#     NAME  CAPTURE  OPTIONS...
# The expected output (stdout, then the statistics on stderr) is
# tests/golden/NAME.out, produced under TZ=UTC.
#   golden.sh STRATA NAME       run one test (what ctest does)
#   golden.sh STRATA --update   regenerate every expected file (review the diff!)
set -u
set -f  # options are split on spaces but never globbed (filters have [ ])
strata=$1
what=$2
root=$(cd "$(dirname "$0")/.." && pwd)
list=$root/tests/TESTLIST

run_one() { # name capture options...
    local name=$1 capture=$2
    shift 2
    # shellcheck disable=SC2068
    (cd "$root" && TZ=UTC NO_COLOR= "$strata" -r "$capture" $@ 2>&1)
}

if [ "$what" = "--update" ]; then
    grep -v '^\s*\(#\|$\)' "$list" | while read -r name capture opts; do
        # shellcheck disable=SC2086
        run_one "$name" "$capture" $opts > "$root/tests/golden/$name.out"
        echo "wrote tests/golden/$name.out"
    done
    exit 0
fi

line=$(grep -E "^$what[[:space:]]" "$list") || { echo "no test '$what' in TESTLIST"; exit 2; }
read -r name capture opts <<< "$line"
expected=$root/tests/golden/$name.out
[ -f "$expected" ] || { echo "missing $expected (run tests/golden.sh STRATA --update)"; exit 1; }
# shellcheck disable=SC2086
if run_one "$name" "$capture" $opts | diff -u "$expected" - > "${TMPDIR:-/tmp}/golden-$name.diff"; then
    echo "ok   $name"
    rm -f "${TMPDIR:-/tmp}/golden-$name.diff"
    exit 0
fi
echo "FAIL $name: output differs from tests/golden/$name.out:"
head -n 60 "${TMPDIR:-/tmp}/golden-$name.diff"
exit 1
