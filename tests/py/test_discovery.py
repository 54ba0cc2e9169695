#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Namespace tests of the discovery plugins: discovery-icmp, discovery-pcap, discovery-static.

Each plugin runs inside tests/tools/disc-driver, which loads it with
plugin_load(), configures it from a pmip.yang JSON config (the /pmip/proxy
container, as the daemon does) and prints every event as one JSON line.

Topology (namespaces prefixed "pmdsc", built per test with lib.topo):

      fa (pmipd FA)            agent (crafted advertisements)
      lan0 198.51.100.1        eth0 198.51.100.7, .8
           |                        |
      ap: br0 198.51.100.2/24 + 203.0.113.2/24 [up0, p1, wlan0]  <- disc-driver
                                          |
                                     client eth0 (02:00:00:00:00:50)

discovery-icmp listens on br0 (the bridge client-interface wlan0 is a port
of); discovery-pcap captures on wlan0. Expected values come from the test:
the FA's advertisements are decoded from a capture with lib.mn.parse_adv,
crafted advertisements and frames are built with wirelib and struct.
Needs root, tcpdump and ping.
"""
import json
import os
import struct
import subprocess
import sys
import threading
import time

import pytest

import wirelib
from lib import mn
from lib.daemon import SRC_DIR, build_dir
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmdsc"
YANG = SRC_DIR / "yang" / "pmip.yang"
TESTS_PY = SRC_DIR / "tests" / "py"
CLIENT_MAC = "02:00:00:00:00:50"
FA_ADDR, AP_ADDR, AGENT_A, AGENT_B = "198.51.100.1", "198.51.100.2", "198.51.100.7", "198.51.100.8"
F_R, F_B, F_H, F_F, F_G, F_T, F_X = 0x8000, 0x4000, 0x2000, 0x1000, 0x0400, 0x0100, 0x0040


@pytest.fixture(autouse=True)
def needs_root():
    """Namespaces need root; without it the tests fail, they never skip."""
    assert os.geteuid() == 0, "the discovery tests need root for network namespaces"


def spec():
    return {
        "nodes": {
            "fa": {},
            "agent": {},
            "ap": {"bridges": {"br0": {"addrs": [AP_ADDR + "/24", "203.0.113.2/24"]}}},
            "client": {"sysctls": {"net.ipv6.conf.all.disable_ipv6": 1,
                                   "net.ipv6.conf.default.disable_ipv6": 1}},
        },
        "links": [
            {"name": "lan", "a": {"node": "fa", "ifname": "lan0", "addrs": [FA_ADDR + "/24"]},
             "b": {"node": "ap", "ifname": "up0", "bridge": "br0"}},
            {"name": "agent", "a": {"node": "agent", "ifname": "eth0",
                                    "addrs": [AGENT_A + "/24", AGENT_B + "/24"]},
             "b": {"node": "ap", "ifname": "p1", "bridge": "br0"}},
            {"name": "air", "a": {"node": "client", "ifname": "eth0",
                                  "addrs": ["192.0.2.50/24"], "mac": CLIENT_MAC},
             "b": {"node": "ap", "ifname": "wlan0", "bridge": "br0"}},
        ],
    }


def fa_config(interval, lifetime):
    return {"pmip:pmip": {
        "interface": [{"name": "lan0"}],
        "foreign-agent": {
            "interface": [{"name": "lan0", "care-of-address": FA_ADDR,
                           "advertisement-interval": interval,
                           "advertisement-lifetime": lifetime}],
            "max-registration-lifetime": 900,
        },
    }}


def proxy_config(ifname="wlan0", **extra):
    proxy = {"client-interface": ifname, "idle-timeout": 30}
    proxy.update(extra)
    return {"pmip:pmip": {"interface": [{"name": ifname}], "proxy": proxy}}


class Driver:
    """A disc-driver process in a node; its JSON lines are collected by a reader thread."""

    _n = 0

    def __init__(self, node, plugin, config):
        Driver._n += 1
        self.node = node
        self.cfg_dir = node.topo.workdir
        self.cfg = self.write_config(config)
        self.err_path = os.path.join(self.cfg_dir, f"disc-driver-{Driver._n}.log")
        self.err = open(self.err_path, "w")
        exe = build_dir() / "tests" / "tools" / "disc-driver"
        assert os.access(exe, os.X_OK), f"{exe} is missing: build first"
        env = dict(os.environ, PMIP_PLUGIN_DIR=str(build_dir() / "plugins"))
        self.proc = node.popen([exe, plugin, YANG, self.cfg], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=self.err, text=True, bufsize=1,
                               env=env)
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()
        ready = wait_until(lambda: self._find(lambda l: "ready" in l or "error" in l),
                           timeout=10, message=self.log)
        assert "ready" in ready, f"driver failed: {ready} {self.log()}"

    def write_config(self, config):
        Driver._n += 1
        path = os.path.join(self.cfg_dir, f"disc-config-{Driver._n}.json")
        with open(path, "w") as f:
            json.dump(config, f)
        return path

    def _reader(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(json.loads(line))

    def _find(self, pred):
        with self.lock:
            return next((l for l in self.lines if pred(l)), None)

    def log(self):
        with open(self.err_path) as f:
            return f"driver stderr: {f.read()[-3000:]}\nlines: {self.lines[-20:]}"

    def events(self, kind=None, **match):
        """Events so far, optionally of one kind, whose agent/client fields equal match."""
        with self.lock:
            evs = [l for l in self.lines if "event" in l]
        out = []
        for e in evs:
            body = e.get("agent") or e.get("client")
            if (kind is None or e["event"] == kind) and \
                    all(body.get(k) == v for k, v in match.items()):
                out.append(e)
        return out

    def wait_event(self, kind, timeout=10, after=0, **match):
        """Wait for the first event of kind (with fields match) at index >= after."""
        def found():
            evs = self.events(kind, **match)
            with self.lock:
                idx = [self.lines.index(e) for e in evs]
            return next((e for e, i in zip(evs, idx) if i >= after), None)
        return wait_until(found, timeout=timeout,
                          message=lambda: f"no {kind} {match}: {self.log()}")

    def mark(self):
        with self.lock:
            return len(self.lines)

    def since(self, mark, kind=None):
        with self.lock:
            return [l for l in self.lines[mark:] if "event" in l and
                    (kind is None or l["event"] == kind)]

    def cmd(self, text):
        """Send a command; return its reply. Events queued before it are printed first."""
        start = self.mark()
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        word = text.split()[0]
        return wait_until(lambda: next((l for l in self.lines[start:]
                                        if l.get("reply") == word), None),
                          timeout=10, message=self.log)

    def sync(self):
        """A status round trip: every event the plugin had queued has been printed after it."""
        self.cmd("status")
        return self.cmd("status")


SENDER = r"""
import json, socket, struct, sys
sys.path.insert(0, sys.argv[1])
import wirelib
p = json.loads(sys.argv[2])
adv = wirelib.agent_adv(routers=[(p["src"], 0)], icmp_lifetime=p["life"], seq=p["seq"],
                        reg_lifetime=p["reg"], flags=p["flags"], coas=p["coas"],
                        prefix_lengths=p.get("plens"))
