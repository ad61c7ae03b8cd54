#!/usr/bin/env bash
# record-tunnels.sh - record strata's tunnel and encapsulation captures from
# real programs.
#
# Run as root on Debian 12:   sudo captures/record-tunnels.sh
#
# Two network namespaces (strata-tun-cli, strata-tun-srv) are joined by one
# veth pair (the "outer" link).  For each encapsulation, a tunnel is made
# between them, real clients in the client namespace (ping, dig, curl) talk
# through it to real servers in the server namespace (dnsmasq, nginx), and
# tcpdump records the OUTER veth, so every packet shows the carrier and the
# packet it carries.
#
# The tunnel is a kernel device where the kernel has one (VXLAN, and GRE,
# IP-in-IP, Geneve, ... where their modules exist; see captures/README.md);
# otherwise, and for encapsulations Linux has no device for (Teredo, GTP-U,
# AYIYA, PBB, VN-Tag, PPPoE without /dev/ppp), tunnel-relay.py stands in
# for the device: a TUN/TAP device whose packets it wraps and unwraps.
#
# Network policy: the namespaces have no default route and no link to the
# outside world; every address used (10.99.0.0/16, fd99::/16, 2001:0:a63:2::
# for Teredo) exists only inside them.  dnsmasq has no upstream servers and
# curl is given addresses, so nothing can leave the machine.
#
# Everything created (namespaces, processes, temp dir) is removed on exit,
# even on failure.  Files are written to a temp dir and only copied into
# captures/ (or $OUT) when every capture succeeded.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$HERE}
RELAY=$HERE/tunnel-relay.py

NS_C=strata-tun-cli        # client namespace: vcli + one tunnel device at a time
NS_S=strata-tun-srv        # server namespace: vsrv + the other end
MAC_C=02:53:54:00:00:01    # the outer link, as in record.sh
MAC_S=02:53:54:00:00:02
C4=10.99.0.1   S4=10.99.0.2
C6=fd99::1     S6=fd99::2
DNS_ZONE=strata.test

TMP=""       # scratch dir (config, web root, logs, new captures)
PIDS=()      # every background process we start
CAP_PID=""   # the running capture process
RELAYS=()    # the running tunnel relays
PY=""        # python3

log() { printf '[record-tunnels] %s\n' "$*" >&2; }
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
    for p in "${RELAYS[@]}" "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
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
             ping:iputils-ping ip:iproute2 ss:iproute2 curl:curl ethtool:ethtool \
             python3:python3; do
        command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
    done
    if ((${#need[@]})); then
        log "installing: ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi
    PY=$(command -v python3)
}

# ---------------------------------------------------------------- network --
setup_net() {
    local ns
    for ns in "$NS_C" "$NS_S"; do
        [[ -e /run/netns/$ns ]] && { log "removing stale namespace $ns"; remove_ns "$ns"; }
        ip netns add "$ns"
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.router_solicitations=0
        ip -n "$ns" link set lo up
    done
    ip -n "$NS_C" link add vcli address "$MAC_C" type veth peer name vsrv netns "$NS_S"
    ip -n "$NS_S" link set vsrv address "$MAC_S"
    in_c ip addr add "$C4/24" dev vcli;  in_c ip addr add "$C6/64" dev vcli nodad
    in_s ip addr add "$S4/24" dev vsrv;  in_s ip addr add "$S6/64" dev vsrv nodad
    # Software checksums, no TSO/GSO/GRO: recorded frames are real wire frames.
    in_c ethtool -K vcli tx off tso off gso off gro off >/dev/null 2>&1 || true
    in_s ethtool -K vsrv tx off tso off gso off gro off >/dev/null 2>&1 || true
    in_c ip link set vcli up; in_s ip link set vsrv up
    # Tunnel devices made later get no IPv6 unless they carry it (no MLD noise).
    for ns in "$NS_C" "$NS_S"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" route show | grep -q default && die "unexpected default route in $ns"
        ip -n "$ns" -6 route show | grep -q default && die "unexpected IPv6 default route in $ns"
    done
    sleep 2   # let link-up noise pass
}

# ---------------------------------------------------------------- servers --
start_nginx() {
    mkdir -p "$TMP/www"
    printf 'Hello from the strata sample capture.\n' >"$TMP/www/hello.txt"
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
    }
}
EOF
    ip netns exec "$NS_S" nginx -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" &
    PIDS+=($!)
    wait_until "nginx listening" in_s sh -c "ss -ltnH | grep -q ':80 '"
}

