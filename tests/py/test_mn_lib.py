#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Tests of the scripted mobile node (lib/mn.py) against independent Python peers.

The peers run in their own namespace: a home-agent responder that parses the
request with struct, checks the MHAE (and MFAE) with hmac/hashlib and answers
0, 131 or 133; and an agent that answers solicitations with advertisements.
Neither uses lib/mn.py, so the MN's encoding, authenticators, resynchronisation
and decoding are checked against a second reading. Run as a script, this file
is the peers: "test_mn_lib.py responder|agent CONFIG.json".
"""
import hashlib
import hmac
import ipaddress
import json
import os
import socket
import struct
import sys
import time

import pytest

import wirelib
from lib import mn
from lib.topo import Topology, netns_list, stop_process
from lib.wait import wait_until

NTP_UNIX = 2208988800
HA, MNA = "192.0.2.1", "192.0.2.10"
KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
FA_KEY = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
SPI, FA_SPI = 1000, 2000
SPEC = {
    "nodes": {"mn": {}, "ha": {}},
    "links": [{"name": "l", "a": {"node": "mn", "ifname": "eth0", "addrs": [MNA + "/24"]},
               "b": {"node": "ha", "ifname": "eth0", "addrs": [HA + "/24"]}}],
}


# ---------------------------------------------------------------- peers (run as scripts)

def _auth(alg, key, data):
    if alg == "hmac-md5":
        return hmac.new(key, data, hashlib.md5).digest()
    return hashlib.md5(key + data + key).digest()


def _check(data, off, cfg):
    """Verify a plain authentication extension at off with cfg's spi/key/alg."""
    spi = struct.unpack_from("!I", data, off + 2)[0]
    want = _auth(cfg["alg"], bytes.fromhex(cfg["key_hex"]), data[:off + 6])
    return spi == cfg["spi"] and hmac.compare_digest(want, data[off + 6:off + 2 + data[off + 1]])


def responder(cfg):
    """A home agent reduced to its authentication and replay decisions."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((cfg["bind"], 434))
    open(cfg["ready"], "w").close()
    key = bytes.fromhex(cfg["key_hex"])
    for _ in range(cfg.get("max_requests", 20)):
        data, peer = s.recvfrom(2048)
        _, flags, life, home, ha, coa, ident = struct.unpack_from("!BBH4s4s4sQ", data)
        rec = {"flags": flags, "lifetime": life, "ident": ident, "ext_types": [],
               "coa": str(ipaddress.IPv4Address(coa)), "mhae_ok": None, "mfae_ok": None}
        off = 24
        while off + 2 <= len(data):
            etype, elen = data[off], data[off + 1]
            rec["ext_types"].append(etype)
            if etype == 32:
                rec["mhae_ok"] = _check(data, off, cfg)
            elif etype == 33 and cfg.get("mfae"):
                rec["mfae_ok"] = _check(data, off, cfg["mfae"])
            elif etype == 131:
                rec["nai"] = data[off + 2:off + 2 + elen].decode()
            off += 2 + elen
        ha_sec = int(time.time()) + NTP_UNIX + cfg.get("skew", 0)
        rec["ha_sec"] = ha_sec
        code, rident = 0, ident
        if not rec["mhae_ok"]:
            code = 131
        elif abs((ident >> 32) - ha_sec) > cfg.get("tolerance", 7):
            code, rident = 133, (ha_sec << 32) | (ident & 0xFFFFFFFF)
        rec["code"], rec["reply_ident"] = code, rident
        with open(cfg["record"], "a") as f:
            f.write(json.dumps(rec) + "\n")
        if cfg.get("silent"):
            continue
        rep = struct.pack("!BBH4s4sQ", 3, code, min(life, cfg.get("max_lifetime", 600)), home,
                          ha, rident) + struct.pack("!BBI", 32, 20, cfg["spi"])
        auth = bytearray(_auth(cfg["alg"], key, rep))
        if cfg.get("bad_reply_auth"):
            auth[0] ^= 0x01
        s.sendto(rep + bytes(auth), peer)


def agent(cfg):
    """A mobility agent: answers one solicitation (or advertises unsolicited) on 224.0.0.1."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ifindex = socket.if_nametoindex(cfg["ifname"])
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 struct.pack("=4s4si", socket.inet_aton("224.0.0.2"), bytes(4), ifindex))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 struct.pack("=4s4si", bytes(4), bytes(4), ifindex))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    open(cfg["ready"], "w").close()
    adv = wirelib.agent_adv(**cfg["adv"])
    if cfg.get("unsolicited"):
        for _ in range(cfg.get("count", 50)):  # Periodic advertisements: 5 a second.
            s.sendto(adv, ("224.0.0.1", 0))
            time.sleep(0.2)
        return
    while True:
        pkt = s.recv(2048)
        ihl = (pkt[0] & 0x0F) * 4
        if pkt[ihl] != 10:
            continue
        rec = {"ttl": pkt[8], "dst": socket.inet_ntoa(pkt[16:20]), "type": pkt[ihl],
               "code": pkt[ihl + 1], "icmp": pkt[ihl:].hex()}
        with open(cfg["record"], "a") as f:
            f.write(json.dumps(rec) + "\n")
        s.sendto(adv, ("224.0.0.1", 0))
        return


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def topo():
    ours = f"pmt{os.getpid()}-"
    before = [n for n in netns_list() if n.startswith(ours)]
    with Topology(SPEC) as t:
        yield t
    assert [n for n in netns_list() if n.startswith(ours)] == before, "namespaces leaked"


