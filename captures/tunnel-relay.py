#!/usr/bin/env python3
"""tunnel-relay.py - one end of a userspace tunnel, for record-tunnels.sh.

The kernel that records strata's tunnel captures may have no tunnel modules
(no gre, ipip, sit, geneve, mpls_router, ...), and some encapsulations have
no Linux device at all (Teredo, GTP-U, AYIYA, PBB, VN-Tag; PPPoE's pppd
needs /dev/ppp).  This program stands in for the kernel's tunnel device:
it opens a TUN (layer 3) or TAP (layer 2) device, and every packet or frame
the kernel routes into it is wrapped in the encapsulation's header and sent
to the other end over the outer link; what arrives from the other end is
unwrapped and written back into the device.  The traffic inside is made by
real programs (ping, dig, curl talking to dnsmasq and nginx); the outer IP
and UDP headers are the kernel's (raw and UDP sockets); the headers in
between are written here, as the Linux devices (or the daemons) write them.

    tunnel-relay.py MODE SIDE DEV OUTER_IF LOCAL4 REMOTE4 LOCAL6 REMOTE6 LOCAL_MAC PEER_MAC INNER6

SIDE is c (client) or s (server).  It prints "ready" once the device exists,
and runs until SIGTERM/SIGINT (the device goes away with it).  Only the
peer's addresses are ever written to: nothing leaves the namespaces.
Python 3 standard library only.
"""
import fcntl
import hashlib
import os
import select
import signal
import socket
import struct
import sys
import time
import zlib

# ------------------------------------------------------------- helpers --
def csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(s):
    return bytes(int(b, 16) for b in s.split(":"))


def flow_hash(pkt):
    """A hash of the inner flow, as Linux picks a UDP source port for it."""
    return zlib.crc32(pkt[:40]) if pkt else 0


IFF_TUN, IFF_TAP, IFF_NO_PI = 0x0001, 0x0002, 0x1000
TUNSETIFF = 0x400454CA


def open_tun(name, tap):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


# ---------------------------------------------------------- transports --
class IP4Raw:
    """Outer IPv4 by the kernel: a raw socket of one IP protocol."""

    def __init__(self, a, proto):
        self.peer = a.remote4
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
        self.s.bind((a.local4, 0))
        self.fds = [self.s]

    def send(self, payload):
        self.s.sendto(payload, (self.peer, 0))

    def recv(self, s):
        data, addr = s.recvfrom(65535)
        if addr[0] != self.peer:
            return None
        return data[(data[0] & 15) * 4:]


class IP6Raw(IP4Raw):
    """Outer IPv6 by the kernel: raw sockets of one or more IP protocols."""

    def __init__(self, a, protos):
        self.peer = a.remote6
        self.socks = {}
        for p in protos:
            s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, p)
            s.bind((a.local6, 0))
            self.socks[p] = s
        self.fds = list(self.socks.values())

    def send(self, payload, proto=None):
        s = self.socks[proto] if proto is not None else self.fds[0]
        s.sendto(payload, (self.peer, 0))

    def recv(self, s):
        data, addr = s.recvfrom(65535)
        if addr[0] != self.peer:
            return None
        for p, so in self.socks.items():
            if so is s:
                self.last_proto = p
        return data


class UDP:
    """Outer UDP/IPv4 by the kernel.  listen: the port to receive on;
    sport: the port to send from (0: the listening socket); dport."""

    def __init__(self, a, listen, dport, sport=None):
        self.peer = a.remote4
        self.dport = dport
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((a.local4, listen))
        self.fds = [self.s]
        self.tx = self.s
        if sport is not None:
            self.tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.tx.bind((a.local4, sport))
        self.peer_port = dport

    def send(self, payload):
        self.tx.sendto(payload, (self.peer, self.peer_port))

    def recv(self, s):
        data, addr = s.recvfrom(65535)
        if addr[0] != self.peer:
            return None
        self.last_port = addr[1]
        return data


ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class Eth:
    """Whole Ethernet frames on the outer link (AF_PACKET)."""

    def __init__(self, a):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.s.bind((a.outer_if, ETH_P_ALL))
        self.fds = [self.s]
        self.me, self.peer = mac(a.local_mac), mac(a.peer_mac)

    def send(self, frame):
        # padded to Ethernet's minimum (60 bytes without the FCS), as a NIC
        # pads it (a veth would not)
        self.s.send(frame + b"\0" * (60 - len(frame)))

    def recv(self, s):
        data, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            return None
        return data


