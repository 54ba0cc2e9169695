#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""keystore-radius against a real FreeRADIUS 3.2 and against a small fake server.

The plugin runs inside tests/tools/radius-driver (plugin sources linked in),
configured through libyang from yang/pmip.yang (subtree /pmip:pmip/key-store/radius).
The driver prints, for each SA found, its authenticator over a fixed probe;
the expected value is computed here with hmac/hashlib from the key written
into the RADIUS users file, so the key itself is never printed. FreeRADIUS
is started by the test (fixtures/freeradius.py); a missing binary fails.
"""
import hashlib
import hmac
import json
import os
import pathlib
import socket
import struct
import subprocess
import threading

import pytest

from fixtures.freeradius import FreeRadius

ROOT = pathlib.Path(__file__).resolve().parents[2]
YANG = ROOT / "yang" / "pmip.yang"
PROBE = b"pmip-radius-driver-probe"
SECRET = "Rad1usSecr3t"
PASSWORD = "mn-shared-pw"
KEY1 = "00112233445566778899aabbccddeeff"
KEY2 = "Asc11KeyMd5"
KEY3 = "3gpp2-key-abcdef"
SECRETS = [SECRET, PASSWORD, KEY1, KEY2, KEY3]

USERS = f"""\
mn1@example.net Cleartext-Password := "{PASSWORD}"
	Framed-IP-Address = 192.0.2.10,
	Cisco-AVPair += "shell:priv-lvl=1",
	Cisco-AVPair += "mobileip:spi#0=spi 100 key hex {KEY1} algorithm hmac-md5 replay timestamp window 9"

mn2@example.net Cleartext-Password := "{PASSWORD}"
	Cisco-AVPair += "mobileip:spi#0=Replay Timestamp Within 3 Mode Prefix-Suffix ALGORITHM md5 key ascii {KEY2} spi 1A0"

192.0.2.77 Cleartext-Password := "{PASSWORD}"
	3GPP2-MN-HA-SPI = 1000,
	3GPP2-MN-HA-Shared-Key = "{KEY3}"

DEFAULT Auth-Type := Reject
	Reply-Message = "denied"
