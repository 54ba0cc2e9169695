#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""pmipctl and pmipd's control socket, against real HA and FA daemons in namespaces.

Topology and configs come from lib.scenarios (cn -- ha == core == fa -- mn); the
mobile node is lib.mn, which registers through the FA with Python-computed
authenticators. Each daemon gets its own control socket with "-s" in the
topology's work directory. Expected values come from lib.scenarios and from
the kernel (routes and proxy neighbour entries), never from pmipd's C code.

Proves: bindings and visitors are listed with addresses and remaining lifetime;
counters rise with a registration; "clear binding" and "clear visitor" remove
the state and the kernel forwarding entries; no key ever appears in any answer;
malformed, oversized and pipelined requests; a client that never reads or
never writes does not block others; the client bound; reload; exit status 2
when no daemon listens. Needs root for namespaces: without it the tests fail.
"""
import json
import os
import re
import socket
import stat
import subprocess
import time

import pytest

from lib import daemon as dmod
from lib import scenarios as S
from lib.topo import Topology
from lib.wait import wait_until

PREFIX = "pmctl"
READY = r"running with"
KEY_HEX = S.MN_KEY_HEX


def pmipctl_path():
    exe = dmod.build_dir() / "core" / "pmipctl"
    assert exe.is_file(), f"{exe} is missing: build the tree first"
    return str(exe)


def ctl(sock, *words, raw=True, timeout=20):
    """Run pmipctl; return (exit status, stdout, stderr)."""
    argv = [pmipctl_path(), "-s", sock] + (["-j"] if raw else []) + list(words)
    res = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return res.returncode, res.stdout, res.stderr


def ctl_ok(sock, *words):
    """Run pmipctl -j; assert success; return the answer's data."""
    rc, out, err = ctl(sock, *words)
    assert rc == 0, f"pmipctl {' '.join(words)}: exit {rc}: {err}{out}"
    ans = json.loads(out)
    assert ans["ok"] is True, ans
    return ans["data"]


def raw_request(sock_path, payload, timeout=10):
    """Send payload on a fresh connection, half-close, read to EOF; return the answers (list)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.endswith(b"\n\n"), data[-200:]
    return [json.loads(part) for part in data.decode().split("\n\n") if part]


@pytest.fixture(scope="module")
def agents():
    """HA and FA daemons with control sockets in one topology, shared by this module's tests."""
    assert os.geteuid() == 0, "the pmipctl tests need root for network namespaces"
    with Topology(S.topology(), prefix=PREFIX) as t:
        socks = {name: os.path.join(t.workdir, f"{name}.sock") for name in ("ha", "fa")}
        t.start_daemon("ha", {"node": "ha", "config": S.ha_config(), "ready": READY,
                              "args": ["-s", socks["ha"]]})
        t.start_daemon("fa", {"node": "fa", "config": S.fa_config(), "ready": READY,
                              "args": ["-s", socks["fa"]]})
        yield t, socks


def registered(t, **over):
    res = S.register(t, **over)
    assert res["code"] == 0 and res["mhae"] == "ok", f"registration failed: {res}"
    return res


def binding_of(sock, hoa):
    data = ctl_ok(sock, "show", "bindings")
    return [b for b in data["bindings"] if b["home-address"] == hoa]


def ha_forwarding(t):
    """The HA's kernel state for the mobile node: (host routes, proxy ARP entry present)."""
    return S.routes_to(t["ha"], S.MN_HOME), S.proxy_neigh(t["ha"], S.MN_HOME)


def test_socket_mode(agents):
    _, socks = agents
    for path in socks.values():
        st = os.stat(path)
        assert stat.S_ISSOCK(st.st_mode)
        assert stat.S_IMODE(st.st_mode) == 0o660


