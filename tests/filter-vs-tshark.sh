#!/usr/bin/env bash
# filter-vs-tshark.sh - the display filter against tshark's: for each
# capture and each expression below, strata -Y and tshark -Y must select
# the same number of packets.  tshark counts all the expressions of a
# capture in one run (-z io,stat with one column per filter), strata runs
# once per expression (--json: one line per packet shown).
# usage: filter-vs-tshark.sh STRATA CAPTURE...   (exit 77 without tshark)
set -u
strata=$1
shift
command -v tshark >/dev/null 2>&1 || { echo "skip: tshark not found"; exit 77; }

# Expressions both understand, with the same meaning (no commas: they
# separate io,stat's columns, so no sets: tshark 4.0 wants commas in them).
exprs=(
    'dns' 'tcp' 'udp' 'http' 'ip' 'ipv6' 'arp' 'icmp' 'icmpv6' 'eth' 'vlan'
    'tcp.port == 80' 'tcp.port != 80' 'udp.port == 53'
    'tcp.srcport > 1024' 'tcp.dstport <= 80'
    'ip.src == 10.99.0.1' 'ip.addr == 10.0.0.0/8' 'ip.addr == 192.168.0.0/16'
    'ip.dst != 10.99.0.2' 'ipv6.addr == fd99::/64' 'ipv6.addr == ::1' 'ipv6.src == fe80::/10'
    'tcp.flags.syn == 1 and tcp.flags.ack == 0' 'tcp.flags.fin == 1' 'tcp.flags.reset == 1'
    'tcp.flags.syn' 'ip.flags.df'
    'tcp.flags == 0x012' 'tcp.len > 0' 'tcp.len == 0 && !(tcp.flags.syn == 1)'
    'frame.len > 100' 'frame.len <= 60' 'frame.number == 3' 'frame.len ge 1000'
    'dns.qry.name contains "example"' 'dns.qry.name == "example.com"' 'dns.qry.type == 1'
    'dns.qry.type == 28' 'dns.flags.response == 1' 'dns.flags.response == 0'
    'dns.count.answers > 1' 'dns.qry.name matches "^[a-z]+\\.[a-z]+$"'
    'http.request.method == "GET"' 'http.response.code == 200' 'http.response.code >= 400'
    'http.request.uri matches "^/"' 'http.request.uri contains "index"'
    'not tcp' '!(tcp or udp)' 'tcp and not http' 'tcp && !(tcp.port == 80) || udp'
    'udp and (dns.flags.response == 1 or dns.qry.type == 28)'
    'eth.addr == ff:ff:ff:ff:ff:ff' 'eth.src == 02:53:54:00:00:01' 'ip.ttl == 64' 'ip.proto == 17'
    'ip.flags.df == 1' 'icmp.type == 8' 'icmp.type == 0' 'icmpv6.type == 128' 'vlan.id == 100'
    'arp.opcode == 1' 'udp.length > 50' 'tcp.window_size_value == 0' 'ip.len > 1000'
    'dns.resp.type === 1' 'dns.resp.type == 1' 'dns.resp.ttl !== 0' 'ip.addr === 10.99.0.1' 'tcp.port !== 80'
    'dns.qry.type any_ne 1' 'http.request.method all_eq "GET"'
)

fail=0 pass=0
for cap in "$@"; do
    [ -f "$cap" ] || continue
    # tshark: one run, one io,stat column per expression
    args=$(printf ',%s' "${exprs[@]}")
    mapfile -t want < <(tshark -q -r "$cap" -z "io,stat,0${args}" 2>/dev/null |
        awk -F'|' '/<>/ { for (i = 3; i <= NF; i += 2) { gsub(/ /, "", $i); if ($i != "") print $i } }')
    if [ "${#want[@]}" -ne "${#exprs[@]}" ]; then
        # io,stat has no interval row for a capture lasting 0 s (one
        # packet, or all at one time): ask tshark once per expression
        want=()
        for e in "${exprs[@]}"; do
            want+=("$(tshark -r "$cap" -Y "$e" 2>/dev/null | wc -l)")
        done
    fi
    for i in "${!exprs[@]}"; do
        got=$("$strata" --no-stats --json -r "$cap" -Y "${exprs[$i]}" 2>/dev/null | wc -l)
        if [ "$got" = "${want[$i]}" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $(basename "$cap"): -Y '${exprs[$i]}': strata $got, tshark ${want[$i]}"
        fi
    done
done
echo "$pass agree, $fail differ"
[ "$fail" -eq 0 ]
