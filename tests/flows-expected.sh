#!/usr/bin/env bash
# flows-expected.sh - each connection-tracking capture's flows have the
# conn_state and history that Zeek's rules give (worked out by hand from
# Zeek's TCPSessionAdapter update_history and conn.log's conn_state; upper
# case letters are the originator's, lower case the responder's).
# usage: flows-expected.sh STRATA
set -u
strata=$1
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# cut CAPTURE N: the capture without its first N packets, as a capture
# started late sees it (written to $tmp, named N-CAPTURE)
cut() {
    python3 - "$root/captures/$1" "$tmp/$2-$1" "$2" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
end = '<' if b[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
out, off, n = bytearray(b[:24]), 24, 0
while off + 16 <= len(b):
    caplen = struct.unpack(end + 'I', b[off + 8:off + 12])[0]
    if n >= int(sys.argv[3]):
        out += b[off:off + 16 + caplen]
    off += 16 + caplen
    n += 1
open(sys.argv[2], 'wb').write(out)
PY
}
check() { # capture  flow-id  conn_state  history  service  (why)
    local got file=$root/captures/$1
    [ -f "$file" ] || file=$tmp/$1
    got=$("$strata" --no-stats --json --flows-only -r "$file" |
        python3 -c 'import json,sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("type") == "flow" and r["id"] == int(sys.argv[1]):
        print(r["conn_state"], r["history"], r.get("service", "-"))' "$2")
    if [ "$got" = "$3 $4 $5" ]; then
        pass=$((pass + 1)); echo "ok   $1 flow $2: $got"
    else
        fail=$((fail + 1)); echo "FAIL $1 flow $2: got '$got', want '$3 $4 $5' ($6)"
    fi
}
# S: orig SYN; r: resp RST. A RST answering a SYN is a rejection.
check tcp-refused.pcap 1 REJ Sr - "SYN answered by RST-ACK"
# S h A a D d: handshake, pure ACKs and data both ways; r: the server reset
# an established connection, so RSTR.
check tcp-server-reset.pcap 1 RSTR ShADadr http "server resets mid-transfer"
# F before f: the client (originator) closed first; both FINs seen: SF.
check tcp-client-closes.pcap 1 SF ShADadFf http "client closes first"
# f before F: the server closed first.
check tcp-server-closes.pcap 1 SF ShADadfF http "server closes first"
# only a SYN, retransmitted (no new letter for the same SYN): S0.
check tcp-half-open.pcap 1 S0 S - "SYN with no answer"
# t: the responder retransmitted; the letter repeats on Zeek's log scale
# (once at the 1st, again at the 10th retransmission).
check tcp-lossy-download.pcap 1 SF ShADadttFf http "download over a lossy link"
check http-large-headers.pcap 1 SF ShADadFf http "header blocks spanning segments"
check dns-tcp-two-queries.pcap 1 SF ShADadFf dns "two DNS queries on one connection"
# UDP: SF when both sides sent, D/d for each side's payload.
check dns-udp-fragmented.pcap 1 SF Dd dns "fragmented DNS answer"
# several connections in a row, one flow each, client closing first
check http.pcap 1 SF ShADadFf http "keep-alive, two requests"
check http.pcap 2 SF ShADadfF http "Connection: close: nginx closes first"
# Captures started late (Zeek's WantConnection, flow_track.c zeek_flip):
# the first packet seen is the server's SYN-ACK, from port 80 to an
# ephemeral port: the roles flip (^), the SYN-ACK is the responder's h;
# both FINs seen: SF.
cut tcp-client-closes.pcap 1
check 1-tcp-client-closes.pcap 1 SF ^hADadFf http "first seen at the SYN-ACK"
# first seen mid-stream at the client's request (to port 80): no flip,
# no handshake letters; both FINs: SF.
cut tcp-client-closes.pcap 3
check 3-tcp-client-closes.pcap 1 SF DadAFf http "first seen mid-stream"
# a UDP flow first seen at the server's answer (from port 53 to an
# ephemeral port): flipped (^), only the responder sent (d): SHR.
cut dns-udp.pcap 1
check 1-dns-udp.pcap 1 SHR ^d dns "UDP flow first seen from its server"
# Tunnels: the connection inside is a flow of its own, naming its carrier
# (Zeek's tunnel_parents): a GRE carrier is the flow of the outer address
# pair (proto gre), a VXLAN one the outer UDP flow of that direction.
tunnel() { # capture  flow-id  carrier-id  carrier-proto  (why)
    local got
    got=$("$strata" --no-stats --json --flows-only -r "$root/captures/$1" |
        python3 -c 'import json,sys
flows = {}
for l in sys.stdin:
    r = json.loads(l)
    if r.get("type") == "flow":
        flows[r["id"]] = r
t = flows.get(int(sys.argv[1]), {}).get("tunnel")
print(t, flows[t]["proto"] if t in flows else "-")' "$2")
    if [ "$got" = "$3 $4" ]; then
        pass=$((pass + 1)); echo "ok   $1 flow $2: tunnel $got"
    else
        fail=$((fail + 1)); echo "FAIL $1 flow $2: tunnel '$got', want '$3 $4' ($5)"
    fi
}
check gre.pcap 4 SF ShADadFf http "HTTP inside GRE"
tunnel gre.pcap 4 1 gre "HTTP inside GRE"
tunnel ipip.pcap 4 1 ipip "HTTP inside IP-in-IP"
check vxlan.pcap 10 SF ShADadFf http "HTTP inside VXLAN"
tunnel vxlan.pcap 10 9 udp "HTTP inside VXLAN: the outer UDP flow"
tunnel teredo.pcap 4 1 udp "HTTP over IPv6 inside Teredo"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
