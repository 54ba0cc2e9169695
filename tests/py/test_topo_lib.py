#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Tests of the namespace topology library (lib/topo.py, lib/daemon.py, lib/wait.py).

They need root and network namespaces; they create only namespaces with the
prefix pmt<pid>- and use only documentation addresses.
"""
import json
import os
import pathlib
import select
import shutil
import stat
import subprocess
import time

import pytest

from lib import topo as topolib
from lib.daemon import Daemon, build_dir
from lib.topo import Topology, netns_list, read_pcap
from lib.wait import wait_until

ROOT = pathlib.Path(__file__).resolve().parents[2]
OURS = f"{topolib.DEFAULT_PREFIX}{os.getpid()}-"
CLIENT = "198.51.100.10"

# cn --core-- r(router, bridge "lan") ==trunk== ap(bridges br0 and iso)
#                    \__ air: client eth0, first a port of r's "lan"
ROAM = {
    "nodes": {
        "cn": {"gateway": "192.0.2.1"},
        "r": {"forward": True, "bridges": {"lan": {"addrs": ["198.51.100.1/24"]}}},
        "ap": {"bridges": {"br0": {}, "iso": {}}},
        "client": {"gateway": "198.51.100.1"},
    },
    "links": [
        {"name": "core", "a": {"node": "cn", "ifname": "eth0", "addrs": ["192.0.2.2/24"]},
         "b": {"node": "r", "ifname": "eth0", "addrs": ["192.0.2.1/24"]}},
        {"name": "trunk", "a": {"node": "r", "ifname": "ap0", "bridge": "lan"},
         "b": {"node": "ap", "ifname": "up0", "bridge": "br0"}},
        {"name": "air", "a": {"node": "client", "ifname": "eth0", "addrs": [CLIENT + "/24"],
                              "mac": "02:00:5e:00:00:0a"},
         "b": {"node": "r", "ifname": "cl0", "bridge": "lan"}},
    ],
}
PAIR = {
    "nodes": {"a": {}, "b": {}},
    "links": [{"a": {"node": "a", "ifname": "eth0", "addrs": ["203.0.113.1/24"]},
               "b": {"node": "b", "ifname": "eth0", "addrs": ["203.0.113.2/24"]}}],
}


def ours():
    return {n for n in netns_list() if n.startswith(OURS)}


def host_state():
    """Host interfaces and routes, to prove the library never touches them."""
    links = subprocess.run(["ip", "-j", "link", "show"], capture_output=True, text=True,
                           timeout=15, check=True).stdout
    routes = subprocess.run(["ip", "-j", "route", "show", "table", "all"], capture_output=True,
                            text=True, timeout=15, check=True).stdout
    return ({(x["ifname"], x["ifindex"]) for x in json.loads(links)},
            sorted(json.dumps(r, sort_keys=True) for r in json.loads(routes)))


@pytest.fixture(autouse=True)
def no_leak():
    """Every test leaves exactly the namespaces of this run it found."""
    assert os.geteuid() == 0, "the topology tests need root"
    before = ours()
    yield
    assert ours() == before, "namespaces leaked"


# ---------------------------------------------------------------- topology


def test_build_ping_move_between_bridges():
    host_before = host_state()
    with Topology(ROAM) as t:
        assert {n.ns for n in t.nodes.values()} <= ours()
        assert all(n.ns.startswith(OURS) for n in t.nodes.values())
        assert host_state() == host_before
        assert t["r"].run(["sysctl", "-n", "net.ipv4.ip_forward"]).stdout.strip() == "1"
        assert t["cn"].ping(CLIENT, deadline=5), "routed + bridged path before the move"
        before = t["client"].link("eth0")
        assert before["address"] == "02:00:5e:00:00:0a"

        # Across nodes: the r end of "air" becomes port c1 of the AP's br0.
        t.move_link("air", "ap", bridge="br0", ifname="c1")
        assert not t["r"].has_link("cl0")
        assert t["ap"].link("c1")["master"] == "br0"
        after = t["client"].link("eth0")
        assert (after["ifindex"], after["address"]) == (before["ifindex"], before["address"])
        cap = t["ap"].capture("c1", duration=20, bpf="icmp")
        tx0 = t["ap"].counters("c1")["tx_packets"]
        assert t["cn"].ping(CLIENT, count=2, deadline=10), "path through the AP after the move"
        assert t["ap"].counters("c1")["tx_packets"] >= tx0 + 2
        wait_until(lambda: sum(_is_echo_to(f, CLIENT) for f in cap.packets()) >= 2, timeout=5,
                   message="echo requests to the client in the capture")
        linktype, frames = read_pcap(cap.stop())
        assert linktype == 1 and sum(_is_echo_to(f, CLIENT) for f in frames) >= 2

        # Within a node: detach from br0, attach to the isolated bridge, and back.
        t.move_link("air", "ap", bridge="iso")
        assert t["ap"].link("c1")["master"] == "iso"
        assert not t["cn"].ping(CLIENT, deadline=1), "iso has no uplink"
        t.move_link("air", "ap", bridge="br0")
        assert t["cn"].ping(CLIENT, deadline=5)
        assert t.end("air")[0] is t["ap"] and t.end("air")[2] == "br0"
        names = {n.ns for n in t.nodes.values()}
    assert not names & set(netns_list())
    assert host_state() == host_before


def _is_echo_to(frame, dst):
    """True for an Ethernet frame carrying an IPv4 ICMP echo request to dst."""
    return (len(frame) >= 34 and frame[12:14] == b"\x08\x00" and frame[23] == 1
            and frame[30:34] == bytes(int(x) for x in dst.split(".")) and frame[34] == 8)


SERVER = """
import socket
lsn = socket.create_server(("192.0.2.2", 5000))
print("ready", flush=True)
conn, _ = lsn.accept()
conn.settimeout(30)
while True:
    data = conn.recv(100)
    if not data:
        break
    conn.sendall(data.upper())
