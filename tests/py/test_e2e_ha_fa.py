#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""End to end: a mobile node registers through the foreign agent with its home agent (issue #3 item 5).

Topology (lib.scenarios, built and torn down per test, in namespaces of its own):

    cn -- home LAN (bridge in ha) -- ha == core == fa -- foreign LAN (bridge in fa) -- mn

Real pmipd daemons run the home agent (ha) and the foreign agent (fa) with the
tunnel-userspace back end; the mobile node is lib.mn, which builds and
authenticates its requests in Python (hmac/hashlib) and verifies the replies'
MHAE itself. Proofs come from the kernel and the wire: captures on the core
link (outer and inner headers decoded here with struct), routes and proxy
neighbour entries in the agents' namespaces, neighbour caches of the
correspondent, and pings. Daemon logs are only used where a state has no
kernel-visible trace (the FA's visitor expiry line).

Needs root, tcpdump and ping (iputils-ping); a missing one is a failure.
"""
import os

import pytest

from lib import mn
from lib import scenarios as S
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pme2e"
READY = r"running with"


@pytest.fixture
def topo():
    """A fresh HA/FA topology (no daemons yet) for one test."""
    assert os.geteuid() == 0, "the end-to-end tests need root for network namespaces"
    with Topology(S.topology(), prefix=PREFIX) as t:
        S.pin_bridge_macs(t)
        yield t


def start(t, ha=None, fa=None):
    """Start the agents with these configs (default ones when None; False: not started)."""
    out = {}
    if ha is not False:
        out["ha"] = t.start_daemon("ha", {"node": "ha", "config": ha or S.ha_config(),
                                          "ready": READY})
    if fa is not False:
        out["fa"] = t.start_daemon("fa", {"node": "fa", "config": fa or S.fa_config(),
                                          "ready": READY})
    return out


def registered(t, flags="", **over):
    """Register the mobile node through the FA and check the reply; return the result."""
    res = S.register(t, flags=flags, **over)
    assert res["code"] == 0, f"registration refused: {res}"
    assert res["mhae"] == "ok", f"reply MHAE does not verify: {res}"
    return res


def bound(t):
    """True when the HA has a host route and a proxy ARP entry for the home address, and the
    FA a delivery route for it (the kernel state a binding and a visitor stand for)."""
    return (any("pmiptun" in r for r in S.routes_to(t["ha"], S.MN_HOME))
            and S.proxy_neigh(t["ha"], S.MN_HOME)
            and any("dev lan" in r for r in S.routes_to(t["fa"], S.MN_HOME)))


def unbound(t):
    """True when neither agent holds any forwarding state for the home address."""
    return (not S.routes_to(t["ha"], S.MN_HOME) and not S.proxy_neigh(t["ha"], S.MN_HOME)
            and not S.routes_to(t["fa"], S.MN_HOME))


def core_capture(t, action):
    """Run action() while capturing on the HA's core interface; return (action's result,
    classified packets)."""
    cap = t["ha"].capture("core0", duration=30, bpf="ip")
    try:
        result = action()
    finally:
        cap.stop()
    return result, S.classify(cap.packets())


# ---------------------------------------------------------------- forwarding


def test_register_forward_ipip(topo):
    """Registration through the FA; CN pings the home address through an IP-in-IP tunnel."""
    t = topo
    start(t)
    adv = mn.run_in(t["mn"], "discover", {"ifname": "eth0", "timeout": 5})
    assert adv["adverts"], f"no agent advertisement: {adv}"
    coas = adv["adverts"][0]["adv"]["mobility"]["coas"]
    assert coas == [S.FA_COA]
    # As if the node had been at home: cn knows the home address at the node's own MAC.
    t["cn"].ip("neigh", "replace", S.MN_HOME, "lladdr", S.MN_MAC, "dev", "eth0", "nud", "stale")

    res = registered(t, coa=coas[0])
    assert res["lifetime"] == 120 and res["replies"][0]["from"] == S.FA_COA
    wait_until(lambda: bound(t), timeout=5, message="HA route + proxy ARP and FA delivery route")
    # The HA's gratuitous ARP moved cn's entry to the HA without cn sending anything.
    ha_mac = S.mac_of(t["ha"], "home")
    wait_until(lambda: S.neigh_mac(t["cn"], S.MN_HOME, "eth0") == ha_mac, timeout=5,
               message=lambda: f"cn's entry for the home address at the HA's MAC {ha_mac}: "
                               f"{t['cn'].ip('neigh')}")

    ok, pk = core_capture(t, lambda: t["cn"].ping(S.MN_HOME, count=3, deadline=10))
    assert ok, "cn gets no echo replies from the home address"
    to_mn = [p for p in pk["encap"] if p[:3] == (4, S.HA_ADDR, S.FA_COA)
             and p[3:] == (1, S.CN_ADDR, S.MN_HOME)]
    assert len(to_mn) >= 3, f"no IP-in-IP HA -> FA carrying cn's pings: {pk}"
    plain = [p for p in pk["plain"] if p[2] == S.MN_HOME]
    assert not plain, f"packets to the home address crossed the core unencapsulated: {plain}"


def test_reverse_tunnel(topo):
    """With T, the mobile node's packets to cn go FA -> HA in IP-in-IP, and cn answers them."""
    t = topo
    start(t)
    registered(t, flags="T")
    wait_until(lambda: bound(t), timeout=5, message="forwarding state")
    ok, pk = core_capture(t, lambda: t["mn"].ping(S.CN_ADDR, count=3, deadline=10))
    assert ok, "the mobile node gets no echo replies from cn"
    rev = [p for p in pk["encap"] if p[:3] == (4, S.FA_COA, S.HA_ADDR)
           and p[3:] == (1, S.MN_HOME, S.CN_ADDR)]
    assert len(rev) >= 3, f"no reverse-tunnelled packets FA -> HA: {pk}"
    plain = [p for p in pk["plain"] if p[1] == S.MN_HOME]
    assert not plain, f"the node's packets crossed the core unencapsulated: {plain}"
    fwd = [p for p in pk["encap"] if p[:3] == (4, S.HA_ADDR, S.FA_COA)
           and p[3:] == (1, S.CN_ADDR, S.MN_HOME)]
    assert len(fwd) >= 3, f"cn's replies were not tunnelled HA -> FA: {pk}"


