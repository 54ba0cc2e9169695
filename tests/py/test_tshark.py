#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""tshark decodes what pmip-msgtool encodes: a third, independent reading of the wire format.

Every message type and extension kind is encoded by pmip-msgtool (the C codecs), wrapped in
IPv4+UDP (port 434) or IPv4+ICMP by wirelib, written to a LINKTYPE_RAW pcap and dissected by
tshark. For every packet the dissected fields must equal the values requested on the command
line (authenticators: the values Python's hmac/hashlib compute), and tshark must report no
malformed packet and no expert item of error severity. A missing tshark is a failure.
"""
import shutil
import struct

import pytest

import wirelib as w

KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
KEY2 = bytes.fromhex("f0e1d2c3b4a5968778695a4b3c2d1e0f")
ENTERPRISE = 8164  # an IANA enterprise number used as the vendor id
MN, FA, HA = "192.0.2.10", "198.51.100.1", "203.0.113.1"

RRQ_BITS = {"mip.s": 0x80, "mip.b": 0x40, "mip.d": 0x20, "mip.m": 0x10, "mip.g": 0x08,
            "mip.v": 0x04, "mip.t": 0x02, "mip.x": 0x01}
ADV_BITS = {"icmp.mip.r": 0x8000, "icmp.mip.b": 0x4000, "icmp.mip.h": 0x2000,
            "icmp.mip.f": 0x1000, "icmp.mip.m": 0x0800, "icmp.mip.g": 0x0400,
            "icmp.mip.v": 0x0200, "icmp.mip.rt": 0x0100, "icmp.mip.u": 0x0080,
            "icmp.mip.x": 0x0040}
# RFC 5944 2.1.1: "r" (formerly VJ) and the reserved bits are sent as zero.
ADV_SEND_ZERO = 0x0200 | 0x001F

# Registration specs (see wirelib.build): together they cover every message type and every
# extension kind the codec writes.
REG = [
    ("rrq-guide-vector", ("rrq", {"flags": 0x02, "lifetime": 1800, "home": "10.1.0.10",
                                  "ha": "10.1.0.1", "coa": "192.0.2.1",
                                  "ident": 0xE8F2A3B400000001},
                          [("auth", "mhae", 256, "hmac-md5", KEY)])),
    ("rrq-all-flags-nai-vse", ("rrq", {"flags": 0xFF, "lifetime": 0xFFFF, "home": "0.0.0.0",
                                       "ha": HA, "coa": FA, "ident": 0xFFFFFFFF00000000},
                               [("nai", "visitor-1@example.org"),
                                ("cvse", ENTERPRISE, 7, b"\x01\x02\x03"),
                                ("nvse", ENTERPRISE, 300, b"proxy"),
                                ("auth", "mhae", 0xFFFFFFFF, "keyed-md5", KEY),
                                ("eds",),
                                ("auth", "mfae", 1000, "hmac-md5", KEY2)])),
    ("rrq-flags-sbdmg", ("rrq", {"flags": 0xF8, "lifetime": 0, "home": MN, "ha": HA,
                                 "coa": MN, "ident": 1},
                         [("revsupport", 0x8000, 0x65A0BC00),
                          ("auth", "mhae", 257, "hmac-md5", KEY),
                          ("auth", "fhae", 258, "keyed-md5", KEY2)])),
    ("rrq-nat-dynha-pmip", ("rrq", {"flags": 0x02, "lifetime": 600, "home": MN,
                                    "ha": "255.255.255.255", "coa": FA, "ident": 0x1234},
                            [("nai", "mn@realm"), ("dyn-ha", 1, "203.0.113.77"),
                             ("udp-tun-req", 0xC0, 4),
                             ("pmip-nonskip", 1, b"\x01"),
                             ("pmip-skip", 1, b"\x00\x11\x22\x33\x44\x55"),
                             ("pmip-skip", 2, b"\x01\x00\x11\x22\x33\x44\x55"),
                             ("pmip-skip", 3, b"\x01\x31\x32\x33\x34"),
                             ("pmip-skip", 4, b"\x02"),
                             ("auth", "mhae", 4096, "hmac-md5", KEY),
                             ("challenge", b"\xde\xad\xbe\xef\x00\x01\x02\x03")])),
    ("rrq-mn-aaa-unknown-skippable", ("rrq", {"flags": 0x00, "lifetime": 30, "home": MN,
                                              "ha": HA, "coa": FA, "ident": 99},
                                      [("nai", "aaa@example.net"), ("ext", 200, b"\xaa\xbb"),
                                       ("auth", "mn-aaa", 3, "hmac-md5", KEY)])),
    ("rrp-accepted", ("rrp", {"code": 0, "lifetime": 1800, "home": MN, "ha": HA,
                              "ident": 0xE8F2A3B400000002},
                      [("udp-tun-reply", 0, 0x8000, 110),
                       ("auth", "mhae", 256, "hmac-md5", KEY)])),
    ("rrp-id-mismatch-msgstr", ("rrp", {"code": 133, "lifetime": 0, "home": MN, "ha": HA,
                                        "ident": 0xE8F2A3C000000001},
                                [("nai", "mn@realm"), ("msg-string", 1, "clock skew: 12 s"),
                                 ("nvse", ENTERPRISE, 1, b""),
                                 ("auth", "mhae", 256, "keyed-md5", KEY),
                                 ("auth", "mfae", 512, "hmac-md5", KEY2)])),
    ("rrp-fa-denied", ("rrp", {"code": 70, "lifetime": 0, "home": MN, "ha": HA, "ident": 7},
                       [("auth", "mhae", 256, "hmac-md5", KEY)])),
    ("revocation", ("revocation", {"flags": 0xC000, "home": MN, "hda": HA, "fda": FA,
                                   "revid": 0xDEADBEEF},
                    [("nai", "mn@realm"), ("auth", "fhae", 777, "hmac-md5", KEY)])),
    ("revocation-no-flags", ("revocation", {"flags": 0, "home": MN, "hda": HA, "fda": FA,
                                            "revid": 1},
                             [("auth", "fhae", 778, "keyed-md5", KEY)])),
    ("revocation-ack", ("ack", {"flags": 0x8000, "home": MN, "revid": 0xDEADBEEF},
                        [("auth", "fhae", 777, "hmac-md5", KEY)])),
    ("revocation-ack-bare", ("ack", {"flags": 0, "home": MN, "revid": 2}, [])),
]

# Advertisements: (name, encode arguments as a dict, routers list of (addr, pref)).
ADV = [
    ("adv-fa-9500", {"seq": 5, "lifetime": 1800, "flags": 0x9500, "coa": [FA],
                     "icmp-lifetime": 5400, "routers": [(FA, 0)], "prefix": [24]}),
    ("adv-ha-only", {"code": 16, "seq": 0, "lifetime": 36000, "flags": 0x2000, "coa": [],
                     "icmp-lifetime": 1800, "routers": [(HA, 10)], "prefix": None}),
    ("adv-ha-fa-two-coa", {"seq": 0xFFFF, "lifetime": 0xFFFF, "flags": 0x3000,
                           "coa": [FA, "198.51.100.2"], "icmp-lifetime": 600,
                           "routers": [(FA, 1), ("198.51.100.2", -1)], "prefix": [24, 25],
                           "pad": 3}),
    ("adv-busy-minimal-revocation", {"seq": 256, "lifetime": 180, "flags": 0xD840,
                                     "coa": [FA], "icmp-lifetime": 1800, "routers": [],
                                     "prefix": None}),
    ("adv-udp-regional-challenge", {"seq": 17, "lifetime": 600, "flags": 0x10A0,
                                    "coa": [FA], "icmp-lifetime": 1800,
                                    "routers": [(FA, 0x7FFFFFFF)], "prefix": [16],
                                    "challenge": b"\x01\x23\x45\x67\x89\xab\xcd\xef"}),
    ("adv-every-flag", {"seq": 1, "lifetime": 1, "flags": 0xFFFF, "coa": [FA, HA, MN],
                        "icmp-lifetime": 1, "routers": [(FA, 0)], "prefix": [32], "pad": 1}),
]


def adv_args(a):
    args = ["adv", "--seq", a["seq"], "--lifetime", a["lifetime"], "--flags", hex(a["flags"]),
            "--icmp-lifetime", a["icmp-lifetime"]]
    if "code" in a:
        args += ["--code", a["code"]]
    for addr, pref in a["routers"]:
        args += ["--router", f"{addr}:{pref}"]
    for c in a["coa"]:
        args += ["--coa", c]
    if a["prefix"] is not None:
        args += ["--prefix-lengths", ",".join(map(str, a["prefix"]))]
    if "challenge" in a:
        args += ["--challenge", a["challenge"].hex()]
    if "pad" in a:
        args += ["--pad", a["pad"]]
    return args


def ext_len_field(x):
    """Value of an extension's length field from wirelib's record of its total length."""
    long_form = x["type"] in (w.EXT_GEN_AUTH, w.EXT_CVSE, w.EXT_PMIP_NONSKIP)
    return x["length"] - (4 if long_form else 2)


def reg_expect(kind, hdr, exts):
    """Expected tshark fields of a registration spec, from the request and from Python."""
    m = w.build(kind, hdr, exts)
    raw = m.bytes()
    h = {k: 0 for k in ("flags", "lifetime", "code", "revid", "ident")}
    h.update({k: "0.0.0.0" for k in ("home", "ha", "coa", "hda", "fda")})
    h.update(hdr)
    e = {"mip.type": [raw[0]], "mip.homeaddr": [h["home"]]}
    if kind == "rrq":
        e.update({"mip.flags": [h["flags"]], "mip.life": [h["lifetime"]],
                  "mip.haaddr": [h["ha"]], "mip.coa": [h["coa"]],
                  "mip.ident_raw": ["%016x" % h["ident"]]})
        e.update({f: [int(bool(h["flags"] & bit))] for f, bit in RRQ_BITS.items()})
    elif kind == "rrp":
        e.update({"mip.code": [h["code"]], "mip.life": [h["lifetime"]],
                  "mip.haaddr": [h["ha"]], "mip.ident_raw": ["%016x" % h["ident"]]})
    elif kind == "revocation":
        e.update({"mip.flags2": [h["flags"]], "mip.rev.a": [int(bool(h["flags"] & 0x8000))],
                  "mip.rev.i": [int(bool(h["flags"] & 0x4000))], "mip.rev.hda": [h["hda"]],
                  "mip.rev.fda": [h["fda"]], "mip.revid": [h["revid"]],
                  "mip.rev.reserved": [0], "mip.rev.reserved2": [h["flags"] & 0x3FFF]})
    else:
        e.update({"mip.flags2": [h["flags"]], "mip.ack.i": [int(bool(h["flags"] & 0x8000))],
                  "mip.revid": [h["revid"]], "mip.ack.reserved": [0],
                  "mip.ack.reserved2": [h["flags"] & 0x7FFF]})
    e["mip.ext.type"] = [x["type"] for x in m.exts]
    e["mip.ext.len"] = [ext_len_field(x) for x in m.exts]

    def add(field, value):
        e.setdefault(field, []).append(value)

    for spec, x in zip(exts, m.exts):
        op, a = spec[0], spec[1:]
        if op == "auth":
            add("mip.auth.spi", a[1])
            # The authenticator Python computes over type byte .. SPI of this extension.
            body = x["offset"] + (8 if a[0] == "mn-aaa" else 6)
            add("mip.auth.auth", w.authenticator(a[2], a[3], raw[:body]))
            if a[0] == "mn-aaa":
                add("mip.ext.auth.subtype", 1)
        elif op == "nai":
            add("mip.nai", a[0])
        elif op in ("cvse", "nvse"):
            add(f"mip.ext.{op}.reserved", 0)
            add(f"mip.ext.{op}.vendor_id_raw", "%08x" % a[0])
            add(f"mip.ext.{op}.vendor_type", a[1])
            add(f"mip.ext.{op}.vendor_value", a[2])
        elif op == "revsupport":
            add("mip.ext.rev.flags", a[0])
            add("mip.ext.rev.i", int(bool(a[0] & 0x8000)))
            add("mip.ext.rev.reserved", a[0] & 0x7FFF)
            add("mip.ext.rev.tstamp", a[1])
        elif op in ("challenge", "ext", "eds"):
            add("mip.extension", a[-1] if op != "eds" else b"")
        elif op == "dyn-ha":
            add("mip.ext.dynha.subtype", a[0])
            add("mip.ext.dynha.ha", a[1])
        elif op == "udp-tun-req":
            add("mip.ext.utrq.flags", a[0])
            add("mip.ext.utrq.f", int(bool(a[0] & 0x80)))
            add("mip.ext.utrq.r", int(bool(a[0] & 0x40)))
            add("mip.ext.utrq.encaptype", a[1])
            add("mip.ext.utrq.reserved1", 0)
            add("mip.ext.utrq.reserved2", a[0] & 0x3F)
            add("mip.ext.utrq.reserved3", 0)
        elif op == "udp-tun-reply":
            add("mip.ext.utrp.code", a[0])
            add("mip.ext.utrp.flags", a[1])
            add("mip.ext.utrp.f", int(bool(a[1] & 0x8000)))
            add("mip.ext.utrp.keepalive", a[2])
            add("mip.ext.utrp.reserved", a[1] & 0x7FFF)
        elif op == "pmip-nonskip":
            add("mip.ext.pmipv4nonskipext.subtype", a[0])
            add("mip.ext.pmipv4nonskipext.pernodeauthmethod", a[1][0])
        elif op == "pmip-skip":
            sub, data = a
            add("mip.ext.pmipv4skipext.subtype", sub)
            if sub == 1:
                add("mip.ext.pmipv4skipext.interfaceid", data)
            elif sub == 2:
                add("mip.ext.pmipv4skipext.deviceid_type", data[0])
                add("mip.ext.pmipv4skipext.deviceid_id", data[1:])
            elif sub == 3:
                add("mip.ext.pmipv4skipext.subscriberid_type", data[0])
                add("mip.ext.pmipv4skipext.subscriberid_id", data[1:])
            else:
                add("mip.ext.pmipv4skipext.accesstechnology_type", data[0])
        elif op == "msg-string":
            add("mip.ext.msgstr.subtype", a[0])
            add("mip.ext.msgstr.text", a[1])
    e.setdefault("mip.nai", [])
    e.setdefault("mip.auth.spi", [])
    return e


def adv_expect(a):
    """Expected tshark fields of an advertisement, from the requested values."""
    flags = a["flags"] & ~ADV_SEND_ZERO
    types = [16] + ([19] if a["prefix"] is not None else []) + \
        ([24] if "challenge" in a else []) + [0] * a.get("pad", 0)
    lengths = [6 + 4 * len(a["coa"])] + ([len(a["prefix"])] if a["prefix"] is not None else []) \
        + ([len(a["challenge"])] if "challenge" in a else [])
    e = {"icmp.type": [9], "icmp.code": [a.get("code", 0)], "icmp.checksum.status": [1],
         "icmp.num_addrs": [len(a["routers"])], "icmp.addr_entry_size": [2],
         "icmp.lifetime": [a["icmp-lifetime"]],
         "icmp.router_address": [r for r, _ in a["routers"]],
         "icmp.pref_level": [p for _, p in a["routers"]],
         "icmp.mip.type": types, "icmp.mip.length": lengths,
         "icmp.mip.seq": [a["seq"]], "icmp.mip.life": [a["lifetime"]],
         "icmp.mip.flags": [flags], "icmp.mip.reserved": [flags & 0x3F],
         "icmp.mip.coa": list(a["coa"]),
         "icmp.mip.prefixlength": list(a["prefix"] or []), "ip.ttl": [1]}
    e.update({f: [int(bool(flags & bit))] for f, bit in ADV_BITS.items()})
    if "challenge" in a:
        e["icmp.mip.challenge"] = [a["challenge"]]
    return e


def norm(expected, actual):
    """Compare one expected value with tshark's text: ints numerically, bytes as hex."""
    if isinstance(actual, tuple):  # a _raw entry: compare its hex
        actual = actual[0]
    if isinstance(expected, bool) or isinstance(expected, int):
        return int(actual, 0) == expected
    if isinstance(expected, bytes):
        return bytes.fromhex(actual.replace(":", "")) == expected
    return actual == expected


def build_packets():
    """(name, raw IPv4 packet, expected fields) for every packet of the capture."""
    pkts = []
    for name, spec in REG:
        msg = w.encode(*w.cli(*spec))
        src, dst = (MN, HA) if spec[0] == "rrq" else (HA, FA)
        pkts.append((name, w.udp4(src, dst, 49152 if spec[0] == "rrq" else 434, 434, msg),
                     reg_expect(*spec)))
    for name, a in ADV:
        icmp = w.encode(*adv_args(a))
        pkts.append((name, w.icmp4(FA, "224.0.0.1", icmp, ttl=1), adv_expect(a)))
    sol = w.encode("sol")
    pkts.append(("solicitation", w.icmp4(MN, "224.0.0.2", sol, ttl=1),
                 {"icmp.type": [10], "icmp.code": [0], "icmp.checksum.status": [1],
                  "ip.ttl": [1], "icmp.mip.type": []}))
    return pkts


NAMES = [n for n, _ in REG] + [n for n, _ in ADV] + ["solicitation"]


@pytest.fixture(scope="module")
def dissected(tmp_path_factory):
    assert shutil.which("tshark"), "tshark is missing: run scripts/install-deps.sh"
    assert w.msgtool_path().exists(), f"{w.msgtool_path()} missing: build the tree first"
    pkts = build_packets()
    pcap = tmp_path_factory.mktemp("tshark") / "wire.pcap"
    w.write_pcap(pcap, [p for _, p, _ in pkts])
    fields = w.tshark_packets(pcap)
    assert len(fields) == len(pkts)
    return {name: (raw, exp, f) for (name, raw, exp), f in zip(pkts, fields)}


def test_pcap_header_is_linktype_raw(tmp_path):
    """The capture file written in Python has the classic pcap header and LINKTYPE_RAW."""
    pcap = tmp_path / "one.pcap"
    pkt = w.icmp4(MN, "224.0.0.2", w.agent_sol(), ttl=1)
    w.write_pcap(pcap, [pkt])
    data = pcap.read_bytes()
    assert struct.unpack("<IHHiIII", data[:24]) == (0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)
    assert struct.unpack("<IIII", data[24:40])[2:] == (len(pkt), len(pkt))
    assert data[40:] == pkt


@pytest.mark.parametrize("name", NAMES)
def test_tshark_decodes(dissected, name):
    raw, expected, fields = dissected[name]
    assert w.tshark_problems(fields) == []
    assert fields.get("ip.checksum.status") == ["1"], "IPv4 header checksum"
    if raw[9] == 17:
        assert fields.get("udp.checksum.status") == ["1"], "UDP checksum"
        assert fields.get("udp.dstport") == ["434"]
        assert "mip.data_not_dissected" not in fields
    for field, values in expected.items():
        got = fields.get(field, [])
        assert len(got) == len(values), f"{field}: expected {values}, tshark {got}"
        for exp, act in zip(values, got):
            assert norm(exp, act), f"{field}: expected {exp!r}, tshark {act!r}"
