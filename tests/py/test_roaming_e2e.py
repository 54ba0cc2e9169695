# SPDX-License-Identifier: BSD-2-Clause
"""End to end: an unmodified client roams from its home AP to a foreign AP and back (issue #4 item 5).

The topology is lib.roaming's: correspondent, HA router with the home LAN, FA
router with the foreign LAN, a home AP and a foreign AP (each a bridge running
pmipd in the proxy role), and a client namespace with a static home address
and home gateway and no Mobile IP stack at all. Its link moves between the
APs' radio bridges.
"""
import os
import pathlib
import socket
import subprocess

import pytest

from lib import roaming as R
from lib.tcpprobe import read_status
from lib.topo import Topology
from lib.wait import wait_until

PY_DIR = pathlib.Path(__file__).resolve().parent
PREFIX = "pmrm"
TCP_PORT = 5001


def _must_be_root():
    assert os.geteuid() == 0, "the roaming test needs root (network namespaces); CI runs as root"


@pytest.fixture
def net():
    _must_be_root()
    spec = R.topology(start="hap")
    spec["daemons"] = R.daemons(lifetime=20)
    with Topology(spec, prefix=PREFIX) as topo:
        yield topo


def _py(node, *args):
    """Start /usr/bin/python3 -m ARGS in node with tests/py as the working directory."""
    return node.popen(["/usr/bin/python3", "-m"] + list(args), cwd=str(PY_DIR),
                      stderr=subprocess.PIPE)


def _tcp_session(topo):
    """A TCP echo session cn -> client opened now; returns a function reading its status."""
    server = _py(topo["client"], "lib.tcpprobe", "serve", R.CLIENT_ADDR, str(TCP_PORT))
    status_path = os.path.join(topo.workdir, "tcp-status.json")
    _py(topo["cn"], "lib.tcpprobe", "talk", R.CLIENT_ADDR, str(TCP_PORT), status_path, "0.1")
    status = lambda: read_status(status_path) or {"sent": 0, "echoed": 0, "errors": []}
    wait_until(lambda: status()["echoed"] >= 3, timeout=10,
               message=lambda: f"TCP session at home: {status()}, server rc={server.poll()}")
    return status


def _progressing(status, since):
    s = status()
    assert not s["errors"], f"TCP session broke: {s}"
    return s["echoed"] >= since + 5


def _ha_has_binding(topo):
    """The HA's forwarding state for the client: a host route for its home address into the tunnel."""
    routes = topo["hr"].ip("route", "show", R.CLIENT_ADDR + "/32", "table", "all")
    return R.CLIENT_ADDR in routes


def _encapsulated(topo, count=3):
    """Capture on the core link while cn pings the client: IP-in-IP HA -> FA, never plain ICMP."""
    cap = topo["fr"].capture("core0", duration=15, bpf="ip")
    assert topo["cn"].ping(R.CLIENT_ADDR, count=count, deadline=10), "cn cannot reach the client"
    cap.stop()
    pkts = [h for h in map(_ipv4_header, cap.packets()) if h]
    ipip = [p for p in pkts if p["proto"] == 4 and p["src"] == R.HA_ADDR and p["dst"] == R.FA_ADDR]
    plain = [p for p in pkts if p["proto"] == 1 and p["dst"] == R.CLIENT_ADDR]
    return ipip, plain


