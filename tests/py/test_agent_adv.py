#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Namespace tests of agent advertisements from every agent role (core/agent_adv.c).

Topology (namespaces prefixed "pmadv", built per test with lib.topo):

      agent (pmipd: HA, or HA + FA)
      lan0 192.0.2.1/24, 192.0.2.3/24
           |
      ap: br0 192.0.2.2/24 [up0, wlan0]   <- disc-driver (discovery-icmp) and captures
                                 |
                            client eth0

The disc-driver (tests/tools/disc-driver) reports what the proxy AP's discovery-icmp plugin
hears; expected values come from the test's own configuration and from captures decoded
with lib.mn.parse_adv (Python), never from our C code. tshark gives a third reading.
Needs root, tcpdump and tshark.
"""
import json
import os
import shutil
import subprocess

import pytest

import wirelib
from lib import mn
from lib.daemon import build_dir
from lib.topo import Topology
from lib.wait import wait_until
from test_discovery import Driver, proxy_config

PREFIX = "pmadv"
HA_ADDR, AP_ADDR, COA = "192.0.2.1", "192.0.2.2", "192.0.2.3"
F_H, F_F, F_G, F_R, F_T = 0x2000, 0x1000, 0x0400, 0x8000, 0x0100


@pytest.fixture(autouse=True)
def needs_root():
    """Namespaces need root; without it the tests fail, they never skip."""
    assert os.geteuid() == 0, "the advertisement tests need root for network namespaces"


def spec():
    return {
        "nodes": {
            "agent": {},
            "ap": {"bridges": {"br0": {"addrs": [AP_ADDR + "/24"]}}},
            "client": {},
        },
        "links": [
            {"name": "lan", "a": {"node": "agent", "ifname": "lan0",
                                  "addrs": [HA_ADDR + "/24", COA + "/24"]},
             "b": {"node": "ap", "ifname": "up0", "bridge": "br0"}},
            {"name": "air", "a": {"node": "client", "ifname": "eth0",
                                  "addrs": ["192.0.2.50/24"]},
             "b": {"node": "ap", "ifname": "wlan0", "bridge": "br0"}},
        ],
    }


def ha_part(interval=1, lifetime=3):
    return {"home-network": [{"prefix": "192.0.2.0/24", "address": HA_ADDR, "interface": "lan0",
                              "advertise": True, "advertisement-interval": interval,
                              "advertisement-lifetime": lifetime}],
            "max-lifetime": 600}


def fa_part(**over):
    fa = {"interface": [{"name": "lan0", "care-of-address": COA, "advertisement-interval": 1,
                         "advertisement-lifetime": 5}],
          "max-registration-lifetime": 300}
    fa.update(over)
    return fa


def config(ha=None, fa=None):
    pmip = {"interface": [{"name": "lan0"}]}
    if ha is not None:
        pmip["home-agent"] = ha
    if fa is not None:
        pmip["foreign-agent"] = fa
    return {"pmip:pmip": pmip}


def advs_from(cap, src):
    """Advertisements captured on the bridge whose IP source is src: (frame, parsed)."""
    return [(p, mn.parse_adv(p[34:])) for p in cap.packets()
            if len(p) > 34 and p[23] == 1 and p[34] == 9 and p[26:30] == wirelib.ip4(src)]


def test_ha_advertisement_heard_by_discovery():
    """The HA advertises H, its address, max-lifetime and extension 19: discovery sees an HA."""
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9")
        t.start_daemon("ha", {"node": "agent", "config": config(ha=ha_part()),
                              "ready": "home agent started"})
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        found = drv.wait_event("agent-found", addr=HA_ADDR)["agent"]
        assert found["roles"] == ["ha"]
        assert found["flags"] & F_H and not found["flags"] & F_F
        assert found["prefix_len"] == 24
        assert found["max_lifetime"] == 600
        assert found["coa"] == []
        assert found["adv_lifetime"] == 3
        wire = wait_until(lambda: advs_from(cap, HA_ADDR), timeout=5, message="no capture")
        frame, adv = wire[0]
        assert adv["checksum_ok"]
        assert adv["routers"] == [[HA_ADDR, 0]]
        assert adv["prefix_lengths"] == [24]
        assert adv["mobility"]["coas"] == []
        assert adv["mobility"]["lifetime"] == 600
        assert adv["mobility"]["flags"] == F_H | F_G  # gre defaults to true
        assert frame[14 + 8] == 1, "IP TTL 1"
        assert frame[30:34] == wirelib.ip4("224.0.0.1")
        assert drv.sync()["rx_invalid"] == 0
        cap.stop()


def test_ha_and_fa_share_one_advertisement():
    """HA and FA on one interface: one stream of H+F advertisements with the care-of address."""
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9")
        t.start_daemon("both", {"node": "agent", "config": config(ha=ha_part(), fa=fa_part()),
                                "ready": "foreign agent started"})
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        found = drv.wait_event("agent-found", addr=HA_ADDR)["agent"]
        assert found["roles"] == ["ha", "fa"]
        assert found["coa"] == [COA]
        assert found["prefix_len"] == 24
        assert found["max_lifetime"] == 300  # the shorter of the two roles' limits
        wait_until(lambda: len(advs_from(cap, HA_ADDR)) >= 4, timeout=10,
                   message="four advertisements")
        cap.stop()
        ours = advs_from(cap, HA_ADDR)
        assert advs_from(cap, COA) == [], "a second advertisement stream from the care-of address"
        seqs = [a["mobility"]["seq"] for _, a in ours]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"one sequence: {seqs}"
        for _, a in ours:
            assert a["mobility"]["flags"] & (F_H | F_F) == F_H | F_F
            assert a["mobility"]["flags"] & F_R and a["mobility"]["flags"] & F_T
            assert a["mobility"]["coas"] == [COA]
            assert a["routers"] == [[HA_ADDR, 0], [COA, 0]]
            assert a["prefix_lengths"] == [24, 24]
        assert len(drv.events("agent-found")) == 1, "only the merged agent is heard"


def test_solicitation_answered_by_ha():
    """A quiet HA (interval 1800 s) answers the discovery plugin's start solicitation at once."""
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9 or icmp[0] == 10")
        t.start_daemon("ha", {"node": "agent", "config": config(ha=ha_part(1800, 9000)),
                              "ready": "home agent started"})
        wait_until(lambda: advs_from(cap, HA_ADDR), timeout=5, message="first advertisement")
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        found = drv.wait_event("agent-found", timeout=5, addr=HA_ADDR)["agent"]
        assert found["seq"] == 1, "the reported advertisement is the solicited one"
        assert found["roles"] == ["ha"]
        pkts = cap.packets()
        sols = [i for i, p in enumerate(pkts) if p[34] == 10]
        assert sols, "no solicitation captured"
        answers = [p for p in pkts[sols[0] + 1:] if p[34] == 9 and p[26:30] == wirelib.ip4(HA_ADDR)]
        assert answers and mn.parse_adv(answers[0][34:])["mobility"]["seq"] == 1
        cap.stop()