start_dnsmasq() {
    # Local data only: no upstream, no /etc/hosts, no resolv.conf.  Wildcard
    # sockets: the tunnel addresses come and go while it runs.
    ip netns exec "$NS_S" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --no-poll --pid-file="$TMP/dnsmasq.pid" --log-queries --log-facility="$TMP/dnsmasq.log" \
        --local=/$DNS_ZONE/ \
        --host-record=www.$DNS_ZONE,$S4,$S6 &
    PIDS+=($!)
    wait_until "dnsmasq listening" in_s sh -c "ss -lunH | grep -q ':53 '"
}

# --------------------------------------------------------------- captures --
wait_until() {   # wait_until WHAT CMD...: poll CMD for up to 5 s
    local what=$1 i; shift
    for i in $(seq 50); do "$@" && return 0; sleep 0.1; done
    die "timed out waiting for $what"
}

# start_tcpdump FILE TCPDUMP-ARGS...: record vcli in the client namespace.
start_tcpdump() {
    local file=$1; shift
    CAP_ERR=$TMP/$(basename "$file").err
    ip netns exec "$NS_C" tcpdump -Z root -U --immediate-mode -nn -i vcli -w "$TMP/new/$file" "$@" \
        2>"$CAP_ERR" &
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
    grep -hiE 'packets? (captured|received/dropped)' "$CAP_ERR" | sed 's/^/[record-tunnels]   /' >&2 || true
}

CURL=(curl -sS --noproxy '*' -o /dev/null --max-time 5 -w '%{http_code} %{url_effective}\n')
DIG=(dig +tries=1 +time=2)

# The tunnel's own addresses.  Tunnel N: 10.99.N.1 (client), 10.99.N.2
# (server), fd99:N::1 and fd99:N::2.
TC4="" TS4="" TC6="" TS6=""

# relay_start MODE N FAMILY: run tunnel-relay.py MODE at both ends, name the
# devices tun-c / tun-s, give them the tunnel's addresses (FAMILY: 4, 6 or
# 46) and bring them up.  Teredo's client address is a Teredo address.
relay_start() {
    local mode=$1 n=$2 fam=$3 side ns dev out i
    TC4=10.99.$n.1 TS4=10.99.$n.2 TC6=fd99:$n::1 TS6=fd99:$n::2
    [[ $mode == teredo ]] && TC6=2001:0:a63:2:0:3ffe:f59c:fffe   # server 10.99.0.2, port 49153, 10.99.0.1
    for side in s c; do   # the server end first: it answers PPPoE discovery
        if [[ $side == c ]]; then
            ns=$NS_C dev=tun-c
            set -- "$dev" vcli "$C4" "$S4" "$C6" "$S6" "$MAC_C" "$MAC_S" "$TC6"
        else
            ns=$NS_S dev=tun-s
            set -- "$dev" vsrv "$S4" "$C4" "$S6" "$C6" "$MAC_S" "$MAC_C" "$TS6"
        fi
        out=$TMP/relay-$mode-$side.out
        ip netns exec "$ns" "$PY" "$RELAY" "$mode" "$side" "$@" >"$out" 2>&1 &
        RELAYS+=($!)
        wait_until "tunnel-relay $mode ($side)" grep -q ready "$out"
    done
    tunnel_addrs "$fam" tun-c tun-s
}

