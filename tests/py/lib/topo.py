# SPDX-License-Identifier: BSD-2-Clause
"""Network-namespace topologies declared as data, built and torn down with iproute2.

A topology is a dict (validated in full before anything is created):

    {
      "nodes": {                                  # one network namespace each, in order
        "cn": {"gateway": "192.0.2.1"},           # default route
        "r": {"forward": True,                    # net.ipv4.ip_forward=1
              "sysctls": {"net.ipv4.conf.all.rp_filter": 0},
              "routes": [{"dst": "203.0.113.0/24", "via": "198.51.100.2"}]},
        "ap": {"bridges": {"br0": {"addrs": ["198.51.100.3/24"]}}},
        "client": {"gateway": "198.51.100.1"},
      },
      "links": [                                  # veth pairs; an end may be a bridge port
        {"name": "core", "a": {"node": "cn", "ifname": "eth0", "addrs": ["192.0.2.2/24"]},
                         "b": {"node": "r", "ifname": "eth0", "addrs": ["192.0.2.1/24"]}},
        {"name": "air", "a": {"node": "client", "ifname": "eth0", "addrs": ["198.51.100.9/24"],
                              "mac": "02:00:00:00:00:09"},
                        "b": {"node": "ap", "ifname": "c0", "bridge": "br0"}},
      ],
      "daemons": {"ha": {"node": "r", "config": {...}, "ready": "regex", "args": []}},
    }

An end may also be written "node:ifname" when it needs nothing else. Route
dicts are "dst" plus iproute2 keywords in order ("via", "dev", "src", "metric";
a value of True stands for a bare keyword such as "onlink"). Addresses and
routes must lie in the documentation ranges 192.0.2.0/24, 198.51.100.0/24 and
203.0.113.0/24 (a route may also be "default").

Namespace names are PREFIX + PID + "-" + counter + "-" + node, so parallel runs
and several topologies in one run never collide. Veth pairs are created inside
their namespaces ("ip -n A link add X type veth peer name Y netns B"), so the
host namespace is never touched: no interface, route or sysctl of it changes.

Teardown stops the daemons, stops every process started with Node.popen (by
PID: SIGTERM, then SIGKILL after a grace period), kills by PID any process
still inside one of our namespaces (it can only be ours), and deletes exactly
the namespaces this topology created. It runs from the context manager's exit
(so also when the test fails), from atexit, and on SIGTERM/SIGHUP, which are
turned into SystemExit while a topology is alive.
"""
import atexit
import ipaddress
import itertools
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

from .wait import wait_until

DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                                "203.0.113.0/24")]
DEFAULT_PREFIX = "pmt"
IP_TIMEOUT = 15
_counter = itertools.count(1)
_live = set()
_handlers_installed = False


class TopologyError(RuntimeError):
    """A topology could not be built, changed or torn down."""


def in_doc_range(addr):
    """True when addr (an address, or an interface address with a prefix) is documentation."""
    ip = ipaddress.ip_interface(addr).ip
    return any(ip in net for net in DOC_NETS)


def stop_process(proc, grace=3.0):
    """Stop proc by its PID: SIGTERM, then SIGKILL after grace seconds; return its status.

    A Popen object is not reaped until waited for, so its PID cannot have
    been reused by an unrelated process when the signal is sent.
    """
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.returncode


def _ip(args, timeout=IP_TIMEOUT, check=True):
    res = subprocess.run(["ip"] + [str(a) for a in args], capture_output=True, text=True,
                         timeout=timeout)
    if check and res.returncode != 0:
        raise TopologyError(f"ip {' '.join(map(str, args))}: {res.stderr.strip()}")
    return res


def netns_list():
    """Names of all network namespaces known to iproute2."""
    return [line.split()[0] for line in _ip(["netns", "list"]).stdout.splitlines() if line]


