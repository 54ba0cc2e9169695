/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_proxy_aap.c - unit tests of the proxy access point's AAP client wiring (proxy_aap.c).
 *
 * The proxy runs with fake link-level hooks and a fake clock; its AAP client sends through
 * the role_env send hook, which records every datagram. MAP messages from "the AAP" are
 * encoded with aap_msg_encode() (the codec is proven against Python in test_aap.py) and
 * handed to the client the proxy runs. No key store: a registration attempt stops at the
 * missing SA, and the failure event shows which home agent the attempt was for.
 */
#include <event2/event.h>

#include "aap_client.h"
#include "aap_msg.h"
#include "event.h"
#include "submap.h"
#include "test_proxy.h"

#define AAP_A   "198.51.100.10"
#define AAP_B   "198.51.100.11"
#define SELF    "192.0.2.2"
#define HA_OWN  "192.0.2.1"
#define HA_FAR  "203.0.113.1"
#define HOA     "203.0.113.100"
#define FAADDR  "192.0.2.254"
#define MAXDGRM 64

static const uint8_t gkey[32] = { 0x61, 0x61, 0x70, 0x2d, 0x6b, 0x65, 0x79, 0x01,
	                          0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x01, 0x00 };
static const uint8_t mac_f[6] = { 0x02, 0, 0, 0, 0x0f, 0x0a };

struct fix {
	struct ev_loop *loop;
	struct proxy_config cfg;
	struct proxy_subnet map[2];
	struct proxy *px;
	struct aap_key *key;
	uint64_t now_ms, seq;
	uint8_t dg[MAXDGRM][AAP_DGRAM_MAX];
	size_t dg_len[MAXDGRM], n_dg;
	struct pxt_fails fails;
};

static uint64_t
h_now(void *arg)
{
	return ((struct fix *)arg)->now_ms;
}

static int
h_send(void *arg, struct in_addr from, const struct sockaddr_in *to, const uint8_t *buf, size_t len)
{
	struct fix *f = arg;

	assert_int_equal(from.s_addr, pxt_addr(SELF).s_addr);
	assert_true(to->sin_addr.s_addr == pxt_addr(AAP_A).s_addr ||
	            to->sin_addr.s_addr == pxt_addr(AAP_B).s_addr);
	assert_true(f->n_dg < MAXDGRM && len <= AAP_DGRAM_MAX);
	memcpy(f->dg[f->n_dg], buf, len);
	f->dg_len[f->n_dg++] = len;
	return 0;
}

