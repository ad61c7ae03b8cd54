#!/usr/bin/env python3
"""manyhosts.py - rewrite a loopback capture so that it comes from many hosts.

usage: manyhosts.py IN.pcap OUT.pcap

A file transformation only (nothing is sent).  The bench capture is recorded
on lo, so every packet is 127.0.0.1 <-> 127.0.0.1.  Each connection gets a
client address of its own in 10.77.0.0/16 (10.77.0.2 .. 10.77.255.254, in
turn, so tens of thousands of distinct addresses appear) and the server
(the side on port 80 or 53, or the pinged side) becomes 10.77.0.1:

  TCP  a new connection starts at the client's SYN; the key is the client port
  UDP  the key is the client port (the side that is not port 53)
  ICMP echo: the key is the echo identifier

The IPv4 header checksum and the TCP/UDP checksums (whose pseudo-header holds
the addresses) are updated incrementally (RFC 1624), so a checksum that was
right stays right.  Classic pcap with Ethernet (DLT_EN10MB) link type, either
byte order, microsecond or nanosecond; other packets are copied unchanged.
Prints "PACKETS REWRITTEN CLIENTS" on stdout."""
import struct
import sys

SERVER = bytes([10, 77, 0, 1])
NCLIENTS = 65533  # 10.77.0.2 .. 10.77.255.254


def client_addr(n):
    v = 2 + n % NCLIENTS
    return bytes([10, 77, v >> 8, v & 0xff])


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def words(b):
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def adjust(ck, old, new):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m and m' summed over words."""
    return (~fold((~ck & 0xffff) + (~fold(old) & 0xffff) + fold(new))) & 0xffff


def main():
    src, dst = sys.argv[1], sys.argv[2]
    fin = open(src, "rb", buffering=1 << 20)
    gh = fin.read(24)
    magic = gh[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        sys.exit("manyhosts.py: not a classic pcap file (pcapng is not supported)")
    linktype = struct.unpack(endian + "I", gh[20:24])[0] & 0x0fffffff
    if linktype != 1:
        sys.exit("manyhosts.py: link type %d, only Ethernet (1) is supported" % linktype)
    rec = struct.Struct(endian + "IIII")
    fout = open(dst, "wb", buffering=1 << 20)
    fout.write(gh)
    flows = {}     # key -> (client address, its word sum)
    nflows = 0
    packets = rewritten = 0
    read, write = fin.read, fout.write
    while True:
        h = read(16)
        if len(h) < 16:
            break
        caplen = rec.unpack(h)[2]
        data = bytearray(read(caplen))
        packets += 1
        write(h)
        if caplen < 34 or data[12] != 8 or data[13] != 0 or data[14] >> 4 != 4:
            write(data)
            continue
        ihl = (data[14] & 15) * 4
        proto = data[23]
        l4 = 14 + ihl
        first_frag = (data[20] & 0x1f) == 0 and data[21] == 0
        sport = dport = None
        if proto in (6, 17) and first_frag and caplen >= l4 + 4:
            sport, dport = struct.unpack_from("!HH", data, l4)
            server_port = 80 if 80 in (sport, dport) else 53 if 53 in (sport, dport) else min(sport, dport)
            from_client = dport == server_port
            cport = sport if from_client else dport
            key = (proto, cport)
            if proto == 6 and from_client and caplen >= l4 + 14 and data[l4 + 13] & 0x12 == 0x02:
                flows.pop(key, None)      # a SYN: a new connection, a new client
        elif proto == 1 and first_frag and caplen >= l4 + 8 and data[l4] in (0, 8):
            from_client = data[l4] == 8   # echo request comes from the client
            key = (1, struct.unpack_from("!H", data, l4 + 4)[0])
        else:
            write(data)
            continue
        c = flows.get(key)
        if c is None:
            a = client_addr(nflows)
            nflows += 1
            c = flows[key] = (a, words(a))
        caddr, csum = c
        old = words(data[26:34])
        if from_client:
            data[26:30], data[30:34] = caddr, SERVER
        else:
            data[26:30], data[30:34] = SERVER, caddr
        new = csum + words(SERVER)
        ipck = struct.unpack_from("!H", data, 24)[0]
        struct.pack_into("!H", data, 24, adjust(ipck, old, new))
        if proto == 6 and caplen >= l4 + 18:
            ck = struct.unpack_from("!H", data, l4 + 16)[0]
            struct.pack_into("!H", data, l4 + 16, adjust(ck, old, new))
        elif proto == 17 and caplen >= l4 + 8:
            ck = struct.unpack_from("!H", data, l4 + 6)[0]
            if ck != 0:
                ck = adjust(ck, old, new)
                struct.pack_into("!H", data, l4 + 6, ck or 0xffff)
        rewritten += 1
        write(data)
    fout.close()
    print(packets, rewritten, min(nflows, NCLIENTS))


if __name__ == "__main__":
    main()
