/* likely_ports.c - Zeek 8.0's default likely_server_ports (see
 * likely_ports.h for where the set comes from and how Zeek uses it).
 *
 * Every entry names the Zeek script whose `redef likely_server_ports +=`
 * puts it there (paths under Zeek's scripts/).  The tables must stay
 * sorted in ascending order, without duplicates: they are binary-searched.
 * 1080/tcp is in the set twice in Zeek (HTTP and SOCKS) and once here.
 */
#include "likely_ports.h"

#include <stddef.h>

static const uint16_t tcp_ports[] = {
    21,    /* base/protocols/ftp/main.zeek: 21, 2811 */
    22,    /* base/protocols/ssh/main.zeek: 22 */
    25,    /* base/protocols/smtp/main.zeek: 25, 587 */
    53,    /* base/protocols/dns/main.zeek: 53 (and 53, 137, 5353, 5355/udp) */
    79,    /* base/protocols/finger/main.zeek: 79 */
    80,    /* base/protocols/http/main.zeek: 80, 81, 631, 1080, 3128, 8000, 8080, 8888 */
    81,    /* base/protocols/http/main.zeek */
    88,    /* base/protocols/krb/main.zeek: 88 (and 88/udp) */
    135,   /* base/protocols/dce-rpc/main.zeek: 135 */
    139,   /* base/protocols/smb/main.zeek: 139, 445 */
    143,   /* base/protocols/imap/main.zeek: 143 */
    389,   /* base/protocols/ldap/main.zeek: 389, 3268 (and 389/udp) */
    443,   /* base/protocols/ssl/main.zeek (ssl_ports): 443, 563, 585, 614, 636,
              989, 990, 992, 993, 995, 5223 (and dtls_ports 443/udp) */
    445,   /* base/protocols/smb/main.zeek */
    502,   /* base/protocols/modbus/main.zeek: 502 */
    563,   /* base/protocols/ssl/main.zeek */
    585,   /* base/protocols/ssl/main.zeek */
    587,   /* base/protocols/smtp/main.zeek */
    614,   /* base/protocols/ssl/main.zeek */
    631,   /* base/protocols/http/main.zeek */
    636,   /* base/protocols/ssl/main.zeek */
    989,   /* base/protocols/ssl/main.zeek */
    990,   /* base/protocols/ssl/main.zeek */
    992,   /* base/protocols/ssl/main.zeek */
    993,   /* base/protocols/ssl/main.zeek */
    995,   /* base/protocols/ssl/main.zeek */
    1080,  /* base/protocols/http/main.zeek and base/protocols/socks/main.zeek: 1080 */
    1883,  /* base/protocols/mqtt/main.zeek: 1883 */
    2811,  /* base/protocols/ftp/main.zeek (GridFTP) */
    3128,  /* base/protocols/http/main.zeek */
    3268,  /* base/protocols/ldap/main.zeek */
    3389,  /* base/protocols/rdp/main.zeek (rdp_ports): 3389 (and rdpeudp_ports 3389/udp) */
    5222,  /* base/protocols/xmpp/main.zeek: 5222, 5269 */
    5223,  /* base/protocols/ssl/main.zeek */
    5269,  /* base/protocols/xmpp/main.zeek */
    5432,  /* base/protocols/postgresql/main.zeek: 5432 */
    6379,  /* base/protocols/redis/main.zeek: 6379 */
    6666,  /* base/protocols/irc/main.zeek: 6666, 6667, 6668, 6669 */
    6667,  /* base/protocols/irc/main.zeek */
    6668,  /* base/protocols/irc/main.zeek */
    6669,  /* base/protocols/irc/main.zeek */
    8000,  /* base/protocols/http/main.zeek */
    8080,  /* base/protocols/http/main.zeek */
    8888,  /* base/protocols/http/main.zeek */
    20000, /* base/protocols/dnp3/main.zeek: 20000 (and 20000/udp) */
};

static const uint16_t udp_ports[] = {
    53,    /* base/protocols/dns/main.zeek: 53, 137, 5353, 5355 */
    67,    /* base/protocols/dhcp/main.zeek: 67 only (68 and 4011 are registered
              for the analyzer but not added) */
    88,    /* base/protocols/krb/main.zeek (udp_ports): 88 */
    123,   /* base/protocols/ntp/main.zeek: 123 */
    137,   /* base/protocols/dns/main.zeek (NetBIOS name service) */
    161,   /* base/protocols/snmp/main.zeek: 161, 162 */
    162,   /* base/protocols/snmp/main.zeek */
    389,   /* base/protocols/ldap/main.zeek (ports_udp): 389 */
    443,   /* base/protocols/ssl/main.zeek (dtls_ports): 443 */
    514,   /* base/protocols/syslog/main.zeek: 514 */
    1812,  /* base/protocols/radius/main.zeek: 1812 */
    2123,  /* base/packet-protocols/gtpv1/main.zeek: 2123, 2152 */
    2152,  /* base/packet-protocols/gtpv1/main.zeek */
    3389,  /* base/protocols/rdp/main.zeek (rdpeudp_ports): 3389 */
    3544,  /* base/packet-protocols/teredo/main.zeek: 3544 */
    4789,  /* base/packet-protocols/vxlan/main.zeek: 4789 */
    5060,  /* base/protocols/sip/main.zeek: 5060 */
    5072,  /* base/packet-protocols/ayiya/main.zeek: 5072 */
    5353,  /* base/protocols/dns/main.zeek (mDNS) */
    5355,  /* base/protocols/dns/main.zeek (LLMNR) */
    6081,  /* base/packet-protocols/geneve/main.zeek: 6081 */
    20000, /* base/protocols/dnp3/main.zeek: 20000 */
};

static bool in_sorted(const uint16_t *t, size_t n, uint16_t port)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid] == port)
            return true;
        if (t[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool likely_server_port(uint8_t ipproto, uint16_t port)
{
    switch (ipproto) {
    case 6: return in_sorted(tcp_ports, sizeof tcp_ports / sizeof tcp_ports[0], port);
    case 17: return in_sorted(udp_ports, sizeof udp_ports / sizeof udp_ports[0], port);
    default: return false;
    }
}
