#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Management of the proxy access point (issues #7 and #8): NETCONF state, RPCs and
notifications, SNMP tables and traps, in the roaming scenario of lib.roaming.

The foreign AP (node fap) runs pmipd with a NETCONF server on 127.0.0.1 of its namespace
and as an AgentX subagent of a real snmpd (lib.snmp) in the same namespace. After the
client roams to it, NETCONF <get> and an SNMP walk must show the same proxy-client and
subnet-map rows; the proxy RPCs run with a read-write user and are refused to a
read-only one. With a wrong key for the client on the foreign AP, the registration fails
and both a NETCONF notification and an SNMP trap carry client, HA, FA, code and reason.
"""
import os

import pytest
from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele

from lib import roaming as R
from lib import snmp as snmplib
from lib.netconf import netns_socket, password_hash, ssh_keygen
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmmgp"
NC_PORT = 18330
NS = "urn:pmipd:params:xml:ns:yang:pmip"
NSMAP = {"p": NS}
PMIP = snmplib.PMIP_MIB_OID
TRAP_OID = ".1.3.6.1.6.3.1.1.4.1.0"
REG_FAILURE = PMIP + ".0.1"
USERS = {"admin": ("admin-pw-1", "read-write"), "viewer": ("viewer-pw-1", "read-only")}
CLIENT_IDX = R.CLIENT_ADDR  # IpAddress index: the four octets
FAST_RETRY = {"retransmit-initial-ms": 200, "retransmit-max": 1}


def _must_be_root():
    assert os.geteuid() == 0, "these tests need root (network namespaces); CI runs as root"


class Site:
    """The roaming topology; the foreign AP with NETCONF and SNMP (snmpd + snmptrapd)."""

    def __init__(self, fap_key_hex=None):
        self.fap_key_hex = fap_key_hex

    def __enter__(self):
        _must_be_root()
        spec = R.topology(start="hap")
        spec["daemons"] = {k: v for k, v in R.daemons(ap_extra=FAST_RETRY).items()
                           if k != "fap"}
        self.topo = Topology(spec, prefix=PREFIX).build()
        try:
            work = self.topo.workdir
            hostkey = os.path.join(work, "hostkey")
            ssh_keygen(hostkey)
            self.snmp = snmplib.SnmpMaster(self.topo["fap"], workdir=work).start()
            cfg = R.ap_config(extra=FAST_RETRY)
            pmip = cfg["pmip:pmip"]
            if self.fap_key_hex:
                pmip["security-association"][0]["key-hex"] = self.fap_key_hex
            pmip["netconf"] = {"ssh": {"address": "127.0.0.1", "port": NC_PORT,
                                       "host-key": hostkey},
                               "user": [{"name": n, "password-hash": password_hash(pw),
                                         "access": acc} for n, (pw, acc) in USERS.items()]}
            pmip["snmp"] = {"enabled": True, "agentx-socket": "unix:" + self.snmp.agentx,
                            "ping-interval": 1, "trap-rate": 600, "trap-burst": 20}
            self.fap = self.topo.start_daemon("fap", {
                "node": "fap", "config": cfg, "ready": r"NETCONF server listening",
                "timeout": 20})
            wait_until(lambda: self.snmp.get(PMIP + ".1.1.1.0") is not None, timeout=20,
                       message=lambda: "subagent not registered\n" + self.snmp.debug())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        try:
            if getattr(self, "snmp", None) is not None:
                self.snmp.stop()
        finally:
            self.topo.teardown()
        return False

    def connect(self, user="admin"):
        sock = netns_socket(self.topo["fap"], NC_PORT)
        return manager.connect(host="127.0.0.1", port=NC_PORT, sock=sock, username=user,
                               password=USERS[user][0], hostkey_verify=False,
                               look_for_keys=False, allow_agent=False, timeout=20)


def proxy_state(m):
    """/pmip/proxy/state as an lxml element (None when absent)."""
    data = m.get(filter=("xpath", (NSMAP, "/p:pmip/p:proxy/p:state"))).data
    return data.find(f"{{{NS}}}pmip/{{{NS}}}proxy/{{{NS}}}state")


def rows(st, name, key):
    """{key value: {leaf: text}} of list name under st."""
    out = {}
    for e in st.findall(f"{{{NS}}}{name}"):
        leaves = {}
        for c in e:
            leaves[etree.QName(c).localname] = c.text
        out[leaves[key]] = leaves
    return out


def client_state(site):
    with site.connect("viewer") as m:
        st = proxy_state(m)
    return rows(st, "client", "home-address").get(R.CLIENT_ADDR) if st is not None else None


def rpc(name, hoa=R.CLIENT_ADDR):
    return to_ele(f'<{name} xmlns="{NS}"><home-address>{hoa}</home-address></{name}>')


STATE_NUM = {"registered": "7", "registering": "6", "backoff": "9", "wait-foreign-agent": "4",
             "wait-security-association": "5", "deregistering": "10", "probing": "8"}


def test_state_rpcs_and_snmp_agree_after_roam():
    with Site() as site:
        mark = site.fap.mark()
        R.roam(site.topo, "fap")
        site.fap.wait_log(r"registered 192\.0\.2\.100 .*code 0", timeout=30, since=mark)
        wait_until(lambda: (client_state(site) or {}).get("state") == "registered", timeout=10,
                   message=lambda: f"client state: {client_state(site)}")

        with site.connect("viewer") as m:
            st = proxy_state(m)
            ks = m.get(filter=("xpath", (NSMAP, "/p:pmip/p:state/p:key-store"))).data_xml
        clients = rows(st, "client", "home-address")
        c = clients[R.CLIENT_ADDR]
        assert c["registered"] == "true" and c["home-agent"] == R.HA_ADDR
        assert c["foreign-agent"] == R.FA_ADDR and c["care-of-address"] == R.FA_ADDR
        assert c["mac-address"] == R.CLIENT_MAC and c["last-code"] == "0"
        assert int(c["lifetime"]) > 0 and int(c["reregister-in"]) > 0
        smap = rows(st, "subnet-map", "prefix")
        assert smap == {R.HOME_PREFIX: {"prefix": R.HOME_PREFIX, "home-agent": R.HA_ADDR,
                                        "origin": "static", "version": "0"}}
        assert st.findtext(f"{{{NS}}}client-count") == str(len(clients))
        agents = rows(st, "agent", "address")
        assert agents[R.FA_ADDR]["foreign-agent"] == "true"
        assert int(agents[R.FA_ADDR]["clients"]) == 1
        counters = rows(st, "counter", "name")
        assert int(counters["proxyRepliesAccepted"]["value"]) >= 1
        # Key-store status carries the RADIUS counters (zero for the local store), never a key.
        for leaf in ("<requests>", "<timeouts>", "<servers-dead>", "<cache-hits>"):
            assert leaf in ks, ks
        assert R.CLIENT_KEY_HEX not in ks

        # SNMP: the same rows and values, indexes = YANG keys.
        walk = site.snmp.walk(PMIP + ".1.7")
        col = lambda n: walk[f"{PMIP}.1.7.1.{n}.{CLIENT_IDX}"][1]
        idx = {o[len(PMIP + ".1.7.1.5."):] for o in walk if o.startswith(PMIP + ".1.7.1.5.")}
        assert idx == set(clients), (idx, set(clients))
        assert col(3) == STATE_NUM[c["state"]]
        assert col(4) == "1"  # TruthValue true
        assert col(5) == c["home-agent"] and col(6) == c["foreign-agent"]
        assert col(7) == c["care-of-address"] and col(8) == c["lifetime"]
        assert col(10) == c["last-code"] and col(12) == c["gateway"]
        smwalk = site.snmp.walk(PMIP + ".1.8")
        net, length = R.HOME_PREFIX.split("/")
        assert {o: v[1] for o, v in smwalk.items()} == {
            f"{PMIP}.1.8.1.3.{net}.{length}": R.HA_ADDR,
            f"{PMIP}.1.8.1.4.{net}.{length}": "1",  # static
            f"{PMIP}.1.8.1.5.{net}.{length}": "0",
        }, smwalk
        agwalk = site.snmp.walk(PMIP + ".1.9")
        assert agwalk[f"{PMIP}.1.9.1.8.{R.FA_ADDR}"][1] == agents[R.FA_ADDR]["clients"]
        # A GET of one subnet-map row (exact index) answers too.
        assert site.snmp.get(f"{PMIP}.1.8.1.3.{net}.{length}") == ("IpAddress", R.HA_ADDR)

        # RPCs: a read-only user is refused and nothing changes.
        with site.connect("viewer") as m:
            for name in ("reregister-proxy-client", "clear-proxy-client"):
                with pytest.raises(RPCError) as ei:
                    m.dispatch(rpc(name))
                assert ei.value.tag == "access-denied"
        assert client_state(site)["state"] == "registered"
        with site.connect() as m:
            before = int(rows(proxy_state(m), "counter", "name")["proxyRequestsSent"]["value"])
            mark = site.fap.mark()
            m.dispatch(rpc("reregister-proxy-client"))
            site.fap.wait_log(r"registered 192\.0\.2\.100 .*code 0", timeout=15, since=mark)
            after = int(rows(proxy_state(m), "counter", "name")["proxyRequestsSent"]["value"])
            assert after > before
            with pytest.raises(RPCError) as ei:
                m.dispatch(rpc("clear-proxy-client", "192.0.2.77"))
            assert ei.value.tag == "data-missing"
            mark = site.fap.mark()
            m.dispatch(rpc("clear-proxy-client"))
            site.fap.wait_log(r"deregister", timeout=15, since=mark)
            wait_until(lambda: (client_state(site) or {}).get("state") != "registered",
                       timeout=10, message=lambda: f"client after clear: {client_state(site)}")


def test_registration_failure_notification_and_trap():
    # The foreign AP has the wrong key for the client: the HA answers 131 with an
    # authenticator the AP cannot verify, so the attempt fails after its retransmissions.
    with Site(fap_key_hex="ff" * 16) as site:
        with site.connect() as sub:
            sub.create_subscription()
            R.roam(site.topo, "fap")
            xml = None
            for _ in range(10):
                n = sub.take_notification(timeout=20)
                assert n is not None, "no notification\n" + site.fap.tail(30)
                if "<registration-failure" in n.notification_xml:
                    xml = n.notification_xml
                    break
            assert xml is not None
            for text in ("<role>proxy</role>", f"<home-address>{R.CLIENT_ADDR}</home-address>",
                         f"<home-agent>{R.HA_ADDR}</home-agent>",
                         f"<foreign-agent>{R.FA_ADDR}</foreign-agent>",
                         f"<care-of-address>{R.FA_ADDR}</care-of-address>",
                         "<code>131</code>", "<reason>no authenticated reply</reason>"):
                assert text in xml, xml
            assert "ff" * 16 not in xml

        def trap():
            t = site.snmp.traps_of(REG_FAILURE, snmplib.TRAP_V2_PORT)
            return [x for x in t if x["vars"].get(PMIP + ".1.6.3.0") == "3"]

        wait_until(trap, timeout=15, message=lambda: "no trap\n" + site.snmp.debug())
        v = trap()[-1]["vars"]
        assert v[PMIP + ".1.6.4.0"] == R.CLIENT_ADDR
        assert v[PMIP + ".1.6.5.0"] == R.HA_ADDR
        assert v[PMIP + ".1.6.15.0"] == R.FA_ADDR
        assert v[PMIP + ".1.6.8.0"] == "131"
        assert v[PMIP + ".1.6.14.0"] == "no authenticated reply"