static void
start(struct fix *f)
{
	struct role_env env = { .loop = f->loop, .send = h_send, .send_arg = f };
	struct proxy_hooks hooks = { .send_fa = pxt_frame_null,
		                     .send_client = pxt_frame_null,
		                     .send_ha = pxt_ha_null,
		                     .now_ms = h_now,
		                     .arg = f };

	f->px = pxt_start(&env, &f->cfg, &hooks);
	proxy_set_failure_hook(f->px, pxt_fail_hook, &f->fails);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	log_init("test_proxy_aap", LOG_DEST_STDERR, LOG_ERR);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->key = aap_key_new(gkey, sizeof(gkey));
	assert_non_null(f->key);
	pxt_config(&f->cfg, f->map, HA_OWN);
	f->cfg.reregister_pct = 75;
	f->cfg.retransmit_initial_ms = 1000;
	f->cfg.retransmit_max = 3;
	f->cfg.idle_timeout_s = 60;
	f->cfg.aap[0] = pxt_addr(AAP_A);
	f->cfg.n_aap = 1;
	memcpy(f->cfg.aap_key, gkey, sizeof(gkey));
	f->cfg.aap_key_len = sizeof(gkey);
	f->cfg.aap_port = 6500;
	f->cfg.aap_hello_ms = 60000;
	f->cfg.aap_hello_misses = 3;
	f->cfg.aap_max_entries = 1000;
	f->cfg.aap_self = pxt_addr(SELF);
	/* A static entry for our own subnet (the report's fall-back) and one that a learned
	 * entry will try to override. */
	f->map[1].prefix.addr = pxt_addr("198.18.0.0");
	f->map[1].prefix.len = 15;
	f->map[1].ha = pxt_addr("198.18.0.1");
	f->cfg.map = f->map;
	f->cfg.n_map = 2;
	f->now_ms = 100000;
	start(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	proxy_stop(f->px);
	for (int i = 0; i < 5; i++)
		ev_loop_run_once(f->loop);
	aap_key_free(f->key);
	ev_loop_free(f->loop);
	free(f);
	return 0;
}

/* The report in the last HELLO the client sent. */
static struct aap_hello
last_hello(struct fix *f)
{
	struct aap_msg m;

	for (size_t i = f->n_dg; i-- > 0;)
		if (aap_msg_decode(f->dg[i], f->dg_len[i], f->key, &m) == 0 &&
		    m.h.type == AAP_HELLO)
			return m.u.hello;
	fail_msg("no HELLO sent");
	return (struct aap_hello){ 0 };
}

static struct aap_entry
entry(const char *prefix, uint8_t len, const char *ha, uint64_t version, bool tomb)
{
	struct aap_entry e = { .prefix = pxt_addr(prefix),
		               .len = len,
		               .flags = tomb ? AAP_ENT_TOMBSTONE : 0,
		               .ha = pxt_addr(ha),
		               .origin = pxt_addr("192.0.2.77"),
		               .aap = pxt_addr(AAP_A),
		               .version = version };
	return e;
}

static void
feed_map(struct fix *f, uint32_t msgno, uint8_t flags, const struct aap_entry *e, size_t n)
{
	struct aap_msg m = { .h = { .type = AAP_MAP, .sender = ntohl(pxt_addr(AAP_A).s_addr) } };
	struct role_rx rx = { .src = { .sin_family = AF_INET,
		                       .sin_port = htons(6500),
		                       .sin_addr = pxt_addr(AAP_A) },
		              .dst = pxt_addr(SELF) };
	uint8_t buf[AAP_DGRAM_MAX];
	int len;

	m.h.seq = f->seq = aap_seq_next(f->seq, aap_wall_us());
	m.u.map.session = 77;
	m.u.map.msgno = msgno;
	m.u.map.flags = flags;
	m.n = n;
	len = aap_msg_encode(buf, sizeof(buf), f->key, &m, e);
	assert_true(len > 0);
	assert_non_null(proxy_aap_client(f->px));
	aap_client_input(proxy_aap_client(f->px), buf, (size_t)len, &rx);
}

static const struct submap_entry *
get(struct fix *f, const char *prefix, uint8_t len)
{
	return submap_get(proxy_submap(f->px), pxt_addr(prefix), len);
}

static struct proxy_counters
counters(struct fix *f)
{
	struct proxy_counters c;

	proxy_get_counters(f->px, &c);
	return c;
}

static void
agent(struct fix *f, enum disc_event ev, const char *addr, unsigned roles, uint8_t plen)
{
	union disc_event_data d = { 0 };

	d.agent.addr = pxt_addr(addr);
	d.agent.roles = roles;
	d.agent.prefix_len = plen;
	d.agent.max_lifetime = 600;
	if (roles & DISC_ROLE_FA) {
		d.agent.flags = 0x9000; /* R F */
		d.agent.n_coa = 1;
		d.agent.coa[0] = pxt_addr(addr);
		d.agent.has_mac = true;
		memcpy(d.agent.mac, mac_f, 6);
	}
	proxy_disc_event(f->px, ev, &d);
}

/* Without a home agent heard, the report is the static entry covering the AP's address; an
 * HA found on our LAN by discovery replaces it (prefix from its prefix length); when that HA
 * is lost the static entry is reported again. An HA of another subnet is not ours. */
static void
test_report_sources(void **state)
{
	struct fix *f = *state;
	struct aap_hello h = last_hello(f);

	assert_int_equal(h.ha.s_addr, pxt_addr(HA_OWN).s_addr);
	assert_int_equal(h.prefix.s_addr, pxt_addr("192.0.2.0").s_addr);
	assert_int_equal(h.len, 24);

	agent(f, DISC_AGENT_FOUND, "198.51.100.1", DISC_ROLE_HA, 24); /* not on our LAN */
	h = last_hello(f);
	assert_int_equal(h.ha.s_addr, pxt_addr(HA_OWN).s_addr);

	agent(f, DISC_AGENT_FOUND, "192.0.2.5", DISC_ROLE_HA, 25);
	h = last_hello(f);
	assert_int_equal(h.ha.s_addr, pxt_addr("192.0.2.5").s_addr);
	assert_int_equal(h.prefix.s_addr, pxt_addr("192.0.2.0").s_addr);
	assert_int_equal(h.len, 25);

	agent(f, DISC_AGENT_LOST, "192.0.2.5", 0, 0);
	h = last_hello(f);
	assert_int_equal(h.ha.s_addr, pxt_addr(HA_OWN).s_addr);
	assert_int_equal(h.len, 24);
	assert_int_equal(counters(f).aap_reports, 3);
}

/* A full table installs learned entries, except where a static entry has the same prefix;
 * a tombstone pushed later removes the learned entry only. */
static void
test_learned_entries(void **state)
{
	struct fix *f = *state;
	struct aap_entry full[] = { entry("203.0.113.0", 24, HA_FAR, 1000, false),
		                    entry("198.18.0.0", 15, "198.18.9.9", 1000, false) };
	struct aap_entry del[] = { entry("203.0.113.0", 24, "0.0.0.0", 2000, true),
		                   entry("198.18.0.0", 15, "0.0.0.0", 2000, true) };
	const struct submap_entry *e;

	feed_map(f, 0, AAP_MAP_FIRST | AAP_MAP_LAST, full, 2);
	e = get(f, "203.0.113.0", 24);
	assert_non_null(e);
	assert_int_equal(e->origin, SUBMAP_LEARNED);
	assert_int_equal(e->ha.s_addr, pxt_addr(HA_FAR).s_addr);
	e = get(f, "198.18.0.0", 15);
	assert_non_null(e);
	assert_int_equal(e->origin, SUBMAP_STATIC); /* static wins */
	assert_int_equal(e->ha.s_addr, pxt_addr("198.18.0.1").s_addr);
	assert_int_equal(counters(f).map_shadowed, 1);
	assert_int_equal(submap_count(proxy_submap(f->px)), 3);

	feed_map(f, 1, 0, del, 2);
	assert_null(get(f, "203.0.113.0", 24));
	assert_non_null(get(f, "198.18.0.0", 15));
	assert_int_equal(counters(f).map_withdrawn, 1);
	assert_int_equal(submap_count(proxy_submap(f->px)), 2);
}

/* A reconfiguration that removes the static entry brings the learned one back (the client's
 * installed map is the source of learned entries), and one that adds it shadows it again. */
static void
test_reconfigure_keeps_learned(void **state)
{
	struct fix *f = *state;
	struct aap_entry full[] = { entry("198.18.0.0", 15, "198.18.9.9", 1000, false) };
	char err[256] = "";
	const struct submap_entry *e;

	feed_map(f, 0, AAP_MAP_FIRST | AAP_MAP_LAST, full, 1);
	f->cfg.n_map = 1;
	assert_int_equal(proxy_reconfigure(f->px, &f->cfg, err, sizeof(err)), 0);
	e = get(f, "198.18.0.0", 15);
	assert_non_null(e);
	assert_int_equal(e->origin, SUBMAP_LEARNED);
	assert_int_equal(e->ha.s_addr, pxt_addr("198.18.9.9").s_addr);
	f->cfg.n_map = 2;
	assert_int_equal(proxy_reconfigure(f->px, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(get(f, "198.18.0.0", 15)->origin, SUBMAP_STATIC);
}

/* A visiting client whose subnet is unknown waits in no-home-agent; when the AAP's map names
 * its home agent it gets an attempt with that home agent, like any other client. */
static void
test_client_waits_for_learned_entry(void **state)
{
	struct fix *f = *state;
	struct aap_entry full[] = { entry("203.0.113.0", 24, HA_FAR, 1000, false) };
	union disc_event_data d = { 0 };
	struct proxy_client_info ci;

	agent(f, DISC_AGENT_FOUND, FAADDR, DISC_ROLE_FA, 24);
	memcpy(d.client.mac, mac_c, 6);
	d.client.addr = pxt_addr(HOA);
	proxy_disc_event(f->px, DISC_CLIENT_SEEN, &d);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), NULL, &ci), 0);
	assert_int_equal(ci.state, PROXY_CS_NO_HA);

	feed_map(f, 0, AAP_MAP_FIRST | AAP_MAP_LAST, full, 1);
	assert_int_equal(proxy_client_lookup(f->px, pxt_addr(HOA), NULL, &ci), 0);
	assert_int_equal(ci.ha.s_addr, pxt_addr(HA_FAR).s_addr);
	assert_int_not_equal(ci.state, PROXY_CS_NO_HA);
	/* No key store here: the attempt stops at the SA lookup, for the learned HA. */
	assert_int_equal(f->fails.n, 1);
	assert_int_equal(f->fails.fail[0].why, PROXY_FAIL_NO_SA);
	assert_int_equal(f->fails.fail[0].ha.s_addr, pxt_addr(HA_FAR).s_addr);
	assert_int_equal(f->fails.fail[0].fa.s_addr, pxt_addr(FAADDR).s_addr);
}