def test_show_bindings_and_visitors(agents):
    t, socks = agents
    registered(t, lifetime=120)
    rows = binding_of(socks["ha"], S.MN_HOME)
    assert len(rows) == 1, rows
    b = rows[0]
    assert b["care-of-address"] == S.FA_COA
    assert b["home-agent"] == S.HA_ADDR
    assert b["lifetime"] == 120
    assert 0 < b["remaining"] <= 120

    # The human table carries the same facts.
    rc, out, err = ctl(socks["ha"], "show", "bindings", raw=False)
    assert rc == 0, err
    assert re.search(r"^HOME-ADDRESS\s+CARE-OF-ADDRESS", out, re.M), out
    line = next(line for line in out.splitlines() if line.startswith(S.MN_HOME))
    assert S.FA_COA in line.split() and "120" in line.split()

    vis = [v for v in ctl_ok(socks["fa"], "show", "visitors")["visitors"]
           if v["home-address"] == S.MN_HOME]
    assert len(vis) == 1, vis
    assert vis[0]["home-agent"] == S.HA_ADDR
    assert vis[0]["care-of-address"] == S.FA_COA
    assert vis[0]["interface"] == "lan"
    assert vis[0]["mac"] == S.MN_MAC
    assert 0 < vis[0]["remaining"] <= 120

    # The FA is no home agent: a precise error and exit status 1.
    rc, out, err = ctl(socks["fa"], "show", "bindings", raw=False)
    assert rc == 1 and "home agent role is not running" in err, (rc, out, err)


def test_counters_rise(agents):
    t, socks = agents
    ha0 = ctl_ok(socks["ha"], "show", "counters", "ha")["home-agent"]
    fa0 = ctl_ok(socks["fa"], "show", "counters")["foreign-agent"]
    registered(t)
    ha1 = ctl_ok(socks["ha"], "show", "counters", "ha")["home-agent"]
    fa1 = ctl_ok(socks["fa"], "show", "counters", "fa")["foreign-agent"]
    for name in ("haRegistrationAccepted", "haRegRequestsReceived", "haRegRepliesSent"):
        assert ha1[name] >= ha0[name] + 1, name
    for name in ("faRegRequestsReceived", "faRegRequestsRelayed", "faRegRepliesRelayed"):
        assert fa1[name] >= fa0[name] + 1, name
    rc, _, err = ctl(socks["fa"], "show", "counters", "ha", raw=False)
    assert rc == 1 and "home agent role is not running" in err


def test_clear_binding_removes_forwarding(agents):
    t, socks = agents
    registered(t)
    wait_until(lambda: all(ha_forwarding(t)), timeout=5,
               message="HA host route and proxy ARP entry after registration")

    # A care-of address the node is not bound to: nothing changes.
    rc, _, err = ctl(socks["ha"], "clear", "binding", S.MN_HOME, "198.51.100.77", raw=False)
    assert rc == 1 and f"no binding for {S.MN_HOME} via 198.51.100.77" in err, err
    assert binding_of(socks["ha"], S.MN_HOME)

    assert ctl_ok(socks["ha"], "clear", "binding", S.MN_HOME, S.FA_COA) == {"removed": 1}
    assert binding_of(socks["ha"], S.MN_HOME) == []
    wait_until(lambda: ha_forwarding(t) == ([], False), timeout=5,
               message="HA host route and proxy ARP entry to go after clear binding")
    rc, _, err = ctl(socks["ha"], "clear", "binding", S.MN_HOME, raw=False)
    assert rc == 1 and f"no binding for {S.MN_HOME}" in err

    # Without a care-of address every binding of the node goes.
    registered(t)
    assert binding_of(socks["ha"], S.MN_HOME)
    assert ctl_ok(socks["ha"], "clear", "binding", S.MN_HOME)["removed"] == 1
    assert binding_of(socks["ha"], S.MN_HOME) == []
    wait_until(lambda: ha_forwarding(t) == ([], False), timeout=5,
               message="HA forwarding state to go")
    t.daemons["ha"].wait_log(rf"cleared 1 binding of {re.escape(S.MN_HOME)}", timeout=5)


