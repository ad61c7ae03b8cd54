#!/usr/bin/env bash
# record.sh - record strata's sample captures from real programs.
#
# Run as root on Debian 12:   sudo captures/record.sh
#
# Two network namespaces joined by two veth pairs (one carrying VLAN 100)
# stand in for a client and a server.  Real servers (nginx, dnsmasq) run in
# the server namespace, real clients (curl, dig, ping, arping) in the client
# namespace, and tcpdump/dumpcap record the traffic.
#
# Network policy: the namespaces have no default route and no link to the
# outside world; every address used (10.99.0.0/24, 10.99.100.0/24, fd99::/64,
# loopback) exists only inside them.  dnsmasq has no upstream servers, curl is
# given addresses (--resolve), so no lookup can leave the machine.
#
# Everything created (namespaces, processes, temp dir) is removed on exit, even
# on failure.  Files are written to a temp dir and only copied into captures/
# (or $OUT) when every capture succeeded, so re-running regenerates them.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$HERE}

NS_C=strata-cli            # client namespace: vcli, vtc (+ vtc.100)
NS_S=strata-srv            # server namespace: vsrv, vts (+ vts.100)
MAC_C=02:53:54:00:00:01    # fixed, locally administered MACs
MAC_S=02:53:54:00:00:02
MAC_VC=02:53:54:00:01:01   # VLAN link
MAC_VS=02:53:54:00:01:02
C4=10.99.0.1   S4=10.99.0.2
C6=fd99::1     S6=fd99::2
CV4=10.99.100.1 SV4=10.99.100.2   # on VLAN 100
DNS_ZONE=strata.test

TMP=""       # scratch dir (config, web root, logs, new captures)
PIDS=()      # every background process we start
CAP_PID=""   # the running capture process
CAP_ERR=""   # its stderr file