def test_no_reverse_tunnel_without_t(topo):
    """Without T the FA routes the node's packets: plain on the core (the counterpart of the
    reverse-tunnel test, so that one cannot pass by accident)."""
    t = topo
    start(t)
    registered(t)
    wait_until(lambda: bound(t), timeout=5, message="forwarding state")
    ok, pk = core_capture(t, lambda: t["mn"].ping(S.CN_ADDR, count=2, deadline=10))
    assert ok
    assert not [p for p in pk["encap"] if p[1] == S.FA_COA], pk
    assert [p for p in pk["plain"] if p == (1, S.MN_HOME, S.CN_ADDR)], pk


def test_gre(topo):
    """With G (GRE on at both agents), both directions cross the core in GRE (protocol 47)."""
    t = topo
    start(t, ha=S.ha_config(gre=True), fa=S.fa_config(gre=True))
    registered(t, flags="GT")
    wait_until(lambda: bound(t), timeout=5, message="forwarding state")

    def pings():
        return (t["cn"].ping(S.MN_HOME, count=3, deadline=10),
                t["mn"].ping(S.CN_ADDR, count=3, deadline=10))

    (down, up), pk = core_capture(t, pings)
    assert down and up, f"pings failed: cn -> mn {down}, mn -> cn {up}"
    gre_down = [p for p in pk["encap"] if p[:3] == (47, S.HA_ADDR, S.FA_COA)
                and p[3:] == (1, S.CN_ADDR, S.MN_HOME)]
    gre_up = [p for p in pk["encap"] if p[:3] == (47, S.FA_COA, S.HA_ADDR)
              and p[3:] == (1, S.MN_HOME, S.CN_ADDR)]
    assert len(gre_down) >= 3 and len(gre_up) >= 3, f"GRE missing: {pk}"
    assert not [p for p in pk["encap"] if p[0] == 4], f"IP-in-IP despite G: {pk}"
    assert not [p for p in pk["plain"] if S.MN_HOME in p[1:]], pk


# ---------------------------------------------------------------- end of a binding