def test_tshark_decodes_ha_advertisement(tmp_path):
    """tshark dissects the HA's advertisement without malformed or error items, with our values."""
    assert shutil.which("tshark"), "tshark is missing: run scripts/install-deps.sh"
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9")
        t.start_daemon("ha", {"node": "agent", "config": config(ha=ha_part()),
                              "ready": "home agent started"})
        frame, _ = wait_until(lambda: advs_from(cap, HA_ADDR), timeout=5, message="capture")[0]
        cap.stop()
    pcap = tmp_path / "ha-adv.pcap"
    wirelib.write_pcap(pcap, [frame[14:]])
    fields = wirelib.tshark_packets(pcap)[0]
    assert wirelib.tshark_problems(fields) == []
    assert fields["icmp.type"] == ["9"]
    assert fields["icmp.checksum.status"] == ["1"]
    assert fields["icmp.router_address"] == [HA_ADDR]
    assert [int(x) for x in fields["icmp.mip.type"]] == [16, 19]
    assert [int(x) for x in fields["icmp.mip.prefixlength"]] == [24]
    assert int(fields["icmp.mip.life"][0]) == 600
    assert int(fields["icmp.mip.h"][0]) == 1 and int(fields["icmp.mip.f"][0]) == 0
    assert "icmp.mip.coa" not in fields


