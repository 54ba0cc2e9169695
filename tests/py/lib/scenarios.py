# SPDX-License-Identifier: BSD-2-Clause
"""Shared HA/FA scenarios: one topology, daemon configs and observers, as data and small helpers.

    cn ---- home LAN (bridge "home" in ha) ---- ha ==== core ==== fa ---- foreign LAN (bridge
                                                                          "lan" in fa) ---- mn

Addresses (documentation ranges only):
  home LAN     192.0.2.0/24     ha 192.0.2.1 (home agent, gateway), cn 192.0.2.10,
                                mn's home address 192.0.2.50
  core link    198.51.100.0/24  ha 198.51.100.1, fa 198.51.100.2
  foreign LAN  203.0.113.0/24   fa 203.0.113.1 (foreign agent, care-of address)

The mobile node keeps its home address as a /32 on its interface, reaches the FA
on-link and uses it as default router (RFC 5944 4.2.2), as a Mobile IP aware node
does. It can go back home with home_port(): its link then moves onto the home
bridge, where it gets the home prefix route again.

Everything a test compares against comes from here, Python's hmac/hashlib (lib.mn)
or the kernel (routes, neighbours, captures), never from pmipd's C code.
"""
import copy
import socket
import struct

from . import mn as mnlib

HOME_PREFIX = "192.0.2.0/24"
HA_ADDR = "192.0.2.1"
CN_ADDR = "192.0.2.10"
MN_HOME = "192.0.2.50"
MN_MAC = "02:00:00:00:00:50"
HA_HOME_MAC = "02:00:00:00:01:01"  # The bridges' own MACs, set so that they never follow
FA_LAN_MAC = "02:00:00:00:02:01"   # their ports (a port joining would change them).
HA_CORE, FA_CORE = "198.51.100.1", "198.51.100.2"
FA_COA = "203.0.113.1"

MN_SPI = 1000
MN_KEY_HEX = "8f3a1c5e7b9d2f40a6c8e1b3d5f70921"

NO_RPF = {"net.ipv4.conf.all.rp_filter": 0, "net.ipv4.conf.default.rp_filter": 0}


def topology():
    """The HA/FA topology spec for lib.topo (no daemons: tests start them with their configs)."""
    return {
        "nodes": {
            # arp_accept: cn takes gratuitous ARPs for addresses it has no entry for yet.
            "cn": {"gateway": HA_ADDR,
                   "sysctls": dict(NO_RPF, **{"net.ipv4.conf.all.arp_accept": 1,
                                              "net.ipv4.conf.default.arp_accept": 1})},
            "ha": {"forward": True, "sysctls": dict(NO_RPF),
                   "bridges": {"home": {"addrs": [HA_ADDR + "/24"]}},
                   "routes": [{"dst": "203.0.113.0/24", "via": FA_CORE}]},
            "fa": {"forward": True, "sysctls": dict(NO_RPF), "gateway": HA_CORE,
                   "bridges": {"lan": {"addrs": [FA_COA + "/24"]}}},
            "mn": {"sysctls": dict(NO_RPF),
                   "routes": [{"dst": FA_COA + "/32", "dev": "eth0"},
                              {"dst": "default", "via": FA_COA, "dev": "eth0"}]},
        },
        "links": [
            {"name": "homelan", "a": {"node": "cn", "ifname": "eth0",
                                      "addrs": [CN_ADDR + "/24"]},
             "b": {"node": "ha", "ifname": "p-cn", "bridge": "home"}},
            {"name": "core", "a": {"node": "ha", "ifname": "core0", "addrs": [HA_CORE + "/24"]},
             "b": {"node": "fa", "ifname": "core0", "addrs": [FA_CORE + "/24"]}},
            {"name": "air", "a": {"node": "mn", "ifname": "eth0", "addrs": [MN_HOME + "/32"],
                                  "mac": MN_MAC},
             "b": {"node": "fa", "ifname": "p-mn", "bridge": "lan"}},
        ],
    }


def pin_bridge_macs(topo):
    """Give the agents' bridges fixed MACs; call once the topology is built.

    A Linux bridge without an address of its own takes its lowest port MAC, so the
    node's link joining the home bridge would otherwise change the HA's MAC under cn.
    """
    topo["ha"].ip("link", "set", "home", "address", HA_HOME_MAC)
    topo["fa"].ip("link", "set", "lan", "address", FA_LAN_MAC)


def _merge(base, over):
    for k, v in (over or {}).items():
        base[k] = copy.deepcopy(v)
    return base


def ha_config(debug=True, **over):
    """The home agent on ha: home network 192.0.2.0/24 on the bridge "home"; over: leaf overrides."""
    ha = _merge({"home-network": [{"prefix": HOME_PREFIX, "address": HA_ADDR,
                                   "interface": "home"}],
                 "max-lifetime": 600}, over)
    return {"pmip:pmip": {
        "global": {"log-level": "debug" if debug else "info", "debug": ["ha", "tunnel"]},
        "interface": [{"name": "home", "description": "home LAN"}],
        "security-association": [{"name": "mn", "host": MN_HOME, "spi": MN_SPI,
                                  "key-hex": MN_KEY_HEX, "algorithm": "hmac-md5"}],
        "home-agent": ha,
    }}