def test_deregistration(topo):
    """Lifetime 0 through the FA: binding, proxy ARP, host route and visitor go; no tunnel."""
    t = topo
    d = start(t)
    registered(t)
    wait_until(lambda: bound(t), timeout=5, message="forwarding state")
    assert t["cn"].ping(S.MN_HOME, count=1, deadline=5)

    mark = d["ha"].mark()
    res = registered(t, request_lifetime=0)
    assert res["lifetime"] == 0
    wait_until(lambda: unbound(t), timeout=5,
               message=lambda: f"state left: ha {S.routes_to(t['ha'], S.MN_HOME)} "
                               f"proxy {S.proxy_neigh(t['ha'], S.MN_HOME)} "
                               f"fa {S.routes_to(t['fa'], S.MN_HOME)}")
    d["ha"].wait_log(r"deregistered 192\.0\.2\.50 via 203\.0\.113\.1", timeout=5, since=mark)
    ok, pk = core_capture(t, lambda: t["cn"].ping(S.MN_HOME, count=2, deadline=3))
    assert not ok, "the home address still answers after deregistration"
    assert not [p for p in pk["encap"] if p[5] == S.MN_HOME], f"still tunnelled: {pk}"
    assert not [p for p in pk["plain"] if p[2] == S.MN_HOME], pk


def test_return_home_announces_node(topo):
    """RFC 5944 4.6: the node comes home and deregisters with its HA directly; the HA drops
    its proxy ARP and announces the home address at the node's own MAC, so that cn, which
    sends nothing meanwhile, delivers on the home link again instead of to the HA."""
    t = topo
    start(t)
    arp = t["cn"].capture("eth0", duration=60, bpf="arp")
    registered(t)
    wait_until(lambda: bound(t), timeout=5, message="forwarding state")
    ha_mac = S.mac_of(t["ha"], "home")
    # The HA announces a new binding 3 times, 1 s apart. The node comes home while that
    # series is still running: removing the proxy entry cancels it, so no late repeat
    # undoes the node's own announcement.
    wait_until(lambda: S.garps(arp.packets(), S.MN_HOME).count(ha_mac) >= 1, timeout=5,
               message=lambda: f"a registration GARP: {S.garps(arp.packets(), S.MN_HOME)}")
    wait_until(lambda: S.neigh_mac(t["cn"], S.MN_HOME, "eth0") == ha_mac, timeout=5,
               message="cn's entry for the home address at the HA's MAC")

    # Home again: the node knows its HA's MAC already, so no ARP of its own tells cn.
    t["mn"].ip("neigh", "replace", S.HA_ADDR, "lladdr", ha_mac, "dev", "eth0", "nud", "permanent")
    t["mn"].ip("route", "add", S.HOME_PREFIX, "dev", "eth0")
    t.move_link("air", "ha", bridge="home")
    res = registered(t, agent=S.HA_ADDR, coa=S.MN_HOME, request_lifetime=0)
    assert res["replies"][0]["from"] == S.HA_ADDR
    # The FA is not told (its visitor ends with its lifetime); the HA lets go at once.
    wait_until(lambda: not S.routes_to(t["ha"], S.MN_HOME)
               and not S.proxy_neigh(t["ha"], S.MN_HOME), timeout=5,
               message="HA route and proxy ARP removed")
    wait_until(lambda: S.neigh_mac(t["cn"], S.MN_HOME, "eth0") == S.MN_MAC.lower(), timeout=5,
               message=lambda: f"cn's entry for the home address at the node's MAC: "
                               f"{t['cn'].ip('neigh')}")
    # The node's series runs to its end (3, 1 s apart); nothing at the HA's MAC follows its
    # first one, and cn keeps the node's MAC.
    mn_mac = S.MN_MAC.lower()
    wait_until(lambda: S.garps(arp.packets(), S.MN_HOME).count(mn_mac) >= 3, timeout=6,
               message=lambda: f"3 announcements at the node's MAC: "
                               f"{S.garps(arp.packets(), S.MN_HOME)}")
    seen = S.garps(arp.packets(), S.MN_HOME)
    assert ha_mac not in seen[seen.index(mn_mac):], f"HA announcement after the node's: {seen}"
    assert S.neigh_mac(t["cn"], S.MN_HOME, "eth0") == mn_mac
    ok, pk = core_capture(t, lambda: t["cn"].ping(S.MN_HOME, count=2, deadline=5))
    assert ok, "cn cannot reach the node on its home link"
    assert not [p for p in pk["encap"] + pk["plain"] if S.MN_HOME in p], pk


