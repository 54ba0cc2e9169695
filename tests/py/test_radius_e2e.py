#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""RADIUS keys used end to end by the home agent and the proxy access point (issue #6 item 4/5).

A real FreeRADIUS 3.2 (fixtures/freeradius.py) runs inside one namespace of the
topology, on the HA router, listening on an address of that namespace; the
daemons ask it with key-store order ["local", "radius"] and have no local SA
for the mobile node or client, so the only place the key exists is the
server's users file. Authenticators of the scripted mobile node are computed
with Python hmac (lib.mn); the proof that the daemons fetched the SA is that
registrations authenticated with the RADIUS-only key succeed, that the server
saw the Access-Requests (its own -X log: who asked, for which User-Name), and
the key-store status of pmipctl.

1. test_ha_authenticates_with_radius_sa: HA/FA scenario (lib.scenarios), the
   MN registers through the FA: code 0; a wrong key gives 131; an unknown node
   (Access-Reject) gives 131; pmipctl show keystore counts the lookups.
2. test_roaming_client_keyed_by_radius: the roaming scenario (lib.roaming),
   the client's SA only on the server as 3GPP2 attributes; the foreign AP and
   the HA both fetch it; cn reaches the client through the tunnel; back home
   the home AP fetches it to deregister.
3. test_no_secret_in_logs_or_pmipctl: keys, the shared secret and the
   User-Password never appear in any daemon log (debug level) or pmipctl
   answer.

Needs root, tcpdump, ping, arping and freeradius; a missing one is a failure.
"""
import json
import os
import re
import subprocess

import pytest

from fixtures.freeradius import FreeRadius
from lib import roaming as R
from lib import scenarios as S
from lib.daemon import build_dir
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmrde"
READY = r"running with"
SECRET = "Shared-Rd5-S3cret"
PASSWORD = "Pmipd-Aaa-Passw0rd"
# The mobile node's MN-HA key, only in the RADIUS users file (Cisco-AVPair, hex).
MN_KEY_HEX = "5b1f0c2ad9e84736a1c0f0ee2bad7e11"
WRONG_KEY_HEX = "00000000000000000000000000000001"
MN_SPI = 0x3E8  # "spi 3E8": IOS SPIs are hexadecimal
# The roaming client's key, only in the users file (3GPP2 attributes, ASCII, salted on the wire).
CLIENT_KEY = "R0am-Key-Only@AAA"
CLIENT_SPI = 1000  # 3GPP2-MN-HA-SPI is decimal
UNKNOWN_HOME = "192.0.2.51"

SECRETS = [SECRET, PASSWORD, MN_KEY_HEX, CLIENT_KEY, CLIENT_KEY.encode().hex()]

HA_USERS = f"""\
{S.MN_HOME} Cleartext-Password := "{PASSWORD}"
	Cisco-AVPair += "mobileip:spi#0=spi 3E8 key hex {MN_KEY_HEX} algorithm hmac-md5 replay timestamp within 7"

DEFAULT Auth-Type := Reject
	Reply-Message = "denied"
"""

ROAM_USERS = f"""\
{R.CLIENT_ADDR} Cleartext-Password := "{PASSWORD}"
	3GPP2-MN-HA-SPI = {CLIENT_SPI},
	3GPP2-MN-HA-Shared-Key = "{CLIENT_KEY}"

DEFAULT Auth-Type := Reject
	Reply-Message = "denied"
"""


def _must_be_root():
    assert os.geteuid() == 0, "the RADIUS end-to-end tests need root (network namespaces)"


# ---------------------------------------------------------------- observers


def radius_requests(srv):
    """Access-Requests the server received, in order: dicts src, user, answer (from its -X log)."""
    text = srv.log_text()
    reqs = {}
    for m in re.finditer(r"^\((\d+)\) Received Access-Request Id \d+ from ([\d.]+):\d+ ", text,
                         re.M):
        reqs[m.group(1)] = {"src": m.group(2), "user": None, "answer": None}
    for m in re.finditer(r'^\((\d+)\)\s+User-Name = "([^"]*)"', text, re.M):
        if m.group(1) in reqs and reqs[m.group(1)]["user"] is None:
            reqs[m.group(1)]["user"] = m.group(2)
    for m in re.finditer(r"^\((\d+)\) Sent (Access-\w+) Id", text, re.M):
        if m.group(1) in reqs:
            reqs[m.group(1)]["answer"] = m.group(2)
    return [reqs[k] for k in sorted(reqs, key=int)]


def keystore(daemon, name="radius"):
    """The pmipctl "show keystore" entry of store name on daemon."""
    stores = daemon.ctl("show", "keystore")["data"]["key-stores"]
    entry = [s for s in stores if s["name"] == name]
    assert entry, f"no key store {name!r} in {stores}"
    return entry[0]


def ha_counters(daemon):
    """The home agent's counters (pmipctl show counters ha)."""
    return daemon.ctl("show", "counters", "ha")["data"]["home-agent"]