adv = bytearray(adv)
for off, val in p.get("poke", []):
    adv[off] = val
if p.get("truncate"):
    adv = adv[:p["truncate"]]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((p["src"], 0))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, p.get("ttl", 1))
s.sendto(bytes(adv), ("224.0.0.1", 0))
"""


def send_adv(node, src, seq, flags, coas=(), life=20, reg=1234, **kw):
    """Send one crafted agent advertisement from node (source src) to 224.0.0.1."""
    p = dict(src=src, seq=seq, flags=flags, coas=list(coas), life=life, reg=reg, **kw)
    node.run(["/usr/bin/python3", "-c", SENDER, TESTS_PY, json.dumps(p)], check=True)


FRAME_SENDER = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(bytes.fromhex(sys.argv[2]))
"""


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def eth_frame(src_mac, ethertype, payload, dst_mac="ff:ff:ff:ff:ff:ff"):
    return mac_bytes(dst_mac) + mac_bytes(src_mac) + struct.pack("!H", ethertype) + payload


def arp_request(src_mac, sender, target):
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac_bytes(src_mac) + \
        wirelib.ip4(sender) + bytes(6) + wirelib.ip4(target)
    return eth_frame(src_mac, 0x0806, body)


def send_frame(node, ifname, frame):
    node.run(["/usr/bin/python3", "-c", FRAME_SENDER, ifname, frame.hex()], check=True)


