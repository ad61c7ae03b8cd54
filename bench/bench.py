#!/usr/bin/env python3
"""bench.py - the measuring half of bench/run (stdlib only).

bench/run records and derives the captures, builds the libpcap loop, then
calls:  bench.py --dir DIR --strata BIN --genflows BIN --pcaploop BIN
                 --rounds N --out FILE [--meta FILE]
DIR holds bench.pcap (the whole capture), eighth.pcap (its first 1/8),
small.pcap (50,000 packets), manyhosts.pcap (eighth.pcap rewritten to many
client addresses).  Each run's wall time and peak RSS come from os.wait4
(ru_maxrss of that child).  Results go to FILE (Markdown) and stdout."""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

RSS_GOAL_KIB = 64 * 1024
TSHARK_WHOLE_LIMIT_S = 300.0  # all rounds of tshark -T fields on the whole file
TIME = "/usr/bin/time"


def log(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def env_for(tz):
    """tz None: TZ removed from the environment (the zone is /etc/localtime)."""
    e = dict(os.environ)
    e.pop("TZ", None)
    e["LC_ALL"] = "C"
    if tz is not None:
        e["TZ"] = tz
    return e


def run(argv, tz=None, stdin_argv=None, capture=False):
    """Run argv (stdout to /dev/null unless capture); (seconds, peak RSS KiB, stdout or stderr).

    The wall time is that of the child, measured here around os.wait4.  The
    peak RSS comes from GNU time (%M, its child's ru_maxrss): wait4 on a child
    of this Python process would report at least this process's own RSS
    (Linux keeps the pre-exec high-water mark of a forked child), not the
    command's.  GNU time's own footprint before the exec is about 2 MiB."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out, \
            tempfile.NamedTemporaryFile(mode="r") as rssf:
        env = env_for(tz)
        gen = None
        t0 = time.perf_counter()
        if stdin_argv:
            gen = subprocess.Popen(stdin_argv, stdout=subprocess.PIPE, env=env)
            stdin = gen.stdout
        else:
            stdin = subprocess.DEVNULL
        p = subprocess.Popen([TIME, "-q", "-f", "%M", "-o", rssf.name] + argv, stdin=stdin,
                             stdout=out if capture else subprocess.DEVNULL, stderr=err, env=env)
        if gen:
            gen.stdout.close()
        _, status, _ = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        if gen:
            gen.wait()
        err.seek(0)
        etext = err.read().decode(errors="replace")
        out.seek(0)
        otext = out.read().decode(errors="replace")
        rss = int(rssf.read().split()[-1])
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit("bench.py: %s exited %d: %s" % (" ".join(argv), code, etext[-2000:]))
    return dt, rss, otext if capture else etext


def fmt_t(s):
    return "%.2f s" % s if s >= 0.1 else "%.0f ms" % (s * 1000)


def fmt_mib(kib):
    return "%.1f MiB" % (kib / 1024)


def fmt_x(v):
    return "%.2f×" % v if v < 10 else "%.1f×" % v


class Bench:
    def __init__(self, a):
        self.a = a
        d = a.dir
        self.files = {"whole": os.path.join(d, "bench.pcap"), "eighth": os.path.join(d, "eighth.pcap"),
                      "small": os.path.join(d, "small.pcap"), "many": os.path.join(d, "manyhosts.pcap")}
        self.fdesc = {"whole": "whole capture", "eighth": "1/8 slice", "small": "50,000-packet slice",
                      "many": "many-hosts (1/8 slice rewritten)"}
        self.counts = {}
        self.times = {}     # row name -> [seconds per round]
        self.rss = {}       # row name -> [KiB per round]
        self.rows = []      # (name, label, file key)
        self.callgrind = []
        self.memory = []

    def pcaploop(self, f):
        _, _, out = run([self.a.pcaploop, self.files[f]], capture=True)
        n, b = out.split()
        return int(n), int(b)

    def define_rows(self, tshark_fields_file):
        S, T = self.a.strata, "tcpdump"
        R = self.rows
        def add(name, label, f, argv, tz=None):
            R.append((name, label, f, argv, tz))
        for f in ("whole", "eighth", "small", "many"):
            add("loop_" + f, "libpcap loop (bench/pcaploop.c)", f, [self.a.pcaploop, "@"])
            add("tcpdump_utc_" + f, "TZ=UTC tcpdump -nn -r", f, [T, "-nn", "-r", "@"], "UTC")
        add("tcpdump_local_whole", "tcpdump -nn -r (TZ unset)", "whole", [T, "-nn", "-r", "@"])
        add("tcpdump_v_utc_whole", "TZ=UTC tcpdump -nn -v -r", "whole", [T, "-nn", "-v", "-r", "@"], "UTC")
        add("strata_whole", "strata -r (TZ unset)", "whole", [S, "-r", "@"])
        add("strata_utc_whole", "TZ=UTC strata -r", "whole", [S, "-r", "@"], "UTC")
        add("strata_q_whole", "strata -q -r", "whole", [S, "-q", "-r", "@"])
        add("strata_v_whole", "strata -v -r", "whole", [S, "-v", "-r", "@"])
        add("strata_json_whole", "strata --json -r", "whole", [S, "--json", "-r", "@"])
        add("strata_flows_whole", "strata --flows-only -r", "whole", [S, "--flows-only", "-r", "@"])
        add("strata_json_eighth", "strata --json -r", "eighth", [S, "--json", "-r", "@"])
        add("tshark_fields_" + tshark_fields_file, "tshark -n -T fields (3 fields)", tshark_fields_file,
            ["tshark", "-n", "-r", "@", "-T", "fields", "-e", "frame.number", "-e", "ip.src", "-e", "tcp.srcport"])
        add("strata_json_small", "strata --json -r", "small", [S, "--json", "-r", "@"])
        add("tshark_json_small", "tshark -n -T json", "small", ["tshark", "-n", "-r", "@", "-T", "json"])
        add("strata_eighth", "strata -r (TZ unset)", "eighth", [S, "-r", "@"])
        add("strata_many", "strata -r (TZ unset)", "many", [S, "-r", "@"])

    def go(self):
        a = self.a
        t_start = time.time()
        log("page cache: reading every capture once")
        for f, path in self.files.items():
            with open(path, "rb") as fh:
                while fh.read(1 << 24):
                    pass
            self.counts[f] = self.pcaploop(f)
            log("  %s: %d packets, %d bytes" % (self.fdesc[f], *self.counts[f]))
        # tshark -T fields on the whole file only if it takes at most ~5 minutes
        log("tshark -T fields on the 1/8 slice once, to estimate the whole file")
        dt, _, _ = run(["tshark", "-n", "-r", self.files["eighth"], "-T", "fields", "-e", "frame.number",
                        "-e", "ip.src", "-e", "tcp.srcport"])
        est = dt * self.counts["whole"][0] / self.counts["eighth"][0]
        self.tshark_file = "whole" if est * a.rounds <= TSHARK_WHOLE_LIMIT_S else "eighth"
        log("  %.1f s on the slice; whole file estimated %.0f s a round: tshark -T fields runs on the %s"
            % (dt, est, self.fdesc[self.tshark_file]))
        self.tshark_est = est
        self.define_rows(self.tshark_file)
        for r in range(1, a.rounds + 1):
            log("round %d of %d" % (r, a.rounds))
            for name, label, f, argv, tz in self.rows:
                argv = [self.files[f] if x == "@" else x for x in argv]
                dt, rss, _ = run(argv, tz)
                self.times.setdefault(name, []).append(dt)
                self.rss.setdefault(name, []).append(rss)
                log("  %-26s %-40s %8s %10s" % (name, label, fmt_t(dt), fmt_mib(rss)))
        self.rss_slice()
        self.memory_rows()
        self.run_callgrind()
        self.elapsed = time.time() - t_start

    def rss_slice(self):
        log("peak RSS of every strata mode on the 1/8 slice")
        S = self.a.strata
        self.rss_eighth = []
        for label, argv in (("strata -r", [S, "-r"]), ("strata -q -r", [S, "-q", "-r"]),
                            ("strata -v -r", [S, "-v", "-r"]), ("strata --json -r", [S, "--json", "-r"]),
                            ("strata --flows-only -r", [S, "--flows-only", "-r"]),
                            ("strata -x -r", [S, "-x", "-r"])):
            _, rss, _ = run(argv + [self.files["eighth"]])
            self.rss_eighth.append((label, rss))
            log("  %-24s %s" % (label, fmt_mib(rss)))

    def memory_rows(self):
        log("generated flows (tests/genflows) through strata --flows-only -r -")
        S, G = self.a.strata, self.a.genflows
        for n, extra in ((3000000, []), (500000, []), (3000000, ["--max-flows", "5000"])):
            _, rss, err = run([S, "--flows-only"] + extra + ["-r", "-"], stdin_argv=[G, str(n), "64"])
            fl = [l for l in err.splitlines() if " flows (" in l]
            self.memory.append((n, extra, rss, fl[0] if fl else "?"))
            log("  genflows %d 64 | strata --flows-only %s-r -: %s" % (n, " ".join(extra) + (" " if extra else ""), fmt_mib(rss)))

    def run_callgrind(self):
        log("callgrind on the 50,000-packet slice")
        S, f = self.a.strata, self.files["small"]
        for label, argv, tz in (("strata -r (TZ unset)", [S, "-r", f], None), ("TZ=UTC strata -r", [S, "-r", f], "UTC"),
                                ("strata -v -r", [S, "-v", "-r", f], None), ("strata --json -r", [S, "--json", "-r", f], None),
                                ("strata --flows-only -r", [S, "--flows-only", "-r", f], None),
                                ("TZ=UTC tcpdump -nn -r", ["tcpdump", "-nn", "-r", f], "UTC"),
                                ("TZ=UTC tcpdump -nn -v -r", ["tcpdump", "-nn", "-v", "-r", f], "UTC")):
            _, _, err = run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv, tz)
            m = re.search(r"Collected\s*:\s*(\d+)", err)
            if not m:
                raise SystemExit("bench.py: no 'Collected' line from callgrind for %s" % label)
            self.callgrind.append((label, int(m.group(1))))
            log("  %-26s %d instructions" % (label, int(m.group(1))))

    # ------------------------------------------------------------ report --
    def med(self, name):
        return statistics.median(self.times[name])

    def paired(self, num, den):
        """median over rounds of times[num][i] / times[den][i]"""
        return statistics.median(x / y for x, y in zip(self.times[num], self.times[den]))

    def report(self):
        L = []
        p = L.append
        a = self.a
        meta = {}
        if a.meta and os.path.exists(a.meta):
            with open(a.meta) as fh:
                meta = json.load(fh)
        cpu = "?"
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as fh:
            memkb = int(fh.readline().split()[1])
        p("# strata benchmark results")
        p("")
        p("Written by `bench/run` (see bench/README.md). Numbers depend on the machine and on the")
        p("build of strata measured; compare only runs made on the same machine.")
        p("")
        p("- date: %s UTC" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"))
        p("- strata: commit %s (%s)" % (a.commit, a.strata))
        p("- machine: %d CPUs, %s; %.1f GiB memory; Linux %s" % (os.cpu_count(), cpu, memkb / 1048576, platform.release()))
        p("- local time zone (/etc/localtime): %s" % os.path.realpath("/etc/localtime").replace("/usr/share/zoneinfo/", ""))
        p("- versions: %s; %s; %s" % (a.tcpdump_version, a.tshark_version, a.libpcap_version))
        p("- rounds: %d, interleaved (each round runs every command once, in the same order); medians below" % a.rounds)
        p("- whole measuring run (without recording): %.0f s" % self.elapsed)
        p("- tshark -T fields: estimated %.0f s a run on the whole capture, so it was timed on the %s "
          "(the whole file when all rounds fit in %.0f s)" % (self.tshark_est, self.fdesc[self.tshark_file], TSHARK_WHOLE_LIMIT_S))
        if meta.get("record_seconds"):
            p("- recording the capture took %s s; deriving the slices %s s" % (meta["record_seconds"], meta.get("derive_seconds", "?")))
        p("")
        p("## The capture")
        p("")
        n, b = self.counts["whole"]
        p("%d packets, %d bytes (%.2f GB, %.0f bytes per packet on average) recorded with "
          "`tcpdump -i lo -s 262144` on the loopback interface of a network namespace of its own, "
          "while real programs talked to real servers in it: %s" % (n, b, b / 1e9, b / n,
           meta.get("programs", "see bench/README.md")))
        if meta.get("proto_mix"):
            p("")
            p("Mix: %s" % meta["proto_mix"])
        p("")
        p("| file | packets | bytes |")
        p("|---|---:|---:|")
        for f in ("whole", "eighth", "small", "many"):
            p("| %s | %d | %d |" % (self.fdesc[f], *self.counts[f]))
        if meta.get("many_clients"):
            p("")
            p("The many-hosts file has %s distinct client addresses in 10.77.0.0/16 (server 10.77.0.1)." % meta["many_clients"])
        p("")
        p("## Throughput")
        p("")
        p("Each command reads the file from the page cache, standard output to /dev/null. "
          "M pkt/s = packets ÷ median wall time. \"time ÷ loop\" = median over rounds of (this run's "
          "time ÷ the same round's libpcap loop on the same file); \"speed vs tcpdump\" = median over "
          "rounds of (the same round's `TZ=UTC tcpdump -nn -r` time on the same file ÷ this run's time), "
          "above 1 is faster than tcpdump. Peak RSS (GNU time %M) is the largest of the rounds.")
        p("")
        p("| file | command | median time | M pkt/s | time ÷ loop | speed vs tcpdump | peak RSS |")
        p("|---|---|---:|---:|---:|---:|---:|")
        order = ["whole", "eighth", "small", "many"]
        for f in order:
            for name, label, rf, _, _ in self.rows:
                if rf != f:
                    continue
                t = self.med(name)
                p("| %s | %s | %s | %.2f | %s | %s | %s |" % (
                    self.fdesc[f], label.replace("|", "\\|"), fmt_t(t), self.counts[f][0] / t / 1e6,
                    fmt_x(self.paired(name, "loop_" + f)), fmt_x(self.paired("tcpdump_utc_" + f, name)),
                    fmt_mib(max(self.rss[name]))))
        # goals
        g = []
        def goal(text, value, ok):
            g.append((text, value, ok))
        r = self.paired("tcpdump_utc_whole", "strata_utc_whole")
        goal("`TZ=UTC strata -r` ≥ 3× the packets/s of `TZ=UTC tcpdump -nn -r`", fmt_x(r), r >= 3)
        r = self.paired("tcpdump_utc_whole", "strata_whole")
        goal("`strata -r` with TZ unset ≥ 3× the packets/s of `TZ=UTC tcpdump -nn -r`", fmt_x(r), r >= 3)
        cg = dict(self.callgrind)
        r = cg["strata -r (TZ unset)"] / cg["TZ=UTC tcpdump -nn -r"]
        goal("callgrind: `strata -r` instructions ≤ ⅓ of `TZ=UTC tcpdump -nn -r`'s (50,000 packets)", "%.3f" % r, r <= 1 / 3)
        r = self.paired("tcpdump_v_utc_whole", "strata_v_whole")
        goal("`strata -v -r` ≥ 3× the packets/s of `TZ=UTC tcpdump -nn -v -r`", fmt_x(r), r >= 3)
        tf = self.tshark_file
        r = self.paired("tshark_fields_" + tf, "strata_json_" + tf)
        goal("`strata --json` ≥ 12× the packets/s of `tshark -T fields` (3 fields; %s)" % self.fdesc[tf], fmt_x(r), r >= 12)
        r = self.paired("tshark_json_small", "strata_json_small")
        goal("`strata --json` ≥ 100× the packets/s of `tshark -T json` (50,000-packet slice)", fmt_x(r), r >= 100)
        r = self.paired("strata_flows_whole", "loop_whole")
        goal("`strata --flows-only` wall time ≤ 2× the libpcap loop's", fmt_x(r), r <= 2)
        strata_rss = [(l, max(self.rss[n])) for n, l, f, _, _ in self.rows if n.startswith("strata") and f == "whole"]
        worst_w = max(strata_rss, key=lambda x: x[1])
        goal("peak RSS ≤ 64 MiB in every strata mode, whole capture (largest: %s)" % worst_w[0],
             fmt_mib(worst_w[1]), worst_w[1] <= RSS_GOAL_KIB)
        worst_e = max(self.rss_eighth, key=lambda x: x[1])
        goal("peak RSS ≤ 64 MiB in every strata mode, 1/8 slice (largest: %s)" % worst_e[0],
             fmt_mib(worst_e[1]), worst_e[1] <= RSS_GOAL_KIB)
        m3 = self.memory[0]
        goal("peak RSS ≤ 64 MiB for `genflows 3000000 64 | strata --flows-only -r -` (300,000 flows, default --max-flows)",
             fmt_mib(m3[2]), m3[2] <= RSS_GOAL_KIB)
        r = statistics.median((self.counts["many"][0] / m) / (self.counts["eighth"][0] / e)
                              for m, e in zip(self.times["strata_many"], self.times["strata_eighth"]))
        goal("`strata -r` on the many-hosts file within 20 % of the packets/s on the ordinary file of the same size",
             "%.1f %%" % ((r - 1) * 100), r >= 0.8)
        p("")
        p("## Goals (issue 7)")
        p("")
        p("| goal | measured | |")
        p("|---|---:|---|")
        for text, value, ok in g:
            p("| %s | %s | %s |" % (text.replace("|", "\\|"), value, "met" if ok else "**not met**"))
        p("")
        p("## Instructions (callgrind, 50,000-packet slice)")
        p("")
        p("`valgrind --tool=callgrind --callgrind-out-file=/dev/null CMD`, the \"Collected\" count "
          "(instructions executed, the program's whole run including start-up).")
        p("")
        p("| command | instructions | per packet | ÷ TZ=UTC tcpdump -nn | ÷ TZ=UTC tcpdump -nn -v |")
        p("|---|---:|---:|---:|---:|")
        npk = self.counts["small"][0]
        for label, c in self.callgrind:
            p("| %s | %d | %.0f | %.3f | %.3f |" % (label, c, c / npk, c / cg["TZ=UTC tcpdump -nn -r"],
                                                  c / cg["TZ=UTC tcpdump -nn -v -r"]))
        p("")
        p("## Memory")
        p("")
        p("Peak RSS (ru_maxrss, through GNU time) of each strata mode on the 1/8 slice "
          "(%d packets) and on the whole capture (largest of the rounds):" % self.counts["eighth"][0])
        p("")
        p("| mode | 1/8 slice | whole capture |")
        p("|---|---:|---:|")
        whole = {l.replace(" (TZ unset)", ""): max(self.rss[n]) for n, l, f, _, _ in self.rows
                 if n.startswith("strata") and f == "whole" and n != "strata_utc_whole"}
        for label, rss in self.rss_eighth:
            w = whole.get(label)
            p("| %s | %s | %s |" % (label, fmt_mib(rss), fmt_mib(w) if w else "–"))
        p("")
        p("Generated traffic (tests/genflows: TCP sessions of 10 packets, each on its own five-tuple, "
          "64 at a time), piped into strata:")
        p("")
        p("| command | peak RSS | strata's flow line |")
        p("|---|---:|---|")
        for n, extra, rss, fl in self.memory:
            p("| `genflows %d 64 \\| strata --flows-only %s-r -` | %s | %s |" % (
                n, " ".join(extra) + (" " if extra else ""), fmt_mib(rss), fl.replace("|", "\\|")))
        text = "\n".join(L) + "\n"
        with open(a.out, "w") as fh:
            fh.write(text)
        print(text)


def main():
    ap = argparse.ArgumentParser()
    for o in ("--dir", "--strata", "--genflows", "--pcaploop", "--out", "--meta", "--commit"):
        ap.add_argument(o, required=o not in ("--meta", "--commit"))
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    a.commit = a.commit or "?"
    def ver(argv, pat):
        try:
            r = subprocess.run(argv, capture_output=True, text=True)
            m = re.search(pat, r.stdout + r.stderr)
            return m.group(0) if m else "?"
        except OSError:
            return "?"
    a.tcpdump_version = ver(["tcpdump", "--version"], r"tcpdump version \S+")
    a.libpcap_version = ver(["tcpdump", "--version"], r"libpcap version \S+")
    a.tshark_version = ver(["tshark", "--version"], r"TShark \(Wireshark\) \S+")
    b = Bench(a)
    b.go()
    b.report()


if __name__ == "__main__":
    main()
