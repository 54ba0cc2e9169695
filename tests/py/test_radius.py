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
import select
import socket
import struct
import subprocess
import threading
import time

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
KEY4 = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"  # WiMAX MN-hHA-MIP4 key (20 bytes)
KEY5 = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"  # WiMAX RRQ-MN-HA key
SECRETS = [SECRET, PASSWORD, KEY1, KEY2, KEY3, KEY4, KEY5]

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

wimax@example.net Cleartext-Password := "{PASSWORD}"
	WiMAX-MN-hHA-MIP4-SPI = 4660,
	WiMAX-MN-hHA-MIP4-Key = 0x{KEY4},
	WiMAX-RRQ-MN-HA-SPI = 4661,
	WiMAX-RRQ-MN-HA-Key = 0x{KEY5}

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


def parse_output(stdout):
    """Driver stdout -> (lookups, last counters, last status, last dead list)."""
    lookups, counters, status, dead = [], {}, {}, []
    for line in stdout.splitlines():
        words = line.split()
        if not words:
            continue
        kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        if words[0] == "lookup":
            lookups.append(kv)
        elif words[0] == "counters":
            counters = {k: int(v) for k, v in kv.items()}
        elif words[0] == "status":
            status = {k: int(v) for k, v in kv.items()}
        elif words[0] == "dead":
            dead = [int(w) for w in words[1:]]
    return lookups, counters, status, dead


def assert_no_secrets(out):
    """Secrets and keys never appear, whatever happened."""
    for s in SECRETS:
        assert s not in out and s.upper() not in out, \
            "a secret or key leaked into the driver output"


def run_driver(tmp_path, cfg, ops, timeout=60):
    """Run the driver; return (lookups, counters, status, dead, full output)."""
    path = tmp_path / "radius.json"
    path.write_text(json.dumps(cfg))
    res = subprocess.run([str(driver_path()), str(YANG), str(path)] + ops,
                         capture_output=True, text=True, timeout=timeout)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    assert_no_secrets(out)
    return parse_output(res.stdout) + (out,)


