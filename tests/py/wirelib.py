#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""wirelib - an independent pure-Python encoder of the Mobile IPv4 wire format.

This module is the second implementation the wire tests compare pmipd's C codec
against. It uses only the standard library (struct, hmac, hashlib) and is
written from RFC 5944 (registration request and reply, authentication
extensions), RFC 3543 (revocation, revocation ack, revocation support), RFC 2794
(MN-NAI), RFC 3115 (CVSE, NVSE), RFC 3024 (encapsulating delivery style) and
RFC 1256 plus RFC 5944 section 2.1 (agent advertisement and solicitation). It
never imports or calls pmipd code to compute an expected value.

It also carries the plumbing the wire tests share: IPv4/UDP/ICMP framing with
correct checksums, a pcap writer (LINKTYPE_RAW) and a runner for pmip-msgtool.
"""
import hashlib
import hmac
import ipaddress
import json
import os
import pathlib
import struct
import subprocess

# Message types (RFC 5944 section 3, RFC 3543 section 3).
RRQ = 1
RRP = 3
REVOCATION = 7
REVOCATION_ACK = 15

# Extension types.
EXT_MHAE = 32
EXT_MFAE = 33
EXT_FHAE = 34
EXT_GEN_AUTH = 36
EXT_CVSE = 38
EXT_UDP_TUN_REPLY = 44
EXT_PMIP_NONSKIP = 47
EXT_EDS = 130
EXT_NAI = 131
EXT_CHALLENGE = 132
EXT_NVSE = 134
EXT_REVSUPPORT = 137
EXT_DYN_HA = 139
EXT_UDP_TUN_REQ = 144
EXT_MSG_STRING = 145
EXT_PMIP_SKIP = 147

AUTH_TYPES = {"mhae": EXT_MHAE, "mfae": EXT_MFAE, "fhae": EXT_FHAE, "mn-aaa": EXT_GEN_AUTH}

# ICMP router discovery (RFC 1256) and mobility agent extensions (RFC 5944 2.1).
ICMP_ROUTER_ADV = 9
ICMP_ROUTER_SOL = 10
ADV_EXT_PAD = 0
ADV_EXT_MOBILITY = 16
ADV_EXT_PREFIX_LEN = 19

MIP_PORT = 434
AUTH_LEN = 16


def ip4(addr):
    """Pack a dotted-quad IPv4 address into 4 bytes."""
    return ipaddress.IPv4Address(addr).packed


# ---------------------------------------------------------------- authenticators

def hmac_md5(key, data):
    """HMAC-MD5 (RFC 2104) of data under key."""
    return hmac.new(key, data, hashlib.md5).digest()


def keyed_md5(key, data):
    """Keyed-MD5 prefix+suffix (RFC 2002): MD5(key || data || key)."""
    return hashlib.md5(key + data + key).digest()


ALGS = {"hmac-md5": hmac_md5, "keyed-md5": keyed_md5}


def authenticator(alg, key, data):
    """Authenticator of data for the algorithm named alg ("hmac-md5" or "keyed-md5")."""
    return ALGS[alg](key, data)


# ---------------------------------------------------------------- registration messages

class Msg:
    """A registration message under construction: fixed header plus extensions.

    exts records, for every appended extension, a dict with its type, byte
    offset and total length, so tests can compare the decoder's extension list.
    """

    def __init__(self, header):
        self.buf = bytearray(header)
        self.exts = []

    def _add(self, etype, raw):
        self.exts.append({"type": etype, "offset": len(self.buf), "length": len(raw)})
        self.buf += raw
        return self

    def ext(self, etype, body):
        """Append a plain TLV extension: type, 8-bit length, body."""
        if len(body) > 255:
            raise ValueError("extension body too long")
        return self._add(etype, struct.pack("!BB", etype, len(body)) + body)

    def nai(self, nai):
        """Append an MN-NAI extension (RFC 2794); the NAI is not NUL-terminated."""
        return self.ext(EXT_NAI, nai.encode() if isinstance(nai, str) else nai)

    def eds(self):
        """Append an Encapsulating Delivery Style extension (RFC 3024), length 0."""
        return self.ext(EXT_EDS, b"")

    def nvse(self, vendor, vtype, value=b""):
        """Append an NVSE (RFC 3115): reserved (2), vendor id (4), type (2), value."""
        return self.ext(EXT_NVSE, struct.pack("!HIH", 0, vendor, vtype) + value)

    def cvse(self, vendor, vtype, value=b""):
        """Append a CVSE (RFC 3115): type, reserved, 16-bit length, vendor, type, value."""
        body = struct.pack("!IH", vendor, vtype) + value
        return self._add(EXT_CVSE, struct.pack("!BBH", EXT_CVSE, 0, len(body)) + body)

    def revsupport(self, flags, timestamp):
        """Append a Revocation Support extension (RFC 3543): flags (2), timestamp (4)."""
        return self.ext(EXT_REVSUPPORT, struct.pack("!HI", flags, timestamp))

    def short(self, etype, subtype, body):
        """Append a short-form extension: type, length (counts the sub-type), sub-type, body."""
        return self._add(etype, struct.pack("!BBB", etype, len(body) + 1, subtype) + body)

    def long(self, etype, subtype, body):
        """Append a long-form extension: type, sub-type, 16-bit length, body."""
        return self._add(etype, struct.pack("!BBH", etype, subtype, len(body)) + body)

    def challenge(self, data):
        """Append an MN-FA Challenge extension (RFC 3012)."""
        return self.ext(EXT_CHALLENGE, data)

    def dyn_ha(self, subtype, addr):
        """Append a Dynamic HA extension (RFC 4433): sub-type, home agent address."""
        return self.short(EXT_DYN_HA, subtype, ip4(addr))

    def udp_tun_req(self, flags, encap):
        """Append a UDP Tunnel Request (RFC 3519 3.1): sub-type 0, reserved, flags, encap,
        reserved (2)."""
        return self.short(EXT_UDP_TUN_REQ, 0, struct.pack("!BBBH", 0, flags, encap, 0))

    def udp_tun_reply(self, code, flags, keepalive):
        """Append a UDP Tunnel Reply (RFC 3519 3.2): sub-type 0, code, flags, keepalive."""
        return self.short(EXT_UDP_TUN_REPLY, 0, struct.pack("!BHH", code, flags, keepalive))

    def pmip_nonskip(self, subtype, body):
        """Append a PMIPv4 non-skippable extension (RFC 5563, long form)."""
        return self.long(EXT_PMIP_NONSKIP, subtype, body)

    def pmip_short(self, subtype, body):
        """Append a PMIPv4 skippable extension (RFC 5563, short form)."""
        return self.short(EXT_PMIP_SKIP, subtype, body)

    def msg_string(self, subtype, text):
        """Append a Message String extension (RFC 4917, short form)."""
        return self.short(EXT_MSG_STRING, subtype, text.encode())

    def auth_header(self, etype, spi):
        """Header and SPI of an authentication extension (type 36 uses the long form)."""
        if etype == EXT_GEN_AUTH:
            return struct.pack("!BBHI", etype, 1, 4 + AUTH_LEN, spi)
        return struct.pack("!BBI", etype, 4 + AUTH_LEN, spi)

    def covered(self, etype, spi):
        """Bytes an authenticator of type etype with SPI spi appended now would cover."""
        return bytes(self.buf) + self.auth_header(etype, spi)

    def auth(self, etype, spi, alg, key):
        """Append an MHAE/MFAE/FHAE (or MN-AAA) computed over everything before its
        authenticator: the message so far plus this extension's header and SPI."""
        if isinstance(etype, str):
            etype = AUTH_TYPES[etype]
        data = self.covered(etype, spi)
        return self._add(etype, data[len(self.buf):] + authenticator(alg, key, data))

    def auth_raw(self, etype, spi, auth):
        """Append an authentication extension carrying the given authenticator bytes."""
        hdr = self.auth_header(etype, spi)
        if etype != EXT_GEN_AUTH:
            hdr = hdr[:1] + bytes([4 + len(auth)]) + hdr[2:]
        return self._add(etype, hdr + auth)

    def bytes(self):
        return bytes(self.buf)