def keep_live_workdirs():
    """Keep the work directories (daemon logs, configs, captures) of every live topology.

    Called by the pytest hook in conftest.py when a test fails: a topology built by a
    fixture is torn down after the failure without seeing the exception.
    """
    for topo in list(_live):
        if topo.workdir and not topo.keep_workdir:
            topo.keep_workdir = True
            print(f"topology: test failed, files kept in {topo.workdir}", file=sys.stderr)


def reap_stale(prefix=DEFAULT_PREFIX):
    """Delete namespaces named PREFIX<pid>-... whose creating process no longer exists.

    They are leftovers of a run that was killed with SIGKILL. Namespaces of
    live processes (including other parallel runs) are left alone. Returns the
    names deleted.
    """
    gone = []
    for ns in netns_list():
        m = re.fullmatch(re.escape(prefix) + r"(\d+)-\d+-.+", ns)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            _kill_netns_pids(ns)
            _ip(["netns", "del", ns], check=False)
            gone.append(ns)
    return gone


def _kill_netns_pids(ns):
    res = _ip(["netns", "pids", ns], check=False)
    for pid in res.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass


def _cleanup_all():
    for topo in list(_live):
        topo.teardown()


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_cleanup_all)
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) == signal.SIG_DFL:
                signal.signal(sig, _on_signal)
    except ValueError:
        pass  # Not the main thread: atexit and the context manager still clean up.


def read_pcap(path):
    """Read a classic pcap file; return (linktype, [frame bytes, ...]).

    A truncated last record (a capture still being written) is ignored.
    """
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None, []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a pcap file")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        if off + 16 + incl > len(data):
            break
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return linktype, frames


class Capture:
    """tcpdump writing a pcap on one interface of a node, bounded by a duration."""

    def __init__(self, node, ifname, path, duration, bpf):
        self.node, self.ifname, self.path = node, ifname, path
        self.errpath = path + ".stderr"
        err = open(self.errpath, "w")
        # timeout(1) bounds the capture; it forwards SIGTERM to tcpdump, which
        # then flushes the file. -U with --immediate-mode writes each packet at
        # once (without it, packets still in the ring are lost at stop).
        # -Z root: the file lives in our 0700 directory.
        argv = ["timeout", "-s", "INT", "-k", "5", str(duration), "tcpdump", "-n", "-U",
                "--immediate-mode", "-Z", "root", "-i", ifname, "-w", path]
        argv += bpf.split() if bpf else []
        self.proc = node.popen(argv, stderr=err)
        err.close()
        wait_until(lambda: "listening on" in self._stderr() or self.proc.poll() is not None,
                   timeout=10, message=f"tcpdump on {node.name}:{ifname} to start")
        if self.proc.poll() is not None:
            raise TopologyError(f"tcpdump on {node.name}:{ifname}: {self._stderr().strip()}")

    def _stderr(self):
        with open(self.errpath) as f:
            return f.read()

    def stop(self):
        """Stop the capture (by PID) and return the pcap path."""
        stop_process(self.proc, grace=5)
        return self.path

    def packets(self):
        """Frames captured so far (Ethernet frames on veth and bridge ports)."""
        return read_pcap(self.path)[1]


