#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A scripted Mobile IPv4 mobile node, independent of pmipd's C code.

Requests are encoded with tests/py/wirelib.py (pure Python) and authenticated
with Python's hmac/hashlib; replies and agent advertisements are decoded here,
in pure Python, from RFC 5944, RFC 1256 and RFC 3024. Nothing in this module
calls pmipd code.

Running inside a namespace: the MN's sockets must live in the mobile node's
namespace, so run_in(node, action, params) starts this module as a child,
"ip netns exec NS /usr/bin/python3 -m lib.mn ACTION", with the parameters as
JSON on stdin (keys never appear on a command line) and reads one JSON result
from stdout. A child process is simpler and safer than setns() in a forked
child of a threaded pytest process, and a crash of the MN cannot take the test
runner with it. In-process use (MobileNode, discover) works in whatever
namespace the caller is in.

Parameters of "register" (see MobileNode): home, ha, coa, agent, spi, key_hex,
alg ("hmac-md5" or "keyed-md5"), lifetime, flags (letters of "SBDMGT"), nai,
mfae ({"spi", "key_hex", "alg"}), eds, port, bind, ifname, timeout, retries,
backoff, offset, resync. Parameters of "discover": ifname, solicit, dst,
timeout, count, solicitations.
"""
import hmac
import ipaddress
import json
import os
import pathlib
import secrets
import select
import socket
import struct
import sys
import time

try:
    import wirelib
except ImportError:  # Run as "python3 -m lib.mn" from somewhere else.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    import wirelib

TESTS_PY = pathlib.Path(__file__).resolve().parents[1]
NTP_UNIX_OFFSET = 2208988800  # Seconds from 1900-01-01 to 1970-01-01 (RFC 5905).
RRQ_FLAGS = {"S": 0x80, "B": 0x40, "D": 0x20, "M": 0x10, "G": 0x08, "T": 0x02}
ADV_FLAGS = {"R": 0x8000, "B": 0x4000, "H": 0x2000, "F": 0x1000, "M": 0x0800, "G": 0x0400,
             "r": 0x0200, "T": 0x0100, "U": 0x0080, "X": 0x0040, "I": 0x0020}
LONG_EXTS = (36, 47, 38)  # 16-bit length at offset 2 (long form and CVSE).
AUTH_EXTS = (32, 33, 34)
SOL_LIMIT = 3  # RFC 5944 2.4.1: at most this many solicitations, one a second.


class WireError(ValueError):
    """A received message is malformed: too short, wrong type or a bad length."""


def ntp_now(offset=0):
    """NTP timestamp of now plus offset seconds; low bits the clock lacks are random."""
    t = time.time_ns()
    sec = t // 1_000_000_000 + NTP_UNIX_OFFSET + offset
    frac = ((t % 1_000_000_000) << 32) // 1_000_000_000
    frac = (frac & ~0xFFF) | secrets.randbits(12)  # time_ns gives about 20 real bits.
    return ((sec & 0xFFFFFFFF) << 32) | frac


def flags_byte(flags):
    """RRQ flags byte from letters of "SBDMGT"."""
    bad = set(flags) - set(RRQ_FLAGS)
    if bad:
        raise ValueError(f"unknown RRQ flags {''.join(sorted(bad))}")
    return sum(RRQ_FLAGS[c] for c in set(flags))


def parse_exts(buf, start):
    """Extensions of a registration message from offset start.

    Returns a list of dicts: type, offset, length (whole extension), body
    (bytes after the header) and, for authentication extensions, spi and
    auth. Raises WireError on any length that runs past the message.
    """
    exts, off = [], start
    while off < len(buf):
        etype = buf[off]
        if etype in LONG_EXTS:
            if off + 4 > len(buf):
                raise WireError(f"extension {etype} at {off}: truncated header")
            hdr, blen = 4, struct.unpack_from("!H", buf, off + 2)[0]
        else:
            if off + 2 > len(buf):
                raise WireError(f"extension {etype} at {off}: truncated header")
            hdr, blen = 2, buf[off + 1]
        if off + hdr + blen > len(buf):
            raise WireError(f"extension {etype} at {off}: length {blen} past the end")
        ext = {"type": etype, "offset": off, "length": hdr + blen,
               "body": bytes(buf[off + hdr:off + hdr + blen])}
        if etype in AUTH_EXTS:
            if blen < 4:
                raise WireError(f"authentication extension {etype} at {off}: no SPI")
            ext["spi"] = struct.unpack_from("!I", buf, off + 2)[0]
            ext["auth"] = ext["body"][4:]
        exts.append(ext)
        off += hdr + blen
    return exts


def parse_rrp(buf):
    """Decode a Registration Reply (RFC 5944 3.4); raise WireError when malformed."""
    if len(buf) < 20:
        raise WireError(f"reply of {len(buf)} bytes is shorter than 20")
    if buf[0] != wirelib.RRP:
        raise WireError(f"message type {buf[0]} is not a registration reply")
    code, life, home, ha, ident = struct.unpack_from("!BH4s4sQ", buf, 1)
    return {"type": buf[0], "code": code, "lifetime": life,
            "home": str(ipaddress.IPv4Address(home)), "ha": str(ipaddress.IPv4Address(ha)),
            "ident": ident, "exts": parse_exts(buf, 20)}


def verify_auth(buf, exts, etype, spi, alg, key):
    """Check the first extension of type etype: "ok", "bad", "missing" or "spi-mismatch".

    The authenticator covers every byte before it: the message up to and
    including the extension's type, length and SPI (RFC 5944 3.5.1).
    """
    ext = next((e for e in exts if e["type"] == etype), None)
    if ext is None:
        return "missing"
    if ext["spi"] != spi:
        return "spi-mismatch"
    covered = bytes(buf[:ext["offset"] + 6])
    good = hmac.compare_digest(wirelib.authenticator(alg, key, covered), ext["auth"])
    return "ok" if good else "bad"


class MobileNode:
    """A mobile node that registers its home address through an agent.

    home, ha, coa: addresses for the request; agent: where to send it (the
    FA, or the HA for a co-located care-of address; 255.255.255.255 and
    224.0.0.11 are sent with TTL 1 on ifname); spi, key (bytes), alg:
    the MN-HA security association; lifetime; flags (letters of "SBDMGT");
    nai: an MN-NAI extension before the MHAE; eds: an Encapsulating Delivery
    Style extension after it; mfae: optional dict spi, key, alg for an MN-FA
    authenticator at the end; bind, ifname: source address and interface;
    timeout, retries, backoff: retransmission (a new identification each
    time); offset: clock offset to the HA in seconds, learned from 133.
    """

    def __init__(self, home, ha, coa, agent, spi, key, alg="hmac-md5", lifetime=600, flags="",
                 nai=None, eds=False, mfae=None, port=wirelib.MIP_PORT, bind=None, ifname=None,
                 timeout=1.0, retries=3, backoff=2.0, offset=0):
        self.home, self.ha, self.coa, self.agent = home, ha, coa, agent
        self.spi, self.key, self.alg = spi, key, alg
        self.lifetime, self.flags = lifetime, flags_byte(flags)
        self.nai, self.eds, self.mfae = nai, eds, mfae
        self.port, self.bind, self.ifname = port, bind, ifname
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.offset = offset

    def request(self, ident, lifetime=None):
        """Bytes of a Registration Request with the given identification."""
        m = wirelib.rrq(flags=self.flags, lifetime=self.lifetime if lifetime is None else lifetime,
                        home=self.home, ha=self.ha, coa=self.coa, ident=ident)
        if self.nai:
            m.nai(self.nai)
        m.auth("mhae", self.spi, self.alg, self.key)
        if self.eds:
            m.eds()
        if self.mfae:
            m.auth("mfae", self.mfae["spi"], self.mfae.get("alg", "hmac-md5"), self.mfae["key"])
        return m.bytes()

    def _socket(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if self.ifname:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, self.ifname.encode())
        # RFC 5944 3.6.1.1 lets a node send to 255.255.255.255 or 224.0.0.11 (All Mobility
        # Agents), with TTL 1 on the link.
        if self.agent == "255.255.255.255":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        if ipaddress.IPv4Address(self.agent).is_multicast:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            if self.ifname:
                mreqn = struct.pack("=4s4si", bytes(4), bytes(4),
                                    socket.if_nametoindex(self.ifname))
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
        s.bind((self.bind or "0.0.0.0", 0))
        return s

    def _reply(self, sock, ident, deadline, ignored):
        """First well-formed reply for ident before deadline (raw bytes, parsed), or None."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                return None
            data, peer = sock.recvfrom(65535)
            try:
                rep = parse_rrp(data)
            except WireError as exc:
                ignored.append({"from": peer[0], "error": str(exc)})
                continue
            # Matched by home address and the low 32 bits (RFC 5944 3.6.3).
            if rep["home"] != self.home or rep["ident"] & 0xFFFFFFFF != ident & 0xFFFFFFFF:
                ignored.append({"from": peer[0], "error": "does not match the request"})
                continue
            rep["from"] = peer[0]
            return data, rep

    def register(self, lifetime=None, resync=True):
        """Send the request until a reply comes or the retries run out; return a result dict.

        On a code-133 reply whose MHAE verifies, the clock offset is taken
        from the reply's high 32 bits and the request is sent again once
        with a fresh identification. A 133 that does not authenticate is
        returned as it is (RFC 5944 3.6.3.1: never resynchronise on it).
        """
        res = {"code": None, "sent": [], "replies": [], "ignored": [], "resynced": False}
        wait = self.timeout
        with self._socket() as sock:
            sends = 0
            while sends <= self.retries:
                ident = ntp_now(self.offset)
                start = time.monotonic()
                sock.sendto(self.request(ident, lifetime), (self.agent, self.port))
                sends += 1
                res["sent"].append(ident)
                got = self._reply(sock, ident, start + wait, res["ignored"])
                if got is None:
                    wait *= self.backoff
                    continue
                data, rep = got
                rep["rtt_ms"] = round((time.monotonic() - start) * 1000, 3)
                rep["mhae"] = verify_auth(data, rep["exts"], 32, self.spi, self.alg, self.key)
                if self.mfae:
                    rep["mfae"] = verify_auth(data, rep["exts"], 33, self.mfae["spi"],
                                              self.mfae.get("alg", "hmac-md5"), self.mfae["key"])
                rep["ext_types"] = [e["type"] for e in rep.pop("exts")]
                res["replies"].append(rep)
                if rep["code"] == 133 and resync and not res["resynced"] and rep["mhae"] == "ok":
                    self.offset = (rep["ident"] >> 32) - (ntp_now() >> 32)
                    res["resynced"] = True
                    sends -= 1  # The resynchronised request is not a retransmission.
                    continue
                break
        res["offset"] = self.offset
        if res["replies"]:
            last = res["replies"][-1]
            res.update({k: last[k] for k in ("code", "lifetime", "ident", "ha", "mhae")})
            res["mfae"] = last.get("mfae")
        return res