def test_unknown_fa_tunnel_backend_refused(tmp_path):
    """An FA tunnel-backend without its plugin is refused (check mode, start, reload) precisely."""
    why = 'tunnel-backend "nosuch": plugin tunnel-nosuch: not found in '
    bad = config(fa=fa_part(**{"tunnel-backend": "nosuch"}))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    res = subprocess.run([str(build_dir() / "core" / "pmipd"), "-n", "-c", str(path),
                          "-P", str(build_dir() / "plugins")],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode != 0
    assert "/pmip:pmip/foreign-agent/tunnel-backend: " + why in res.stderr, res.stderr
    with Topology(spec(), prefix=PREFIX) as t:
        dmn = t.start_daemon("fa", {"node": "agent", "config": bad})
        wait_until(lambda: not dmn.running, timeout=10, message=lambda: dmn.tail())
        assert dmn.proc.returncode != 0
        assert why in dmn.log_text(), dmn.tail()
        # Named explicitly, the default back end loads; a reload to a missing one is refused
        # and the FA keeps advertising with its sequence going on.
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9")
        ok = t.start_daemon("fa2", {"node": "agent",
                                    "config": config(fa=fa_part(**{"tunnel-backend": "userspace"})),
                                    "ready": "foreign agent started"})
        wait_until(lambda: advs_from(cap, COA), timeout=5, message="FA advertisement")
        mark = ok.reload(bad)
        ok.wait_log(why, since=mark)
        n = len(advs_from(cap, COA))
        wait_until(lambda: len(advs_from(cap, COA)) >= n + 2, timeout=10, message="after reload")
        cap.stop()
        seqs = [a["mobility"]["seq"] for _, a in advs_from(cap, COA)]
        assert seqs == list(range(len(seqs))), seqs
        assert ok.running
        assert ok.stop() == 0, ok.tail()


def test_reload_turns_ha_advertising_on_and_off():
    """A reload adds the HA's part to the FA's advertisement and takes it away; one sequence."""
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9")
        quiet = ha_part()
        quiet["home-network"][0]["advertise"] = False
        dmn = t.start_daemon("both", {"node": "agent", "config": config(ha=quiet, fa=fa_part()),
                                      "ready": "foreign agent started"})
        wait_until(lambda: len(advs_from(cap, COA)) >= 2, timeout=10, message="FA alone")
        assert advs_from(cap, HA_ADDR) == []
        for _, a in advs_from(cap, COA):
            assert a["mobility"]["flags"] & (F_H | F_F) == F_F
            assert a["prefix_lengths"] is None and a["routers"] == [[COA, 0]]
        mark = dmn.reload(config(ha=ha_part(), fa=fa_part()))
        dmn.wait_log("home-agent: configured", since=mark)
        wait_until(lambda: len(advs_from(cap, HA_ADDR)) >= 2, timeout=10, message="H+F")
        mark = dmn.reload(config(ha=quiet, fa=fa_part()))
        dmn.wait_log("home-agent: configured", since=mark)
        n = len(advs_from(cap, COA))
        wait_until(lambda: len(advs_from(cap, COA)) >= n + 2, timeout=10, message="F again")
        cap.stop()
        both = sorted([a for _, a in advs_from(cap, COA) + advs_from(cap, HA_ADDR)],
                      key=lambda a: a["mobility"]["seq"])
        seqs = [a["mobility"]["seq"] for a in both]
        assert seqs == list(range(len(seqs))), f"one sequence across the reloads: {seqs}"
        for _, a in advs_from(cap, HA_ADDR):
            assert a["mobility"]["flags"] & (F_H | F_F) == F_H | F_F
        assert dmn.stop() == 0, dmn.tail()
