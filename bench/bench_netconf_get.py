#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: NETCONF <get> of the home agent state with many bindings.

Not a test (no pass/fail): it starts pmipd as a home agent with its NETCONF
server in namespaces of its own (tests/py/lib/netconf.py), fills it with N
mobility bindings (default 100 000) from a blaster that runs in the mobile
node's namespace and sends Registration Requests whose HMAC-MD5
authenticators are computed in Python (tests/py/wirelib.py, never pmipd's C
code), then times <get> of the home-agent state with ncclient and reports
the time, the size of the reply and the daemon's peak RSS (VmHWM).

  sudo /usr/bin/python3 bench/bench_netconf_get.py [-n 100000] [--json out.json]

Results are recorded in docs/netconf.md ("Scale").
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
MN_ADDR = "198.51.100.10"
KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
SPI = 1000
NS = "urn:pmipd:params:xml:ns:yang:pmip"


def home_address(i):
    """The i-th home address: 10.0.1.0 upwards (stays inside 10.0.0.0/14 up to ~260 000)."""
    return socket.inet_ntoa(struct.pack("!I", (10 << 24) + 256 + i))


def blast(n, window=64, timeout=10.0, rounds=5):
    """Register home addresses 0..n-1 with the HA (runs in the mn namespace).

    Keeps at most `window` requests outstanding; unanswered ones are sent
    again with a fresh identification, for at most `rounds` passes.
    Prints a JSON summary.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((MN_ADDR, 0))
    todo = list(range(n))
    accepted, denied = 0, {}
    t0 = time.monotonic()
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
                home = home_address(i)
                m = wirelib.rrq(flags=0, lifetime=3600, home=home, ha=HA_ADDR, coa=MN_ADDR,
                                ident=mn.ntp_now())
                m.auth("mhae", SPI, "hmac-md5", KEY)
                sock.sendto(m.bytes(), (HA_ADDR, wirelib.MIP_PORT))
                pending[home] = (i, time.monotonic())
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
            for home, (i, sent) in list(pending.items()):
                if now - sent > timeout:
                    missing.append(i)
                    pending.pop(home)
        todo = missing
        if not todo:
            break
    print(json.dumps({"accepted": accepted, "denied": denied, "unanswered": len(todo),
                      "seconds": round(time.monotonic() - t0, 2)}))


def vm(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class _BenchSite:
    """lib.netconf.NetconfSite whose home link gets HOME_NET addresses before pmipd
    starts: tests/py/lib/topo.py allows only documentation ranges, which are too
    small for 100 000 home addresses (the namespaces are ours alone)."""

    @staticmethod
    def make(**kw):
        from lib import topo as topo_mod
        from lib.netconf import NetconfSite

        class Site(NetconfSite):
            def __enter__(self):
                build = topo_mod.Topology.build

                def build_and_address(t):
                    build(t)
                    t["nc"].run(["ip", "addr", "add", HA_ADDR + "/14", "dev", "eth0"],
                                check=True)
                    t["cn"].run(["ip", "addr", "add", "10.3.255.254/14", "dev", "eth0"],
                                check=True)
                    t["mn"].run(["ip", "route", "add", HOME_NET, "via", "198.51.100.1"],
                                check=True)
                    return t

                topo_mod.Topology.build = build_and_address
                try:
                    return super().__enter__()
                finally:
                    topo_mod.Topology.build = build

        return Site(**kw)


def run(n, out):
    nodes = {"mn": {}, "cn": {}}
    links = [
        {"name": "home", "a": {"node": "nc", "ifname": "eth0", "addrs": ["192.0.2.1/24"]},
         "b": {"node": "cn", "ifname": "eth0", "addrs": ["192.0.2.2/24"]}},
        {"name": "away", "a": {"node": "nc", "ifname": "eth1", "addrs": ["198.51.100.1/24"]},
         "b": {"node": "mn", "ifname": "eth0", "addrs": [MN_ADDR + "/24"]}},
    ]
    config = {
        "global": {"log-level": "notice"},
        "interface": [{"name": "eth0"}, {"name": "eth1"}],
        "security-association": [{"name": "pool", "range-start": home_address(0),
                                  "range-end": home_address(n - 1), "spi": SPI,
                                  "key-hex": KEY.hex()}],
        "home-agent": {"home-network": [{"prefix": HOME_NET, "address": HA_ADDR,
                                         "interface": "eth0"}]},
    }
    result = {"bindings-requested": n, "machine": {
        "cpu": _cpu(), "cores": os.cpu_count(), "kernel": platform.release(),
        "python": platform.python_version()}}
    with _BenchSite.make(extra_config=config, extra_nodes=nodes, extra_links=links,
                         ns_prefix="pbn") as site:
        pid = site.daemon.pid
        result["rss-kb-before"] = vm(pid, "VmRSS")
        proc = site.topo["mn"].run(["/usr/bin/python3", __file__, "--blast", str(n)],
                                   timeout=3600)
        result["blast"] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["rss-kb-after-bindings"] = vm(pid, "VmRSS")
        result["hwm-kb-after-bindings"] = vm(pid, "VmHWM")
        with site.connect("admin", timeout=1800) as m:
            sel = ("subtree", f'<pmip xmlns="{NS}"><home-agent><state/></home-agent></pmip>')
            t0 = time.monotonic()
            reply = m.get(filter=sel)
            result["get-seconds"] = round(time.monotonic() - t0, 2)
            xml = reply.data_xml
            result["reply-bytes"] = len(xml)
            result["bindings-in-reply"] = xml.count("<binding>")
            t0 = time.monotonic()
            m.get_config(source="running")
            result["get-config-seconds"] = round(time.monotonic() - t0, 3)
        result["hwm-kb-after-get"] = vm(pid, "VmHWM")
        result["rss-kb-after-get"] = vm(pid, "VmRSS")
    print(json.dumps(result, indent=2))
    if out:
        pathlib.Path(out).write_text(json.dumps(result, indent=2) + "\n")


def _cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000, help="bindings (default 100000)")
    ap.add_argument("--json", help="also write the result here")
    ap.add_argument("--blast", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.blast:
        blast(args.blast)
    else:
        run(args.n, args.json)


if __name__ == "__main__":
    main()
