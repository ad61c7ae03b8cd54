#!/usr/bin/env python3
"""differential.py - strata --json against tshark -T fields, frame by frame.

Usage:
    python3 tests/differential.py --strata build/strata CAPTURE_OR_DIR...
        [--tshark /usr/bin/tshark] [--jobs 2] [--examples 5] [--quiet]
        [--show-excluded] [--coverage] [--show-exclusions]

Every capture (a file named on the command line, or every *.pcap, *.pcapng,
*.cap, *.ntar file below a directory) is read by `tshark -T fields` and by
`strata --json`, and every contract field (../shared/spec/output.md) of
the contract protocols eth, vlan, sll, sll2, null, arp, ipv4, ipv6, icmp,
icmpv6, tcp, udp, dns, http (`data` excluded) must agree, packet by packet
and layer by layer:

  * Frames: both tools must report the same number of frames.
  * Layers, both ways: the sequence of contract layers tshark found in a
    frame (frame.protocols) must equal the sequence strata reports, in
    order, quoted layers included; a layer only one side has is a
    disagreement.  A layer after an ICMP/ICMPv6 layer (the invoking packet
    an error quotes) must carry "quoted":true in strata, and no other.
  * Fields: for each contract field, the list of its values over the
    frame's layers of that protocol, in order (tshark prints repeated
    fields as a list with `-E occurrence=a`: the quoted ip.src inside an
    ICMP error is the second ip.src).  A value only one side has is a
    disagreement too.
  * A capture strata refuses (exit status 1 and one line `strata: FILE:
    reason` on stderr; the link-type warnings aside) passes only when
    tshark fails on it as well (for a file cut short both must fail, and
    the frames both printed are compared), or when CORRUPT_FILES documents
    the case.  A capture tshark cannot read must be refused by strata, with
    that one-line error.

What tshark and strata legitimately see differently is listed in
EXCLUSIONS (data, each with its one-line reason, per protocol and field or
condition); every exclusion that fired is counted in the report
(--show-excluded shows examples).  Nothing else is forgiven.

Report: per (protocol, field) the number of disagreements and the first
--examples of them (capture, frame, tshark value, strata value); then the
exclusions that fired; last the line `N passed, N failed` (captures).
Exit status: 0 when every capture agrees, 1 on any disagreement, 2 when
the strata binary cannot be run, 77 (ctest SKIP_RETURN_CODE) when none of
the given paths exists, none holds a capture, or tshark is not installed.

Conversions between tshark's printed values and the contract:
  * Integers: tshark prints BASE_HEX fields as "0x0800" (eth.type,
    vlan.etype, sll.etype, ip.id, ipv6.flow, icmpv6.echo.identifier,
    tcp.flags, dns.id, dns.qry.class, dns.resp.class): parsed as hex.
  * Booleans: tshark 4.0 prints "1"/"0" (older versions "True"/"False");
    ip.flags.df/mf -> JSON true/false; dns.flags.response -> qr 0/1.
  * ip.frag_offset: tshark 4.0 prints the raw 13-bit field (8-byte
    units); the contract wants bytes, so tshark's value is multiplied by 8.
  * ip/tcp/udp.checksum.status (needs -o ip/tcp/udp.check_checksum:TRUE):
    1 Good -> true, 0 Bad -> false, 2 Unverified or 3 Not present (UDP
    checksum 0) -> no value.
  * tcp.flags: tshark 4.0 prints the 12-bit field with the 3 reserved bits
    (0xe00); the contract's `flags` is the 9 flag bits: masked with 0x1ff.
  * tcp seq/ack: tcp.seq / tcp.ack, which are the raw numbers since
    relative numbering is off (tcp.seq_raw is missing from the 8 bytes of a
    TCP header quoted in an ICMP error, tcp.seq is not).
  * tcp `flags_str` has no tshark counterpart (tcp.flags.str uses other
    symbols): it is checked against tshark's flags integer with the
    contract's rule: tcpdump's letters in tcpdump's order, F,S,R,P,. (ACK),
    U,E,W; NS has no letter; "none" (tcpdump's word) when no flag is set.
  * eth `type` of an 802.3 frame (tshark has eth.len, no eth.type): the
    EtherType of an LLC/SNAP header with OUI 0 (llc.type), else 0, as the
    contract says ("EtherType after any 802.3 length handling").  The same
    rule is applied to vlan `type` when tshark shows vlan.len and LLC.
  * 802.1ad service tags: tshark has a protocol of its own (ieee8021ad,
    fields ieee8021ad.id/.priority and ieee8021ah.etype); strata has one
    `vlan` layer per tag.  Both are compared as `vlan`.
  * sll/sll2: tshark dissects both with `sll`; the protocol is sll.etype,
    or sll.ltype (Linux protocol numbers under 0x600) or sll.gretype.
    tshark's `sll` is strata's `sll2` when the link type is 276.
  * raw IP link types: tshark shows a `raw` layer, strata none (contract:
    the raw dissector only steers).  Not a contract protocol: ignored.
  * mDNS: tshark calls UDP 5353 `mdns` but uses the dns.* fields; strata
    binds 5353 to `dns`, so tshark's `mdns` is compared as `dns`.  mDNS
    puts a flag in the top bit of the class (RFC 6762); tshark prints the
    class without it (dns.qry.qu / dns.resp.cache_flush hold the bit), so
    the strata class is compared with the top bit cleared for mdns.
  * DNS: tshark prints the root as "<Root>", the contract "<root>"; a name
    that cannot be decoded is a marker in both, tshark's "<Name contains a
    pointer that loops>" and "<Name too long>" are the contract's "<name
    loop>" and "<name too long>", its "<Unknown extended label>" (label type
    0x40) the contract's "<bad label type>" (tshark 4.0 has no marker for a
    pointer beyond the message or label type 0x80: it stops at an exception).
    dns.resp.* occur for every resource record (answers, authority,
    additional): the first ancount of each message are its answers.  OPT
    records have no dns.resp.class / dns.resp.ttl (tshark has
    dns.rr.udp_payload_size, dns.resp.ext_rcode ... instead), which the
    record walk accounts for.  Answer `data` is built from the per-type
    fields: dns.a, dns.aaaa, dns.cname, dns.ns, dns.ptr.domain_name,
    "dns.mx.preference dns.mx.mail_exchange", dns.txt (the strings of one
    record joined by spaces; how many belong to a record follows from
    dns.txt.length and dns.resp.len), else "<dns.resp.len bytes>".  An
    empty RDATA (RDLENGTH 0, as UPDATE uses to delete an RRset) has no
    per-type field in tshark: it is "<0 bytes>", as strata shows it.
  * HTTP: an `http` layer is a message: tshark's http.request /
    http.response, or for a message whose header block runs past the
    segment (those two are only set at its end) its start line
    (http.request.method, http.response.version).  tshark's `http` for a
    segment that starts no message (body continuation) is no layer; strata
    shows such bytes as `data`.  version: http.request.version or
    http.response.version by kind; status: http.response.code; reason:
    http.response.phrase (tshark has no such field for an empty phrase,
    strata has ""); content_length: http.content_length_header, as an
    integer when it is digits; host: http.host (absent in tshark when the
    value is empty, strata has ""; tshark keeps trailing white space, which
    RFC 9110 5.5 excludes from the value: stripped).
  * Strings (same()): tshark -T fields writes a tab, LF or CR inside a
    value as \\t \\n \\r, strata's JSON holds the byte; strata shows a
    wire byte that is not valid UTF-8 as the code point of the same value,
    tshark as U+FFFD (and in HTTP strings every byte from 0x80).  Both are
    undone before comparing.  DNS names: strata prints them as Wireshark
    does (format_text: \\ooo octal, C escapes), so they compare as text.
  * ICMP id/seq: icmp.ident / icmp.seq are the big-endian readings (the
    icmp.*_le variants are ignored).  ICMPv6: icmpv6.echo.identifier /
    icmpv6.echo.sequence_number.

tshark runs with reassembly and stream analysis off so that each frame is
dissected on its own, as strata does (TSHARK_PREFS; every name checked
with `tshark -G defaultprefs` of tshark 4.0), with name resolution off
(-n), and with HOME / XDG_CONFIG_HOME pointed at an empty directory so
that no personal preferences apply.

strata reassembles IPv4 fragments and TCP streams: it shows a payload
rebuilt from several frames on the frame that completes it (a layer with
"reassembled"), and holds the segments before as `data`.  tshark's
per-frame view cannot show that, so a second tshark run with reassembly on
(TSHARK_PREFS_REASSEMBLY, otherwise tshark's defaults: no out-of-order
reassembly) gives the reassembling view, in which tshark also shows the
rebuilt payload on the completing frame.  A frame passes when it agrees
entirely with one of the two views; a frame with a "reassembled" layer is
reported against the reassembling view, any other against the per-frame
view.  (The reassembling view is only computed for captures that need it.)  Captures are checked in parallel
(--jobs, default 2).

Registering it with ctest (tests/CMakeLists.txt), for example:
    add_test(NAME differential COMMAND python3
             ${CMAKE_CURRENT_SOURCE_DIR}/differential.py --strata $<TARGET_FILE:strata>
             ${CMAKE_SOURCE_DIR}/captures ${CMAKE_SOURCE_DIR}/../shared/captures/pcapplusplus)
    set_tests_properties(differential PROPERTIES SKIP_RETURN_CODE 77)
"""