def rrq(flags=0, lifetime=0, home="0.0.0.0", ha="0.0.0.0", coa="0.0.0.0", ident=0):
    """Registration Request fixed header (RFC 5944 section 3.3), 24 bytes."""
    return Msg(struct.pack("!BBH4s4s4sQ", RRQ, flags, lifetime, ip4(home), ip4(ha), ip4(coa),
                           ident))


def rrp(code=0, lifetime=0, home="0.0.0.0", ha="0.0.0.0", ident=0):
    """Registration Reply fixed header (RFC 5944 section 3.4), 20 bytes."""
    return Msg(struct.pack("!BBH4s4sQ", RRP, code, lifetime, ip4(home), ip4(ha), ident))


def revocation(flags=0, home="0.0.0.0", hda="0.0.0.0", fda="0.0.0.0", revid=0):
    """Registration Revocation fixed header (RFC 3543 section 3.1), 20 bytes.

    flags is the 16-bit word after the reserved byte: A = 0x8000, I = 0x4000.
    """
    return Msg(struct.pack("!BBH4s4s4sI", REVOCATION, 0, flags, ip4(home), ip4(hda), ip4(fda),
                           revid))


def revocation_ack(flags=0, home="0.0.0.0", revid=0):
    """Registration Revocation Ack fixed header (RFC 3543 section 3.2), 12 bytes.

    flags is the 16-bit word after the reserved byte: I = 0x8000.
    """
    return Msg(struct.pack("!BBH4sI", REVOCATION_ACK, 0, flags, ip4(home), revid))


