#!/usr/bin/env bash
# live-bench.sh - strata beside tcpdump on a live interface, at rising rates.
#
# A generated capture (bench/gen-capture.py: 200,000 packets of mixed TCP,
# UDP and DNS by default) is replayed with tcpreplay, at fixed rates
# (--pps) and at --topspeed, over a veth pair into a network namespace
# where one capturer at a time listens: each mode of strata and of tcpdump
# sees the same traffic, one after the other.  For each run: packets sent
# (tcpreplay), captured (what the program handled, from its own end-of-run
# statistics), and the loss, (sent - captured) / sent.  The table goes to
# bench/results-live.md (or --out FILE) and to standard output.
#
# Not a test: numbers depend on the machine.  Run as root (namespaces):
#
#   sudo bench/live-bench.sh [--strata build/strata] [--packets 200000]
#        [--rates "50000 100000 150000 200000 250000 top"] [--out bench/results-live.md]
#
# Network policy: the replayed frames (addresses in 10.98.0.0/16) exist
# only on the veth pair between the two namespaces the script makes; both
# are removed on exit, however it ends.
set -u
export LC_ALL=C
export PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

strata=$root/build/strata
packets=200000
rates="50000 100000 150000 200000 250000 top"
out=$here/results-live.md
while [ $# -gt 0 ]; do
    case $1 in
    --strata) strata=$2; shift 2 ;;
    --packets) packets=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "live-bench: unknown argument $1" >&2; exit 2 ;;
    esac
done