struct seen {
	size_t n;
	struct pmip_event ev;
};

static void
on_event(enum pmip_event_type type, const struct pmip_event *ev, void *ctx)
{
	struct seen *s = ctx;

	(void)type;
	s->n++;
	s->ev = *ev;
}

/* A learned entry withdrawn by the AAP raises HA_UNREACHABLE (entry-removed) with its HA. */
static void
test_withdrawn_entry_event(void **state)
{
	struct fix *f = *state;
	struct aap_entry full[] = { entry("203.0.113.0", 24, HA_FAR, 1000, false) };
	struct aap_entry del[] = { entry("203.0.113.0", 24, "0.0.0.0", 2000, true) };
	struct seen s = { 0 };

	assert_int_equal(event_subscribe(PMIP_EVENT_HA_UNREACHABLE, on_event, &s), 0);
	feed_map(f, 0, AAP_MAP_FIRST | AAP_MAP_LAST, full, 1);
	assert_int_equal(s.n, 0);
	feed_map(f, 1, 0, del, 1);
	event_unsubscribe(PMIP_EVENT_HA_UNREACHABLE, on_event, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev.reason, PMIP_UNREACH_ENTRY_REMOVED);
	assert_int_equal(s.ev.ha.s_addr, pxt_addr(HA_FAR).s_addr);
	assert_int_equal(s.ev.prefix.s_addr, pxt_addr("203.0.113.0").s_addr);
	assert_int_equal(s.ev.prefix_len, 24);
}