def test_clear_visitor_removes_delivery_route(agents):
    t, socks = agents
    registered(t)
    wait_until(lambda: S.routes_to(t["fa"], S.MN_HOME), timeout=5,
               message="FA delivery route after registration")
    assert ctl_ok(socks["fa"], "clear", "visitor", S.MN_HOME) == {}
    assert [v for v in ctl_ok(socks["fa"], "show", "visitors")["visitors"]
            if v["home-address"] == S.MN_HOME] == []
    wait_until(lambda: not S.routes_to(t["fa"], S.MN_HOME), timeout=5,
               message="FA delivery route to go after clear visitor")
    rc, _, err = ctl(socks["fa"], "clear", "visitor", S.MN_HOME, raw=False)
    assert rc == 1 and f"no visitor {S.MN_HOME}" in err


def test_no_key_in_any_answer(agents):
    t, socks = agents
    commands = [("show", "config"), ("show", "security-associations"), ("show", "keystore"),
                ("show", "summary"), ("show", "plugins"), ("show", "counters"), ("help",)]
    for name, sock in socks.items():
        for words in commands:
            for raw in (True, False):
                rc, out, err = ctl(sock, *words, raw=raw)
                assert rc == 0, (name, words, err)
                assert KEY_HEX.lower() not in (out + err).lower(), (name, words)
    sas = ctl_ok(socks["ha"], "show", "security-associations")["security-associations"]
    assert [(s["name"], s["peer"], s["spi"]) for s in sas] == [("mn", S.MN_HOME, S.MN_SPI)]
    assert not any("key" in k for s in sas for k in s)
    conf = ctl_ok(socks["ha"], "show", "config")["config"]
    sa = conf["pmip:pmip"]["security-association"][0]
    assert sa["key-hex"] == "<redacted>" and sa["host"] == S.MN_HOME


def test_malformed_requests(agents):
    t, socks = agents
    path = socks["ha"]
    cases = [
        (b"shw bindings\n", "unknown-command", "unknown command 'shw'"),
        (b"show\n", "missing-argument", "needs one of"),
        (b"show bindings please\n", "extra-argument", "unexpected 'please'"),
        (b"clear binding 192.0.2.300\n", "bad-address", "'192.0.2.300' is not an IPv4"),
        (b"show \x01\xffbindings\n", "bad-character", "byte 0x01 at offset 5"),
        (b"\n", "empty-request", "empty request"),
    ]
    for payload, code, text in cases:
        ans = raw_request(path, payload)
        assert len(ans) == 1 and ans[0]["ok"] is False, (payload, ans)
        assert ans[0]["error"]["code"] == code, (payload, ans)
        assert text in ans[0]["error"]["message"], (payload, ans)

    # Oversized: one error answer, then the daemon closes the connection.
    ans = raw_request(path, b"show " + b"x" * 5000 + b"\n")
    assert [a["error"]["code"] for a in ans] == ["request-too-long"]

    # Pipelined requests are answered in order; the last line may lack its newline.
    ans = raw_request(path, b"show summary\nbogus\nshow counters ha")
    assert [a["ok"] for a in ans] == [True, False, True]
    assert ans[0]["data"]["home-agent"]["running"] is True

    # pmipctl: unknown command -> exit 1 with the daemon's message.
    rc, out, err = ctl(path, "show", "bindingz", raw=False)
    assert rc == 1 and "unknown object 'bindingz' after 'show'" in err and out == ""
    # The daemon kept serving throughout.
    assert t.daemons["ha"].running
    assert ctl_ok(path, "show", "summary")["home-agent"]["running"] is True


def test_stuck_clients_do_not_block_others(agents):
    t, socks = agents
    path = socks["ha"]
    mark = t.daemons["ha"].mark()
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    greedy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        silent.connect(path)  # connects and never sends
        greedy.connect(path)  # sends many requests and never reads the answers
        greedy.setblocking(False)
        sent = 0
        try:
            for _ in range(4000):
                sent += greedy.send(b"help\n")
        except BlockingIOError:
            pass
        assert sent > 1000
        start = time.monotonic()
        for _ in range(5):
            assert ctl_ok(path, "show", "summary")["home-agent"]["running"] is True
        assert time.monotonic() - start < 10
        # The reader-less client is dropped once its answer stalls (CTL_STALL_MS, 10 s).
        t.daemons["ha"].wait_log(r"ctl: closing a stalled client", timeout=30, since=mark)
        assert ctl_ok(path, "show", "summary")
    finally:
        silent.close()
        greedy.close()


