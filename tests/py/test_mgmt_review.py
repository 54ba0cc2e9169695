# SPDX-License-Identifier: BSD-2-Clause
"""Management-plane review: regressions for the findings of the review.

Real clients only: ncclient over SSH against a pmipd in namespaces of its own
(prefix "rvm"), and the daemon's own log and /proc counters.
"""
import pytest
from ncclient.operations.rpc import RPCError

from lib.netconf import NetconfSite

NS = "urn:pmipd:params:xml:ns:yang:pmip"


@pytest.fixture(scope="module")
def site():
    with NetconfSite(ns_prefix="rvm") as s:
        yield s


def radius_config(secret):
    return (f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><pmip xmlns="{NS}">'
            f'<key-store><radius><server><name>r1</name><address>192.0.2.9</address>'
            f'<secret>{secret}</secret></server></radius></key-store></pmip></config>')


def test_overlong_secret_is_not_echoed_in_the_error(site):
    """A secret so long that libyang's message is cut must not leak its prefix."""
    secret = "".join(f"S{i:04d}" for i in range(300))  # 1500 characters, no repeats
    with site.connect() as m:
        before = m.get_config("running").data_xml
        mark = site.daemon.mark()
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", config=radius_config(secret))
        text = f"{ei.value.message} {ei.value.path} {ei.value.info}"
        assert ei.value.tag == "invalid-value"
        assert "secret" in text
        for i in range(0, len(secret) - 20, 5):
            assert secret[i:i + 20] not in text
            assert secret[i:i + 20] not in site.daemon.log_text(mark)
        assert m.get_config("running").data_xml == before


def vm_rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_large_get_config_gives_memory_back(site):
    """After a large reply is sent, the daemon returns the freed heap (malloc_trim)."""
    sas = "".join(f"<security-association><name>big{i}</name><host>10.{i >> 8 & 255}.{i & 255}.1"
                  f"</host><spi>{100000 + i}</spi><key-hex>{'ab' * 16}</key-hex>"
                  f"</security-association>" for i in range(6000))
    with site.connect() as m:
        m.edit_config(target="running", config=(
            f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><pmip xmlns="{NS}">'
            f'{sas}</pmip></config>'))
        base = vm_rss_kb(site.daemon.pid)
        reply = m.get_config(source="running").data_xml
        assert reply.count("<security-association>") >= 6000
        after = vm_rss_kb(site.daemon.pid)
        print("rss kB: after the edit", base, "after the reply", after)
        # The reply's tree and text (several MB) are freed and given back.
        assert after < base
