/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_aap_aps.c - the AAP's table of access points: every datagram finds its AP through
 * the index by sender id (O(1)), which stays in step with the list through HELLOs, LEAVEs
 * and the AAP_APS_MAX cap.
 *
 * The AAP runs with the role_env send hook (no sockets); HELLOs and LEAVEs are encoded
 * with aap_msg_encode() and handed to aap_input(). The loop is never run.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aap_int.h"

#define BASE_ID 0x0a000001u /* 10.0.0.1, the first AP */

static const uint8_t gkey[32] = { 0x61, 0x61, 0x70, 0x2d, 0x6b, 0x65, 0x79, 0x02 };

struct fix {
	struct ev_loop *loop;
	struct aap *a;
	struct aap_key *key;
	uint64_t seq;
	size_t sent;
};

static int
h_send(void *arg, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf, size_t len)
{
	struct fix *f = arg;

	(void)from;
	(void)to;
	(void)buf;
	(void)len;
	f->sent++;
	return 0;
}

static int
setup(void **state)
{
	static struct fix f;
	struct aap_config cfg = { .port = 8434, .max_entries = 64, .compare_interval_s = 30 };
	struct role_env env = { .send = h_send, .send_arg = &f };
	char err[128];

	memset(&f, 0, sizeof(f));
	f.loop = ev_loop_new();
	assert_non_null(f.loop);
	env.loop = f.loop;
	cfg.address.s_addr = htonl(0xc6336401u); /* 198.51.100.1 */
	memcpy(cfg.group_key, gkey, sizeof(gkey));
	cfg.group_key_len = sizeof(gkey);
	f.a = aap_start(&env, &cfg, err, sizeof(err));
	assert_non_null(f.a);
	f.key = aap_key_new(gkey, sizeof(gkey));
	assert_non_null(f.key);
	f.seq = aap_wall_us();
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	aap_stop(f->a);
	aap_key_free(f->key);
	ev_loop_free(f->loop);
	return 0;
}

/* A HELLO (no subnet) or LEAVE from AP @id. */
static void
from_ap(struct fix *f, uint32_t id, uint8_t type)
{
	struct aap_msg m = { .h.type = type, .h.sender = id, .h.seq = ++f->seq };
	struct role_rx rx = { .src.sin_family = AF_INET };
	uint8_t buf[AAP_DGRAM_MAX];
	int len;

	if (type == AAP_HELLO)
		m.u.hello.hold_s = 15;
	len = aap_msg_encode(buf, sizeof(buf), f->key, &m, NULL);
	assert_true(len > 0);
	rx.src.sin_addr.s_addr = htonl(id);
	rx.src.sin_port = htons(8434);
	rx.dst.s_addr = htonl(0xc6336401u);
	aap_input(f->a, buf, (size_t)len, &rx);
}

/* The index and the list hold the same APs, and each is found under its own id. */
static void
check_consistent(struct aap *a)
{
	size_t n = 0;

	assert_int_equal(addr_index_count(&a->ap_ix), a->n_aps);
	for (struct aap_ap *ap = a->aps; ap != NULL; ap = ap->next) {
		assert_ptr_equal(aap_ap_find(a, ap->id), ap);
		assert_ptr_equal(*ap->pprev, ap);
		n++;
	}
	assert_int_equal(n, a->n_aps);
}

static void
test_index_follows_hello_and_leave(void **state)
{
	struct fix *f = *state;
	struct aap *a = f->a;

	for (uint32_t i = 0; i < 5; i++)
		from_ap(f, BASE_ID + i, AAP_HELLO);
	assert_int_equal(a->n_aps, 5);
	check_consistent(a);
	assert_null(aap_ap_find(a, BASE_ID + 5));
	/* A second HELLO from a known AP finds it: no second entry. */
	from_ap(f, BASE_ID + 2, AAP_HELLO);
	assert_int_equal(a->n_aps, 5);
	/* LEAVE from the middle, the newest (list head) and the oldest (list tail). */
	from_ap(f, BASE_ID + 2, AAP_LEAVE);
	assert_null(aap_ap_find(a, BASE_ID + 2));
	check_consistent(a);
	from_ap(f, BASE_ID + 4, AAP_LEAVE);
	from_ap(f, BASE_ID + 0, AAP_LEAVE);
	assert_int_equal(a->n_aps, 2);
	check_consistent(a);
	assert_non_null(aap_ap_find(a, BASE_ID + 1));
	assert_non_null(aap_ap_find(a, BASE_ID + 3));
	/* A LEAVE from an AP we do not know changes nothing; it may come back with a HELLO. */
	from_ap(f, BASE_ID + 2, AAP_LEAVE);
	assert_int_equal(a->n_aps, 2);
	from_ap(f, BASE_ID + 2, AAP_HELLO);
	assert_int_equal(a->n_aps, 3);
	check_consistent(a);
}

static void
test_full_table_of_aps(void **state)
{
	struct fix *f = *state;
	struct aap *a = f->a;

	for (uint32_t i = 0; i < AAP_APS_MAX; i++)
		from_ap(f, BASE_ID + i, AAP_HELLO);
	assert_int_equal(a->n_aps, AAP_APS_MAX);
	assert_int_equal(a->cnt.rx_overload, 0);
	check_consistent(a);
	/* One more is refused and counted; a known AP is still served. */
	from_ap(f, BASE_ID + AAP_APS_MAX, AAP_HELLO);
	assert_int_equal(a->cnt.rx_overload, 1);
	assert_null(aap_ap_find(a, BASE_ID + AAP_APS_MAX));
	from_ap(f, BASE_ID + 7, AAP_HELLO);
	assert_int_equal(a->cnt.rx_overload, 1);
	/* After a LEAVE there is room again. */
	from_ap(f, BASE_ID + 7, AAP_LEAVE);
	from_ap(f, BASE_ID + AAP_APS_MAX, AAP_HELLO);
	assert_int_equal(a->n_aps, AAP_APS_MAX);
	assert_non_null(aap_ap_find(a, BASE_ID + AAP_APS_MAX));
	assert_null(aap_ap_find(a, BASE_ID + 7));
	check_consistent(a);
	/* The expiry sweep forgets them all through the same removal. */
	aap_ap_sweep(a, ev_now_ms() + 16000);
	assert_int_equal(a->n_aps, 0);
	assert_null(a->aps);
	check_consistent(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_follows_hello_and_leave, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_full_table_of_aps, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