def server_saw(srv, expected):
    """Wait until the server's log lists exactly the requests expected [(src, user, answer)]."""
    seen = lambda: [(r["src"], r["user"], r["answer"]) for r in radius_requests(srv)]
    wait_until(lambda: seen() == expected, timeout=5,
               message=lambda: f"RADIUS requests {seen()}, expected {expected}")


CTL_COMMANDS = [("show", "summary"), ("show", "keystore"), ("show", "config"),
                ("show", "security-associations"), ("show", "plugins"), ("show", "counters"),
                ("show", "bindings"), ("show", "visitors"), ("show", "pending"),
                ("show", "proxy", "clients"), ("show", "proxy", "agents"),
                ("show", "proxy", "subnet-map"), ("clear", "keystore-cache")]


def ctl_outputs(daemon):
    """Raw text of every pmipctl command on daemon (errors included: role not running)."""
    out = []
    argv0 = [str(build_dir() / "core" / "pmipctl"), "-s", daemon.ctl_path, "-t", "10"]
    for cmd in CTL_COMMANDS:
        for j in ([], ["-j"]):
            res = subprocess.run(argv0 + j + list(cmd), capture_output=True, text=True,
                                 timeout=20)
            assert res.returncode in (0, 1), f"pmipctl {cmd}: rc={res.returncode} {res.stderr}"
            out.append(res.stdout + res.stderr)
    return "\n".join(out)


def assert_no_secrets(texts):
    """None of SECRETS (as written, upper or lower case) in any of texts {name: text}."""
    leaked = sorted({name for name, text in texts.items() for s in SECRETS
                     if s.lower() in text.lower()})
    assert not leaked, f"a key or secret leaked into: {leaked}"  # Never print the text itself.


# ---------------------------------------------------------------- 1. HA and scripted MN


@pytest.fixture
def hafa():
    """HA/FA topology, FreeRADIUS on the HA's core address, HA asking it, FA default."""
    _must_be_root()
    with Topology(S.topology(), prefix=PREFIX) as t:
        S.pin_bridge_macs(t)
        srv = FreeRadius(HA_USERS, secret=SECRET, node=t["ha"], listen=S.HA_CORE,
                         clients=[S.HA_CORE])
        try:
            srv.start()
            yield t, srv
        finally:
            srv.stop()


def ha_radius_config(debug=False):
    """lib.scenarios' HA without the MN's SA, with key-store local then radius."""
    cfg = S.ha_config(debug=debug)
    body = cfg["pmip:pmip"]
    del body["security-association"]
    body["key-store"] = R.radius_key_store(S.HA_CORE, SECRET, PASSWORD)
    if debug:
        body["global"]["debug"] = ["ha", "keystore", "radius", "auth"]
    return cfg


def start_hafa(t, debug=False):
    ha = t.start_daemon("ha", {"node": "ha", "config": ha_radius_config(debug), "ready": READY})
    fa = t.start_daemon("fa", {"node": "fa", "config": S.fa_config(debug=debug),
                               "ready": READY})
    return ha, fa


def mn_register(t, **over):
    return S.register(t, **dict({"spi": MN_SPI, "key_hex": MN_KEY_HEX}, **over))