"""
CLIENT_SCRIPT = """
import socket, sys
s = socket.create_connection(("192.0.2.2", 5000), timeout=20)
for word in (b"before", b"after"):
    sys.stdin.readline()
    s.sendall(word)
    print(s.recv(100).decode(), s.getsockname()[1], flush=True)
"""


def _readline(proc, timeout):
    wait_until(lambda: select.select([proc.stdout], [], [], 0)[0] or proc.poll() is not None,
               timeout=timeout, message="a line from the helper process")
    return proc.stdout.readline().strip()


def test_tcp_session_survives_move_link():
    with Topology(ROAM) as t:
        srv = t["cn"].popen(["/usr/bin/python3", "-c", SERVER], stdout=subprocess.PIPE, text=True)
        assert _readline(srv, 10) == "ready"
        cli = t["client"].popen(["/usr/bin/python3", "-c", CLIENT_SCRIPT],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        cli.stdin.write("go\n")
        cli.stdin.flush()
        word, port = _readline(cli, 15).split()
        assert word == "BEFORE"
        t.move_link("air", "ap", bridge="br0", ifname="c1")
        cli.stdin.write("go\n")
        cli.stdin.flush()
        assert _readline(cli, 25).split() == ["AFTER", port], "same connection after the move"


def test_teardown_after_exception_kills_processes_and_namespaces():
    with pytest.raises(RuntimeError, match="boom"):
        with Topology(PAIR) as t:
            tracked = t["a"].popen(["sleep", "300"])
            # A process the library did not start, left running inside a namespace.
            out = t["b"].run(["sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!"], timeout=10)
            stray = int(out.stdout)
            names, workdir = list(t.created), t.workdir
            assert set(names) <= ours()
            raise RuntimeError("boom")
    assert not set(names) & set(netns_list())
    assert tracked.poll() is not None
    wait_until(lambda: _gone(stray), timeout=5, message=f"stray pid {stray} to die")
    assert os.path.isdir(workdir), "files of a failed topology are kept for debugging"
    shutil.rmtree(workdir)


def _gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] in "ZX"
    except FileNotFoundError:
        return True


def test_parallel_topologies_do_not_collide():
    with Topology(PAIR) as t1, Topology(PAIR) as t2:
        assert not {n.ns for n in t1.nodes.values()} & {n.ns for n in t2.nodes.values()}
        assert t1["a"].ping("203.0.113.2", deadline=5) and t2["a"].ping("203.0.113.2", deadline=5)
        t1.teardown()
        assert t2["a"].ping("203.0.113.2", deadline=5)


@pytest.mark.parametrize("change", [
    lambda s: s["links"][0]["a"].update(addrs=["10.0.0.1/24"]),
    lambda s: s["links"][0]["a"].update(addrs=["203.0.113.1"]),
    lambda s: s["nodes"]["a"].update(routes=[{"dst": "0.0.0.0/1", "via": "203.0.113.2"}]),
    lambda s: s["nodes"]["a"].update(gateway="172.16.0.1"),
    lambda s: s["links"][0]["b"].update(node="zz"),
    lambda s: s["links"][0]["b"].update(bridge="br9"),
    lambda s: s["links"][0]["b"].update(ifname="this-name-is-too-long"),
    lambda s: s["links"].append(dict(s["links"][0])),
], ids=["non-doc", "no-prefix", "route", "gateway", "node", "bridge", "ifname", "twice"])
def test_invalid_spec_is_refused_before_anything_exists(change):
    spec = json.loads(json.dumps(PAIR))
    change(spec)
    with pytest.raises(ValueError):
        Topology(spec).build()


def test_reap_stale_deletes_only_dead_owners():
    dead = subprocess.Popen(["true"])
    dead.wait(10)
    stale, live = f"pmtr{dead.pid}-1-x", f"pmtr{os.getpid()}-1-x"
    assert not os.path.exists(f"/proc/{dead.pid}")
    for ns in (stale, live):
        subprocess.run(["ip", "netns", "add", ns], check=True, timeout=15)
    try:
        assert topolib.reap_stale("pmtr") == [stale]
        assert stale not in netns_list() and live in netns_list()
    finally:
        for ns in (stale, live):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=15)


# ---------------------------------------------------------------- wait


def test_wait_until_returns_value_and_times_out_with_message():
    calls = []
    assert wait_until(lambda: calls.append(1) or (len(calls) >= 3 and "done"), 5, 0.01) == "done"
    start = time.monotonic()
    with pytest.raises(AssertionError, match=r"timed out after 0.3 s \(\d+ polls\): the thing"):
        wait_until(lambda: 0, timeout=0.3, interval=0.05, message=lambda: "the thing")
    assert 0.3 <= time.monotonic() - start < 2


# ---------------------------------------------------------------- daemon

STUB = r"""#!/usr/bin/python3
import json, os, signal, sys
args = sys.argv[1:]
conf = args[args.index("-c") + 1]
load = lambda: json.load(open(conf))
cfg = load()
print("argv", json.dumps(args), flush=True)
print("netns", os.readlink("/proc/self/ns/net"), flush=True)
if "exit" in cfg:
    sys.exit(cfg["exit"])