import argparse
import collections
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# --------------------------------------------------------------- tshark --

TSHARK_PREFS = [
    "tcp.desegment_tcp_streams:FALSE",
    "tcp.analyze_sequence_numbers:FALSE",
    "tcp.relative_sequence_numbers:FALSE",
    "tcp.track_bytes_in_flight:FALSE",
    "tcp.calculate_timestamps:FALSE",
    "ip.defragment:FALSE",
    "ipv6.defragment:FALSE",
    "ip.check_checksum:TRUE",
    "tcp.check_checksum:TRUE",
    "udp.check_checksum:TRUE",
    "http.desegment_headers:FALSE",
    "http.desegment_body:FALSE",
    "http.dechunk_body:FALSE",
    "http.decompress_body:FALSE",
    "dns.desegment_dns_messages:FALSE",
]

# The second view: reassembly on, for the frames where strata shows a layer
# rebuilt from several frames ("reassembled": IPv4/IPv6 fragments, a TCP
# stream).  tshark then shows the rebuilt payload on the frame that
# completes it, as strata does.  Sequence numbers stay raw.
TSHARK_PREFS_REASSEMBLY = [
    "tcp.desegment_tcp_streams:TRUE",
    "tcp.analyze_sequence_numbers:TRUE",
    "tcp.relative_sequence_numbers:FALSE",
    "ip.defragment:TRUE",
    "ipv6.defragment:TRUE",
    "ip.check_checksum:TRUE",
    "http.desegment_headers:TRUE",
    "http.desegment_body:FALSE",
    "http.dechunk_body:FALSE",
    "http.decompress_body:FALSE",
    "dns.desegment_dns_messages:TRUE",
]

TOOL_TIMEOUT = 600  # seconds for one tool on one capture

SEP = "\x1f"  # field separator: never inside a printed value
AGG = "\x1e"  # separator of a field's occurrences

# Every tshark field the comparison reads (all checked against
# `tshark -G fields` of tshark 4.0).
T_FIELDS = [
    "frame.number", "frame.protocols", "_ws.malformed",
    "eth.src", "eth.dst", "eth.type", "eth.len",
    "llc.oui", "llc.type",
    "vlan.id", "vlan.priority", "vlan.etype", "vlan.len",
    "ieee8021ad.id", "ieee8021ad.priority", "ieee8021ah.etype",
    "ieee8021ah.isid", "ieee8021ah.cdst", "ieee8021ah.csrc",
    "sll.pkttype", "sll.etype", "sll.ltype", "sll.gretype",
    "null.family", "null.type",
    "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac",
    "arp.dst.proto_ipv4",
    "ip.src", "ip.dst", "ip.ttl", "ip.id", "ip.proto", "ip.len",
    "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.checksum.status",
    "ip.cur_rt",
    "ipv6.src", "ipv6.dst", "ipv6.hlim", "ipv6.nxt", "ipv6.plen", "ipv6.flow",
    "icmp.type", "icmp.code", "icmp.ident", "icmp.seq",
    "icmpv6.type", "icmpv6.code", "icmpv6.echo.identifier",
    "icmpv6.echo.sequence_number",
    "tcp.srcport", "tcp.dstport", "tcp.seq", "tcp.ack", "tcp.flags",
    "tcp.window_size_value", "tcp.len", "tcp.checksum.status",
    "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status",
    "dns.id", "dns.flags.response", "dns.flags.opcode", "dns.flags.rcode",
    "dns.count.queries", "dns.count.answers", "dns.count.auth_rr",
    "dns.count.add_rr",
    "dns.qry.name", "dns.qry.type", "dns.qry.class",
    "dns.resp.name", "dns.resp.type", "dns.resp.class", "dns.resp.ttl",
    "dns.resp.len",
    "dns.a", "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name",
    "dns.mx.preference", "dns.mx.mail_exchange", "dns.txt", "dns.txt.length",
    "http.request", "http.response",
    "http.request.method", "http.request.uri", "http.request.version",
    "http.host", "http.response.version", "http.response.code",
    "http.response.phrase", "http.content_length_header",
]

CONTRACT = ("eth", "vlan", "sll", "sll2", "null", "arp", "ipv4", "ipv6",
            "icmp", "icmpv6", "tcp", "udp", "dns", "http")

# tshark protocol names (frame.protocols) -> strata layer names.
T_PROTO = {
    "eth": "eth", "vlan": "vlan", "ieee8021ad": "vlan", "sll": "sll",
    "null": "null", "arp": "arp", "ip": "ipv4", "ipv6": "ipv6",
    "icmp": "icmp", "icmpv6": "icmpv6", "tcp": "tcp", "udp": "udp",
    "dns": "dns", "mdns": "dns", "http": "http",
    # tshark protocols that use dns.* / http.* fields on ports strata does
    # not claim: mapped so that their fields are accounted for, and then
    # forgiven by the EXCLUSIONS llmnr / ssdp.
    "llmnr": "dns", "ssdp": "http",
}

# tshark protocols that carry another stack inside (tunnels and
# encapsulations strata does not implement): tshark layers after one of
# these are beyond strata's reach (EXCLUSIONS "tunnel").  MPLS (with a
# pseudowire control word: tshark's pwethheuristic, pwethcw), PPPoE, PPP,
# GRE, ERSPAN, VXLAN, Geneve, Teredo, GTP-U and AYIYA are dissected by
# strata: the layers they carry are compared like any other.  tshark's
# `gtp` also names GTP-C on port 2123, which strata leaves as data: no
# contract layer follows it there.
TUNNELS = {
    "gtpv2", "lisp-data", "nflog", "l2tp",
    "etherip", "udpencap", "esp", "ah", "sflow", "lisp",
}

# Files strata may refuse (one-line error, exit 1) although tshark reads
# them without an error: (name, test on the path, reason).
CORRUPT_FILES = [
    ("empty-file", lambda path: os.path.getsize(path) == 0,
     "a zero-byte file has no pcap/pcapng header; tshark 4.0 reads it as a "
     "capture of no packets and exits 0, strata says 'empty file, not a capture'"),
]

# --------------------------------------------------------- exclusions --
# Each exclusion forgives the disagreements of one protocol ("*": any)
# and one field ("*": any; "(layer)": a layer one side lacks) under one
# condition, named in `cond` and defined in CONDITIONS below.  Exclusions
# with "skip": True are applied before pairing values: the strata layers
# the condition holds for are left out of that field's comparison
# (tshark never prints the field there).  Keep them narrow: every one that
# fires is counted in the report.