class Driver:
    """The driver reading operations from stdin, so a test can act between them.

    stderr (the plugin's log) goes to a file, so a chatty log cannot block the pipe.
    """

    def __init__(self, tmp_path, cfg):
        path = tmp_path / "radius.json"
        path.write_text(json.dumps(cfg))
        self.err_path = tmp_path / "driver.err"
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen([str(driver_path()), str(YANG), str(path), "stdin"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err)
        self.out = b""

    def op(self, op, timeout=30):
        """Run one operation; return the lines it printed (bounded by @timeout)."""
        start = len(self.out)
        self.proc.stdin.write(op.encode() + b"\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while not self.out[start:].endswith(b"ready\n"):
            left = deadline - time.monotonic()
            assert left > 0, f"driver did not finish {op!r} in {timeout} s"
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk, f"driver exited during {op!r}: {self.text()}"
                self.out += chunk
        return self.out[start:].decode().splitlines()[:-1]

    def lookup(self, op):
        lines = self.op(op)
        found, _, _, _ = parse_output("\n".join(lines))
        assert len(found) == 1, lines
        return found[0]

    def report(self):
        return parse_output("\n".join(self.op("report")))[1:]

    def text(self):
        if not self.err.closed:
            self.err.flush()
        return self.out.decode(errors="replace") + self.err_path.read_text(errors="replace")

    def close(self):
        """End the driver (it prints a final report); return its whole output."""
        if self.proc.poll() is None:
            try:
                rest, _ = self.proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rest, _ = self.proc.communicate(timeout=10)
            self.out += rest or b""
        self.err.close()
        out = self.text()
        assert_no_secrets(out)
        assert self.proc.returncode == 0, out[-3000:]
        return out


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


def test_status_server_brings_first_server_back(tmp_path):
    """Stop server 1: fail over to 2; restart 1: Status-Server probes bring the client back.

    dead-time is an hour, so only a probe answer can revive server 1.
    """
    s1 = FreeRadius(USERS, secret=SECRET).start()
    s2 = FreeRadius(USERS, secret=SECRET).start()
    s1b = drv = None
    try:
        port1 = s1.auth_port
        cfg = config([(port1, SECRET, 300, 0), (s2.auth_port, SECRET, 2000, 1)],
                     **{"dead-time": 3600, "status-server-interval": 1,
                        "cache-lifetime": 0})
        drv = Driver(tmp_path, cfg)
        assert drv.lookup("nai:mn1@example.net")["result"] == "found"
        assert s1.log_text().count("Login OK") == 1
        cnt, st, dead = drv.report()
        assert cnt["probes"] == 0 and dead[:2] == [0, 0]

        s1.stop()
        # Server 1 is silent: one timeout, a failover, the answer from server 2.
        lk = drv.lookup("nai:mn1@example.net")
        assert lk["result"] == "found"
        assert lk["auth"] == hmac_md5(bytes.fromhex(KEY1), PROBE)
        assert s2.log_text().count("Login OK") == 1
        cnt, st, dead = drv.report()
        assert dead[:2] == [1, 0]
        assert cnt["timeouts"] == 1 and cnt["failovers"] == 1
        assert st["servers"] == 2 and st["servers-dead"] == 1 and st["servers-dead-mask"] == 1
        assert st["failovers"] == 1 and st["timeouts"] == 1

        # While it is dead, lookups go straight to server 2 (no new timeout).
        assert drv.lookup("nai:mn1@example.net")["result"] == "found"
        cnt, _, _ = drv.report()
        assert cnt["timeouts"] == 1 and cnt["requests"] == 4
        assert s2.log_text().count("Login OK") == 2
        # Probes to a stopped server revive nothing.
        lines = drv.op("wait-alive:0:1500")
        assert "alive server=0 ok=0" in lines[0], lines
        cnt, _, dead = drv.report()
        assert cnt["probes"] >= 1 and cnt["probe-answers"] == 0 and dead[0] == 1

        s1b = FreeRadius(USERS, secret=SECRET, auth_port=port1).start()
        lines = drv.op("wait-alive:0:10000")
        assert "alive server=0 ok=1" in lines[0], lines
        cnt, st, dead = drv.report()
        assert cnt["probe-answers"] == 1 and st["probe-answers"] == 1
        assert st["probes"] == cnt["probes"] and dead[:2] == [0, 0]
        assert st["servers-dead"] == 0
        log = s1b.log_text()
        assert "Received Status-Server" in log
        # The probe carried a Message-Authenticator (RFC 5997 requires one).
        probe_part = log[log.index("Received Status-Server"):]
        assert "Message-Authenticator" in probe_part.split("Sent Access-Accept")[0]

        # Back to server 1.
        assert drv.lookup("nai:mn1@example.net")["result"] == "found"
        assert s1b.log_text().count("Login OK") == 1
        assert s2.log_text().count("Login OK") == 2
        cnt, _, _ = drv.report()
        assert cnt["timeouts"] == 1 and cnt["failovers"] == 1
        out = drv.close()
        drv = None
        assert "back in service" in out
    finally:
        if drv is not None:
            drv.proc.kill()
            drv.proc.wait(10)
            drv.err.close()
        for srv in (s1, s2, s1b):
            if srv is not None:
                srv.stop()


def test_concurrent_lookups_share_one_request(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 1)])
    lookups, cnt, st, _, _ = run_driver(
        tmp_path, cfg, ["par:8:nai:mn1@example.net", "par:3:nai:stranger@example.net",
                        "par:2:nai:mn1@example.net:100"])
    assert len(lookups) == 13
    assert [lk["result"] for lk in lookups[:8]] == ["found"] * 8
    assert len({lk["auth"] for lk in lookups[:8]}) == 1
    assert lookups[0]["auth"] == hmac_md5(bytes.fromhex(KEY1), PROBE)
    assert [lk["result"] for lk in lookups[8:11]] == ["rejected"] * 3
    assert [lk["result"] for lk in lookups[11:]] == ["found"] * 2
    # One Access-Request for the 8 lookups of mn1, one for the 3 of stranger; the
    # last two were answered from the cache.
    assert cnt["requests"] == 2
    assert st["coalesced"] == 7 + 2 and st["cache-hits"] == 2
    assert st["lookups"] == 13 and st["found"] == 10 and st["rejected"] == 3
    log = radius.log_text()
    assert log.count("Login OK") == 1 and log.count("Login incorrect") == 1


def test_cache_keeps_most_recently_used(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 1)], **{"cache-max-entries": 2})
    lookups, cnt, st, _, _ = run_driver(
        tmp_path, cfg, ["nai:mn1@example.net", "nai:mn2@example.net",
                        "nai:mn1@example.net",        # cache hit: mn1 most recently used
                        "addr:192.0.2.77",            # evicts mn2, the least recently used
                        "nai:mn1@example.net",        # still cached
                        "nai:mn2@example.net"])       # evicted: asked again, evicts 192.0.2.77
    assert [lk["result"] for lk in lookups] == ["found"] * 6
    assert cnt["requests"] == 4
    assert st["cache-hits"] == 2 and st["cache-evictions"] == 2
    assert st["cache-entries"] == 2
    assert radius.log_text().count("Login OK") == 4