# ------------------------------------------------------ encapsulations --
class Mode:
    tap = False

    def __init__(self, a):
        self.a = a
        self.client = a.side == "c"

    def start(self):
        pass

    def stop(self):
        pass


class GRE(Mode):
    """GRE v0 (RFC 2784/2890), as Linux's gre/gretap devices write it."""

    def __init__(self, a, tap=False, key=None, seq=False, checksum=False):
        super().__init__(a)
        self.tap, self.key, self.seq, self.checksum = tap, key, seq, checksum
        self.oseq = 0
        self.t = IP4Raw(a, 47)

    def header(self, proto):
        flags = (0x8000 if self.checksum else 0) | (0x2000 if self.key is not None else 0) | \
                (0x1000 if self.seq else 0)
        h = struct.pack("!HH", flags, proto)
        if self.checksum:
            h += b"\0\0\0\0"
        if self.key is not None:
            h += struct.pack("!I", self.key)
        if self.seq:
            h += struct.pack("!I", self.oseq)
            self.oseq += 1
        return h

    def proto_of(self, pkt):
        if self.tap:
            return 0x6558
        return 0x86DD if pkt[0] >> 4 == 6 else 0x0800

    def encap(self, pkt):
        g = self.header(self.proto_of(pkt)) + pkt
        if self.checksum:
            g = g[:4] + struct.pack("!H", csum(g)) + g[6:]
        self.t.send(g)

    def hdr_len(self, data):
        flags = struct.unpack("!H", data[:2])[0]
        n = 4
        n += 4 if flags & 0x8000 else 0
        n += 4 if flags & 0x2000 else 0
        n += 4 if flags & 0x1000 else 0
        return n

    def decap(self, data):
        return data[self.hdr_len(data):]


class PPTP(GRE):
    """Enhanced GRE (version 1) of PPTP (RFC 2637 section 4.1): PPP inside,
    key = payload length and the peer's call ID, sequence numbers, and an
    acknowledgment of the peer's last packet when there is one to give."""

    def __init__(self, a):
        super().__init__(a)
        self.peer_call = 0x4001 if self.client else 0x8001  # the peer's call ID
        self.rseq = None    # last sequence number received
        self.acked = None   # last one acknowledged

    def encap(self, pkt):
        ppp = b"\xff\x03" + struct.pack("!H", 0x0057 if pkt[0] >> 4 == 6 else 0x0021) + pkt
        ack = self.rseq is not None and self.rseq != self.acked
        flags = 0x3001 | (0x0080 if ack else 0)
        h = struct.pack("!HHHHI", flags, 0x880B, len(ppp), self.peer_call, self.oseq)
        self.oseq += 1
        if ack:
            h += struct.pack("!I", self.rseq)
            self.acked = self.rseq
        self.t.send(h + ppp)

    def decap(self, data):
        flags = struct.unpack("!H", data[:2])[0]
        n = 8
        if flags & 0x1000:
            self.rseq = struct.unpack("!I", data[n:n + 4])[0]
            n += 4
        if flags & 0x0080:
            n += 4
        ppp = data[n:]
        if len(ppp) < 4 or ppp[2:4] not in (b"\x00\x21", b"\x00\x57"):
            return None
        return ppp[4:]


class ERSPAN(GRE):
    """ERSPAN type II (GRE 0x88be, over IPv4) or type III (GRE 0x22eb, over
    IPv6), as Linux's erspan / ip6erspan devices write it: a GRE header with
    a sequence number, then the ERSPAN header, then the Ethernet frame."""

    tap = True

    def __init__(self, a, version):
        Mode.__init__(self, a)
        self.version = version
        self.oseq = 0
        self.t = IP4Raw(a, 47) if version == 1 else IP6Raw(a, [47])

    def encap(self, frame):
        session = 123 if self.client else 124
        # En (type II) / BSO (type III) 0: an untagged, good frame, as Linux sets it
        if self.version == 1:   # type II: ver 1, VLAN 0, COS 0, En 0, T 0, session, index 7
            e = struct.pack("!HHI", 0x1000, session, 7)
            proto = 0x88BE
        else:                   # type III: ver 2, timestamp (100 us units), SGT 0, hw id 7, direction
            ts = int(time.monotonic() * 10000) & 0xFFFFFFFF
            d = 0 if self.client else 1
            e = struct.pack("!HHIHH", 0x2000, session, ts, 0,
                            (7 << 4) | (d << 3))
            proto = 0x22EB
        g = struct.pack("!HHI", 0x1000, proto, self.oseq) + e + frame
        self.oseq += 1
        self.t.send(g)

    def decap(self, data):
        proto = struct.unpack("!H", data[2:4])[0]
        return data[8 + (8 if proto == 0x88BE else 12):]


