#!/usr/bin/env bash
# tui-open.sh - how soon `strata --tui` is usable on a big capture, and what
# it costs: the time until the packet list shows its first row, the time
# until the whole file is indexed (the status bar's "indexing N%" is gone),
# and strata's peak resident memory, with termshark beside it when it is
# installed (the time until its packet list shows a first row).
#
# usage: bench/tui-open.sh [STRATA] [CAPTURE]
#   STRATA   default build/strata
#   CAPTURE  default: bench/gen-capture.py writes one of GEN_PACKETS packets
#            (default 4,000,000, about 1 GB) into a scratch directory
# The issue's goal: the list usable within a second on a 1 GB capture, at
# most 16 bytes a packet held. Times are wall clock on this machine: read
# them as a ratio to termshark's, measured in the same run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
strata=${1:-$root/build/strata}
cap=${2:-}
command -v tmux >/dev/null || { echo "tui-open.sh: needs tmux" >&2; exit 1; }
tmp=$(mktemp -d)
sock=strata-bench-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
if [ -z "$cap" ]; then
    cap=$tmp/big.pcap
    echo "generating ${GEN_PACKETS:-4000000} packets into $cap ..."
    python3 "$root/bench/gen-capture.py" "$cap" --packets "${GEN_PACKETS:-4000000}"
fi
size=$(stat -c %s "$cap")
npk=$("$strata" --no-stats -q -r "$cap" 2>/dev/null | wc -l)

now_ms() { date +%s%3N; }
# wait_for PATTERN [not]: poll the pane every 20 ms until PATTERN is (not)
# on it; prints the milliseconds since $t0
wait_for() {
    local pat=$1 neg=${2:-}
    while :; do
        if tmux -L "$sock" capture-pane -p -t bench 2>/dev/null | grep -qE "$pat"; then
            [ -z "$neg" ] && break
        else
            [ -n "$neg" ] && break
        fi
        sleep 0.02
    done
    echo $(($(now_ms) - t0))
}

# run_strata CAPTURE: sets first, whole (ms) and hwm (KiB)
run_strata() {
    local c=$1 pid
    t0=$(now_ms)
    tmux -L "$sock" new-session -d -s bench -x 120 -y 40 \
        "TERM=xterm-256color $strata --tui -r $c; sleep 30"
    first=$(wait_for '^1 +0\.0')
    whole=$(wait_for 'indexing [0-9]+%' not)
    pid=$(pgrep -f -n "strata --tui -r $c" || true)
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    tmux -L "$sock" send-keys -t bench q
    sleep 0.3
    tmux -L "$sock" kill-server 2>/dev/null || true
}
# what strata holds whatever the file (its flow table, records, ncurses)
run_strata "$root/captures/http.pcap"
base=$hwm
run_strata "$cap"

printf 'capture: %s, %d bytes, %d packets\n' "$cap" "$size" "$npk"
printf 'strata --tui: first row after %d ms, indexed whole after %d ms\n' "$first" "$whole"
printf 'peak RSS %d KiB; %d KiB on a 47-packet capture; the difference is %.1f bytes a packet\n' \
    "$hwm" "$base" "$(echo "($hwm - $base) * 1024 / $npk" | bc -l)"

if command -v termshark >/dev/null; then
    t0=$(now_ms)
    tmux -L "$sock" new-session -d -s bench -x 120 -y 40 "termshark -r $cap; sleep 30"
    ts_first=$(wait_for '^ *1 +0\.0')
    tmux -L "$sock" kill-server 2>/dev/null || true
    pkill -f "tshark.*$cap" 2>/dev/null || true
    printf 'termshark: first row after %d ms; strata/termshark = %.3f\n' "$ts_first" \
        "$(echo "$first / $ts_first" | bc -l)"
else
    echo "termshark: not installed (apt-get install termshark), no ratio"
fi
