# SPDX-License-Identifier: BSD-2-Clause
"""The roaming scenario, as data: one topology and four pmipd configs shared by the test and the demo.

    cn ---- hr (HA) ==== core ==== fr (FA)
            |                      |
         home LAN               foreign LAN
            |                      |
      hap: br0 (up0, wlan0)   fap: br0 (up0, wlan0)
           air0 (radio0)           air0 (radio0)
             \\                      /
              client (192.0.2.100, gateway 192.0.2.1) moves between the two air0 bridges

Each access point is a bridge br0 between its LAN port up0 and its client-facing
port wlan0 (the "radio" side of wlan0 is the bridge air0, where clients attach).
Moving the client's link from one air0 to the other is a roam: the client keeps
its interface, MAC, addresses and sockets, and sees a carrier flap.

Addresses (documentation ranges only):
  home LAN      192.0.2.0/24      hr 192.0.2.1 (HA, gateway), hap 192.0.2.2, client 192.0.2.100
  foreign LAN   198.51.100.0/24   fr 198.51.100.1 (FA, care-of address), fap 198.51.100.2
  CN network    203.0.113.0/25    hr 203.0.113.1, cn 203.0.113.10
  core link     203.0.113.128/25  hr 203.0.113.129, fr 203.0.113.130
"""
import copy

HOME_PREFIX = "192.0.2.0/24"
HA_ADDR = "192.0.2.1"
HAP_ADDR = "192.0.2.2"
CLIENT_ADDR = "192.0.2.100"
CLIENT_MAC = "02:00:00:00:01:00"
FA_ADDR = "198.51.100.1"
FAP_ADDR = "198.51.100.2"
CN_ADDR = "203.0.113.10"
HR_CORE, FR_CORE = "203.0.113.129", "203.0.113.130"

# The client's mobility security association, known to the HA and to both APs.
CLIENT_SPI = 1000
CLIENT_KEY_HEX = "8f3a1c5e7b9d2f40a6c8e1b3d5f70921"

NO_RPF = {"net.ipv4.conf.all.rp_filter": 0, "net.ipv4.conf.default.rp_filter": 0}


def _ap_node(addr, gateway):
    return {"gateway": gateway, "sysctls": dict(NO_RPF),
            "bridges": {"br0": {"addrs": [addr + "/24"]}, "air0": {}}}


def topology(start="hap"):
    """The topology spec (lib.topo) with the client attached to access point start."""
    return {
        "nodes": {
            "cn": {"gateway": "203.0.113.1"},
            "hr": {"forward": True, "sysctls": dict(NO_RPF),
                   "routes": [{"dst": "198.51.100.0/24", "via": FR_CORE}]},
            "fr": {"forward": True, "sysctls": dict(NO_RPF), "gateway": HR_CORE},
            "hap": _ap_node(HAP_ADDR, HA_ADDR),
            "fap": _ap_node(FAP_ADDR, FA_ADDR),
            # arp_notify: the client announces itself (gratuitous ARP) when its link comes
            # back after a roam, as wireless clients do on reassociation.
            "client": {"gateway": HA_ADDR,
                       "sysctls": dict(NO_RPF, **{"net.ipv4.conf.all.arp_notify": 1,
                                                  "net.ipv4.conf.default.arp_notify": 1})},
        },
        "links": [
            {"name": "cnnet", "a": {"node": "cn", "ifname": "eth0", "addrs": [CN_ADDR + "/25"]},
             "b": {"node": "hr", "ifname": "cn0", "addrs": ["203.0.113.1/25"]}},
            {"name": "core", "a": {"node": "hr", "ifname": "core0", "addrs": [HR_CORE + "/25"]},
             "b": {"node": "fr", "ifname": "core0", "addrs": [FR_CORE + "/25"]}},
            {"name": "homelan", "a": {"node": "hr", "ifname": "lan0", "addrs": [HA_ADDR + "/24"]},
             "b": {"node": "hap", "ifname": "up0", "bridge": "br0"}},
            {"name": "foreignlan", "a": {"node": "fr", "ifname": "lan0",
                                         "addrs": [FA_ADDR + "/24"]},
             "b": {"node": "fap", "ifname": "up0", "bridge": "br0"}},
            {"name": "hap-radio", "a": {"node": "hap", "ifname": "wlan0", "bridge": "br0"},
             "b": {"node": "hap", "ifname": "radio0", "bridge": "air0"}},
            {"name": "fap-radio", "a": {"node": "fap", "ifname": "wlan0", "bridge": "br0"},
             "b": {"node": "fap", "ifname": "radio0", "bridge": "air0"}},
            {"name": "air", "a": {"node": "client", "ifname": "eth0",
                                  "addrs": [CLIENT_ADDR + "/24"], "mac": CLIENT_MAC},
             "b": {"node": start, "ifname": "sta0", "bridge": "air0"}},
        ],
    }


