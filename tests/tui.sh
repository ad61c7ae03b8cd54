#!/usr/bin/env bash
# tui.sh - strata --tui driven in tmux: the packet list, a packet's OSI
# stack and the colours of its bytes, the connections view and ladders,
# a display filter, a capture filter (F, file and live), a resize to
# 80x24, and the terminal given back on q, Ctrl-C and SIGTERM.
# usage: tui.sh STRATA
set -u
strata=$1
root=$(cd "$(dirname "$0")/.." && pwd)
command -v tmux >/dev/null || { echo "skip: tmux is not installed"; exit 77; }
tmp=$(mktemp -d)
sock=strata-tui-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'; }

screen() { tm capture-pane -t tui -p; }
screen_e() { tm capture-pane -t tui -p -e; }
# wait (up to 5 s) until the screen shows a pattern
wait_for() {
    for _ in $(seq 50); do
        screen | grep -qE -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
keys() { tm send-keys -t tui "$@"; sleep 0.3; }
# nothing on strata's stderr but the live capture's own lines (a
# sanitizer's report would be there)
check_stderr() {
    if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp/stderr" 2>/dev/null; then
        bad "stderr: a sanitizer report" "$(head -20 "$tmp/stderr")"
    else
        ok "stderr: no sanitizer report"
    fi
}
alt_on() { tm display-message -p -t tui '#{alternate_on}'; }

# start strata in a new session; after it ends the pane stays, with its status
start() { # capture [env...]
    local cap=$1
    shift
    tm kill-session -t tui 2>/dev/null
    tm new-session -d -s tui -x 120 -y 40 \
        "env TERM=xterm-256color $* '$strata' --tui -r '$cap' 2>>'$tmp/stderr'; echo STRATA_EXIT=\$?; sleep 60"
}

# ---- the packet list ------------------------------------------------------
cap=$root/captures/http.pcap
npk=$("$strata" --no-stats -r "$cap" | wc -l)
start "$cap"
if wait_for "read $npk \\| shown $npk"; then ok "status bar: read $npk, shown $npk"; else bad "status bar" "$(screen | tail -1)"; fi
[ "$(alt_on)" = 1 ] && ok "alternate screen on" || bad "alternate screen on"
screen > "$tmp/list"
grep -qE '^No\. +Time +Source +Destination +Proto +Len +Info' "$tmp/list" && ok "list header" || bad "list header" "$(head -1 "$tmp/list")"
grep -qE '^1 +0\.000000 +10\.99\.0\.1 +10\.99\.0\.2 +TCP +74 +55672 > 80: TCP Flags \[S\]' "$tmp/list" && ok "row 1: the SYN, its ports leading the info" ||
    bad "row 1" "$(sed -n 2p "$tmp/list")"
grep -qE '^4 +0\.000[0-9]+ +10\.99\.0\.1 +10\.99\.0\.2 +HTTP +145 +55672 > 80: TCP Flags \[P\.\], seq 1:80,' "$tmp/list" && ok "row 4: HTTP, its one-line view with relative numbers" ||
    bad "row 4" "$(sed -n 5p "$tmp/list")"

# ---- a packet's stack and bytes -------------------------------------------
keys j j j
screen > "$tmp/stack"
for want in 'application L7 Application +HTTP GET /' 'L6 Presentation \(not in TCP/IP' \
    'L5 Session +\(not in TCP/IP' 'transport +L4 Transport +TCP 55672 -> 80: Flags \[P\.\]' \
    'internet +L3 Network +IPv4' 'link +L2 Data link +Ethernet' 'link +L1 Physical +\(the wire: 145 bytes'; do
    grep -qE "$want" "$tmp/stack" && ok "stack row: $want" || bad "stack row: $want" "$(sed -n 16,24p "$tmp/stack")"
done
grep -qE 'Fields: HTTP' "$tmp/stack" && grep -qE 'Request method: GET' "$tmp/stack" && ok "fields of the HTTP layer" ||
    bad "fields of the HTTP layer"
screen_e > "$tmp/bytes"
# the bytes pane: four layers, four colours (256-colour escapes)
ncol=$(grep -aP '^(\x1b\[[0-9;]*m)*00[0-9a-f]0  ' "$tmp/bytes" | grep -aoP '\x1b\[38;5;[0-9]+m' | sort -u | wc -l)
[ "$ncol" -ge 4 ] && ok "bytes pane: $ncol layer colours" || bad "bytes pane colours" "$ncol distinct"
grep -aP '^(\x1b\[[0-9;]*m)*0040  ' "$tmp/bytes" | grep -q $'\x1b\\[38;5;' && ok "bytes pane: colour escapes on the payload line" ||
    bad "bytes pane escapes"
# Tab to the fields; the selected field's bytes in reverse video
keys Tab Tab
screen_e | grep -aP '^(\x1b\[[0-9;]*m)*00[0-9a-f]0  ' | grep -q $'\x1b\\[7m\\|\x1b\\[[0-9;]*;7m\\|\x1b\\[7;' &&
    ok "bytes pane: the selected field highlighted" || bad "selected field highlighted"

# ---- search and mouse ------------------------------------------------------
pdata=$("$strata" --no-stats -r "$cap" | grep -n 'GET /data' | head -1 | cut -d: -f1)
keys '/'
tm send-keys -t tui 'get /DATA' Enter
sleep 0.3
screen | grep -qE 'found "get /DATA" in packet '"$pdata"' && screen | grep -qE 'L7 Application +HTTP GET /data' &&
    ok "/ search: packet 8 selected" || bad "/ search" "$(screen | tail -1)"
# a click (an SGR mouse report: button 1 pressed, then released) on the list's row 2
tm send-keys -t tui -l $'\e[<0;12;3M\e[<0;12;3m'
sleep 0.3
screen | grep -qE 'L4 Transport +TCP 80 -> 55672: Flags \[S\.\]' && ok "mouse click selects packet 2" ||
    bad "mouse click" "$(screen | sed -n 16,24p)"
keys g

# ---- help -----------------------------------------------------------------
keys '?'
screen | grep -q 'display filter' && ok "? lists the keys" || bad "? help"
keys q
screen | grep -qE '^No\. ' && ok "q leaves the help" || bad "q leaves the help"

# ---- connections and ladders ----------------------------------------------
keys c
screen > "$tmp/conns"
grep -qE 'Connections \(4\)' "$tmp/conns" && ok "connections: 4" || bad "connections" "$(head -3 "$tmp/conns")"
grep -qE '^ +1 tcp +10\.99\.0\.1:55672 +10\.99\.0\.2:80 +TIME_WAIT +CLOSED +SF +ShADadFf ' "$tmp/conns" && ok "connection 1: five-tuple, both states, SF, history" ||
    bad "connection 1" "$(sed -n 3p "$tmp/conns")"
grep -q 'client port 55672 dynamic, server port 80 well-known' "$tmp/conns" && ok "port classes" || bad "port classes"
keys Enter
screen > "$tmp/ladder"
grep -q 'Ladder of connection 1' "$tmp/ladder" && ok "Enter opens the ladder" || bad "ladder" "$(head -3 "$tmp/ladder")"
# both endpoints' states as a textbook draws them, row by row
row() { grep -E "^ *$1 " "$tmp/ladder"; }
lrow() { grep -E "$1" "$tmp/ladder" | head -1; }
lrow 'CLOSED +LISTEN +server: listen\(\)' >/dev/null && ok "ladder: CLOSED / LISTEN before the SYN" ||
    bad "ladder start" "$(sed -n 2,8p "$tmp/ladder")"
lrow '#1 .*SYN_SENT .*S seq 0 .*SYN_RECEIVED' >/dev/null && ok "ladder #1: SYN_SENT / SYN_RECEIVED" || bad "ladder #1" "$(lrow '#1 ')"
lrow '#2 .*ESTABLISHED .*<-.*S\. seq 0 ack 1' >/dev/null && ok "ladder #2: client ESTABLISHED on the SYN-ACK" || bad "ladder #2" "$(lrow '#2 ')"
lrow '#3 .*-> ESTABLISHED .*accept\(\) returns' >/dev/null && ok "ladder #3: server ESTABLISHED, accept() returns" || bad "ladder #3" "$(lrow '#3 ')"
lrow '#15 .*FIN_WAIT_1 .*F\. .*CLOSE_WAIT' >/dev/null && ok "ladder #15: FIN_WAIT_1 / CLOSE_WAIT" || bad "ladder #15" "$(lrow '#15 ')"
lrow '#16 .*TIME_WAIT .*F\. .*LAST_ACK' >/dev/null && ok "ladder #16: TIME_WAIT / LAST_ACK" || bad "ladder #16" "$(lrow '#16 ')"
lrow '#17 .*-> CLOSED' >/dev/null && ok "ladder #17: server CLOSED on the last ACK" || bad "ladder #17" "$(lrow '#17 ')"
keys q
keys s
screen | grep -q 'GET / HTTP/1.1' && ok "stream view: the request" || bad "stream view"
screen_e | grep -q 'HTTP/1.1 200 OK' && ok "stream view: the response" || bad "stream response"
keys x
screen | grep -qE '^00000000  47 45 54 20' && ok "stream view: hex" || bad "stream hex"
keys q q
screen | grep -qE '^No\. ' && ok "q, q: back to the main screen" || bad "back to main"

# ---- display filter -------------------------------------------------------
if "$strata" --no-stats -r "$cap" -Y http >/dev/null 2>&1; then
    nf=$("$strata" --no-stats -r "$cap" -Y http | wc -l)
    keys f
    tm send-keys -t tui 'http' Enter
    wait_for "shown $nf " && ok "filter http: shown $nf" || bad "filter http" "$(screen | tail -1)"
    keys f C-u
    tm send-keys -t tui 'tcp.port == ' Enter
    sleep 0.3
    screen | tail -1 | grep -qE 'column [0-9]+' && screen | tail -1 | grep -q "filter: http" &&
        ok "a bad filter: the column in the status bar, the old filter kept" || bad "bad filter" "$(screen | tail -1)"
    keys f C-u Enter
else
    keys f
    tm send-keys -t tui 'tcp.port == ' Enter
    sleep 0.3
    screen | tail -1 | grep -qE 'column [0-9]+' && ok "a filter that cannot be used: the column in the status bar" ||
        bad "filter error" "$(screen | tail -1)"
fi

# ---- 80x24 ----------------------------------------------------------------
tm resize-window -t tui -x 80 -y 24
sleep 0.4
screen > "$tmp/small"
[ "$(wc -l < "$tmp/small")" -eq 24 ] && ok "resized to 24 rows" || bad "24 rows" "$(wc -l < "$tmp/small")"
grep -qE '^No\. ' "$tmp/small" && grep -q 'L4 Transport' "$tmp/small" && grep -qE '^0000  ' "$tmp/small" &&
    tail -1 "$tmp/small" | grep -q "read $npk" && ok "80x24: list, stack, bytes, status bar" ||
    bad "80x24" "$(cat "$tmp/small")"
awk 'length > 80 { exit 1 }' "$tmp/small" && ok "80x24: no line wider than 80" || bad "80x24 width"

# ---- quit: the terminal restored ------------------------------------------
keys q
sleep 0.3
[ "$(alt_on)" = 0 ] && ok "q: alternate screen left" || bad "q: alternate screen left"
screen | grep -q 'STRATA_EXIT=0' && ok "q: exit status 0" || bad "q: exit status" "$(screen | grep STRATA_EXIT)"

# Ctrl-C and SIGTERM restore the terminal too
start "$cap"
wait_for "read $npk" >/dev/null
keys C-c
sleep 0.3
[ "$(alt_on)" = 0 ] && screen | grep -q 'STRATA_EXIT=' && ok "Ctrl-C: terminal restored" || bad "Ctrl-C"
start "$cap"
wait_for "read $npk" >/dev/null
pid=$(pgrep -n -f -- "--tui -r $cap" || true)
[ -n "$pid" ] && kill -TERM "$pid"
sleep 0.4
[ "$(alt_on)" = 0 ] && screen | grep -q 'STRATA_EXIT=' && ok "SIGTERM: terminal restored" || bad "SIGTERM"

check_stderr
# a crash signal: the terminal given back, then the signal's own end
start "$cap"
wait_for "read $npk" >/dev/null
pid=$(pgrep -n -f -- "--tui -r $cap" || true)
[ -n "$pid" ] && kill -SEGV "$pid"
wait_for 'STRATA_EXIT=' >/dev/null
[ "$(alt_on)" = 0 ] && screen | grep -qE 'STRATA_EXIT=(139|1)' && ok "SIGSEGV: terminal restored, killed by the signal" ||
    bad "SIGSEGV" "$(screen | grep -v '^$' | tail -3)"
: > "$tmp/stderr" # (a sanitizer's report of the SEGV sent above is expected)

# ---- colours degrade --------------------------------------------------------
start "$cap" NO_COLOR=1
wait_for "read $npk" >/dev/null
keys j j j
screen_e | grep -aP '^(\x1b\[[0-9;]*m)*00[0-9a-f]0  ' > "$tmp/nocolor"
! grep -qE $'\x1b\\[(3[0-7]|38;5;[0-9]+)m' "$tmp/nocolor" && grep -q $'\x1b\\[' "$tmp/nocolor" &&
    ok "NO_COLOR: attributes, no colours" || bad "NO_COLOR"
keys q
start "$cap" TERM=xterm
wait_for "read $npk" >/dev/null
keys j j j
screen_e | grep -aP '^(\x1b\[[0-9;]*m)*00[0-9a-f]0  ' > "$tmp/eight"
grep -qE $'\x1b\\[3[0-7]m' "$tmp/eight" && ! grep -q $'\x1b\\[38;5;' "$tmp/eight" && ok "8 colours: the basic ones" ||
    bad "8 colours"
keys q

# ---- F: a capture filter (BPF), the file indexed again with it -----------
bc=$root/captures/any-sll2.pcap
ball=$("$strata" --no-stats -r "$bc" | wc -l)
budp=$("$strata" --no-stats -r "$bc" udp | wc -l)
# the first UDP packet's place in the file: the number the list shows
bfirst=$("$strata" --no-stats --json -r "$bc" udp | head -1 | grep -oE '"frame":[0-9]+' | cut -d: -f2)
bicmp=$("$strata" --no-stats -r "$bc" -Y icmp | wc -l)
start "$bc"
wait_for "read $ball \\| shown $ball" || bad "capture filter: read $ball" "$(screen | tail -1)"
keys F
screen | tail -1 | grep -q 'capture filter (BPF):' && ok "F: the capture filter prompt" || bad "F prompt" "$(screen | tail -1)"
tm send-keys -t tui 'udp' Enter
if wait_for "read $budp \\| shown $budp \\| capture: udp"; then ok "F udp: read $budp (as -r FILE udp), the filter in the status bar"
else bad "F udp" "$(screen | tail -1)"; fi
screen | grep -qE "^$bfirst +[0-9.]+ .*UDP" && ok "F udp: packets keep their place in the file ($bfirst)" ||
    bad "F udp: numbering" "$(screen | sed -n 2,3p)"
keys F C-u
tm resize-window -t tui -x 200 -y 40
tm send-keys -t tui 'udp and' Enter
sleep 0.3
screen | tail -1 | grep -q "capture filter: can't parse filter expression: syntax error (unchanged)" && screen | tail -1 | grep -q "read $budp .*capture: udp" &&
    ok "a bad capture filter: pcap's message in the status bar, the old filter kept" || bad "bad capture filter" "$(screen | tail -1)"
# a display filter stays, on top of the capture filter
keys f
tm send-keys -t tui 'icmp' Enter
wait_for "read $budp \\| shown 0 \\| capture: udp \\| filter: icmp" && ok "a display filter on top of the capture filter" ||
    bad "display filter on a capture filter" "$(screen | tail -1)"
keys F C-u Enter
if wait_for "read $ball \\| shown $bicmp \\| filter: icmp"; then ok "F, empty: the capture filter cleared, the display filter kept"
else bad "capture filter cleared" "$(screen | tail -1)"; fi
screen | tail -1 | grep -q 'capture:' && bad "capture filter cleared: still in the status bar" "$(screen | tail -1)"
keys f C-u Enter
wait_for "read $ball \\| shown $ball" && ok "both filters cleared: read $ball, shown $ball" || bad "both cleared" "$(screen | tail -1)"
keys q
# the capture filter given on the command line: the same list
tm kill-session -t tui 2>/dev/null
tm new-session -d -s tui -x 120 -y 40 \
    "env TERM=xterm-256color '$strata' --tui -r '$bc' udp 2>>'$tmp/stderr'; echo STRATA_EXIT=\$?; sleep 60"
wait_for "read $budp \\| shown $budp \\| capture: udp" && screen | grep -qE "^$bfirst +[0-9.]+ .*UDP" &&
    ok "-r FILE udp: the same list and status bar as F udp" || bad "-r FILE udp" "$(screen | sed -n 2p; screen | tail -1)"
keys q

# ---- pcapng with several interfaces: every packet read again from its offset
ng=$root/captures/multi-if.pcapng
nng=$("$strata" --no-stats -r "$ng" | wc -l)
start "$ng"
if wait_for "read $nng \\| shown $nng"; then
    good=0
    screen > "$tmp/ng"
    mapfile -t lines < <("$strata" --no-stats -t -r "$ng" | head -n 30)
    for line in "${lines[@]}"; do
        info=${line#IP * > *: }
        info=${info#IP6 * > *: }
        grep -qF -- "${info:0:30}" "$tmp/ng" && good=$((good + 1))
    done
    [ "$good" -eq "$nng" ] && ok "pcapng: all $nng rows as the one-line view has them" || bad "pcapng rows" "$good of $nng"
else
    bad "pcapng: read $nng" "$(screen | tail -1)"
fi
keys q

# ---- a capture cut off: the packets before the cut, and why it stopped
head -c 3000 "$cap" > "$tmp/cut.pcap"
start "$tmp/cut.pcap"
if wait_for 'read 9 \| shown 9'; then
    keys G
    screen | tail -1 | grep -q 'stopped: capture cut off in the middle of packet 10' &&
        screen | grep -qE '^9 +0\.000' && ok "a cut capture: 9 packets and the reason in the status bar" ||
        bad "cut capture" "$(screen | tail -1)"
else
    bad "cut capture" "$(screen | tail -1)"
fi
keys q

# ---- the ladders of a refused connection and one the server closes ---------
start "$root/captures/tcp-refused.pcap"
wait_for "read 2" >/dev/null
keys c Enter
screen > "$tmp/refused"
keys l l l l l
screen > "$tmp/refused-right"
grep -qE 'conn_state REJ' "$tmp/refused" && grep -qE '#1 .*SYN_SENT' "$tmp/refused" &&
    grep -qE '#2 .*CLOSED +x-+ R\. .*reset' "$tmp/refused" && grep -q 'ECONNREFUSED' "$tmp/refused-right" &&
    ok "refused: REJ, SYN_SENT, then the reset: CLOSED, ECONNREFUSED" || bad "refused ladder" "$(head -12 "$tmp/refused")"
keys q q q
start "$root/captures/tcp-server-closes.pcap"
wait_for "read " >/dev/null
keys c Enter
screen > "$tmp/srvclose"
grep -qE '#8 .*CLOSE_WAIT .*<-+ F\. .*FIN_WAIT_1' "$tmp/srvclose" && grep -qE '#9 .*LAST_ACK .*F\. .*TIME_WAIT' "$tmp/srvclose" &&
    grep -qE '#10 .*CLOSED +<-' "$tmp/srvclose" &&
    ok "server closes first: FIN_WAIT_1 / CLOSE_WAIT, TIME_WAIT / LAST_ACK, CLOSED" || bad "server-closes ladder" "$(head -16 "$tmp/srvclose")"
keys q q q

# ---- live, in a network namespace of its own: packets appear as sent ------
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ping >/dev/null &&
    unshare -n true 2>/dev/null; then
    tm kill-session -t tui 2>/dev/null
    tm new-session -d -s tui -x 120 -y 40 \
        "unshare -n sh -c 'ip link set lo up; (sleep 1; ping -c 30 -i 0.3 127.0.0.1 >/dev/null) & env TERM=xterm-256color $strata --tui -i lo 2>>$tmp/stderr'; echo STRATA_EXIT=\$?; sleep 60"
    if wait_for 'ICMP echo request id [0-9]+ seq 1'; then
        ok "live: the first ping appears"
        n1=$(screen | grep -c 'ICMP echo re')
        sleep 1.2
        n2=$(screen | grep -c 'ICMP echo re')
        [ "$n2" -gt "$n1" ] && ok "live: more packets appear while they are sent ($n1, then $n2)" ||
            bad "live: packets appear" "$n1 then $n2"
        screen | tail -1 | grep -qE '^ lo \| read [0-9]+ \| shown [0-9]+ \| dropped 0' && ok "live: status bar" ||
            bad "live status bar" "$(screen | tail -1)"
        # F: the capture filter on the live handle; the ring keeps its packets
        keys F
        tm send-keys -t tui 'udp' Enter
        sleep 0.5
        r1=$(screen | tail -1 | grep -oE 'read [0-9]+')
        sleep 1
        r2=$(screen | tail -1 | grep -oE 'read [0-9]+')
        [ -n "$r1" ] && [ "$r1" = "$r2" ] && screen | tail -1 | grep -q 'capture: udp' &&
            [ "$(screen | grep -c 'ICMP echo re')" -gt 0 ] &&
            ok "live: F udp stops the pings ($r1), the ring keeps them" || bad "live: F udp" "$r1 then $r2; $(screen | tail -1)"
        keys F C-u
        tm send-keys -t tui 'udp and' Enter
        sleep 0.3
        screen | tail -1 | grep -q "capture filter: can't parse" && screen | tail -1 | grep -q 'capture: udp' &&
            ok "live: a bad capture filter, the old one kept" || bad "live: bad capture filter" "$(screen | tail -1)"
        keys F C-u Enter
        sleep 1
        r3=$(screen | tail -1 | grep -oE 'read [0-9]+')
        [ "${r3#read }" -gt "${r2#read }" ] && ! screen | tail -1 | grep -q 'capture:' &&
            ok "live: F, empty: the pings again ($r3)" || bad "live: capture filter cleared" "$r2 then $r3; $(screen | tail -1)"
    else
        bad "live: packets appear" "$(screen | head -5)"
    fi
    keys q
    sleep 0.3
    [ "$(alt_on)" = 0 ] && ok "live: q restores the terminal" || bad "live: q"
else
    echo "skip live: needs root and unshare"
fi

check_stderr

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
