#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""End-to-end tests of the tunnel-userspace plugin between two namespaces.

Topology (built per test with lib.topo, torn down even when a test fails):

    ns a: lo 198.51.100.1/32          ns b: lo 203.0.113.1/32
          va 192.0.2.1/24 ------veth------ vb 192.0.2.2/24

Each namespace runs tests/tools/tun-driver, which loads the plugin through
plugin_load() and applies one tunnel op per stdin line. Packets between the
two loopback addresses only reach the other side through the tunnel, and
a tcpdump capture on va, decoded by tshark, shows the outer headers. ARP
frames are built and checked with scapy. Expected values come from the test
itself, never from pmipd code.

Needs root, tcpdump, tshark, ping (iputils-ping) and python3-scapy.
"""
import os
import select
import socket
import subprocess

import pytest

from lib.topo import Topology
from lib.wait import wait_until

A_OUT, B_OUT = "192.0.2.1", "192.0.2.2"
A_IN, B_IN = "198.51.100.1", "203.0.113.1"
CMD_TIMEOUT = 10
_seq = iter(range(1, 1000))



@pytest.fixture(autouse=True)
def needs_root():
    """Namespaces need root; without it the tests fail, they never skip."""
    assert os.geteuid() == 0, "the tunnel tests need root for network namespaces"


def sh(*argv, check=True, timeout=20):
    res = subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                         timeout=timeout)
    if check and res.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, argv))}: {res.stderr.strip()}")
    return res


class Driver:
    """A tun-driver process in namespace ns, spoken to one line at a time."""

    def __init__(self, exe, ns, plugin_dir, workdir):
        self.ns = ns
        self.err = open(os.path.join(workdir, f"driver-{ns}.log"), "w+")
        env = dict(os.environ, PMIP_PLUGIN_DIR=str(plugin_dir))
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, str(exe)], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, bufsize=1)

    def wait_ready(self):
        assert self._line().startswith("ready "), self.log()

    def log(self):
        self.err.seek(0)
        return self.err.read()[-3000:]

    def _line(self):
        ready, _, _ = select.select([self.proc.stdout], [], [], CMD_TIMEOUT)
        assert ready, f"driver in {self.ns} did not answer: {self.log()}"
        line = self.proc.stdout.readline()
        assert line, f"driver in {self.ns} exited: {self.log()}"
        return line.strip()

    def cmd(self, line):
        """Send one command; return the answer text after "ok", or raise."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        ans = self._line()
        assert ans.startswith("ok"), f"{line!r} -> {ans!r}"
        return ans[2:].strip()

    def try_cmd(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self._line()

    def stats(self, tid):
        return {k: int(v) for k, v in (f.split("=") for f in self.cmd(f"stats {tid}").split())}

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)
        self.err.close()
        return self.proc.returncode


class Pair:
    """Two namespaces (lib.topo) joined by a veth pair, each with a driver."""

    def __init__(self, build_dir, plugin_dir):
        spec = {"nodes": {"a": {"forward": True}, "b": {"forward": True}}, "links": [
            {"a": {"node": "a", "ifname": "va", "addrs": [A_OUT + "/24"]},
             "b": {"node": "b", "ifname": "vb", "addrs": [B_OUT + "/24"]}}]}
        self.topo = Topology(spec, prefix="tu")
        self.drivers = []
        try:
            self.topo.build()
            self._start(build_dir, plugin_dir)
        except BaseException:
            self.close()
            raise

    def _start(self, build_dir, plugin_dir):
        self.a, self.b = self.topo["a"].ns, self.topo["b"].ns
        self.workdir = self.topo.workdir
        self.topo["a"].ip("addr", "add", A_IN + "/32", "dev", "lo")
        self.topo["b"].ip("addr", "add", B_IN + "/32", "dev", "lo")
        exe = build_dir / "tests" / "tools" / "tun-driver"
        assert exe.is_file(), f"{exe} is missing: build the tree first"
        for ns in (self.a, self.b):
            self.drivers.append(Driver(exe, ns, plugin_dir, self.workdir))
            self.drivers[-1].wait_ready()
        self.da, self.db = self.drivers

    def mac(self, ns, dev):
        return sh("ip", "netns", "exec", ns, "cat", f"/sys/class/net/{dev}/address").stdout.strip()

    def ping(self, count=3, extra=()):
        res = sh("ip", "netns", "exec", self.a, "ping", "-n", "-c", count, "-i", "0.2", "-W", "1",
                 "-I", A_IN, *extra, B_IN, check=False, timeout=30)
        for line in res.stdout.splitlines():
            if "received" in line:
                return int(line.split(",")[1].split()[0])
        return 0

    def capture(self, ns, dev, bpf=()):
        """Start a capture (lib.topo.Capture) on ns/dev once tcpdump listens."""
        node = self.topo["a"] if ns == self.a else self.topo["b"]
        return node.capture(dev, duration=60, bpf=" ".join(bpf) or None,
                            name=f"cap-{ns}-{dev}-{next(_seq)}.pcap")

    def stop_capture(self, cap):
        """Stop a capture once its file stopped growing; return the file."""
        sizes = []

        def settled():
            sizes.append(os.path.getsize(cap.path))
            return len(sizes) >= 3 and sizes[-1] == sizes[-3]

        wait_until(settled, timeout=5, interval=0.2)
        return cap.stop()

    def close(self):
        for d in self.drivers:
            d.stop()
        self.topo.teardown()


