/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_ha_socket.c - the role UDP helpers (core/role.c) and the home agent on real sockets.
 *
 * Everything runs on loopback: the helpers must report the destination address and
 * interface of a datagram (IP_PKTINFO) and send from a chosen source address; a home agent
 * started without a send hook must answer a request that arrives on its own UDP socket.
 */
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include "test_ha.h"

/* A plain client socket on 127.0.0.1 with an ephemeral port. */
static int
client_socket(struct sockaddr_in *me)
{
	socklen_t sl = sizeof(*me);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(me, 0, sizeof(*me));
	me->sin_family = AF_INET;
	me->sin_addr = hat_ip("127.0.0.1");
	assert_int_equal(bind(fd, (struct sockaddr *)me, sizeof(*me)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)me, &sl), 0);
	return fd;
}

static void
test_udp_helpers(void **state)
{
	struct sockaddr_in srv, cli, from;
	socklen_t sl = sizeof(srv);
	struct role_rx rx;
	struct pollfd pfd;
	char err[128] = "";
	uint8_t buf[64];
	int fd, c;

	(void)state;
	fd = role_udp_open(hat_ip("127.0.0.1"), 0, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&srv, &sl), 0);
	c = client_socket(&cli);
	assert_int_equal(sendto(c, "ping", 4, 0, (struct sockaddr *)&srv, sizeof(srv)), 4);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(role_udp_recv(fd, buf, sizeof(buf), &rx), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(rx.src.sin_addr.s_addr, cli.sin_addr.s_addr);
	assert_int_equal(rx.src.sin_port, cli.sin_port);
	assert_int_equal(rx.dst.s_addr, hat_ip("127.0.0.1").s_addr);
	assert_int_equal(rx.ifindex, if_nametoindex("lo"));
	/* Nothing more queued. */
	assert_int_equal(role_udp_recv(fd, buf, sizeof(buf), &rx), -1);
	assert_int_equal(errno, EAGAIN);

	/* A truncated datagram reports its full length. */
	assert_int_equal(sendto(c, "0123456789", 10, 0, (struct sockaddr *)&srv, sizeof(srv)), 10);
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(role_udp_recv(fd, buf, 4, &rx), 10);

	/* The answer leaves from the requested source address. */
	assert_int_equal(
	        role_udp_send(fd, hat_ip("127.0.0.1"), &rx.src, (const uint8_t *)"pong", 4), 0);
	sl = sizeof(from);
	pfd.fd = c;
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &sl), 4);
	assert_memory_equal(buf, "pong", 4);
	assert_int_equal(from.sin_addr.s_addr, hat_ip("127.0.0.1").s_addr);
	assert_int_equal(from.sin_port, srv.sin_port);
	close(c);
	close(fd);

	/* Errors are reported, not fatal: a port already bound without SO_REUSEADDR. */
	c = client_socket(&cli);
	fd = role_udp_open(hat_ip("127.0.0.1"), ntohs(cli.sin_port), err, sizeof(err));
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err, "bind 127.0.0.1"));
	close(c);
}

static void
test_ha_on_sockets(void **state)
{
	struct hat *t = *state;
	struct hat_rrq r = { .hoa = "127.0.0.10", .ha = "127.0.0.1", .coa = "127.0.0.1" };
	struct sockaddr_in cli, ha_addr = { .sin_family = AF_INET };
	struct hat_out o;
	struct pollfd pfd;
	uint8_t buf[512];
	size_t len;
	uint64_t deadline;
	ssize_t n = -1;
	int c;

	hat_add_sa(t, "lo-mn", SA_ENTITY_MOBILE_NODE, "127.0.0.10", NULL, NULL, HAT_MN_SPI,
	           hat_mn_key, SA_REPLAY_TIMESTAMP);
	t->nets[0].prefix.addr = hat_ip("127.0.0.0");
	t->nets[0].prefix.len = 8;
	t->nets[0].addr = hat_ip("127.0.0.1");
	t->cfg.udp_port = (uint16_t)(20000 + getpid() % 20000);
	t->env.send = NULL;
	hat_start(t);
	c = client_socket(&cli);
	len = hat_build(t, &r, buf, sizeof(buf));
	ha_addr.sin_addr = hat_ip("127.0.0.1");
	ha_addr.sin_port = htons(t->cfg.udp_port);
	assert_int_equal(sendto(c, buf, len, 0, (struct sockaddr *)&ha_addr, sizeof(ha_addr)),
	                 (ssize_t)len);
	/* The HA's loop reads the request, asks the key store, and answers on the socket. */
	pfd = (struct pollfd){ .fd = c, .events = POLLIN };
	deadline = ev_now_ms() + 3000;
	while (ev_now_ms() < deadline) {
		ev_loop_run_once(t->loop);
		if (poll(&pfd, 1, 10) == 1) {
			n = recv(c, o.buf, sizeof(o.buf), 0);
			break;
		}
	}
	assert_true(n >= 20);
	o.len = (size_t)n;
	assert_int_equal(hat_code(&o), 0);
	assert_true(hat_auth_ok(&o, 32, hat_mn_key, HAT_MN_SPI));
	assert_int_equal(ha_binding_count(t->ha), 1);
	close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_helpers),
		cmocka_unit_test_setup_teardown(test_ha_on_sockets, hat_setup, hat_teardown),
	};

	log_init("test_ha_socket", LOG_DEST_STDERR, LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