class Node:
    """One network namespace of a topology."""

    def __init__(self, topo, name, ns, spec):
        self.topo, self.name, self.ns, self.spec = topo, name, ns, spec
        self.procs = []

    def __repr__(self):
        return f"<Node {self.name} ns={self.ns}>"

    def run(self, argv, timeout=30, check=False, input=None, text=True, **kw):
        """Run argv inside the node; return the CompletedProcess (output captured)."""
        return subprocess.run(["ip", "netns", "exec", self.ns] + [str(a) for a in argv],
                              capture_output=True, text=text, timeout=timeout, check=check,
                              input=input, **kw)

    def popen(self, argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw):
        """Start argv in the background inside the node; tracked and killed by PID at teardown.

        "ip netns exec" execs the command, so the Popen's PID is the program's.
        """
        proc = subprocess.Popen(["ip", "netns", "exec", self.ns] + [str(a) for a in argv],
                                stdout=stdout, stderr=stderr, start_new_session=True, **kw)
        self.procs.append(proc)
        return proc

    def ip(self, *args, check=True, timeout=IP_TIMEOUT):
        """Run "ip -n NS ARGS"; return its stdout (raise TopologyError on failure if check)."""
        return _ip(["-n", self.ns] + list(args), timeout=timeout, check=check).stdout

    def ip_json(self, *args):
        """Run "ip -j -n NS ARGS" and decode its JSON output."""
        return json.loads(self.ip("-j", *args) or "[]")

    def sysctl(self, **values):
        """Set sysctls inside the node: node.sysctl(**{"net.ipv4.ip_forward": 1})."""
        if values:
            self.run(["sysctl", "-qw"] + [f"{k}={v}" for k, v in values.items()], check=True)

    def ping(self, dst, count=1, deadline=5, src=None):
        """Ping dst until count replies arrive or deadline seconds pass; True when they did."""
        argv = ["ping", "-n", "-q", "-c", count, "-w", deadline] + (["-I", src] if src else [])
        return self.run(argv + [dst], timeout=deadline + 10).returncode == 0

    def counters(self, ifname):
        """Interface counters: rx_/tx_ packets, bytes, errors, dropped (from stats64)."""
        info = self.ip_json("-s", "link", "show", "dev", ifname)[0]["stats64"]
        return {f"{d}_{k}": v for d in ("rx", "tx") for k, v in info[d].items()}

    def link(self, ifname):
        """The "ip -j link show" record of ifname (ifindex, address, master, operstate...)."""
        return self.ip_json("link", "show", "dev", ifname)[0]

    def has_link(self, ifname):
        """True when ifname exists in this node."""
        return _ip(["-n", self.ns, "link", "show", "dev", ifname], check=False).returncode == 0

    def capture(self, ifname, duration=30, bpf=None, name=None):
        """Start tcpdump on ifname for at most duration seconds; return a ready Capture."""
        path = os.path.join(self.topo.workdir, name or f"{self.name}-{ifname}.pcap")
        return Capture(self, ifname, path, duration, bpf)

    def stop_processes(self, grace=3.0):
        """Stop every process started with popen (by PID), newest first."""
        for proc in reversed(self.procs):
            stop_process(proc, grace)


class _End:
    def __init__(self, spec):
        if isinstance(spec, str):
            node, _, ifname = spec.partition(":")
            spec = {"node": node, "ifname": ifname}
        self.node, self.ifname = spec["node"], spec["ifname"]
        self.addrs = list(spec.get("addrs", []))
        self.bridge, self.mac = spec.get("bridge"), spec.get("mac")


