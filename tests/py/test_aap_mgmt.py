#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""AAP failover and home-agent loss seen through the management plane (issues #5, #7, #8).

The roaming topology of lib.roaming with two authoritative access points, both pmipd in
the AAP role on the HA router (AAP1 on its CN-side address, AAP2 on its core address,
peers of each other), and the two proxy APs naming [AAP1, AAP2] in priority order. The
foreign AP runs a NETCONF server and is an AgentX subagent of a real snmpd (lib.snmp).

1. AAP1 stops: both APs move to AAP2 (pmipctl "show aap"), and the foreign AP raises the
   NETCONF notification aap-failover and the SNMP trap pmipAapFailover.
2. The home AP stops, so no AP reports the home subnet: AAP2 probes its HA, which answers,
   and the entry stays. Then the HA stops: the probes go unanswered, the entry is deleted,
   it disappears from the foreign AP's map, and the foreign AP raises ha-unreachable
   (entry-removed) and pmipHaUnreachable.

Needs root; namespace prefix "pmaam".
"""
import os

from lib import roaming as R
from lib import snmp as snmplib
from lib.netconf import netns_socket, password_hash, ssh_keygen
from lib.topo import Topology
from lib.wait import wait_until
from ncclient import manager

PREFIX = "pmaam"
NC_PORT = 18331
AAP1, AAP2 = R.AAP_ADDR, R.HR_CORE
PMIP = snmplib.PMIP_MIB_OID
HA_UNREACHABLE = PMIP + ".0.3"
AAP_FAILOVER = PMIP + ".0.4"
N = PMIP + ".1.6."  # pmipNotifyObjects
ADMIN = ("admin", "admin-pw-1")


def _aap_config(address, peer):
    return {"pmip:pmip": {
        "global": {"log-level": "info", "debug": ["aap"]},
        "aap": {"address": address, "peer": [peer], "group-key": R.AAP_KEY_HEX,
                "compare-interval": 2, "probe-timeout": 1, "probe-retries": 2},
    }}


def _ap_config():
    cfg = R.aap_ap_config(lifetime=20)  # The HA advertises: no static entry needed.
    cfg["pmip:pmip"]["proxy"]["aap"] = [AAP1, AAP2]
    return cfg


def _show(daemon, *command):
    return daemon.ctl(*command)["data"]


def _current_aap(daemon):
    return _show(daemon, "show", "aap")["aap-client"].get("current")


def _fap_home_entry(fap):
    for e in _show(fap, "show", "proxy", "subnet-map")["subnet-map"]:
        if e["prefix"] == R.HOME_PREFIX:
            return e
    return None


def _take(sub, name, timeout, site_tail):
    """The next NETCONF notification whose XML holds <name; other ones are skipped."""
    for _ in range(50):
        n = sub.take_notification(timeout=timeout)
        assert n is not None, f"no {name} notification\n" + site_tail()
        if f"<{name}" in n.notification_xml:
            return n.notification_xml
    raise AssertionError(f"no {name} notification among 50")


def test_aap_failover_and_ha_unreachable():
    assert os.geteuid() == 0, "this test needs root (network namespaces); CI runs as root"
    spec = R.topology(start="hap")
    base = R.aap_daemons(lifetime=20)
    spec["daemons"] = {
        "ha": base["ha"], "fa": base["fa"],
        "aap1": {"node": "hr", "config": _aap_config(AAP1, AAP2), "ready": r"running with"},
        "aap2": {"node": "hr", "config": _aap_config(AAP2, AAP1), "ready": r"running with"},
        "hap": {"node": "hap", "config": _ap_config(), "ready": r"proxy .*started"},
    }
    topo = Topology(spec, prefix=PREFIX).build()
    snmp = None
    try:
        work = topo.workdir
        hostkey = os.path.join(work, "hostkey")
        ssh_keygen(hostkey)
        snmp = snmplib.SnmpMaster(topo["fap"], workdir=work).start()
        cfg = _ap_config()
        pmip = cfg["pmip:pmip"]
        pmip["netconf"] = {"ssh": {"address": "127.0.0.1", "port": NC_PORT, "host-key": hostkey},
                           "user": [{"name": ADMIN[0], "password-hash": password_hash(ADMIN[1]),
                                     "access": "read-write"}]}
        pmip["snmp"] = {"enabled": True, "agentx-socket": "unix:" + snmp.agentx,
                        "ping-interval": 1, "trap-rate": 600, "trap-burst": 20}
        fap = topo.start_daemon("fap", {"node": "fap", "config": cfg,
                                        "ready": r"NETCONF server listening", "timeout": 20})
        wait_until(lambda: snmp.get(PMIP + ".1.1.1.0") is not None, timeout=20,
                   message=lambda: "subagent not registered\n" + snmp.debug())
        hap, ha = topo.daemons["hap"], topo.daemons["ha"]
        aap1, aap2 = topo.daemons["aap1"], topo.daemons["aap2"]

        # Both APs use AAP1; the foreign AP learned the home subnet.
        for ap in (hap, fap):
            wait_until(lambda ap=ap: _current_aap(ap) == AAP1, timeout=20, interval=0.3,
                       message=lambda ap=ap: f"{ap.name} on AAP1: {_show(ap, 'show', 'aap')}")
        wait_until(lambda: (_fap_home_entry(fap) or {}).get("origin") == "learned", timeout=20,
                   interval=0.3, message=lambda: f"learned entry: {_fap_home_entry(fap)}")

        sock = netns_socket(topo["fap"], NC_PORT)
        with manager.connect(host="127.0.0.1", port=NC_PORT, sock=sock, username=ADMIN[0],
                             password=ADMIN[1], hostkey_verify=False, look_for_keys=False,
                             allow_agent=False, timeout=20) as sub:
            sub.create_subscription()

            # 1. AAP1 stops: failover to AAP2 (priority 2).
            aap1.stop()
            for ap in (hap, fap):
                wait_until(lambda ap=ap: _current_aap(ap) == AAP2, timeout=20, interval=0.3,
                           message=lambda ap=ap: f"{ap.name} on AAP2: {_show(ap, 'show', 'aap')}")
            assert _show(fap, "show", "aap")["aap-client"]["priority"] == 2
            xml = _take(sub, "aap-failover", 20, lambda: fap.tail(30))
            for text in (f"<previous-aap>{AAP1}</previous-aap>", f"<aap>{AAP2}</aap>",
                         "<priority>2</priority>"):
                assert text in xml, xml
            wait_until(lambda: snmp.traps_of(AAP_FAILOVER, snmplib.TRAP_V2_PORT), timeout=15,
                       message=lambda: "no pmipAapFailover trap\n" + snmp.debug())
            v = snmp.traps_of(AAP_FAILOVER, snmplib.TRAP_V2_PORT)[-1]["vars"]
            assert v[N + "7.0"] == AAP2 and v[N + "16.0"] == AAP1, v
            # The learned map is kept across the failover.
            assert (_fap_home_entry(fap) or {}).get("home-agent") == R.HA_ADDR

            # 2a. No AP left for the home subnet: AAP2 probes the HA, which answers.
            hap.stop()
            counters = lambda: _show(aap2, "show", "aap")["aap"]["counters"]
            wait_until(lambda: counters()["aapProbeReplies"] >= 1, timeout=30, interval=0.3,
                       message=lambda: f"a probe answered: {counters()}\n{aap2.tail(20)}")
            assert (_fap_home_entry(fap) or {}).get("home-agent") == R.HA_ADDR, \
                "the entry of an answering HA must stay"

            # 2b. The HA stops: the probes fail and the entry disappears from the foreign AP.
            ha.stop()
            wait_until(lambda: _fap_home_entry(fap) is None, timeout=40, interval=0.3,
                       message=lambda: f"entry still at the foreign AP: {_fap_home_entry(fap)}, "
                                       f"AAP2: {counters()}\n{aap2.tail(20)}")
            xml = _take(sub, "ha-unreachable", 20, lambda: fap.tail(30))
            for text in ("<role>proxy</role>", "<reason>entry-removed</reason>",
                         f"<home-agent>{R.HA_ADDR}</home-agent>",
                         f"<prefix>{R.HOME_PREFIX}</prefix>"):
                assert text in xml, xml
        wait_until(lambda: snmp.traps_of(HA_UNREACHABLE, snmplib.TRAP_V2_PORT), timeout=15,
                   message=lambda: "no pmipHaUnreachable trap\n" + snmp.debug())
        v = snmp.traps_of(HA_UNREACHABLE, snmplib.TRAP_V2_PORT)[-1]["vars"]
        net, length = R.HOME_PREFIX.split("/")
        assert v[N + "3.0"] == "3", v  # pmipNotifyRole proxy(3)
        assert v[N + "5.0"] == R.HA_ADDR and v[N + "12.0"] == net and v[N + "13.0"] == length, v
    finally:
        try:
            if snmp is not None:
                snmp.stop()
        finally:
            topo.teardown()
