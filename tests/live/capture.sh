#!/usr/bin/env bash
# capture.sh - strata on a live interface sees exactly what tcpdump sees.
#
# In a namespace of its own, on its end of a veth pair, strata captures
# (with -w, with --json, one line per packet) while tcpdump captures the
# same interface; from the other namespace come real traffic (ping, curl
# to a python web server, dig to a dnsmasq with local records only) and a
# tcpreplay of the project's Ethernet captures.  Then: the same packets, a
# valid -w file identical in content to tcpdump's, every replayed frame
# present, the live text and JSON output equal to what strata prints when
# reading its own -w file, SIGUSR1 and SIGINT statistics, privileges
# dropped (-Z, the default nobody, no capability left), a strata given only
# CAP_NET_RAW and CAP_NET_ADMIN with setcap, and a per-packet path that
# allocates and formats nothing on a live capture either.
#
# usage: capture.sh STRATA CAPTURES_DIR [CALLCOUNT_SO]
LIVE_TAG=cap
source "$(dirname "$0")/lib.sh"
strata=$1 captures=$2 shim=${3:-}

need_tools tcpdump tcpreplay python3 curl dig dnsmasq ping setcap setpriv
setup_netns

# ---- servers in namespace A ---------------------------------------------
mkdir -p "$TMP/www"
echo "hello from the strata live test" > "$TMP/www/hello.txt"
bg_a "$TMP/http.out" "$TMP/http.err" python3 -m http.server --bind "$ADDR_A" --directory "$TMP/www" 8080
bg_a "$TMP/dns.out" "$TMP/dns.err" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
    --no-hosts --bind-interfaces --listen-address="$ADDR_A" --port=53 --user=root --pid-file= \
    --address=/www.strata.test/"$ADDR_A"
for ((i = 0; i < 100; i++)); do
    in_a ss -ltn 2>/dev/null | grep -q "$ADDR_A:8080" && in_a ss -lun 2>/dev/null | grep -q "$ADDR_A:53" && break
    sleep 0.05
done
in_a ss -ltn | grep -q "$ADDR_A:8080" || { bad "web server listening" "$(cat "$TMP/http.err")"; finish; exit; }
in_a ss -lun | grep -q "$ADDR_A:53" || { bad "dnsmasq listening" "$(cat "$TMP/dns.err")"; finish; exit; }

# ---- the capturers --------------------------------------------------------
C=$TMP/cap
# tcpdump gets its packets in ring blocks retired within 1 s (its timeout
# when not printing to a terminal): the test waits that long before SIGINT
bg_a /dev/null "$C/tcpdump.err" tcpdump -B 32768 -n -i "$IF_A" -w "$C/tcpdump.pcap"
p_tcpdump=$BG
bg_a /dev/null "$C/w.err" "$strata" -i "$IF_A" -w "$C/strata.pcap"
p_w=$BG
bg_a "$C/live.json" "$C/json.err" "$strata" -i "$IF_A" --json
p_json=$BG
bg_a "$C/live.txt" "$C/txt.err" "$strata" -i "$IF_A" -t -Z nobody
p_txt=$BG
for f in tcpdump w json txt; do
    wait_for "$C/$f.err" "listening on" || bad "$f capture started" "$(cat "$C/$f.err")"
done

# ---- privileges: dropped before the first packet --------------------------
nobody_uid=$(id -u nobody) nobody_gid=$(id -g nobody)
want="$nobody_uid $nobody_uid $nobody_uid $nobody_uid"
[ "$(uid_of "$p_w")" = "$want" ] && ok "started as root without -Z: runs as nobody (Uid: $(uid_of "$p_w"))" \
    || bad "default user nobody" "Uid: $(uid_of "$p_w"), want $want"
[ "$(uid_of "$p_txt")" = "$want" ] && [ "$(gid_of "$p_txt")" = "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" ] \
    && ok "-Z nobody: runs as nobody (Uid: $(uid_of "$p_txt"), Gid: $(gid_of "$p_txt"))" \
    || bad "-Z nobody" "Uid: $(uid_of "$p_txt") Gid: $(gid_of "$p_txt")"
[ "$(capeff_of "$p_w")" = 0000000000000000 ] && ok "no capability left after dropping root" \
    || bad "capabilities after dropping root" "CapEff: $(capeff_of "$p_w")"
[ "$(stat -c %U "$C/strata.pcap")" = nobody ] && ok "-w file given to the user strata runs as" \
    || bad "-w file owner" "$(stat -c %U "$C/strata.pcap")"

# ---- traffic from namespace B ----------------------------------------------
out=$(in_b ping -c 3 -i 0.2 -W 2 "$ADDR_A" 2>&1) && ok "ping: 3 echo requests answered" || bad "ping" "$out"
out=$(in_b curl -s --max-time 5 "http://$ADDR_A:8080/hello.txt" 2>&1)
[ "$out" = "hello from the strata live test" ] && ok "curl: GET /hello.txt from the test's web server" || bad "curl" "$out"
out=$(in_b dig +short +time=2 +tries=1 @"$ADDR_A" www.strata.test A 2>&1)
[ "$out" = "$ADDR_A" ] && ok "dig: www.strata.test A $out from the test's dnsmasq" || bad "dig" "$out"
replayed=()
for f in $(ethernet_captures "$captures"); do
    if out=$(in_b tcpreplay -q -i "$IF_B" "$f" 2>&1); then replayed+=("$f"); else bad "tcpreplay $(basename "$f")" "$out"; fi
