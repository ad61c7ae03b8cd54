#!/usr/bin/env python3
"""pcapcmp.py - what the live tests ask of pcap files, without tshark.

  pcapcmp.py valid FILE...         each FILE is complete pcap: a header and
                                   whole records, nothing after the last
  pcapcmp.py count FILE            number of packets
  pcapcmp.py same A B              the same packets (captured length, wire
                                   length, bytes) in the same order
  pcapcmp.py concat A1,A2,... B    the files A1, A2 ... one after the other
                                   hold exactly the packets of B
  pcapcmp.py contains BIG SMALL... the packets of each SMALL file appear in
                                   BIG in their order (other packets between
                                   them are allowed: ARP, the other files)
  pcapcmp.py linktype FILE         the file's link type
  pcapcmp.py magic FILE            "micro" or "nano"

Exit 0 when the claim holds, 1 (with the reason on stderr) when not.
"""
import struct
import sys


class Bad(Exception):
    pass


def read(path):
    """(linktype, precision, [(caplen, len, bytes)]); raises Bad."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise Bad(f"{path}: {len(data)} bytes, shorter than a pcap file header")
    magic = data[:4]
    table = {
        b"\xd4\xc3\xb2\xa1": ("<", "micro"),
        b"\xa1\xb2\xc3\xd4": (">", "micro"),
        b"\x4d\x3c\xb2\xa1": ("<", "nano"),
        b"\xa1\xb2\x3c\x4d": (">", "nano"),
    }
    if magic not in table:
        raise Bad(f"{path}: not a pcap file (magic {magic.hex()})")
    order, prec = table[magic]
    major, minor, _zone, _sig, snaplen, linktype = struct.unpack(order + "HHiIII", data[4:24])
    if (major, minor) != (2, 4):
        raise Bad(f"{path}: pcap version {major}.{minor}")
    off, pkts = 24, []
    while off < len(data):
        if off + 16 > len(data):
            raise Bad(f"{path}: cut off in the header of record {len(pkts) + 1}")
        _sec, frac, caplen, wirelen = struct.unpack(order + "IIII", data[off:off + 16])
        if frac >= (1000000 if prec == "micro" else 1000000000):
            raise Bad(f"{path}: record {len(pkts) + 1}: fraction {frac} out of range")
        if caplen > wirelen or caplen > max(snaplen, 262144):
            raise Bad(f"{path}: record {len(pkts) + 1}: caplen {caplen}, len {wirelen}, snaplen {snaplen}")
        off += 16
        if off + caplen > len(data):
            raise Bad(f"{path}: cut off in the data of record {len(pkts) + 1}")
        pkts.append((caplen, wirelen, data[off:off + caplen]))
        off += caplen
    return linktype & 0xFFFF, prec, pkts


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"packet {i + 1} differs: caplen/len {x[0]}/{x[1]} vs {y[0]}/{y[1]}"
    return f"{len(a)} packets vs {len(b)}"


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "valid":
            for p in args:
                read(p)
        elif cmd == "count":
            print(len(read(args[0])[2]))
        elif cmd == "linktype":
            print(read(args[0])[0])
        elif cmd == "magic":
            print(read(args[0])[1])
        elif cmd == "same":
            a, b = read(args[0])[2], read(args[1])[2]
            if a != b:
                raise Bad(f"{args[0]} and {args[1]}: {first_difference(a, b)}")
            print(len(a))
        elif cmd == "concat":
            a = [p for name in args[0].split(",") for p in read(name)[2]]
            b = read(args[1])[2]
            if a != b:
                raise Bad(f"{args[0]} vs {args[1]}: {first_difference(a, b)}")
            print(len(a))
        elif cmd == "contains":
            big = read(args[0])[2]
            pos = 0
            for small_name in args[1:]:
                for i, p in enumerate(read(small_name)[2]):
                    while pos < len(big) and big[pos] != p:
                        pos += 1
                    if pos == len(big):
                        raise Bad(f"{args[0]}: packet {i + 1} of {small_name} not found (in order)")
                    pos += 1
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Bad, OSError) as e:
        print(f"pcapcmp: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