# ---------------------------------------------------------------- message specifications
#
# A spec is (kind, hdr, exts): kind is "rrq", "rrp", "revocation" or "ack"; hdr a dict of
# fixed-part fields named like the pmip-msgtool options; exts a list of tuples, one per
# extension in wire order:
#   ("nai", str) ("eds",) ("cvse", vendor, vtype, value) ("nvse", vendor, vtype, value)
#   ("revsupport", flags, timestamp) ("challenge", data) ("dyn-ha", subtype, addr)
#   ("udp-tun-req", flags, encap) ("udp-tun-reply", code, flags, keepalive)
#   ("pmip-nonskip", subtype, data) ("pmip-skip", subtype, data) ("msg-string", subtype, text)
#   ("ext", type, data) ("auth", "mhae"|"mfae"|"fhae"|"mn-aaa", spi, alg, key)
# build() turns a spec into bytes with this module; cli() into pmip-msgtool arguments.

HEADERS = {"rrq": rrq, "rrp": rrp, "revocation": revocation, "ack": revocation_ack}


def build(kind, hdr, exts):
    """Encode a spec with this module; returns the Msg (bytes() and exts inside)."""
    m = HEADERS[kind](**hdr)
    for e in exts:
        op, args = e[0], e[1:]
        if op == "nai":
            m.nai(args[0])
        elif op == "eds":
            m.eds()
        elif op == "cvse":
            m.cvse(*args)
        elif op == "nvse":
            m.nvse(*args)
        elif op == "revsupport":
            m.revsupport(*args)
        elif op == "challenge":
            m.challenge(args[0])
        elif op == "dyn-ha":
            m.dyn_ha(*args)
        elif op == "udp-tun-req":
            m.udp_tun_req(*args)
        elif op == "udp-tun-reply":
            m.udp_tun_reply(*args)
        elif op == "pmip-nonskip":
            m.pmip_nonskip(*args)
        elif op == "pmip-skip":
            m.pmip_short(*args)
        elif op == "msg-string":
            m.msg_string(*args)
        elif op == "ext":
            m.ext(*args)
        elif op == "auth":
            m.auth(*args)
        else:
            raise ValueError(f"unknown extension op {op}")
    return m