/* The first AAP never answers: after hello-misses HELLOs the client moves to the second; the
 * proxy counts it and raises AAP_FAILOVER with both addresses and the new priority. */
static void
test_failover_event(void **state)
{
	struct fix *f = *state;
	struct seen s = { 0 };

	proxy_stop(f->px);
	f->cfg.aap[1] = pxt_addr(AAP_B);
	f->cfg.n_aap = 2;
	f->cfg.aap_hello_ms = 20;
	f->cfg.aap_hello_misses = 1;
	start(f);
	assert_int_equal(event_subscribe(PMIP_EVENT_AAP_FAILOVER, on_event, &s), 0);
	/* Bounded: each blocking pass runs at least one HELLO period; two are enough. */
	for (int i = 0; i < 50 && counters(f).aap_failovers == 0; i++)
		event_base_loop(ev_loop_base(f->loop), EVLOOP_ONCE);
	event_unsubscribe(PMIP_EVENT_AAP_FAILOVER, on_event, &s);
	assert_int_equal(counters(f).aap_failovers, 1);
	assert_int_equal(aap_client_current(proxy_aap_client(f->px)), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev.peer.s_addr, pxt_addr(AAP_B).s_addr);
	assert_int_equal(s.ev.old_peer.s_addr, pxt_addr(AAP_A).s_addr);
	assert_int_equal(s.ev.reason, 2);
}

/* AAPs without a group key: the role does not start, and says why. */
static void
test_no_group_key(void **state)
{
	struct fix *f = *state;
	struct role_env env = { .loop = f->loop, .send = h_send, .send_arg = f };
	struct proxy_hooks hooks = { .send_fa = pxt_frame_null,
		                     .send_client = pxt_frame_null,
		                     .send_ha = pxt_ha_null,
		                     .now_ms = h_now,
		                     .arg = f };
	char err[256] = "";

	f->cfg.aap_key_len = 0;
	assert_null(proxy_start_hooks(&env, &f->cfg, &hooks, err, sizeof(err)));
	assert_string_equal(
	        err, "proxy aap: no group key (aap-client/group-key or /pmip/aap/group-key)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learned_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconfigure_keeps_learned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_waits_for_learned_entry, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_entry_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failover_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_group_key, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