EXCLUSIONS = [
    dict(name="separator-in-value", proto="*", field="*", cond="sep_in_value",
         reason="a printed value holds the byte tshark's output uses as separator "
                "(0x1e, 0x1f): that protocol's values of the frame cannot be split"),
    # ---- fields tshark does not print where strata (per contract) does
    dict(name="dns-rcode-query", proto="dns", field="rcode", cond="s_dns_query", skip=True,
         reason="tshark adds dns.flags.rcode to responses only; queries carry "
                "no rcode field in tshark"),
    dict(name="tcp-len-quoted", proto="tcp", field="len", cond="t_missing_s_quoted",
         reason="tshark computes no tcp.len for a TCP header quoted in an ICMP "
                "error; strata derives it from the quoted IP total length"),
    dict(name="dns-srv-name", proto="dns", field="answers.name", cond="t_skip",
         reason="tshark 4.0 adds no dns.resp.name to an SRV record (it splits the "
                "owner name into dns.srv.service/proto/name): not comparable"),
    dict(name="arp-non-ethernet", proto="arp", field="*", cond="s_arp_not_ether_ipv4",
         reason="the contract decodes addresses of Ethernet/IPv4 ARP only (htype 1, "
                "ptype 0x0800); tshark decodes them for any 6-byte hardware type"),
    dict(name="http-content-length-text", proto="http", field="content_length",
         cond="t_text_s_missing",
         reason="tshark prints any Content-Length header text; the contract's "
                "content_length is an integer, absent when the value is not digits"),
    dict(name="http-repeated-header", proto="http", field="*", cond="t_repeat_header",
         reason="tshark lists every Host / Content-Length header of a message; "
                "strata records the first (the contract has one value)"),
    dict(name="tcp-len-fragment", proto="tcp", field="len", cond="t_missing_s_ip_fragment",
         reason="tshark computes no tcp.len for a TCP header inside an IP "
                "fragment; strata gives the segment's bytes in this fragment"),
    # ---- tshark decodes something strata deliberately does not
    dict(name="llmnr", proto="dns", field="*", cond="t_token_llmnr",
         reason="tshark decodes LLMNR (UDP 5355) with the dns dissector and "
                "dns.* fields; strata does not claim port 5355"),
    dict(name="ssdp", proto="http", field="*", cond="t_token_ssdp",
         reason="tshark decodes SSDP (HTTP over UDP 1900) with http.* fields; "
                "strata's http is TCP only"),
    dict(name="dns-heuristic-port", proto="dns", field="*", cond="t_dns_off_port",
         reason="tshark decodes DNS on UDP/TCP ports other than 53 and 5353 "
                "(heuristics, SOME/IP-SD 30490 ...); strata binds 53 and 5353 only"),
    dict(name="fragment-payload", proto="*", field="*", cond="s_fragment_payload",
         reason="with ip.defragment off tshark still hands the payload of a first "
                "IP fragment to the application dissector (http, dns ...); strata "
                "keeps a fragment's payload as data (tcp.c/udp.c: not a whole segment)"),
    dict(name="tunnel", proto="*", field="*", cond="beyond_tunnel",
         reason="the layer lies inside a tunnel/encapsulation strata does not "
                "dissect (L2TP, LISP, sFlow, NFLOG, ESP ...): "
                "see TUNNELS"),
    dict(name="undissected-linktype", proto="*", field="(layer)", cond="s_linktype_undissected",
         reason="link types strata reports as not dissected (C_HDLC 104, NFLOG 239, "
                "NETLINK 253): every frame is one data layer in strata"),
    dict(name="null-ethertype-heuristic", proto="*", field="*", cond="t_null_type",
         reason="a BSD loopback header that is no address family (0x0008000f): "
                "tshark byte-swaps it into EtherType 0x0800 (null.type); strata "
                "reports the family and stops"),
    # ---- tshark prints another value than the header's field
    dict(name="ip-source-route-dst", proto="ipv4", field="dst", cond="t_ip_source_route",
         reason="for a strict/loose source-routed datagram tshark's ip.dst is the "
                "route's final destination; the header's address is ip.cur_rt"),
    dict(name="ip-tso-len", proto="ipv4", field="len", cond="s_len_zero",
         reason="total length 0 (TCP segmentation offload): tshark prints the "
                "length it presumes from the frame, strata the header's 0"),
    dict(name="ipv6-tso-plen", proto="*", field="*", cond="t_missing_s_ipv6_plen0",
         reason="IPv6 payload length 0 (TCP segmentation offload): strata reads the "
                "payload the frame carries, tshark gives the next header no bytes"),
    dict(name="sll-netlink", proto="*", field="*", cond="t_missing_s_sll_netlink",
         reason="a cooked header with hatype ARPHRD_NETLINK (824): tshark hands the "
                "whole header to its netlink dissector, without sll.* fields"),
    # ---- malformed headers: the two tools stop at different points
    dict(name="after-strata-error", proto="*", field="(layer)", cond="t_layer_after_s_error",
         reason="the contract stops dissection after a layer marked `error` (bad "
                "length/version/offset/option); tshark goes on with what follows"),
    dict(name="strata-partial-header", proto="*", field="*",
         cond="strata_layer_cut_missing",
         reason="strata adds no (or only the fully captured) fields of a header "
                "it marks truncated or error; tshark shows what it could read"),
    dict(name="tshark-stops-early", proto="*", field="*",
         cond="strata_layer_cut_tshark_missing",
         reason="a header strata marks `truncated` or `error`: tshark stops at an "
                "exception earlier and omits fields strata still decoded"),
    dict(name="http-lenient-start-line", proto="http", field="*", cond="t_http_bad_version",
         reason="tshark takes a start line without a valid HTTP-version (RFC 9112 2.3: "
                "HTTP/d.d) as a message; strata shows \"HTTP/\" without a version and "
                "status code as data (a start line must look like one)"),
    dict(name="tcp-retransmission", proto="*", field="(layer)", cond="s_retransmission",
         reason="strata's stream reassembly delivers each byte once: a retransmitted "
                "segment (flow event `retransmission`) is not dissected again; tshark "
                "dissects every copy"),
    dict(name="http-body-by-content-length", proto="http", field="(layer)",
         cond="s_message_body",
         reason="strata follows Content-Length across segments and takes the bytes "
                "for the previous message's body; tshark's per-segment view sees a "
                "start line there (a capture that lacks that body)"),
    dict(name="dns-records-after-error", proto="dns", field="answers(count)",
         cond="s_layer_cut",
         reason="a DNS message strata marks truncated/error: tshark reads a different "
                "number of records (tshark 4.0 stops at an exception on a pointer "
                "beyond the message or a reserved label type, where strata writes a "
                "marker and reads on); the records both read are still compared"),
    dict(name="dns-tshark-rdata-exception", proto="dns", field="answers(count)",
         cond="t_malformed_fewer",
         reason="tshark parses the RDATA of more types than the contract shows "
                "(RT, ...), hits an exception (Malformed Packet) in one and stops; "
                "strata shows it as \"<N bytes>\" and reads on"),
    dict(name="dns-nul-in-label", proto="dns", field="*", cond="t_name_cut_at_nul",
         reason="tshark ends a name at a NUL byte inside a label (C string); strata "
                "shows the label byte as \\000"),
    dict(name="dns-nsec-bitmap", proto="dns", field="*", cond="t_skip",
         reason="tshark lists the types of an NSEC/NSEC3/CSYNC type bitmap as "
                "dns.resp.type too: records after one cannot be placed"),
]

# ------------------------------------------------------------ helpers --

def t_int(v):
    v = v.strip()
    if v.lower().startswith("0x"):
        return int(v, 16)
    return int(v, 10)


def t_bool(v):
    v = v.strip()
    if v in ("1", "True", "true"):
        return True
    if v in ("0", "False", "false"):
        return False
    raise ValueError("not a boolean: %r" % v)


def t_str(v):
    return v


# tshark's markers for a name it cannot decode, as the contract writes them
T_NAME_MARKERS = {
    "<Root>": "<root>",
    "<Name contains a pointer that loops>": "<name loop>",
    "<Name too long>": "<name too long>",
    "<Unknown extended label>": "<bad label type>",
}


def t_name(v):
    return T_NAME_MARKERS.get(v, v)


def t_hdr(v):
    """A header value as tshark prints it keeps trailing white space (and
    shows a tab as \\t); RFC 9110 5.5: OWS is not part of the value."""
    while True:
        w = v.rstrip(" ")
        if w.endswith("\\t"):
            w = w[:-2]
        if w == v:
            return v
        v = w


def t_cksum(v):
    n = t_int(v)
    return {0: False, 1: True}.get(n)  # 2 (unverified) -> None


def t_frag(v):
    return t_int(v) * 8


def t_flags(v):
    return t_int(v) & 0x1ff


T_CONV = {
    "eth.src": t_str, "eth.dst": t_str, "ieee8021ah.cdst": t_str, "ieee8021ah.csrc": t_str,
    "arp.src.hw_mac": t_str, "arp.dst.hw_mac": t_str,
    "arp.src.proto_ipv4": t_str, "arp.dst.proto_ipv4": t_str,
    "ip.src": t_str, "ip.dst": t_str, "ip.cur_rt": t_str, "ipv6.src": t_str, "ipv6.dst": t_str,
    "ip.flags.df": t_bool, "ip.flags.mf": t_bool,
    "ip.frag_offset": t_frag, "ip.checksum.status": t_cksum,
    "tcp.checksum.status": t_cksum, "udp.checksum.status": t_cksum,
    "tcp.flags": t_flags,
    "dns.flags.response": lambda v: int(t_bool(v)),
    "http.request": t_bool, "http.response": t_bool,
    "http.request.method": t_str, "http.request.uri": t_str,
    "http.request.version": t_str,
    "http.response.version": t_str, "http.response.phrase": t_str,
    "http.host": t_hdr,
    "http.content_length_header": lambda v: t_int(t_hdr(v)) if t_hdr(v).isdigit() else v,
    "dns.qry.name": t_name, "dns.resp.name": t_name, "dns.cname": t_name,
    "dns.ns": t_name, "dns.ptr.domain_name": t_name,
    "dns.mx.mail_exchange": t_name, "dns.txt": t_str,
    "dns.a": t_str, "dns.aaaa": t_str,
    "frame.protocols": t_str, "_ws.malformed": t_str,
}