def _client_sa(entity=None):
    sa = {"name": "client", "host": CLIENT_ADDR, "spi": CLIENT_SPI, "key-hex": CLIENT_KEY_HEX,
          "algorithm": "hmac-md5"}
    if entity:
        sa["entity"] = entity
    return sa


def ha_config(log_level="info"):
    """The home agent on hr: home network 192.0.2.0/24 on lan0."""
    return {"pmip:pmip": {
        "global": {"log-level": log_level},
        "interface": [{"name": "lan0", "description": "home LAN"}],
        "security-association": [_client_sa()],
        "home-agent": {
            "home-network": [{"prefix": HOME_PREFIX, "address": HA_ADDR, "interface": "lan0"}],
            "max-lifetime": 600,
        },
    }}


def fa_config(log_level="info"):
    """The foreign agent on fr: advertises on lan0 every second, care-of address 198.51.100.1."""
    return {"pmip:pmip": {
        "global": {"log-level": log_level},
        "interface": [{"name": "lan0", "description": "foreign LAN"}],
        "foreign-agent": {
            "interface": [{"name": "lan0", "care-of-address": FA_ADDR,
                           "advertisement-interval": 1, "advertisement-lifetime": 5}],
            "max-registration-lifetime": 300,
            "registration-timeout": 3,
        },
    }}


def ap_config(log_level="info", lifetime=None, extra=None):
    """A proxy access point (the same config on both APs): clients on wlan0, one subnet-map entry."""
    proxy = {
        "client-interface": "wlan0",
        "idle-timeout": 30,
        "subnet-map": [{"prefix": HOME_PREFIX, "home-agent": HA_ADDR}],
    }
    if lifetime:
        proxy["requested-lifetime"] = lifetime
    if extra:
        proxy.update(copy.deepcopy(extra))
    return {"pmip:pmip": {
        "global": {"log-level": log_level, "debug": ["proxy"]},
        "interface": [{"name": "wlan0", "description": "client-facing port (radio)"}],
        "security-association": [_client_sa()],
        "proxy": proxy,
    }}


def daemons(log_level="info", ap_extra=None, lifetime=None):
    """Daemon specs for Topology: HA on hr, FA on fr, proxy APs on hap and fap."""
    return {
        "ha": {"node": "hr", "config": ha_config(log_level), "ready": r"home agent started"},
        "fa": {"node": "fr", "config": fa_config(log_level), "ready": r"foreign agent started"},
        "hap": {"node": "hap", "config": ap_config(log_level, lifetime, ap_extra),
                "ready": r"proxy .*started"},
        "fap": {"node": "fap", "config": ap_config(log_level, lifetime, ap_extra),
                "ready": r"proxy .*started"},
    }


def roam(topo, to, dna=True):
    """Move the client to access point to ("hap" or "fap") and let it check its attachment.

    After the move the client does what common wireless clients do on
    (re)association: it announces its address with a gratuitous ARP, then
    checks its gateway with an ARP request (detecting network attachment, RFC
    4436). Returns the MAC that answered for the gateway, or None when nobody
    did; at the foreign AP that is the FA's MAC given by the AP's interception.
    With dna False the client only announces itself (returns None): its
    neighbour cache is then what the access points make of it.
    """
    topo.move_link("air", to, bridge="air0")
    topo["client"].run(["arping", "-U", "-c", "1", "-I", "eth0", CLIENT_ADDR], timeout=10)
    if not dna:
        return None
    res = topo["client"].run(["arping", "-c", "3", "-w", "6", "-I", "eth0", HA_ADDR], timeout=15)
    for line in res.stdout.splitlines():
        if "reply from" in line and "[" in line:
            return line.split("[", 1)[1].split("]", 1)[0].lower()
    return None


# ------------------------------------------------------------------ RADIUS-keyed variant
#
# The same scenario with the client's SA held only by a RADIUS server: the HA
# and both APs ask it (key-store order local, then radius) and none of the
# four configs has a security association for the client.

def radius_key_store(address, secret, password, port=1812, timeout_ms=1000, retries=2,
                     **extra):
    """A /pmip:pmip/key-store subtree: the local store first, then one RADIUS server."""
    radius = {"server": [{"name": "aaa", "address": address, "port": port, "secret": secret,
                          "timeout-ms": timeout_ms, "retries": retries}],
              "user-password": password}
    radius.update(extra)
    return {"order": ["local", "radius"], "radius": radius}


def _radius_keyed(cfg, key_store):
    """cfg without any local SA, asking key_store instead (a new dict)."""
    cfg = copy.deepcopy(cfg)
    body = cfg["pmip:pmip"]
    body.pop("security-association", None)
    body["key-store"] = copy.deepcopy(key_store)
    return cfg