def test_status_counters_mirror_client(tmp_path):
    """ks_status carries the client's failure counters for the NETCONF/SNMP state."""
    hole = BlackHole()
    fake = FakeRadius("wrong-secret")
    fake.start()
    try:
        cfg = config([(hole.port, SECRET, 150, 1), (fake.port, SECRET, 150, 0)],
                     **{"status-server-interval": 0})
        lookups, cnt, st, dead, _ = run_driver(tmp_path, cfg, ["nai:mn1@example.net"])
    finally:
        fake.stop()
        hole.close()
    assert lookups[0]["result"] == "error"
    for name in ("requests", "retransmissions", "timeouts", "failovers",
                 "bad-authenticators"):
        assert st[name] == cnt[name], name
    assert cnt["requests"] == 2 and cnt["failovers"] == 1 and cnt["bad-authenticators"] == 1
    assert st["servers"] == 2 and st["servers-dead"] == 2 and st["servers-dead-mask"] == 3
    # Probes off: none sent to the dead servers.
    assert st["probes"] == 0 and dead[:2] == [1, 1]


def test_wimax_attributes(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 1)])
    lookups, cnt, _, _, out = run_driver(
        tmp_path, cfg, ["nai:wimax@example.net", "nai:wimax@example.net:1235",
                        "nai:wimax@example.net:999"])
    hha, rrq, none = lookups
    # MN-hHA-MIP4 first (SPI 4660 = 0x1234), then RRQ-MN-HA (4661); salted keys, HMAC-MD5.
    assert hha["result"] == "found" and hha["spi"] == "0x1234" and hha["alg"] == "hmac-md5"
    assert hha["auth"] == hmac_md5(bytes.fromhex(KEY4), PROBE)
    assert rrq["result"] == "found" and rrq["spi"] == "0x1235"
    assert rrq["auth"] == hmac_md5(bytes.fromhex(KEY5), PROBE)
    assert none["result"] == "not-found"
    assert cnt["requests"] == 1
    assert "(wimax)" in out


def test_cancelled_lookups_leave_the_shared_request_to_the_others(radius, tmp_path):
    cfg = config([(radius.auth_port, SECRET, 2000, 1)], **{"cache-lifetime": 0})
    lookups, cnt, st, _, _ = run_driver(
        tmp_path, cfg, ["cancel:4:1:nai:mn1@example.net", "cancel:3:2:nai:mn2@example.net"])
    assert [lk["result"] for lk in lookups] == (["cancelled"] + ["found"] * 3 +
                                                ["cancelled"] * 2 + ["found"])
    assert cnt["requests"] == 2 and cnt["pending"] == 0
    assert st["coalesced"] == 3 + 2 and st["found"] == 4


def test_cancelling_every_waiter_abandons_the_request(tmp_path):
    hole = BlackHole()
    try:
        cfg = config([(hole.port, SECRET, 60000, 0)])
        lookups, cnt, st, _, _ = run_driver(tmp_path, cfg, ["cancel:3:3:nai:mn1@example.net"])
        got = hole.drain()
    finally:
        hole.close()
    assert [lk["result"] for lk in lookups] == ["cancelled"] * 3
    # One request went out; cancelling its last waiter removed it from the client
    # (pending 0) instead of leaving it to time out.
    assert len(got) == 1
    assert cnt["requests"] == 1 and cnt["pending"] == 0 and cnt["timeouts"] == 0
    assert st["lookups"] == 3 and st["found"] + st["errors"] == 0


def test_completion_may_cancel_a_later_waiter(radius, tmp_path):
    """Waiters of one request are answered in arrival order; each answer here cancels
    the next lookup, which must then never complete (the driver aborts if it does)."""
    cfg = config([(radius.auth_port, SECRET, 2000, 1)])
    lookups, cnt, st, _, _ = run_driver(tmp_path, cfg, ["cancel-next:5:nai:mn1@example.net"])
    assert [lk["result"] for lk in lookups] == ["found", "cancelled", "found", "cancelled",
                                                "found"]
    assert cnt["requests"] == 1 and st["found"] == 3