class Topology:
    """A set of namespaces, veth links, bridges, routes and daemons built from a spec.

    Use it as a context manager; teardown() is idempotent.
    """

    def __init__(self, spec, prefix=DEFAULT_PREFIX, keep_workdir=False):
        self.spec, self.prefix, self.keep_workdir = spec, prefix, keep_workdir
        self.nodes, self.links, self.daemons = {}, {}, {}
        self.created = []
        self.workdir = None
        self._validate()

    # ---------------------------------------------------------------- spec checks

    def _validate(self):
        nodes = self.spec.get("nodes") or {}
        if not nodes:
            raise ValueError("topology has no nodes")
        ifnames = {n: set() for n in nodes}
        for name, node in nodes.items():
            if not re.fullmatch(r"[a-z][a-z0-9]{0,11}", name):
                raise ValueError(f"node name {name!r}: 1-12 lower-case letters and digits")
            for br, bspec in (node.get("bridges") or {}).items():
                self._check_ifname(ifnames, name, br)
                self._check_addrs(f"bridge {name}:{br}", bspec.get("addrs", []))
            for r in node.get("routes", []):
                self._check_route(name, r)
            if node.get("gateway") and not in_doc_range(node["gateway"]):
                raise ValueError(f"node {name}: gateway {node['gateway']} not documentation")
        seen = set()
        for i, link in enumerate(self.spec.get("links", [])):
            lname = link.get("name", f"link{i}")
            if lname in seen:
                raise ValueError(f"duplicate link name {lname}")
            seen.add(lname)
            for end in (_End(link["a"]), _End(link["b"])):
                if end.node not in nodes:
                    raise ValueError(f"link {lname}: unknown node {end.node!r}")
                self._check_ifname(ifnames, end.node, end.ifname)
                self._check_addrs(f"link {lname}", end.addrs)
                if end.bridge and end.bridge not in (nodes[end.node].get("bridges") or {}):
                    raise ValueError(f"link {lname}: no bridge {end.bridge} in {end.node}")
        for dname, d in (self.spec.get("daemons") or {}).items():
            if d.get("node") not in nodes:
                raise ValueError(f"daemon {dname}: unknown node {d.get('node')!r}")

    @staticmethod
    def _check_ifname(ifnames, node, ifname):
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", ifname or "") or ifname == "lo":
            raise ValueError(f"{node}: bad interface name {ifname!r}")
        if ifname in ifnames[node]:
            raise ValueError(f"{node}: interface {ifname} declared twice")
        ifnames[node].add(ifname)

    @staticmethod
    def _check_addrs(where, addrs):
        for a in addrs:
            if "/" not in a or not in_doc_range(a):
                raise ValueError(f"{where}: {a} is not a documentation-range address/len")

    @staticmethod
    def _check_route(node, route):
        dst = route.get("dst")
        if dst != "default" and not (dst and any(
                ipaddress.ip_network(dst, strict=False).subnet_of(n) for n in DOC_NETS)):
            raise ValueError(f"node {node}: route destination {dst!r} not documentation")
        for key in ("via", "src"):
            if key in route and not in_doc_range(route[key]):
                raise ValueError(f"node {node}: route {key} {route[key]} not documentation")

    # ---------------------------------------------------------------- build

    def __getitem__(self, name):
        return self.nodes[name]

    def __enter__(self):
        return self.build()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self.workdir:
            self.keep_workdir = True
            print(f"topology: test failed, files kept in {self.workdir}", file=sys.stderr)
        self.teardown()
        return False

    def build(self):
        """Create namespaces, bridges, links, addresses, routes and daemons; return self."""
        _install_handlers()
        _live.add(self)
        uid = f"{self.prefix}{os.getpid()}-{next(_counter)}"
        self.workdir = tempfile.mkdtemp(prefix=uid + "-")
        try:
            for name, spec in self.spec["nodes"].items():
                self._add_node(name, f"{uid}-{name}", spec)
            for i, link in enumerate(self.spec.get("links", [])):
                self._add_link(link.get("name", f"link{i}"), link)
            for name, spec in self.spec["nodes"].items():
                self._add_routes(self.nodes[name], spec)
            for name, d in (self.spec.get("daemons") or {}).items():
                self.start_daemon(name, d)
        except BaseException:
            self.teardown()
            raise
        return self

    def _add_node(self, name, ns, spec):
        _ip(["netns", "add", ns])
        self.created.append(ns)
        node = self.nodes[name] = Node(self, name, ns, spec)
        node.ip("link", "set", "lo", "up")
        sysctls = dict(spec.get("sysctls") or {})
        if spec.get("forward"):
            sysctls["net.ipv4.ip_forward"] = 1
        node.sysctl(**sysctls)
        for br, bspec in (spec.get("bridges") or {}).items():
            node.ip("link", "add", br, "type", "bridge", *bspec.get("options", []))
            for a in bspec.get("addrs", []):
                node.ip("addr", "add", a, "dev", br)
            node.ip("link", "set", br, "up")

    def _add_link(self, name, spec):
        a, b = _End(spec["a"]), _End(spec["b"])
        na, nb = self.nodes[a.node], self.nodes[b.node]
        args = ["link", "add", a.ifname] + (["address", a.mac] if a.mac else [])
        args += ["type", "veth", "peer", "name", b.ifname] + (["address", b.mac] if b.mac else [])
        na.ip(*args, "netns", nb.ns)
        self.links[name] = {"a": a, "b": b}
        for end in (a, b):
            self._setup_end(self.nodes[end.node], end)

    @staticmethod
    def _setup_end(node, end):
        for addr in end.addrs:
            node.ip("addr", "add", addr, "dev", end.ifname)
        if end.bridge:
            node.ip("link", "set", end.ifname, "master", end.bridge)
        node.ip("link", "set", end.ifname, "up")

    @staticmethod
    def _add_routes(node, spec):
        for r in spec.get("routes", []):
            args = ["route", "add", r["dst"]]
            for k, v in r.items():
                if k != "dst":
                    args += [k] if v is True else [k, v]
            node.ip(*args)
        if spec.get("gateway"):
            node.ip("route", "add", "default", "via", spec["gateway"])

    def start_daemon(self, name, d):
        """Start pmipd (lib.daemon.Daemon) in node d["node"] with config d["config"].

        d may also give "ready" (a log regex to wait for), "args", "binary",
        "plugin_dir" and "timeout". The daemon is stopped at teardown.
        """
        from .daemon import Daemon
        dmn = Daemon(self.nodes[d["node"]], d["config"], name=name, binary=d.get("binary"),
                     plugin_dir=d.get("plugin_dir"), args=d.get("args", ()))
        self.daemons[name] = dmn
        dmn.start()
        if d.get("ready"):
            dmn.wait_log(d["ready"], timeout=d.get("timeout", 10))
        return dmn

    # ---------------------------------------------------------------- changes

    def move_link(self, link, to_node, bridge=None, end="b", ifname=None, addrs=None):
        """Move one end of a veth link to another node and/or bridge.

        Within one node this only changes the bridge the port belongs to
        (detach/attach; bridge None leaves it a plain interface). Across nodes
        the veth end itself moves to the other namespace ("ip link set dev X
        netns NS name Y"): the pair is not deleted and recreated, so the other
        end (the client) keeps its interface, MAC, addresses, routes,
        neighbour entries and open sockets, and sees only a carrier flap, as a
        wireless client does when it roams. Addresses of the moved end are
        lost with the move; they are re-added (or replaced by addrs).
        """
        e = self.links[link][end]
        src, dst = self.nodes[e.node], self.nodes[to_node]
        if bridge and bridge not in (dst.spec.get("bridges") or {}):
            raise ValueError(f"no bridge {bridge} in {to_node}")
        if addrs is not None:
            self._check_addrs(f"link {link}", addrs)
        if src is dst and ifname in (None, e.ifname):
            src.ip("link", "set", e.ifname, *(["master", bridge] if bridge else ["nomaster"]))
            e.bridge = bridge
            return
        new_if = ifname or e.ifname
        src.ip("link", "set", "dev", e.ifname, "netns", dst.ns, "name", new_if)
        e.node, e.ifname, e.bridge = to_node, new_if, bridge
        if addrs is not None:
            e.addrs = list(addrs)
        self._setup_end(dst, e)

    def end(self, link, end="b"):
        """(node, ifname, bridge) where an end of a link currently is."""
        e = self.links[link][end]
        return self.nodes[e.node], e.ifname, e.bridge

    # ---------------------------------------------------------------- teardown

    def teardown(self):
        """Stop daemons and processes by PID, then delete exactly our namespaces."""
        errors = []
        for dmn in self.daemons.values():
            try:
                dmn.stop()
            except Exception as exc:  # Keep tearing down; report at the end.
                errors.append(f"daemon {dmn.name}: {exc}")
        for node in self.nodes.values():
            node.stop_processes()
        for ns in self.created:
            _kill_netns_pids(ns)
            res = _ip(["netns", "del", ns], check=False)
            if res.returncode != 0 and ns in netns_list():
                errors.append(f"netns del {ns}: {res.stderr.strip()}")
        self.created.clear()
        self.daemons.clear()
        _live.discard(self)
        if self.workdir and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        if errors:
            raise TopologyError("; ".join(errors))