def cli(kind, hdr, exts):
    """pmip-msgtool "encode" arguments for a spec."""
    args = [kind]
    for k, v in hdr.items():
        args += [f"--{k}", hex(v) if isinstance(v, int) else v]
    for e in exts:
        op, a = e[0], e[1:]
        if op == "nai":
            args += ["--nai", a[0]]
        elif op == "eds":
            args += ["--eds"]
        elif op in ("cvse", "nvse"):
            args += [f"--{op}", f"{a[0]}:{a[1]}:{a[2].hex()}"]
        elif op in ("challenge",):
            args += ["--challenge", a[0].hex()]
        elif op in ("pmip-nonskip", "pmip-skip", "ext"):
            args += [f"--{op}", f"{a[0]}:{a[1].hex()}"]
        elif op == "auth":
            args += ["--auth", f"{a[0]}:{a[1]}:{a[2]}:{a[3].hex()}"]
        else:
            args += [f"--{op}", ":".join(str(x) for x in a)]
    return args


# ---------------------------------------------------------------- ICMP agent discovery

def inet_checksum(data):
    """RFC 1071 Internet checksum of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _icmp(itype, code, body):
    msg = struct.pack("!BBH", itype, code, 0) + body
    return msg[:2] + struct.pack("!H", inet_checksum(msg)) + msg[4:]


def agent_adv(routers=(), icmp_lifetime=1800, code=0, seq=0, reg_lifetime=0, flags=0,
              coas=(), prefix_lengths=None, pad=0, challenge=None):
    """Agent Advertisement: ICMP router advertisement plus mobility extensions.

    routers is a sequence of (address, preference); coas the care-of
    addresses of the type-16 extension; prefix_lengths, if not None, a
    sequence of prefix lengths for a type-19 extension; pad the number of
    one-byte padding extensions (type 0) appended last; challenge, if not
    None, the bytes of a type-24 challenge extension.
    """
    body = struct.pack("!BBH", len(routers), 2, icmp_lifetime)
    for addr, pref in routers:
        body += ip4(addr) + struct.pack("!i", pref)
    ma = struct.pack("!HHH", seq, reg_lifetime, flags) + b"".join(ip4(c) for c in coas)
    body += struct.pack("!BB", ADV_EXT_MOBILITY, len(ma)) + ma
    if prefix_lengths is not None:
        body += struct.pack("!BB", ADV_EXT_PREFIX_LEN, len(prefix_lengths))
        body += bytes(prefix_lengths)
    if challenge is not None:
        body += struct.pack("!BB", 24, len(challenge)) + challenge
    body += bytes([ADV_EXT_PAD]) * pad
    return _icmp(ICMP_ROUTER_ADV, code, body)


def agent_sol():
    """Agent Solicitation: ICMP router solicitation (type 10, code 0, reserved 0)."""
    return _icmp(ICMP_ROUTER_SOL, 0, b"\0\0\0\0")


# ---------------------------------------------------------------- IPv4 framing and pcap

def ipv4(src, dst, proto, payload, ttl=64, ident=0):
    """IPv4 header (no options, DF clear) with a correct checksum, plus payload."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, ttl, proto, 0,
                      ip4(src), ip4(dst))
    return hdr[:10] + struct.pack("!H", inet_checksum(hdr)) + hdr[12:] + payload


def udp4(src, dst, sport, dport, payload, ttl=64):
    """IPv4 + UDP datagram with correct IP and UDP checksums."""
    ulen = 8 + len(payload)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, ulen)
    seg = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    csum = inet_checksum(pseudo + seg) or 0xFFFF
    seg = seg[:6] + struct.pack("!H", csum) + seg[8:]
    return ipv4(src, dst, 17, seg, ttl)