"""


def driver_path():
    build = pathlib.Path(os.environ.get("PMIP_BUILD_DIR", ROOT / "build"))
    exe = build / "tests" / "tools" / "radius-driver"
    assert exe.is_file(), f"{exe} is missing: build the tree first"
    return exe


def hmac_md5(key, data):
    return hmac.new(key, data, hashlib.md5).hexdigest()


def prefix_suffix_md5(key, data):
    return hashlib.md5(key + data + key).hexdigest()


def config(servers, **extra):
    radius = {"server": [
        {"name": f"s{i}", "address": "127.0.0.1", "port": port, "secret": secret,
         "timeout-ms": timeout_ms, "retries": retries}
        for i, (port, secret, timeout_ms, retries) in enumerate(servers)]}
    radius["user-password"] = PASSWORD
    radius.update(extra)
    return {"pmip:pmip": {"key-store": {"order": ["radius"], "radius": radius}}}


def run_driver(tmp_path, cfg, ops, timeout=60):
    """Run the driver; return (lookups, counters, status, dead, full output)."""
    path = tmp_path / "radius.json"
    path.write_text(json.dumps(cfg))
    res = subprocess.run([str(driver_path()), str(YANG), str(path)] + ops,
                         capture_output=True, text=True, timeout=timeout)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    lookups, counters, status, dead = [], {}, {}, []
    for line in res.stdout.splitlines():
        words = line.split()
        kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        if words[0] == "lookup":
            lookups.append(kv)
        elif words[0] == "counters":
            counters = {k: int(v) for k, v in kv.items()}
        elif words[0] == "status":
            status = {k: int(v) for k, v in kv.items()}
        elif words[0] == "dead":
            dead = [int(w) for w in words[1:]]
    # Secrets and keys never appear, whatever happened.
    for s in SECRETS:
        assert s not in out, "a secret or key leaked into the driver output"
    assert KEY1.upper() not in out
    return lookups, counters, status, dead, out


@pytest.fixture
def radius():
    with FreeRadius(USERS, secret=SECRET) as srv:
        yield srv


def test_accept_parses_both_algorithms(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 2)])
    lookups, cnt, st, _, _ = run_driver(
        tmp_path, cfg, ["nai:mn1@example.net", "nai:mn2@example.net", "addr:192.0.2.77",
                        "nai:mn1@example.net:100", "nai:mn1@example.net:999"])
    mn1, mn2, g, again, wrong_spi = lookups
    assert mn1["result"] == "found"
    assert mn1["spi"] == "0x100" and mn1["alg"] == "hmac-md5"
    assert mn1["replay"] == "timestamp" and mn1["tolerance"] == "9"
    assert mn1["peer"] == "nai" and mn1["source"] == "radius"
    assert mn1["auth"] == hmac_md5(bytes.fromhex(KEY1), PROBE)

    assert mn2["result"] == "found"
    assert mn2["spi"] == "0x1a0" and mn2["alg"] == "keyed-md5-prefix-suffix"
    assert mn2["tolerance"] == "3"
    assert mn2["auth"] == prefix_suffix_md5(KEY2.encode(), PROBE)

    # 3GPP2: SPI 1000 (decimal integer attribute), salted key, HMAC-MD5; by home address.
    assert g["result"] == "found"
    assert g["spi"] == hex(1000) and g["alg"] == "hmac-md5" and g["peer"] == "host"
    assert g["auth"] == hmac_md5(KEY3.encode(), PROBE)

    # The later lookups are answered from the cache: no new request.
    assert again["result"] == "found" and again["auth"] == mn1["auth"]
    assert wrong_spi["result"] == "not-found"
    assert cnt["requests"] == 3 and cnt["access-accepts"] == 3
    assert cnt["retransmissions"] == 0 and cnt["bad-authenticators"] == 0
    assert cnt["malformed"] == 0 and cnt["pending"] == 0
    assert st["lookups"] == 5 and st["found"] == 4 and st["not-found"] == 1
    assert st["cache-entries"] == 3
    # FreeRADIUS checked our Message-Authenticator and User-Password.
    log = radius.log_text()
    assert "Message-Authenticator" in log
    assert log.count("Login OK") == 3, log[-2000:]


def test_reject_and_negative_cache(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 2)])
    lookups, cnt, st, _, _ = run_driver(
        tmp_path, cfg, ["nai:stranger@example.net", "nai:stranger@example.net", "clear",
                        "nai:stranger@example.net"])
    assert [lk["result"] for lk in lookups] == ["rejected"] * 3
    assert "spi" not in lookups[0]
    # The second answer came from the negative cache, the third after clearing it.
    assert cnt["requests"] == 2 and cnt["access-rejects"] == 2
    assert st["rejected"] == 3 and st["cache-entries"] == 1


def test_reject_with_negative_cache_off(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 2)], **{"negative-cache-lifetime": 0})
    lookups, cnt, _, _, _ = run_driver(
        tmp_path, cfg, ["nai:stranger@example.net", "nai:stranger@example.net"])
    assert [lk["result"] for lk in lookups] == ["rejected"] * 2
    assert cnt["requests"] == 2


class BlackHole:
    """A bound UDP socket on loopback that records and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def drain(self):
        self.sock.settimeout(0.2)
        got = []
        for _ in range(100):
            try:
                got.append(self.sock.recv(4096))
            except socket.timeout:
                break
        return got

    def close(self):
        self.sock.close()


def test_failover_to_second_server(radius, tmp_path):
    hole = BlackHole()
    try:
        cfg = config([(hole.port, SECRET, 200, 2), (radius.auth_port, SECRET, 2000, 1)],
                     **{"dead-time": 60})
        lookups, cnt, _, dead, _ = run_driver(
            tmp_path, cfg, ["nai:mn1@example.net", "nai:mn2@example.net"])
        got = hole.drain()
    finally:
        hole.close()
    assert lookups[0]["result"] == "found"
    assert lookups[0]["auth"] == hmac_md5(bytes.fromhex(KEY1), PROBE)
    assert lookups[1]["result"] == "found"
    # First server: one request, two retransmissions, three timeouts, then a failover.
    # The second lookup skipped the dead first server.
    assert cnt["retransmissions"] == 2
    assert cnt["timeouts"] == 3
    assert cnt["failovers"] == 1
    assert cnt["requests"] == 3
    assert dead[:2] == [1, 0]
    # Retransmissions are byte-identical; Message-Authenticator is the first attribute.
    assert len(got) == 3 and got[0] == got[1] == got[2]
    assert got[0][0] == 1 and got[0][20] == 80 and got[0][21] == 18