done
[ "${#replayed[@]}" -gt 0 ] && ok "tcpreplay: ${#replayed[@]} captures replayed ($(for f in "${replayed[@]}"; do basename "$f"; done | paste -sd' '))"

# ---- SIGUSR1: statistics, and the capture goes on ---------------------------
sleep 0.3
kill -USR1 "$p_txt"
if wait_for "$C/txt.err" "packets captured" 5 && kill -0 "$p_txt" 2>/dev/null; then
    ok "SIGUSR1: statistics printed, capture still running"
else
    bad "SIGUSR1" "$(cat "$C/txt.err")"
fi

# ---- SIGINT: a clean stop with the statistics ------------------------------
sleep 1.5 # tcpdump's last ring block is retired within its 1 s timeout
for p in "$p_w" "$p_json" "$p_txt"; do
    stop "$p" INT
    rc=$?
    [ "$rc" -eq 0 ] || bad "strata (pid $p) exits 0 on SIGINT" "exit $rc"
done
stop "$p_tcpdump" INT
for f in w json txt; do
    e=$C/$f.err
    if grep -q "^[0-9]* packets\? captured$" "$e" && grep -q "^[0-9]* packets\? received by filter$" "$e" \
        && grep -q "^[0-9]* packets\? dropped by kernel$" "$e" && grep -q "^[0-9]* packets\? dropped by interface$" "$e"; then
        ok "SIGINT ($f): $(grep -E 'captured|received|dropped' "$e" | tail -4 | paste -sd, | sed 's/,/, /g')"
    else
        bad "SIGINT statistics ($f)" "$(cat "$e")"
    fi
done

# ---- the same packets as tcpdump --------------------------------------------
check "-w file is valid pcap" $PCAPCMP valid "$C/strata.pcap"
n_t=$($PCAPCMP count "$C/tcpdump.pcap")
n_s=$($PCAPCMP count "$C/strata.pcap")
if out=$($PCAPCMP same "$C/strata.pcap" "$C/tcpdump.pcap" 2>&1); then
    ok "strata -w and tcpdump -w: the same $n_s packets, byte for byte"
else
    bad "strata -w vs tcpdump -w" "$out"
fi
cmp -s -n 24 "$C/strata.pcap" "$C/tcpdump.pcap" && ok "the same pcap file header as tcpdump's" \
    || bad "pcap file header" "$(cmp "$C/strata.pcap" "$C/tcpdump.pcap" 2>&1)"
# timestamps come from each socket's own ring: equal only when the kernel
# stamped the packet once for all
cmp -s "$C/strata.pcap" "$C/tcpdump.pcap" && echo "note: the two files are identical, timestamps included" \
    || echo "note: the timestamps differ (each packet socket stamps its own copy here)"
captured=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$C/w.err" | tail -1)
[ "$captured" = "$n_s" ] && ok "'$captured packets captured' = packets in the file" \
    || bad "captured count" "stderr says $captured, file holds $n_s (tcpdump $n_t)"
if out=$($PCAPCMP contains "$C/strata.pcap" "${replayed[@]}" 2>&1); then
    ok "every replayed frame captured, unchanged and in order"
else
    bad "replayed frames" "$out"
fi

# ---- live output = output of the same packets read from the file ----------------
"$strata" --no-stats -t -r "$C/strata.pcap" > "$C/file.txt" 2>/dev/null
if cmp -s "$C/live.txt" "$C/file.txt"; then
    ok "one-line output live = reading the -w file ($(wc -l < "$C/live.txt") lines)"
else
    bad "one-line output live vs file" "$(diff "$C/live.txt" "$C/file.txt" | head -5)"
fi
"$strata" --no-stats --json -r "$C/strata.pcap" > "$C/file.json" 2>/dev/null
check "--json live = reading the -w file (time-derived fields aside)" python3 - "$C/live.json" "$C/file.json" <<'PY'
import json, re, sys
TIMED = re.compile(r"^ts$|rtt|_us$|_ns$|duration")
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if not TIMED.search(k)}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
a = [strip(json.loads(l)) for l in open(sys.argv[1])]
b = [strip(json.loads(l)) for l in open(sys.argv[2])]
assert len(a) == len(b), f"{len(a)} objects live, {len(b)} from the file"
for x, y in zip(a, b):
    assert x == y, f"frame {x.get('frame')} differs"
assert all(len(json.loads(l)["ts"].split(".")[1]) == 9 for l in open(sys.argv[1]))
PY

