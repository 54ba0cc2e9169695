#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The AAP protocol and the authoritative access point role (issue #5), in namespaces.

Topology (built per test, prefix "pmaap"):

    aap1 (198.51.100.11) --+                      +-- s1: ha1 192.0.2.2,   ap1 192.0.2.3
    aap2 (198.51.100.12) --+-- core bridge in rt -+-- s2: ha2 192.0.2.66,  ap2 192.0.2.67
                           (198.51.100.1)         +-- s3: ha3 192.0.2.130, ap3 192.0.2.131

rt routes between the core and three /26 subnets and forwards directed broadcasts
(bc_forwarding), so an AAP's liveness probe reaches the home agent of a remote subnet.
The AAPs are pmipd; the access points are tests/tools/aap-driver (the AAP client without
the proxy role), which prints every change of its installed map as a JSON line. The home
agents, when a test needs them, are real pmipd home agents. Messages a test forges are
built with struct and authenticated with hmac/hashlib here, never with pmipd's code.

Needs root; a missing build is a failure.
"""
import hashlib
import hmac
import json
import os
import queue
import socket
import struct
import subprocess
import threading
import time

import pytest

from lib.daemon import build_dir
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmaap"
KEY = bytes(range(0x40, 0x60))  # 32-byte group key
READY = r"running with"
AAP = {1: "198.51.100.11", 2: "198.51.100.12"}
SUBNETS = {1: ("192.0.2.0/26", "192.0.2.1", "192.0.2.2", "192.0.2.3"),
           2: ("192.0.2.64/26", "192.0.2.65", "192.0.2.66", "192.0.2.67"),
           3: ("192.0.2.128/26", "192.0.2.129", "192.0.2.130", "192.0.2.131")}


def spec():
    nodes = {"rt": {"forward": True, "bridges": {"core": {"addrs": ["198.51.100.1/24"]}}}}
    links = []
    for i, addr in AAP.items():
        nodes[f"aap{i}"] = {"gateway": "198.51.100.1"}
        links.append({"name": f"aap{i}", "a": {"node": f"aap{i}", "ifname": "eth0",
                                               "addrs": [f"{addr}/24"]},
                      "b": {"node": "rt", "ifname": f"c{i}", "bridge": "core"}})
    for i, (net, gw, ha, ap) in SUBNETS.items():
        nodes["rt"]["bridges"][f"s{i}"] = {"addrs": [f"{gw}/26"]}
        for role, addr in (("ha", ha), ("ap", ap)):
            nodes[f"{role}{i}"] = {"gateway": gw}
            links.append({"name": f"{role}{i}", "a": {"node": f"{role}{i}", "ifname": "eth0",
                                                      "addrs": [f"{addr}/26"]},
                          "b": {"node": "rt", "ifname": f"{role}{i}p", "bridge": f"s{i}"}})
    return {"nodes": nodes, "links": links}


@pytest.fixture
def topo():
    assert os.geteuid() == 0, "the AAP tests need root for network namespaces"
    drv = build_dir() / "tests" / "tools" / "aap-driver"
    assert os.access(drv, os.X_OK), f"{drv} is missing: build first"
    with Topology(spec(), prefix=PREFIX) as t:
        t["rt"].sysctl(**{"net.ipv4.conf.all.bc_forwarding": 1,
                          **{f"net.ipv4.conf.{d}.bc_forwarding": 1
                             for d in ("core", "s1", "s2", "s3")}})
        yield t


def aap_config(i, peers=(), **over):
    c = {"address": AAP[i], "group-key": KEY.hex(), "compare-interval": 1,
         "probe-timeout": 1, "probe-retries": 2}
    if peers:
        c["peer"] = [AAP[p] for p in peers]
    c.update(over)
    return {"pmip:pmip": {"global": {"log-level": "info"}, "aap": c}}


def start_aap(t, i, peers=()):
    return t.start_daemon(f"aap{i}", {"node": f"aap{i}", "config": aap_config(i, peers),
                                      "ready": READY,
                                      "args": ["-s", os.path.join(t.workdir, f"aap{i}.sock")]})


def start_ha(t, i):
    net, _, ha, _ = SUBNETS[i]
    cfg = {"pmip:pmip": {"global": {"log-level": "info"}, "interface": [{"name": "eth0"}],
                         "home-agent": {"home-network": [{"prefix": net, "address": ha,
                                                          "interface": "eth0"}]}}}
    return t.start_daemon(f"ha{i}", {"node": f"ha{i}", "config": cfg, "ready": READY,
                                     "args": ["-s", os.path.join(t.workdir, f"ha{i}.sock")]})


class Driver:
    """tests/tools/aap-driver in node ap<i>: an access point's AAP client."""

    def __init__(self, t, i, aaps, hello_ms=300, misses=3):
        self.name = f"ap{i}"
        self.proc = t[self.name].popen([build_dir() / "tests" / "tools" / "aap-driver"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.events = []
        self.maps = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self.send(f"key {KEY.hex()}", f"self {SUBNETS[i][3]}",
                  *[f"aap {AAP[a]}" for a in aaps], f"hello-ms {hello_ms}", f"misses {misses}",
                  "start")
        wait_until(lambda: self.find("started"), timeout=5, message=f"{self.name} to start")

    def _read(self):
        for line in self.proc.stdout:
            ev = json.loads(line)
            if ev.get("event") == "map":
                self.maps.put(ev)
            with self.lock:
                self.events.append(ev)

    def send(self, *lines):
        self.proc.stdin.write("".join(f"{ln}\n" for ln in lines))
        self.proc.stdin.flush()

    def find(self, event, **kv):
        with self.lock:
            return [e for e in self.events
                    if e.get("event") == event and all(e.get(k) == v for k, v in kv.items())]

    def report(self, i=None, ha=None):
        """Report subnet i with its home agent (or ha instead)."""
        net, _, h, _ = SUBNETS[i]
        self.send(f"report {ha or h} {net}")

    def dump(self):
        self.send("dump")
        return self.maps.get(timeout=5)

    def map(self):
        return self.dump()["map"]

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=5)


def full_map(**override):
    m = {net: ha for net, _, ha, _ in SUBNETS.values()}
    m.update(override)
    return m


def wait_map(drivers, want, timeout=15, what="every AP to install the map"):
    def ok():
        maps = {d.name: d.map() for d in drivers}
        return all(m == want for m in maps.values()) or print(maps)
    wait_until(ok, timeout=timeout, interval=0.2, message=f"{what} {want}")


def test_converge_failover_and_fallback(topo):
    """Every AP converges on one map; when the first AAP stops the APs that used it move
    to the second and updates still reach everyone; when it returns they move back."""
    t = topo
    start_aap(t, 1, peers=[2])
    start_aap(t, 2, peers=[1])
    aps = [Driver(t, 1, [1, 2]), Driver(t, 2, [1, 2]), Driver(t, 3, [2, 1])]
    for i, d in enumerate(aps, 1):
        d.report(i)
    wait_map(aps, full_map())
    assert [d.dump()["current"] for d in aps] == [0, 0, 0]

    t.daemons["aap1"].stop()
    for d in aps[:2]:
        wait_until(lambda d=d: d.find("failover", aap=AAP[2]), timeout=10,
                   message=f"{d.name} to fail over to aap2")
    # An update made after the failover (a new HA for s3, reported at aap2) reaches all.
    aps[2].report(3, ha="192.0.2.140")
    wait_map(aps, full_map(**{"192.0.2.128/26": "192.0.2.140"}))

    start_aap(t, 1, peers=[2])
    for d in aps[:2]:
        wait_until(lambda d=d: d.find("failover", idx=0), timeout=10,
                   message=f"{d.name} to fall back to aap1")
    aps[0].report(1, ha="192.0.2.10")  # an update at aap1 after the fall-back
    wait_map(aps, full_map(**{"192.0.2.128/26": "192.0.2.140", "192.0.2.0/26": "192.0.2.10"}))
    assert [d.dump()["current"] for d in aps] == [0, 0, 0]


def test_partition_and_reconcile(topo):
    """Two AAPs cut off from each other both take changes; after the partition heals they
    reconcile (digest, then the differing buckets) and every AP has both changes."""
    t = topo
    start_aap(t, 1, peers=[2])
    start_aap(t, 2, peers=[1])
    ap1, ap2 = Driver(t, 1, [1]), Driver(t, 2, [2])
    ap1.report(1)
    ap2.report(2)
    base = {SUBNETS[1][0]: SUBNETS[1][2], SUBNETS[2][0]: SUBNETS[2][2]}
    wait_map([ap1, ap2], base)

    # Partition: each AAP drops what it would send to the other.
    t["aap1"].ip("route", "add", "blackhole", AAP[2] + "/32")
    t["aap2"].ip("route", "add", "blackhole", AAP[1] + "/32")
    ap1.report(1, ha="192.0.2.11")
    ap2.report(2, ha="192.0.2.77")
    wait_map([ap1], {**base, "192.0.2.0/26": "192.0.2.11"}, what="ap1 to see only its side")
    wait_map([ap2], {**base, "192.0.2.64/26": "192.0.2.77"}, what="ap2 to see only its side")
    # Still partitioned after several compare intervals: no leak between the sides.
    mark = t.daemons["aap1"].mark()
    t.daemons["aap1"].wait_log(r"send to 198\.51\.100\.12 failed", timeout=10, since=mark)
    assert ap1.map()["192.0.2.64/26"] == SUBNETS[2][2]

    t["aap1"].ip("route", "del", "blackhole", AAP[2] + "/32")
    t["aap2"].ip("route", "del", "blackhole", AAP[1] + "/32")
    wait_map([ap1, ap2], {"192.0.2.0/26": "192.0.2.11", "192.0.2.64/26": "192.0.2.77"},
             what="both APs to have both sides' changes after the heal")


def test_probe_deletes_silent_ha_keeps_live_one(topo):
    """When no AP is left for a subnet, the AAP probes its HA at the subnet's directed
    broadcast address: the HA that answers (a real pmipd HA, code 131) keeps its entry,
    the stopped one loses it on every AP."""
    t = topo
    start_ha(t, 1)
    start_ha(t, 2)
    aap = start_aap(t, 1)
    ap1, ap2, ap3 = Driver(t, 1, [1]), Driver(t, 2, [1]), Driver(t, 3, [1])
    for i, d in enumerate((ap1, ap2, ap3), 1):
        d.report(i)
    wait_map([ap1, ap2, ap3], full_map())
    # The APs of s1 and s2 die silently; the HA of s2 stops too.
    ap1.kill()
    ap2.kill()
    t.daemons["ha2"].stop()
    wait_until(lambda: ap3.find("del", prefix="192.0.2.64/26"), timeout=40, interval=0.2,
               message=lambda: f"s2 to be deleted on ap3; aap log:\n{aap.tail()}")
    aap.wait_log(r"home agent 192\.0\.2\.66 of 192\.0\.2\.64/26 did not answer 2 probe",
                 timeout=5)
    aap.wait_log(r"home agent 192\.0\.2\.2 of 192\.0\.2\.0/26 answered the probe \(code 131\)",
                 timeout=10)
    assert aap.log_contains(r"probing home agent 192\.0\.2\.2 at 192\.0\.2\.63")
    # The answering HA keeps its entry (checked after the silent one's cycle ended).
    assert ap3.map() == {"192.0.2.0/26": "192.0.2.2", "192.0.2.128/26": "192.0.2.130"}
    assert not ap3.find("del", prefix="192.0.2.0/26")


# --------------------------------------------------------------------- forged messages

FORGE = r'''
import json, socket, sys, time
p = json.load(sys.stdin)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((p["src"], 0))
s.settimeout(1.0)
out = []
for hexmsg in p["send"]:
    s.sendto(bytes.fromhex(hexmsg), (p["dst"], 6500))
    got = []
    end = time.monotonic() + p["wait"]
    while time.monotonic() < end:
        try:
            got.append(s.recv(2048).hex())
        except socket.timeout:
            break
    out.append(got)
print(json.dumps(out))
'''


def seal(mtype, body, sender, seq, key=KEY, version=1, length=None):
    hdr = struct.pack("!BBHIQ", version, mtype, len(body) if length is None else length,
                      sender, seq)
    return hdr + body + hmac.new(key, hdr + body, hashlib.sha256).digest()


def hello(ha="0.0.0.0", prefix="0.0.0.0", plen=0, hold=15):
    return (socket.inet_aton(ha) + socket.inet_aton(prefix) + bytes([plen, 0])
            + struct.pack("!HIIIQ", hold, 0, 0, 0, 0))


def opened(dgram):
    """Check a reply's MAC with hmac and split it: (type, sender, body)."""
    hdr, body, mac = dgram[:16], dgram[16:-32], dgram[-32:]
    assert hmac.compare_digest(mac, hmac.new(KEY, hdr + body, hashlib.sha256).digest())
    version, mtype, blen, sender, _ = struct.unpack("!BBHIQ", hdr)
    assert version == 1 and blen == len(body)
    return mtype, sender, body


def test_forged_messages_dropped_and_counted(topo):
    """Unauthenticated, malformed, oversized and replayed datagrams are dropped, counted
    and answered with nothing; a correct HELLO built with hmac/hashlib is answered with a
    HELLO_ACK and the full table, both authenticated."""
    t = topo
    aap = start_aap(t, 1)
    me = struct.unpack("!I", socket.inet_aton(SUBNETS[1][3]))[0]
    now = int(time.time() * 1e6)
    good = seal(1, hello(), me, now)
    cases = [
        ("bad-mac", seal(1, hello(), me, now + 1, key=b"\x00" * 32)),
        ("truncated", good[:40]),
        ("oversized", good + bytes(1401 - len(good))),
        ("bad-version", seal(1, hello(), me, now + 2, version=2)),
        ("bad-length", seal(1, hello(), me, now + 3, length=31)),
        ("bad-body", seal(1, hello()[:31], me, now + 4)),
        ("bad-entry", seal(1, hello("192.0.2.2", "192.0.2.0", 16), me, now + 5)),
        ("outside-window", seal(1, hello(), me, now - 120 * 10**6)),
    ]
    msgs = [c[1].hex() for c in cases] + [good.hex(), good.hex()]  # the last is a replay
    res = t["ap1"].run(["/usr/bin/python3", "-c", FORGE], timeout=60,
                       input=json.dumps({"src": SUBNETS[1][3], "dst": AAP[1], "wait": 1.0,
                                         "send": msgs}))
    assert res.returncode == 0, res.stderr
    replies = json.loads(res.stdout)
    for (name, _), got in zip(cases, replies):
        assert got == [], f"{name} was answered"
        aap.wait_log(rf"dropped datagram from 192\.0\.2\.3: {name} \(\d+ dropped so far\)",
                     timeout=5)
    answer = [bytes.fromhex(h) for h in replies[len(cases)]]
    kinds = [opened(d) for d in answer]
    assert kinds[0][0] == 2 and kinds[0][1] == struct.unpack("!I", socket.inet_aton(AAP[1]))[0]
    assert any(k[0] == 3 and k[2][8] == 3 for k in kinds), "no FIRST|LAST MAP"  # empty table
    assert replies[-1] == [], "the replayed HELLO was answered"
    aap.wait_log(r"dropped datagram from 192\.0\.2\.3: replayed \((\d+) dropped so far\)",
                 timeout=5)
    m = aap.log_contains(r"replayed \((\d+) dropped so far\)")
    assert int(m.group(1)) == len(cases) + 1