# ---------------------------------------------------------------- agent discovery


def parse_adv(icmp):
    """Decode an Agent Advertisement (ICMP type 9 plus extensions); raise WireError."""
    if len(icmp) < 8:
        raise WireError(f"ICMP message of {len(icmp)} bytes")
    itype, code, _, num, size, life = struct.unpack_from("!BBHBBH", icmp)
    if itype != wirelib.ICMP_ROUTER_ADV:
        raise WireError(f"ICMP type {itype} is not an advertisement")
    if size < 2:
        raise WireError(f"address entry size {size} below 2")
    off = 8 + num * size * 4
    if off > len(icmp):
        raise WireError(f"{num} router addresses of {size} words run past the end")
    adv = {"code": code, "checksum_ok": wirelib.inet_checksum(bytes(icmp)) == 0,
           "icmp_lifetime": life, "routers": [], "mobility": None, "prefix_lengths": None,
           "challenge": None, "pads": 0, "unknown": []}
    for i in range(num):
        addr, pref = struct.unpack_from("!4si", icmp, 8 + i * size * 4)
        adv["routers"].append([str(ipaddress.IPv4Address(addr)), pref])
    while off < len(icmp):
        etype = icmp[off]
        if etype == wirelib.ADV_EXT_PAD:
            adv["pads"] += 1
            off += 1
            continue
        if off + 2 > len(icmp) or off + 2 + icmp[off + 1] > len(icmp):
            raise WireError(f"advertisement extension {etype} at {off} runs past the end")
        body = bytes(icmp[off + 2:off + 2 + icmp[off + 1]])
        if etype == wirelib.ADV_EXT_MOBILITY:
            if len(body) < 6 or (len(body) - 6) % 4:
                raise WireError(f"mobility agent extension length {len(body)}")
            seq, reg_life, flags = struct.unpack_from("!HHH", body)
            adv["mobility"] = {
                "seq": seq, "lifetime": reg_life, "flags": flags,
                "flag_names": "".join(c for c, bit in ADV_FLAGS.items() if flags & bit),
                "coas": [str(ipaddress.IPv4Address(body[i:i + 4]))
                         for i in range(6, len(body), 4)]}
        elif etype == wirelib.ADV_EXT_PREFIX_LEN:
            adv["prefix_lengths"] = list(body)
        elif etype == 24:
            adv["challenge"] = body.hex()
        else:
            adv["unknown"].append(etype)
        off += 2 + len(body)
    if adv["mobility"] is None:
        raise WireError("router advertisement without a mobility agent extension")
    return adv


