#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""SNMP: PMIP-MIB and the RFC 2006 subset over AgentX, against a real snmpd and snmptrapd.

Topology and configs come from lib.scenarios (cn -- ha == core == fa -- mn). The
HA and the FA each run pmipd as an AgentX subagent of their own snmpd master
(lib.snmp: snmpd and snmptrapd from a temporary directory, on the node's
loopback, inside the test's namespaces). The mobile node is lib.mn, with
Python-computed authenticators. Expected values come from lib.scenarios, from
lib.mn's results and from pmipctl's JSON (the daemon's own view), never from
the SNMP code under test.

Proves: smilint at level 6 prints nothing for PMIP-MIB; after a registration,
walks of pmipBindingTable / haMobilityBindingTable (HA) and pmipVisitorTable /
faVisitorTable (FA) give the rows with the right values; the counters equal
the daemon's; the security association tables show the SA and an empty key;
SNMP is read-only; a registration with a wrong key produces
pmipRegistrationFailure, pmipAuthenticationFailure and mipAuthFailure with the
right varbinds at snmptrapd over SNMPv2c and SNMPv3 authPriv; the subagent
comes back after snmpd restarts; the trap rate limit holds under a burst and
pmipTrapsSuppressed counts the rest; a reload switches SNMP off, and switching
it on again is refused precisely; SNMP and NETCONF (lib.netconf's client) give
the same bindings and counters. Needs root for namespaces.
"""
import ipaddress
import json
import os
import subprocess
import tempfile

import pytest

from lib import daemon as dmod
from lib import scenarios as S
from lib import snmp as snmplib
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmsnmp"
READY = r"running with"
SRC = dmod.SRC_DIR
PMIP = snmplib.PMIP_MIB_OID
MIP = snmplib.MIP_MIB_OID
TRAP_OID = ".1.3.6.1.6.3.1.1.4.1.0"
REG_FAILURE = PMIP + ".0.1"
AUTH_FAILURE = PMIP + ".0.2"
MIP_AUTH_FAILURE = MIP + ".2.0.1"
BURST = 3


def oid_ip(addr):
    return ".".join(str(b) for b in ipaddress.IPv4Address(addr).packed)


def oid_str(s):
    return ".".join(str(b) for b in s.encode())


def snmp_cfg(master, **over):
    cfg = {"enabled": True, "agentx-socket": master.agentx, "ping-interval": 1,
           "trap-rate": 1, "trap-burst": BURST}
    cfg.update(over)
    return cfg


def with_snmp(cfg, master, **over):
    cfg["pmip:pmip"]["snmp"] = snmp_cfg(master, **over)
    return cfg


def pmipctl(t, name, *words):
    exe = dmod.build_dir() / "core" / "pmipctl"
    sock = os.path.join(t.workdir, f"{name}.sock")
    res = subprocess.run([str(exe), "-s", sock, "-j"] + list(words), capture_output=True,
                         text=True, timeout=20)
    assert res.returncode == 0, res.stderr + res.stdout
    ans = json.loads(res.stdout)
    assert ans["ok"] is True, ans
    return ans["data"]


@pytest.fixture(scope="module")
def env():
    """HA and FA daemons, each the subagent of its own snmpd, in one topology."""
    assert os.geteuid() == 0, "the SNMP tests need root for network namespaces"
    with Topology(S.topology(), prefix=PREFIX) as t:
        S.pin_bridge_macs(t)
        masters = {n: snmplib.SnmpMaster(t[n], t.workdir).start() for n in ("ha", "fa")}
        try:
            for n, cfgf in (("ha", S.ha_config), ("fa", S.fa_config)):
                t.start_daemon(n, {"node": n, "config": with_snmp(cfgf(), masters[n]),
                                   "ready": READY,
                                   "args": ["-s", os.path.join(t.workdir, f"{n}.sock")]})
            for n in ("ha", "fa"):
                wait_until(lambda n=n: masters[n].get(PMIP + ".1.1.1.0") is not None,
                           timeout=15, message=f"{n} subagent never registered")
            yield t, masters
        finally:
            for m in masters.values():
                m.stop()


@pytest.fixture(scope="module")
def registered(env):
    t, masters = env
    res = S.register(t, lifetime=120)
    assert res["code"] == 0 and res["mhae"] == "ok", f"registration failed: {res}"
    return res


def test_smilint_level6_clean():
    erl = snmplib.erlang_mibs()
    for mib in ("PMIP-MIB", "PMIP-ENTERPRISE-MIB"):
        res = subprocess.run(["smilint", "-s", "-l", "6", str(SRC / "mibs" / f"{mib}.txt")],
                             capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, SMIPATH=f"{erl}:{SRC / 'mibs'}"))
        # smilint exits 0 even with errors: the gate is an empty output.
        assert res.stdout + res.stderr == "", res.stdout + res.stderr
    # The gate would catch a broken module: the same check on a damaged copy complains.
    bad = (SRC / "mibs" / "PMIP-MIB.txt").read_text().replace("::= { pmipSystem 2 }", "", 1)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "PMIP-MIB.txt"), "w") as f:
            f.write(bad)
        res = subprocess.run(["smilint", "-s", "-l", "6", os.path.join(tmp, "PMIP-MIB.txt")],
                             capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, SMIPATH=f"{erl}:{SRC / 'mibs'}"))
    assert res.stdout + res.stderr != ""


def test_binding_tables(env, registered):
    t, m = env
    ha = m["ha"]
    idx = oid_ip(S.MN_HOME) + "." + oid_ip(S.FA_COA)
    rows = ha.walk(PMIP + ".1.2")
    ent = PMIP + ".1.2.1."
    assert rows[ent + "3." + idx] == ("IpAddress", S.FA_COA)  # source: the FA relayed it
    assert rows[ent + "4." + idx] == ("IpAddress", S.HA_ADDR)
    assert rows[ent + "7." + idx] == ("Gauge32", "120") or rows[ent + "7." + idx][1] == "120"
    assert 0 < int(rows[ent + "8." + idx][1]) <= 120
    ident = rows[ent + "6." + idx][1].replace(" ", "")
    assert int(ident, 16) == registered["ident"]
    assert len([o for o in rows if o.startswith(ent + "3.")]) == 1
    assert ha.get(PMIP + ".1.1.2.0")[1] == "1"  # pmipBindingCount

    # The same binding in RFC 2006 haMobilityBindingTable, and the daemon's own view.
    mip = ha.walk(MIP + ".1.6.3.1")
    ment = MIP + ".1.6.3.1.1."
    assert mip[ment + "1." + idx] == ("IpAddress", S.MN_HOME)
    assert mip[ment + "2." + idx] == ("IpAddress", S.FA_COA)
    assert mip[ment + "3." + idx] == ("IpAddress", S.FA_COA)
    assert int(mip[ment + "5." + idx][1]) & 0xFFFFFFFF == registered["ident"] & 0xFFFFFFFF
    assert int(mip[ment + "6." + idx][1]) & 0xFFFFFFFF == registered["ident"] >> 32
    assert mip[ment + "7." + idx][1] == "120"
    ctl = [b for b in pmipctl(t, "ha", "show", "bindings")["bindings"]
           if b["home-address"] == S.MN_HOME]
    assert len(ctl) == 1 and ctl[0]["care-of-address"] == S.FA_COA


def test_visitor_tables(env, registered):
    t, m = env
    fa = m["fa"]
    idx = oid_ip(S.MN_HOME)
    rows = fa.walk(PMIP + ".1.3")
    ent = PMIP + ".1.3.1."
    assert rows[ent + "2." + idx] == ("IpAddress", S.HA_ADDR)
    assert rows[ent + "3." + idx] == ("IpAddress", S.FA_COA)
    assert rows[ent + "4." + idx] == ("IpAddress", S.MN_HOME)
    assert rows[ent + "6." + idx] == ("STRING", "lan")
    mac = rows[ent + "7." + idx][1].replace(" ", ":").lower()
    assert mac.strip(":") == S.MN_MAC
    assert rows[ent + "10." + idx][1] == "120"
    assert 0 < int(rows[ent + "11." + idx][1]) <= 120
    mip = fa.walk(MIP + ".1.5.3.1")
    ment = MIP + ".1.5.3.1.1."
    assert mip[ment + "2." + idx] == ("IpAddress", S.MN_HOME)
    assert mip[ment + "3." + idx] == ("IpAddress", S.HA_ADDR)
    assert mip[ment + "4." + idx][1] == "120"
    assert mip[ment + "9." + idx][1] == "1"  # faVisitorRegIsAccepted true
    # Nothing of the HA on the FA's agent.
    assert fa.walk(PMIP + ".1.2") == {}


def test_counters_match_daemon(env, registered):
    t, m = env
    for role, num, key in (("ha", 1, "home-agent"), ("fa", 2, "foreign-agent")):
        # Counters move (advertisements): the SNMP value lies between two daemon reads.
        lo = pmipctl(t, role, "show", "counters")[key]
        rows = m[role].walk(PMIP + ".1.5.1.3")
        hi = pmipctl(t, role, "show", "counters")[key]
        got = {}
        for o, (typ, val) in rows.items():
            sub = [int(x) for x in o[len(PMIP + ".1.5.1.3."):].split(".")]
            assert sub[0] == num and typ == "Counter64", (o, typ)
            got[bytes(sub[1:]).decode()] = int(val)
        assert set(got) == set(lo), set(got) ^ set(lo)
        for name, value in got.items():
            assert lo[name] <= value <= hi[name], (name, lo[name], value, hi[name])
        assert got["haRegistrationAccepted" if role == "ha" else "faRegRequestsRelayed"] >= 1
    ha = m["ha"]
    assert int(ha.get(MIP + ".1.6.3.3.0")[1]) >= 1  # haRegistrationAccepted
    assert int(ha.get(MIP + ".1.6.3.16.0")[1]) >= 1  # haRegRequestsReceived
    fa = m["fa"]
    assert int(fa.get(MIP + ".1.5.3.2.0")[1]) >= 1  # faRegRequestsReceived
    assert int(fa.get(MIP + ".1.5.3.3.0")[1]) >= 1  # faRegRequestsRelayed


def test_security_associations_without_key(env):
    t, m = env
    ha = m["ha"]
    rows = ha.walk(PMIP + ".1.4")
    ent = PMIP + ".1.4.1."
    idx = oid_str("mn")
    assert rows[ent + "2." + idx][1] == "1"  # host
    assert rows[ent + "3." + idx] == ("IpAddress", S.MN_HOME)
    assert rows[ent + "7." + idx][1] == str(S.MN_SPI)
    assert rows[ent + "8." + idx][1] == "1"  # hmacMd5
    mip = ha.walk(MIP + ".1.2.1")
    midx = oid_ip(S.MN_HOME) + "." + str(S.MN_SPI)
    ment = MIP + ".1.2.1.1."
    assert mip[ment + "5." + midx] == ("STRING", "")  # mipSecKey reads empty
    assert mip[ment + "6." + midx][1] == "2"  # timestamps
    key = bytes.fromhex(S.MN_KEY_HEX)
    for walked in (rows, mip, ha.walk(PMIP), ha.walk(MIP)):
        for typ, val in walked.values():
            flat = val.replace(" ", "").lower()
            assert S.MN_KEY_HEX.lower() not in flat
            assert key.decode("latin-1") not in val


def test_read_only(env):
    t, m = env
    rc, out = m["ha"].set(MIP + ".1.5.2.2.0", "i", "1")
    assert rc != 0
    rc, out = m["ha"].set(PMIP + ".1.1.2.0", "u", "5")
    assert rc != 0 and ("notWritable" in out or "noAccess" in out or "No Access" in out
                        or "not writable" in out.lower()), out


def test_registration_failure_traps(env, registered):
    t, m = env
    ha = m["ha"]
    res = S.register(t, key_hex="00" * 16, retries=1, timeout=1.0)
    assert res["code"] == 131, res  # mobile node failed authentication

    def got():
        return (ha.traps_of(REG_FAILURE, snmplib.TRAP_V2_PORT)
                and ha.traps_of(REG_FAILURE, snmplib.TRAP_V3_PORT)
                and ha.traps_of(AUTH_FAILURE, snmplib.TRAP_V2_PORT)
                and ha.traps_of(MIP_AUTH_FAILURE, snmplib.TRAP_V2_PORT))

    wait_until(got, timeout=15,
               message=lambda: "notifications did not reach snmptrapd\n" + ha.debug()
               + t.daemons["ha"].tail(20))
    for port in (snmplib.TRAP_V2_PORT, snmplib.TRAP_V3_PORT):
        v = ha.traps_of(REG_FAILURE, port)[-1]["vars"]
        assert v[PMIP + ".1.6.3.0"] == "1"  # homeAgent
        assert v[PMIP + ".1.6.4.0"] == S.MN_HOME
        assert v[PMIP + ".1.6.5.0"] == S.HA_ADDR
        assert v[PMIP + ".1.6.6.0"] == S.FA_COA
        assert v[PMIP + ".1.6.8.0"] == "131"
    a = ha.traps_of(AUTH_FAILURE, snmplib.TRAP_V2_PORT)[-1]["vars"]
    assert a[PMIP + ".1.6.7.0"] == S.MN_HOME
    assert a[PMIP + ".1.6.9.0"] == str(S.MN_SPI)
    assert a[PMIP + ".1.6.10.0"] == "2"  # badAuthenticator
    r = ha.traps_of(MIP_AUTH_FAILURE, snmplib.TRAP_V2_PORT)[-1]["vars"]
    vidx = oid_ip(S.MN_HOME)
    assert r[MIP + ".1.2.3.1.1." + vidx] == S.MN_HOME
    assert r[MIP + ".1.2.3.1.3." + vidx] == str(S.MN_SPI)
    assert r[MIP + ".1.2.3.1.7." + vidx] == "2"
    # The violation is in mipSecViolationTable too.
    viol = ha.walk(MIP + ".1.2.3")
    assert viol[MIP + ".1.2.3.1.7." + vidx][1] == "2"


def test_rate_limit_under_burst(env, registered):
    t, m = env
    ha = m["ha"]
    before_sent = int(ha.get(PMIP + ".1.6.1.0")[1])
    before_sup = int(ha.get(PMIP + ".1.6.2.0")[1])
    before = len(ha.traps_of(REG_FAILURE, snmplib.TRAP_V2_PORT))
    for _ in range(6):
        res = S.register(t, key_hex="00" * 16, retries=1, timeout=1.0)
        assert res["code"] == 131, res
    # 6 failures, 3 notifications each: every one is either sent or suppressed, and no
    # more than the bucket (trap-burst 3, refilled at 1 per minute) goes out.
    wait_until(lambda: int(ha.get(PMIP + ".1.6.1.0")[1]) - before_sent
               + int(ha.get(PMIP + ".1.6.2.0")[1]) - before_sup == 18, timeout=10,
               message="sent + suppressed did not reach 18")
    sent = int(ha.get(PMIP + ".1.6.1.0")[1]) - before_sent
    assert sent <= BURST, sent
    assert int(ha.get(PMIP + ".1.6.2.0")[1]) - before_sup >= 18 - BURST
    after = len(ha.traps_of(REG_FAILURE, snmplib.TRAP_V2_PORT))
    assert after - before <= BURST


def test_survives_snmpd_restart(env, registered):
    t, m = env
    ha = m["ha"]
    ha.stop_snmpd()
    ha.start_snmpd()
    wait_until(lambda: ha.get(PMIP + ".1.1.2.0") is not None, timeout=20,
               message="subagent did not re-register after the snmpd restart")
    idx = oid_ip(S.MN_HOME) + "." + oid_ip(S.FA_COA)
    rows = ha.walk(PMIP + ".1.2")
    assert rows[PMIP + ".1.2.1.4." + idx] == ("IpAddress", S.HA_ADDR)
    assert t.daemons["ha"].running


def test_reload_disables_then_refuses_reenable(env, registered):
    """A reload that switches SNMP off unregisters the subtrees. Net-SNMP cannot be
    initialised twice in one process, so switching it on again is refused with a precise
    error and the running configuration stays (SNMP off)."""
    t, m = env
    fa = m["fa"]
    d = t.daemons["fa"]
    mark = d.reload(with_snmp(S.fa_config(), fa, enabled=False))
    d.wait_log(r"AgentX subagent stopped", since=mark, timeout=10)
    wait_until(lambda: fa.get(PMIP + ".1.1.3.0") is None, timeout=10,
               message="PMIP-MIB still served with SNMP disabled")
    mark = d.reload(with_snmp(S.fa_config(), fa))
    d.wait_log(r"reload failed.*snmp.*switching it on again needs a restart of pmipd",
               since=mark, timeout=10)
    assert fa.get(PMIP + ".1.1.3.0") is None
    assert d.running


def test_snmp_and_netconf_agree():
    """The HA's bindings and counters read over SNMP equal those read over NETCONF
    (lib.netconf's client), row for row and value for value."""
    import xml.etree.ElementTree as ET

    from lib import netconf as nclib

    ns = "urn:pmipd:params:xml:ns:yang:pmip"
    with Topology(S.topology(), prefix=PREFIX + "nc") as t:
        S.pin_bridge_macs(t)
        master = snmplib.SnmpMaster(t["ha"], t.workdir).start()
        try:
            work = t.workdir
            hostkey = os.path.join(work, "hostkey")
            nclib.ssh_keygen(hostkey)
            cfg = with_snmp(S.ha_config(), master)
            cfg["pmip:pmip"]["netconf"] = {
                "ssh": {"address": "127.0.0.1", "port": nclib.NC_PORT, "host-key": hostkey},
                "user": [{"name": "viewer", "password-hash": nclib.password_hash("pw-viewer-1"),
                          "access": "read-only"}]}
            t.start_daemon("ha", {"node": "ha", "config": cfg, "ready": READY})
            t.start_daemon("fa", {"node": "fa", "config": S.fa_config(), "ready": READY})
            wait_until(lambda: master.get(PMIP + ".1.1.1.0") is not None, timeout=15,
                       message="subagent never registered")
            res = S.register(t, lifetime=120)
            assert res["code"] == 0, res
            S.register(t, key_hex="00" * 16, retries=1, timeout=1.0)  # a counter moves
            sock = nclib.netns_socket(t["ha"], nclib.NC_PORT)
            from ncclient import manager
            with manager.connect(host="127.0.0.1", port=nclib.NC_PORT, sock=sock,
                                 username="viewer", password="pw-viewer-1",
                                 hostkey_verify=False, look_for_keys=False, allow_agent=False,
                                 timeout=20) as m:
                xml = m.get(filter=("xpath", ({"p": ns}, "/p:pmip/p:home-agent/p:state"))
                            ).data_xml
            snmp_rows = master.walk(PMIP + ".1.2")
            snmp_counters = master.walk(PMIP + ".1.5.1.3")
        finally:
            master.stop()
    root = ET.fromstring(xml)
    q = "{%s}" % ns
    bindings = root.findall(f".//{q}binding")
    ent = PMIP + ".1.2.1."
    snmp_keys = {o[len(ent) + 2:] for o in snmp_rows if o.startswith(ent + "3.")}
    nc_keys = {oid_ip(b.find(q + "home-address").text) + "."
               + oid_ip(b.find(q + "care-of-address").text) for b in bindings}
    assert snmp_keys == nc_keys and len(nc_keys) == 1, (snmp_keys, nc_keys)
    counters = {c.find(q + "name").text: int(c.find(q + "value").text)
                for c in root.findall(f".//{q}counter")}
    got = {}
    for o, (typ, val) in snmp_counters.items():
        sub = [int(x) for x in o[len(PMIP + ".1.5.1.3."):].split(".")]
        got[bytes(sub[1:]).decode()] = int(val)
    assert got == counters
    assert got["haMNAuthenticationFailure"] >= 1
