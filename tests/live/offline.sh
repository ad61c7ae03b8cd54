#!/usr/bin/env bash
# offline.sh - the parts of live capture that need no interface and no
# root, so they run everywhere: -w from a file (-r) against tcpdump -r -w,
# -w - into a pipe, --print, precision kept or chosen, a read error that
# leaves a valid file, and the option errors (one line, exit 2).
#
# usage: offline.sh STRATA CAPTURES_DIR
set -u
export LC_ALL=C
strata=$1 captures=$2
here=$(cd "$(dirname "$0")" && pwd)
PCAPCMP="python3 $here/pcapcmp.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'; return 0; }
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }

http=$captures/http.pcap

# -r -w: the packets the filter lets through, as tcpdump writes them
if command -v tcpdump >/dev/null; then
    for f in http.pcap dns-udp.pcap dns-tcp.pcap any-sll2.pcap; do
        "$strata" -r "$captures/$f" -w "$tmp/s.pcap" tcp or udp 2>/dev/null
        tcpdump -r "$captures/$f" -w "$tmp/t.pcap" tcp or udp 2>/dev/null
        if cmp -s "$tmp/s.pcap" "$tmp/t.pcap"; then
            ok "-r $f -w (filter 'tcp or udp'): byte for byte tcpdump -r -w's file ($($PCAPCMP count "$tmp/s.pcap") packets)"
        else
            bad "-r $f -w vs tcpdump" "$($PCAPCMP same "$tmp/s.pcap" "$tmp/t.pcap" 2>&1)"
        fi
    done
else
    echo "note: tcpdump not installed, -r -w compared with strata's own reading only"
fi
n=$("$strata" --no-stats -r "$http" tcp port 80 | wc -l)
"$strata" -r "$http" -w "$tmp/f.pcap" tcp port 80 2> "$tmp/f.err"
[ "$($PCAPCMP count "$tmp/f.pcap")" = "$n" ] && grep -q "^$n packets written$" "$tmp/f.err" \
    && ok "-r -w with a filter: the $n packets strata would print, and says so" || bad "-r -w count" "$(cat "$tmp/f.err")"
"$strata" --no-stats -r "$http" -c 5 -w "$tmp/c.pcap"
[ "$($PCAPCMP count "$tmp/c.pcap")" = 5 ] && ok "-c 5 -w: 5 packets written" || bad "-c 5 -w"

# -w -: into a pipe, for strata or tcpdump
a=$("$strata" --no-stats -r "$http" -w - | "$strata" --no-stats -r - | md5sum)
b=$("$strata" --no-stats -r "$http" | md5sum)
[ "$a" = "$b" ] && ok "-w - | strata -r -: the same output as reading the file" || bad "-w - pipe"
if "$strata" -r "$http" -w - 2>/dev/null | $PCAPCMP same /dev/stdin "$http" >/dev/null; then
    ok "-w - writes a valid pcap stream"
else
    bad "-w - stream"
fi

# --print: written and shown
"$strata" --no-stats -r "$http" -w "$tmp/p.pcap" --print > "$tmp/p.txt"
[ "$(wc -l < "$tmp/p.txt")" = "$("$strata" --no-stats -r "$http" | wc -l)" ] && $PCAPCMP same "$tmp/p.pcap" "$http" >/dev/null \
    && ok "--print: every packet written and printed" || bad "--print"

# timestamp precision: a file keeps its own unless asked
"$strata" -r "$captures/nano.pcap" -w "$tmp/n.pcap" 2>/dev/null
"$strata" -r "$captures/nano.pcap" -w "$tmp/m.pcap" --micro 2>/dev/null
"$strata" -r "$http" -w "$tmp/u.pcap" --time-stamp-precision=nano 2>/dev/null
[ "$($PCAPCMP magic "$tmp/n.pcap")" = nano ] && [ "$($PCAPCMP magic "$tmp/m.pcap")" = micro ] \
    && [ "$($PCAPCMP magic "$tmp/u.pcap")" = nano ] && ok "-w precision: nanosecond input stays so; --micro and --nano choose" \
    || bad "-w precision" "$($PCAPCMP magic "$tmp/n.pcap") $($PCAPCMP magic "$tmp/m.pcap") $($PCAPCMP magic "$tmp/u.pcap")"

