#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Shared parts of the home-agent benchmarks (bench_ha_reg.py, bench_netconf_get.py,
bench_snmp.py). Not a test.

- The address plan: a home network 10.0.0.0/14 (room for ~260 000 home addresses; the
  namespaces are the benchmark's own, so it need not be a documentation range), the HA at
  10.0.0.1 on "eth0" of node "nc", a mobile node "mn" at 198.51.100.10 one hop away (the
  care-of address is co-located: the request comes straight from it).
- blast(): the registration blaster. It runs in the mobile node's namespace as
  "python3 bench/benchlib.py --blast N ..." (run_blast()), builds Registration Requests with
  tests/py/wirelib.py and authenticates them with Python's hmac (never pmipd's C code), keeps
  a window of requests outstanding and prints one JSON summary line.
- HaSite: a topology with pmipd as home agent in node "nc", for benchmarks without NETCONF.
"""
import argparse
import json
import os
import pathlib
import platform
import select
import socket
import struct
import sys
import time

SRC = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SRC / "tests" / "py"))

import wirelib  # noqa: E402
from lib import mn  # noqa: E402

HOME_NET = "10.0.0.0/14"
HA_ADDR = "10.0.0.1"
CN_ADDR = "10.3.255.254"
MN_ADDR = "198.51.100.10"
KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
SPI = 1000
MAX_N = 260000


def home_address(i):
    """The i-th home address: 10.0.1.0 upwards (stays inside 10.0.0.0/14 up to ~260 000)."""
    return socket.inet_ntoa(struct.pack("!I", (10 << 24) + 256 + i))


def nodes_and_links():
    """Extra nodes and links around node "nc" (the daemon): home link to "cn", "mn" away."""
    nodes = {"mn": {}, "cn": {}}
    links = [
        {"name": "home", "a": {"node": "nc", "ifname": "eth0", "addrs": ["192.0.2.1/24"]},
         "b": {"node": "cn", "ifname": "eth0", "addrs": ["192.0.2.2/24"]}},
        {"name": "away", "a": {"node": "nc", "ifname": "eth1", "addrs": ["198.51.100.1/24"]},
         "b": {"node": "mn", "ifname": "eth0", "addrs": [MN_ADDR + "/24"]}},
    ]
    return nodes, links


def ha_config(n, log_level="notice"):
    """pmip container entries of a home agent for home addresses 0..n-1 (one range SA)."""
    return {
        "global": {"log-level": log_level},
        "interface": [{"name": "eth0"}, {"name": "eth1"}],
        "security-association": [{"name": "pool", "range-start": home_address(0),
                                  "range-end": home_address(max(n, 1) - 1), "spi": SPI,
                                  "key-hex": KEY.hex()}],
        "home-agent": {"home-network": [{"prefix": HOME_NET, "address": HA_ADDR,
                                         "interface": "eth0"}]},
    }


def address_topology(t):
    """Give the built topology @t the HOME_NET addresses that lib/topo.py refuses (it allows
    documentation ranges only, too small for 100 000 home addresses)."""
    t["nc"].run(["ip", "addr", "add", HA_ADDR + "/14", "dev", "eth0"], check=True)
    t["cn"].run(["ip", "addr", "add", CN_ADDR + "/14", "dev", "eth0"], check=True)
    t["mn"].run(["ip", "route", "add", HOME_NET, "via", "198.51.100.1"], check=True)
    return t


class patched_build:
    """Within this context, lib.topo.Topology.build also runs address_topology()."""

    def __enter__(self):
        from lib import topo as topo_mod
        self.mod = topo_mod
        self.build = topo_mod.Topology.build
        build = self.build

        def build_and_address(t):
            build(t)
            return address_topology(t)

        topo_mod.Topology.build = build_and_address
        return self

    def __exit__(self, *exc):
        self.mod.Topology.build = self.build
        return False


class HaSite:
    """pmipd as home agent in node "nc" (plus "mn" and "cn"), no NETCONF. Context manager.

    extra_config: more pmip container entries (merged over ha_config(n)).
    prepare: called with the built topology before the daemon starts (to start fixtures
    such as an SNMP master); a dict it returns is merged into the configuration too.
    """

    def __init__(self, n, ns_prefix, extra_config=None, log_level="notice", args=(),
                 prepare=None):
        self.n, self.ns_prefix = n, ns_prefix
        self.config = ha_config(n, log_level)
        self.config.update(extra_config or {})
        self.args = list(args)
        self.prepare = prepare
        self.topo = self.daemon = None

    def __enter__(self):
        from lib.topo import Topology
        nodes, links = nodes_and_links()
        spec = {"nodes": {"nc": {}, **nodes}, "links": links}
        with patched_build():
            self.topo = Topology(spec, prefix=self.ns_prefix).build()
        try:
            if self.prepare is not None:
                self.config.update(self.prepare(self.topo) or {})
            self.daemon = self.topo.start_daemon("pmipd", {
                "node": "nc", "config": {"pmip:pmip": self.config}, "args": self.args,
                "ready": r"home agent started", "timeout": 20})
        except BaseException:
            self.topo.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.topo.teardown()
        return False


# ------------------------------------------------------------------ the blaster

def _request(i, lifetime):
    m = wirelib.rrq(flags=0, lifetime=lifetime, home=home_address(i), ha=HA_ADDR, coa=MN_ADDR,
                    ident=mn.ntp_now())
    m.auth("mhae", SPI, "hmac-md5", KEY)
    return m.bytes()


def blast(n, window=64, timeout=10.0, rounds=5, lifetime=3600, start=0, dry=False):
    """Register home addresses start..start+n-1 with the HA (run in the mn namespace).

    Keeps at most @window requests outstanding; unanswered ones are sent again with a fresh
    identification, for at most @rounds passes. @lifetime 0 deregisters. With @dry, only
    builds and authenticates the requests (the blaster's own cost). Returns a summary dict.
    """
    t0 = time.monotonic()
    if dry:
        for i in range(start, start + n):
            _request(i, lifetime)
        s = time.monotonic() - t0
        return {"built": n, "seconds": round(s, 3), "per-second": round(n / s) if s else None}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((MN_ADDR, 0))
    todo = list(range(start, start + n))
    accepted, denied, sent = 0, {}, 0
    for _ in range(rounds):
        pending = {}
        missing = []
        it = iter(todo)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                i = next(it, None)
                if i is None:
                    exhausted = True
                    break
                sock.sendto(_request(i, lifetime), (HA_ADDR, wirelib.MIP_PORT))
                sent += 1
                pending[home_address(i)] = (i, time.monotonic())
            if not pending:
                break
            r, _, _ = select.select([sock], [], [], 0.2)
            if r:
                while True:
                    try:
                        data = sock.recv(2048, socket.MSG_DONTWAIT)
                    except BlockingIOError:
                        break
                    try:
                        rep = mn.parse_rrp(data)
                    except mn.WireError:
                        continue
                    if rep["home"] not in pending:
                        continue
                    pending.pop(rep["home"])
                    if rep["code"] in (0, 1):
                        accepted += 1
                    else:
                        denied[rep["code"]] = denied.get(rep["code"], 0) + 1
            now = time.monotonic()
            for home, (i, t_sent) in list(pending.items()):
                if now - t_sent > timeout:
                    missing.append(i)
                    pending.pop(home)
        todo = missing
        if not todo:
            break
    s = time.monotonic() - t0
    return {"accepted": accepted, "denied": denied, "unanswered": len(todo), "sent": sent,
            "seconds": round(s, 2), "per-second": round(accepted / s) if s else None}


def run_blast(node, n, window=64, lifetime=3600, start=0, dry=False, timeout=7200):
    """Run blast() in topology node @node (a child process); return its summary dict."""
    argv = ["/usr/bin/python3", __file__, "--blast", str(n), "--window", str(window),
            "--lifetime", str(lifetime), "--start", str(start)] + (["--dry"] if dry else [])
    proc = node.run(argv, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"blaster failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ measurements

def vm(pid, field):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM), 0 when missing."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User and system CPU seconds of process @pid (all threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tck, int(fields[12]) / tck


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine():
    """A description of this machine for the results."""
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version()}


def main():
    ap = argparse.ArgumentParser(description="registration blaster (run in the mn namespace)")
    ap.add_argument("--blast", type=int, required=True)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--lifetime", type=int, default=3600)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--dry", action="store_true")
    a = ap.parse_args()
    print(json.dumps(blast(a.blast, window=a.window, lifetime=a.lifetime, start=a.start,
                           dry=a.dry)))


if __name__ == "__main__":
    main()
