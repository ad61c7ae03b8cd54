/* pcaploop.c - the 1x anchor of bench/run: the least any libpcap-based
 * reader must do.  Opens a capture with pcap_open_offline, reads every
 * packet with pcap_next_ex, counts packets and captured bytes, prints
 * "PACKETS BYTES" on stdout.  Nothing is dissected or printed per packet.
 *
 * build: cc -O2 -o pcaploop bench/pcaploop.c -lpcap
 * usage: pcaploop FILE */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: pcaploop FILE\n");
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcaploop: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const unsigned char *data;
    unsigned long long packets = 0, bytes = 0;
    unsigned sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        bytes += h->caplen;
        if (h->caplen)
            sum += data[0];   /* touch the packet so its bytes are read */
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "pcaploop: %s\n", pcap_geterr(p));
        return 1;
    }
    pcap_close(p);
    printf("%llu %llu\n", packets, bytes);
    return sum == 0xffffffffu;   /* keeps the touch from being optimised out */
}