def _peer(topo, tmp_path, kind, cfg):
    cfg = dict(cfg, ready=str(tmp_path / "ready"), record=str(tmp_path / "record.jsonl"))
    path = tmp_path / "peer.json"
    path.write_text(json.dumps(cfg))
    err = open(tmp_path / "peer.stderr", "w")
    proc = topo["ha"].popen(["/usr/bin/python3", __file__, kind, str(path)], stderr=err,
                            cwd=os.path.dirname(__file__))
    err.close()
    wait_until(lambda: os.path.exists(cfg["ready"]) or proc.poll() is not None, timeout=10,
               message=f"{kind} to start")
    assert proc.poll() is None, (tmp_path / "peer.stderr").read_text()
    return proc, cfg


def _records(cfg):
    if not os.path.exists(cfg["record"]):
        return []
    with open(cfg["record"]) as f:
        return [json.loads(line) for line in f]


@pytest.fixture
def peer(topo, tmp_path):
    """Start a peer (kind, config) in the ha node; stopped by PID afterwards."""
    procs = []

    def start(kind, cfg):
        proc, full = _peer(topo, tmp_path, kind, cfg)
        procs.append(proc)
        return full
    yield start
    for proc in procs:
        stop_process(proc)


def _ha_cfg(alg="hmac-md5", **kw):
    return dict(bind=HA, spi=SPI, key_hex=KEY.hex(), alg=alg, **kw)


def _mn(alg="hmac-md5", key=KEY, **kw):
    p = dict(home=MNA, ha=HA, coa=MNA, agent=HA, spi=SPI, key_hex=key.hex(), alg=alg,
             lifetime=900, timeout=1.0, retries=2)
    p.update(kw)
    return p


# ---------------------------------------------------------------- registration


@pytest.mark.parametrize("alg", ["hmac-md5", "keyed-md5"])
def test_register_accepted_and_reply_verified(topo, peer, alg):
    cfg = peer("responder", _ha_cfg(alg, max_lifetime=600))
    res = mn.run_in(topo["mn"], "register", _mn(alg))
    recs = _records(cfg)
    assert len(recs) == 1 and recs[0]["mhae_ok"] is True, recs
    assert recs[0]["ident"] == res["sent"][0] and recs[0]["lifetime"] == 900
    assert res["code"] == 0 and res["lifetime"] == 600  # Capped by the responder.
    assert res["mhae"] == "ok" and res["ident"] == res["sent"][0]
    # Identification is an NTP timestamp of now (RFC 5944 5.7).
    assert abs((res["sent"][0] >> 32) - (int(time.time()) + NTP_UNIX)) <= 2


@pytest.mark.parametrize("alg", ["hmac-md5", "keyed-md5"])
def test_wrong_key_gets_131(topo, peer, alg):
    cfg = peer("responder", _ha_cfg(alg))
    res = mn.run_in(topo["mn"], "register", _mn(alg, key=bytes(16)))
    assert [r["mhae_ok"] for r in _records(cfg)] == [False]
    assert res["code"] == 131
    assert res["mhae"] == "bad"  # The reply is keyed with the HA's key, not ours.