def test_lifetime_expiry(topo):
    """A short lifetime and no re-registration: the HA binding and the FA visitor disappear."""
    t = topo
    d = start(t)
    res = registered(t, lifetime=3)
    assert res["lifetime"] == 3
    wait_until(lambda: bound(t), timeout=2, message="forwarding state")
    # 3 s lifetime, bounded wait with margin; nothing refreshes the registration.
    wait_until(lambda: unbound(t), timeout=10,
               message=lambda: f"state left: ha {S.routes_to(t['ha'], S.MN_HOME)} "
                               f"proxy {S.proxy_neigh(t['ha'], S.MN_HOME)} "
                               f"fa {S.routes_to(t['fa'], S.MN_HOME)}")
    d["fa"].wait_log(r"visitor 192\.0\.2\.50 expired", timeout=5)
    d["ha"].wait_log(r"binding 192\.0\.2\.50 via 203\.0\.113\.1 expired", timeout=5)
    assert not t["cn"].ping(S.MN_HOME, count=1, deadline=2)


# ---------------------------------------------------------------- failures seen by the node


FAILURES = [
    # id, HA overrides (None: defaults), FA overrides, MN parameters, expected code
    ("wrong-key-131", {}, {}, {"key_hex": "00" * 16}, 131),
    ("lifetime-69", {}, {}, {"lifetime": 600}, 69),
    ("gre-at-fa-72", {"gre": True}, {"gre": False}, {"flags": "G"}, 72),
    ("gre-at-ha-139", {"gre": False}, {"gre": True}, {"flags": "G"}, 139),
    ("reverse-none-74", {}, {"reverse-tunnel": "none"}, {"flags": "T"}, 74),
    ("reverse-mandatory-75", {}, {"reverse-tunnel": "mandatory"}, {}, 75),
    ("reverse-off-at-ha-137", {"reverse-tunnel": False}, {}, {"flags": "T"}, 137),
]


@pytest.mark.parametrize("ha_over,fa_over,mn_over,code", [f[1:] for f in FAILURES],
                         ids=[f[0] for f in FAILURES])
def test_denial_reaches_mn(topo, ha_over, fa_over, mn_over, code):
    """Each refusal arrives at the mobile node with its code and leaves no state behind."""
    t = topo
    start(t, ha=S.ha_config(**ha_over), fa=S.fa_config(**fa_over))
    res = S.register(t, **mn_over)
    assert res["code"] == code, f"expected {code}: {res}"
    if code == 69:
        assert res["lifetime"] == 300, "a 69 carries the FA's longest lifetime"
    if code >= 128:  # From the HA: its reply is authenticated (bad key: with the real SA).
        assert res["mhae"] == ("bad" if code == 131 else "ok"), res
    assert unbound(t), "a refused registration left forwarding state"


def test_stale_identification_then_resync(topo):
    """A clock an hour off: 133 carrying the HA's time, then success after resynchronising."""
    t = topo
    start(t)
    res = S.register(t, offset=-3600)
    codes = [r["code"] for r in res["replies"]]
    assert codes == [133, 0], f"expected 133 then 0: {res}"
    assert res["resynced"] and res["replies"][0]["mhae"] == "ok"
    assert abs(res["offset"]) <= 5, f"offset learned from the HA's time: {res['offset']}"
    wait_until(lambda: bound(t), timeout=5, message="forwarding state after resync")


def test_ha_silent_78(topo):
    """The HA is gone: the FA answers 78 after its registration timeout, and keeps no state."""
    t = topo
    d = start(t, fa=S.fa_config(**{"registration-timeout": 2}))
    d["ha"].stop()
    res = S.register(t, timeout=6.0, retries=0)
    assert res["code"] == 78, f"expected 78 from the FA: {res}"
    assert res["replies"][0]["from"] == S.FA_COA
    assert res["replies"][0]["rtt_ms"] >= 1500, "78 before the FA's timeout"
    assert unbound(t)


# ---------------------------------------------------------------- how the node reaches the FA


@pytest.mark.parametrize("dst", ["255.255.255.255", "224.0.0.11"], ids=["broadcast", "all-agents"])
def test_request_to_broadcast_or_all_agents(topo, dst):
    """RFC 5944 3.6.1.1: a request sent to the limited broadcast or the All Mobility Agents
    group is taken by the FA like one sent to its address, and answered from it."""
    t = topo
    start(t)
    res = registered(t, agent=dst)
    assert res["replies"][0]["from"] == S.FA_COA
    wait_until(lambda: bound(t), timeout=5, message="forwarding state")
    assert t["cn"].ping(S.MN_HOME, count=1, deadline=5)