def fa_config(debug=True, **over):
    """The foreign agent on fa: care-of address 203.0.113.1 on "lan"; over: leaf overrides."""
    fa = _merge({"interface": [{"name": "lan", "care-of-address": FA_COA,
                                "advertisement-interval": 1, "advertisement-lifetime": 5}],
                 "max-registration-lifetime": 300, "registration-timeout": 3}, over)
    return {"pmip:pmip": {
        "global": {"log-level": "debug" if debug else "info", "debug": ["fa", "tunnel"]},
        "interface": [{"name": "lan", "description": "foreign LAN"}],
        "foreign-agent": fa,
    }}


def start_agents(topo, ha=None, fa=None):
    """Start the HA (config ha, default ha_config()) and the FA; None for either skips it."""
    out = {}
    if ha is not False:
        out["ha"] = topo.start_daemon("ha", {"node": "ha", "config": ha or ha_config(),
                                             "ready": r"home agent started"})
    if fa is not False:
        out["fa"] = topo.start_daemon("fa", {"node": "fa", "config": fa or fa_config(),
                                             "ready": r"foreign agent started"})
    return out


def mn_params(**over):
    """Parameters of lib.mn "register" for the mobile node registering through the FA."""
    p = {"home": MN_HOME, "ha": HA_ADDR, "coa": FA_COA, "agent": FA_COA, "spi": MN_SPI,
         "key_hex": MN_KEY_HEX, "alg": "hmac-md5", "lifetime": 120, "ifname": "eth0",
         "timeout": 1.0, "retries": 3}
    p.update(over)
    return p


def register(topo, **over):
    """Run one registration in the mn node; return lib.mn's result dict."""
    return mnlib.run_in(topo["mn"], "register", mn_params(**over))


# ---------------------------------------------------------------- observers


def ipv4_of(frame):
    """(proto, src, dst, inner) of an Ethernet/IPv4 frame, inner being the IPv4 payload; or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ihl < 20 or len(ip) < ihl:
        return None
    return (ip[9], socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), ip[ihl:])


def inner_of(proto, payload):
    """(proto, src, dst) of the packet inside IP-in-IP (4) or plain GRE (47), or None."""
    if proto == 47:
        if len(payload) < 4 or struct.unpack("!H", payload[2:4])[0] != 0x0800:
            return None
        flags = payload[0]
        off = 4 + (4 if flags & 0x80 else 0) + (4 if flags & 0x20 else 0) + \
            (4 if flags & 0x10 else 0)
        payload = payload[off:]
    elif proto != 4:
        return None
    if len(payload) < 20 or payload[0] >> 4 != 4:
        return None
    return (payload[9], socket.inet_ntoa(payload[12:16]), socket.inet_ntoa(payload[16:20]))


def classify(frames):
    """Sort captured frames into encapsulated ones (with their inner header) and plain ones.

    Returns {"encap": [(proto, src, dst, inner_proto, inner_src, inner_dst)],
    "plain": [(proto, src, dst)]}.
    """
    out = {"encap": [], "plain": []}
    for f in frames:
        h = ipv4_of(f)
        if h is None:
            continue
        proto, src, dst, payload = h
        inner = inner_of(proto, payload) if proto in (4, 47) else None
        if inner:
            out["encap"].append((proto, src, dst) + inner)
        else:
            out["plain"].append((proto, src, dst))
    return out


def garps(frames, addr):
    """Sender MACs of the gratuitous ARP replies (sender = target = addr) among frames."""
    out = []
    for f in frames:
        if len(f) < 42 or f[12:14] != b"\x08\x06" or f[20:22] != b"\x00\x02":
            continue
        spa, tpa = socket.inet_ntoa(f[28:32]), socket.inet_ntoa(f[38:42])
        if spa == addr and tpa == addr:
            out.append(":".join(f"{b:02x}" for b in f[22:28]))
    return out


def routes_to(node, addr):
    """Every route (all tables) whose destination is addr/32, as "ip route" text lines."""
    text = node.ip("route", "show", "table", "all", "to", addr + "/32")
    return [line for line in text.splitlines() if line.startswith(addr)]


def proxy_neigh(node, addr):
    """True when node has a proxy neighbour entry for addr ("ip neigh show proxy")."""
    return any(line.split()[:1] == [addr] for line in node.ip("neigh", "show", "proxy")
               .splitlines())


def neigh_mac(node, addr, dev):
    """The link-layer address node's neighbour table holds for addr on dev, or None."""
    for e in node.ip_json("neigh", "show", "to", addr, "dev", dev):
        if e.get("dst") == addr and "lladdr" in e:
            return e["lladdr"]
    return None


def mac_of(node, ifname):
    """The MAC address of ifname in node."""
    return node.link(ifname)["address"]