def radius_daemons(key_store, log_level="info", ap_extra=None, lifetime=None):
    """daemons() with the client's SA on RADIUS only: HA and APs use key_store, no local SA."""
    out = daemons(log_level, ap_extra, lifetime)
    for name in ("ha", "hap", "fap"):
        out[name]["config"] = _radius_keyed(out[name]["config"], key_store)
    return out


# ------------------------------------------------------------------ with an AAP (issue #5)
#
# The same topology with an authoritative access point: a second pmipd on hr in the AAP
# role, on hr's CN-side address (both APs reach it through their gateways). The APs have
# no subnet-map entry for the client's home subnet (the foreign AP has none at all): the
# home AP learns its home agent by agent discovery (the HA's advertisements with the H
# flag and the prefix length) or, when the HA does not advertise, from a static entry for
# its own subnet, reports it to the AAP, and the foreign AP receives it from the AAP.

AAP_ADDR = "203.0.113.1"
AAP_KEY_HEX = "6161702d67726f75702d6b65792d666f722d74657374732d6f6e6c792d313233"  # 32 bytes


def ha_config_advertising(log_level="info"):
    """ha_config() with agent advertisements (H flag, prefix length) on the home LAN."""
    cfg = ha_config(log_level)
    net = cfg["pmip:pmip"]["home-agent"]["home-network"][0]
    net.update({"advertise": True, "advertisement-interval": 1, "advertisement-lifetime": 5})
    return cfg


def aap_config(log_level="info"):
    """The AAP on hr."""
    return {"pmip:pmip": {
        "global": {"log-level": log_level, "debug": ["aap"]},
        "aap": {"address": AAP_ADDR, "group-key": AAP_KEY_HEX, "compare-interval": 5},
    }}


def aap_ap_config(log_level="info", lifetime=None, static_map=(), hello_ms=500):
    """ap_config() with the AAP and only the static subnet-map entries in static_map."""
    cfg = ap_config(log_level, lifetime)
    proxy = cfg["pmip:pmip"]["proxy"]
    if static_map:
        proxy["subnet-map"] = [dict(e) for e in static_map]
    else:
        del proxy["subnet-map"]
    proxy["aap"] = [AAP_ADDR]
    proxy["aap-client"] = {"group-key": AAP_KEY_HEX, "hello-interval-ms": hello_ms}
    return cfg


def aap_daemons(log_level="info", lifetime=None, advertise=True):
    """Daemon specs: HA (advertising when advertise), FA, the AAP on hr, and the two APs with
    the AAP. Without advertisements the home AP gets one static entry, its own subnet; the
    foreign AP never has one."""
    own = () if advertise else ({"prefix": HOME_PREFIX, "home-agent": HA_ADDR},)
    return {
        "ha": {"node": "hr", "ready": r"home agent started",
               "config": ha_config_advertising(log_level) if advertise else ha_config(log_level)},
        "fa": {"node": "fr", "config": fa_config(log_level), "ready": r"foreign agent started"},
        "aap": {"node": "hr", "config": aap_config(log_level), "ready": r"running with"},
        "hap": {"node": "hap", "config": aap_ap_config(log_level, lifetime, own),
                "ready": r"proxy .*started"},
        "fap": {"node": "fap", "config": aap_ap_config(log_level, lifetime),
                "ready": r"proxy .*started"},
    }


# ------------------------------------------------------------------ NAI-keyed variant (issue #4 item 3)
#
# The same scenario with the client's SA configured for an NAI only (no host or range): the
# APs list the client's MAC under /pmip/proxy/client-nai, so their requests carry the MN-NAI
# extension (RFC 2794) and every party finds the SA by that NAI.

CLIENT_NAI = "client100@home.example"


def _client_sa_nai():
    return {"name": "client-by-nai", "nai": CLIENT_NAI, "spi": CLIENT_SPI,
            "key-hex": CLIENT_KEY_HEX, "algorithm": "hmac-md5"}


def nai_daemons(log_level="info", lifetime=None, list_client=True):
    """daemons() with an NAI-only SA on the HA and both APs; the APs map CLIENT_MAC to
    CLIENT_NAI (client-nai) unless list_client is False."""
    extra = {"client-nai": [{"mac": CLIENT_MAC, "nai": CLIENT_NAI}]} if list_client else None
    out = daemons(log_level, extra, lifetime)
    for name in ("ha", "hap", "fap"):
        out[name]["config"]["pmip:pmip"]["security-association"] = [_client_sa_nai()]
    return out


def keep_neighbours_on_roam(spec):
    """Make the client of topology spec keep its neighbour cache across link moves, as a
    wireless client roaming between access points of one network does (arp_evict_nocarrier=0,
    Linux 5.16): a move here is a carrier flap, which otherwise flushes the cache. Returns spec."""
    sysctls = spec["nodes"]["client"].setdefault("sysctls", {})
    sysctls["net.ipv4.conf.all.arp_evict_nocarrier"] = 0
    sysctls["net.ipv4.conf.default.arp_evict_nocarrier"] = 0
    return spec
