# lib.sh - sourced by the live tests: two network namespaces of the test's
# own joined by a veth pair, and everything removed on exit, however the
# test ends (trap).
#
# Network policy: traffic only inside these namespaces (10.98.0.0/24 on the
# veth pair, their own loopback); no route out, no upstream DNS.
#
# Without root, or where namespaces cannot be made, the test exits 77
# (ctest SKIP_RETURN_CODE) with the reason: it never passes silently.

set -u
export LC_ALL=C
export PATH=$PATH:/usr/sbin:/sbin
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

LIVE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PCAPCMP="python3 $LIVE_DIR/pcapcmp.py"
ADDR_A=10.98.0.1
ADDR_B=10.98.0.2

tag=${LIVE_TAG:-live}
NS_A=strata-$tag-$$-a       # strata, tcpdump and the servers run here
NS_B=strata-$tag-$$-b       # the clients and tcpreplay run here
IF_A=sa$$                   # interface names: at most 15 characters
IF_B=sb$$
TMP=""
PIDS=()
made_ns=()

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'
    return 0
}
check() { # check NAME COMMAND...: ok when the command succeeds
    local name=$1
    shift
    local out
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
skip() {
    echo "SKIP: $*"
    exit 77
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

cleanup() {
    local rc=$? p ns
    set +e
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    for ns in "${made_ns[@]}"; do
        # whatever still runs in our own namespace is ours
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    [ -n "$TMP" ] && [ -d "$TMP" ] && rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# need_tools TOOL...: skip (77) naming the first missing tool
need_tools() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (scripts/bootstrap --test installs it)"
    done
}

# setup_netns: root check, the two namespaces, the veth pair, addresses.
setup_netns() {
    [ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces and capture (run as root, e.g. in CI)"
    need_tools ip
    local e
    e=$(ip netns add "$NS_A" 2>&1) || skip "cannot create a network namespace: $e"
    made_ns+=("$NS_A")
    e=$(ip netns add "$NS_B" 2>&1) || skip "cannot create a network namespace: $e"
    made_ns+=("$NS_B")
    e=$(ip link add "$IF_A" type veth peer name "$IF_B" 2>&1) || skip "cannot create a veth pair: $e"
    ip link set "$IF_A" netns "$NS_A" || exit 1
    ip link set "$IF_B" netns "$NS_B" || exit 1
    local ns
    for ns in "$NS_A" "$NS_B"; do
        # no IPv6: its router solicitations and MLD reports would only be noise
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
        ip -n "$ns" link set lo up
    done
    ip netns exec "$NS_A" sysctl -qw "net.ipv6.conf.$IF_A.disable_ipv6=1" >/dev/null 2>&1
    ip netns exec "$NS_B" sysctl -qw "net.ipv6.conf.$IF_B.disable_ipv6=1" >/dev/null 2>&1
    ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A" || exit 1
    ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B" || exit 1
    ip -n "$NS_A" link set "$IF_A" up || exit 1
    ip -n "$NS_B" link set "$IF_B" up || exit 1
    TMP=$(mktemp -d)
    chmod 755 "$TMP"
    # written by strata (nobody after dropping root) and tcpdump (its user)
    mkdir -m 1777 "$TMP/cap"
}

# bg_a OUT ERR COMMAND...: start COMMAND in namespace A; its pid in $BG
bg_a() {
    local out=$1 err=$2
    shift 2
    ip netns exec "$NS_A" "$@" >"$out" 2>"$err" &
    BG=$!
    PIDS+=("$BG")
}

# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT
wait_for() {
    local i n=$((${3:-10} * 20))
    for ((i = 0; i < n; i++)); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# stop PID [SIGNAL]: signal it and wait (at most 10 s); its exit status
stop() {
    local pid=$1 sig=${2:-INT} i
    kill -"$sig" "$pid" 2>/dev/null
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        { wait "$pid"; } 2>/dev/null
        return 124
    fi
    { wait "$pid"; } 2>/dev/null # no "Killed" line from bash
}

# uid_of PID: the four user ids of the Uid line of /proc/PID/status
uid_of() { awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$1/status" 2>/dev/null; }
gid_of() { awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$1/status" 2>/dev/null; }
capeff_of() { awk '/^CapEff:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# Ethernet captures of the project (tcpreplay sends Ethernet frames)
ethernet_captures() {
    local f
    for f in "$1"/*.pcap; do
        [ "$($PCAPCMP linktype "$f" 2>/dev/null)" = 1 ] && echo "$f"
    done
}