def test_algorithm_mismatch_gets_131(topo, peer):
    cfg = peer("responder", _ha_cfg("hmac-md5"))
    res = mn.run_in(topo["mn"], "register", _mn("keyed-md5"))
    assert [r["mhae_ok"] for r in _records(cfg)] == [False] and res["code"] == 131


@pytest.mark.parametrize("alg", ["hmac-md5", "keyed-md5"])
@pytest.mark.parametrize("skew", [3600, -86400])
def test_resync_after_133(topo, peer, alg, skew):
    cfg = peer("responder", _ha_cfg(alg, skew=skew, tolerance=7))
    res = mn.run_in(topo["mn"], "register", _mn(alg))
    recs = _records(cfg)
    assert [r["code"] for r in recs] == [133, 0], recs
    assert [r["code"] for r in res["replies"]] == [133, 0] and res["code"] == 0
    assert res["resynced"] and len(res["sent"]) == 2 and res["sent"][0] != res["sent"][1]
    # The 133 carried the HA's time high and our low 32 bits; the MN learned the offset.
    first = res["replies"][0]
    assert first["ident"] == recs[0]["reply_ident"]
    assert first["ident"] & 0xFFFFFFFF == res["sent"][0] & 0xFFFFFFFF
    assert abs(res["offset"] - skew) <= 2
    assert abs((res["sent"][1] >> 32) - recs[1]["ha_sec"]) <= 7


def test_133_with_bad_authenticator_is_not_trusted(topo, peer):
    cfg = peer("responder", _ha_cfg(skew=3600, bad_reply_auth=True))
    res = mn.run_in(topo["mn"], "register", _mn())
    assert res["code"] == 133 and res["mhae"] == "bad"
    assert not res["resynced"] and res["offset"] == 0 and len(res["sent"]) == 1
    assert len(_records(cfg)) == 1


def test_flags_nai_eds_and_mfae_on_the_wire(topo, peer):
    fa = {"spi": FA_SPI, "key_hex": FA_KEY.hex(), "alg": "keyed-md5"}
    cfg = peer("responder", _ha_cfg(mfae=fa))
    res = mn.run_in(topo["mn"], "register",
                    _mn(flags="SBDMGT", nai="mn1@example.org", eds=True, mfae=fa))
    (rec,) = _records(cfg)
    assert rec["flags"] == 0x80 | 0x40 | 0x20 | 0x10 | 0x08 | 0x02
    assert rec["ext_types"] == [131, 32, 130, 33]  # NAI, MHAE, EDS, MFAE (RFC 3024 3.3).
    assert rec["nai"] == "mn1@example.org"
    assert rec["mhae_ok"] is True and rec["mfae_ok"] is True
    assert res["code"] == 0 and res["mfae"] == "missing"  # The responder sent no MFAE.


def test_silent_agent_retransmits_with_new_identification(topo, peer):
    cfg = peer("responder", _ha_cfg(silent=True))
    start = time.monotonic()
    res = mn.run_in(topo["mn"], "register", _mn(timeout=0.2, retries=2, backoff=2.0))
    elapsed = time.monotonic() - start
    assert res["code"] is None and res["replies"] == []
    assert len(res["sent"]) == 3 and len(set(res["sent"])) == 3
    assert res["sent"] == sorted(res["sent"])
    wait_until(lambda: len(_records(cfg)) == 3, timeout=5, message="3 requests recorded")
    assert [r["ident"] for r in _records(cfg)] == res["sent"]
    assert 0.2 + 0.4 + 0.8 <= elapsed < 10


def test_deregistration_request(topo, peer):
    cfg = peer("responder", _ha_cfg())
    res = mn.run_in(topo["mn"], "register", _mn(request_lifetime=0))
    assert _records(cfg)[0]["lifetime"] == 0 and res["code"] == 0 and res["lifetime"] == 0


# ---------------------------------------------------------------- decoding (no namespace)


def _reply(*exts, code=0):
    return struct.pack("!BBH4s4sQ", 3, code, 60, socket.inet_aton(MNA), socket.inet_aton(HA),
                       (1 << 40) | 7) + b"".join(exts)