def term(s, f):
    print("stopping", flush=True)
    sys.exit(0)
signal.signal(signal.SIGHUP, lambda s, f: print("reloaded", load()["name"], flush=True))
signal.signal(signal.SIGTERM, signal.SIG_IGN if cfg.get("ignore_term") else term)
print("started", cfg["name"], flush=True)
while True:
    signal.pause()
"""


@pytest.fixture
def stub(tmp_path):
    """A stand-in for pmipd with the same command line, to test lib/daemon.py by itself."""
    path = tmp_path / "pmipd"
    path.write_text(STUB)
    path.chmod(0o755)
    return path


def test_daemon_start_log_reload_stop(stub, tmp_path):
    with Topology(PAIR) as t:
        d = Daemon(t["a"], {"name": "one"}, binary=stub, plugin_dir=tmp_path)
        d.start()
        d.wait_log(r"^started one$", timeout=10)
        args = json.loads(d.wait_log(r"^argv (.*)$").group(1))
        assert args == ["-d", "-c", d.conf_path, "-P", str(tmp_path), "-s", d.ctl_path]
        assert os.path.dirname(d.ctl_path) == d.dir  # Its own control socket, not the default.
        assert stat.S_IMODE(os.stat(d.conf_path).st_mode) == 0o600
        inside = t["a"].run(["readlink", "/proc/self/ns/net"]).stdout.strip()
        assert d.log_contains(r"^netns (.*)$").group(1) == inside
        assert inside != os.readlink("/proc/self/ns/net")
        mark = d.reload({"name": "two"})
        d.wait_log(r"^reloaded two$", since=mark)
        assert d.log_contains(r"^started one$") and not d.log_contains(r"started", since=mark)
        assert d.stop() == 0 and d.log_contains(r"^stopping$") and not d.running


def test_daemon_sigkill_after_deadline(stub, tmp_path):
    with Topology(PAIR) as t:
        d = Daemon(t["a"], {"name": "stubborn", "ignore_term": True}, binary=stub,
                   plugin_dir=tmp_path).start()
        d.wait_log(r"^started stubborn$")
        start = time.monotonic()
        assert d.stop(timeout=0.5) == -9
        assert 0.5 <= time.monotonic() - start < 5


def test_daemon_early_exit_is_reported(stub, tmp_path):
    with Topology(PAIR) as t:
        d = Daemon(t["a"], {"name": "x", "exit": 3}, binary=stub, plugin_dir=tmp_path).start()
        with pytest.raises(AssertionError, match=r"exited \(3\) before logging"):
            d.wait_log(r"never printed", timeout=10)


def test_daemons_declared_in_the_spec(stub, tmp_path):
    spec = dict(PAIR, daemons={"ha": {"node": "b", "config": {"name": "ha"}, "binary": stub,
                                      "plugin_dir": tmp_path, "ready": r"^started ha$"}})
    with Topology(spec) as t:
        d = t.daemons["ha"]
        assert d.running and d.node is t["b"]
    assert d.proc.poll() == 0, "stopped with SIGTERM at teardown"


def test_real_pmipd_runs_reloads_and_stops_in_a_namespace():
    """lib/daemon.py against the real binary ($PMIP_BUILD_DIR, built first)."""
    exe = build_dir() / "core" / "pmipd"
    assert exe.is_file(), f"{exe} is missing: build the tree first or set PMIP_BUILD_DIR"
    cfg = json.loads((ROOT / "examples" / "ha.json").read_text())
    spec = {"nodes": {"ha": {}, "peer": {}}, "links": [
        {"a": {"node": "ha", "ifname": "eth0", "addrs": ["192.0.2.1/24"]},
         "b": {"node": "peer", "ifname": "eth0", "addrs": ["192.0.2.2/24"]}},
        {"a": {"node": "ha", "ifname": "eth1", "addrs": ["198.51.100.2/24"]},
         "b": {"node": "peer", "ifname": "eth1", "addrs": ["198.51.100.1/24"]}}]}
    with Topology(spec) as t:
        d = t.start_daemon("ha", {"node": "ha", "config": cfg, "ready": r"running"})
        assert d.running and d.node is t["ha"]
        cfg["pmip:pmip"]["home-agent"]["max-lifetime"] = 600
        mark = d.reload(cfg)
        d.wait_log(r"reload.*done", since=mark, timeout=10)
        assert d.running and d.stop() == 0
