#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Issue #5, the end-to-end case: a roaming client is registered with a home agent that its
foreign AP learned only through the AAP.

Topology and configs: lib.roaming (the roaming scenario) with aap_daemons(): an AAP
(pmipd, aap role) on the HA router, and two proxy APs whose configs name the AAP. The
foreign AP has no subnet-map entry at all; the home AP has none either when the home
agent advertises (it learns its HA from the advertisement's H flag and prefix length),
else only the static entry of its own subnet (the documented fall-back). The home AP
reports its HA and subnet to the AAP; the AAP sends the map to both APs; when the client
roams to the foreign AP, that AP registers it with the learned home agent through the FA.

Needs root; a missing build is a failure. Namespace prefix "pmaar".
"""
import os

import pytest

from lib import roaming as R
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmaar"


def _net(advertise):
    assert os.geteuid() == 0, "the AAP roaming test needs root (network namespaces)"
    spec = R.topology(start="hap")
    spec["daemons"] = R.aap_daemons(lifetime=20, advertise=advertise)
    return Topology(spec, prefix=PREFIX)


@pytest.fixture
def net():
    with _net(True) as topo:
        yield topo


def _show(daemon, *command):
    """pmipctl COMMAND on daemon: the answer's data."""
    return daemon.ctl(*command)["data"]


def _submap(daemon):
    return {e["prefix"]: e for e in _show(daemon, "show", "proxy", "subnet-map")["subnet-map"]}


def _learned_home(daemon):
    e = _submap(daemon).get(R.HOME_PREFIX)
    return e is not None and e["origin"] == "learned" and e["home-agent"] == R.HA_ADDR


def _ha_has_binding(topo):
    return R.CLIENT_ADDR in topo["hr"].ip("route", "show", R.CLIENT_ADDR + "/32", "table", "all")


def _client(daemon):
    for c in _show(daemon, "show", "proxy", "clients")["clients"]:
        if c["home-address"] == R.CLIENT_ADDR:
            return c
    return None


@pytest.mark.parametrize("advertising", [True, False], ids=["ha-advertises", "own-static-entry"])
def test_roaming_client_registered_with_learned_home_agent(advertising):
    """The home AP learns its HA from the HA's advertisements (H flag, prefix length), or,
    when the HA does not advertise, from its one static entry (its own subnet)."""
    with _net(advertising) as topo:
        _roam_with_learned_home_agent(topo, advertising)


def _roam_with_learned_home_agent(topo, advertising):
    hap, fap, aap = topo.daemons["hap"], topo.daemons["fap"], topo.daemons["aap"]

    # The home AP found its own HA and reported it; the AAP recorded the report.
    source = "agent discovery" if advertising else "static subnet map"
    hap.wait_log(rf"aap: reporting home agent 192\.0\.2\.1 for 192\.0\.2\.0/24 \(from {source}\)",
                 timeout=20)

    def aap_has_report():
        a = _show(aap, "show", "aap")["aap"]
        aps = {p["address"]: p for p in a["access-points"]}
        return (R.HAP_ADDR in aps and aps[R.HAP_ADDR].get("prefix") == R.HOME_PREFIX
                and aps[R.HAP_ADDR].get("home-agent") == R.HA_ADDR and R.FAP_ADDR in aps
                and a["live-entries"] == 1)
    wait_until(aap_has_report, timeout=20, interval=0.3,
               message=lambda: f"the AAP to record the home AP's report: {_show(aap, 'show', 'aap')}")

    # The foreign AP has no static entry and learned the home subnet from the AAP.
    wait_until(lambda: _learned_home(fap), timeout=20, interval=0.3,
               message=lambda: f"learned entry at the foreign AP: {_submap(fap)}")
    assert all(e["origin"] == "learned" for e in _submap(fap).values())
    fc = _show(fap, "show", "aap")["aap-client"]
    assert fc["current"] == R.AAP_ADDR and fc["priority"] == 1
    assert fc["live-entries"] == 1 and fc["counters"]["aapcFullTables"] >= 1
    if advertising:  # the home AP has no static entry either
        wait_until(lambda: _learned_home(hap), timeout=10, interval=0.3,
                   message=lambda: f"learned entry at the home AP: {_submap(hap)}")
    counters = _show(aap, "show", "aap")["aap"]["counters"]
    assert counters["aapHellos"] > 0 and counters["aapFullTables"] >= 2

    # At home: reached directly, no binding.
    assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable at home"
    assert not _ha_has_binding(topo)

    # Roam: the foreign AP registers the client with the HA it learned through the AAP.
    mark = fap.mark()
    gw_mac = R.roam(topo, "fap")
    assert gw_mac == topo["fr"].link("lan0")["address"], f"gateway answered as {gw_mac}"
    fap.wait_log(r"registered 192\.0\.2\.100 \(.*\) with home agent 192\.0\.2\.1 through "
                 r"foreign agent 198\.51\.100\.1: code 0", timeout=20, since=mark)
    c = _client(fap)
    assert c["state"] == "registered" and c["registered"] and c["home-agent"] == R.HA_ADDR
    wait_until(lambda: _ha_has_binding(topo), timeout=10, message="HA host route for the client")
    cap = topo["fr"].capture("core0", duration=15, bpf="ip proto 4")
    assert topo["cn"].ping(R.CLIENT_ADDR, count=3, deadline=10), "cn cannot reach the client"
    wait_until(lambda: cap.packets(), timeout=5, message="IP-in-IP packets HA -> FA on the core")
    cap.stop()

    # Back home: the home AP deregisters it at the HA (learned or own-subnet entry).
    mark = hap.mark()
    R.roam(topo, "hap")
    hap.wait_log(r"deregister.*192\.0\.2\.100|192\.0\.2\.100.*deregist", timeout=20, since=mark)
    wait_until(lambda: not _ha_has_binding(topo), timeout=10, message="HA binding removed")
    assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable back home"


def test_static_entry_wins_and_withdrawn_entry_is_removed(net):
    """A static entry for the same prefix wins over the learned one (a reload adds it at the
    foreign AP); when the static entry is removed again the learned one comes back without a
    new transfer from the AAP (the AAP client keeps the installed map)."""
    topo = net
    fap = topo.daemons["fap"]
    wait_until(lambda: _learned_home(fap), timeout=20, interval=0.3,
               message=lambda: f"learned entry at the foreign AP: {_submap(fap)}")

    # A static entry for the same prefix at the foreign AP: static wins, counted.
    cfg = R.aap_ap_config(lifetime=20, static_map=({"prefix": R.HOME_PREFIX,
                                                    "home-agent": "192.0.2.9"},))
    fap.reload(cfg)
    wait_until(lambda: _submap(fap)[R.HOME_PREFIX]["origin"] == "static", timeout=10,
               message=lambda: f"static entry at the foreign AP: {_submap(fap)}")
    assert _submap(fap)[R.HOME_PREFIX]["home-agent"] == "192.0.2.9"

    # The static entry removed again: the learned one is back (kept by the AAP client).
    fap.reload(R.aap_ap_config(lifetime=20))
    wait_until(lambda: _learned_home(fap), timeout=10, interval=0.3,
               message=lambda: f"learned entry back at the foreign AP: {_submap(fap)}")