def test_parse_rrp_fields_and_extensions():
    mhae = struct.pack("!BBI", 32, 20, SPI)
    mhae += _auth("hmac-md5", KEY, _reply(b"\x83\x02ab", mhae))
    buf = _reply(b"\x83\x02ab", mhae)
    rep = mn.parse_rrp(buf)
    assert (rep["code"], rep["lifetime"], rep["home"], rep["ha"], rep["ident"]) == \
        (0, 60, MNA, HA, (1 << 40) | 7)
    assert [(e["type"], e["offset"], e["length"]) for e in rep["exts"]] == [(131, 20, 4),
                                                                           (32, 24, 22)]
    assert mn.verify_auth(buf, rep["exts"], 32, SPI, "hmac-md5", KEY) == "ok"
    assert mn.verify_auth(buf, rep["exts"], 32, SPI, "keyed-md5", KEY) == "bad"
    assert mn.verify_auth(buf, rep["exts"], 32, SPI + 1, "hmac-md5", KEY) == "spi-mismatch"
    assert mn.verify_auth(buf, rep["exts"], 33, SPI, "hmac-md5", KEY) == "missing"


@pytest.mark.parametrize("buf", [
    _reply()[:19],                                  # Header cut short.
    b"\x01" + _reply()[1:],                         # A request, not a reply.
    _reply(b"\x83\x05abc"),                         # Plain extension past the end.
    _reply(b"\x83"),                                # Extension header cut short.
    _reply(b"\x24\x01\x00\x09" + bytes(8)),         # Long form (36): 16-bit length past end.
    _reply(b"\x20\x02\x00\x00"),                    # MHAE too short for its SPI.
], ids=["short", "type", "ext-len", "ext-hdr", "long-len", "auth-spi"])
def test_parse_rrp_rejects_malformed(buf):
    with pytest.raises(mn.WireError):
        mn.parse_rrp(buf)


def test_parse_adv_matches_independent_encoder():
    icmp = wirelib.agent_adv(routers=[("198.51.100.1", 5)], icmp_lifetime=1200, seq=300,
                             reg_lifetime=1800, flags=0x9500, coas=["198.51.100.1",
                                                                    "198.51.100.2"],
                             prefix_lengths=[24], pad=2)
    adv = mn.parse_adv(icmp)
    assert adv["checksum_ok"] and adv["routers"] == [["198.51.100.1", 5]]
    assert adv["icmp_lifetime"] == 1200 and adv["prefix_lengths"] == [24] and adv["pads"] == 2
    assert adv["mobility"] == {"seq": 300, "lifetime": 1800, "flags": 0x9500,
                               "flag_names": "RFGT", "coas": ["198.51.100.1", "198.51.100.2"]}
    corrupt = bytearray(icmp)
    corrupt[-3] ^= 0xFF
    assert not mn.parse_adv(bytes(corrupt))["checksum_ok"]
    for cut in (7, 16, len(icmp) - 4):
        with pytest.raises(mn.WireError):
            mn.parse_adv(icmp[:cut])


# ---------------------------------------------------------------- agent discovery


ADV = {"routers": [[HA, 0]], "seq": 257, "reg_lifetime": 600, "flags": 0x9100,
       "coas": [HA], "prefix_lengths": [24]}


def test_solicitation_then_advertisement(topo, peer):
    cfg = peer("agent", {"ifname": "eth0", "adv": ADV})
    res = mn.run_in(topo["mn"], "discover", {"ifname": "eth0", "timeout": 5})
    (rec,) = _records(cfg)
    assert rec["ttl"] == 1 and rec["dst"] == "224.0.0.2" and (rec["type"], rec["code"]) == (10, 0)
    assert wirelib.inet_checksum(bytes.fromhex(rec["icmp"])) == 0
    assert res["solicitations"] == 1 and len(res["adverts"]) == 1
    got = res["adverts"][0]
    assert got["src"] == HA and got["dst"] == "224.0.0.1"
    assert got["adv"]["mobility"] == {"seq": 257, "lifetime": 600, "flags": 0x9100,
                                      "flag_names": "RFT", "coas": [HA]}
    assert got["adv"]["routers"] == [[HA, 0]] and got["adv"]["checksum_ok"]


def test_listen_for_unsolicited_advertisements(topo, peer):
    peer("agent", {"ifname": "eth0", "adv": ADV, "unsolicited": True})
    res = mn.run_in(topo["mn"], "discover",
                    {"ifname": "eth0", "solicit": False, "count": 2, "timeout": 5})
    assert res["solicitations"] == 0 and len(res["adverts"]) == 2
    assert all(a["adv"]["mobility"]["seq"] == 257 for a in res["adverts"])


if __name__ == "__main__":
    with open(sys.argv[2]) as cfg_file:
        {"responder": responder, "agent": agent}[sys.argv[1]](json.load(cfg_file))