# ---------------------------------------------------------------- discovery-icmp


def test_icmp_real_fa_found_then_lost():
    """An FA's advertisements are reported exactly (checked against the wire); LOST after its lifetime."""
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9")
        fa = t.start_daemon("fa", {"node": "fa", "config": fa_config(1, 3),
                                   "ready": "foreign agent started"})
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        found = drv.wait_event("agent-found", addr=FA_ADDR)["agent"]
        wait_until(lambda: cap.packets(), timeout=5, message="no advertisement captured")
        wire = [mn.parse_adv(p[14 + 20:]) for p in cap.packets()
                if len(p) > 34 and p[26:30] == wirelib.ip4(FA_ADDR)]
        assert wire, "no FA advertisement in the capture"
        mob = wire[0]["mobility"]
        assert found["roles"] == ["fa"]
        assert found["flags"] == mob["flags"] and mob["flags"] & F_F
        assert found["max_lifetime"] == mob["lifetime"] == 900
        assert found["adv_lifetime"] == wire[0]["icmp_lifetime"] == 3
        assert found["coa"] == mob["coas"] == [FA_ADDR]
        assert found["ifname"] == "br0"
        assert found["mac"] == t["fa"].link("lan0")["address"]
        # Periodic advertisements with unchanged data are not reported again.
        wait_until(lambda: drv.sync()["rx"] >= 3, timeout=10, message=drv.log)
        assert len(drv.events("agent-found")) == 1
        stopped_ms = time.monotonic() * 1000  # the driver's ev_now_ms() is CLOCK_MONOTONIC too
        fa.stop()
        lost = drv.wait_event("agent-lost", timeout=10, addr=FA_ADDR)
        # Not before the 3 s lifetime of the last advertisement (sent at most ~1.25 s before).
        assert lost["t"] - stopped_ms >= 1500
        st = drv.sync()
        assert st["agents"] == 0 and st["rx_invalid"] == 0
        cap.stop()


def test_icmp_solicitation_on_start_elicits_advertisement():
    """The start solicitation (TTL 1, to 224.0.0.2) makes a quiet FA advertise at once."""
    with Topology(spec(), prefix=PREFIX) as t:
        cap = t["ap"].capture("br0", duration=60, bpf="icmp[0] == 9 or icmp[0] == 10")
        t.start_daemon("fa", {"node": "fa", "config": fa_config(1800, 9000),
                              "ready": "foreign agent started"})
        # The FA's first unsolicited advertisement leaves within a second; the next in ~30 min.
        wait_until(lambda: any(p[34] == 9 for p in cap.packets()), timeout=5,
                   message="first FA advertisement")
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        found = drv.wait_event("agent-found", timeout=5, addr=FA_ADDR)["agent"]
        assert found["seq"] == 1, "the reported advertisement is the solicited one"
        pkts = cap.packets()
        sols = [i for i, p in enumerate(pkts) if p[34] == 10]
        assert sols, "no solicitation captured"
        sol = pkts[sols[0]]
        assert sol[14 + 8] == 1, "solicitation TTL"
        assert sol[26:30] == wirelib.ip4(AP_ADDR) or sol[26:30] == wirelib.ip4("203.0.113.2")
        assert sol[30:34] == wirelib.ip4("224.0.0.2")
        assert sol[34:42] == wirelib.agent_sol()
        answers = [p for p in pkts[sols[0] + 1:] if p[34] == 9]
        assert answers and mn.parse_adv(answers[0][34:])["mobility"]["seq"] == 1
        st = drv.sync()
        assert st["tx"] == 1, "one solicitation: the answer ends the burst"
        # RFC 1256 spacing: a trigger within 3 s of the last solicitation is refused.
        drv.cmd("solicit br0")
        assert drv.cmd("solicit br0")["rc"] == -11  # -EAGAIN
        assert drv.sync()["tx"] <= 2
        assert drv.cmd("solicit nosuch0")["rc"] == -2  # -ENOENT
        cap.stop()


