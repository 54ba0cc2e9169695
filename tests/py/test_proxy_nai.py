# SPDX-License-Identifier: BSD-2-Clause
"""NAI-keyed proxy clients end to end (issue #4 item 3: the MN-HA SA "by host, address range or NAI").

The roaming topology of lib.roaming, with the client's security association configured on
the HA and both APs for its NAI only (no host or range entry). The APs list the client's MAC
under /pmip/proxy/client-nai: the foreign AP's request carries the MN-NAI extension (RFC
2794, type 131), it finds the SA by the NAI, and so does the HA. Without the list entry
the same topology cannot register the client (the proxy asks by home address only).
"""
import os


from lib import roaming as R
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmnai"


def _must_be_root():
    assert os.geteuid() == 0, "the NAI test needs root (network namespaces); CI runs as root"


def _net(list_client):
    _must_be_root()
    spec = R.topology(start="hap")
    spec["daemons"] = R.nai_daemons(lifetime=30, list_client=list_client)
    return Topology(spec, prefix=PREFIX)


def _ha_has_binding(topo):
    routes = topo["hr"].ip("route", "show", R.CLIENT_ADDR + "/32", "table", "all")
    return R.CLIENT_ADDR in routes


def _mip_payloads(cap):
    """UDP payloads to or from port 434 among the captured Ethernet/IPv4 frames."""
    out = []
    for fr in cap.packets():
        if len(fr) < 42 or fr[12:14] != b"\x08\x00" or fr[23] != 17:
            continue
        ihl = (fr[14] & 0x0F) * 4
        udp = fr[14 + ihl:]
        if len(udp) >= 8 and 434 in (int.from_bytes(udp[0:2], "big"),
                                     int.from_bytes(udp[2:4], "big")):
            out.append(udp[8:])
    return out


def _nai_ext(msg):
    """The NAI of the first MN-NAI extension (type 131) after the 24-byte fixed part
    of a Registration Request (type 1), else None."""
    if not msg or msg[0] != 1:
        return None
    i = 24
    while i + 2 <= len(msg):
        t, n = msg[i], msg[i + 1]
        if t == 131:
            return msg[i + 2:i + 2 + n].decode(errors="replace")
        i += 2 + n
    return None


def test_nai_client_registered_by_nai():
    with _net(list_client=True) as topo:
        fap = topo.daemons["fap"]
        assert topo["cn"].ping(R.CLIENT_ADDR, count=2, deadline=10), "client not reachable at home"
        cap = topo["fr"].capture("lan0", duration=40, bpf="udp port 434")
        mark = fap.mark()
        R.roam(topo, "fap")
        fap.wait_log(r"registered 192\.0\.2\.100 .*code 0", timeout=20, since=mark)
        wait_until(lambda: _ha_has_binding(topo), timeout=10, message="HA host route for the client")
        assert topo["cn"].ping(R.CLIENT_ADDR, count=3, deadline=10), "cn cannot reach the roamed client"
        cap.stop()
        nais = [_nai_ext(m) for m in _mip_payloads(cap)]
        assert R.CLIENT_NAI in nais, f"no request with the MN-NAI extension on the foreign LAN: {nais}"


def test_unlisted_client_not_registered():
    """Same SAs, no client-nai entry: the foreign AP finds no SA and raises the failure event."""
    with _net(list_client=False) as topo:
        fap = topo.daemons["fap"]
        mark = fap.mark()
        R.roam(topo, "fap")
        fap.wait_log(r"registration failure: client 192\.0\.2\.100 .*no mobile-node security "
                     r"association", timeout=20, since=mark)
        assert not fap.log_contains(r"registered 192\.0\.2\.100 ", since=mark)
        assert not _ha_has_binding(topo)
