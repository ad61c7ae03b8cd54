#!/usr/bin/env python3
"""memory.py - peak resident memory of strata does not grow with the
number of packets once its flow table is full.

Streams generated captures (tests/genflows.c: TCP sessions of 10 packets,
each on its own five-tuple) of a small and a large number of packets, both
with more than ten times --max-flows distinct flows, through
`strata --flows-only --max-flows N -r -`, and reads each run's peak RSS from
the kernel (wait4's ru_maxrss). The large run must not need more than the
small one (10% plus 4 MiB of slack for allocator noise).

Then the per-flow budget (issue 7): the large capture again at the
default --max-flows (65,536 flows live at once, about 512 bytes each)
must peak at no more than 64 MiB.

usage: memory.py STRATA GENFLOWS"""
import os
import subprocess
import sys

MAX_FLOWS = 5000
SMALL, LARGE = 500_000, 3_000_000  # packets: 50,000 and 300,000 flows
BUDGET_KIB = 64 * 1024  # peak RSS at the default --max-flows


def run(strata, gen, npackets, max_flows=MAX_FLOWS):
    g = subprocess.Popen([gen, str(npackets), "64"], stdout=subprocess.PIPE)
    limit = ["--max-flows", str(max_flows)] if max_flows else []
    s = subprocess.Popen([strata, "--flows-only", *limit, "-r", "-"],
                         stdin=g.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    g.stdout.close()
    err = s.stderr.read().decode()
    _, status, ru = os.wait4(s.pid, 0)
    g.wait()
    if status != 0:
        sys.exit(f"strata failed on {npackets} packets: {err}")
    return ru.ru_maxrss, err  # KiB


def main():
    strata, gen = sys.argv[1], sys.argv[2]
    small, err_small = run(strata, gen, SMALL)
    large, err_large = run(strata, gen, LARGE)
    print(f"max-flows {MAX_FLOWS}")
    for n, rss, err in ((SMALL, small, err_small), (LARGE, large, err_large)):
        flows = [l for l in err.splitlines() if " flows (" in l]
        print(f"{n:>9} packets: peak RSS {rss} KiB; {flows[0] if flows else '?'}")
    ok = large <= small * 1.10 + 4096
    evicted = "0 evicted" not in err_large
    if not evicted:
        print("FAIL the flow table never filled: the test would prove nothing")
    print(("ok   " if ok else "FAIL ") + f"peak RSS {large} KiB for {LARGE} packets vs {small} KiB for {SMALL}")
    full, err_full = run(strata, gen, LARGE, max_flows=None)
    flows = [l for l in err_full.splitlines() if " flows (" in l]
    print(f"default max-flows, {LARGE} packets: peak RSS {full} KiB; {flows[0] if flows else '?'}")
    within = full <= BUDGET_KIB
    print(("ok   " if within else "FAIL ") + f"peak RSS {full} KiB at the default --max-flows (budget {BUDGET_KIB} KiB)")
    results = [ok and evicted, within]
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