class IPinIP(Mode):
    """IPv4 in IPv4 (ipip, protocol 4), IPv6 in IPv4 (sit, protocol 41), or
    both in IPv6 (ip6tnl mode any, protocols 4 and 41)."""

    def __init__(self, a, outer6, protos):
        super().__init__(a)
        self.outer6 = outer6
        self.t = IP6Raw(a, protos) if outer6 else IP4Raw(a, protos[0])

    def encap(self, pkt):
        if self.outer6:
            self.t.send(pkt, 41 if pkt[0] >> 4 == 6 else 4)
        else:
            self.t.send(pkt)

    def decap(self, data):
        return data


class Geneve(Mode):
    """Geneve (RFC 8926) on UDP 6081: Ethernet frames, VNI 42, with one
    4-byte option (an experimental class) carrying a counter."""

    tap = True

    def __init__(self, a):
        super().__init__(a)
        self.t = UDP(a, 6081, 6081, sport=0)
        self.n = 0

    def encap(self, frame):
        self.n += 1
        opt = struct.pack("!HBB", 0xFF01, 0x01, 1) + struct.pack("!I", self.n)
        h = struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, 42 << 8) + opt
        self.t.send(h + frame)

    def decap(self, data):
        return data[8 + (data[0] & 0x3F) * 4:]


class Teredo(Mode):
    """Teredo (RFC 4380): IPv6 in UDP.  The client is a Teredo client (UDP
    from an ephemeral port to the relay's 3544); the server side plays the
    Teredo relay, whose first packet to the client carries an origin
    indication (the client's mapped port and address, bits inverted)."""

    def __init__(self, a):
        super().__init__(a)
        self.t = UDP(a, 49153 if self.client else 3544, 3544)
        self.origin_sent = False

    def encap(self, pkt):
        if not self.client and not self.origin_sent and hasattr(self.t, "last_port"):
            port = self.t.last_port
            addr = socket.inet_aton(self.a.remote4)
            pkt = struct.pack("!HH", 0, port ^ 0xFFFF) + bytes(b ^ 0xFF for b in addr) + pkt
            self.origin_sent = True
        if not self.client and hasattr(self.t, "last_port"):
            self.t.peer_port = self.t.last_port
        self.t.send(pkt)

    def decap(self, data):
        if data[:2] == b"\0\x01":   # authentication indicator
            idl, aul = data[2], data[3]
            data = data[4 + idl + aul + 9:]
        if data[:2] == b"\0\0":     # origin indication
            data = data[8:]
        return data


class GTPU(Mode):
    """GTP-U v1 (3GPP TS 29.281) on UDP 2152, as a 5G gNB (client) and UPF
    (server) exchange it: G-PDUs with the peer's TEID, each with a PDU
    Session Container extension header (uplink or downlink, QFI 9)."""

    def __init__(self, a):
        super().__init__(a)
        self.t = UDP(a, 2152, 2152)
        self.teid = 0x00000101 if self.client else 0x00000201

    def encap(self, pkt):
        if self.client:   # UL PDU SESSION INFORMATION: type 1, QFI 9
            ext = struct.pack("!BBBB", 1, 0x10, 9, 0)
        else:             # DL PDU SESSION INFORMATION: type 0, QFI 9
            ext = struct.pack("!BBBB", 1, 0x00, 9, 0)
        opt = struct.pack("!HBB", 0, 0, 0x85) + ext
        h = struct.pack("!BBHI", 0x34, 0xFF, len(opt) + len(pkt), self.teid)
        self.t.send(h + opt + pkt)

    def decap(self, data):
        flags = data[0]
        n = 8
        if flags & 0x07:
            nxt = data[11]
            n = 12
            while nxt:
                ln = data[n] * 4
                nxt = data[n + ln - 1]
                n += ln
        return data[n:] if data[1] == 0xFF else None