def _icmp_socket(ifname):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    if ifname:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    return s


def send_solicitation(sock, dst="224.0.0.2", ifname=None):
    """Send an Agent Solicitation (ICMP type 10) with IP TTL 1 to dst on sock."""
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    if ifname:
        mreqn = struct.pack("=4s4si", bytes(4), bytes(4), socket.if_nametoindex(ifname))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
    if dst == "255.255.255.255":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.sendto(wirelib.agent_sol(), (dst, 0))


def discover(ifname=None, solicit=True, dst="224.0.0.2", timeout=3.0, count=1,
             solicitations=SOL_LIMIT):
    """Wait for count agent advertisements, soliciting first when solicit is true.

    The listening raw socket is opened before the first solicitation, so an
    immediate answer is not missed; further solicitations (at most
    solicitations, RFC 5944 limits them to 3) go out one a second while no
    advertisement has arrived. Returns {"adverts": [{"src", "dst", "ttl",
    "adv"}...], "malformed": [...], "solicitations": n}.
    """
    res = {"adverts": [], "malformed": [], "solicitations": 0}
    deadline = time.monotonic() + timeout
    next_sol = time.monotonic()
    with _icmp_socket(ifname) as sock:
        while len(res["adverts"]) < count:
            now = time.monotonic()
            if now >= deadline:
                break
            if solicit and not res["adverts"] and res["solicitations"] < solicitations \
                    and now >= next_sol:
                send_solicitation(sock, dst, ifname)
                res["solicitations"] += 1
                next_sol = now + 1.0
            wake = deadline
            if solicit and not res["adverts"] and res["solicitations"] < solicitations:
                wake = min(deadline, next_sol)
            if not select.select([sock], [], [], max(0.0, wake - now))[0]:
                continue
            pkt = sock.recv(65535)
            ihl = (pkt[0] & 0x0F) * 4
            if len(pkt) < ihl + 1 or pkt[ihl] != wirelib.ICMP_ROUTER_ADV:
                continue
            src = str(ipaddress.IPv4Address(pkt[12:16]))
            try:
                adv = parse_adv(pkt[ihl:])
            except WireError as exc:
                res["malformed"].append({"src": src, "error": str(exc)})
                continue
            res["adverts"].append({"src": src, "dst": str(ipaddress.IPv4Address(pkt[16:20])),
                                   "ttl": pkt[8], "adv": adv})
    return res


