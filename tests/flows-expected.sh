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
check() { # capture  flow-id  conn_state  history  service  (why)
    local got
    got=$("$strata" --no-stats --json --flows-only -r "$root/captures/$1" |
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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
