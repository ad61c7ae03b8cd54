#!/usr/bin/env bash
# record-flows.sh - record strata's TCP state / reassembly sample captures.
#
# Run as root on Debian 12:   sudo captures/record-flows.sh
#
# TCP connection-tracking / reassembly samples, with record.sh's conventions:
# two namespaces (strata-flows-cli/-srv, so both scripts can run at once)
# joined by one veth pair (vcli 02:53:54:00:00:01 10.99.0.1, vsrv
# 02:53:54:00:00:02 10.99.0.2), real servers (nginx, dnsmasq, a tiny python3
# server) and clients (curl, dig), recorded with tcpdump.  IPv4 only.
#
# Network policy: no default route, no link out; every address (10.99.0.0/24,
# loopback) exists only inside the namespaces.  10.99.0.3 is owned by nobody:
# a static neighbour entry sends its frames to an unused MAC.  dnsmasq has no
# upstream servers, curl is given addresses.
#
# Everything created is removed on exit, even on failure.  Each file is checked
# with tshark; they are copied into captures/ (or $OUT) only if all passed.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$HERE}

NS_C=strata-flows-cli      # client namespace: vcli
NS_S=strata-flows-srv      # server namespace: vsrv
MAC_C=02:53:54:00:00:01    # fixed, locally administered MACs (as in record.sh)
MAC_S=02:53:54:00:00:02
MAC_X=02:53:54:00:00:03    # owned by nobody
C4=10.99.0.1  S4=10.99.0.2
X4=10.99.0.3               # owned by nobody: SYNs to it get no answer
DNS_ZONE=strata.test

TMP=""       # scratch dir (config, web root, logs, new captures)
PIDS=()      # every background process we start
CAP_PID="" CAP_ERR="" CAP_FILE=""   # the running capture: pid, stderr, file