# ---------------------------------------------------------------- running in a namespace


def _mn_from_params(p):
    mfae = p.get("mfae")
    if mfae:
        mfae = {"spi": mfae["spi"], "key": bytes.fromhex(mfae["key_hex"]),
                "alg": mfae.get("alg", "hmac-md5")}
    keys = ("alg", "lifetime", "flags", "nai", "eds", "port", "bind", "ifname", "timeout",
            "retries", "backoff", "offset")
    return MobileNode(p["home"], p["ha"], p["coa"], p["agent"], p["spi"],
                      bytes.fromhex(p["key_hex"]), mfae=mfae,
                      **{k: p[k] for k in keys if k in p})


def run_action(action, params):
    """Run one action ("register" or "discover") with a parameter dict; return its result."""
    if action == "register":
        return _mn_from_params(params).register(params.get("request_lifetime"),
                                                params.get("resync", True))
    if action == "discover":
        keys = ("ifname", "solicit", "dst", "timeout", "count", "solicitations")
        return discover(**{k: params[k] for k in keys if k in params})
    raise ValueError(f"unknown action {action!r}")


def _bound(action, params):
    if action == "discover":
        return params.get("timeout", 3.0)
    wait, total = params.get("timeout", 1.0), 0.0
    for _ in range(params.get("retries", 3) + 2):  # +1 for a resynchronised request.
        total += wait
        wait *= params.get("backoff", 2.0)
    return total


def run_in(node, action, params, timeout=None):
    """Run an action in node's namespace in a child Python; return its JSON result.

    The child is bounded by timeout (default: the action's own worst case
    plus 15 s); keys travel on stdin, never on the command line.
    """
    limit = timeout or _bound(action, params) + 15
    res = node.run(["/usr/bin/python3", "-m", "lib.mn", action], input=json.dumps(params),
                   timeout=limit, cwd=str(TESTS_PY),
                   env=dict(os.environ, PYTHONPATH=str(TESTS_PY)))
    if res.returncode != 0:
        raise RuntimeError(f"mobile node {action} in {node.name} failed ({res.returncode}): "
                           f"{res.stderr.strip()[-2000:]}")
    return json.loads(res.stdout)


def main(argv):
    """Command line: python3 -m lib.mn ACTION < params.json; prints the result as JSON."""
    if len(argv) != 2:
        print("usage: python3 -m lib.mn register|discover < params.json", file=sys.stderr)
        return 2
    print(json.dumps(run_action(argv[1], json.load(sys.stdin))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
