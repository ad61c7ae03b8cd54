#!/usr/bin/env python3
"""gen-capture.py - a large synthetic capture for bench/live-bench.sh.

Mixed traffic, deterministic for a given seed, written as a microsecond
pcap (Ethernet, IPv4), about 200,000 packets by default:

  - TCP: HTTP-like connections to port 80, each with its three-way
    handshake, a request, a response of one to four full segments with the
    client's ACKs, and the four-way teardown; many connections interleaved;
  - UDP: datagrams of 64 to 1,200 bytes between random ports;
  - DNS: A and AAAA queries for names in bench.test and their answers.

Checksums are correct.  Addresses are in 10.98.0.0/16 (the benchmark
replays the file only inside network namespaces it makes).  Nothing of it
is committed: the benchmark generates it when it runs.

usage: gen-capture.py OUT.pcap [--packets N] [--seed S]
"""
import argparse
import random
import struct

ETH_CLIENT = bytes.fromhex("025354000101")
ETH_SERVER = bytes.fromhex("025354000102")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.ip_id = 0

    def frame(self, src, dst, proto, l4, src_mac, dst_mac):
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), self.ip_id, 0x4000, 64, proto, 0, src, dst)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return dst_mac + src_mac + b"\x08\x00" + hdr + l4

    def l4sum(self, src, dst, proto, seg):
        return csum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b"", to_server=True):
        seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 64240, 0, 0) + payload
        c = self.l4sum(src, dst, 6, seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
        macs = (ETH_CLIENT, ETH_SERVER) if to_server else (ETH_SERVER, ETH_CLIENT)
        return self.frame(src, dst, 6, seg, *macs)

    def udp(self, src, dst, sport, dport, payload, to_server=True):
        seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        c = self.l4sum(src, dst, 17, seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
        macs = (ETH_CLIENT, ETH_SERVER) if to_server else (ETH_SERVER, ETH_CLIENT)
        return self.frame(src, dst, 17, seg, *macs)

    # one HTTP-like TCP connection, as a list of frames
    def connection(self, n):
        r = self.rng
        c = ip4("10.98.1.%d" % (1 + n % 250))
        s = ip4("10.98.2.%d" % (1 + (n // 250) % 250))
        cp = 20000 + n % 40000
        cs, ss = r.getrandbits(32), r.getrandbits(32)
        SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
        out = [
            self.tcp(c, s, cp, 80, cs, 0, SYN),
            self.tcp(s, c, 80, cp, ss, cs + 1, SYN | ACK, to_server=False),
            self.tcp(c, s, cp, 80, cs + 1, ss + 1, ACK),
        ]
        req = ("GET /object/%d HTTP/1.1\r\nHost: www%d.bench.test\r\nUser-Agent: bench\r\n"
               "Accept: */*\r\n\r\n" % (n, n % 97)).encode()
        out.append(self.tcp(c, s, cp, 80, cs + 1, ss + 1, PSH | ACK, req))
        cs += 1 + len(req)
        ss += 1
        nseg = r.randint(1, 4)
        body_len = 1448 * (nseg - 1) + r.randint(100, 1448)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % body_len
        body = head + bytes(r.getrandbits(8) for _ in range(16)) * (body_len // 16 + 1)
        body = body[: len(head) + body_len]
        for i in range(0, len(body), 1448):
            chunk = body[i:i + 1448]
            out.append(self.tcp(s, c, 80, cp, ss, cs, PSH | ACK, chunk, to_server=False))
            ss += len(chunk)
            if (i // 1448) % 2 == 1 or i + 1448 >= len(body):
                out.append(self.tcp(c, s, cp, 80, cs, ss, ACK))
        out.append(self.tcp(c, s, cp, 80, cs, ss, FIN | ACK))
        out.append(self.tcp(s, c, 80, cp, ss, cs + 1, FIN | ACK, to_server=False))
        out.append(self.tcp(c, s, cp, 80, cs + 1, ss + 1, ACK))
        return out

    def datagram(self, n):
        r = self.rng
        a, b = ip4("10.98.4.%d" % (1 + n % 200)), ip4("10.98.5.%d" % (1 + n % 190))
        payload = bytes(r.getrandbits(8) for _ in range(8)) * (r.randint(64, 1200) // 8)
        return [self.udp(a, b, 30000 + n % 3000, 5000 + n % 100, payload)]

    def dns(self, n):
        r = self.rng
        c, s = ip4("10.98.6.%d" % (1 + n % 200)), ip4("10.98.3.1")
        qid, port = r.getrandbits(16), 40000 + n % 20000
        name = b"".join(bytes([len(p)]) + p for p in (b"host%d" % n, b"bench", b"test")) + b"\0"
        qtype = 1 if n % 3 else 28
        q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", qtype, 1)
        rdata = ip4("10.98.7.%d" % (1 + n % 250)) if qtype == 1 else bytes(16)
        a = (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + name + struct.pack("!HH", qtype, 1)
             + b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rdata)) + rdata)
        return [self.udp(c, s, port, 53, q), self.udp(s, c, 53, port, a, to_server=False)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--packets", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    g = Gen(args.seed)
    r = g.rng
    active = []  # connections in progress: lists of frames still to send
    n_conn = n_udp = n_dns = 0
    written = 0
    ts = 1_700_000_000 * 1_000_000
    with open(args.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        while written < args.packets:
            pick = r.random()
            if pick < 0.55:
                # TCP: keep about 64 connections interleaved
                while len(active) < 64:
                    active.append(g.connection(n_conn))
                    n_conn += 1
                i = r.randrange(len(active))
                frames = [active[i].pop(0)]
                if not active[i]:
                    active.pop(i)
            elif pick < 0.8:
                frames = g.datagram(n_udp)
                n_udp += 1
            else:
                frames = g.dns(n_dns)
                n_dns += 1
            for fr in frames:
                if written >= args.packets:
                    break
                ts += r.randint(1, 20)
                f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(fr), len(fr)))
                f.write(fr)
                written += 1
    print(f"{args.out}: {written} packets ({n_conn} TCP connections started, {n_udp} UDP datagrams, "
          f"{n_dns} DNS exchanges)")


if __name__ == "__main__":
    main()