def test_ha_authenticates_with_radius_sa(hafa):
    t, srv = hafa
    ha, fa = start_hafa(t)
    local0, rad0, cnt0 = keystore(ha, "local"), keystore(ha, "radius"), ha_counters(ha)

    # The key exists only on the server: registration through the FA is accepted.
    res = mn_register(t)
    assert res["code"] == 0, f"registration with the RADIUS-held key refused: {res}"
    assert res["mhae"] == "ok", f"reply MHAE does not verify with the RADIUS-held key: {res}"
    wait_until(lambda: any("pmiptun" in r for r in S.routes_to(t["ha"], S.MN_HOME)),
               timeout=5, message="HA host route for the mobile node")
    server_saw(srv, [(S.HA_CORE, S.MN_HOME, "Access-Accept")])
    rad1, local1 = keystore(ha, "radius"), keystore(ha, "local")
    assert rad1["found"] == rad0["found"] + 1, (rad0, rad1)
    assert local1["not-found"] > local0["not-found"], "the local store was not asked first"
    assert rad1["cache-entries"] >= 1

    # A wrong key on the MN: the HA answers 131 (the SA comes from the cache, no new request).
    res = mn_register(t, key_hex=WRONG_KEY_HEX)
    assert res["code"] == 131, f"wrong key not refused with 131: {res}"
    server_saw(srv, [(S.HA_CORE, S.MN_HOME, "Access-Accept")])  # The SA came from the cache.
    rad2 = keystore(ha, "radius")
    assert rad2["found"] == rad1["found"] + 1

    # An unknown node: Access-Reject, the HA answers 131 and keeps no binding.
    res = mn_register(t, home=UNKNOWN_HOME)
    assert res["code"] == 131, f"a node RADIUS rejects was not refused with 131: {res}"
    server_saw(srv, [(S.HA_CORE, S.MN_HOME, "Access-Accept"),
                     (S.HA_CORE, UNKNOWN_HOME, "Access-Reject")])
    rad3 = keystore(ha, "radius")
    assert rad3["rejected"] == rad2["rejected"] + 1, (rad2, rad3)
    assert not S.routes_to(t["ha"], UNKNOWN_HOME)
    ha.wait_log(r"192\.0\.2\.51.*failed authentication", timeout=5)

    # The HA's counters: one accepted, two MN authentication failures, no key-store error.
    cnt = ha_counters(ha)
    assert cnt["haRegistrationAccepted"] == cnt0["haRegistrationAccepted"] + 1, cnt
    assert cnt["haMNAuthenticationFailure"] == cnt0["haMNAuthenticationFailure"] + 2, cnt
    assert cnt["haFAAuthenticationFailure"] == cnt0["haFAAuthenticationFailure"], cnt
    assert cnt["haKeyStoreErrors"] == cnt0["haKeyStoreErrors"], cnt
    # Four lookups reached the radius store (MN, FA-HA, wrong key, unknown). The FA-HA one
    # was answered not-found without a request (server_saw above lists every request):
    # the store answers only MN-HA lookups.
    assert rad3["lookups"] - rad0["lookups"] == 4 and rad3["not-found"] - rad0["not-found"] == 1, \
        (rad0, rad3)
    assert_no_secrets({"ha log": ha.log_text(), "fa log": fa.log_text(),
                       "ha pmipctl": json.dumps([rad0, rad1, rad2, rad3])})


# ---------------------------------------------------------------- 2. roaming client


@pytest.fixture
def roaming():
    """The roaming topology with FreeRADIUS on the HA router and all daemons keyed by it."""
    _must_be_root()
    with Topology(R.topology(start="hap"), prefix=PREFIX) as t:
        srv = FreeRadius(ROAM_USERS, secret=SECRET, node=t["hr"], listen=R.HR_CORE,
                         clients=[R.HR_CORE, R.FAP_ADDR, R.HAP_ADDR])
        try:
            srv.start()
            ks = R.radius_key_store(R.HR_CORE, SECRET, PASSWORD)
            for name, d in R.radius_daemons(ks, lifetime=20).items():
                t.start_daemon(name, d)
            yield t, srv
        finally:
            srv.stop()


def _ha_has_binding(t):
    return R.CLIENT_ADDR in t["hr"].ip("route", "show", R.CLIENT_ADDR + "/32", "table", "all")