die() { echo "live-bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, packet capture)"
[ -x "$strata" ] || die "$strata: not built (cmake --build build)"
for t in ip tcpreplay tcpdump python3; do command -v "$t" >/dev/null || die "$t is not installed"; done

NS_A=strata-bench-$$-a NS_B=strata-bench-$$-b IF_A=ba$$ IF_B=bb$$
TMP=$(mktemp -d)
# the -w files go to memory when it can, so that the disk is not what is measured
WDIR=$TMP
[ -d /dev/shm ] && [ -w /dev/shm ] && WDIR=$(mktemp -d /dev/shm/strata-bench.XXXXXX)
chmod 1777 "$WDIR"
PIDS=()
cleanup() {
    set +e
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    for ns in "$NS_A" "$NS_B"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$TMP"
    [ "$WDIR" != "$TMP" ] && rm -rf "$WDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS_A" || die "cannot create a network namespace"
ip netns add "$NS_B" || die "cannot create a network namespace"
ip link add "$IF_A" type veth peer name "$IF_B" || die "cannot create a veth pair"
ip link set "$IF_A" netns "$NS_A"
ip link set "$IF_B" netns "$NS_B"
for ns in "$NS_A" "$NS_B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
done
ip -n "$NS_A" link set "$IF_A" up
ip -n "$NS_B" link set "$IF_B" up

cap=$TMP/bench.pcap
echo "live-bench: generating $packets packets ..." >&2
python3 "$here/gen-capture.py" "$cap" --packets "$packets" >&2 || die "gen-capture.py failed"

# --flows-only is the lead's flow summary; older strata: -q > /dev/null
flows_mode="--flows-only"
if ! "$strata" --flows-only --no-stats -r "$root/captures/ping.pcap" >/dev/null 2>&1; then
    flows_mode="-q"
    echo "live-bench: this strata has no --flows-only; using -q > /dev/null for that column" >&2
fi

# mode name | command (run in namespace A; stdout to /dev/null unless -w)
modes=(
    "strata -w|$strata -i $IF_A -w $WDIR/s.pcap"
    "tcpdump -w|tcpdump -i $IF_A -w $WDIR/t.pcap"
    "tcpdump -w -B 16384|tcpdump -B 16384 -i $IF_A -w $WDIR/t.pcap"
    "strata $flows_mode|$strata -i $IF_A $flows_mode"
    "strata (one line)|$strata -i $IF_A"
    "tcpdump -nn|tcpdump -nn -i $IF_A"
    "tcpdump -nn -B 16384|tcpdump -nn -B 16384 -i $IF_A"
)

# one_run CMD RATE: "sent pps captured kernel_drop"
one_run() {
    local cmd=$1 rate=$2 err=$TMP/cap.err p rep i
    rm -f "$WDIR"/*.pcap
    # shellcheck disable=SC2086
    ip netns exec "$NS_A" $cmd >/dev/null 2>"$err" &
    p=$!
    PIDS+=("$p")
    for ((i = 0; i < 200; i++)); do grep -q "listening on" "$err" 2>/dev/null && break; sleep 0.05; done
    sleep 0.2
    if [ "$rate" = top ]; then
        rep=$(ip netns exec "$NS_B" tcpreplay --topspeed -i "$IF_B" "$cap" 2>&1)
    else
        rep=$(ip netns exec "$NS_B" tcpreplay --pps="$rate" -i "$IF_B" "$cap" 2>&1)
    fi
    sleep 1.5 # tcpdump hands over its last ring block within its 1 s timeout
    kill -INT "$p"
    wait "$p" 2>/dev/null
    local sent pps captured drop
    sent=$(echo "$rep" | sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' | head -1)
    pps=$(echo "$rep" | sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' | head -1)
    captured=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$err" | tail -1)
    drop=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel$/\1/p' "$err" | tail -1)
    echo "${sent:-0} ${pps:-0} ${captured:-0} ${drop:-?}"
}

declare -A cell sentpps best
for rate in $rates; do
    for m in "${modes[@]}"; do
        name=${m%%|*} cmd=${m#*|}
        read -r sent pps captured drop < <(one_run "$cmd" "$rate")
        lost=$((sent - captured))
        loss=$(python3 -c "s,c=$sent,$captured; p=100.0*(s-c)/s if s else 100; print('none' if s and s==c else ('%.2f %%' % p if p >= 0.01 else '<0.01 %'))")
        [ "$lost" -gt 0 ] && loss="$lost lost, $loss" || loss="none lost"
        if [ "$rate" = top ]; then
            cell[$rate,$name]="$captured ($loss) at $(printf '%.0f' "$pps") pps"
        else
            cell[$rate,$name]="$captured ($loss)"
        fi
        sentpps[$rate]=$(printf '%.0f' "$pps")
        printf '%-8s %-24s sent %7s at %8.0f pps, captured %7s, kernel drops %s: %s\n' \
            "$rate" "$name" "$sent" "$pps" "$captured" "$drop" "$loss" >&2
        if [ "$sent" -gt 0 ] && [ "$lost" -eq 0 ]; then
            cur=${best[$name]:-0}
            [ "${pps%.*}" -gt "${cur%.*}" ] && best[$name]=$(printf '%.0f' "$pps")
        fi
    done
done

{
    echo "# Live capture: strata beside tcpdump"
    echo
    echo "Written by \`bench/live-bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $packets generated packets"
    echo "(bench/gen-capture.py, mixed TCP/UDP/DNS, $(($(stat -c %s "$cap") / 1000000)) MB) replayed with tcpreplay over a"
    echo "veth pair into a namespace where one capturer at a time listened."
    echo
    echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), Linux $(uname -r);"
    echo "$("$strata" --version | tail -1); strata $(git -C "$root" describe --always --dirty 2>/dev/null || echo "?");"
    echo "$(tcpdump --version 2>&1 | head -1). strata's default kernel buffer is 16 MiB, tcpdump's 2 MiB"
    echo "(the \`-B 16384\` columns give tcpdump the same). \`-w\` files went to ${WDIR%/*}."
    echo
    echo "Each cell: packets captured (handled by the program, from its end-of-run statistics) and how"
    echo "many of the packets sent it lost; at topspeed, also the rate tcpreplay reached in that run."
    echo
    printf '| rate asked | sent (pps) |'
    for m in "${modes[@]}"; do printf ' %s |' "${m%%|*}"; done
    echo
    printf '|---|---|'
    for m in "${modes[@]}"; do printf -- '---|'; done
    echo
    for rate in $rates; do
        [ "$rate" = top ] && label="topspeed" || label="$rate pps"
        [ "$rate" = top ] && sent_col="in each cell" || sent_col=${sentpps[$rate]}
        printf '| %s | %s |' "$label" "$sent_col"
        for m in "${modes[@]}"; do printf ' %s |' "${cell[$rate,${m%%|*}]}"; done
        echo
    done
    echo
    echo "Highest rate captured without losing a packet (of the rates tried):"
    echo
    for m in "${modes[@]}"; do
        n=${m%%|*}
        echo "- $n: ${best[$n]:-none} pps"
    done
    [ "$flows_mode" = "-q" ] && echo && echo "(no --flows-only in this strata: that column is \`strata -q > /dev/null\`)"
} > "$TMP/results.md"
cp "$TMP/results.md" "$out"
cat "$out"