def test_icmp_crafted_advertisements():
    """Crafted advertisements: exact fields, changes, reboot, bad TTL, malformed, lifetime 0 and expiry."""
    with Topology(spec(), prefix=PREFIX) as t:
        ag = t["agent"]
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        coas = ["198.51.100.7", "198.51.100.70", "198.51.100.71"]
        flags = F_R | F_H | F_F | F_G | F_T | F_X
        send_adv(ag, AGENT_A, 300, flags, coas, life=20, reg=1234, plens=[24])
        a = drv.wait_event("agent-found", addr=AGENT_A)["agent"]
        assert a["roles"] == ["ha", "fa"] and a["flags"] == flags
        assert a["coa"] == coas and a["max_lifetime"] == 1234 and a["adv_lifetime"] == 20
        assert a["seq"] == 300 and a["prefix_len"] == 24 and a["ifname"] == "br0"
        assert a["mac"] == ag.link("eth0")["address"]
        # Same data, next sequence number: nothing to report.
        m = drv.mark()
        send_adv(ag, AGENT_A, 301, flags, coas, life=20, reg=1234, plens=[24])
        wait_until(lambda: drv.sync()["rx"] >= 2, timeout=5, message=drv.log)
        assert drv.since(m) == []
        # Changed flags and care-of addresses: FOUND again with the new data.
        send_adv(ag, AGENT_A, 302, F_F | F_B, coas[:1], life=20, reg=1234, plens=[24])
        a = drv.wait_event("agent-found", after=m, addr=AGENT_A)["agent"]
        assert a["roles"] == ["fa"] and a["flags"] == F_F | F_B and a["coa"] == coas[:1]
        # Sequence number back below 256: REBOOTED (data unchanged: no FOUND).
        m = drv.mark()
        send_adv(ag, AGENT_A, 0, F_F | F_B, coas[:1], life=20, reg=1234, plens=[24])
        r = drv.wait_event("agent-rebooted", after=m, addr=AGENT_A)["agent"]
        assert r["seq"] == 0
        drv.sync()
        assert [e["event"] for e in drv.since(m)] == ["agent-rebooted"]
        # IP TTL other than 1: counted, still processed.
        m = drv.mark()
        send_adv(ag, AGENT_A, 1, F_F, coas[:1], life=20, reg=1234, plens=[24], ttl=5)
        drv.wait_event("agent-found", after=m, addr=AGENT_A, flags=F_F)
        assert drv.sync()["rx_bad_ttl"] == 1
        # Malformed advertisements from AGENT_B: counted invalid, never reported.
        before = drv.sync()
        send_adv(ag, AGENT_B, 1, F_F, [AGENT_B], poke=[(2, 0), (3, 0)])   # checksum zeroed
        send_adv(ag, AGENT_B, 1, F_F, [], life=20)                         # F without CoA (checksum ok)
        send_adv(ag, AGENT_B, 1, F_F, [AGENT_B], truncate=18)              # cut inside extension
        wait_until(lambda: drv.sync()["rx_invalid"] >= before["rx_invalid"] + 3, timeout=5,
                   message=drv.log)
        assert drv.events(addr=AGENT_B) == []
        # Lifetime 0: the agent is going away.
        m = drv.mark()
        send_adv(ag, AGENT_A, 2, F_F, coas[:1], life=0)
        drv.wait_event("agent-lost", after=m, addr=AGENT_A)
        # Expiry: an advertisement with lifetime 2 s and no successor.
        m = drv.mark()
        send_adv(ag, AGENT_B, 7, F_H, [], life=2)
        f = drv.wait_event("agent-found", after=m, addr=AGENT_B)
        lost = drv.wait_event("agent-lost", after=m, timeout=8, addr=AGENT_B)
        assert lost["t"] - f["t"] >= 1900, "lost before its 2 s lifetime"
        assert drv.sync()["agents"] == 0
        # Reconfigured to listen on port p1 only: br0's agents are lost, p1's are found there.
        m = drv.mark()
        send_adv(ag, AGENT_A, 3, F_F, coas[:1], life=60)
        drv.wait_event("agent-found", after=m, addr=AGENT_A, ifname="br0")
        cfg = drv.write_config(proxy_config(**{"agent-discovery-interface": ["p1"]}))
        assert drv.cmd(f"configure {cfg}")["rc"] == 0
        drv.wait_event("agent-lost", after=m, addr=AGENT_A, ifname="br0")
        send_adv(ag, AGENT_A, 4, F_F, coas[:1], life=60)
        a = drv.wait_event("agent-found", after=m, addr=AGENT_A, ifname="p1")["agent"]
        assert a["ifindex"] == t["ap"].link("p1")["ifindex"]
        bad = drv.write_config(proxy_config(**{"agent-discovery-interface": ["nosuch0"]}))
        assert drv.cmd(f"configure {bad}")["rc"] == -1, "unknown interface refused"
        send_adv(ag, AGENT_A, 5, F_F | F_G, coas[:1], life=60)
        drv.wait_event("agent-found", after=m, addr=AGENT_A, ifname="p1", flags=F_F | F_G)