def test_roaming_client_keyed_by_radius(roaming):
    t, srv = roaming
    ha, fap, hap = t.daemons["ha"], t.daemons["fap"], t.daemons["hap"]
    for d in t.daemons.values():  # No local SA for the client anywhere.
        cfg = d.ctl("show", "config")["data"]["config"]
        assert "security-association" not in json.dumps(cfg), f"{d.name} has a local SA"

    assert t["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable at home"
    assert not _ha_has_binding(t)

    # Roam: the foreign AP fetches the client's SA from RADIUS, registers it through the FA,
    # and the HA fetches the same SA to authenticate the request.
    mark = fap.mark()
    R.roam(t, "fap")
    fap.wait_log(r"registered 192\.0\.2\.100 .*code 0|192\.0\.2\.100.* registered", timeout=20,
                 since=mark)
    wait_until(lambda: _ha_has_binding(t), timeout=10, message="HA host route for the client")
    asked = {(r["src"], r["user"], r["answer"]) for r in radius_requests(srv)}
    assert (R.FAP_ADDR, R.CLIENT_ADDR, "Access-Accept") in asked, \
        f"the foreign AP did not fetch the client's SA: {radius_requests(srv)}"
    assert (R.HR_CORE, R.CLIENT_ADDR, "Access-Accept") in asked, \
        f"the HA did not fetch the client's SA: {radius_requests(srv)}"
    for d in (fap, ha):
        st = keystore(d)
        assert st["found"] >= 1, f"{d.name}: no SA found by the radius store: {st}"

    # cn reaches the client through the tunnel: IP-in-IP HA -> FA on the core, no plain ICMP.
    cap = t["fr"].capture("core0", duration=15, bpf="ip")
    assert t["cn"].ping(R.CLIENT_ADDR, count=3, deadline=10), "cn cannot reach the roamed client"
    cap.stop()
    pkts = S.classify(cap.packets())
    ipip = [p for p in pkts["encap"] if p[:3] == (4, R.HA_ADDR, R.FA_ADDR)
            and p[5] == R.CLIENT_ADDR]
    plain = [p for p in pkts["plain"] if p[0] == 1 and p[2] == R.CLIENT_ADDR]
    assert ipip, f"no tunnelled packets to the client on the core: {pkts}"
    assert not plain, f"plain ICMP to the home address on the core: {plain[:3]}"

    # Back home: the home AP fetches the SA to deregister; the binding goes.
    mark = hap.mark()
    R.roam(t, "hap")
    hap.wait_log(r"deregister.*192\.0\.2\.100|192\.0\.2\.100.*deregist", timeout=20, since=mark)
    wait_until(lambda: not _ha_has_binding(t), timeout=10, message="HA binding removed")
    assert t["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable back home"

    texts = {f"{n} log": d.log_text() for n, d in t.daemons.items()}
    texts.update({f"{n} pmipctl": ctl_outputs(d) for n, d in t.daemons.items()})
    assert_no_secrets(texts)


# ---------------------------------------------------------------- 3. no secret anywhere


def test_no_secret_in_logs_or_pmipctl(hafa):
    t, srv = hafa
    ha, fa = start_hafa(t, debug=True)
    ha.wait_log(r"radius.*configured", timeout=5)
    assert mn_register(t)["code"] == 0
    assert mn_register(t, key_hex=WRONG_KEY_HEX)["code"] == 131
    assert mn_register(t, home=UNKNOWN_HOME)["code"] == 131
    # The server's own log proves the secret and password were really sent and checked.
    assert "pap: User authenticated successfully" in srv.log_text()
    # A reload that changes the radius subtree reconfigures the store (and clears its cache).
    cfg = ha_radius_config(debug=True)
    cfg["pmip:pmip"]["key-store"]["radius"]["cache-lifetime"] = 120
    mark = ha.reload(cfg)
    ha.wait_log(r"radius.*configured.*cache 120 s", timeout=5, since=mark)
    assert mn_register(t)["code"] == 0

    check = subprocess.run([str(build_dir() / "core" / "pmipd"), "-n", "-c", ha.conf_path,
                            "-P", str(build_dir() / "plugins")],
                           capture_output=True, text=True, timeout=20)
    texts = {"ha log": ha.log_text(), "fa log": fa.log_text(),
             "ha pmipctl": ctl_outputs(ha), "fa pmipctl": ctl_outputs(fa),
             "pmipd -n": check.stdout + check.stderr}
    assert "<redacted>" in texts["ha pmipctl"], "show config printed no redacted key"
    assert "radius" in texts["ha log"], "the HA logged nothing about RADIUS at debug level"
    assert_no_secrets(texts)
