#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Simultaneous bindings end to end: the HA tunnels a copy of each datagram to every care-of address.

RFC 5944 section 3.6.1.2 (S bit) and 4.2.3: "a home agent with simultaneous
bindings tunnels a separate copy of each arriving datagram to each care-of
address". Topology: lib.scenarios (cn, ha, core, fa, mn), in namespaces of its
own. The mobile node (lib.mn, authenticators computed in Python) holds two
bindings with S set:

  - through the FA, care-of address 203.0.113.1 (the FA's);
  - a co-located care-of address 203.0.113.77 on its own foreign-LAN interface,
    registered directly with the HA (D bit), reached through the FA as a router.

The proof is a capture on the HA's core link: each of cn's echo requests leaves
the HA encapsulated exactly once towards each care-of address. Deregistering
the co-located one (lifetime 0 for that care-of address) leaves only the copy
to the FA.

Needs root, tcpdump and ping (iputils-ping); a missing one is a failure.
"""
import os
import struct

import pytest

from lib import scenarios as S
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmsim"
READY = r"running with"
COLOC = "203.0.113.77"
_seq = iter(range(1, 1000))


@pytest.fixture
def topo():
    assert os.geteuid() == 0, "the simultaneous-binding tests need root for namespaces"
    with Topology(S.topology(), prefix=PREFIX) as t:
        S.pin_bridge_macs(t)
        # The co-located care-of address, on the node's foreign-LAN interface.
        t["mn"].ip("addr", "add", COLOC + "/24", "dev", "eth0")
        yield t


def start(t):
    return {
        "ha": t.start_daemon("ha", {"node": "ha", "config": S.ha_config(), "ready": READY}),
        "fa": t.start_daemon("fa", {"node": "fa", "config": S.fa_config(), "ready": READY}),
    }


def register_fa(t, **over):
    return S.register(t, flags="S", **over)


def register_coloc(t, **over):
    """Co-located care-of address: straight to the HA, from that address, with D and S."""
    return S.register(t, flags="SD", coa=COLOC, agent=S.HA_ADDR, bind=COLOC, **over)


def echo_seqs(frames):
    """{care-of address: [ICMP echo sequence numbers]} of cn's echo requests to the home
    address that leave the HA in IP-in-IP, decoded here from the raw frames."""
    out = {}
    for f in frames:
        h = S.ipv4_of(f)
        if h is None or h[0] != 4 or h[1] != S.HA_ADDR:
            continue
        inner = h[3]
        if len(inner) < 28 or inner[9] != 1:
            continue
        src, dst = inner[12:16], inner[16:20]
        ihl = (inner[0] & 0x0F) * 4
        icmp = inner[ihl:]
        if (src, dst) != (bytes(map(int, S.CN_ADDR.split("."))),
                          bytes(map(int, S.MN_HOME.split(".")))) or len(icmp) < 8:
            continue
        if icmp[0] != 8:
            continue
        out.setdefault(h[2], []).append(struct.unpack("!H", icmp[6:8])[0])
    return out


def pings_with_capture(t, count):
    """cn sends count echo requests to the home address while the core link is captured;
    return echo_seqs() of the capture (replies are not needed: only the copies matter)."""
    cap = t["ha"].capture("core0", duration=30, bpf="ip proto 4", name=f"core-{next(_seq)}.pcap")
    try:
        t["cn"].run(["ping", "-n", "-c", str(count), "-i", "0.2", "-W", "1", S.MN_HOME],
                    timeout=30)
        # Every request that left the HA is on the wire by the time ping returns; wait
        # until the capture holds the last sequence number sent towards the FA.
        wait_until(lambda: len(echo_seqs(cap.packets()).get(S.FA_COA, [])) >= count,
                   timeout=5, message="the copies towards the FA in the capture")
    finally:
        cap.stop()
    return echo_seqs(cap.packets())


def test_copy_to_every_care_of_address(topo):
    t = topo
    start(t)
    res = register_fa(t)
    assert res["code"] == 0 and res["mhae"] == "ok", res
    res = register_coloc(t)
    assert res["code"] == 0 and res["mhae"] == "ok", res
    assert res["replies"][0]["from"] == S.HA_ADDR
    wait_until(lambda: S.proxy_neigh(t["ha"], S.MN_HOME), timeout=5, message="HA proxy ARP")

    seqs = pings_with_capture(t, 3)
    to_fa, to_coloc = sorted(seqs.get(S.FA_COA, [])), sorted(seqs.get(COLOC, []))
    # One copy of each request towards each care-of address: the same sequence numbers,
    # none duplicated, none missing.
    assert len(to_fa) == 3 and len(set(to_fa)) == 3, seqs
    assert to_coloc == to_fa, seqs
    assert set(seqs) == {S.FA_COA, COLOC}, seqs

    # Deregister the co-located care-of address only: the FA's binding keeps its copy.
    res = register_coloc(t, request_lifetime=0)
    assert res["code"] == 0, res
    seqs = pings_with_capture(t, 2)
    assert len(seqs.get(S.FA_COA, [])) == 2, seqs
    assert COLOC not in seqs, f"copies still sent to the deregistered care-of address: {seqs}"
    assert S.proxy_neigh(t["ha"], S.MN_HOME)  # the node is still away

    # And the last one: nothing is tunnelled any more.
    res = register_fa(t, request_lifetime=0)
    assert res["code"] == 0, res
    wait_until(lambda: not S.proxy_neigh(t["ha"], S.MN_HOME)
               and not S.routes_to(t["ha"], S.MN_HOME), timeout=5,
               message="HA proxy ARP and route removed")