def test_icmp_solicitation_burst_limits():
    """Without an answer: 3 solicitations, about 3 s apart, then none until a new trigger."""
    with Topology(spec(), prefix=PREFIX) as t:
        drv = Driver(t["ap"], "discovery-icmp", proxy_config())
        times = {}

        def tx_reaches(n):
            st = drv.cmd("status")
            if st["tx"] >= n:
                times.setdefault(n, st["t"])
            return st["tx"] >= n
        wait_until(lambda: tx_reaches(1), timeout=5, message=drv.log)
        assert drv.cmd("solicit")["rc"] == -11, "a burst is running"
        wait_until(lambda: tx_reaches(2), timeout=10, message=drv.log)
        wait_until(lambda: tx_reaches(3), timeout=10, message=drv.log)
        assert times[2] - times[1] >= 2500 and times[3] - times[2] >= 2500
        # The burst is over: a new trigger is accepted once 3 s have passed, and it sends the
        # 4th solicitation (none was sent on its own in between).
        wait_until(lambda: drv.cmd("solicit")["rc"] == 0, timeout=10, interval=0.2,
                   message=drv.log)
        assert drv.sync()["tx"] == 4


# ---------------------------------------------------------------- discovery-pcap


def test_pcap_clients():
    """Visitor with gateway, address change, local client, DHCP, own MIP, no address, AP frames."""
    with Topology(spec(), prefix=PREFIX) as t:
        cl, ap = t["client"], t["ap"]
        cl.ip("route", "add", "default", "via", "192.0.2.1")
        drv = Driver(ap, "discovery-pcap", proxy_config())
        # A visitor: its ARP for its home gateway is seen on wlan0.
        cl.ping("192.0.2.1", deadline=1)
        c = drv.wait_event("client-seen", mac=CLIENT_MAC)["client"]
        assert c["addr"] == "192.0.2.50" and c["gateway"] == "192.0.2.1"
        assert c["on_link"] is False and c["ifname"] == "wlan0" and c["reason"] == "none"
        # Address change: SEEN again with the new address.
        m = drv.mark()
        cl.ip("addr", "flush", "dev", "eth0")
        cl.ip("addr", "add", "192.0.2.51/24", "dev", "eth0")
        cl.ip("route", "replace", "default", "via", "192.0.2.1")
        cl.ping("192.0.2.1", deadline=1)
        c = drv.wait_event("client-seen", after=m, mac=CLIENT_MAC, addr="192.0.2.51")["client"]
        assert c["gateway"] == "192.0.2.1" and c["on_link"] is False
        # Local: an address inside the AP's subnet, talking to the AP.
        m = drv.mark()
        cl.ip("addr", "flush", "dev", "eth0")
        cl.ip("addr", "add", "203.0.113.50/24", "dev", "eth0")
        assert cl.ping("203.0.113.2", deadline=5)
        c = drv.wait_event("client-seen", after=m, mac=CLIENT_MAC, addr="203.0.113.50")["client"]
        assert c["on_link"] is True and c["gateway"] is None
        # DHCP: a DISCOVER from another MAC, then ARP with an address: still ignored.
        dmac = "02:00:00:00:0d:01"
        disc = wirelib.udp4("0.0.0.0", "255.255.255.255", 68, 67, bytes(240))
        send_frame(cl, "eth0", eth_frame(dmac, 0x0800, disc))
        c = drv.wait_event("client-ignored", mac=dmac)["client"]
        assert c["reason"] == "dhcp"
        m = drv.mark()
        send_frame(cl, "eth0", arp_request(dmac, "192.0.2.77", "192.0.2.1"))
        wait_until(lambda: drv.sync()["rx"] >= 1, timeout=5)
        drv.sync()
        assert drv.since(m) == []
        # Own Mobile IP: an agent solicitation from a client.
        smac = "02:00:00:00:0d:02"
        sol = wirelib.icmp4("192.0.2.78", "224.0.0.2", wirelib.agent_sol(), ttl=1)
        send_frame(cl, "eth0", eth_frame(smac, 0x0800, sol, dst_mac="01:00:5e:00:00:02"))
        assert drv.wait_event("client-ignored", mac=smac)["client"]["reason"] == "own-mip"
        # UDP to port 434 from a client is its own Mobile IP too.
        umac = "02:00:00:00:0d:03"
        rrq = wirelib.udp4("192.0.2.79", "198.51.100.1", 434, 434, bytes(24))
        send_frame(cl, "eth0", eth_frame(umac, 0x0800, rrq))
        assert drv.wait_event("client-ignored", mac=umac)["client"]["reason"] == "own-mip"
        # No usable address: link-local source.
        lmac = "02:00:00:00:0d:04"
        send_frame(cl, "eth0", arp_request(lmac, "169.254.9.9", "169.254.1.1"))
        assert drv.wait_event("client-ignored", mac=lmac)["client"]["reason"] == "no-addr"
        # Frames the AP itself sends out of wlan0 are not client traffic.
        amac = "02:00:00:00:0e:01"
        m = drv.mark()
        send_frame(ap, "wlan0", arp_request(amac, "192.0.2.90", "192.0.2.1"))
        send_frame(cl, "eth0", arp_request("02:00:00:00:0d:05", "192.0.2.91", "192.0.2.1"))
        drv.wait_event("client-seen", after=m, mac="02:00:00:00:0d:05")
        drv.sync()
        assert drv.events(mac=amac) == []
        # Malformed frame: counted, no event.
        before = drv.sync()["rx_invalid"]
        bad = bytearray(eth_frame("02:00:00:00:0d:06", 0x0800,
                                  wirelib.icmp4("192.0.2.92", "192.0.2.1", b"\x08" + bytes(7))))
        bad[14 + 10] ^= 0xff  # IP header checksum
        send_frame(cl, "eth0", bytes(bad))
        wait_until(lambda: drv.sync()["rx_invalid"] == before + 1, timeout=5)
        assert drv.events(mac="02:00:00:00:0d:06") == []
        st = drv.sync()
        assert st["clients"] == 2 and st["ignored"] == 4