# tunnel_addrs FAMILY DEV-C DEV-S: addresses, MACs (for TAPs), MTU 1400, up.
tunnel_addrs() {
    local fam=$1 dc=$2 ds=$3 n
    in_c ip link set "$dc" mtu 1400 address 02:53:54:00:10:01 2>/dev/null || in_c ip link set "$dc" mtu 1400
    in_s ip link set "$ds" mtu 1400 address 02:53:54:00:10:02 2>/dev/null || in_s ip link set "$ds" mtu 1400
    in_c ethtool -K "$dc" tx off >/dev/null 2>&1 || true
    in_s ethtool -K "$ds" tx off >/dev/null 2>&1 || true
    if [[ $fam == *4* ]]; then
        in_c ip addr add "$TC4/24" dev "$dc"; in_s ip addr add "$TS4/24" dev "$ds"
    fi
    if [[ $fam == *6* ]]; then
        in_c sysctl -qw "net.ipv6.conf.$dc.disable_ipv6=0"
        in_s sysctl -qw "net.ipv6.conf.$ds.disable_ipv6=0"
        in_c ip link set "$dc" addrgenmode none; in_s ip link set "$ds" addrgenmode none
        if [[ $TC6 == 2001:* ]]; then   # Teredo: the client's address is in 2001::/32
            in_c ip addr add "$TC6/32" dev "$dc" nodad; in_s ip addr add "$TS6/64" dev "$ds" nodad
        else
            in_c ip addr add "$TC6/64" dev "$dc" nodad; in_s ip addr add "$TS6/64" dev "$ds" nodad
        fi
    fi
    in_c ip link set "$dc" up; in_s ip link set "$ds" up
    if [[ $TC6 == 2001:* ]]; then
        in_c ip -6 route add "$TS6/64" dev "$dc"; in_s ip -6 route add 2001::/32 dev "$ds"
    fi
    sleep 1   # let link-up noise pass before the capture starts
}

relay_stop() {
    local p
    for p in "${RELAYS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${RELAYS[@]}"; do wait "$p" 2>/dev/null || true; done
    RELAYS=()
}

flush_neigh() { in_c ip neigh flush all; in_s ip neigh flush all; }

traffic() {   # traffic FAMILY: ping, dig and curl over the tunnel
    local fam=$1
    if [[ $fam == *4* ]]; then
        in_c ping -c 2 -i 0.2 -W 2 "$TS4" >/dev/null
        in_c "${DIG[@]}" @"$TS4" "www.$DNS_ZONE" A >>"$TMP/dig.log"
        in_c "${CURL[@]}" --resolve "www.$DNS_ZONE:80:$TS4" "http://www.$DNS_ZONE/hello.txt" >>"$TMP/curl.log"
    fi
    if [[ $fam == *6* ]]; then
        in_c ping -6 -c 2 -i 0.2 -W 2 "$TS6" >/dev/null
        [[ $fam == 6 ]] && in_c "${DIG[@]}" @"$TS6" "www.$DNS_ZONE" AAAA >>"$TMP/dig.log"
        in_c "${CURL[@]}" -g "http://[$TS6]/hello.txt" >>"$TMP/curl.log"
    fi
}

# cap_relay FILE MODE N FAMILY FILTER: one capture through tunnel-relay.py
cap_relay() {
    local file=$1 mode=$2 n=$3 fam=$4 filter=$5
    log "$file: $mode (tunnel-relay.py), IPv${fam//46/4+6} inside"
    if [[ $mode == pppoe ]]; then   # record the discovery too
        start_tcpdump "$file" "$filter"
        relay_start "$mode" "$n" "$fam"
    else
        relay_start "$mode" "$n" "$fam"
        start_tcpdump "$file" "$filter"
    fi
    flush_neigh
    traffic "$fam"
    sleep 0.3
    relay_stop
    stop_capture
}

# kernel_link DEV-ARGS...: can the kernel make this kind of device here?
kernel_link() {
    in_c ip link add strata-probe "$@" >/dev/null 2>&1 || return 1
    in_c ip link del strata-probe
}

# cap_kernel FILE N FAMILY FILTER TYPE ARGS...: the same through kernel devices
# (the client's end is given "local C4 remote S4", the server's the reverse).
cap_kernel() {
    local file=$1 n=$2 fam=$3 filter=$4 type=$5; shift 5
    log "$file: kernel $type device, IPv$fam inside"
    TC4=10.99.$n.1 TS4=10.99.$n.2 TC6=fd99:$n::1 TS6=fd99:$n::2
    in_c ip link add tun-c type "$type" "$@" local "$C4" remote "$S4"
    in_s ip link add tun-s type "$type" "$@" local "$S4" remote "$C4"
    tunnel_addrs "$fam" tun-c tun-s
    start_tcpdump "$file" "$filter"
    flush_neigh
    traffic "$fam"
    stop_capture
    in_c ip link del tun-c; in_s ip link del tun-s
}