def tshark(path, display_filter, fields):
    args = ["tshark", "-n", "-r", path, "-Y", display_filter, "-T", "fields",
            "-E", "separator=|", "-E", "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    res = sh(*args, timeout=60)
    return [line.split("|") for line in res.stdout.splitlines() if line]


@pytest.fixture
def pair(build_dir, plugin_dir):
    p = Pair(build_dir, plugin_dir)
    try:
        yield p
    finally:
        p.close()


def tunnels(pair, encap, extra=""):
    ta = pair.da.cmd(f"tunnel-add {A_OUT} {B_OUT} {encap} {extra}".strip())
    tb = pair.db.cmd(f"tunnel-add {B_OUT} {A_OUT} {encap} {extra}".strip())
    pair.da.cmd(f"route-add {B_IN}/32 tunnel {ta}")
    pair.db.cmd(f"route-add {A_IN}/32 tunnel {tb}")
    return ta, tb


def test_ipip_both_ways(pair):
    ta, tb = tunnels(pair, "ipip", "ttl 9")
    cap = pair.capture(pair.a, "va")
    # TOS 0x20 and DF set on the inner packets: both must show on the outer header.
    assert pair.ping(count=3, extra=("-Q", "0x20", "-M", "do")) == 3
    path = pair.stop_capture(cap)
    rows = tshark(path, "ip.proto == 4",
                  ["ip.src", "ip.dst", "ip.ttl", "ip.dsfield", "ip.flags.df", "icmp.type"])
    out = [r for r in rows if r[0].startswith(f"{A_OUT},{A_IN}")]
    back = [r for r in rows if r[0].startswith(f"{B_OUT},{B_IN}")]
    assert len(out) >= 3 and len(back) >= 3, rows
    for r in out:
        assert r[1] == f"{B_OUT},{B_IN}"
        assert r[2].split(",")[0] == "9"  # the configured outer TTL
        assert r[3].split(",")[0] in ("0x20", "32"), r  # TOS copied
        assert r[4].split(",")[0] in ("1", "True"), r  # DF copied
        assert r[5] == "8"  # echo request inside
    assert all(r[5] == "0" and r[1] == f"{A_OUT},{A_IN}" for r in back)
    # Nothing crossed unencapsulated between the inner addresses.
    assert not tshark(path, f"ip.proto != 4 and ip.src == {A_IN}", ["ip.src"])
    sa, sb = pair.da.stats(ta), pair.db.stats(tb)
    assert sa["tx_packets"] >= 3 and sa["rx_packets"] >= 3, sa
    assert sb["tx_packets"] >= 3 and sb["rx_packets"] >= 3, sb
    # Outer bytes: a 84-byte echo plus a 20-byte outer header.
    assert sa["tx_bytes"] == 104 * sa["tx_packets"], sa
    assert sa["tx_errors"] == sa["rx_errors"] == 0


def test_gre_with_and_without_key(pair):
    ta, tb = tunnels(pair, "gre")
    cap = pair.capture(pair.a, "va")
    assert pair.ping(count=2) == 2
    path = pair.stop_capture(cap)
    rows = tshark(path, "gre", ["ip.src", "gre.flags.key", "gre.proto", "gre.flags.version"])
    assert len(rows) >= 4, rows
    assert all(r[1] in ("0", "False") and r[2] == "0x0800" and r[3] == "0" for r in rows), rows
    for d, t in ((pair.da, ta), (pair.db, tb)):
        d.cmd(f"tunnel-del {t}")

    ta, tb = tunnels(pair, "gre", "key 0x1234")
    cap = pair.capture(pair.a, "va")
    assert pair.ping(count=2) == 2
    path = pair.stop_capture(cap)
    rows = tshark(path, "gre", ["ip.src", "gre.key"])
    assert len(rows) >= 4 and all(r[1] == "0x00001234" for r in rows), rows

    # A key mismatch: b now expects another key, so a's packets find no tunnel there.
    pair.db.cmd(f"tunnel-del {tb}")
    tb = pair.db.cmd(f"tunnel-add {B_OUT} {A_OUT} gre key 99")
    pair.db.cmd(f"route-add {A_IN}/32 tunnel {tb}")
    before = pair.db.stats(0)["rx_errors"]
    assert pair.ping(count=2) == 0
    assert pair.db.stats(0)["rx_errors"] >= before + 2
    assert pair.db.stats(tb)["rx_packets"] == 0


def test_minimal_encapsulation(pair):
    ta, _ = tunnels(pair, "minimal")
    cap = pair.capture(pair.a, "va")
    assert pair.ping(count=2) == 2
    path = pair.stop_capture(cap)
    rows = tshark(path, "ip.proto == 55", ["ip.src", "ip.dst", "ip.len"])
    # Echo of 84 bytes + a 12-byte forwarding header (the source is carried).
    assert any(r[0] == A_OUT and r[1] == B_OUT and r[2] == "96" for r in rows), rows
    assert pair.da.stats(ta)["rx_packets"] >= 2


def test_delete_stops_traffic(pair):
    ta, _ = tunnels(pair, "ipip")
    assert pair.ping(count=1) == 1
    assert B_IN in sh("ip", "-n", pair.a, "route", "show", B_IN).stdout
    pair.da.cmd(f"tunnel-del {ta}")
    # The route into the tunnel went with it, and traffic stops.
    assert sh("ip", "-n", pair.a, "route", "show", B_IN).stdout.strip() == ""
    cap = pair.capture(pair.a, "va")
    assert pair.ping(count=3) == 0
    path = pair.stop_capture(cap)
    assert not tshark(path, f"ip.proto == 4 and ip.src == {A_OUT}", ["ip.src"])
    assert "err 2" in pair.da.try_cmd(f"stats {ta}")  # ENOENT: the tunnel is gone
    assert "err 2" in pair.da.try_cmd(f"tunnel-del {ta}")


SCAPY_SEND = r"""
import random, sys
from scapy.all import IP, GRE, Raw, send, conf
conf.verb = 0
src, dst = sys.argv[1], sys.argv[2]
inner = bytes(IP(src="203.0.113.1", dst="198.51.100.1") / Raw(b"x" * 8))
pkts = [
    IP(src=src, dst=dst, proto=4) / Raw(b"garbage"),                      # not IPv4 inside
    IP(src=src, dst=dst, proto=4) / Raw(inner[:30]),                      # truncated inner
    IP(src=src, dst=dst, proto=4) / Raw(inner[:10] + b"\0\0" + inner[12:]),  # bad checksum
    IP(src=src, dst=dst, proto=47) / Raw(b"\x00\x01\x08\x00" + inner),     # GRE version 1
    IP(src=src, dst=dst, proto=47) / Raw(b"\x00\x00\x86\xdd" + inner),     # GRE, not IPv4
    IP(src=src, dst=dst, proto=47) / Raw(b"\x20\x00\x08\x00\x00"),         # key cut short
]
random.seed(7)
for _ in range(300):
    pkts.append(IP(src=src, dst=dst, proto=random.choice([4, 47, 55])) /
                Raw(bytes(random.getrandbits(8) for _ in range(random.randint(0, 80)))))
send(pkts)
print(len(pkts))
"""


def test_malformed_dropped_and_counted(pair):
    ta, tb = tunnels(pair, "ipip")
    tg = pair.da.cmd(f"tunnel-add {A_OUT} {B_OUT} gre")
    tm = pair.da.cmd(f"tunnel-add {A_OUT} {B_OUT} minimal")
    before = pair.da.stats(0)
    res = sh("ip", "netns", "exec", pair.b, "/usr/bin/python3", "-c", SCAPY_SEND, B_OUT, A_OUT,
             timeout=120)
    sent = int(res.stdout.strip())
    errs = lambda: pair.da.stats(0)["rx_errors"] - before["rx_errors"]  # noqa: E731
    # Every packet was malformed: each is counted, none delivered. (A random
    # payload can only pass by forming a valid IPv4 header with its checksum.)
    wait_until(lambda: errs() >= sent - 3, timeout=15)
    after = pair.da.stats(0)
    assert after["rx_packets"] - before["rx_packets"] <= 3
    per_tunnel = sum(pair.da.stats(t)["rx_errors"] for t in (ta, tg, tm))
    assert per_tunnel >= sent - 3
    assert pair.da.stats(tg)["rx_errors"] >= 3  # the three bad GRE packets above
    # The driver (and its forwarding thread) survived and still forwards.
    assert pair.da.proc.poll() is None
    assert pair.ping(count=1) == 1


SCAPY_ARP = r"""
import sys
from scapy.all import ARP, Ether, srp, conf
conf.verb = 0
iface, target, hwsrc = sys.argv[1], sys.argv[2], sys.argv[3]
psrc = sys.argv[4]
ans, _ = srp(Ether(dst="ff:ff:ff:ff:ff:ff", src=hwsrc) /
             ARP(op=1, hwsrc=hwsrc, psrc=psrc, pdst=target), iface=iface, timeout=2, retry=1)
for _, r in ans:
    print(r[ARP].op, r[ARP].hwsrc, r[ARP].psrc, r[ARP].hwdst, r[ARP].pdst, r[Ether].dst)
"""


def arp_ask(pair, target, hwsrc=None, psrc=B_OUT):
    hwsrc = hwsrc or pair.mac(pair.b, "vb")
    res = sh("ip", "netns", "exec", pair.b, "/usr/bin/python3", "-c", SCAPY_ARP, "vb", target,
             hwsrc, psrc, timeout=60)
    return [line.split() for line in res.stdout.splitlines() if line]


def test_proxy_arp_kernel_entry(pair):
    ta, _ = tunnels(pair, "ipip")
    target = "192.0.2.77"
    va = pair.mac(pair.a, "va")
    pair.da.cmd(f"route-add {target}/32 tunnel {ta}")
    assert arp_ask(pair, target) == []  # no proxy entry yet: nobody answers
    pair.da.cmd(f"proxy-add va {target} - -")
    assert "proxy" in sh("ip", "-n", pair.a, "neigh", "show", "proxy").stdout
    replies = arp_ask(pair, target)
    assert replies and replies[0][:3] == ["2", va, target], replies
    assert "err 17" in pair.da.try_cmd(f"proxy-add va {target} - -")  # EEXIST
    pair.da.cmd(f"proxy-del va {target} -")
    assert target not in sh("ip", "-n", pair.a, "neigh", "show", "proxy").stdout
    assert arp_ask(pair, target) == []


def test_proxy_arp_every_address_sets_interface_flag(pair):
    path = "/proc/sys/net/ipv4/conf/va/proxy_arp"
    read = lambda: sh("ip", "netns", "exec", pair.a, "cat", path).stdout.strip()  # noqa: E731
    assert read() == "0"
    pair.da.cmd("proxy-add va 0.0.0.0 - -")
    assert read() == "1"
    pair.da.cmd("proxy-del va 0.0.0.0 -")
    assert read() == "0"


def test_proxy_arp_responder_filters_requester(pair):
    target, answer = "192.0.2.88", "02:00:5e:00:53:88"
    vb = pair.mac(pair.b, "vb")
    pair.da.cmd(f"proxy-add va {target} {vb} {answer}")
    replies = arp_ask(pair, target)
    assert replies, "the responder did not answer"
    op, hwsrc, psrc, hwdst, pdst, edst = replies[0]
    assert (op, hwsrc, psrc, hwdst, pdst, edst) == ("2", answer, target, vb, B_OUT, vb)
    # Another requester gets nothing.
    assert arp_ask(pair, target, hwsrc="02:00:5e:00:53:01") == []
    # Every address (except the requester's own) for this requester.
    pair.da.cmd(f"proxy-add va 0.0.0.0 {vb} {answer}")
    assert arp_ask(pair, "192.0.2.200")[0][1] == answer
    assert arp_ask(pair, B_OUT, psrc=B_OUT) == []
    pair.da.cmd(f"proxy-del va {target} {vb}")
    pair.da.cmd(f"proxy-del va 0.0.0.0 {vb}")
    assert arp_ask(pair, target) == []


def arp_replies(cap):
    """(sender address, sender MAC) of every ARP reply captured so far on an Ethernet link."""
    out = []
    for f in cap.packets():
        if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02":
            out.append((socket.inet_ntoa(f[28:32]), ":".join(f"{b:02x}" for b in f[22:28])))
    return out


def test_gratuitous_arp(pair):
    addr, mac = "192.0.2.50", "02:00:5e:00:53:50"
    other = "192.0.2.51"
    va = pair.mac(pair.a, "va")
    cap = pair.capture(pair.b, "vb", ["arp"])
    pair.da.cmd(f"garp va {addr} {mac} 3")
    # A series for a different address runs alongside, queued after the first one.
    pair.da.cmd(f"garp va {other} - 3")
    # A new announcement of the same address replaces the series still running for it.
    pair.da.cmd(f"garp va {addr} - 1")
    # The other series' repeats are due after any repeat of the replaced one would have
    # been: once its third reply is on the wire, a stale repeat would be too.
    wait_until(lambda: arp_replies(cap).count((other, va)) >= 3, timeout=8,
               message="three announcements of the other address")
    path = pair.stop_capture(cap)
    rows = tshark(path, f"arp.src.proto_ipv4 == {addr} or arp.src.proto_ipv4 == {other}",
                  ["frame.time_relative", "arp.opcode", "arp.src.hw_mac", "arp.dst.proto_ipv4",
                   "arp.dst.hw_mac", "eth.dst", "arp.src.proto_ipv4"])
    ours = [r for r in rows if r[6] == addr and r[2] == mac]
    own = [r for r in rows if r[6] == addr and r[2] == va]
    others = [r for r in rows if r[6] == other]
    assert len(ours) == 1 and len(own) == 1, rows  # the first series stopped after one
    assert len(others) == 3 and all(r[2] == va for r in others), rows
    for r in ours + own + others:
        assert r[1] == "2" and r[3] == r[6] and r[5] == "ff:ff:ff:ff:ff:ff", r
    assert ours[0][4] == mac
    gaps = [float(b[0]) - float(a[0]) for a, b in zip(others, others[1:])]
    assert all(0.8 < g < 1.5 for g in gaps), gaps


def test_proxy_del_cancels_gratuitous_arp(pair):
    addr, control = "192.0.2.52", "192.0.2.53"
    va = pair.mac(pair.a, "va")
    pair.da.cmd(f"proxy-add va {addr} - -")
    cap = pair.capture(pair.b, "vb", ["arp"])
    pair.da.cmd(f"garp va {addr} - 3")
    pair.da.cmd(f"garp va {control} - 2")
    pair.da.cmd(f"proxy-del va {addr} -")  # the address is no longer ours to announce
    wait_until(lambda: arp_replies(cap).count((control, va)) >= 2, timeout=8,
               message="both announcements of the control address")
    pair.stop_capture(cap)
    got = arp_replies(cap)
    assert got.count((addr, va)) == 1, got  # only the one sent before the delete


def test_member_routes_copy_to_every_tunnel(pair):
    assert pair.da.cmd("caps").split() == ["ipip", "gre", "minimal", "reverse", "multi-route"]
    ti = pair.da.cmd(f"tunnel-add {A_OUT} {B_OUT} ipip")
    tg = pair.da.cmd(f"tunnel-add {A_OUT} {B_OUT} gre")
    pair.db.cmd(f"route-add {A_IN}/32 tunnel " + pair.db.cmd(f"tunnel-add {B_OUT} {A_OUT} ipip"))
    pair.db.cmd(f"tunnel-add {B_OUT} {A_OUT} gre")
    pair.da.cmd(f"route-add {B_IN}/32 member {ti}")
    pair.da.cmd(f"route-add {B_IN}/32 member {tg}")
    assert "err 17" in pair.da.try_cmd(f"route-add {B_IN}/32 member {ti}")  # EEXIST
    assert "err 17" in pair.da.try_cmd(f"route-add {B_IN}/32 tunnel {ti}")  # not a member
    cap = pair.capture(pair.a, "va")
    sh("ip", "netns", "exec", pair.a, "ping", "-n", "-c", 3, "-i", "0.2", "-W", "1", "-I", A_IN,
       B_IN, check=False, timeout=30)
    path = pair.stop_capture(cap)
    echo = lambda proto: [r for r in tshark(  # noqa: E731
        path, f"ip.proto == {proto} and ip.src == {A_OUT} and icmp.type == 8",
        ["icmp.seq"])]
    # One copy of each echo request into each member's tunnel, no more.
    assert sorted(echo(4)) == sorted(echo(47)) and len(echo(4)) == 3, (echo(4), echo(47))
    assert pair.da.stats(ti)["tx_packets"] == pair.da.stats(tg)["tx_packets"] == 3
    # Deleting one member keeps the other (and the kernel route).
    pair.da.cmd(f"route-del {B_IN}/32 member {ti}")
    assert B_IN in sh("ip", "-n", pair.a, "route", "show", B_IN).stdout
    cap = pair.capture(pair.a, "va")
    assert pair.ping(count=2) == 2
    path = pair.stop_capture(cap)
    assert len(echo(47)) == 2 and echo(4) == [], (echo(4), echo(47))
    pair.da.cmd(f"route-del {B_IN}/32 member {tg}")
    assert sh("ip", "-n", pair.a, "route", "show", B_IN).stdout.strip() == ""


def test_reverse_tunnel(pair):
    ta = pair.da.cmd(f"tunnel-add {A_OUT} {B_OUT} ipip")
    tb = pair.db.cmd(f"tunnel-add {B_OUT} {A_OUT} ipip")
    pair.db.cmd(f"route-add {A_IN}/32 tunnel {tb}")
    assert pair.ping(count=1) == 0  # a has no route to b's inner address
    pair.da.cmd(f"reverse-add {A_IN} - {ta}")
    assert A_IN in sh("ip", "-n", pair.a, "rule").stdout
    cap = pair.capture(pair.a, "va")
    assert pair.ping(count=2) == 2  # everything from A_IN now enters the tunnel
    path = pair.stop_capture(cap)
    assert len(tshark(path, f"ip.proto == 4 and ip.src == {A_OUT}", ["ip.src"])) >= 2
    pair.da.cmd(f"tunnel-del {ta}")  # takes the reverse entry and its rule along
    assert A_IN not in sh("ip", "-n", pair.a, "rule").stdout
    assert "err 2" in pair.da.try_cmd(f"reverse-del {A_IN} -")


def test_link_route_and_neighbour(pair):
    addr, mac = "192.0.2.99", "02:00:5e:00:53:99"
    pair.da.cmd(f"route-add {addr}/32 link va {mac}")
    assert "dev va" in sh("ip", "-n", pair.a, "route", "show", addr).stdout
    neigh = sh("ip", "-n", pair.a, "neigh", "show", addr).stdout
    assert mac in neigh and "PERMANENT" in neigh, neigh
    assert "err 17" in pair.da.try_cmd(f"route-add {addr}/32 link va {mac}")
    pair.da.cmd(f"route-del {addr}/32 link")
    assert sh("ip", "-n", pair.a, "route", "show", addr).stdout.strip() == ""
    assert mac not in sh("ip", "-n", pair.a, "neigh", "show", addr).stdout
    assert "err 19" in pair.da.try_cmd(f"route-add {addr}/32 link nosuchif {mac}")