# -C from a file: tcpdump's names (FILE, FILE1, ...), each file valid
"$strata" -r "$http" -w "$tmp/rot.pcap" -C 4k 2>/dev/null
files=$(cd "$tmp" && ls rot.pcap* | sort -V | paste -sd' ')
[ "$files" = "rot.pcap rot.pcap1 rot.pcap2" ] && $PCAPCMP concat "$(cd "$tmp" && ls rot.pcap* | sort -V | sed "s|^|$tmp/|" | paste -sd,)" "$http" >/dev/null \
    && ok "-C 4k from a file: $files, together the whole capture" || bad "-C 4k" "$files"

# a capture cut off in the middle: exit 1, and the -w file holds the packets before
size=$(stat -c %s "$http")
head -c $((size - 10)) "$http" > "$tmp/cut.pcap"
"$strata" -r "$tmp/cut.pcap" -w "$tmp/cut-out.pcap" 2> "$tmp/cut.err"
rc=$?
n=$($PCAPCMP count "$tmp/cut-out.pcap" 2>&1)
want=$(($("$strata" --no-stats -r "$http" | wc -l) - 1))
[ "$rc" -eq 1 ] && [ "$n" = "$want" ] && grep -q "capture cut off" "$tmp/cut.err" \
    && ok "cut-off input: exit 1, the -w file valid with the $n packets before the cut" || bad "cut-off input" "rc=$rc n=$n $(cat "$tmp/cut.err")"

# option errors: one line, exit 2
usage_error() {
    local name=$1 re=$2
    shift 2
    local err rc
    err=$("$strata" "$@" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s\n' "$err" | grep -Eq "$re"; then
        ok "$name: $err"
    else
        bad "$name" "exit $rc: $err"
    fi
}
usage_error "-i with -r" "^strata: -i and -r cannot be combined" -r "$http" -i lo
usage_error "-C without -w" "^strata: -C, -G and -W rotate the file -w writes" -r "$http" -C 1
usage_error "-W alone" "^strata: -W needs -C" -r "$http" -w "$tmp/x.pcap" -W 3
usage_error "-C 0" "^strata: -C 0: file size" -r "$http" -w "$tmp/x.pcap" -C 0
usage_error "-C 5x" "^strata: -C 5x: file size" -r "$http" -w "$tmp/x.pcap" -C 5x
usage_error "-G 0" "^strata: -G 0: rotation period" -r "$http" -w "$tmp/x.pcap" -G 0
usage_error "-W 0" "^strata: -W 0: file count" -r "$http" -w "$tmp/x.pcap" -C 1 -W 0
usage_error "-w - with --print" "^strata: --print cannot be combined with -w -" -r "$http" -w - --print
usage_error "-w - with -C" "^strata: -w -: standard output cannot be rotated" -r "$http" -w - -C 1
usage_error "-s 300000" "^strata: -s 300000: snapshot length out of range" -s 300000 -r "$http"
usage_error "-Q sideways" "^strata: -Q sideways: direction must be in, out or inout" -Q sideways -r "$http"
usage_error "-B 0" "^strata: -B 0: buffer size" -B 0 -r "$http"
usage_error "--time-stamp-precision=pico" "^strata: --time-stamp-precision pico: expected nano or micro" --time-stamp-precision=pico -r "$http"
[ ! -e "$tmp/x.pcap" ] && ok "no -w file made by a usage error" || bad "usage error left $tmp/x.pcap"

# -w where nothing can be written: one line, exit 1, no file
err=$("$strata" -r "$http" -w "$tmp/none/x.pcap" 2>&1); rc=$?
[ "$rc" -eq 1 ] && [ "$err" = "strata: $tmp/none/x.pcap: No such file or directory" ] \
    && ok "-w into a missing directory: $err" || bad "-w missing directory" "rc=$rc $err"

# --help names the live options
"$strata" --help | grep -q -- "-w FILE" && "$strata" --help | grep -q -- "--immediate" \
    && ok "--help documents the live options" || bad "--help"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
