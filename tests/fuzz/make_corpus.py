#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the fuzzer seed corpora (tests/fuzz/corpus/*) from hand-assembled messages.

Only the struct module builds the bytes, so the seeds do not depend on the code they exercise.
Authenticators are placeholders (the fuzzers do not verify them), except in the guide vector,
which carries the HMAC-MD5 value given in the protocol guide, section 9.

Run: /usr/bin/python3 tests/fuzz/make_corpus.py   (rewrites the corpus directories)
"""
import os
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent


def ip(s):
    return bytes(int(x) for x in s.split("."))


def rrq(flags=0x02, life=1800, hoa="10.1.0.10", ha="10.1.0.1", coa="192.0.2.1",
        ident=0xE8F2A3B400000001):
    return struct.pack("!BBH4s4s4sQ", 1, flags, life, ip(hoa), ip(ha), ip(coa), ident)


def rrp(code=0, life=1800, hoa="10.1.0.10", ha="10.1.0.1", ident=0xE8F2A3B400000001):
    return struct.pack("!BBH4s4sQ", 3, code, life, ip(hoa), ip(ha), ident)


def rev(flags=0xC000, hoa="10.1.0.10", hda="10.1.0.1", fda="192.0.2.1", rev_id=0x1000):
    return struct.pack("!BBH4s4s4sI", 7, 0, flags, ip(hoa), ip(hda), ip(fda), rev_id)


def rev_ack(flags=0x8000, hoa="10.1.0.10", rev_id=0x1000):
    return struct.pack("!BBH4sI", 15, 0, flags, ip(hoa), rev_id)


def tlv(t, body=b""):
    return struct.pack("!BB", t, len(body)) + body


def long_ext(t, sub, body):
    return struct.pack("!BBH", t, sub, len(body)) + body


def short_ext(t, sub, body):
    return struct.pack("!BBB", t, len(body) + 1, sub) + body


def auth(t, spi, authenticator=bytes(range(16))):
    return tlv(t, struct.pack("!I", spi) + authenticator)


def cvse(vendor, vtype, value):
    body = struct.pack("!IH", vendor, vtype) + value
    return struct.pack("!BBH", 38, 0, len(body)) + body


def nvse(vendor, vtype, value):
    return tlv(134, struct.pack("!HIH", 0, vendor, vtype) + value)


NAI = tlv(131, b"mn1@example.net")
MHAE = auth(32, 256)
GUIDE_HMAC = bytes.fromhex("7325f989e0ef18abb188b69afb24edbe")

REG_MSG = {
    # Valid messages.
    "rrq_guide_vector": rrq() + auth(32, 256, GUIDE_HMAC),
    "rrq_header_only": rrq(),
    "rrq_all_extensions": rrq(0xCA) + NAI + cvse(9, 1, b"cv") + nvse(24757, 7, b"nvse")
    + short_ext(147, 2, b"\x01\x00\x11\x22\x33\x44\x55") + long_ext(47, 1, b"\x01")
    + tlv(137, struct.pack("!HI", 0x8000, 1234)) + short_ext(139, 1, ip("198.51.100.7"))
    + short_ext(144, 0, b"\x00\x80\x04\x00\x00") + short_ext(145, 2, b"hello")
    + tlv(200, b"xyz") + MHAE + tlv(130) + tlv(132, b"\xde\xad\xbe\xef") + auth(33, 0x1234),
    "rrq_mn_aaa": rrq(hoa="0.0.0.0") + tlv(132, b"\x01\x02\x03\x04") + NAI
    + long_ext(36, 1, struct.pack("!I", 300) + bytes(16)),
    "rrq_relayed_fhae": rrq() + NAI + MHAE + nvse(24757, 2, b"fa") + auth(34, 500),
    "rrp_accepted": rrp() + MHAE,
    "rrp_udp_tunnel_fhae": rrp(life=600) + short_ext(44, 0, b"\x00\x80\x00\x00\x19") + MHAE
    + auth(34, 501),
    "rrp_denied_no_auth": rrp(code=131, life=0),
    "revocation": rev() + NAI + auth(34, 600),
    "revocation_ack": rev_ack() + auth(34, 600),
    # Edge cases the decoder must refuse.
    "edge_truncated_header": rrq()[:23],
    "edge_unknown_critical": rrq() + tlv(37, b"\x00\x01") + MHAE,
    "edge_type0_not_pad": rrq() + b"\x00\x00" + MHAE,
    "edge_long_overrun": rrq() + struct.pack("!BBH", 47, 1, 0x0100) + b"\x01",
    "edge_cvse_overrun": rrq() + struct.pack("!BBHIH", 38, 0, 0x20, 9, 1),
    "edge_short_len0": rrq() + b"\x8b\x00\x01" + ip("10.0.0.1"),
    "edge_nai_after_mhae": rrq() + MHAE + NAI,
    "edge_too_many_ext": rrq() + tlv(200) * 33,
    "edge_auth_short": rrq() + tlv(32, bytes(19)),
}


def icmp_cksum(b):
    if len(b) % 2:
        b += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def adv(code, routers, exts, lifetime=1800):
    body = struct.pack("!BBH", len(routers), 2, lifetime)
    for addr, pref in routers:
        body += ip(addr) + struct.pack("!i", pref)
    msg = struct.pack("!BBH", 9, code, 0) + body + exts
    c = icmp_cksum(msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def ma_ext(seq, life, flags, coas):
    body = struct.pack("!HHH", seq, life, flags) + b"".join(ip(c) for c in coas)
    return tlv(16, body)


def sol():
    msg = struct.pack("!BBHI", 10, 0, 0, 0)
    return msg[:2] + struct.pack("!H", icmp_cksum(msg)) + msg[4:]


ADV = {
    "adv_fa": adv(16, [("192.0.2.1", 0)], ma_ext(300, 1800, 0x9500, ["192.0.2.1"])),
    "adv_ha_router": adv(0, [("10.1.0.1", 5)], ma_ext(0, 36000, 0x2000, [])),
    "adv_prefix_challenge_pad": adv(16, [("192.0.2.1", 0), ("198.51.100.1", -1)],
                                    ma_ext(256, 600, 0x1140, ["192.0.2.1"])
                                    + tlv(19, b"\x18\x18") + tlv(24, b"\x01\x02\x03\x04")
                                    + b"\x00\x00"),
    "adv_unknown_skippable": adv(16, [("192.0.2.1", 0)],
                                 ma_ext(7, 180, 0x1000, ["192.0.2.1"]) + tlv(200, b"zz")),
    "sol": sol(),
    "edge_bad_checksum": adv(16, [("192.0.2.1", 0)], ma_ext(1, 1, 0x1000, ["192.0.2.1"]))[:2]
    + b"\x00\x00" + adv(16, [("192.0.2.1", 0)], ma_ext(1, 1, 0x1000, ["192.0.2.1"]))[4:],
    "edge_truncated": adv(16, [("192.0.2.1", 0)], ma_ext(1, 1, 0x1000, ["192.0.2.1"]))[:7],
}


def write(name, seeds):
    d = HERE / "corpus" / name
    d.mkdir(parents=True, exist_ok=True)
    for f in d.iterdir():
        f.unlink()
    for k, v in seeds.items():
        (d / k).write_bytes(v)


def main():
    write("reg_msg", REG_MSG)
    write("adv", ADV)
    print("wrote %d reg_msg and %d adv seeds" % (len(REG_MSG), len(ADV)))


if __name__ == "__main__":
    os.umask(0o022)
    main()