def test_client_limit(agents):
    t, socks = agents
    path = socks["fa"]
    conns = []
    try:
        for _ in range(16):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            conns.append(s)
        # Make sure the daemon has accepted all 16 before the 17th comes.
        conns[-1].sendall(b"help\n")
        conns[-1].settimeout(10)
        assert conns[-1].recv(10)
        rc, _, err = ctl(path, "show", "summary", raw=False)
        assert rc == 1 and "too many control clients" in err, err
    finally:
        for s in conns:
            s.close()
    wait_until(lambda: ctl(path, "show", "summary")[0] == 0, timeout=10,
               message="a slot to free up once the clients closed")


def test_reload(agents):
    t, socks = agents
    ha = t.daemons["ha"]
    mark = ha.mark()
    ha._write_config(S.ha_config(**{"max-lifetime": 500}))
    assert ctl_ok(socks["ha"], "reload") == {}
    ha.wait_log(r"reload of .* done", since=mark, timeout=10)
    conf = ctl_ok(socks["ha"], "show", "config")["config"]
    assert conf["pmip:pmip"]["home-agent"]["max-lifetime"] == 500

    broken = S.ha_config()
    broken["pmip:pmip"]["home-agent"]["max-lifetime"] = "soon"
    ha._write_config(broken)
    rc, _, err = ctl(socks["ha"], "reload", raw=False)
    assert rc == 1 and "reload failed, running configuration kept" in err, err
    assert "max-lifetime" in err
    conf = ctl_ok(socks["ha"], "show", "config")["config"]
    assert conf["pmip:pmip"]["home-agent"]["max-lifetime"] == 500
    ha._write_config(S.ha_config())
    assert ctl_ok(socks["ha"], "reload") == {}


def test_no_daemon_exit_2(tmp_path):
    rc, out, err = ctl(str(tmp_path / "absent.sock"), "show", "summary", raw=False)
    assert rc == 2 and out == ""
    assert f"cannot connect to {tmp_path / 'absent.sock'}" in err and "is pmipd running" in err

    # A socket file nobody listens on (a daemon killed with SIGKILL): also 2.
    stale = str(tmp_path / "stale.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(stale)
    s.close()
    rc, _, err = ctl(stale, "show", "summary")
    assert rc == 2 and "Connection refused" in err


def test_socket_takeover_rules(agents, tmp_path):
    """A stale socket is replaced; a live one is never stolen."""
    t, socks = agents
    empty = {"pmip:pmip": {}}
    node = t["cn"]
    stale = os.path.join(t.workdir, "stale.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(stale)
    s.close()
    d = t.start_daemon("spare", {"node": "cn", "config": empty, "ready": READY,
                                 "args": ["-s", stale]})
    assert ctl_ok(stale, "show", "summary")["pid"] == d.pid
    d.stop()
    assert not os.path.exists(stale)  # removed at exit

    # The HA's live socket: a second daemon refuses to start and the HA keeps it.
    d2 = dmod.Daemon(node, empty, name="intruder", args=["-s", socks["ha"]])
    d2.start()
    wait_until(lambda: not d2.running, timeout=10, message="the intruder to exit")
    assert d2.proc.returncode == 1
    assert "is in use by another running pmipd" in d2.log_text()
    assert ctl_ok(socks["ha"], "show", "summary")["pid"] == t.daemons["ha"].pid


def test_proxy_commands_need_the_proxy_role(agents):
    _, socks = agents
    for words in (("show", "proxy", "clients"), ("show", "proxy", "agents"),
                  ("show", "proxy", "subnet-map"), ("show", "counters", "proxy")):
        rc, out, err = ctl(socks["ha"], *words, raw=False)
        assert rc == 1 and "proxy access point role is not running" in err, (words, err)
    assert ctl_ok(socks["ha"], "show", "summary")["proxy"] == {"running": False}
