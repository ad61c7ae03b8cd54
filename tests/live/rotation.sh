#!/usr/bin/env bash
# rotation.sh - -w with -C, -W and -G on a live interface, beside tcpdump.
#
# -C 1 (files of a million bytes: FILE, FILE1, FILE2 ...) and -C 1 -W 2 (a
# ring FILE0, FILE1) must produce the files tcpdump produces from the same
# traffic: the same names, byte for byte the same packets.  -G 1 with a
# strftime name makes a file per second that together hold every packet;
# -G 1 -W 2 stops after two files.  strata drops root to nobody, so the
# files it rotates into are created as nobody, in a directory it can write.
#
# usage: rotation.sh STRATA CAPTURES_DIR
LIVE_TAG=rot
source "$(dirname "$0")/lib.sh"
strata=$1 captures=$2

need_tools tcpdump tcpreplay python3
setup_netns
C=$TMP/cap
mkdir -m 1777 "$C/s" "$C/t" "$C/r" "$C/q" "$C/g" "$C/w"

# tcpdump 4.99.3 knows no k/m suffix: -C 1 is a million bytes for both
bg_a /dev/null "$C/s.err" "$strata" -i "$IF_A" -w "$C/s/c.pcap" -C 1
p_s=$BG
bg_a /dev/null "$C/t.err" tcpdump -B 32768 -n -i "$IF_A" -w "$C/t/c.pcap" -C 1
p_t=$BG
bg_a /dev/null "$C/r.err" "$strata" -i "$IF_A" -w "$C/r/c.pcap" -C 1 -W 2
p_r=$BG
bg_a /dev/null "$C/q.err" tcpdump -B 32768 -n -i "$IF_A" -w "$C/q/c.pcap" -C 1 -W 2
p_q=$BG
bg_a /dev/null "$C/g.err" "$strata" -i "$IF_A" -w "$C/g/g-%Y%m%d-%H%M%S.pcap" -G 1
p_g=$BG
bg_a /dev/null "$C/w.err" "$strata" -i "$IF_A" -w "$C/w/w-%H%M%S.pcap" -G 1 -W 2
p_w=$BG
bg_a /dev/null "$C/all.err" tcpdump -B 32768 -n -i "$IF_A" -w "$C/all.pcap"
p_all=$BG
for f in s t r q g w all; do
    wait_for "$C/$f.err" "listening on" || bad "$f capture started" "$(cat "$C/$f.err")"
done

# about 3.7 MB over 3 seconds: 18,800 frames of the http capture
out=$(in_b tcpreplay --pps 6000 --loop 400 -i "$IF_B" "$captures/http.pcap" 2>&1) \
    && ok "tcpreplay: $(echo "$out" | grep -o 'Actual: [0-9]* packets ([0-9]* bytes)')" || bad "tcpreplay" "$out"
sleep 1.5 # tcpdump's last ring block is retired within its 1 s timeout

# -G 1 -W 2 has stopped on its own, after its second file
for ((i = 0; i < 100; i++)); do kill -0 "$p_w" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$p_w" 2>/dev/null; then
    bad "-G 1 -W 2 stops after 2 files" "still running"
    stop "$p_w"
else
    wait "$p_w"
    rc=$?
    n=$(ls "$C/w" | wc -l)
    [ "$rc" -eq 0 ] && [ "$n" -eq 2 ] && grep -q "maximum file limit reached: 2" "$C/w.err" \
        && ok "-G 1 -W 2: stopped by itself after 2 files ($(ls "$C/w" | paste -sd' ')), exit 0" \
        || bad "-G 1 -W 2" "rc=$rc files=$n $(cat "$C/w.err")"
fi
for p in "$p_s" "$p_r" "$p_g" "$p_t" "$p_q" "$p_all"; do stop "$p" INT; done
# a comparison means something only if nobody dropped a packet
for f in s r g t q all; do
    grep -q "^0 packets dropped by kernel" "$C/$f.err" || bad "no drop ($f)" "$(tail -4 "$C/$f.err")"
done

# -C: tcpdump's names, tcpdump's bytes
names_s=$(ls "$C/s" | paste -sd' ') names_t=$(ls "$C/t" | paste -sd' ')
[ "$names_s" = "$names_t" ] && [ "$(ls "$C/s" | wc -l)" -ge 3 ] && ok "-C 1: the files tcpdump makes: $names_s" \
    || bad "-C 1 names" "strata: $names_s; tcpdump: $names_t"
for f in "$C"/t/*; do
    b=$(basename "$f")
    if out=$($PCAPCMP same "$C/s/$b" "$f" 2>&1); then :; else bad "-C 1: $b" "$out"; fi
done
s_files=$(ls "$C"/s/* | sort -V | paste -sd,)
check "-C 1: every file valid pcap, the same packets as tcpdump's, together all of them" \
    $PCAPCMP concat "$s_files" "$C/all.pcap"
over=""
for f in $(ls "$C"/s/* | sort -V | head -n -1); do
    sz=$(stat -c %s "$f")
    [ "$sz" -gt 1000000 ] && [ "$sz" -lt 1100000 ] || over="$over $(basename "$f"):$sz"
done
[ -z "$over" ] && ok "-C 1: each full file just over 1,000,000 bytes, as tcpdump's" || bad "-C 1 sizes" "$over"

# -C -W: the ring
names_r=$(ls "$C/r" | paste -sd' ') names_q=$(ls "$C/q" | paste -sd' ')
[ "$names_r" = "c.pcap0 c.pcap1" ] && [ "$names_r" = "$names_q" ] && ok "-C 1 -W 2: a ring of 2 files: $names_r" \
    || bad "-C 1 -W 2 names" "strata: $names_r; tcpdump: $names_q"
for b in c.pcap0 c.pcap1; do
    out=$($PCAPCMP same "$C/r/$b" "$C/q/$b" 2>&1) && ok "-C 1 -W 2: $b as tcpdump's" || bad "-C 1 -W 2: $b" "$out"
done

# -G: a file per second, named by strftime, holding every packet between them
g_files=$(ls "$C"/g/* | sort | paste -sd,)
n_g=$(ls "$C/g" | wc -l)
bad_names=$(ls "$C/g" | grep -v '^g-[0-9]\{8\}-[0-9]\{6\}\.pcap$')
[ "$n_g" -ge 3 ] && [ -z "$bad_names" ] && ok "-G 1: $n_g files named g-%Y%m%d-%H%M%S.pcap" \
    || bad "-G 1 files" "$(ls "$C/g")"
check "-G 1: every file valid, together the packets tcpdump saw" $PCAPCMP concat "$g_files" "$C/all.pcap"
check "-G 1 -W 2: both files valid pcap" $PCAPCMP valid "$C"/w/*

# ownership: the first file given to nobody, the rotated ones made by it
owners=$(stat -c %U "$C"/s/* "$C"/g/* | sort -u | paste -sd' ')
[ "$owners" = nobody ] && ok "rotated files all belong to nobody (strata ran as nobody)" || bad "owners" "$owners"

finish