log() { printf '[record-flows] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
in_c() { ip netns exec "$NS_C" "$@"; }
in_s() { ip netns exec "$NS_S" "$@"; }

# ---------------------------------------------------------------- cleanup --
remove_ns() {   # remove_ns NS: stop what runs inside our namespace, delete it
    local ns=$1 p
    [[ -e /run/netns/$ns ]] || return 0
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "$ns"
}

cleanup() {
    local rc=$? p ns
    set +e
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for ns in "$NS_C" "$NS_S"; do remove_ns "$ns"; done
    [[ -n $TMP && -d $TMP ]] && rm -rf "$TMP"
    ((rc == 0)) || log "failed (exit $rc); everything created has been removed"
    exit "$rc"
}

# ------------------------------------------------------------------ tools --
ensure_tools() {
    local need=() c
    for c in tcpdump:tcpdump tshark:tshark nginx:nginx-light dnsmasq:dnsmasq-base \
             dig:dnsutils ip:iproute2 ss:iproute2 tc:iproute2 curl:curl \
             ethtool:ethtool python3:python3; do
        command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
    done
    if ((${#need[@]})); then
        log "installing: ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi
}

# ---------------------------------------------------------------- network --
setup_net() {
    local ns
    for ns in "$NS_C" "$NS_S"; do
        [[ -e /run/netns/$ns ]] && { log "removing stale namespace $ns"; remove_ns "$ns"; }
        ip netns add "$ns"
        # No IPv6 at all: no MLD/ND noise, and the MTU can go below 1280.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_C" link add vcli address "$MAC_C" type veth peer name vsrv netns "$NS_S"
    ip -n "$NS_S" link set vsrv address "$MAC_S"
    in_c ip addr add "$C4/24" dev vcli
    in_s ip addr add "$S4/24" dev vsrv
    # Software checksums, no TSO/GSO/GRO: recorded frames are real wire frames.
    in_c ethtool -K vcli tx off tso off gso off gro off >/dev/null 2>&1 || true; in_c ip link set vcli up
    in_s ethtool -K vsrv tx off tso off gso off gro off >/dev/null 2>&1 || true; in_s ip link set vsrv up
    # 10.99.0.3 "exists" for the client (no ARP), but its frames go to a MAC
    # nobody has: the server namespace sees them as not-for-me and drops them.
    in_c ip neigh replace "$X4" lladdr "$MAC_X" dev vcli nud permanent
    for ns in "$NS_C" "$NS_S"; do   # policy check: nothing routes off-box
        ip -n "$ns" route show | grep -q default && die "unexpected default route in $ns"
    done
    sleep 1
}

set_mtu() {   # set_mtu N: both ends of the link
    in_c ip link set vcli mtu "$1"; in_s ip link set vsrv mtu "$1"
}

# ---------------------------------------------------------------- servers --
start_nginx() {
    mkdir -p "$TMP/www"
    printf 'Hello from the strata sample capture.\n' >"$TMP/www/hello.txt"
    local i                        # 60,000 bytes: 1000 lines of 60
    for ((i = 1; i <= 1000; i++)); do
        printf 'download line %04d: the quick brown fox jumps over the dog.\n' "$i"
    done >"$TMP/www/download.txt"
    touch -d '2024-01-01 00:00:00 UTC' "$TMP"/www/*   # fixed Last-Modified / ETag
    chmod 755 "$TMP/www"; chmod 644 "$TMP"/www/*
    # Four ~450-byte response headers for /large-headers (values without spaces).
    local pad hdrs=""
    pad=$(printf 'strata-response-header-padding-%.0s' {1..14})
    for i in 1 2 3 4; do hdrs+="add_header X-Strata-Pad-$i \"$i-$pad\";"$'\n'; done
    cat >"$TMP/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log;
events { worker_connections 64; }
http {
    access_log $TMP/nginx-access.log;
    client_body_temp_path $TMP/nginx-body;
    server_tokens off;
    keepalive_timeout 10s;
    types { text/plain txt; }
    default_type text/plain;
    server {
        listen 80;
        server_name www.$DNS_ZONE;
        root $TMP/www;
        location = /large-headers {
            $hdrs
            return 200 "large headers ok\n";
        }
    }
}
EOF
    ip netns exec "$NS_S" nginx -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" & PIDS+=($!)
    wait_until "nginx listening" in_s sh -c "ss -ltnH | grep -q ':80 '"
}

start_dnsmasq() {
    # ~3,000 bytes of TXT: 12 strings of 250 characters (no commas).
    local i s txt="big.$DNS_ZONE"
    for i in $(seq -w 1 12); do
        s="big-txt-string-$i:$(printf 'abcdefghijklmnopqrstuvwxyz0123456789-%.0s' {1..7})"
        txt+=",${s:0:250}"
    done
    ip netns exec "$NS_S" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --no-poll --bind-interfaces --listen-address="$S4" --edns-packet-max=4096 \
        --pid-file="$TMP/dnsmasq.pid" --log-queries --log-facility="$TMP/dnsmasq.log" \
        --local=/$DNS_ZONE/ \
        --host-record=a.$DNS_ZONE,10.99.0.10 \
        --host-record=b.$DNS_ZONE,10.99.0.11 \
        --txt-record="$txt" &
    PIDS+=($!)
    wait_until "dnsmasq listening" in_s sh -c "ss -lunH | grep -q '$S4:53 '"
}

# A tiny HTTP server that promises 65,536 bytes, sends about 8 KB, waits until
# the client has ACKed them and then aborts: SO_LINGER 0 + close() = RST.
start_reset_server() {
    cat >"$TMP/reset-server.py" <<'EOF'
import socket, struct, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1)
conn, _ = srv.accept()
conn.recv(4096)                                   # the request
body = b''.join(b'partial line %03d: this response is cut short by an RST\n' % i
                for i in range(1, 151))           # 8,250 bytes
conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n'
             b'Content-Length: 65536\r\n\r\n' + body)
time.sleep(0.5)                                   # client waits for the rest
conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
conn.close()                                      # abort: RST instead of FIN
EOF
    ip netns exec "$NS_S" python3 "$TMP/reset-server.py" "$S4" 8080 & PIDS+=($!)
    wait_until "reset server listening" in_s sh -c "ss -ltnH | grep -q ':8080 '"
}

# ------------------------------------------------------- capture helpers --
wait_until() {   # wait_until WHAT CMD...: poll CMD for up to 5 s
    local what=$1 i; shift
    for i in $(seq 50); do "$@" && return 0; sleep 0.1; done
    die "timed out waiting for $what"
}

# start_tcpdump FILE TCPDUMP-ARGS...: record on vcli, return once it listens.
start_tcpdump() {
    CAP_FILE=$TMP/new/$1; shift
    CAP_ERR=$CAP_FILE.err
    ip netns exec "$NS_C" tcpdump -Z root -U --immediate-mode -nn -i vcli -w "$CAP_FILE" "$@" 2>"$CAP_ERR" &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    wait_until "tcpdump ($CAP_FILE)" grep -qs 'listening on' "$CAP_ERR"
}

stop_capture() {
    local i
    sleep 0.5   # let the last replies / FINs arrive
    kill -INT "$CAP_PID" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$CAP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CAP_PID" 2>/dev/null && die "capture did not stop on SIGINT"
    wait "$CAP_PID" || true
    rm -f "$CAP_ERR"
}

count() {   # count DISPLAY-FILTER: matching packets in the last capture
    tshark -n -r "$CAP_FILE" -Y "$1" 2>/dev/null | wc -l
}

expect() {  # expect DISPLAY-FILTER N|N+: exactly N / at least N packets match
    local n want=${2%+}
    n=$(count "$1")
    if [[ $2 == *+ ]]; then ((n >= want)); else ((n == want)); fi ||
        die "$(basename "$CAP_FILE"): $n packets match '$1', expected $2"
}

ip_id_stats() {   # "LOST OVERTAKEN" for the server's packets in the last capture
    # Linux numbers the IP IDs of a TCP connection's packets in send order
    # (a retransmission gets a new ID), so on the client's side of the link an
    # ID that never shows up is a packet lost on the way, and an ID lower than
    # one already seen is a packet that was overtaken.  IDs wrap at 2^16.
    local id first="" rel max=0 n=0 late=0
    while read -r id; do
        [[ -n $first ]] || first=$((id))
        rel=$(( (id - first) & 0xffff ))
        n=$((n + 1))
        if ((rel < max || rel >= 0x8000)); then late=$((late + 1)); else max=$rel; fi
    done < <(tshark -n -r "$CAP_FILE" -Y "ip.src==$S4 && tcp.flags.syn==0" -T fields -e ip.id 2>/dev/null)
    echo "$((max + 1 - n)) $late"
}

first_fin_from() { tshark -n -r "$CAP_FILE" -Y tcp.flags.fin==1 -T fields -e ip.src 2>/dev/null | head -1; }

CURL=(curl -sS --noproxy '*' -o /dev/null -w '%{http_code} %{url_effective}\n')
DIG=(dig +tries=1 +time=2)
SYN='tcp.flags.syn==1 && tcp.flags.ack==0'
SYNACK='tcp.flags.syn==1 && tcp.flags.ack==1'

# --------------------------------------------------------------- captures --
cap_refused() {
    log "tcp-refused.pcap: curl to a port nobody listens on"
    start_tcpdump tcp-refused.pcap tcp
    in_c "${CURL[@]}" "http://$S4:81/" 2>/dev/null && die "port 81 answered"
    stop_capture
    expect tcp 2
    expect "$SYN" 1
    expect "ip.src==$S4 && tcp.flags.reset==1 && tcp.flags.ack==1" 1
}

cap_server_reset() {
    log "tcp-server-reset.pcap: the server aborts mid-response (SO_LINGER 0)"
    start_reset_server
    start_tcpdump tcp-server-reset.pcap tcp port 8080
    local rc=0
    in_c "${CURL[@]}" "http://$S4:8080/partial.txt" 2>/dev/null || rc=$?
    ((rc == 56 || rc == 18)) || die "curl exited $rc, expected 56 (reset) or 18 (partial)"
    stop_capture
    expect "$SYNACK" 1
    expect "ip.src==$S4 && tcp.len>0" 2+
    expect "ip.src==$S4 && tcp.flags.reset==1" 1
    expect 'tcp.flags.fin==1' 0
}

cap_client_closes() {
    log "tcp-client-closes.pcap: curl (keep-alive) closes first"
    start_tcpdump tcp-client-closes.pcap tcp port 80
    in_c "${CURL[@]}" --resolve "www.$DNS_ZONE:80:$S4" "http://www.$DNS_ZONE/hello.txt"
    stop_capture
    expect "$SYNACK" 1
    expect 'tcp.flags.fin==1' 2
    [[ $(first_fin_from) == "$C4" ]] || die "tcp-client-closes: first FIN not from the client"
}

cap_server_closes() {
    log "tcp-server-closes.pcap: nginx closes first (Connection: close)"
    start_tcpdump tcp-server-closes.pcap tcp port 80
    in_c "${CURL[@]}" --resolve "www.$DNS_ZONE:80:$S4" -H 'Connection: close' \
        "http://www.$DNS_ZONE/hello.txt"
    stop_capture
    expect "$SYNACK" 1
    expect 'tcp.flags.fin==1' 2
    [[ $(first_fin_from) == "$S4" ]] || die "tcp-server-closes: first FIN not from the server"
}

cap_half_open() {
    log "tcp-half-open.pcap: SYNs to $X4, which never answers"
    start_tcpdump tcp-half-open.pcap tcp
    # SYN at 0 s, retransmitted at 1 and 3 s (at 1, 2 and 3 s on kernels with
    # net.ipv4.tcp_syn_linear_timeouts); curl gives up at 3.5 s.
    in_c "${CURL[@]}" --connect-timeout 3.5 "http://$X4/" 2>/dev/null && die "$X4 answered"
    stop_capture
    expect "$SYN" 3+
    expect "not ($SYN)" 0
}

# Loss and reordering on the server's egress.  Normally netem; kernels without
# it (like the sandbox this was first run in) get the same effect from tc-bpf:
# 5% of the IPv4 packets are "stolen" (freed, but reported as sent, so TCP
# must notice the loss by itself, exactly as with netem), 10% go to a fast HTB
# class that overtakes the packets queued in a slow (4 Mbit/s) one.
# gso_max_segs 1: TCP hands over one segment at a time (not 64 KB GSO
# packets that are cut up only after the qdisc), so each is lost on its own.
impair_server_link() {
    in_s ip link set vsrv gso_max_segs 1
    if in_s tc qdisc add dev vsrv root netem loss 5% reorder 10% delay 10ms 2>/dev/null; then
        IMPAIR=netem; return
    fi
    IMPAIR=tc-bpf
    command -v clang >/dev/null || {
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang llvm
    }
    cat >"$TMP/lossy.c" <<'EOC'
typedef unsigned int u32;
struct __sk_buff { u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present,
                   vlan_tci, vlan_proto, priority; };   /* head of the real struct */
#define SEC(n) __attribute__((section(n), used))
static u32 (*get_prandom_u32)(void) = (void *)7;        /* BPF_FUNC_get_prandom_u32 */
SEC("tc/lossy") int lossy(struct __sk_buff *skb) {
    if (skb->protocol != __builtin_bswap16(0x0800)) return 0;  /* TC_ACT_OK */
    u32 r = get_prandom_u32() % 100;
    if (r < 5) return 4;                                   /* TC_ACT_STOLEN: lost */
    skb->priority = r < 15 ? 0x10001 : 0x10002;            /* HTB class 1:1 or 1:2 */
    return 0;
}
char _license[] SEC("license") = "GPL";
EOC
    clang -O2 -target bpf -c "$TMP/lossy.c" -o "$TMP/lossy.o"
    in_s tc qdisc add dev vsrv root handle 1: htb default 2
    in_s tc class add dev vsrv parent 1: classid 1:1 htb rate 1gbit quantum 1514
    in_s tc class add dev vsrv parent 1: classid 1:2 htb rate 4mbit quantum 1514
    in_s tc qdisc add dev vsrv clsact
    in_s tc filter add dev vsrv egress bpf da obj "$TMP/lossy.o" sec tc/lossy
}

unimpair_server_link() {
    in_s tc qdisc del dev vsrv root 2>/dev/null || true
    in_s tc qdisc del dev vsrv clsact 2>/dev/null || true
    in_s ip link set vsrv gso_max_segs 65535
}

cap_lossy_download() {
    log "tcp-lossy-download.pcap: 60 KB from nginx over a lossy, reordering link"
    local try stats
    impair_server_link
    # Loss is random: try again until the server's packets show both a loss
    # and a reordering (see ip_id_stats; usually on the first try).
    for try in 1 2 3 4 5 6 7 8; do
        start_tcpdump tcp-lossy-download.pcap tcp port 80
        in_c "${CURL[@]}" --resolve "www.$DNS_ZONE:80:$S4" "http://www.$DNS_ZONE/download.txt"
        stop_capture
        stats=$(ip_id_stats)
        [[ $stats != 0\ * && $stats != *\ 0 ]] && break
        log "  try $try: lost/overtaken = $stats, again"
        ((try < 8)) || die "no loss plus reordering after $try tries"
    done
    unimpair_server_link
    log "  impairment: $IMPAIR; server packets lost/overtaken: $stats"
    expect "$SYNACK" 1+
    expect 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission' 1+
    expect 'tcp.flags.fin==1' 2+
}

cap_large_headers() {
    log "http-large-headers.pcap: 4 KB of request headers over MTU 576"
    set_mtu 576
    local h=() i pad
    pad=$(printf 'strata-request-header-padding-%.0s' {1..5})   # 150 characters
    for i in $(seq -w 1 24); do h+=(-H "X-Strata-Req-$i: $i-$pad"); done
    start_tcpdump http-large-headers.pcap tcp port 80
    in_c "${CURL[@]}" --resolve "www.$DNS_ZONE:80:$S4" "${h[@]}" \
        "http://www.$DNS_ZONE/large-headers"
    stop_capture
    set_mtu 1500
    expect 'frame.len > 590' 0
    expect 'http.request && tcp.segment.count >= 5' 1
    expect 'http.response && tcp.segment.count >= 3' 1
}

cap_dns_tcp_two() {
    log "dns-tcp-two-queries.pcap: dig +tcp +keepopen, two queries, one connection"
    start_tcpdump dns-tcp-two-queries.pcap tcp port 53
    in_c "${DIG[@]}" +tcp +keepopen @"$S4" "a.$DNS_ZONE" "b.$DNS_ZONE" >>"$TMP/dig.log"
    stop_capture
    expect "$SYN" 1
    expect 'dns.flags.response==0' 2
    expect 'dns.flags.response==1 && dns.a' 2
}

cap_dns_udp_frag() {
    log "dns-udp-fragmented.pcap: a 3 KB TXT answer over MTU 576"
    set_mtu 576
    # Non-first fragments have no UDP header: "port 53" alone would miss them.
    start_tcpdump dns-udp-fragmented.pcap 'udp port 53 or (ip[6:2] & 0x1fff != 0)'
    in_c "${DIG[@]}" +bufsize=4096 @"$S4" "big.$DNS_ZONE" TXT >>"$TMP/dig.log"
    stop_capture
    set_mtu 1500
    expect 'ip.flags.mf==1' 4+
    expect "ip.flags.df==1 && ip.src==$S4" 0
    expect 'dns.flags.response==1 && dns.count.answers==1 && dns.flags.truncated==0' 1
}

# ------------------------------------------------------------------- main --
main() {
    [[ $(id -u) == 0 ]] || die "run as root (sudo $0)"
    umask 022
    if [[ -z ${STRATA_FLOWS_LOCKED:-} ]]; then
        # One run at a time: run ourselves again under a lock on this script
        # (-o: the lock is not inherited by the servers and clients we start).
        local rc=0
        STRATA_FLOWS_LOCKED=1 flock -n -o -E 75 "${BASH_SOURCE[0]}" \
            "$BASH" "${BASH_SOURCE[0]}" "$@" || rc=$?
        ((rc != 75)) || die "another record-flows.sh is running"
        exit "$rc"
    fi
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    ensure_tools
    rm -rf /tmp/strata-flows.??????   # leftovers of a killed run (we hold the lock)
    TMP=$(mktemp -d /tmp/strata-flows.XXXXXX)
    chmod 755 "$TMP"; mkdir "$TMP/new"
    setup_net
    start_nginx
    start_dnsmasq
    cap_refused; cap_server_reset
    cap_client_closes; cap_server_closes
    cap_half_open; cap_lossy_download
    cap_large_headers
    cap_dns_tcp_two; cap_dns_udp_frag
    local f
    for f in "$TMP"/new/*; do   # keep the old set unless every file is fine
        (($(stat -c %s "$f") < 100000)) || die "$(basename "$f") is too big"
    done
    for f in "$TMP"/new/*; do
        install -m 644 "$f" "$OUT/"
        log "wrote $OUT/$(basename "$f"): $(stat -c %s "$f") bytes, $(tcpdump -nn -r "$f" 2>/dev/null | wc -l) packets"
    done
}

main "$@"
