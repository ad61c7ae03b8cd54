#!/usr/bin/env bash
# cli.sh - the front-end's promises: options, filters, stdin, and bad input
# (one line naming the file and the reason, non-zero exit, every packet
# read before the fault still printed).
# usage: cli.sh STRATA
set -u
strata=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "     $2"; }

cap=$root/captures/http.pcap
[ -f "$cap" ] || cap=$(ls "$root"/captures/*.pcap | head -n 1)
npk=$("$strata" --no-stats -r "$cap" | wc -l)
[ "$npk" -gt 5 ] && ok "reads $(basename "$cap") ($npk packets)" || bad "reads a capture" "$npk lines"

# -c N
n=$("$strata" --no-stats -c 3 -r "$cap" | wc -l)
[ "$n" -eq 3 ] && ok "-c 3 prints 3 packets" || bad "-c 3" "got $n"

# stdin
n=$("$strata" --no-stats -r - < "$cap" | wc -l)
[ "$n" -eq "$npk" ] && ok "-r - reads stdin" || bad "-r - reads stdin" "got $n, want $npk"

# filter applied while reading
n_tcp=$("$strata" --no-stats -r "$cap" tcp | wc -l)
n_not=$("$strata" --no-stats -r "$cap" not tcp | wc -l)
[ $((n_tcp + n_not)) -eq "$npk" ] && [ "$n_tcp" -gt 0 ] && ok "filter: tcp + not tcp = all" \
    || bad "filter split" "tcp $n_tcp + not tcp $n_not != $npk"
if "$strata" --no-stats -r "$cap" tcp port 80 | grep -qv '\.80[ :]'; then
    bad "filter 'tcp port 80' lets through only port 80"
else
    ok "filter 'tcp port 80' lets through only port 80"
fi

# invalid filter: one line, non-zero, names the file
out=$("$strata" --no-stats -r "$cap" tcp port nonsense 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "$cap" \
    && ok "invalid filter: $out" || bad "invalid filter" "rc=$rc: $out"

# missing file
out=$("$strata" -r "$tmp/nope.pcap" 2>&1); rc=$?
[ $rc -ne 0 ] && [ "$out" = "strata: $tmp/nope.pcap: No such file or directory" ] \
    && ok "missing file: $out" || bad "missing file" "rc=$rc: $out"

# not a capture
echo "hello, world, this is not a capture file" > "$tmp/text.pcap"
out=$("$strata" -r "$tmp/text.pcap" 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "^strata: $tmp/text.pcap: not a pcap or pcapng capture" \
    && ok "not a capture: $out" || bad "not a capture" "rc=$rc: $out"

# empty file
: > "$tmp/empty.pcap"
out=$("$strata" -r "$tmp/empty.pcap" 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "empty file" && ok "empty file: $out" || bad "empty file" "rc=$rc: $out"

# cut off in the middle of a record: everything before is printed
size=$(stat -c %s "$cap")
head -c $((size - 10)) "$cap" > "$tmp/cut.pcap"
lines=$("$strata" --no-stats -r "$tmp/cut.pcap" 2>"$tmp/err" | wc -l); rc=$?
rc=$("$strata" --no-stats -r "$tmp/cut.pcap" >/dev/null 2>&1; echo $?)
err=$(cat "$tmp/err")
[ "$rc" -ne 0 ] && [ "$lines" -eq $((npk - 1)) ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] \
    && echo "$err" | grep -q "^strata: $tmp/cut.pcap: capture cut off in the middle of packet $npk" \
    && ok "cut-off capture: $lines packets printed, then: $err" \
    || bad "cut-off capture" "rc=$rc lines=$lines (want $((npk - 1))): $err"

# usage error: -r without its file (no -r at all is a live capture now)
"$strata" -r >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "-r without a file: usage error (exit 2)" || bad "-r without a file" "rc=$rc"

# --help, --version, man page
"$strata" --help | grep -q -- "--json" && ok "--help" || bad "--help"
"$strata" --version | grep -q "^strata [0-9]" && ok "--version" || bad "--version"
if command -v man >/dev/null && [ -f "$root/strata.1" ]; then
    MANWIDTH=80 man -l "$root/strata.1" 2>/dev/null | grep -q "OSI" && ok "man page renders" || bad "man page renders"
else
    grep -q '^\.TH STRATA 1' "$root/strata.1" && ok "man page present" || bad "man page present"
fi

# JSON: every line is an object of type packet with the frame numbers in order
if command -v python3 >/dev/null; then
    "$strata" --no-stats --json -r "$cap" > "$tmp/j"
    python3 - "$tmp/j" <<'PY' && ok "--json: valid JSON Lines, frames 1..N" || bad "--json validity"
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
assert all(f["type"] == "packet" for f in frames)
assert [f["frame"] for f in frames] == list(range(1, len(frames) + 1))
assert all(len(f["ts"].split(".")[1]) == 9 for f in frames)
PY
fi

# colour: never by default into a pipe; always on request; NO_COLOR respected
"$strata" --no-stats -x -r "$cap" -c 1 | grep -q $'\033\[' && bad "no colour into a pipe" || ok "no colour into a pipe"
"$strata" --no-stats -x --color=always -r "$cap" -c 1 | grep -q $'\033\[' && ok "--color=always" || bad "--color=always"

# statistics on stderr
"$strata" -r "$cap" 2>&1 >/dev/null | grep -q "^$npk packets read" && ok "end-of-run statistics" || bad "statistics"

# TCP sequence numbers relative as tcpdump prints them (and absolute with
# -S), SACK blocks included: the same numbers as tcpdump on every capture
# with TCP
if command -v tcpdump >/dev/null; then
    nums() { grep -o "seq [0-9:]*\|ack [0-9]*\|sack [0-9] [{}0-9:]*"; }
    for c in http tcp-lossy-download dns-tcp http-ipv6 tcp-server-reset; do
        for S in "" -S; do
            if cmp -s <(tcpdump $S -nn -r "$root/captures/$c.pcap" 2>/dev/null | nums) \
                      <("$strata" $S --no-stats -r "$root/captures/$c.pcap" | nums); then
                ok "seq/ack/sack as tcpdump ${S:-(relative)} on $c"
            else
                bad "seq/ack/sack as tcpdump ${S:-(relative)} on $c"
            fi
        done
    done
fi

# -v labels stay in their columns across output-buffer flushes: the
# capture's packets repeated until -v writes a few MB
python3 - "$cap" "$tmp/big.pcap" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as out:
    out.write(data[:24])
    for _ in range(400):
        out.write(data[24:])
PY
bad_labels=$("$strata" --no-stats -v -r "$tmp/big.pcap" | grep -E '^  L[1-7] ' | awk 'substr($0, 19, 1) != "[" || substr($0, 32, 1) != " " || substr($0, 33, 1) == " "' | wc -l)
[ "$bad_labels" -eq 0 ] && ok "-v labels aligned across buffer flushes" || bad "-v labels aligned" "$bad_labels misaligned"

# ---- tcpdump's output options (-e, -A, -X, -ttt, -ttttt, -l, -N) -----------
# Where the format is tcpdump's, the text is compared with tcpdump's own on
# the same capture: for -e the link-level part of each line, for -A and -X
# the lines under each packet, for -ttt and -ttttt the timestamp column.
cmp_tcpdump() { # link|payload|time CAPTURE OPTION...
    local what=$1 capf=$2
    shift 2
    if ! command -v tcpdump >/dev/null; then
        ok "$*: $(basename "$capf") (skipped: no tcpdump)"
        return
    fi
    if out=$(python3 - "$strata" "$what" "$capf" "$@" <<'PY' 2>&1
import os, re, subprocess, sys
strata, what, cap, opts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
env = dict(os.environ, TZ="UTC")
nano = ["--nano"] if "nano" in cap else []
t = subprocess.run(["tcpdump", "-nn"] + nano + opts + ["-r", cap], capture_output=True, env=env)
s = subprocess.run([strata, "--no-stats", "--color=never"] + opts + ["-r", cap], capture_output=True, env=env)
assert s.returncode == 0, s.stderr
t, s = t.stdout.decode("latin1"), s.stdout.decode("latin1")
head = re.compile(r"^([- ]\d\d|\d\d):\d\d:\d\d\.\d{6,9} ")
def packets(out):  # [(line, [lines under it])]
    p = []
    for line in out.split("\n"):
        if head.match(line):
            p.append((line, []))
        elif p and (line or p[-1][1]):
            p[-1][1].append(line)
    return p
tp, sp = packets(t), packets(s)
assert len(tp) == len(sp) and tp, "%d packets, tcpdump %d" % (len(sp), len(tp))
for i, ((tl, tu), (sl, su)) in enumerate(zip(tp, sp), 1):
    if what == "link":
        m = re.match(r"^(\S+ )(\S+\s+(?=\S+\s+ifindex))?(.*?length \d+: (?:vlan [^,]*, p \d+, (?:DEI, )?ethertype [^,]*, )*)", tl)
        want = m.group(1) + m.group(3)  # SLL2: without tcpdump's interface name
        assert sl.startswith(want) and not sl[len(want):].startswith("IP"), "packet %d:\n%s\n%s" % (i, tl, sl)
    elif what == "time":
        assert sl.split(" ")[:2] == tl.split(" ")[:2], "packet %d: %r, tcpdump %r" % (i, sl[:20], tl[:20])
    else:
        assert su == tu, "packet %d:\n%s\ntcpdump:\n%s" % (i, "\n".join(su), "\n".join(tu))
print(len(sp))
PY
    ); then
        ok "$*: as tcpdump on $(basename "$capf") ($out packets)"
    else
        bad "$*: as tcpdump on $(basename "$capf")" "$out"
    fi
}
for c in http vlan any-sll2 loopback arp; do
    cmp_tcpdump link "$root/captures/$c.pcap" -e
done
for o in -A -AA -X -XX; do
    cmp_tcpdump payload "$cap" "$o"
done
cmp_tcpdump payload "$root/captures/vlan.pcap" -X
cmp_tcpdump payload "$root/captures/dns-udp.pcap" -A
for t in -ttt -ttttt; do
    cmp_tcpdump time "$cap" "$t"
    cmp_tcpdump time "$root/captures/nano.pcap" "$t"
    cmp_tcpdump time "$root/captures/tcp-lossy-download.pcap" "$t"
done
out=$("$strata" --no-stats -e -r "$cap" -c 1)
[ "${out#*:*:* }" = "02:53:54:00:00:01 > 02:53:54:00:00:02, ethertype IPv4 (0x0800), length 74: 10.99.0.1.55672 > 10.99.0.2.80: ${out#*10.99.0.2.80: }" ] \
    && ok "-e: the link-level header, then the addresses without 'IP '" || bad "-e first line" "$out"
# -X wins over -x and -A, as in tcpdump; none of them with --json
[ "$("$strata" --no-stats -X -x -A -r "$cap")" = "$("$strata" --no-stats -X -r "$cap")" ] \
    && ok "-X takes precedence over -x and -A" || bad "-X precedence"
[ "$("$strata" --no-stats -xx -r "$cap")" = "$("$strata" --no-stats -x -r "$cap")" ] \
    && ok "-xx is -x" || bad "-xx is -x"
for o in -X -A; do
    out=$("$strata" --no-stats --json "$o" -r "$cap" 2>&1 >/dev/null); rc=$?
    [ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && ok "$o --json refused: $out" || bad "$o --json" "rc=$rc: $out"
done
# -n, -nn, -N: accepted, and change nothing
want=$("$strata" --no-stats -r "$cap" | md5sum)
for o in -n -nn -N -nN; do
    [ "$("$strata" --no-stats "$o" -r "$cap" | md5sum)" = "$want" ] && ok "$o changes nothing" || bad "$o changes nothing"
done
# more t's than tcpdump knows, an unknown option, a missing argument: one
# line, exit status 2
for args in "-tttttt" "-9" "-x9" "-9x" "--no-such-option" "-c"; do
    # shellcheck disable=SC2086
    out=$("$strata" --no-stats -r "$cap" $args 2>&1 >/dev/null); rc=$?
    [ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "^strata: " \
        && ok "$args refused: $out" || bad "$args refused in one line" "rc=$rc: $out"
done
# -l: each packet's line comes out before strata has the next packet (a
# capture fed packet by packet through a pipe, each line awaited)
if python3 - "$strata" "$cap" <<'PY'
import os, select, subprocess, sys
strata, cap = sys.argv[1], sys.argv[2]
data = open(cap, "rb").read()
recs, off = [], 24
while off < len(data):
    n = int.from_bytes(data[off + 8:off + 12], "little")
    recs.append(data[off:off + 16 + n])
    off += 16 + n
p = subprocess.Popen([strata, "--no-stats", "-l", "-r", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
p.stdin.write(data[:24])
for i, rec in enumerate(recs[:5], 1):
    p.stdin.write(rec)
    p.stdin.flush()
    if not select.select([p.stdout], [], [], 5)[0]:
        sys.exit("no line for packet %d while strata waits for packet %d" % (i, i + 1))
    line = p.stdout.readline()
    assert line.count(b"\n") == 1, line
p.stdin.close()
p.wait()
PY
then ok "-l: every line is written before the next packet arrives"; else bad "-l: line by line"; fi

# --flow ID (issue 8): the ladder alone, both endpoints' states in textbook
# order, each as it changes (client column, server column, in that order)
ladder_states() { # CAPTURE -> "client: ..." and "server: ..." lines
    "$strata" --no-stats -r "$root/captures/$1" --flow 1 | python3 -c '
import sys
cols = {"client": [], "server": []}
lines = sys.stdin.read().splitlines()
assert lines[0].startswith("flow 1: tcp"), lines[0]
for l in lines:
    if not (l.startswith("  #") or l.startswith("! #") or (l.startswith(" " * 22) and l.strip())):
        continue
    left, right = l[22:36].strip(), l[81:95].strip()
    if left and not left.startswith("("):
        cols["client"].append(left)
    if right:
        cols["server"].append(right)
for k in ("client", "server"):
    print(k + ": " + " ".join(cols[k]))'
}
want_sc="client: CLOSED SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
server: LISTEN SYN_RECEIVED ESTABLISHED FIN_WAIT_1 TIME_WAIT"
got=$(ladder_states tcp-server-closes.pcap)
[ "$got" = "$want_sc" ] && ok "--flow: server closes first, states in textbook order" \
    || bad "--flow: server closes first" "$(echo "$got" | tr '\n' '|')"
want_cc="client: CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT
server: LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"
got=$(ladder_states tcp-client-closes.pcap)
[ "$got" = "$want_cc" ] && ok "--flow: client closes, states in textbook order" \
    || bad "--flow: client closes" "$(echo "$got" | tr '\n' '|')"
want_rf="client: CLOSED SYN_SENT CLOSED
server: CLOSED"
got=$(ladder_states tcp-refused.pcap)
[ "$got" = "$want_rf" ] && ok "--flow: refused, nothing listened (server CLOSED throughout)" \
    || bad "--flow: refused" "$(echo "$got" | tr '\n' '|')"
n=$("$strata" --no-stats -r "$root/captures/tcp-refused.pcap" --flow 1 | grep -c 'IP ')
[ "$n" -eq 0 ] && ok "--flow ID prints the ladder alone" || bad "--flow ID prints packets" "$n lines"
if "$strata" --no-stats -r "$root/captures/tcp-client-closes.pcap" --flow 1 |
    grep -q 'server: accept() returns' &&
    "$strata" --no-stats -r "$root/captures/tcp-client-closes.pcap" --flow 1 |
    grep -q 'client: close(); server: read() returns 0'; then
    ok "--flow: socket calls named (accept() returns, close(), read() returns 0)"
else
    bad "--flow: socket calls named"
fi
# -Y: the display filter (counts as tshark -Y gives them; the differential
# test filter-vs-tshark.sh checks many more against tshark itself)
http=$root/captures/http.pcap dnsu=$root/captures/dns-udp.pcap
ycount() { # CAPTURE EXPR [OPTION...]: packets shown
    local c=$1 e=$2
    shift 2
    "$strata" --no-stats --json -r "$c" -Y "$e" "$@" | wc -l
}
for t in "$http|tcp|47" "$http|http|10" "$http|tcp.port == 80 and tcp.flags.syn == 1|8" \
         "$http|frame.len > 100|13" "$http|ip.addr == 10.99.0.0/24 && !http|37" "$http|udp|0" \
         "$http|http.request.method == \"GET\"|4" "$http|osi == 7|13" \
         "$dnsu|dns|12" "$dnsu|dns.flags.response == 1|6" "$dnsu|dns.qry.type == 28|2" \
         "$dnsu|dns.qry.name contains \"strata\"|12" "$dnsu|dns.qry.name matches \"^www\\\\.\"|4" \
         "$dnsu|dns.resp.name == \"www.strata.test\"|3"; do
    IFS='|' read -r c e want <<<"$t"
    n=$(ycount "$c" "$e")
    [ "$n" -eq "$want" ] && ok "-Y '$e' on $(basename "$c"): $n" || bad "-Y '$e' on $(basename "$c")" "got $n, want $want"
done
n_y=$(ycount "$http" 'tcp.flags.syn == 1') n_n=$(ycount "$http" 'not tcp.flags.syn == 1')
[ $((n_y + n_n)) -eq 47 ] && ok "-Y: x + not x = all" || bad "-Y: x + not x" "$n_y + $n_n"
# every output mode shows the same packets: count each mode's packet lines
want=10
for m in "" "-v" "-x" "-X" "-XX" "-A" "-e" "-q" "-tttt"; do
    # shellcheck disable=SC2086
    n=$("$strata" --no-stats --color=never -r "$http" -Y http $m | grep -cE '^(frame [0-9]+:|[0-9]{2}:|[0-9]{4}-)')
    [ "$n" -eq "$want" ] && ok "-Y http ${m:-(one-line)}: $n packets" || bad "-Y http $m" "got $n, want $want"
done
# -w writes what the filter lets through (as tshark -Y -w)
out=$("$strata" -r "$http" -Y http -w "$tmp/y.pcap" 2>&1 >/dev/null)
n=$("$strata" --no-stats -r "$tmp/y.pcap" | wc -l)
[ "$n" -eq 10 ] && echo "$out" | grep -q '^10 packets written$' && echo "$out" | grep -q '^47 packets read (10 shown)' \
    && ok "-Y http -w: 10 packets written" || bad "-Y -w" "read back $n: $out"
# the flows are all tracked: --flows and --flows-only say the same with -Y
a=$("$strata" --no-stats -r "$http" --flows-only) b=$("$strata" --no-stats -r "$http" --flows-only -Y 'tcp.port == 1')
[ "$a" = "$b" ] && ok "-Y leaves the flow summary whole" || bad "-Y changed --flows-only"
# flow facts
n=$(ycount "$http" 'tcp.state == SYN_SENT')
[ "$n" -eq 4 ] && ok "-Y tcp.state == SYN_SENT: 4" || bad "-Y tcp.state == SYN_SENT" "got $n"
n=$(ycount "$root/captures/tcp-refused.pcap" 'flow.conn_state == "REJ"')
[ "$n" -ge 1 ] && ok "-Y flow.conn_state == \"REJ\": $n" || bad "-Y flow.conn_state == REJ" "got $n"
n=$(ycount "$http" 'flow.id == 2 and flow.dir == "resp"')
[ "$n" -eq 5 ] && ok "-Y flow.id == 2 and flow.dir == resp: 5" || bad "-Y flow.id/dir" "got $n"
# a filter that does not compile: the column, the expression, a caret; exit 2
out=$("$strata" -r "$http" -Y 'tcp.port ==' 2>&1 >/dev/null); rc=$?
exp=$(printf '%s\n' "strata: -Y: column 12: expected a value after '=='" "  tcp.port ==" "             ^")
[ $rc -eq 2 ] && [ "$out" = "$exp" ] && ok "-Y error with its column" || bad "-Y error" "rc=$rc: $out"
out=$("$strata" -r "$http" -Y 'dns or tcp.prot == 80' 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | head -1 | grep -qx "strata: -Y: column 8: unknown field 'tcp.prot'" \
    && ok "-Y unknown field: $(echo "$out" | head -1)" || bad "-Y unknown field" "rc=$rc: $out"
out=$("$strata" -r "$http" -Y 2>&1); rc=$?
[ $rc -eq 2 ] && ok "-Y without an expression refused" || bad "-Y alone" "rc=$rc: $out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
