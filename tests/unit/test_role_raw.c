/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_role_raw.c - unit tests of role_raw_recv(), the raw IPv4 receive shared by the HA and
 * FA advertisement code: the IPv4 header checks and the addressing it returns.
 *
 * Datagrams are written by hand into one end of an AF_UNIX datagram socketpair and read
 * from the other, so no privilege is needed; such a socket carries no IP_PKTINFO, so the
 * interface index comes back as 0 (the documented "unknown").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "role.h"

struct fix {
	int sv[2];
};

static int
setup(void **state)
{
	static struct fix f;

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, f.sv), 0);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	close(f->sv[0]);
	close(f->sv[1]);
	return 0;
}

/* An IPv4 header of @ihl bytes (options zero), 192.0.2.10 -> 224.0.0.2, then @plen bytes. */
static size_t
make(uint8_t *b, size_t ihl, size_t plen)
{
	memset(b, 0, ihl + plen);
	b[0] = (uint8_t)(0x40 | ihl / 4);
	b[9] = 1; /* ICMP */
	b[12] = 192;
	b[13] = 0;
	b[14] = 2;
	b[15] = 10;
	b[16] = 224;
	b[19] = 2;
	for (size_t i = 0; i < plen; i++)
		b[ihl + i] = (uint8_t)(0xa0 + i);
	return ihl + plen;
}

static void
put(struct fix *f, const uint8_t *b, size_t len)
{
	assert_int_equal(send(f->sv[0], b, len, 0), (ssize_t)len);
}

static void
test_payload_after_header_with_options(void **state)
{
	struct fix *f = *state;
	uint8_t in[64], buf[64];
	struct role_rx rx;
	size_t off = 0;

	put(f, in, make(in, 24, 8));
	assert_int_equal(role_raw_recv(f->sv[1], buf, sizeof(buf), &rx, &off), 8);
	assert_int_equal(off, 24);
	assert_int_equal(buf[off], 0xa0);
	assert_int_equal(rx.src.sin_family, AF_INET);
	assert_int_equal(ntohl(rx.src.sin_addr.s_addr), 0xc000020a);
	assert_int_equal(ntohl(rx.dst.s_addr), 0xe0000002);
	assert_int_equal(rx.ifindex, 0);
}

static void
test_header_only_is_empty_payload(void **state)
{
	struct fix *f = *state;
	uint8_t in[64], buf[64];
	struct role_rx rx;
	size_t off = 0;

	put(f, in, make(in, 20, 0));
	assert_int_equal(role_raw_recv(f->sv[1], buf, sizeof(buf), &rx, &off), 0);
	assert_int_equal(off, 20);
}

/* Each malformed datagram is consumed with -EBADMSG; the next good one is still read. */
static void
test_bad_headers_rejected(void **state)
{
	struct fix *f = *state;
	uint8_t in[64], buf[64];
	struct role_rx rx;
	size_t off = 0;

	put(f, in, make(in, 20, 0) - 1); /* 19 bytes: shorter than any header */
	make(in, 20, 8);
	in[0] = 0x44; /* header length 16 */
	put(f, in, 28);
	make(in, 20, 0);
	in[0] = 0x46; /* header length 24, but only 20 bytes */
	put(f, in, 20);
	put(f, in, make(in, 20, 4));
	for (int i = 0; i < 3; i++)
		assert_int_equal(role_raw_recv(f->sv[1], buf, sizeof(buf), &rx, &off), -EBADMSG);
	assert_int_equal(role_raw_recv(f->sv[1], buf, sizeof(buf), &rx, &off), 4);
	assert_int_equal(off, 20);
}

/* A datagram longer than the buffer is cut there; the header is still checked on the cut. */
static void
test_truncated_to_capacity(void **state)
{
	struct fix *f = *state;
	uint8_t in[64], buf[24];
	struct role_rx rx;
	size_t off = 0;

	put(f, in, make(in, 20, 30));
	assert_int_equal(role_raw_recv(f->sv[1], buf, sizeof(buf), &rx, &off), 4);
	assert_int_equal(off, 20);
}

static void
test_nothing_queued(void **state)
{
	struct fix *f = *state;
	uint8_t buf[64];
	struct role_rx rx;
	size_t off = 0;

	assert_int_equal(role_raw_recv(f->sv[1], buf, sizeof(buf), &rx, &off), -EAGAIN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_payload_after_header_with_options, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_header_only_is_empty_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_headers_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_to_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_queued, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
