#!/usr/bin/env bash
# fuzz-filter.sh - a bounded libFuzzer run of the display filter's parser
# and matcher (tests/fuzz_filter.c), seeded with a few expressions.
# usage: fuzz-filter.sh FUZZ_FILTER   (FUZZ_RUNS=N for a longer run)
set -u
bin=$1
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
i=0
for e in 'tcp.port == 80' 'dns.qry.name matches "^w+\\." or !(ip.addr == 10.0.0.0/8 && udp)' \
         'tcp.state in {SYN_SENT 1..3} || osi >= 7' 'eth.src == 00:11:22:33:44:55 and ipv6.addr == fd99::/64' \
         'not (dns.resp.ttl != 60) and frame.len > 0x40 or tcp.flags.syn' 'flow.dir == "orig" && dns.qry.name contains "\x41"'; do
    i=$((i + 1))
    printf '%s' "$e" > "$seeds/$i"
done
"$bin" -runs="${FUZZ_RUNS:-200000}" -max_len=256 "$seeds"