# Simple per-layer fields: strata proto -> [(contract field, tshark field)].
SIMPLE = {
    "eth": [("src", "eth.src"), ("dst", "eth.dst")],
    "null": [("family", "null.family")],
    "arp": [("op", "arp.opcode"), ("sha", "arp.src.hw_mac"),
            ("spa", "arp.src.proto_ipv4"), ("tha", "arp.dst.hw_mac"),
            ("tpa", "arp.dst.proto_ipv4")],
    "ipv4": [("src", "ip.src"), ("dst", "ip.dst"), ("ttl", "ip.ttl"),
             ("id", "ip.id"), ("proto_num", "ip.proto"), ("len", "ip.len"),
             ("df", "ip.flags.df"), ("mf", "ip.flags.mf"),
             ("frag_offset", "ip.frag_offset"),
             ("checksum_ok", "ip.checksum.status")],
    "ipv6": [("src", "ipv6.src"), ("dst", "ipv6.dst"), ("hlim", "ipv6.hlim"),
             ("nxt", "ipv6.nxt"), ("plen", "ipv6.plen"),
             ("flow_label", "ipv6.flow")],
    "icmp": [("type", "icmp.type"), ("code", "icmp.code"),
             ("id", "icmp.ident"), ("seq", "icmp.seq")],
    "icmpv6": [("type", "icmpv6.type"), ("code", "icmpv6.code"),
               ("id", "icmpv6.echo.identifier"),
               ("seq", "icmpv6.echo.sequence_number")],
    "tcp": [("sport", "tcp.srcport"), ("dport", "tcp.dstport"),
            ("seq", "tcp.seq"), ("ack", "tcp.ack"),
            ("flags", "tcp.flags"), ("win", "tcp.window_size_value"),
            ("len", "tcp.len"), ("checksum_ok", "tcp.checksum.status")],
    "udp": [("sport", "udp.srcport"), ("dport", "udp.dstport"),
            ("len", "udp.length"), ("checksum_ok", "udp.checksum.status")],
    "dns": [("id", "dns.id"), ("qr", "dns.flags.response"),
            ("opcode", "dns.flags.opcode"), ("rcode", "dns.flags.rcode"),
            ("qdcount", "dns.count.queries"), ("ancount", "dns.count.answers"),
            ("nscount", "dns.count.auth_rr"), ("arcount", "dns.count.add_rr")],
}

# Every contract field, as the comparison names it (for --coverage).
CONTRACT_FIELDS = collections.OrderedDict([
    ("eth", ["src", "dst", "type"]),
    ("vlan", ["id", "pcp", "type"]),
    ("sll", ["type", "pkttype"]),
    ("sll2", ["type", "pkttype"]),
    ("null", ["family"]),
    ("arp", ["op", "sha", "spa", "tha", "tpa"]),
    ("ipv4", ["src", "dst", "ttl", "id", "proto_num", "len", "df", "mf", "frag_offset",
              "checksum_ok"]),
    ("ipv6", ["src", "dst", "hlim", "nxt", "plen", "flow_label"]),
    ("icmp", ["type", "code", "id", "seq"]),
    ("icmpv6", ["type", "code", "id", "seq"]),
    ("tcp", ["sport", "dport", "seq", "ack", "flags", "flags_str", "win", "len", "checksum_ok"]),
    ("udp", ["sport", "dport", "len", "checksum_ok"]),
    ("dns", ["id", "qr", "opcode", "rcode", "qdcount", "ancount", "nscount", "arcount",
             "questions.name", "questions.type", "questions.class", "answers.name",
             "answers.type", "answers.class", "answers.ttl", "answers.data"]),
    ("http", ["kind", "method", "uri", "version", "host", "status", "reason",
              "content_length"]),
])

MISSING = "(absent)"
SKIP = "(not comparable)"  # a tshark value that cannot be placed (dns-srv-name)

# The contract's flags_str: tcpdump's letters in tcpdump's order (its
# print-tcp.c table): F,S,R,P,. for ACK,U,E,W; NS (0x100) has no letter;
# tcpdump's "none" when no flag is set.
FLAG_LETTERS = [(0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"),
                (0x10, "."), (0x20, "U"), (0x40, "E"), (0x80, "W")]


def flags_str(n):
    s = "".join(ch for bit, ch in FLAG_LETTERS if n & bit)
    return s or "none"


def same(proto, tv, sv):
    """tshark's printed value tv against strata's JSON value sv.  Strings
    are compared after undoing the differences of printing only:
      * tshark -T fields writes a tab, LF, CR inside a value as \\t \\n
        \\r (and nothing else escaped), strata's JSON holds the byte;
      * strata's JSON shows a wire byte that is not part of valid UTF-8 as
        the code point of the same value (U+0080..U+00FF); tshark shows it
        as U+FFFD in DNS strings, and in HTTP strings (decoded as ASCII)
        every byte from 0x80 is a U+FFFD, valid UTF-8 or not.
    A code point U+0080..U+00FF in strata's text is either such a byte or
    valid 2-byte UTF-8, so it matches one or two U+FFFD (HTTP), or itself
    or one U+FFFD (DNS)."""
    if tv == sv:
        return True
    if not (isinstance(tv, str) and isinstance(sv, str)):
        return False
    sv = sv.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if tv == sv:
        return True
    pat = []
    for ch in sv:
        o = ord(ch)
        if o < 0x80:
            pat.append(re.escape(ch))
        elif proto == "http":
            pat.append("\ufffd{1,2}" if o < 0x100 else
                       "\ufffd{%d}" % len(ch.encode("utf-8", "surrogatepass")))
        elif o < 0x100:
            pat.append("(?:%s|\ufffd)" % re.escape(ch))
        else:
            pat.append(re.escape(ch))
    return re.fullmatch("".join(pat), tv) is not None


def conv(field, raw):
    f = T_CONV.get(field, t_int)
    try:
        return f(raw)
    except ValueError:
        return raw  # keep tshark's text: it will not match and be shown


# ------------------------------------------------------- tool running --

def run_tshark(tshark, path, home, prefs=TSHARK_PREFS):
    cmd = [tshark, "-n", "-r", path, "-T", "fields", "-E", "header=n",
           "-E", "separator=" + SEP, "-E", "aggregator=" + AGG,
           "-E", "occurrence=a", "-E", "quote=n"]
    for p in prefs:
        cmd += ["-o", p]
    for f in T_FIELDS:
        cmd += ["-e", f]
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, LC_ALL="C.UTF-8")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=TOOL_TIMEOUT)
    out = p.stdout.decode("utf-8", "replace")
    err = [l for l in p.stderr.decode("utf-8", "replace").splitlines()
           if l.strip() and "Running as user" not in l]
    frames = []
    pending = ""
    nsep = len(T_FIELDS) - 1
    for line in out.split("\n"):
        line = pending + line
        if line.count(SEP) > nsep:
            raise ValueError("tshark printed a field separator inside a value")
        if line.count(SEP) < nsep:
            if line:
                pending = line + "\n"  # a value held a raw newline
            continue
        pending = ""
        vals = line.split(SEP)
        rec = {}
        for name, v in zip(T_FIELDS, vals):
            rec[name] = [conv(name, x) for x in v.split(AGG)] if v != "" else []
        frames.append(rec)
    return p.returncode, frames, err