def test_pcap_idle_client_gone():
    """A client that stops sending is GONE after idle-timeout from its last frame."""
    with Topology(spec(), prefix=PREFIX) as t:
        cl = t["client"]
        cl.ip("route", "add", "default", "via", "192.0.2.1")
        drv = Driver(t["ap"], "discovery-pcap", proxy_config(**{"idle-timeout": 2}))
        cl.ping("192.0.2.1", deadline=1)
        drv.wait_event("client-seen", mac=CLIENT_MAC)
        gone = drv.wait_event("client-gone", timeout=20, mac=CLIENT_MAC)
        assert gone["client"]["addr"] == "192.0.2.50"
        assert gone["t"] - gone["client"]["seen_ms"] >= 2000, "gone before idle-timeout"
        st = drv.sync()
        assert st["clients"] == 0 and st["ignored"] == 0
        # It comes back: seen again.
        m = drv.mark()
        cl.ping("192.0.2.1", deadline=1)
        drv.wait_event("client-seen", after=m, mac=CLIENT_MAC)


def test_pcap_waits_for_missing_interface():
    """client-interface absent at start: start succeeds, capture begins when it appears."""
    with Topology(spec(), prefix=PREFIX) as t:
        ap = t["ap"]
        drv = Driver(ap, "discovery-pcap", proxy_config("late0"))
        ap.ip("link", "add", "late0", "type", "veth", "peer", "name", "late1")
        ap.ip("link", "set", "late0", "up")
        ap.ip("link", "set", "late1", "up")
        mac = "02:00:00:00:0d:09"

        def seen():
            send_frame(ap, "late1", arp_request(mac, "192.0.2.99", "192.0.2.1"))
            return drv.events("client-seen", mac=mac)
        wait_until(seen, timeout=10, interval=0.3, message=drv.log)
        # The interface vanishes: its clients are gone at once.
        ap.ip("link", "del", "late0")
        drv.wait_event("client-gone", timeout=5, mac=mac)