class AYIYA(Mode):
    """AYIYA (draft-massar-v6ops-ayiya) on UDP 5072, as SixXS's AICCU sent
    it: identity = the sender's IPv6 tunnel address (16 bytes, type
    integer), SHA-1 signature over the packet with a shared secret, opcode
    forward, next header 41 (IPv6)."""

    SECRET = b"strata sample secret"

    def __init__(self, a):
        super().__init__(a)
        self.t = UDP(a, 5072, 5072)

    def encap(self, pkt):
        ident = socket.inet_pton(socket.AF_INET6, self.a.inner6)
        h = struct.pack("!BBBBI", (4 << 4) | 1, (5 << 4) | 2, (1 << 4) | 1, 41, int(time.time()))
        sig = hashlib.sha1(h + ident + hashlib.sha1(self.SECRET).digest() + pkt).digest()
        self.t.send(h + ident + sig + pkt)

    def decap(self, data):
        idlen = 1 << (data[0] >> 4)
        siglen = (data[1] >> 4) * 4
        return data[8 + idlen + siglen:] if (data[2] & 15) == 1 else None


class L2(Mode):
    """Encapsulations carried directly in Ethernet: MPLS, PBB, VN-Tag."""

    def __init__(self, a):
        super().__init__(a)
        self.t = Eth(a)


class MPLS(L2):
    """IPv4 over two MPLS labels (a transport label and a service label),
    as `ip route add ... encap mpls 1001/2001` pushes them."""

    def encap(self, pkt):
        out = (1001, 2001) if self.client else (1002, 2002)
        stack = struct.pack("!II", (out[0] << 12) | 64, (out[1] << 12) | 0x100 | 64)
        self.t.send(self.t.peer + self.t.me + b"\x88\x47" + stack + pkt)

    def decap(self, f):
        if f[12:14] != b"\x88\x47":
            return None
        n = 14
        while not f[n + 2] & 1:
            n += 4
        return f[n + 4:]


class PBB(L2):
    """IEEE 802.1ah: the customer's frame behind the backbone MACs, a B-TAG
    (802.1ad, VID 200) and an I-TAG (I-SID 0x010203)."""

    tap = True

    def encap(self, frame):
        self.t.send(self.t.peer + self.t.me + struct.pack("!HHHI", 0x88A8, 200, 0x88E7, 0x010203) +
                    frame)

    def decap(self, f):
        # the receiving veth may have taken the B-TAG off into metadata
        for n in (16, 12):
            if f[n:n + 2] == b"\x88\xe7":
                return f[n + 6:]
        return None


class VNTag(L2):
    """Cisco VN-Tag (EtherType 0x8926) between a host's virtual interface 5
    and its fabric extender: d = 0 from the host, 1 towards it."""

    tap = True

    def encap(self, frame):
        if self.client:
            tag = struct.pack("!HH", 0x0000, 5)                     # d 0, src vif 5
        else:
            tag = struct.pack("!HH", 0x8000 | 5, 0)                 # d 1, dst vif 5
        self.t.send(frame[:12] + b"\x89\x26" + tag + frame[12:])

    def decap(self, f):
        return f[:12] + f[18:] if f[12:14] == b"\x89\x26" else None