# Each capture: the kernel's device when it has one, else the relay.
L2_FILTER='not ip and not ip6 and not arp'
capture_all() {
    cap_kernel vxlan.pcap 42 4 'udp port 4789' vxlan id 42 dstport 4789
    if kernel_link type gre local "$C4" remote "$S4"; then
        cap_kernel gre.pcap 47 4 'ip proto 47' gre
        cap_kernel gre-options.pcap 48 4 'ip proto 47' gre csum ikey 43 okey 42 seq
        cap_kernel gretap.pcap 49 4 'ip proto 47' gretap
    else
        log "no kernel GRE here: tunnel-relay.py makes the GRE captures"
        cap_relay gre.pcap gre 47 4 'ip proto 47'
        cap_relay gre-options.pcap gre-options 48 4 'ip proto 47'
        cap_relay gretap.pcap gretap 49 4 'ip proto 47'
    fi
    cap_relay pptp-gre.pcap pptp 50 4 'ip proto 47'
    cap_relay erspan.pcap erspan 51 4 'ip proto 47'
    cap_relay erspan3.pcap erspan3 52 4 'ip6 proto 47'
    if kernel_link type ipip local "$C4" remote "$S4"; then
        cap_kernel ipip.pcap 4 4 'ip proto 4' ipip
        cap_kernel sit.pcap 41 6 'ip proto 41' sit
    else
        log "no kernel ipip/sit here: tunnel-relay.py makes them"
        cap_relay ipip.pcap ipip 4 4 'ip proto 4'
        cap_relay sit.pcap sit 41 6 'ip proto 41'
    fi
    cap_relay ip6tnl.pcap ip6tnl 6 46 'ip6 proto 4 or ip6 proto 41'
    if kernel_link type geneve id 42 remote "$S4"; then
        log "geneve: kernel device"
        TC4=10.99.61.1 TS4=10.99.61.2
        in_c ip link add tun-c type geneve id 42 remote "$S4"
        in_s ip link add tun-s type geneve id 42 remote "$C4"
        tunnel_addrs 4 tun-c tun-s
        start_tcpdump geneve.pcap 'udp port 6081'
        flush_neigh; traffic 4; stop_capture
        in_c ip link del tun-c; in_s ip link del tun-s
    else
        cap_relay geneve.pcap geneve 61 4 'udp port 6081'
    fi
    cap_relay teredo.pcap teredo 35 6 'udp port 3544'
    cap_relay gtpu.pcap gtpu 21 4 'udp port 2152'
    cap_relay ayiya.pcap ayiya 72 6 'udp port 5072'
    cap_relay mpls.pcap mpls 88 4 "$L2_FILTER"
    cap_relay pbb.pcap pbb 89 4 "$L2_FILTER"
    cap_relay vntag.pcap vntag 90 4 "$L2_FILTER"
    cap_relay pppoe.pcap pppoe 91 4 "$L2_FILTER"
}

# ------------------------------------------------------------------- main --
main() {
    [[ $(id -u) == 0 ]] || die "run as root (sudo $0)"
    umask 022
    if [[ -z ${STRATA_RECORD_LOCKED:-} ]]; then
        local rc=0
        STRATA_RECORD_LOCKED=1 flock -n -o -E 75 "${BASH_SOURCE[0]}" \
            "$BASH" "${BASH_SOURCE[0]}" "$@" || rc=$?
        ((rc != 75)) || die "another record-tunnels.sh is running"
        exit "$rc"
    fi
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    ensure_tools
    rm -rf /tmp/strata-record-tunnels.??????   # leftovers of a killed run (we hold the lock)
    TMP=$(mktemp -d /tmp/strata-record-tunnels.XXXXXX)
    chmod 755 "$TMP"; mkdir "$TMP/new"
    setup_net
    start_nginx
    start_dnsmasq
    capture_all
    local f n
    for f in "$TMP"/new/*; do   # sanity checks first: keep the old set on failure
        n=$(tcpdump -nn -r "$f" 2>/dev/null | grep -c "^[0-9][0-9]:")
        ((n >= 10)) || die "$(basename "$f") has only $n packets"
        (($(stat -c %s "$f") < 20000)) || die "$(basename "$f") is too big"
    done
    grep -v '^200 ' "$TMP/curl.log" && die "a request through a tunnel failed"
    mkdir -p "$OUT"
    for f in "$TMP"/new/*; do
        install -m 644 "$f" "$OUT/"
        log "wrote $OUT/$(basename "$f"): $(stat -c %s "$f") bytes, $(tcpdump -nn -r "$f" 2>/dev/null | grep -c "^[0-9][0-9]:") packets"
    done
}

main "$@"