log() { printf '[record] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
in_c() { ip netns exec "$NS_C" "$@"; }
in_s() { ip netns exec "$NS_S" "$@"; }

# ---------------------------------------------------------------- cleanup --
remove_ns() {   # remove_ns NS: stop what runs inside our namespace, delete it
    local ns=$1 p
    [[ -e /run/netns/$ns ]] || return 0
    # Anything still running inside our own namespaces is ours (nginx
    # workers, dnsmasq TCP children, leftovers of a killed run).
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
    for c in tcpdump:tcpdump nginx:nginx-light dnsmasq:dnsmasq-base dig:dnsutils \
             ping:iputils-ping arping:iputils-arping ip:iproute2 ss:iproute2 \
             curl:curl ethtool:ethtool; do
        command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
    done
    if ((${#need[@]})); then
        log "installing: ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi
    # dumpcap (for the pcapng sample) is optional.
    if ! command -v dumpcap >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            wireshark-common >/dev/null 2>&1 || log "dumpcap unavailable: pcapng sample skipped"
    fi
}

# ---------------------------------------------------------------- network --
# VLAN 100 runs over its own veth pair (vtc <-> vts), so everything recorded on
# vtc is 802.1Q-tagged.  Normally the tagging is done by real VLAN
# sub-interfaces (vtc.100, vts.100).  Kernels without 8021q support (as in some
# sandboxes) get the same frames from a tiny tc-bpf program instead: push tag
# 100 on egress, pop it on ingress (taps see the tagged frame either way).
VL_C="" VL_S=""   # the interfaces that carry the VLAN 100 addresses

vlan_bpf() {
    command -v clang >/dev/null || {
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang llvm
    }
    cat >"$TMP/vlan.c" <<'EOC'
struct __sk_buff;
#define SEC(n) __attribute__((section(n), used))
static long (*vlan_push)(struct __sk_buff *, unsigned short, unsigned short) = (void *)18; /* BPF_FUNC_skb_vlan_push */
static long (*vlan_pop)(struct __sk_buff *) = (void *)19;                                  /* BPF_FUNC_skb_vlan_pop */
SEC("tc/push") int push(struct __sk_buff *skb) { vlan_push(skb, __builtin_bswap16(0x8100), 100); return 0; }
SEC("tc/pop") int pop(struct __sk_buff *skb) { vlan_pop(skb); return 0; }
char _license[] SEC("license") = "GPL";
EOC
    clang -O2 -target bpf -c "$TMP/vlan.c" -o "$TMP/vlan.o"
    local ns dev
    for ns in "$NS_C:vtc" "$NS_S:vts"; do
        dev=${ns#*:}; ns=${ns%%:*}
        ip netns exec "$ns" tc qdisc add dev "$dev" clsact
        ip netns exec "$ns" tc filter add dev "$dev" egress bpf da obj "$TMP/vlan.o" sec tc/push
        ip netns exec "$ns" tc filter add dev "$dev" ingress bpf da obj "$TMP/vlan.o" sec tc/pop
    done
}

setup_net() {
    local ns dev
    for ns in "$NS_C" "$NS_S"; do
        [[ -e /run/netns/$ns ]] && { log "removing stale namespace $ns"; remove_ns "$ns"; }
        ip netns add "$ns"
        # Quiet IPv6: no DAD, no router solicitations (keeps setup noise short).
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.router_solicitations=0
        ip -n "$ns" link set lo up
    done
    # Main link: vcli (client) <-> vsrv (server), IPv4 and IPv6.
    ip -n "$NS_C" link add vcli address "$MAC_C" type veth peer name vsrv netns "$NS_S"
    ip -n "$NS_S" link set vsrv address "$MAC_S"
    in_c ip addr add "$C4/24" dev vcli;  in_c ip addr add "$C6/64" dev vcli nodad
    in_s ip addr add "$S4/24" dev vsrv;  in_s ip addr add "$S6/64" dev vsrv nodad
    # VLAN link: IPv4 only (no IPv6 on it: no MLD noise in vlan.pcap).
    for ns in "$NS_C" "$NS_S"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    done
    ip -n "$NS_C" link add vtc address "$MAC_VC" type veth peer name vts netns "$NS_S"
    ip -n "$NS_S" link set vts address "$MAC_VS"
    if in_c ip link add link vtc name vtc.100 type vlan id 100 2>/dev/null; then
        in_s ip link add link vts name vts.100 type vlan id 100
        VL_C=vtc.100 VL_S=vts.100
    else
        log "kernel has no 802.1Q support: tagging VLAN 100 with tc-bpf instead"
        vlan_bpf
        VL_C=vtc VL_S=vts
    fi
    in_c ip addr add "$CV4/24" dev "$VL_C"
    in_s ip addr add "$SV4/24" dev "$VL_S"
    # Software checksums, no TSO/GSO/GRO: recorded frames are real wire frames.
    for dev in vcli vtc $VL_C; do
        in_c ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
        in_c ip link set "$dev" up
    done
    for dev in vsrv vts $VL_S; do
        in_s ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
        in_s ip link set "$dev" up
    done
    for ns in "$NS_C" "$NS_S"; do   # policy check: nothing routes off-box
        ip -n "$ns" route show | grep -q default && die "unexpected default route in $ns"
        ip -n "$ns" -6 route show | grep -q default && die "unexpected IPv6 default route in $ns"
    done
    sleep 2   # let link-up noise (MLD reports) pass
}

# ---------------------------------------------------------------- servers --
start_nginx() {
    mkdir -p "$TMP/www"
    printf '<!DOCTYPE html>\n<html><head><title>strata</title></head>\n<body><h1>strata sample page</h1><p>Served by nginx inside a network namespace.</p></body></html>\n' \
        >"$TMP/www/index.html"
    printf 'Hello from the strata sample capture.\n' >"$TMP/www/hello.txt"
    # ~4 KB so the response spans several TCP segments.
    for i in $(seq -w 1 80); do
        printf 'line %s: the quick brown fox jumps over the lazy dog\n' "$i"
    done >"$TMP/www/data.txt"
    touch -d '2024-01-01 00:00:00 UTC' "$TMP"/www/*   # fixed Last-Modified / ETag
    chmod 755 "$TMP/www"; chmod 644 "$TMP"/www/*
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
    types { text/html html; text/plain txt; }
    default_type text/plain;
    server {
        listen 80;
        listen [::]:80;
        server_name www.$DNS_ZONE;
        root $TMP/www;
        location = /submit { return 200 "thanks, form received\n"; }
    }
}
EOF
    ip netns exec "$NS_S" nginx -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" &
    PIDS+=($!)
    wait_until "nginx listening" in_s sh -c "ss -ltnH | grep -q ':80 '"
}

start_dnsmasq() {
    # Authoritative-ish local data only: no upstream, no /etc/hosts, no resolv.conf.
    ip netns exec "$NS_S" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --no-poll --bind-interfaces --listen-address="$S4,$SV4,$S6" \
        --pid-file="$TMP/dnsmasq.pid" --log-queries --log-facility="$TMP/dnsmasq.log" \
        --local=/$DNS_ZONE/ \
        --host-record=www.$DNS_ZONE,$S4,$S6 \
        --host-record=mail.$DNS_ZONE,10.99.0.25 \
        --cname=web.$DNS_ZONE,www.$DNS_ZONE \
        --mx-host=$DNS_ZONE,mail.$DNS_ZONE,10 \
        --txt-record=$DNS_ZONE,"v=strata1 sample capture" &
    PIDS+=($!)
    wait_until "dnsmasq listening" in_s sh -c "ss -lunH | grep -q '$S4:53 '"
}

# --------------------------------------------------------------- captures --
wait_until() {   # wait_until WHAT CMD...: poll CMD for up to 5 s
    local what=$1 i; shift
    for i in $(seq 50); do "$@" && return 0; sleep 0.1; done
    die "timed out waiting for $what"
}

# start_tcpdump NS FILE TCPDUMP-ARGS...: record in NS, return once it listens.
start_tcpdump() {
    local ns=$1 file=$2; shift 2
    CAP_ERR=$TMP/$(basename "$file").err
    ip netns exec "$ns" tcpdump -Z root -U --immediate-mode -nn -w "$TMP/new/$file" "$@" 2>"$CAP_ERR" &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    wait_until "tcpdump ($file)" grep -q 'listening on' "$CAP_ERR"
}

stop_capture() {
    local i
    sleep 0.5   # let the last replies / FINs arrive
    kill -INT "$CAP_PID" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$CAP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CAP_PID" 2>/dev/null && die "capture did not stop on SIGINT"
    wait "$CAP_PID" || true
    grep -hiE 'packets? (captured|received/dropped)' "$CAP_ERR" | sed 's/^/[record]   /' >&2 || true
}

flush_neigh() {   # forget ARP/ND entries so captures show address resolution
    in_c ip neigh flush all; in_s ip neigh flush all
}

CURL=(curl -sS --noproxy '*' -o /dev/null -w '%{http_code} %{url_effective}\n')
DIG=(dig +tries=1 +time=2)

cap_http() {
    log "http.pcap: curl -> nginx"
    start_tcpdump "$NS_C" http.pcap -i vcli tcp port 80
    local r=(--resolve "www.$DNS_ZONE:80:$S4") u=http://www.$DNS_ZONE
    in_c "${CURL[@]}" "${r[@]}" "$u/" -o /dev/null "$u/data.txt"     # keep-alive: 2 requests, 1 connection
    in_c "${CURL[@]}" "${r[@]}" -H 'Connection: close' "$u/hello.txt"
    in_c "${CURL[@]}" "${r[@]}" "$u/missing.html"                     # 404
    in_c "${CURL[@]}" "${r[@]}" -d 'name=strata&kind=sample' "$u/submit"  # POST with body
    stop_capture
}

cap_http6() {
    log "http-ipv6.pcap: curl -> nginx over IPv6"
    start_tcpdump "$NS_C" http-ipv6.pcap -i vcli tcp port 80
    in_c "${CURL[@]}" -g "http://[$S6]/hello.txt"
    stop_capture
}

dns_queries() {   # dns_queries SERVER [DIG-OPTS...]
    local srv=$1; shift
    local q
    for q in "www.$DNS_ZONE A" "www.$DNS_ZONE AAAA" "$DNS_ZONE MX" \
             "web.$DNS_ZONE A" "$DNS_ZONE TXT" "nosuchhost.$DNS_ZONE A"; do
        # shellcheck disable=SC2086
        in_c "${DIG[@]}" "$@" @"$srv" $q >>"$TMP/dig.log"
    done
}

cap_dns_udp() {
    log "dns-udp.pcap: dig -> dnsmasq (UDP)"
    start_tcpdump "$NS_C" dns-udp.pcap -i vcli port 53
    dns_queries "$S4"
    stop_capture
}

cap_dns_tcp() {
    log "dns-tcp.pcap: dig +tcp -> dnsmasq"
    start_tcpdump "$NS_C" dns-tcp.pcap -i vcli port 53
    dns_queries "$S4" +tcp
    stop_capture
}

cap_ping() {
    log "ping.pcap: ping -c 3 (with ARP)"
    flush_neigh
    start_tcpdump "$NS_C" ping.pcap -i vcli icmp or arp
    in_c ping -c 3 -i 0.2 "$S4" >/dev/null
    stop_capture
}

cap_ping6() {
    log "ping6.pcap: ping -6 -c 3 (with neighbour discovery)"
    flush_neigh
    # echo request/reply, neighbour solicitation/advertisement only (no MLD)
    start_tcpdump "$NS_C" ping6.pcap -i vcli \
        'icmp6 and (ip6[40] == 128 or ip6[40] == 129 or ip6[40] == 135 or ip6[40] == 136)'
    in_c ping -6 -c 3 -i 0.2 "$S6" >/dev/null
    stop_capture
}

cap_arp() {
    log "arp.pcap: arping (request/reply) + one gratuitous ARP"
    flush_neigh
    start_tcpdump "$NS_C" arp.pcap -i vcli arp
    in_c arping -c 2 -I vcli "$S4" >/dev/null
    in_c arping -U -c 1 -I vcli "$C4" >/dev/null || true   # unsolicited: no reply expected
    stop_capture
}

cap_vlan() {
    log "vlan.pcap: ping, dig, curl over VLAN 100, recorded on the parent veth"
    flush_neigh
    start_tcpdump "$NS_C" vlan.pcap -i vtc
    in_c ping -c 2 -i 0.2 "$SV4" >/dev/null
    in_c "${DIG[@]}" @"$SV4" "www.$DNS_ZONE" A >>"$TMP/dig.log"
    in_c "${CURL[@]}" --resolve "www.$DNS_ZONE:80:$SV4" "http://www.$DNS_ZONE/hello.txt"
    stop_capture
}

cap_any() {
    log "any-sll2.pcap: -i any (LINUX_SLL2): ping over veth and lo, one dig"
    flush_neigh
    start_tcpdump "$NS_C" any-sll2.pcap -i any -y LINUX_SLL2 icmp or arp or port 53
    in_c ping -c 2 -i 0.2 "$S4" >/dev/null
    in_c ping -c 1 127.0.0.1 >/dev/null
    in_c "${DIG[@]}" @"$S4" "www.$DNS_ZONE" A >>"$TMP/dig.log"
    stop_capture
}

cap_nano() {
    log "nano.pcap: nanosecond timestamps, dig A + AAAA"
    start_tcpdump "$NS_C" nano.pcap --time-stamp-precision=nano -i vcli port 53
    in_c "${DIG[@]}" @"$S4" "www.$DNS_ZONE" A >>"$TMP/dig.log"
    in_c "${DIG[@]}" @"$S4" "www.$DNS_ZONE" AAAA >>"$TMP/dig.log"
    stop_capture
}

cap_loopback() {
    log "loopback.pcap: curl -> nginx on lo (IPv4 and IPv6)"
    start_tcpdump "$NS_S" loopback.pcap -i lo tcp port 80
    in_s "${CURL[@]}" http://127.0.0.1/hello.txt
    in_s "${CURL[@]}" -g 'http://[::1]/hello.txt'
    stop_capture
}

cap_pcapng() {
    command -v dumpcap >/dev/null || return 0
    log "multi-if.pcapng: dumpcap on vcli and vtc, ping on each"
    flush_neigh
    CAP_ERR=$TMP/pcapng.err
    ip netns exec "$NS_C" dumpcap -n -w "$TMP/new/multi-if.pcapng" \
        -i vcli -f "host $S4" -i vtc 2>"$CAP_ERR" &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    wait_until "dumpcap" grep -q 'Capturing on' "$CAP_ERR"
    sleep 0.5   # dumpcap reports before every interface is fully open
    in_c ping -c 2 -i 0.2 "$S4" >/dev/null
    in_c ping -c 2 -i 0.2 "$SV4" >/dev/null
    stop_capture
}

# ------------------------------------------------------------------- main --
main() {
    [[ $(id -u) == 0 ]] || die "run as root (sudo $0)"
    umask 022
    if [[ -z ${STRATA_RECORD_LOCKED:-} ]]; then
        # One run at a time: run ourselves again under a lock on this script
        # (-o: the lock is not inherited by the servers and clients we start).
        local rc=0
        STRATA_RECORD_LOCKED=1 flock -n -o -E 75 "${BASH_SOURCE[0]}" \
            "$BASH" "${BASH_SOURCE[0]}" "$@" || rc=$?
        ((rc != 75)) || die "another record.sh is running"
        exit "$rc"
    fi
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    ensure_tools
    rm -rf /tmp/strata-record.??????   # leftovers of a killed run (we hold the lock)
    TMP=$(mktemp -d /tmp/strata-record.XXXXXX)
    chmod 755 "$TMP"; mkdir "$TMP/new"
    setup_net
    start_nginx
    start_dnsmasq
    cap_http; cap_http6
    cap_dns_udp; cap_dns_tcp
    cap_ping; cap_ping6; cap_arp
    cap_vlan; cap_any; cap_nano; cap_loopback
    cap_pcapng
    local f n
    for f in "$TMP"/new/*; do   # sanity checks first: keep the old set on failure
        n=$(tcpdump -nn -r "$f" 2>/dev/null | wc -l)
        ((n > 0)) || die "$(basename "$f") is empty"
        (($(stat -c %s "$f") < 100000)) || die "$(basename "$f") is too big"
    done
    for f in "$TMP"/new/*; do
        install -m 644 "$f" "$OUT/"
        log "wrote $OUT/$(basename "$f"): $(stat -c %s "$f") bytes, $(tcpdump -nn -r "$f" 2>/dev/null | wc -l) packets"
    done
}

main "$@"
