#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The NETCONF server of pmipd, driven by real clients (ncclient, yangcli).

Each test starts pmipd with a NETCONF server inside a namespace of its own
(tests/py/lib/netconf.py) and checks one behaviour end to end: capabilities,
authentication, filters, every edit-config operation and its errors, locks
between two sessions, kill-session, access control, the startup datastore,
get-schema, notifications on a forced registration failure, a yangcli
session and 100 connect/disconnect cycles without descriptor or memory growth.
"""
import json
import pathlib
import shutil

import pytest
from ncclient.operations.rpc import RPCError
from ncclient.transport.errors import AuthenticationError
from ncclient.xml_ import to_ele

from lib import mn
from lib.netconf import NetconfSite
from lib.wait import wait_until

NS = "urn:pmipd:params:xml:ns:yang:pmip"
NSMAP = {"p": NS}
KEY = "00112233445566778899aabbccddeeff"
BASE_CAPS = {
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:netconf:base:1.1",
    "urn:ietf:params:netconf:capability:writable-running:1.0",
    "urn:ietf:params:netconf:capability:startup:1.0",
    "urn:ietf:params:netconf:capability:validate:1.1",
    "urn:ietf:params:netconf:capability:xpath:1.0",
    "urn:ietf:params:netconf:capability:notification:1.0",
    "urn:ietf:params:netconf:capability:interleave:1.0",
    "urn:ietf:params:netconf:capability:rollback-on-error:1.0",
}
SA_MN1 = {"name": "mn1", "host": "192.0.2.50", "spi": 1000, "key-hex": KEY}


def sa_config(name, host, spi, key=KEY, op=None):
    attr = f' xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="{op}"' if op else ""
    return (f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><pmip xmlns="{NS}">'
            f'<security-association{attr}><name>{name}</name><host>{host}</host>'
            f'<spi>{spi}</spi><key-hex>{key}</key-hex></security-association></pmip></config>')


def running(m):
    """get-config of running as an lxml element of /pmip."""
    return m.get_config(source="running").data.find(f"{{{NS}}}pmip")


def sa_names(m):
    pmip = running(m)
    return sorted(e.findtext(f"{{{NS}}}name") for e in pmip.findall(f"{{{NS}}}security-association"))


@pytest.fixture
def site():
    with NetconfSite(extra_config={"security-association": [SA_MN1]}) as s:
        yield s


def test_hello_capabilities_are_truthful(site):
    with site.connect() as m:
        caps = set(m.server_capabilities)
        assert BASE_CAPS <= caps
        assert not any(":candidate" in c or ":confirmed-commit" in c or ":url" in c
                       for c in caps)
        wd = [c for c in caps if "with-defaults:1.0" in c]
        assert wd and "basic-mode=explicit" in wd[0]
        assert any(c.startswith(NS + "?module=pmip") for c in caps)


def test_password_login_and_refusals(site):
    with site.connect("viewer") as m:
        assert m.connected
    with pytest.raises(AuthenticationError):
        site.connect("admin", password="wrong")
    with pytest.raises(AuthenticationError):
        site.connect("nobody", password="admin-pw-1")
    log = site.daemon.log_text()
    assert "password authentication of user 'admin'" in log
    assert "admin-pw-1" not in log and "wrong" not in log
    assert site._hashes["admin"] not in log


def test_public_key_login(site):
    with site.connect("admin", key_filename=str(site.admin_key)) as m:
        assert m.connected
    # The viewer has no key configured: the admin key does not log it in.
    with pytest.raises(AuthenticationError):
        site.connect("viewer", key_filename=str(site.admin_key))


def test_get_config_never_returns_secrets(site):
    with site.connect() as m:
        xml = m.get_config(source="running").data_xml
        assert "mn1" in xml and "192.0.2.50" in xml
        assert "key-hex" not in xml and KEY not in xml
        assert "password-hash" not in xml and "$6$" not in xml
        full = m.get().data_xml
        assert KEY not in full and "$6$" not in full
        # A filter cannot test a secret's value either.
        sel = m.get_config("running", filter=("xpath", (NSMAP, f"/p:pmip/p:security-association"
                                                               f"[p:key-hex='{KEY}']")))
        assert "mn1" not in sel.data_xml


def test_get_state_with_xpath_and_subtree_filters(site):
    with site.connect() as m:
        st = m.get(filter=("xpath", (NSMAP, "/p:pmip/p:state/p:key-store"))).data
        stores = st.findall(f".//{{{NS}}}key-store")
        assert [s.findtext(f"{{{NS}}}name") for s in stores] == ["local"]
        assert st.find(f".//{{{NS}}}security-association") is None
        assert st.find(f".//{{{NS}}}plugin") is None
        sub = m.get(filter=("subtree", f'<pmip xmlns="{NS}"><state><plugin><name>keystore-local'
                                       f'</name><class/></plugin></state></pmip>')).data
        plugins = sub.findall(f".//{{{NS}}}plugin")
        assert len(plugins) == 1
        assert plugins[0].findtext(f"{{{NS}}}class") == "keystore"
        assert plugins[0].find(f"{{{NS}}}description") is None  # not selected
        cfg = m.get_config("running", filter=("subtree", f'<pmip xmlns="{NS}">'
                                              f'<security-association><name>mn1</name>'
                                              f'<spi/></security-association></pmip>')).data
        sa = cfg.find(f".//{{{NS}}}security-association")
        assert sa.findtext(f"{{{NS}}}spi") == "1000" and sa.find(f"{{{NS}}}host") is None
        # The libyang yang-library and the monitoring schemas are there too.
        ylib = m.get(filter=("xpath", ({"yl": "urn:ietf:params:xml:ns:yang:ietf-yang-library"},
                                       "/yl:yang-library/yl:module-set"))).data_xml
        assert "pmip" in ylib


def test_get_with_defaults(site):
    with site.connect() as m:
        plain = m.get_config("running").data_xml
        assert "replay-tolerance" not in plain  # default, not set explicitly
        rpc = to_ele('<get-config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
                     '<source><running/></source>'
                     '<with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">'
                     'report-all</with-defaults></get-config>')
        full = m.dispatch(rpc).xml
        assert "<replay-tolerance>7</replay-tolerance>" in full


def test_edit_config_merge_replace_create_delete_remove(site):
    with site.connect() as m:
        mark = site.daemon.mark()
        m.edit_config(target="running", config=sa_config("mn2", "192.0.2.51", 1001))
        assert sa_names(m) == ["mn1", "mn2"]
        site.daemon.wait_log(r"create /pmip:pmip/security-association\[name='mn2'\]", since=mark)
        # merge changes one leaf; replace rewrites the entry.
        m.edit_config(target="running", config=sa_config("mn2", "192.0.2.52", 1001))
        assert running(m).find(f"{{{NS}}}security-association[{{{NS}}}name='mn2']"
                               ).findtext(f"{{{NS}}}host") == "192.0.2.52"
        m.edit_config(target="running", config=sa_config("mn2", "192.0.2.53", 1002, op="replace"))
        sa = running(m).find(f"{{{NS}}}security-association[{{{NS}}}name='mn2']")
        assert sa.findtext(f"{{{NS}}}spi") == "1002"
        # create on an existing entry: data-exists, nothing changes.
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", config=sa_config("mn2", "192.0.2.54", 9, op="create"))
        assert ei.value.tag == "data-exists"
        assert "security-association[name='mn2']" in ei.value.path
        assert running(m).find(f"{{{NS}}}security-association[{{{NS}}}name='mn2']"
                               ).findtext(f"{{{NS}}}spi") == "1002"
        m.edit_config(target="running", config=sa_config("mn3", "192.0.2.55", 1003, op="create"))
        # delete of a missing entry: data-missing; remove of one: fine.
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", config=sa_config("mn9", "192.0.2.56", 1, op="delete"))
        assert ei.value.tag == "data-missing"
        m.edit_config(target="running", config=sa_config("mn9", "192.0.2.56", 1, op="remove"))
        m.edit_config(target="running", config=sa_config("mn3", "192.0.2.55", 1003, op="delete"))
        m.edit_config(target="running", config=sa_config("mn2", "192.0.2.53", 1002, op="remove"))
        assert sa_names(m) == ["mn1"]
        mark = site.daemon.mark()
        # default-operation none: only explicitly marked nodes change.
        m.edit_config(target="running", default_operation="none",
                      config=f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
                             f'<pmip xmlns="{NS}" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">'
                             f'<global><log-level nc:operation="merge">debug</log-level></global>'
                             f'<security-association><name>mn1</name><spi>4242</spi>'
                             f'</security-association></pmip></config>')
        pmip = running(m)
        assert pmip.find(f"{{{NS}}}global").findtext(f"{{{NS}}}log-level") == "debug"
        assert pmip.find(f"{{{NS}}}security-association").findtext(f"{{{NS}}}spi") == "1000"
        site.daemon.wait_log(r"modify /pmip:pmip/global", since=mark)


def test_edit_config_invalid_changes_nothing(site):
    with site.connect() as m:
        before = m.get_config("running").data_xml
        mark = site.daemon.mark()
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", config=sa_config("mn2", "192.0.2.51", 1001,
                                                             key="xyz"))
        e = ei.value
        assert e.tag == "invalid-value"
        assert e.path.endswith("security-association[name='mn2']/key-hex")
        assert "hex digit" in e.message
        assert e.app_tag  # libyang's or pmipd's machine-readable code
        assert "xyz" not in e.message
        # Semantic error from the VALIDATE phase: range end below range start.
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", config=(
                f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><pmip xmlns="{NS}">'
                f'<security-association><name>pool</name><range-start>192.0.2.200</range-start>'
                f'<range-end>192.0.2.100</range-end><spi>7</spi><key-hex>{KEY}</key-hex>'
                f'</security-association></pmip></config>'))
        assert ei.value.tag == "invalid-value"
        assert "range" in ei.value.message
        # An element the model does not know.
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", config=(
                f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><pmip xmlns="{NS}">'
                f'<no-such-thing>1</no-such-thing></pmip></config>'))
        assert ei.value.tag in ("unknown-element", "malformed-message")
        assert m.get_config("running").data_xml == before
        assert "create /pmip:pmip/security-association[name='pool']" not in \
            site.daemon.log_text(mark)


def test_edit_config_test_option_and_error_option(site):
    with site.connect() as m:
        before = m.get_config("running").data_xml
        m.edit_config(target="running", test_option="test-only",
                      config=sa_config("mn2", "192.0.2.51", 1001))
        assert m.get_config("running").data_xml == before
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", test_option="test-only",
                          config=sa_config("mn2", "192.0.2.51", 1001, key="q"))
        assert ei.value.tag == "invalid-value"
        # rollback-on-error: one valid and one invalid entry, neither is applied.
        two = (f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><pmip xmlns="{NS}">'
               f'<security-association><name>ok1</name><host>192.0.2.60</host><spi>5</spi>'
               f'<key-hex>{KEY}</key-hex></security-association>'
               f'<security-association><name>bad1</name><host>192.0.2.61</host>'
               f'<spi>6</spi><key-hex>12345</key-hex></security-association></pmip></config>')
        with pytest.raises(RPCError):
            m.edit_config(target="running", error_option="rollback-on-error", config=two)
        assert m.get_config("running").data_xml == before
        with pytest.raises(RPCError) as ei:
            m.edit_config(target="running", error_option="continue-on-error", config=two)
        assert ei.value.tag == "operation-not-supported"
        assert m.get_config("running").data_xml == before


def test_validate_rpc(site):
    with site.connect() as m:
        m.validate(source="running")
        m.validate(source=to_ele(sa_config("v1", "192.0.2.70", 70)))
        with pytest.raises(RPCError) as ei:
            m.validate(source=to_ele(sa_config("v1", "192.0.2.70", 70, key="zz")))
        assert ei.value.tag == "invalid-value"
        assert "v1" not in sa_names(m)


def test_lock_contention_between_two_sessions(site):
    with site.connect() as a, site.connect() as b:
        a.lock("running")
        with pytest.raises(RPCError) as ei:
            b.lock("running")
        assert ei.value.tag == "lock-denied"
        assert str(a.session_id) in ei.value.info  # the holder's session id
        with pytest.raises(RPCError) as ei:
            b.edit_config(target="running", config=sa_config("mn2", "192.0.2.51", 1001))
        assert ei.value.tag == "in-use"
        with pytest.raises(RPCError) as ei:
            b.unlock("running")
        assert ei.value.tag == "operation-failed"
        # The lock also holds off a SIGHUP reload of the configuration file.
        mark = site.daemon.reload()
        site.daemon.wait_log(r"reload refused: running is locked by NETCONF session %s"
                             % a.session_id, since=mark)
        # The holder may edit.
        a.edit_config(target="running", config=sa_config("mn2", "192.0.2.51", 1001))
        a.unlock("running")
        b.lock("running")
        b.edit_config(target="running", config=sa_config("mn3", "192.0.2.52", 1002))
    # b closed while holding the lock: it is released.
    with site.connect() as c:
        c.lock("running")
        c.unlock("running")
        assert sa_names(c) == ["mn1", "mn2", "mn3"]


def test_kill_session_releases_its_lock(site):
    a = site.connect()
    with site.connect() as b:
        a.lock("running")
        with pytest.raises(RPCError) as ei:
            b.kill_session(b.session_id)
        assert ei.value.tag == "invalid-value"
        b.kill_session(a.session_id)
        b.lock("running")  # released at once
        b.unlock("running")
        wait_until(lambda: not a.connected, timeout=10, message="killed session to close")
        with pytest.raises(RPCError) as ei:
            b.kill_session(a.session_id)
        assert ei.value.tag == "invalid-value"


def test_read_only_user(site):
    with site.connect("viewer") as m:
        assert "mn1" in m.get_config("running").data_xml
        m.get(filter=("xpath", (NSMAP, "/p:pmip/p:state")))
        for call in (lambda: m.edit_config(target="running",
                                           config=sa_config("mn2", "192.0.2.51", 1)),
                     lambda: m.lock("running"),
                     lambda: m.copy_config(source="running", target="startup"),
                     lambda: m.dispatch(to_ele(f'<clear-keystore-cache xmlns="{NS}"/>'))):
            with pytest.raises(RPCError) as ei:
                call()
            assert ei.value.tag == "access-denied"
        assert sa_names(m) == ["mn1"]


def test_startup_copy_delete_and_restart(site):
    path = pathlib.Path(site.daemon.conf_path)
    original = json.loads(path.read_text())
    with site.connect() as m:
        m.edit_config(target="running", config=sa_config("mn2", "192.0.2.51", 1001))
        assert json.loads(path.read_text()) == original  # edits do not touch startup
        m.copy_config(source="running", target="startup")
        saved = json.loads(path.read_text())
        names = [s["name"] for s in saved["pmip:pmip"]["security-association"]]
        assert names == ["mn1", "mn2"]
        # The file is the real configuration: keys and hashes are in it (mode 0600).
        assert saved["pmip:pmip"]["security-association"][1]["key-hex"] == KEY
        assert path.stat().st_mode & 0o077 == 0
        assert [p.name for p in path.parent.iterdir() if ".tmp" in p.name] == []
        startup = m.get_config(source="startup").data_xml
        assert "mn2" in startup and KEY not in startup
        m.edit_config(target="running", config=sa_config("mn3", "192.0.2.52", 1002))
    # Restart: the daemon comes back with the startup configuration.
    site.restart()
    with site.connect() as m:
        assert sa_names(m) == ["mn1", "mn2"]
        m.delete_config(target="startup")
        assert json.loads(path.read_text()) == {}
        assert sa_names(m) == ["mn1", "mn2"]  # running is untouched
        with pytest.raises(RPCError) as ei:
            m.delete_config(target="running")
        assert "running" in ei.value.message  # the model allows only startup


def test_get_schema_own_handler(site):
    with site.connect() as m:
        text = m.get_schema("pmip").data
        assert "module pmip" in text and "container netconf" in text
        ietf = m.get_schema("ietf-netconf", version="2011-06-01").data
        assert "module ietf-netconf" in ietf
        with pytest.raises(RPCError):
            m.get_schema("no-such-module")
        # The session is still healthy afterwards (the built-in handler corrupted memory).
        assert "mn1" in m.get_config("running").data_xml


def test_clear_rpcs_without_roles(site):
    with site.connect() as m:
        m.dispatch(to_ele(f'<clear-keystore-cache xmlns="{NS}"/>'))
        with pytest.raises(RPCError) as ei:
            m.dispatch(to_ele(f'<clear-binding xmlns="{NS}"><home-address>192.0.2.50'
                              f'</home-address></clear-binding>'))
        assert ei.value.tag == "operation-failed" and ei.value.app_tag == "role-not-running"
        with pytest.raises(RPCError) as ei:
            m.dispatch(to_ele(f'<clear-visitor xmlns="{NS}"><home-address>192.0.2.50'
                              f'</home-address></clear-visitor>'))
        assert ei.value.app_tag == "role-not-running"


def test_connect_cycles_do_not_leak(site):
    def cycle():
        with site.connect() as m:
            m.get_config("running")
    for _ in range(10):  # warm up caches and allocator arenas
        cycle()
    site.wait_sessions_gone()
    fds0, rss0 = site.proc_status()
    for _ in range(100):
        cycle()
    site.wait_sessions_gone()
    fds1, rss1 = site.proc_status()
    assert fds1 <= fds0, (fds0, fds1)
    assert rss1 - rss0 < 4096, f"RSS grew from {rss0} kB to {rss1} kB"


def test_yangcli_smoke(site):
    yangcli = shutil.which("yangcli")
    assert yangcli, "yangcli is missing: run scripts/install-deps.sh"
    home = pathlib.Path(site.topo.workdir) / "yangcli-home"
    home.mkdir()
    script = home / "script"
    script.write_text("xget /pmip/state\nsget /pmip/security-association\n")
    res = site.node.run(["env", f"HOME={home}", yangcli, "--server=127.0.0.1",
                         f"--ncport={site.port}", "--user=admin",
                         f"--password={site.users['admin'][0]}", "--batch-mode",
                         f"--run-script={script}"], timeout=60)
    out = res.stdout + res.stderr
    assert "keystore-local" in out, out[-3000:]
    assert "mn1" in out, out[-3000:]
    assert KEY not in out


HA_NODES = {"mn": {"routes": [{"dst": "192.0.2.0/24", "via": "198.51.100.1"}]},
            "cn": {}}
HA_LINKS = [
    {"name": "home", "a": {"node": "nc", "ifname": "eth0", "addrs": ["192.0.2.1/24"]},
     "b": {"node": "cn", "ifname": "eth0", "addrs": ["192.0.2.2/24"]}},
    {"name": "away", "a": {"node": "nc", "ifname": "eth1", "addrs": ["198.51.100.1/24"]},
     "b": {"node": "mn", "ifname": "eth0", "addrs": ["198.51.100.10/24"]}},
]
HA_CONFIG = {
    "interface": [{"name": "eth0"}, {"name": "eth1"}],
    "security-association": [SA_MN1],
    "home-agent": {"home-network": [{"prefix": "192.0.2.0/24", "address": "192.0.2.1",
                                     "interface": "eth0"}]},
}


def register(site, key_hex):
    return mn.run_in(site.topo["mn"], "register", {
        "home": "192.0.2.50", "ha": "192.0.2.1", "coa": "198.51.100.10",
        "agent": "192.0.2.1", "spi": 1000, "key_hex": key_hex, "alg": "hmac-md5",
        "lifetime": 300, "ifname": "eth0", "retries": 0, "timeout": 2})


def test_notification_on_forced_registration_failure():
    with NetconfSite(extra_config=HA_CONFIG, extra_nodes=HA_NODES,
                     extra_links=HA_LINKS) as site:
        with site.connect() as sub, site.connect() as other:
            sub.create_subscription()
            with pytest.raises(RPCError) as ei:
                sub.create_subscription()
            assert ei.value.tag == "in-use"
            res = register(site, "ff" * 16)  # the wrong key
            assert res["code"] == 131
            seen = {}
            for _ in range(4):
                n = sub.take_notification(timeout=10)
                assert n is not None, f"no notification; got {sorted(seen)}"
                xml = n.notification_xml
                for name in ("registration-failure", "authentication-failure"):
                    if f"<{name} " in xml or f"<{name}>" in xml:
                        seen[name] = xml
                if len(seen) == 2:
                    break
            reg = seen["registration-failure"]
            for text in ("<role>home-agent</role>", "<home-address>192.0.2.50</home-address>",
                         "<home-agent>192.0.2.1</home-agent>",
                         "<foreign-agent>198.51.100.10</foreign-agent>", "<code>131</code>",
                         "<eventTime>"):
                assert text in reg, reg
            assert "ff" * 16 not in reg
            auth = seen["authentication-failure"]
            assert "<peer>192.0.2.50</peer>" in auth and "<spi>1000</spi>" in auth
            # Interleave: the subscribed session still answers RPCs.
            assert "mn1" in sub.get_config("running").data_xml
            # A session without a subscription got nothing.
            assert other.take_notification(timeout=1) is None

            # With the right key the binding appears in the state, and clear-binding removes it.
            ok = register(site, KEY)
            assert ok["code"] in (0, 1), ok
            sel = ("xpath", (NSMAP, "/p:pmip/p:home-agent/p:state"))
            st = other.get(filter=sel).data_xml
            assert "<home-address>192.0.2.50</home-address>" in st
            assert "<care-of-address>198.51.100.10</care-of-address>" in st
            assert "haMNAuthenticationFailure" in st
            other.dispatch(to_ele(f'<clear-binding xmlns="{NS}"><home-address>192.0.2.50'
                                  f'</home-address></clear-binding>'))
            st = other.get(filter=sel).data_xml
            assert "<binding>" not in st