def icmp4(src, dst, icmp, ttl=64):
    """IPv4 packet carrying an already checksummed ICMP message."""
    return ipv4(src, dst, 1, icmp, ttl)


LINKTYPE_RAW = 101


def write_pcap(path, packets):
    """Write packets (raw IPv4 bytes) to a classic pcap file with LINKTYPE_RAW."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_RAW))
        for i, pkt in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(pkt), len(pkt)))
            f.write(pkt)


# ---------------------------------------------------------------- pmip-msgtool runner

def build_dir():
    """Build tree holding the tools: $PMIP_BUILD_DIR, default <source>/build."""
    return pathlib.Path(os.environ.get("PMIP_BUILD_DIR",
                                       pathlib.Path(__file__).resolve().parents[2] / "build"))


def msgtool_path():
    return build_dir() / "tests" / "tools" / "pmip-msgtool"


def msgtool(*args, stdin=None, timeout=30):
    """Run pmip-msgtool with args; return the CompletedProcess (text mode)."""
    exe = msgtool_path()
    if not exe.exists():
        raise FileNotFoundError(f"{exe} not built (set PMIP_BUILD_DIR)")
    return subprocess.run([str(exe)] + [str(a) for a in args], input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def encode(*args):
    """pmip-msgtool encode ARGS; returns the message bytes, raising on failure."""
    res = msgtool("encode", *args)
    if res.returncode != 0:
        raise RuntimeError(f"pmip-msgtool encode {' '.join(map(str, args))} failed "
                           f"({res.returncode}): {res.stderr.strip()}")
    return bytes.fromhex(res.stdout.strip())


# ---------------------------------------------------------------- tshark

EXPERT_ERROR = 0x00800000  # _ws.expert.severity of "error" items (PI_ERROR)


class _Obj(list):
    """A JSON object kept as an ordered list of (key, value) pairs, duplicates included."""


def tshark_packets(pcap, timeout=120):
    """Dissect pcap with tshark; return one ordered field dict per packet.

    Each dict maps a field name to the list of its values in document (wire) order; for
    "name_raw" entries (tshark -x) the value is the tuple (hex, offset, length, mask, type).
    tshark's JSON repeats keys for repeated fields, so it is parsed with duplicates kept.
    """
    res = subprocess.run(
        ["tshark", "-n", "-r", str(pcap), "-T", "json", "-x",
         "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"],
        capture_output=True, text=True, timeout=timeout,
        env={"TZ": "UTC", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "HOME": os.environ.get("HOME", "/tmp")})
    if res.returncode != 0:
        raise RuntimeError(f"tshark failed ({res.returncode}): {res.stderr[:2000]}")
    pkts = json.loads(res.stdout, object_pairs_hook=_Obj)
    out = []
    for pkt in pkts:
        source = dict(pkt)["_source"]
        acc = {}
        _walk(dict(source)["layers"], acc)
        out.append(acc)
    return out


def _walk(obj, acc):
    for key, val in obj:
        if isinstance(val, _Obj):
            _walk(val, acc)
        elif isinstance(val, list) and key.endswith("_raw"):
            if val and isinstance(val[0], list):
                acc.setdefault(key, []).extend(tuple(v) for v in val)
            else:
                acc.setdefault(key, []).append(tuple(val))
        elif isinstance(val, list):
            for item in val:
                if isinstance(item, _Obj):
                    _walk(item, acc)
                else:
                    acc.setdefault(key, []).append(item)
        else:
            acc.setdefault(key, []).append(val)


def tshark_problems(fields):
    """Malformed-packet markers and expert items of error severity in one packet's fields."""
    probs = [f"malformed: {fields['_ws.malformed']}"] if "_ws.malformed" in fields else []
    if any(int(sev) >= EXPERT_ERROR for sev in fields.get("_ws.expert.severity", [])):
        probs.append(f"expert error among: {fields.get('_ws.expert.message')}")
    return probs
