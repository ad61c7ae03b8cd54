#!/usr/bin/env bash
# errors.sh - bad input on a live capture: one line "strata: NAME: reason",
# a non-zero exit, and nothing left behind that is not a valid pcap file.
# Also: -D, the default interface, an interface that disappears, and a
# strata killed with SIGKILL, whose -w file must still be readable.
#
# usage: errors.sh STRATA
LIVE_TAG=err
source "$(dirname "$0")/lib.sh"
strata=$1

need_tools python3 ping setpriv
setup_netns
C=$TMP/cap

# expect NAME RC REGEX COMMAND...: exit status RC and exactly one line on
# stderr matching REGEX
expect() {
    local name=$1 want=$2 re=$3
    shift 3
    local err rc
    err=$("$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -eq "$want" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s\n' "$err" | grep -Eq "$re"; then
        ok "$name: $err"
    else
        bad "$name" "exit $rc (want $want): $err"
    fi
}

expect "unknown interface" 1 "^strata: nosuch0: no such interface" in_a "$strata" -i nosuch0
in_a ip link add "d$$" type veth peer name "e$$"
expect "interface down" 1 "^strata: d$$: the interface is down" in_a "$strata" -i "d$$"
expect "invalid filter" 1 "^strata: $IF_A: invalid filter 'tcp port nonsense'" in_a "$strata" -i "$IF_A" tcp port nonsense
expect "snaplen too large" 2 "^strata: -s 262145: snapshot length out of range" in_a "$strata" -i "$IF_A" -s 262145
expect "snaplen negative" 2 "^strata: -s -1: snapshot length out of range" in_a "$strata" -i "$IF_A" -s -1
expect "-w into a missing directory" 1 "^strata: $TMP/none/x.pcap: No such file or directory" \
    in_a "$strata" -i "$IF_A" -w "$TMP/none/x.pcap"
expect "-w onto a directory" 1 "^strata: $C: Is a directory" in_a "$strata" -i "$IF_A" -w "$C"
expect "-Z unknown user" 1 "^strata: -Z nosuchuser$$: no such user" in_a "$strata" -i "$IF_A" -w "$C/z.pcap" -Z "nosuchuser$$"
[ ! -e "$C/z.pcap" ] && ok "-Z unknown user: no -w file left behind" || bad "-Z unknown user left $C/z.pcap"
expect "invalid filter with -w" 1 "invalid filter" in_a "$strata" -i "$IF_A" -w "$C/f.pcap" tcp port nonsense
[ ! -e "$C/f.pcap" ] && ok "invalid filter: no -w file created" || bad "invalid filter left $C/f.pcap"
mkdir -m 755 "$TMP/rootonly"
expect "rotation into a directory nobody cannot write" 1 "^strata: $TMP/rootonly: user nobody cannot create files here" \
    in_a "$strata" -i "$IF_A" -w "$TMP/rootonly/r.pcap" -C 1
[ -z "$(ls "$TMP/rootonly")" ] && ok "... and the first file, created before dropping root, removed" \
    || bad "rotation error left files" "$(ls -l "$TMP/rootonly")"
expect "no permission (nobody, no capabilities)" 1 "^strata: $IF_A: .*Operation not permitted.*; run strata as root, or .*setcap cap_net_raw,cap_net_admin=eip" \
    in_a setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups "$strata" -i "$IF_A"

# -D: the interface, its flags and its address
out=$(in_a "$strata" -D 2>&1)
echo "$out" | grep -q "^[0-9]*\.$IF_A \[Up, Running" && echo "$out" | grep -q "^    inet $ADDR_A/24$" \
    && ok "-D lists $IF_A [Up, Running, ...] with inet $ADDR_A/24" || bad "-D" "$out"

# no -i: the first interface up, running and not loopback, as tcpdump
bg_a "$C/def.out" "$C/def.err" "$strata" -c 2
p=$BG
wait_for "$C/def.err" "listening on"
in_b ping -c 1 -W 2 "$ADDR_A" >/dev/null 2>&1
stop "$p" INT
grep -q "^strata: listening on $IF_A," "$C/def.err" && ok "no -i: captures on $IF_A" || bad "default interface" "$(cat "$C/def.err")"

# the interface disappears: one line, exit 1, the -w file whole
bg_a /dev/null "$C/gone.err" "$strata" -i "$IF_A" -w "$C/gone.pcap"
p=$BG
wait_for "$C/gone.err" "listening on"
in_b ping -c 2 -i 0.2 -W 2 "$ADDR_A" >/dev/null 2>&1
sleep 0.3
in_a ip link del "$IF_A"
for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
stop "$p" INT
rc=$?
n=$($PCAPCMP count "$C/gone.pcap" 2>&1)
[ "$rc" -eq 1 ] && grep -q "^strata: $IF_A: The interface disappeared" "$C/gone.err" && [ "$n" -ge 4 ] \
    && ok "interface deleted under strata: '$(grep "^strata: $IF_A:" "$C/gone.err")', exit 1, -w file valid ($n packets)" \
    || bad "interface deleted" "rc=$rc packets=$n $(cat "$C/gone.err")"

# SIGKILL: the -w file is still a readable pcap (flushed after each batch)
ip link add "$IF_A" type veth peer name "k$$"
ip link set "$IF_A" netns "$NS_A"
ip link set "k$$" netns "$NS_B"
ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A"
ip -n "$NS_B" addr add 10.98.1.2/24 dev "k$$"
ip -n "$NS_A" addr add 10.98.1.1/24 dev "$IF_A"
ip -n "$NS_A" link set "$IF_A" up
ip -n "$NS_B" link set "k$$" up
bg_a /dev/null "$C/kill.err" "$strata" -i "$IF_A" -w "$C/kill.pcap"
p=$BG
wait_for "$C/kill.err" "listening on"
in_b ping -c 3 -i 0.2 -W 2 10.98.1.1 >/dev/null 2>&1
sleep 0.4
stop "$p" KILL
n=$($PCAPCMP count "$C/kill.pcap" 2>&1)
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 6 ] && ok "killed with SIGKILL: the -w file is valid pcap with all $n packets" \
    || bad "SIGKILL" "$n"

finish
