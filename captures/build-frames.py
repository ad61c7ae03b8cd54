#!/usr/bin/env python3
"""build-frames.py - the encapsulation captures no kernel here can record.

    python3 captures/build-frames.py [OUTDIR]     (default: captures/)

Some framings need hardware or a driver this machine has not: serial PPP
and Cisco HDLC links (link types PPP_HDLC and C_HDLC), and an MPLS
pseudowire between two provider edges.  This script re-frames packets of
the captures record-tunnels.sh recorded from real programs (ping, dig,
curl, nginx, dnsmasq): each packet is taken as it was, unchanged (so its
lengths and checksums stay right), and given the link header or the
encapsulation it would have on such a link; the timestamps are kept.
Python 3 standard library only (struct); run it after record-tunnels.sh.

  ppp-hdlc.pcap  LINKTYPE_PPP_HDLC (50): ff 03, a PPP protocol, the packet;
                 pppoe.pcap's session (LCP echo, IPv4) as on a serial link
  c-hdlc.pcap    LINKTYPE_C_HDLC (104): Cisco HDLC, address 0x0f, control
                 0, an EtherType; gre.pcap's inner IPv4 packets
  mpls-pw.pcap   Ethernet, MPLS transport label 1001 and pseudowire label
                 3001 (bottom of stack), the RFC 4448 control word (zero,
                 sequence number 0), then gretap.pcap's inner Ethernet
                 frames (ARP, IPv4): Ethernet over an MPLS pseudowire
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_pcap(path):
    """(linktype, [(sec, usec, bytes)]) of a little-endian microsecond pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    if magic != 0xA1B2C3D4:
        sys.exit("%s: not a little-endian microsecond pcap" % path)
    out, n = [], 24
    while n + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack("<IIII", data[n:n + 16])
        out.append((sec, usec, data[n + 16:n + 16 + incl]))
        n += 16 + incl
    return linktype, out


def write_pcap(path, linktype, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for sec, usec, pkt in packets:
            f.write(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)) + pkt)


def ip_payload(frame):
    """The payload of an Ethernet/IPv4 frame (the outer IP header dropped)."""
    ip = frame[14:]
    total = struct.unpack("!H", ip[2:4])[0]
    return ip[(ip[0] & 15) * 4:total]


def ppp_hdlc(src):
    """PPPoE session payloads (PPP protocol + data) behind ff 03."""
    out = []
    for sec, usec, f in read_pcap(src)[1]:
        if f[12:14] != b"\x88\x64":
            continue
        ppp = f[20:20 + struct.unpack("!H", f[18:20])[0]]
        out.append((sec, usec, b"\xff\x03" + ppp))
    return 50, out


def c_hdlc(src):
    """GRE's inner IPv4 packets behind a Cisco HDLC header."""
    out = []
    for sec, usec, f in read_pcap(src)[1]:
        gre = ip_payload(f)
        if struct.unpack("!H", gre[2:4])[0] != 0x0800 or gre[0] & 0xB0:
            continue
        out.append((sec, usec, b"\x0f\x00\x08\x00" + gre[4:]))
    return 104, out


def mpls_pw(src):
    """gretap's inner Ethernet frames in an Ethernet pseudowire: the outer
    frame goes between the provider edges' MACs (the veths')."""
    out = []
    for sec, usec, f in read_pcap(src)[1]:
        gre = ip_payload(f)
        if struct.unpack("!H", gre[2:4])[0] != 0x6558:
            continue
        inner = gre[4:]
        toward_srv = f[0:6] == bytes.fromhex("025354000002")
        labels = (1001, 3001) if toward_srv else (1002, 3002)
        stack = struct.pack("!II", (labels[0] << 12) | 255, (labels[1] << 12) | 0x100 | 255)
        frame = f[0:12] + b"\x88\x47" + stack + b"\0\0\0\0" + inner
        out.append((sec, usec, frame + b"\0" * (60 - len(frame))))
    return 1, out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    for name, fn, src in (("ppp-hdlc.pcap", ppp_hdlc, "pppoe.pcap"),
                          ("c-hdlc.pcap", c_hdlc, "gre.pcap"),
                          ("mpls-pw.pcap", mpls_pw, "gretap.pcap")):
        linktype, pkts = fn(os.path.join(HERE, src))
        write_pcap(os.path.join(outdir, name), linktype, pkts)
        print("wrote %s: %d packets (from %s)" % (os.path.join(outdir, name), len(pkts), src))


if __name__ == "__main__":
    main()
