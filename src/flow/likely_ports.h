/* likely_ports.h - Zeek's "likely server ports", for deciding which side of
 * a new TCP or UDP flow is the originator the way Zeek does.
 *
 * THE SET.  Zeek's core consults the script-level set `likely_server_ports`
 * (declared `&redef` with an empty default in base/init-bare.zeek).  In the
 * default configuration (base/init-default.zeek, plus base/packet-protocols
 * which init-bare.zeek loads even in bare mode) it is filled only by
 * `redef likely_server_ports += { ... }` lines in the analyzer scripts;
 * likely_ports.c lists every port with the script it comes from.  The
 * tables are those of Zeek 8.0 (the 8.0 LTS line), read from zeek/zeek:
 * the generated script reference doc/scripts/base/init-bare.zeek.rst at
 * commit e90d8f37f18098755700fde53bd18e673d333d89 (an 8.x tree: it has
 * 8.0's Redis analyzer and predates PR #5093 below; it could not be tied
 * to a release tag) names every script that redefines the set, and each
 * script's own `ports` constants give the values.  In 8.0 Analyzer::register_for_ports() and
 * PacketAnalyzer::register_for_ports() do not touch the set: a port an
 * analyzer is registered for is a likely server port only if its script
 * also redefines the set (DHCP registers 67, 68 and 4011/udp but adds only
 * 67/udp; MySQL registers 1434 and 3306/tcp and QUIC 443, 853 and 784/udp
 * without adding them).
 *
 * Later versions differ: from Zeek 8.1 (zeek/zeek PR #5093)
 * register_for_ports(tag, server_ports, non_server_ports) adds its
 * server_ports to the set itself, which brings in 4011/udp (DHCP),
 * 1434/tcp and 3306/tcp (MySQL); DNS-over-QUIC (853, 784/udp) is passed as
 * non-server ports and stays out.  Later master (PR #5669, syslog over
 * TCP) also adds 514/tcp.  None of these is in the tables.
 *
 * Ports are per transport: 53/tcp and 53/udp are separate members (Zeek
 * ORs a TCP or UDP mask into the port before the lookup).
 *
 * THE RULE.  When a packet creates a new connection, Zeek's
 * IPBasedAnalyzer::NewConn() asks the transport's WantConnection(src_port,
 * dst_port, ...) whether to create it and whether to flip the roles (make
 * the packet's destination the originator):
 *
 *   UDP (UDPAnalyzer::WantConnection, udp/UDP.cc): flip exactly when the
 *   source port is a likely server port and the destination port is not.
 *   Two likely ports, or none, or only the destination: no flip.
 *
 *   TCP (TCPAnalyzer::WantConnection, tcp/TCP.cc), on the SYN and ACK
 *   bits of the first packet:
 *     - SYN without ACK: never flipped; the sender originates.
 *     - SYN-ACK: a partial connection.  Flipped only when the source port
 *       is a likely server port and the destination port is not.  When
 *       both are likely it is NOT flipped (so that a stealth scan's
 *       SYN-ACKs keep the scanner as originator).
 *     - no SYN (mid-stream): a partial connection.  Flipped when the
 *       source port is likely and the destination is not; when both are
 *       likely, flipped when the source port is numerically lower than
 *       the destination port (the lower port is taken for the server).
 *   (The connection is not created at all for a partial first packet if
 *   partial_connection_ok is F, or for a SYN-ACK if tcp_SYN_ack_ok is F;
 *   both default to T.)
 *
 *   Both: since Zeek 6.1 (PR #3237) NewConn() ignores the flip when the
 *   packet's destination address is the IPv4 limited broadcast
 *   255.255.255.255 (IPAddr::IsBroadcast; never for IPv6).
 *
 * Only the creation-time decision is described here; Zeek can still flip a
 * connection later (a SYN answering a SYN-ACK that was seen first, in
 * TCPSessionAdapter, and some application analyzers such as DNS and NTP).
 */
#ifndef STRATA_LIKELY_PORTS_H
#define STRATA_LIKELY_PORTS_H

#include <stdbool.h>
#include <stdint.h>

/* True when `port` (host byte order) of transport `ipproto` (6 TCP, 17
 * UDP) is in Zeek 8.0's default likely_server_ports; false for any other
 * protocol and for port 0. */
bool likely_server_port(uint8_t ipproto, uint16_t port);

#endif
