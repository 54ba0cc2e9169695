#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""NETCONF over TLS (RFC 7589) with cert-to-name.

pmipd runs in a namespace of its own with an SSH and a TLS endpoint. The CA,
the server certificate and the client certificates are made here with the
openssl command (tests/py/lib/netconf.py make_pki); the client is Python's
ssl module with NETCONF framing (Debian's ncclient 0.6.13 has no TLS
transport) and openssl s_client. cert-to-name maps the CA's fingerprint with
common-name (CN=admin -> admin, CN=viewer -> viewer) and the "ops" client
certificate's own fingerprint to the specified user viewer; the user's
access (read-write, read-only) is the same table SSH users use.
"""
import datetime
import json
import select
import ssl
import subprocess
import time

import pytest

from lib.daemon import build_dir
from lib.netconf import NC_BASE_NS, NetconfError, NetconfSite, netns_socket
from lib.wait import wait_until

NS = "urn:pmipd:params:xml:ns:yang:pmip"
KEY = "00112233445566778899aabbccddeeff"
SA_MN1 = {"name": "mn1", "host": "192.0.2.50", "spi": 1000, "key-hex": KEY}
USERS = {"admin": ("admin-pw-1", "read-write"), "viewer": (None, "read-only")}


def sa_config(name, host, spi):
    return (f'<config xmlns="{NC_BASE_NS}"><pmip xmlns="{NS}"><security-association>'
            f'<name>{name}</name><host>{host}</host><spi>{spi}</spi><key-hex>{KEY}</key-hex>'
            f'</security-association></pmip></config>')


def sa_names(client):
    data = client.get_config().find(f"{{{NC_BASE_NS}}}data")
    return sorted(e.findtext(f"{{{NS}}}name")
                  for e in data.iter(f"{{{NS}}}security-association"))


@pytest.fixture
def site():
    with NetconfSite(users=USERS, tls=True, ns_prefix="pnt",
                     extra_config={"security-association": [SA_MN1]}) as s:
        s.daemon.wait_log(r"NETCONF server listening on 127\.0\.0\.1 port %d \(tls\)"
                          % s.tls_port, timeout=10)
        yield s


def s_client_hello(site, client="admin", timeout=20):
    """Run openssl s_client in the namespace; return its output once the server <hello>
    (ended by ]]>]]>) has arrived, or whatever it printed before exiting."""
    cert, key = site.pki[client]
    argv = ["ip", "netns", "exec", site.node.ns, "openssl", "s_client", "-connect",
            f"127.0.0.1:{site.tls_port}", "-CAfile", str(site.pki["ca"][0]), "-cert", str(cert),
            "-key", str(key), "-verify_return_error", "-ign_eof"]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while b"]]>]]>" not in out and time.monotonic() < deadline:
            r, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                break
            data = proc.stdout.read1(65536)
            if not data:
                break
            out += data
    finally:
        proc.kill()
        proc.wait(timeout=10)
    return out.decode(errors="replace")


def test_s_client_sees_server_certificate_and_hello(site):
    out = s_client_hello(site)
    assert "subject=CN = pmipd-test-server" in out, out[-2000:]
    assert "Verify return code: 0 (ok)" in out, out[-2000:]
    assert "<hello" in out and "urn:ietf:params:netconf:base:1.1" in out, out[-2000:]
    assert "<session-id>" in out


def test_tls_hello_capabilities_match_ssh(site):
    with site.connect_tls("admin") as c, site.connect("admin") as m:
        assert c.server_cert["subject"] == ((("commonName", "pmipd-test-server"),),)
        assert set(c.capabilities) == set(m.server_capabilities)
        assert c.chunked


def test_common_name_mapped_read_write_user_edits(site):
    with site.connect_tls("admin") as c:
        assert sa_names(c) == ["mn1"]
        c.edit_config(sa_config("mn2", "192.0.2.51", 1001))
        assert sa_names(c) == ["mn1", "mn2"]
    assert site.daemon.log_contains(r"NETCONF session \d+: user admin from 127\.0\.0\.1")


def test_read_only_certificate_cannot_edit(site):
    # "viewer" through the CA + common-name entry, "ops" through its own fingerprint
    for client in ("viewer", "ops"):
        with site.connect_tls(client) as c:
            assert sa_names(c) == ["mn1"]
            with pytest.raises(NetconfError) as ei:
                c.edit_config(sa_config("mn3", "192.0.2.52", 1002))
            assert ei.value.tag == "access-denied"
            with pytest.raises(NetconfError) as ei:
                c.rpc("<lock><target><running/></target></lock>")
            assert ei.value.tag == "access-denied"
            assert sa_names(c) == ["mn1"]
    assert site.daemon.log_contains(r"NETCONF session \d+: user viewer from")
    assert not site.daemon.log_contains(r"user ops-laptop")


def refused(site, client):
    """Connect with pki[client]; True if the server ends the session before a <hello>."""
    try:
        c = site.connect_tls(client, timeout=15)
    except (ssl.SSLError, ConnectionError, OSError):
        return True
    c.close()
    return False


def test_untrusted_certificate_is_refused(site):
    # CN=admin, but signed by a CA with the same name and another key
    assert refused(site, "rogue")
    wait_until(lambda: site.daemon.log_contains(r"libnetconf2: .*(verif|certificate)"),
               timeout=10, message="the certificate failure in the log")
    with site.connect_tls("admin") as c:  # the endpoint still serves good clients
        assert sa_names(c) == ["mn1"]


def test_trusted_certificate_of_unknown_user_is_refused(site):
    assert refused(site, "stranger")
    wait_until(lambda: site.daemon.log_contains(r"maps to 'nobody', which is not a user"),
               timeout=10, message="the refusal in the log")
    assert not site.daemon.log_contains(r"NETCONF session \d+: user nobody")


def test_keys_never_in_state_config_or_log(site):
    key_text = site.pki["server"][1].read_text()
    body = "".join(line for line in key_text.splitlines() if not line.startswith("-----"))
    with site.connect_tls("admin") as c:
        cfg = c.rpc("<get-config><source><running/></source></get-config>")
        state = c.rpc("<get/>")
    from xml.etree.ElementTree import tostring
    text = tostring(cfg).decode() + tostring(state).decode()
    assert "server-key" in text  # the path is configuration
    assert body[:40] not in text and body[:40] not in site.daemon.log_text()
    assert KEY not in text


def test_cert_to_name_change_applies_to_new_sessions(site):
    # remove the ops -> viewer entry over SSH; ops is refused afterwards, admin still works
    with site.connect("admin") as m:
        m.edit_config(target="running", config=(
            f'<config xmlns="{NC_BASE_NS}"><pmip xmlns="{NS}"><netconf><tls>'
            f'<cert-to-name xmlns:nc="{NC_BASE_NS}" nc:operation="delete"><id>1</id>'
            f'</cert-to-name></tls></netconf></pmip></config>'))
    wait_until(lambda: site.daemon.log_contains(r"now listening on 127\.0\.0\.1 port %d \(tls\)"
                                                % site.tls_port),
               timeout=10, message="the TLS endpoint re-created")
    assert refused(site, "ops")
    with site.connect_tls("admin") as c:
        assert sa_names(c) == ["mn1"]


def test_tls_only_server_without_ssh(site):
    # drop the ssh endpoint over TLS itself: TLS keeps serving, SSH is closed
    with site.connect_tls("admin") as c:
        c.rpc(f'<edit-config><target><running/></target><config xmlns="{NC_BASE_NS}">'
              f'<pmip xmlns="{NS}"><netconf><ssh xmlns:nc="{NC_BASE_NS}" '
              f'nc:operation="delete"/></netconf></pmip></config></edit-config>')
        wait_until(lambda: site.daemon.log_contains(r"NETCONF SSH endpoint closed"),
                   timeout=10, message="the SSH endpoint closed")
        with pytest.raises(ConnectionError):
            netns_socket(site.node, site.port)
        assert sa_names(c) == ["mn1"]
    with site.connect_tls("viewer") as c:
        assert sa_names(c) == ["mn1"]


def check_config(site, tmp_path, tls):
    cfg = site.config()
    cfg["pmip:pmip"]["netconf"]["tls"] = tls
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(cfg))
    return subprocess.run([str(build_dir() / "core" / "pmipd"), "-n", "-c", str(path), "-P",
                           str(build_dir() / "plugins")],
                          capture_output=True, text=True, timeout=30)


def test_invalid_tls_configuration_is_refused_precisely(site, tmp_path):
    p = site.pki
    good = site.tls_config()
    cases = [
        ({"server-key": str(p["admin"][1])}, "does not belong to the server certificate"),
        ({"server-certificate": str(tmp_path / "missing.crt")}, "cannot read a PEM certificate"),
        ({"trusted-ca": str(p["server"][1])}, "cannot read a PEM CA certificate"),
        ({"port": site.port}, "uses the address and port of the ssh endpoint"),
        ({"cert-to-name": [{"id": 1, "fingerprint": "04:zz", "map-type": "common-name"}]},
         "A fingerprint is a hash byte"),
        ({"cert-to-name": [{"id": 1, "fingerprint": good["cert-to-name"][1]["fingerprint"],
                            "map-type": "specified"}]}, "needs a name"),
    ]
    key_body = p["admin"][1].read_text().splitlines()[1]
    for change, message in cases:
        res = check_config(site, tmp_path, {**good, **change})
        assert res.returncode != 0, change
        assert message in res.stderr + res.stdout, (change, res.stderr)
        assert key_body not in res.stderr + res.stdout
    ok = check_config(site, tmp_path, good)
    assert ok.returncode == 0, ok.stderr


NCM = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"


def netconf_state(client, what):
    reply = client.rpc(f'<get><filter type="subtree"><netconf-state xmlns="{NCM}"><{what}/>'
                       f'</netconf-state></filter></get>')
    return reply.find(f"{{{NC_BASE_NS}}}data/{{{NCM}}}netconf-state/{{{NCM}}}{what}")


def test_netconf_state_sessions_and_statistics(site):
    with site.connect_tls("viewer") as v, site.connect("admin") as m:
        with pytest.raises(NetconfError):
            v.edit_config(sa_config("mn3", "192.0.2.52", 1002))
        sessions = {int(s.findtext(f"{{{NCM}}}session-id")): s
                    for s in netconf_state(v, "sessions").findall(f"{{{NCM}}}session")}
        mine = sessions[v.session_id]
        assert mine.findtext(f"{{{NCM}}}transport").endswith("netconf-tls")
        assert mine.findtext(f"{{{NCM}}}username") == "viewer"
        assert mine.findtext(f"{{{NCM}}}source-host") == "127.0.0.1"
        assert int(mine.findtext(f"{{{NCM}}}out-rpc-errors")) == 1
        assert int(mine.findtext(f"{{{NCM}}}in-rpcs")) >= 1
        other = sessions[int(m.session_id)]
        assert other.findtext(f"{{{NCM}}}transport").endswith("netconf-ssh")
        assert other.findtext(f"{{{NCM}}}username") == "admin"
        stats = netconf_state(v, "statistics")
        assert int(stats.findtext(f"{{{NCM}}}in-sessions")) >= 2
        assert int(stats.findtext(f"{{{NCM}}}out-rpc-errors")) >= 1
        started = datetime.datetime.fromisoformat(stats.findtext(f"{{{NCM}}}netconf-start-time"))
        login = datetime.datetime.fromisoformat(mine.findtext(f"{{{NCM}}}login-time"))
        assert started <= login <= datetime.datetime.now(datetime.timezone.utc)
        before = int(stats.findtext(f"{{{NCM}}}in-rpcs"))
        assert int(netconf_state(v, "statistics").findtext(f"{{{NCM}}}in-rpcs")) == before + 1
    # both sessions ended: neither is listed any more
    site.wait_sessions_gone()
    with site.connect_tls("admin") as c:
        ids = [int(s.findtext(f"{{{NCM}}}session-id"))
               for s in netconf_state(c, "sessions").findall(f"{{{NCM}}}session")]
        assert ids == [c.session_id]