class PPPoE(L2):
    """PPPoE (RFC 2516): discovery (PADI, PADO, PADR, PADS), an LCP echo
    request and reply on the session, IPv4 in PPP session frames, and a
    PADT when the client stops.  The relay plays both pppd and the access
    concentrator (no /dev/ppp here): LCP and IPCP negotiation is not made."""

    SID = 0x0011

    def __init__(self, a):
        super().__init__(a)
        self.up = False

    @staticmethod
    def tags(*tags):
        return b"".join(struct.pack("!HH", t, len(v)) + v for t, v in tags)

    @staticmethod
    def parse_tags(b):
        tags, n = {}, 0
        while n + 4 <= len(b):
            t, ln = struct.unpack("!HH", b[n:n + 4])
            tags[t] = b[n + 4:n + 4 + ln]
            n += 4 + ln
        return tags

    def disc(self, dst, code, sid, payload):
        self.t.send(dst + self.t.me + b"\x88\x63" + struct.pack("!BBHH", 0x11, code, sid,
                                                                len(payload)) + payload)

    def session(self, payload):
        self.t.send(self.t.peer + self.t.me + b"\x88\x64" +
                    struct.pack("!BBHH", 0x11, 0, self.SID, len(payload)) + payload)

    HU = (0x0103, b"\x00\x00\x2a\x5d")   # Host-Uniq

    def start(self):
        if not self.client:
            return
        self.disc(b"\xff" * 6, 0x09, 0, self.tags((0x0101, b""), self.HU))   # PADI
        deadline = time.time() + 3
        while not self.up and time.time() < deadline:
            r, _, _ = select.select(self.t.fds, [], [], 0.2)
            if r:
                self.on_frame(self.t.recv(self.t.s))
        if not self.up:
            sys.exit("pppoe: no session")
        # LCP Echo-Request, magic number 0x5354a001
        self.session(b"\xc0\x21" + struct.pack("!BBHI", 9, 1, 8, 0x5354A001))

    def stop(self):
        if self.client and self.up:
            self.disc(self.t.peer, 0xA7, self.SID, b"")   # PADT

    def on_frame(self, f):
        if not f or f[:6] not in (self.t.me, b"\xff" * 6):
            return None
        if f[12:14] == b"\x88\x63":
            code = f[15]
            hu = self.HU
            cookie = (0x0104, hashlib.md5(b"strata" + f[6:12]).digest())
            ac = (0x0102, b"strata-ac")
            if code == 0x09 and not self.client:       # PADI -> PADO
                self.disc(f[6:12], 0x07, 0, self.tags(ac, (0x0101, b""), hu, cookie))
            elif code == 0x07 and self.client:         # PADO -> PADR, the cookie echoed
                got = self.parse_tags(f[20:20 + struct.unpack("!H", f[18:20])[0]])
                self.disc(f[6:12], 0x19, 0, self.tags((0x0101, b""), hu, (0x0104, got[0x0104])))
            elif code == 0x19 and not self.client:     # PADR -> PADS
                self.disc(f[6:12], 0x65, self.SID, self.tags((0x0101, b""), hu))
                self.up = True
            elif code == 0x65 and self.client:         # PADS
                self.up = True
            return None
        if f[12:14] == b"\x88\x64":
            ppp = f[20:20 + struct.unpack("!H", f[18:20])[0]]
            if ppp[:2] == b"\xc0\x21" and ppp[2] == 9:   # LCP Echo-Request -> Echo-Reply
                self.session(b"\xc0\x21" + struct.pack("!BBHI", 10, ppp[3], 8, 0x5354A002))
            elif ppp[:2] == b"\x00\x21":
                return ppp[2:]
        return None

    def encap(self, pkt):
        if self.up:
            self.session(b"\x00\x21" + pkt)

    def decap(self, f):
        return self.on_frame(f)


MODES = {
    "gre": lambda a: GRE(a),
    "gre-options": lambda a: GRE(a, key=0x2A if a.side == "c" else 0x2B, seq=True, checksum=True),
    "gretap": lambda a: GRE(a, tap=True),
    "pptp": PPTP,
    "erspan": lambda a: ERSPAN(a, 1),
    "erspan3": lambda a: ERSPAN(a, 2),
    "ipip": lambda a: IPinIP(a, False, [4]),
    "sit": lambda a: IPinIP(a, False, [41]),
    "ip6tnl": lambda a: IPinIP(a, True, [4, 41]),
    "geneve": Geneve,
    "teredo": Teredo,
    "gtpu": GTPU,
    "ayiya": AYIYA,
    "mpls": MPLS,
    "pbb": PBB,
    "vntag": VNTag,
    "pppoe": PPPoE,
}


class Args:
    pass


def main():
    if len(sys.argv) != 12 or sys.argv[1] not in MODES:
        sys.exit(__doc__)
    a = Args()
    (a.mode, a.side, a.dev, a.outer_if, a.local4, a.remote4, a.local6, a.remote6,
     a.local_mac, a.peer_mac, a.inner6) = sys.argv[1:]
    m = MODES[a.mode](a)
    tun = open_tun(a.dev, m.tap)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    print("ready", flush=True)
    m.start()
    while not stopping:
        try:
            r, _, _ = select.select([tun] + m.t.fds, [], [], 0.5)
        except InterruptedError:
            continue
        for fd in r:
            if fd == tun:
                m.encap(os.read(tun, 65535))
            else:
                data = m.t.recv(fd)
                inner = m.decap(data) if data else None
                if inner:
                    os.write(tun, inner)
    m.stop()


if __name__ == "__main__":
    main()