def run_strata(strata, path):
    p = subprocess.run([strata, "--json", "--no-stats", "-r", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TOOL_TIMEOUT)
    recs = []
    bad = []
    for i, line in enumerate(p.stdout.decode("utf-8", "replace").splitlines()):
        try:
            r = json.loads(line)
        except ValueError as e:
            bad.append("line %d: not JSON (%s)" % (i + 1, e))
            continue
        if r.get("type") == "packet":
            recs.append(r)
    err = p.stderr.decode("utf-8", "replace").splitlines()
    return p.returncode, recs, err, bad


# ----------------------------------------------------------- compare --

def _has_sep(v):
    if isinstance(v, str):
        return SEP in v or AGG in v
    if isinstance(v, dict):
        return any(_has_sep(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_sep(x) for x in v)
    return False


class Frame:
    """One frame as both tools saw it: tshark's fields (name -> list of
    values) and strata's packet record."""

    def __init__(self, cap, t, s):
        self.cap = cap
        self.t = t
        self.s = s
        self.num = s["frame"] if s else t["frame.number"][0]
        self.tokens = t["frame.protocols"][0].split(":") if t["frame.protocols"] else []
        self._pbb_customer_frame()
        self.linktype = s.get("linktype") if s else None
        self.undissected = set()  # link types strata said it does not dissect
        self.s_error_index = None  # index of strata's first `error` layer
        # strata protocols with a string value holding SEP or AGG: tshark's
        # printing of the same bytes cannot be split reliably
        self.sep_protos = set()
        for l in s["layers"] if s else []:
            if _has_sep(l):
                self.sep_protos.add(l.get("proto"))

    def _pbb_customer_frame(self):
        """802.1ah: tshark shows the I-TAG and the customer's addresses and
        EtherType inside one protocol (ieee8021ad after a B-TAG, else
        ieee8021ah), whose ieee8021ah.etype is the customer's EtherType;
        strata shows the tag (vlan, then pbb) and the customer's Ethernet
        header as an eth layer of its own.  Recast tshark's fields as
        strata's layers: the tag's type is the I-TAG's EtherType (0x88e7),
        and an eth layer with the customer's addresses and type follows."""
        t = self.t
        if len(t.get("ieee8021ah.isid", [])) != 1 or len(t.get("ieee8021ah.cdst", [])) != 1:
            return
        for k, tok in enumerate(self.tokens):
            if tok in ("ieee8021ad", "ieee8021ah"):
                break
        else:
            return
        n_eth = self.tokens[:k].count("eth")
        self.tokens.insert(k + 1, "eth")
        t["eth.dst"].insert(n_eth, t["ieee8021ah.cdst"][0])
        t["eth.src"].insert(n_eth, t["ieee8021ah.csrc"][0])
        if len(t["ieee8021ah.etype"]) == 1:
            t["eth.type"].insert(n_eth, t["ieee8021ah.etype"][0])
            if tok == "ieee8021ad":
                t["ieee8021ah.etype"][0] = 0x88E7


def http_kinds(t):
    """tshark's HTTP messages in a frame, by kind.  http.request/response
    are only added once the header block has been read, so a message whose
    headers run past the segment is counted by its start line."""
    return {"request": max(len(t["http.request"]), len(t["http.request.method"])),
            "response": max(len(t["http.response"]), len(t["http.response.version"]))}


def t_layers(fr):
    """tshark's contract layers: [(proto, token, beyond_tunnel)]."""
    out = []
    beyond = False
    t = fr.t
    n_http = sum(http_kinds(t).values())
    n_dns = len(t["dns.id"])
    http_tokens = [tok for tok in fr.tokens if tok in ("http", "ssdp")]
    dns_tokens = [tok for tok in fr.tokens if T_PROTO.get(tok) == "dns"]
    seen_http = seen_dns = False
    for tok in fr.tokens:
        if tok in TUNNELS:
            beyond = True
            continue
        p = T_PROTO.get(tok)
        if p is None:
            continue
        if p == "sll" and fr.linktype == 276:
            p = "sll2"
        if p == "http":
            # a message per http.request/http.response, all on the first
            # http token (tshark loops over a segment's messages)
            if seen_http:
                continue
            seen_http = True
            k = n_http if len(http_tokens) >= 1 else 0
            out += [(p, tok, beyond)] * k
            continue
        if p == "dns":
            if seen_dns:
                continue
            seen_dns = True
            k = max(len(dns_tokens), n_dns)
            out += [(p, tok, beyond)] * k
            continue
        out.append((p, tok, beyond))
    return out


def s_layers(fr):
    return [l for l in fr.s["layers"] if l.get("proto") in CONTRACT] if fr.s else []


def s_error_index(fr):
    """Where strata stopped at an `error`, as an index into its contract
    layers: that of the first layer in error, or for a layer outside the
    contract (gre, gtp, geneve ...) the last contract layer before it
    (-1 when none was); None when no layer is in error."""
    n = 0
    for l in fr.s["layers"] if fr.s else []:
        contract = l.get("proto") in CONTRACT
        if l.get("error"):
            return n if contract else n - 1
        n += contract
    return None


def cut(layer):
    return bool(layer and (layer.get("truncated") or layer.get("error")))


class Result:
    """What the comparison of one capture found."""

    def __init__(self, cap):
        self.cap = cap
        self.disagreements = []  # (cap, frame, proto, field, tval, sval, note)
        self.excluded = collections.Counter()
        self.excluded_examples = collections.defaultdict(list)
        self.compared = collections.Counter()  # (proto, field) -> value pairs
        self.frames = 0

    def merge(self, other):
        self.disagreements += other.disagreements
        self.excluded.update(other.excluded)
        self.compared.update(other.compared)
        for name, rows in other.excluded_examples.items():
            room = 3 - len(self.excluded_examples[name])
            if room > 0:
                self.excluded_examples[name] += rows[:room]

    def add(self, d):
        row = (self.cap, d["frame"].num, d["proto"], d["field"],
               fmt(d["tval"]), fmt(d["sval"]), d.get("note", ""))
        name = excluded_by(d)
        if name:
            self.excluded[name] += 1
            if len(self.excluded_examples[name]) < 3:
                self.excluded_examples[name].append(row)
            return
        self.disagreements.append(row)


def fmt(v):
    if v is MISSING:
        return MISSING
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


# Predicates for EXCLUSIONS: d is the disagreement (frame, proto, field,
# tval, sval, slayer, ttok, tbeyond); for "skip" exclusions d has only
# frame, proto, field and slayer.

def _is_fragment(ip):
    if ip.get("proto") == "ipv4":
        return bool(ip.get("mf")) or bool(ip.get("frag_offset"))
    return any(e.get("type") == 44 for e in ip.get("ext", []) if isinstance(e, dict))


def _frame_ports(fr):
    ports = set()
    for f in ("udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport"):
        ports.update(v for v in fr.t[f] if isinstance(v, int))
    return ports


def _s_fragment(fr, layer=None):
    """The strata frame has an IP fragment (before `layer`, if given)."""
    for l in fr.s["layers"] if fr.s else []:
        if layer is not None and l is layer:
            break
        if l.get("proto") in ("ipv4", "ipv6") and not l.get("quoted") and _is_fragment(l):
            return True
    return False


def _s_event(d):
    flow = d["frame"].s.get("flow") if d["frame"].s else None
    return flow.get("event") if isinstance(flow, dict) else None


CONDITIONS = {
    "t_missing_s_ipv6_plen0": lambda d: d["tval"] is MISSING and any(
        l.get("proto") == "ipv6" and l.get("plen") == 0 and not l.get("quoted")
        for l in d["frame"].s["layers"]),
    "t_missing_s_sll_netlink": lambda d: d["tval"] is MISSING and any(
        l.get("proto") in ("sll", "sll2") and l.get("hatype") == 824
        for l in d["frame"].s["layers"]),
    "t_missing_s_quoted": lambda d: (
        d["tval"] is MISSING and bool(d.get("slayer") and d["slayer"].get("quoted"))),
    "t_skip": lambda d: d["tval"] is SKIP,
    "s_arp_not_ether_ipv4": lambda d: (
        d["sval"] is MISSING and d.get("slayer") is not None
        and (d["slayer"].get("htype") != 1 or d["slayer"].get("ptype") != 0x0800)),
    "t_text_s_missing": lambda d: isinstance(d["tval"], str) and d["sval"] is MISSING,
    "t_repeat_header": lambda d: (
        d["sval"] is MISSING and d.get("slayer") is not None and d["field"] in d["slayer"]),
    "s_dns_query": lambda d: d["slayer"].get("qr") == 0,
    "t_missing_s_ip_fragment": lambda d: (
        d["tval"] is MISSING and d.get("slayer") is not None and _s_fragment(d["frame"], d["slayer"])),
    "t_token_llmnr": lambda d: d.get("ttok") == "llmnr" or (
        "llmnr" in d["frame"].tokens and not d.get("slayer")),
    "t_token_ssdp": lambda d: d.get("ttok") == "ssdp" or (
        "ssdp" in d["frame"].tokens and not d.get("slayer")),
    "t_dns_off_port": lambda d: (
        d["sval"] is MISSING and d.get("ttok") == "dns"
        and not (_frame_ports(d["frame"]) & {53, 5353})),
    "s_fragment_payload": lambda d: (
        d["proto"] in ("dns", "http") and d["sval"] is MISSING and _s_fragment(d["frame"])),
    "beyond_tunnel": lambda d: bool(d.get("tbeyond")),
    "s_linktype_undissected": lambda d: (
        d["frame"].linktype in d["frame"].undissected and d["sval"] is MISSING),
    "t_null_type": lambda d: bool(d["frame"].t["null.type"]),
    "t_ip_source_route": lambda d: d["sval"] in d["frame"].t["ip.cur_rt"],
    "s_len_zero": lambda d: d["sval"] == 0,
    "strata_layer_cut_missing": lambda d: d["sval"] is MISSING and cut(d.get("slayer")),
    "strata_layer_cut_tshark_missing": lambda d: d["tval"] is MISSING and cut(d.get("slayer")),
    "t_layer_after_s_error": lambda d: (
        d["sval"] is MISSING and d.get("slayer") is None and d.get("tindex") is not None
        and d["frame"].s_error_index is not None and d["tindex"] > d["frame"].s_error_index),
    "t_http_bad_version": lambda d: d["sval"] is MISSING and any(
        not re.fullmatch(r"HTTP/[0-9]\.[0-9]", v)
        for v in d["frame"].t["http.request.version"] + d["frame"].t["http.response.version"]),
    "sep_in_value": lambda d: d["proto"] in d["frame"].sep_protos,
    "s_layer_cut": lambda d: cut(d.get("slayer")),
    "s_message_body": lambda d: d["sval"] is MISSING and _s_event(d) != "retransmission" and any(
        l.get("proto") == "data" and l.get("note") == "message body"
        for l in d["frame"].s["layers"]),
    "s_retransmission": lambda d: (
        d["sval"] is MISSING and d["proto"] in ("http", "dns") and _s_event(d) == "retransmission"),
    "t_malformed_fewer": lambda d: (
        bool(d["frame"].t["_ws.malformed"]) and isinstance(d["tval"], int)
        and isinstance(d["sval"], int) and d["tval"] < d["sval"]),
    "t_name_cut_at_nul": lambda d: (
        isinstance(d["sval"], str) and "\\000" in d["sval"]
        and (d["sval"].split("\\000")[0].rstrip(".") or "<root>") == d["tval"]),
}


def excluded_by(d, skip=False):
    for ex in EXCLUSIONS:
        if bool(ex.get("skip")) != skip:
            continue
        if ex["proto"] not in ("*", d["proto"]):
            continue
        if ex["field"] not in ("*", d["field"]):
            continue
        if CONDITIONS[ex["cond"]](d):
            return ex["name"]
    return None


def align(tvals, sentries):
    """Pair tshark's value list with strata's entries [(value|MISSING,
    layer, tinfo)] of one field.  Returns [(tval, sval, layer, tinfo)]."""
    present = [e for e in sentries if e[0] is not MISSING]
    if len(tvals) == len(present):
        return [(tv, e[0], e[1], e[2]) for tv, e in zip(tvals, present)]
    if len(tvals) == len(sentries):
        return [(tv, e[0], e[1], e[2]) for tv, e in zip(tvals, sentries)]
    if len(tvals) < len(present):
        # tshark lacks the field on some layers: drop it first from the
        # layers strata marks truncated/error, last ones first
        drop = len(present) - len(tvals)
        idx = [i for i, e in enumerate(present) if cut(e[1])][::-1][:drop]
        if len(idx) < drop:
            rest = [i for i in range(len(present)) if i not in idx][::-1]
            idx += rest[:drop - len(idx)]
        out = []
        it = iter(tvals)
        for i, e in enumerate(present):
            if i in idx:
                out.append((MISSING, e[0], e[1], e[2]))
            else:
                out.append((next(it), e[0], e[1], e[2]))
        return out
    # tshark has more values than strata has layers with the field
    if len(tvals) < len(sentries):
        # give the extra values to the strata layers cut short first
        extra = len(tvals) - len(present)
        miss = [i for i, e in enumerate(sentries) if e[0] is MISSING]
        miss_cut = [i for i in miss if cut(sentries[i][1])]
        take = set((miss_cut + [i for i in miss if i not in miss_cut])[:extra])
        out = []
        it = iter(tvals)
        for i, e in enumerate(sentries):
            if e[0] is not MISSING or i in take:
                out.append((next(it), e[0], e[1], e[2]))
        return out
    out = [(tv, e[0], e[1], e[2]) for tv, e in zip(tvals, sentries)]
    last = sentries[-1] if sentries else (None, None, None)
    for tv in tvals[len(sentries):]:
        out.append((tv, MISSING, last[1], last[2]))  # surplus: the last layer's
    return out


def compare_values(res, fr, proto, field, tvals, sentries, layers_ok):
    """Report the pairs that differ.  layers_ok: the layer sequences of this
    protocol agree (else surplus values are not reported again)."""
    for tv, sv, layer, tinfo in align(tvals, sentries):
        res.compared[(proto, field)] += 1
        if same(proto, tv, sv):
            continue
        if field == "checksum_ok" and tv is None:
            # tshark "unverified" / "not present", and the reassembly view,
            # where TCP/UDP checksums are not checked (a bad one would stop
            # tshark's reassembly): no value to compare
            continue
        if (tv is MISSING or sv is MISSING) and not layers_ok:
            continue  # a layer one side lacks: reported once, as "(layer)"
        res.add(dict(frame=fr, proto=proto, field=field, tval=tv, sval=sv,
                     slayer=layer, ttok=tinfo and tinfo[1],
                     tbeyond=tinfo and tinfo[2]))


def entries(res, fr, proto, field, layers, tinfo):
    """Strata's entries for one field: (value or MISSING, layer, tshark
    layer info) per layer of the protocol, less the layers a "skip"
    exclusion leaves out.  tinfo: tshark's layers of the protocol, paired
    by rank."""
    out = []
    for i, l in enumerate(layers):
        name = excluded_by(dict(frame=fr, proto=proto, field=field, slayer=l), skip=True)
        if name:
            res.excluded[name] += 1
            continue
        out.append((l.get(field, MISSING), l, tinfo[i] if i < len(tinfo) else None))
    return out


def compare_frame(res, fr):
    tl_all = t_layers(fr)
    sl = s_layers(fr)
    # ---- layers, both ways
    tseq = [p for p, _, _ in tl_all]
    sseq = [l["proto"] for l in sl]
    fr.s_error_index = s_error_index(fr)  # strata stops after it
    sm = difflib.SequenceMatcher(None, tseq, sseq, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            # nesting: a layer after an ICMP/ICMPv6 layer is the quoted
            # invoking packet, which strata marks "quoted":true
            for i, j in zip(range(i1, i2), range(j1, j2)):
                want = any(p in ("icmp", "icmpv6") for p in tseq[:i])
                got = bool(sl[j].get("quoted"))
                res.compared[(sl[j]["proto"], "quoted")] += 1
                if want != got:
                    res.add(dict(frame=fr, proto=sl[j]["proto"], field="quoted", tval=want,
                                 sval=got, slayer=sl[j], ttok=tl_all[i][1],
                                 tbeyond=tl_all[i][2], note="layer %d" % (j + 1)))
            continue
        for i in range(i1, i2):
            p, tok, beyond = tl_all[i]
            res.add(dict(frame=fr, proto=p, field="(layer)", tval="present",
                         sval=MISSING, slayer=None, ttok=tok, tbeyond=beyond, tindex=i,
                         note="tshark layer %d (%s)" % (i + 1, tok)))
        for j in range(j1, j2):
            l = sl[j]
            res.add(dict(frame=fr, proto=l["proto"], field="(layer)", tval=MISSING,
                         sval="present", slayer=l,
                         note="strata layer %d%s" % (j + 1, " quoted" if l.get("quoted") else "")))

    by_t = collections.defaultdict(list)
    for x in tl_all:
        by_t[x[0]].append(x)
    by_s = collections.defaultdict(list)
    for l in sl:
        by_s[l["proto"]].append(l)

    t = fr.t
    for proto in CONTRACT:
        tl = by_t.get(proto, [])
        ls = by_s.get(proto, [])
        if not tl and not ls:
            continue
        layers_ok = len(tl) == len(ls)
        n_in = sum(1 for x in tl if not x[2])

        def tv_of(tfield, _tl=tl, _n_in=n_in):
            vals = t[tfield]
            if len(_tl) > _n_in:
                # some tshark layers of this protocol are beyond a tunnel:
                # keep the values of the layers before it when the field
                # is on every layer, else the field cannot be placed
                if len(vals) == len(_tl):
                    return vals[:_n_in]
                if len(vals) <= _n_in:
                    return vals
                return None
            return vals

        def cmp(field, tvals, _proto=proto, _ls=ls, _tl=tl, _ok=layers_ok):
            if tvals is None:
                res.excluded["tunnel"] += 1
                return
            compare_values(res, fr, _proto, field, tvals,
                           entries(res, fr, _proto, field, _ls, _tl), _ok)

        for field, tfield in SIMPLE.get(proto, []):
            cmp(field, tv_of(tfield))

        if proto == "eth":
            cmp("type", eth_types(t, tv_of))
        elif proto == "vlan":
            vt = vlan_values(fr)
            for field in ("id", "pcp", "type"):
                cmp(field, vt[field])
        elif proto in ("sll", "sll2"):
            cmp("type", t["sll.etype"] + t["sll.ltype"] + t["sll.gretype"])
            cmp("pkttype", t["sll.pkttype"])
        elif proto == "tcp":
            flags = tv_of("tcp.flags")
            if flags is not None:
                flags = [flags_str(f) if isinstance(f, int) else f for f in flags]
            cmp("flags_str", flags)
        elif proto == "dns":
            compare_dns(res, fr, tl, ls, layers_ok)
        elif proto == "http":
            compare_http(res, fr, tl, ls, layers_ok)


def eth_types(t, tv_of):
    types = tv_of("eth.type")
    lens = tv_of("eth.len")
    if types is None or lens is None:
        return None
    if lens and not types:
        # 802.3: the EtherType a SNAP header with OUI 0 carries, else 0
        if len(t["llc.oui"]) == 1 and t["llc.oui"][0] == 0 and len(t["llc.type"]) == 1:
            return [t["llc.type"][0]]
        return [0] * len(lens)
    return types


def vlan_values(fr):
    """Per vlan layer (802.1Q vlan and 802.1ad ieee8021ad tokens, in frame
    order, up to a tunnel): id, pcp, type."""
    t = fr.t
    cur = collections.Counter()
    out = {"id": [], "pcp": [], "type": []}

    def take(field):
        i = cur[field]
        cur[field] += 1
        vals = t[field]
        return vals[i] if i < len(vals) else MISSING

    for k, tok in enumerate(fr.tokens):
        if tok in TUNNELS:
            break
        if tok == "vlan":
            out["id"].append(take("vlan.id"))
            out["pcp"].append(take("vlan.priority"))
            nxt = fr.tokens[k + 1] if k + 1 < len(fr.tokens) else ""
            if nxt == "llc" and cur["vlan.len"] < len(t["vlan.len"]):
                # 802.3 length after the tag: the rule of eth `type`
                take("vlan.len")
                if len(t["llc.oui"]) == 1 and t["llc.oui"][0] == 0 and len(t["llc.type"]) == 1:
                    out["type"].append(t["llc.type"][0])
                else:
                    out["type"].append(0)
            else:
                out["type"].append(take("vlan.etype"))
        elif tok == "ieee8021ad":
            out["id"].append(take("ieee8021ad.id"))
            out["pcp"].append(take("ieee8021ad.priority"))
            out["type"].append(take("ieee8021ah.etype"))
    for k in out:
        out[k] = [v for v in out[k] if v is not MISSING]
    return out


def compare_dns(res, fr, tl, ls, layers_ok):
    t = fr.t
    if any(b for _, _, b in tl):
        res.excluded["tunnel"] += 1
        return
    if not tl or not ls:
        return  # reported (or forgiven) as a missing layer
    mdns = any(tok == "mdns" for _, tok, _ in tl)
    ti = tl[0] if tl else None

    def sval(obj, field):
        v = obj.get(field, MISSING)
        if field == "class" and mdns and isinstance(v, int):
            return v & 0x7fff  # tshark shows the mDNS flag bit apart
        return v

    # questions
    tq = list(zip(t["dns.qry.name"], t["dns.qry.type"], t["dns.qry.class"]))
    sq = [(q, l) for l in ls for q in l.get("questions", []) if isinstance(q, dict)]
    for idx, field in enumerate(("name", "type", "class")):
        compare_values(res, fr, "dns", "questions." + field, [x[idx] for x in tq],
                       [(sval(q, field), l, ti) for q, l in sq], layers_ok)

    # resource records: every record's values from tshark's per-record
    # lists, then the first ancount of each message are its answers
    names, types = t["dns.resp.name"], t["dns.resp.type"]
    classes, ttls, rdlens = t["dns.resp.class"], t["dns.resp.ttl"], t["dns.resp.len"]
    cursors = collections.Counter()
    recs = []
    ci = 0
    ni = 0
    for i in range(len(types)):
        typ = types[i]
        if recs and recs[-1]["type"] in (47, 50, 62):
            # the types of an NSEC/NSEC3/CSYNC bitmap follow in the list:
            # nothing after can be placed
            recs.append({"name": SKIP, "type": SKIP, "class": SKIP, "ttl": SKIP,
                         "data": SKIP, "unplaceable": True})
            break
        if typ == 33:
            name = SKIP  # SRV: no dns.resp.name in tshark 4.0
        elif ni < len(names):
            name = names[ni]
            ni += 1
        else:
            break
        r = {"name": name, "type": typ}
        if typ != 41:  # OPT: no dns.resp.class / dns.resp.ttl
            r["class"] = classes[ci] if ci < len(classes) else MISSING
            r["ttl"] = ttls[ci] if ci < len(ttls) else MISSING
            ci += 1
        r["data"] = dns_data(t, typ, rdlens[i] if i < len(rdlens) else None, cursors)
        recs.append(r)
    tans = []
    pos = 0
    for li in range(max(len(t["dns.id"]), 1)):
        counts = [t[f][li] if li < len(t[f]) else 0
                  for f in ("dns.count.answers", "dns.count.auth_rr", "dns.count.add_rr")]
        if not all(isinstance(x, int) for x in counts):
            break
        tans += recs[pos:pos + counts[0]]
        pos += sum(counts)
    # the contract's keys of every question and answer strata gives
    for key, need in (("questions", ("name", "type", "class")),
                      ("answers", ("name", "type", "class", "ttl", "data"))):
        for l in ls:
            for k, e in enumerate(l.get(key, [])):
                res.compared[("dns", key + "(keys)")] += 1
                have = sorted(e) if isinstance(e, dict) else [type(e).__name__]
                if not isinstance(e, dict) or any(n not in e for n in need):
                    res.add(dict(frame=fr, proto="dns", field=key + "(keys)",
                                 tval="contract: " + ",".join(need), sval=",".join(have) or "{}",
                                 slayer=l, ttok=ti and ti[1], tbeyond=False,
                                 note="%s[%d]%s" % (key, k, " in a layer marked " + (
                                     "error" if l.get("error") else "truncated") if cut(l) else "")))
    sa = [(a, l) for l in ls for a in l.get("answers", []) if isinstance(a, dict)]
    if any(r.get("unplaceable") for r in tans):
        # strata's answers from the first unplaceable record on are not compared
        k = [i for i, r in enumerate(tans) if r.get("unplaceable")][0]
        res.excluded["dns-nsec-bitmap"] += max(len(sa) - k, 0)
        tans, sa = tans[:k], sa[:k]
    if len(tans) != len(sa):
        res.add(dict(frame=fr, proto="dns", field="answers(count)", tval=len(tans),
                     sval=len(sa), slayer=ls[-1] if ls else None,
                     ttok=ti and ti[1], tbeyond=False))
    n = min(len(tans), len(sa))
    for field in ("name", "type", "class", "ttl", "data"):
        for r, (a, l) in zip(tans[:n], sa[:n]):
            tv, sv = r.get(field, MISSING), sval(a, field)
            res.compared[("dns", "answers." + field)] += 1
            if not same("dns", tv, sv):
                res.add(dict(frame=fr, proto="dns", field="answers." + field, tval=tv,
                             sval=sv, slayer=l, ttok=ti and ti[1], tbeyond=False))


def dns_data(t, typ, rdlen, cur):
    def take(field):
        i = cur[field]
        cur[field] += 1
        vals = t[field]
        return vals[i] if i < len(vals) else MISSING

    if rdlen == 0:
        return "<0 bytes>"  # no per-type field; RFC 2136 2.5.2 (delete an RRset)
    if typ == 1:
        return take("dns.a")
    if typ == 28:
        return take("dns.aaaa")
    if typ == 5:
        return take("dns.cname")
    if typ == 2:
        return take("dns.ns")
    if typ == 12:
        return take("dns.ptr.domain_name")
    if typ == 15:
        pref, mx = take("dns.mx.preference"), take("dns.mx.mail_exchange")
        return "%s %s" % (pref, mx)
    if typ == 16:
        parts = []
        used = 0
        while isinstance(rdlen, int) and used < rdlen:
            ln = take("dns.txt.length")
            if ln is MISSING:
                break
            parts.append(take("dns.txt"))
            used += 1 + ln
        return " ".join(p for p in parts if p is not MISSING)
    return "<%s bytes>" % rdlen


def compare_http(res, fr, tl, ls, layers_ok):
    t = fr.t
    if any(b for _, _, b in tl):
        res.excluded["tunnel"] += 1
        return
    if not tl or not ls:
        return  # reported (or forgiven) as a missing layer
    ti = tl[0] if tl else None
    hk = http_kinds(t)
    kinds_t = sorted(["request"] * hk["request"] + ["response"] * hk["response"])
    # a layer strata cut short (truncated start line, error) has no kind:
    # it takes the kind of tshark's message of the same rank
    kinds_s = []
    for i, l in enumerate(ls):
        k = l.get("kind", MISSING)
        if k is MISSING and cut(l) and i < len(kinds_t):
            k = kinds_t[i]
        kinds_s.append(k)
    res.compared[("http", "kind")] += len(kinds_s)
    if layers_ok and kinds_t != sorted(map(str, kinds_s)):
        res.add(dict(frame=fr, proto="http", field="kind", tval=",".join(kinds_t),
                     sval=",".join(map(str, kinds_s)), slayer=ls[0] if ls else None,
                     ttok=ti and ti[1], tbeyond=False))
    req = [l for l, k in zip(ls, kinds_s) if k == "request"]
    rsp = [l for l, k in zip(ls, kinds_s) if k == "response"]

    def ent(layers, field):
        out = []
        for l in layers:
            v = l.get(field, MISSING)
            if field in ("reason", "host") and v == "":
                v = MISSING  # tshark adds no http.response.phrase / http.host when empty
            out.append((v, l, ti))
        return out

    for field, tfield, layers in (
            ("method", "http.request.method", req),
            ("uri", "http.request.uri", req),
            ("version", "http.request.version", req),
            ("host", "http.host", req),
            ("version", "http.response.version", rsp),
            ("status", "http.response.code", rsp),
            ("reason", "http.response.phrase", rsp),
            ("content_length", "http.content_length_header", req + rsp)):
        compare_values(res, fr, "http", field, t[tfield], ent(layers, field), layers_ok)


def compare_one(path, t, srec, undissected):
    """Compare one frame: a Result holding only that frame's findings."""
    res = Result(path)
    fr = Frame(path, t, srec)
    fr.undissected = undissected
    if t["frame.number"] != [srec.get("frame")]:
        res.disagreements.append((path, fr.num, "packet", "frame",
                                  fmt((t["frame.number"] or [MISSING])[0]),
                                  fmt(srec.get("frame", MISSING)), ""))
    try:
        compare_frame(res, fr)
    except Exception as e:  # a bug here must not hide the others
        res.disagreements.append((path, fr.num, "differential.py", "(crash)", "",
                                  "%s: %s" % (type(e).__name__, e), ""))
    return res


def reassembled_at(rec):
    """Index of the first layer strata rebuilt from several frames, or None."""
    for k, l in enumerate(rec.get("layers", [])):
        if isinstance(l.get("reassembled"), dict):
            return k
    return None


def check_capture(args):
    path, strata, tshark = args
    res = Result(path)
    home = tempfile.mkdtemp(prefix="strata-diff-")
    try:
        trc, tframes, terr = run_tshark(tshark, path, home)
        src, srecs, serr, sbad = run_strata(strata, path)
    except subprocess.TimeoutExpired as e:
        res.disagreements.append((path, 0, "capture", "(timeout)", "",
                                  "%s ran over %d s" % (os.path.basename(e.cmd[0]), TOOL_TIMEOUT), ""))
        return res
    except ValueError as e:  # tshark output that cannot be split into fields
        res.disagreements.append((path, 0, "capture", "(tshark output)", str(e), "", ""))
        return res
    finally:
        shutil.rmtree(home, ignore_errors=True)
    res.frames = len(tframes)
    for b in sbad:
        res.disagreements.append((path, 0, "strata", "(json)", "", b, ""))
    t_failed = trc != 0
    # "strata: FILE: link type N (NAME) is not dissected; ..." is a warning
    undissected = set()
    errors = []
    for line in serr:
        m = re.match(r"strata: .*: link type (\d+)\b.* is not dissected", line)
        if m:
            undissected.add(int(m.group(1)))
        elif line.strip():
            errors.append(line)
    if src != 0:
        # strata refused the file, or stopped in the middle of it: one line
        # "strata: FILE: reason"
        msg = errors[-1] if errors else ""
        expect = "strata: %s: " % path
        if len(errors) != 1 or not msg.startswith(expect) or len(msg) <= len(expect):
            res.disagreements.append((path, 0, "strata", "(error)", "one line 'strata: FILE: reason'",
                                      " | ".join(errors) or "(nothing on stderr)", "exit %d" % src))
        corrupt = [name for name, test, _ in CORRUPT_FILES if test(path)]
        if corrupt:
            res.excluded[corrupt[0]] += 1
        elif not t_failed:
            res.disagreements.append((path, 0, "capture", "(readable)", "tshark reads it (exit 0)",
                                      "strata exit %d: %s" % (src, msg), ""))
    else:
        if errors:
            res.disagreements.append((path, 0, "strata", "(stderr)", "nothing but warnings",
                                      " | ".join(errors), "exit 0"))
        if t_failed:
            res.disagreements.append((path, 0, "capture", "(readable)",
                                      "tshark fails: %s" % " | ".join(terr[:2]),
                                      "strata reads it (exit 0)", ""))
    if len(tframes) != len(srecs):
        res.disagreements.append((path, 0, "capture", "(frames)", str(len(tframes)),
                                  str(len(srecs)), ""))
    # Each frame is compared with tshark's per-frame view (reassembly off);
    # a frame strata shows with a layer rebuilt from several frames, or one
    # that disagrees with that view, is also compared with the reassembling
    # view, and passes when it agrees with it entirely.
    n = min(len(tframes), len(srecs))
    first = {}
    for i in range(n):
        first[i] = compare_one(path, tframes[i], srecs[i], undissected)
    redo = [i for i in range(n) if first[i].disagreements or reassembled_at(srecs[i]) is not None]
    second = {}
    if redo:
        home = tempfile.mkdtemp(prefix="strata-diff-")
        try:
            tre = run_tshark(tshark, path, home, TSHARK_PREFS_REASSEMBLY)[1]
        except (subprocess.TimeoutExpired, ValueError) as e:
            tre = []
            res.disagreements.append((path, 0, "capture", "(tshark reassembling view)",
                                      str(e), "", ""))
        finally:
            shutil.rmtree(home, ignore_errors=True)
        for i in redo:
            if i < len(tre) and tre[i]["frame.number"] == tframes[i]["frame.number"]:
                second[i] = compare_one(path, tre[i], srecs[i], undissected)
    for i in range(n):
        a, b = first[i], second.get(i)
        if b is not None and not b.disagreements:
            pick = b
            res.compared[("frame", "matched the reassembling view")] += 1
        elif b is not None and reassembled_at(srecs[i]) is not None:
            pick = b  # strata rebuilt a payload here: that view's differences
        else:
            pick = a
        res.merge(pick)
    return res


# -------------------------------------------------------------- main --

CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".ntar")


def clip(text, n=160):
    return text if len(text) <= n else "%s...(%d more chars)" % (text[:n], len(text) - n)


def collect(paths):
    out = []
    any_exists = False
    for p in paths:
        if os.path.isdir(p):
            any_exists = True
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.lower().endswith(CAPTURE_EXT):
                        out.append(os.path.join(root, f))
        elif os.path.exists(p):
            any_exists = True
            out.append(p)
    return out, any_exists


def main():
    ap = argparse.ArgumentParser(description="strata --json against tshark -T fields")
    ap.add_argument("--strata", required=True, help="the strata binary")
    ap.add_argument("--tshark", default=shutil.which("tshark") or "/usr/bin/tshark")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="captures checked in parallel")
    ap.add_argument("--examples", "-n", type=int, default=5,
                    help="examples shown per (protocol, field)")
    ap.add_argument("--show-exclusions", action="store_true",
                    help="list the exclusions with their reasons and exit")
    ap.add_argument("--quiet", "-q", action="store_true", help="no per-capture lines")
    ap.add_argument("--show-excluded", action="store_true",
                    help="also show examples of the disagreements exclusions forgave")
    ap.add_argument("--coverage", action="store_true",
                    help="show how many value pairs were compared per field")
    ap.add_argument("paths", nargs="*")
    a = ap.parse_args()

    if a.show_exclusions:
        for ex in EXCLUSIONS:
            print("%-26s %-5s %-15s %s" % (ex["name"], ex["proto"], ex["field"], ex["reason"]))
        for name, _, reason in CORRUPT_FILES:
            print("%-26s %-5s %-15s %s" % (name, "file", "(refused)", reason))
        return 0
    caps, any_exists = collect(a.paths)
    if not any_exists:
        print("differential: none of the given paths exists: skipped")
        return 77
    if not caps:
        print("differential: no capture files under the given paths: skipped")
        return 77
    if not (os.path.isfile(a.strata) and os.access(a.strata, os.X_OK)):
        print("differential: strata binary not found: %s" % a.strata, file=sys.stderr)
        return 2
    if not (a.tshark and os.access(a.tshark, os.X_OK)):
        print("differential: tshark not found: skipped (install tshark, or give --tshark)")
        return 77

    t0 = time.time()
    results = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for res in ex.map(check_capture, [(c, a.strata, a.tshark) for c in caps]):
            results.append(res)
            if not a.quiet:
                print("%-4s %s (%d frames%s)" % (
                    "FAIL" if res.disagreements else "ok", res.cap, res.frames,
                    ", %d disagreements" % len(res.disagreements) if res.disagreements else ""))

    groups = collections.OrderedDict()
    excluded = collections.Counter()
    ex_examples = collections.defaultdict(list)
    compared = collections.Counter()
    for res in results:
        excluded.update(res.excluded)
        compared.update(res.compared)
        for name, rows in res.excluded_examples.items():
            ex_examples[name] += rows
        for d in res.disagreements:
            groups.setdefault((d[2], d[3]), []).append(d)
    if groups:
        print()
        print("Disagreements (capture, frame: tshark value | strata value):")
        for (proto, field), ds in sorted(groups.items()):
            print("\n  %s.%s: %d" % (proto, field, len(ds)))
            for cap, frame, _, _, tv, sv, note in ds[:a.examples]:
                print("    %s, frame %s: tshark %s | strata %s%s" % (
                    cap, frame, clip(tv), clip(sv), ("  [%s]" % note) if note else ""))
    if excluded:
        print()
        print("Forgiven by exclusions:")
        reasons = {ex["name"]: ex["reason"] for ex in EXCLUSIONS}
        reasons.update((name, reason) for name, _, reason in CORRUPT_FILES)
        for name, n in excluded.most_common():
            print("  %-26s %6d  %s" % (name, n, reasons.get(name, "")))
            if a.show_excluded:
                for cap, frame, proto, field, tv, sv, note in ex_examples[name][:a.examples]:
                    print("      %s, frame %s: %s.%s: tshark %s | strata %s%s" % (
                        cap, frame, proto, field, clip(tv), clip(sv),
                        ("  [%s]" % note) if note else ""))
    if a.coverage:
        print()
        print("Value pairs compared per contract field:")
        for proto, fields in CONTRACT_FIELDS.items():
            print("  %-7s %s" % (proto, ", ".join(
                "%s %d" % (f, compared[(proto, f)]) for f in fields)))
    failed = sum(1 for r in results if r.disagreements)
    print()
    print("%d frames compared in %.1f s" % (sum(r.frames for r in results), time.time() - t0))
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    sys.exit(main())
