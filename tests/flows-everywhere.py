#!/usr/bin/env python3
"""flows-everywhere.py - every TCP and UDP packet (outside an ICMP quote)
of every capture given carries its `flow` object, with an id and a
direction, and TCP ones a state.

usage: flows-everywhere.py STRATA DIR...   (exit 77 when no DIR exists)"""
import json
import os
import subprocess
import sys


def main():
    strata, dirs = sys.argv[1], [d for d in sys.argv[2:] if os.path.isdir(d)]
    if not dirs:
        print("skip: no capture directory")
        return 77
    files = sorted(os.path.join(r, f) for d in dirs for r, _, fs in os.walk(d)
                   for f in fs if f.endswith((".pcap", ".pcapng", ".cap")))
    passed = failed = 0
    for f in files:
        out = subprocess.run([strata, "--json", "--no-stats", "-r", f],
                             capture_output=True, text=True, errors="replace").stdout
        bad = []
        n = 0
        for line in out.splitlines():
            r = json.loads(line)
            layers = [l for l in r["layers"] if not l.get("quoted")]
            t = [l for l in layers if l["proto"] in ("tcp", "udp")]
            if not t:
                continue
            n += 1
            fl = r.get("flow")
            ok = fl and fl.get("id", 0) >= 1 and fl.get("dir") in ("orig", "resp")
            if ok and t[0]["proto"] == "tcp":
                ok = "state" in fl
            if not ok:
                bad.append(r["frame"])
        if bad:
            failed += 1
            print(f"FAIL {f}: {len(bad)} of {n} TCP/UDP packets without a flow, e.g. frames {bad[:5]}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
