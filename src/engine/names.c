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

unsigned tcp_flag_letters(uint32_t flags, char out[8])
{
    /* print-tcp.c's tcp_flag_values order */
    static const struct {
        uint8_t bit;
        char letter;
    } L[] = {
        {0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
        {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'},
    };
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof L / sizeof L[0]; i++)
        if (flags & L[i].bit)
            out[n++] = L[i].letter;
    return n;
}

/* tcpdump 4.99's names (print-ether.c ethertype_values), for -e. */
const char *ethertype_tcpdump_name(uint32_t type)
{
    switch (type) {
    case 0x0600: return "NS";
    case 0x0707: return "GeoNet (old)";
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x1000: return "Trail";
    case 0x1111: return "CALM FAST";
    case 0x6001: return "MOP DL";
    case 0x6002: return "MOP RC";
    case 0x6003: return "DN";
    case 0x6004: return "LAT";
    case 0x6007: return "SCA";
    case 0x6558: return "TEB";
    case 0x8035: return "Reverse ARP";
    case 0x8038: return "Lanbridge";
    case 0x803c: return "DEC DNS";
    case 0x803e: return "DEC DTS";
    case 0x805b: return "VEXP";
    case 0x805c: return "VPROD";
    case 0x809b: return "Appletalk";
    case 0x80f3: return "Appletalk ARP";
    case 0x8100: return "802.1Q";
    case 0x8137: return "IPX";
    case 0x86dd: return "IPv6";
    case 0x8808: return "MPCP";
    case 0x8809: return "Slow Protocols";
    case 0x880b: return "PPP";
    case 0x8847: return "MPLS unicast";
    case 0x8848: return "MPLS multicast";
    case 0x8863: return "PPPoE D";
    case 0x8864: return "PPPoE S";
    case 0x886f: return "MS NLB heartbeat";
    case 0x8870: return "Jumbo";
    case 0x888e: return "EAPOL";
    case 0x8899: return "Realtek protocols";
    case 0x88a2: return "AoE";
    case 0x88a8: return "802.1Q-QinQ";
    case 0x88ca: return "TIPC";
    case 0x88cc: return "LLDP";
    case 0x88e5: return "802.1AE MACsec";
    case 0x88f7: return "PTP";
    case 0x8902: return "CFM";
    case 0x893a: return "IEEE1905.1";
    case 0x8947: return "GeoNet";
    case 0x894f: return "NSH";
    case 0x9000: return "Loopback";
    case 0x9100: return "802.1Q-9100";
    case 0x9200: return "802.1Q-9200";
    case 0xabcd: return "CFM (old)";
    case 0xd28b: return "Arista Vendor Specific Protocol";
    case 0xfefe: return "OSI";
    default: return "Unknown";
    }
}

void put_ethertype_tcpdump(outbuf_t *ob, uint32_t type)
{
    ob_puts(ob, "ethertype ");
    ob_puts(ob, ethertype_tcpdump_name(type));
    ob_puts(ob, " (0x");
    ob_hex(ob, type, 4);
    ob_putc(ob, ')');
}