# ---- the traffic is there, dissected ------------------------------------------
n=$(grep -c "^IP $ADDR_B > $ADDR_A: ICMP echo request" "$C/live.txt")
m=$(grep -c "^IP $ADDR_A > $ADDR_B: ICMP echo reply" "$C/live.txt")
[ "$n" -eq 3 ] && [ "$m" -eq 3 ] && ok "ping: 3 echo requests and 3 replies seen" || bad "ping seen" "$n requests, $m replies"
check "curl: GET /hello.txt and its 200 seen (JSON)" python3 - "$C/live.json" "$ADDR_A" <<'PY'
import json, sys
layers = [L for l in open(sys.argv[1]) for L in json.loads(l)["layers"]]
http = [L for L in layers if L["proto"] == "http"]
assert any(L.get("method") == "GET" and L.get("uri") == "/hello.txt" for L in http), http
assert any(L.get("status") == 200 for L in http), http
PY
check "dig: the DNS answer $ADDR_A seen (JSON)" python3 - "$C/live.json" "$ADDR_A" <<'PY'
import json, sys
dns = [L for l in open(sys.argv[1]) for L in json.loads(l)["layers"] if L["proto"] == "dns"]
assert any(a.get("data") == sys.argv[2] for L in dns for a in L.get("answers", [])), dns
PY

# ---- -w -: packets down a pipe ------------------------------------------------------
ip netns exec "$NS_A" "$strata" -i "$IF_A" -c 4 -w - > "$C/pipe.pcap" 2> "$C/pipe.err" &
p=$!
PIDS+=("$p")
wait_for "$C/pipe.err" "listening on"
in_b ping -c 2 -i 0.2 -W 2 "$ADDR_A" >/dev/null 2>&1
stop "$p" INT
n=$($PCAPCMP count "$C/pipe.pcap" 2>&1)
[ "$n" = 4 ] && "$strata" --no-stats -r - < "$C/pipe.pcap" | grep -q "ICMP echo" \
    && ok "-w - -c 4: 4 packets on standard output, readable by strata -r -" || bad "-w -" "count: $n; $(cat "$C/pipe.err")"

# ---- only CAP_NET_RAW and CAP_NET_ADMIN, as a user ------------------------------------
mkdir -m 755 "$TMP/bin"
cp "$strata" "$TMP/bin/strata-caps"
cp "$strata" "$TMP/bin/strata-nocaps"
chmod 755 "$TMP/bin/strata-caps" "$TMP/bin/strata-nocaps"
if setcap cap_net_raw,cap_net_admin=eip "$TMP/bin/strata-caps" 2>"$TMP/setcap.err"; then
    ip netns exec "$NS_A" setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups \
        "$TMP/bin/strata-caps" -i "$IF_A" -c 4 > "$C/caps.txt" 2> "$C/caps.err" &
    p=$!
    PIDS+=("$p")
    wait_for "$C/caps.err" "listening on"
    capeff=$(capeff_of "$p")
    in_b ping -c 2 -i 0.2 -W 2 "$ADDR_A" >/dev/null 2>&1
    stop "$p" INT
    rc=$?
    n=$(grep -c "ICMP echo" "$C/caps.txt")
    [ "$rc" -eq 0 ] && [ "$n" -eq 4 ] && [ "$capeff" = 0000000000000000 ] \
        && ok "as nobody with only cap_net_raw,cap_net_admin (setcap): 4 packets; capabilities given up once open" \
        || bad "setcap capture" "rc=$rc packets=$n CapEff=$capeff $(cat "$C/caps.err")"
else
    bad "setcap on a copy of strata" "$(cat "$TMP/setcap.err")"
fi
out=$(in_a setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups "$TMP/bin/strata-nocaps" -i "$IF_A" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "^strata: $IF_A: .*setcap cap_net_raw,cap_net_admin=eip" \
    && ok "no permission: one line with libpcap's reason and the remedy" || bad "no permission" "rc=$rc: $out"

# ---- the per-packet path: no allocation, no printf (live too) --------------------------
if [ -n "$shim" ] && [ -f "$shim" ]; then
    chmod 1777 "$TMP"
    ip netns exec "$NS_B" tcpreplay -q --pps 20000 --loop 0 -i "$IF_B" "$captures/http.pcap" >/dev/null 2>&1 &
    p_replay=$!
    PIDS+=("$p_replay")
    for mode in "" "-v" "--json" "-x --color=always" "-w $C/calls.pcap" "-w $C/calls2.pcap --print -q"; do
        r=""
        for n in 100 3000; do
            rm -f "$TMP/calls-$n"
            # shellcheck disable=SC2086
            in_a timeout 60 env CALLCOUNT_OUT="$TMP/calls-$n" LD_PRELOAD="$shim" "$strata" -i "$IF_A" -c $n $mode >/dev/null 2>&1
            r="$r $(cat "$TMP/calls-$n" 2>/dev/null)|"
        done
        few=${r%%|*} all=${r#*|}
        all=${all%|}
        [ -n "$few" ] && [ "$few" = "$all" ] && ok "live '$mode': 100 packets:$few; 3000 packets:$all" \
            || bad "live per-packet calls '$mode'" "100 packets:$few; 3000 packets:$all"
    done
    stop "$p_replay" TERM
fi

finish
