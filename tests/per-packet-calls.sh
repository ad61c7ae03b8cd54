#!/usr/bin/env bash
# per-packet-calls.sh - the per-packet path allocates nothing, calls no
# printf-family function, compares no strings (fields are found by index,
# never by name) and converts no local time per packet: strata's totals of
# those calls (counted by the callcount.so shim) must be the same for 2
# packets and for every packet of a capture, in each output mode.
# usage: per-packet-calls.sh STRATA CALLCOUNT_SO CAPTURE
set -u
strata=$1 shim=$2 cap=$3
[ -f "$cap" ] || { echo "skip: $cap not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=$("$strata" --no-stats -r "$cap" | wc -l)
pass=0 fail=0
for mode in "" "-v" "--json" "-x --color=always" "-tttt -q" "-e" "-X --color=always" "-XX -v" \
            "-A" "-ttt -AA" "-ttttt -e -l" "-Y tcp.port==80&&!(tcp.len<1)" \
            "-v -Y http.request.method==GET||ip.addr==10.0.0.0/8" \
            "--json -Y not(osi==7)&&tcp.state!=ESTABLISHED" "-q -Y tcp.flags.syn"; do
    # shellcheck disable=SC2086
    CALLCOUNT_OUT=$tmp/few LD_PRELOAD=$shim "$strata" --no-stats $mode -c 2 -r "$cap" >/dev/null 2>&1
    # shellcheck disable=SC2086
    CALLCOUNT_OUT=$tmp/all LD_PRELOAD=$shim "$strata" --no-stats $mode -r "$cap" >/dev/null 2>&1
    few=$(cat "$tmp/few") all=$(cat "$tmp/all")
    # local time is looked up once per quarter hour of packet time: a
    # capture crossing a quarter hour asks once more, never per packet
    lt_all=$(sed -n 's/.*localtime \([0-9]*\).*/\1/p' "$tmp/all")
    if [ -n "$few" ] && [ "${few% localtime*}" = "${all% localtime*}" ] && [ "${lt_all:-99}" -le 4 ]; then
        pass=$((pass + 1)); echo "ok   '$mode': 2 packets: $few; $total packets: $all"
    else
        fail=$((fail + 1)); echo "FAIL '$mode': 2 packets: $few; $total packets: $all"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