def _ipv4_header(frame):
    """Protocol, source and destination of an Ethernet/IPv4 frame, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    return {"proto": ip[9], "src": socket.inet_ntoa(ip[12:16]), "dst": socket.inet_ntoa(ip[16:20])}


def test_client_roams_away_and_back(net):
    topo = net
    fap, hap = topo.daemons["fap"], topo.daemons["hap"]

    # At home: reached directly, no binding, no tunnel.
    assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable at home"
    assert not _ha_has_binding(topo)
    status = _tcp_session(topo)

    # Roam to the foreign AP: it registers the client with the HA through the FA.
    mark = fap.mark()
    gw_mac = R.roam(topo, "fap")
    fa_mac = topo["fr"].link("lan0")["address"]
    assert gw_mac == fa_mac, f"at the foreign AP the gateway should answer as the FA ({fa_mac}): {gw_mac}"
    fap.wait_log(r"registered 192\.0\.2\.100 .*code 0|192\.0\.2\.100.* registered", timeout=20,
                 since=mark)
    wait_until(lambda: _ha_has_binding(topo), timeout=10, message="HA host route for the client")
    ipip, plain = _encapsulated(topo)
    assert ipip, "no IP-in-IP packets from the HA to the FA on the core link"
    assert not plain, f"plain ICMP to the home address crossed the core link: {plain[:3]}"
    echoed = status()["echoed"]
    wait_until(lambda: _progressing(status, echoed), timeout=20,
               message=lambda: f"TCP session after the move: {status()}")

    # Back home: the home AP deregisters it; the HA drops the binding; direct delivery again.
    mark = hap.mark()
    gw_mac = R.roam(topo, "hap")
    assert gw_mac == topo["hr"].link("lan0")["address"], f"home gateway answered as {gw_mac}"
    hap.wait_log(r"deregister.*192\.0\.2\.100|192\.0\.2\.100.*deregist", timeout=20, since=mark)
    wait_until(lambda: not _ha_has_binding(topo), timeout=10, message="HA binding removed")
    assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable back home"
    echoed = status()["echoed"]
    wait_until(lambda: _progressing(status, echoed), timeout=20,
               message=lambda: f"TCP session back home: {status()}")


def _gateway_lladdr(topo):
    """The client's neighbour entry for its gateway: (MAC or None, state list)."""
    for n in topo["client"].ip_json("neigh", "show", R.HA_ADDR, "dev", "eth0"):
        if n.get("dst") == R.HA_ADDR:
            return (n.get("lladdr") or "").lower() or None, n.get("state", [])
    return None, []


@pytest.fixture
def net_keep_neighbours():
    """The roaming topology whose client keeps its neighbour cache across moves."""
    _must_be_root()
    spec = R.keep_neighbours_on_roam(R.topology(start="hap"))
    spec["daemons"] = R.daemons(lifetime=20)
    with Topology(spec, prefix=PREFIX) as topo:
        yield topo


def test_gateway_restored_on_return(net_keep_neighbours):
    """Back home, the home AP gives the client its gateway's real MAC (issue #4, return home).

    The client keeps its neighbour cache across moves (as a wireless client does) and does
    no attachment detection of its own after the roam back (it only announces its
    address), so without the home AP's unsolicited ARP reply its neighbour entry for the
    gateway would keep the FA's MAC, which the foreign AP gave it.
    """
    topo = net_keep_neighbours
    fap, hap = topo.daemons["fap"], topo.daemons["hap"]
    hr_mac = topo["hr"].link("lan0")["address"].lower()
    fa_mac = topo["fr"].link("lan0")["address"].lower()

    assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable at home"
    wait_until(lambda: _gateway_lladdr(topo)[0] == hr_mac, timeout=10,
               message=lambda: f"client's gateway entry at home: {_gateway_lladdr(topo)}")

    mark = fap.mark()
    R.roam(topo, "fap")
    fap.wait_log(r"registered 192\.0\.2\.100 .*code 0", timeout=20, since=mark)
    # Precondition: away, the client's entry for its gateway holds the FA's MAC.
    wait_until(lambda: _gateway_lladdr(topo)[0] == fa_mac, timeout=10,
               message=lambda: f"client's gateway entry away: {_gateway_lladdr(topo)}")

    mark = hap.mark()
    R.roam(topo, "hap", dna=False)
    wait_until(lambda: _gateway_lladdr(topo)[0] == hr_mac, timeout=10,
               message=lambda: f"client's gateway entry back home: {_gateway_lladdr(topo)}, "
                               f"home AP log: {hap.log_text(since=mark)[-1500:]}")
    assert hap.log_contains(r"client 192\.0\.2\.100 at home: told it gateway 192\.0\.2\.1 "
                            r"is at " + hr_mac, since=mark)
    wait_until(lambda: not _ha_has_binding(topo), timeout=10, message="HA binding removed")
    assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable back home"
