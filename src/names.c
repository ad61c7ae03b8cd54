/* names.c - names for numbers that several dissectors share. */
#include "dissector.h"

const char *ethertype_name(uint32_t type)
{
    switch (type) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x8035: return "RARP";
    case 0x86dd: return "IPv6";
    case 0x8100: return "802.1Q";
    case 0x88a8: return "802.1ad";
    case 0x9100: return "QinQ";
    case 0x8863: return "PPPoE discovery";
    case 0x8864: return "PPPoE session";
    case 0x8847: return "MPLS";
    case 0x8848: return "MPLS multicast";
    case 0x880b: return "PPP";
    case 0x888e: return "EAPOL";
    case 0x88e7: return "802.1ah";
    case 0x8926: return "VN-Tag";
    case 0x88cc: return "LLDP";
    case 0x88f7: return "PTP";
    case 0x9000: return "loopback";
    default: return NULL;
    }
}

const char *ipproto_name(uint32_t proto)
{
    switch (proto) {
    case 0: return "IPv6 hop-by-hop";
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPv4-in-IP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6-in-IP";
    case 43: return "IPv6 routing";
    case 44: return "IPv6 fragment";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 59: return "no next header";
    case 60: return "IPv6 destination options";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 132: return "SCTP";
    default: return NULL;
    }
}

/* Port class per the IANA registry (RFC 6335 section 6): 0 reserved,
 * 1-1023 system ("well-known"), 1024-49151 user ("registered"),
 * 49152-65535 dynamic/private.  With the service for common ports. */
const char *port_note(uint32_t port)
{
    switch (port) {
    case 20: return "well-known: ftp-data";
    case 21: return "well-known: ftp";
    case 22: return "well-known: ssh";
    case 23: return "well-known: telnet";
    case 25: return "well-known: smtp";
    case 53: return "well-known: domain";
    case 67: return "well-known: bootps";
    case 68: return "well-known: bootpc";
    case 69: return "well-known: tftp";
    case 80: return "well-known: http";
    case 110: return "well-known: pop3";
    case 123: return "well-known: ntp";
    case 143: return "well-known: imap";
    case 161: return "well-known: snmp";
    case 179: return "well-known: bgp";
    case 389: return "well-known: ldap";
    case 443: return "well-known: https";
    case 514: return "well-known: syslog";
    case 587: return "well-known: submission";
    case 993: return "well-known: imaps";
    case 995: return "well-known: pop3s";
    case 1900: return "registered: ssdp";
    case 3128: return "registered: squid http proxy";
    case 3306: return "registered: mysql";
    case 5353: return "registered: mdns";
    case 5432: return "registered: postgresql";
    case 6379: return "registered: redis";
    case 8000: return "registered: http-alt";
    case 8080: return "registered: http-alt";
    default: break;
    }
    if (port == 0)
        return "reserved";
    if (port < 1024)
        return "well-known";
    if (port < 49152)
        return "registered";
    return "dynamic";
}