# ---------------------------------------------------------------- discovery-static


def test_static_agents_reported_changed_removed():
    with Topology({"nodes": {"ap": {}}, "links": []}, prefix=PREFIX) as t:
        base = {"client-interface": "lo", "static-agent": [
            {"address": "198.51.100.1", "role": ["foreign-agent"],
             "care-of-address": ["198.51.100.1", "198.51.100.9"], "max-lifetime": 600,
             "gre": True, "reverse-tunnel": True},
            {"address": "192.0.2.1", "role": ["home-agent"], "registration-required": False},
            {"address": "203.0.113.1", "role": ["home-agent", "foreign-agent"],
             "interface": "lo"},
        ]}
        cfg = {"pmip:pmip": {"interface": [{"name": "lo"}], "proxy": base}}
        drv = Driver(t["ap"], "discovery-static", cfg)
        fa = drv.wait_event("agent-found", addr="198.51.100.1")["agent"]
        assert fa["roles"] == ["fa"] and fa["flags"] == F_R | F_F | F_G | F_T
        assert fa["coa"] == ["198.51.100.1", "198.51.100.9"] and fa["max_lifetime"] == 600
        assert fa["adv_lifetime"] == 0 and fa["mac"] is None
        ha = drv.wait_event("agent-found", addr="192.0.2.1")["agent"]
        assert ha["roles"] == ["ha"] and ha["flags"] == F_H and ha["max_lifetime"] == 1800
        both = drv.wait_event("agent-found", addr="203.0.113.1")["agent"]
        assert both["roles"] == ["ha", "fa"] and both["coa"] == ["203.0.113.1"]
        assert both["ifname"] == "lo" and both["ifindex"] == 1
        st = drv.sync()
        assert st["agents"] == 3 and st["events"] == 3
        # Change one, remove one, keep one unchanged, add one.
        new = json.loads(json.dumps(cfg))
        agents = new["pmip:pmip"]["proxy"]["static-agent"]
        agents[0]["max-lifetime"] = 300
        del agents[1]
        agents.append({"address": "198.51.100.5", "role": ["foreign-agent"]})
        m = drv.mark()
        assert drv.cmd(f"configure {drv.write_config(new)}")["rc"] == 0
        drv.sync()
        got = sorted((e["event"], e["agent"]["addr"]) for e in drv.since(m))
        assert got == [("agent-found", "198.51.100.1"), ("agent-found", "198.51.100.5"),
                       ("agent-lost", "192.0.2.1")]
        assert drv.events("agent-found", addr="198.51.100.1")[-1]["agent"]["max_lifetime"] == 300
        # stop() then start(): everything is reported again, from a deferred call.
        m = drv.mark()
        drv.cmd("stop")
        assert drv.cmd("start")["rc"] == 0
        drv.sync()
        assert len(drv.since(m, "agent-found")) == 3


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