def test_dead_server_recovers(radius, tmp_path):
    hole = BlackHole()
    try:
        cfg = config([(hole.port, SECRET, 150, 0), (radius.auth_port, SECRET, 2000, 1)],
                     **{"dead-time": 1, "cache-lifetime": 0})
        lookups, cnt, _, dead, _ = run_driver(
            tmp_path, cfg, ["nai:mn1@example.net", "nai:mn1@example.net", "sleep:1300",
                            "nai:mn1@example.net"])
    finally:
        hole.close()
    assert [lk["result"] for lk in lookups] == ["found"] * 3
    # Lookup 1 fails over; lookup 2 skips the dead server; after dead-time lookup 3
    # tries the first server again and fails over once more.
    assert cnt["failovers"] == 2
    assert cnt["timeouts"] == 2
    assert cnt["requests"] == 5


def test_all_servers_silent_is_an_error(tmp_path):
    holes = [BlackHole(), BlackHole()]
    try:
        cfg = config([(holes[0].port, SECRET, 100, 1), (holes[1].port, SECRET, 100, 1)])
        lookups, cnt, st, _, _ = run_driver(tmp_path, cfg, ["nai:mn1@example.net"])
    finally:
        for h in holes:
            h.close()
    assert lookups[0]["result"] == "error"
    assert cnt["failovers"] == 1 and cnt["timeouts"] == 4 and cnt["retransmissions"] == 2
    assert st["errors"] == 1 and cnt["pending"] == 0


class FakeRadius(threading.Thread):
    """Answers each Access-Request with an Access-Accept built here with hashlib/hmac.

    mode: "good" (correct), "wrong-secret" (signed with another secret),
    "no-msg-auth" (correct Response Authenticator, no Message-Authenticator),
    "bad-msg-auth" (Message-Authenticator garbage, Response Authenticator correct
    over it).
    """

    def __init__(self, mode, secret=SECRET):
        super().__init__(daemon=True)
        self.mode, self.secret = mode, secret.encode()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.answered = 0
        self.stopping = False

    def reply(self, req):
        code, ident = req[0], req[1]
        req_auth = req[4:20]
        avpair = f"mobileip:spi#0=spi 100 key hex {KEY1} algorithm hmac-md5".encode()
        vsa = struct.pack("!IBB", 9, 1, len(avpair) + 2) + avpair
        attrs = bytes([26, len(vsa) + 2]) + vsa
        if self.mode != "no-msg-auth":
            attrs += bytes([80, 18]) + bytes(16)
        length = 20 + len(attrs)
        key = self.secret if self.mode != "wrong-secret" else b"not-the-secret"
        pkt = bytearray(struct.pack("!BBH", 2, ident, length) + req_auth + attrs)
        if self.mode != "no-msg-auth":
            ma = hmac.new(key, bytes(pkt), hashlib.md5).digest()
            if self.mode == "bad-msg-auth":
                ma = bytes(b ^ 0x5a for b in ma)
            pkt[length - 16:length] = ma
        assert code == 1
        pkt[4:20] = hashlib.md5(bytes(pkt[:4]) + req_auth + bytes(pkt[20:]) + key).digest()
        return bytes(pkt)

    def run(self):
        for _ in range(100000):
            if self.stopping:
                break
            try:
                req, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            self.sock.sendto(self.reply(req), peer)
            self.answered += 1

    def stop(self):
        self.stopping = True
        self.join(5)
        self.sock.close()


@pytest.mark.parametrize("mode,counter", [("wrong-secret", "bad-authenticators"),
                                          ("bad-msg-auth", "bad-authenticators"),
                                          ("no-msg-auth", "malformed")])
def test_bad_responses_dropped(tmp_path, mode, counter):
    fake = FakeRadius(mode)
    fake.start()
    try:
        cfg = config([(fake.port, SECRET, 200, 1)])
        lookups, cnt, st, _, _ = run_driver(tmp_path, cfg, ["nai:mn1@example.net"])
    finally:
        fake.stop()
    assert fake.answered == 2
    assert lookups[0]["result"] == "error"
    assert cnt[counter] == 2
    assert cnt["access-accepts"] == 0
    assert st["found"] == 0 and st["errors"] == 1


def test_fake_server_good_response_accepted(tmp_path):
    """Control for the test above: the same fake server, correctly signed, is accepted."""
    fake = FakeRadius("good")
    fake.start()
    try:
        cfg = config([(fake.port, SECRET, 200, 1)])
        lookups, cnt, _, _, _ = run_driver(tmp_path, cfg, ["nai:mn1@example.net"])
    finally:
        fake.stop()
    assert lookups[0]["result"] == "found"
    assert lookups[0]["auth"] == hmac_md5(bytes.fromhex(KEY1), PROBE)
    assert cnt["access-accepts"] == 1 and cnt["bad-authenticators"] == 0
    assert cnt["malformed"] == 0
