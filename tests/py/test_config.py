#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Config goldens, error messages, key redaction and SIGHUP reload of pmipd.

Goldens: `pmipd -n -c X` must print exactly tests/config/good/<name>.ok, where
<name> is the file stem for tests/config/good/*.json and "example-<stem>" for
examples/*.json. Set PMIP_UPDATE_GOLDEN=1 to rewrite the .ok files.
Bad configs: tests/config/bad/<name>.json must fail with exit 1 and a message
on stderr containing the line in <name>.err.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess

import pytest

from lib.wait import wait_until
from lib.topo import Topology

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "config" / "good"
BAD = ROOT / "tests" / "config" / "bad"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
GOOD_CONFIGS = sorted(GOOD.glob("*.json"))
BAD_CONFIGS = sorted(BAD.glob("*.json"))
SECRET_LEAVES = ("key-hex", "key-ascii", "group-key")
CHANGE_RE = re.compile(r"\b(create|modify|destroy) (/pmip:pmip\S*)")


def golden_name(path):
    return ("example-" if path.parent.name == "examples" else "") + path.stem


def run_check(pmipd, plugin_dir, path, *extra):
    return subprocess.run([str(pmipd), "-n", *extra, "-c", str(path), "-P", str(plugin_dir)],
                          capture_output=True, text=True, timeout=30)


def secrets_of(path):
    """Every key value in a config file, found by walking its JSON."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k.split(":")[-1] in SECRET_LEAVES:
                    found.append(str(v))
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    try:
        walk(json.loads(path.read_text()))
    except json.JSONDecodeError:
        pass
    return found


def test_configs_exist():
    assert len(EXAMPLES) >= 5
    assert len(BAD_CONFIGS) >= 12


@pytest.mark.parametrize("path", EXAMPLES + GOOD_CONFIGS, ids=golden_name)
def test_golden(pmipd, plugin_dir, path):
    res = run_check(pmipd, plugin_dir, path)
    assert res.returncode == 0, res.stderr
    golden = GOOD / (golden_name(path) + ".ok")
    if os.environ.get("PMIP_UPDATE_GOLDEN") == "1":
        golden.write_text(res.stdout)
    assert golden.exists(), f"{golden} missing: run with PMIP_UPDATE_GOLDEN=1"
    assert res.stdout == golden.read_text()


@pytest.mark.parametrize("path", EXAMPLES + GOOD_CONFIGS, ids=golden_name)
def test_no_key_material(pmipd, plugin_dir, path):
    out = [run_check(pmipd, plugin_dir, path, *v) for v in ((), ("-v",))]
    secrets = secrets_of(path)
    for res in out:
        assert res.returncode == 0, res.stderr
        for s in secrets:
            assert s not in res.stdout and s not in res.stderr
        printed = json.loads(res.stdout) if res.stdout.strip() else {}
        assert secrets_of_tree(printed) == ["<redacted>"] * len(secrets)


def secrets_of_tree(tree):
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k.split(":")[-1] in SECRET_LEAVES:
                    found.append(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(tree)
    return found


@pytest.mark.parametrize("path", EXAMPLES + GOOD_CONFIGS, ids=golden_name)
def test_normalised_reparses(pmipd, plugin_dir, path, tmp_path):
    """Normalised output is a fixed point. Redacted keys are replaced by a
    dummy 16-byte hex key (valid for key-hex, key-ascii and group-key) so the
    output can be read again; the second output is redacted the same way."""
    first = run_check(pmipd, plugin_dir, path)
    assert first.returncode == 0, first.stderr
    again = tmp_path / "again.json"
    again.write_text(first.stdout.replace('"<redacted>"', '"00112233445566778899aabbccddeeff"'))
    second = run_check(pmipd, plugin_dir, again)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=golden_name)
def test_verbose_prints_defaults(pmipd, plugin_dir, path):
    res = run_check(pmipd, plugin_dir, path, "-v")
    assert res.returncode == 0, res.stderr
    glob = json.loads(res.stdout)["pmip:pmip"]["global"]
    assert "replay-tolerance" in glob and "log-level" in glob


@pytest.mark.parametrize("path", BAD_CONFIGS, ids=lambda p: p.stem)
def test_bad_config(pmipd, plugin_dir, path):
    expected = (path.with_suffix(".err")).read_text().strip()
    assert expected, f"{path.with_suffix('.err')} is empty"
    res = run_check(pmipd, plugin_dir, path)
    assert res.returncode == 1
    assert res.stdout == ""
    assert res.stderr.startswith(f"pmipd: {path}: "), res.stderr
    assert expected in res.stderr, res.stderr
    for s in secrets_of(path):
        assert s not in res.stderr


def test_reserved_spi_warns(pmipd, plugin_dir, tmp_path):
    cfg = tmp_path / "spi.json"
    cfg.write_text(json.dumps({"pmip:pmip": {"security-association": [
        {"name": "legacy", "host": "192.0.2.7", "spi": 100, "key-hex": "a1b2c3d4"}]}}))
    res = run_check(pmipd, plugin_dir, cfg)
    assert res.returncode == 0, res.stderr
    assert "security-association[name='legacy']/spi" in res.stderr
    assert "reserved" in res.stderr
    assert "a1b2c3d4" not in res.stderr + res.stdout


def test_missing_file(pmipd, plugin_dir, tmp_path):
    res = run_check(pmipd, plugin_dir, tmp_path / "nonexistent.json")
    assert res.returncode == 1
    assert "cannot open" in res.stderr


def test_usage(pmipd):
    res = subprocess.run([str(pmipd)], capture_output=True, text=True, timeout=10)
    assert res.returncode == 1
    assert "usage: pmipd" in res.stderr


# --- SIGHUP reload ---------------------------------------------------------

# Daemons that run roles open sockets and tunnels, so they run inside a
# namespace of their own that carries the examples' addresses; nothing touches
# the host namespace.
HOST_SPEC = {"nodes": {"host": {}, "peer": {}}, "links": [
    {"a": {"node": "host", "ifname": "eth0", "addrs": ["192.0.2.1/24"]},
     "b": {"node": "peer", "ifname": "eth0", "addrs": ["192.0.2.2/24"]}},
    {"a": {"node": "host", "ifname": "eth1", "addrs": ["203.0.113.1/24", "198.51.100.2/24"]},
     "b": {"node": "peer", "ifname": "eth1", "addrs": ["203.0.113.2/24"]}},
    {"a": {"node": "host", "ifname": "wlan0"}, "b": {"node": "peer", "ifname": "wlan0"}}]}


@pytest.fixture
def netns():
    """A namespace with eth0, eth1 and wlan0 carrying the examples' addresses."""
    with Topology(HOST_SPEC, prefix="pcf") as topo:
        yield topo["host"].ns


class Daemon:
    """pmipd -d in namespace @ns with stderr in a file; only this PID is ever signalled."""

    def __init__(self, pmipd, plugin_dir, cfg, log, ns, wrapper=()):
        self.log = log
        self.fh = open(log, "w")
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns] + list(wrapper) +
                                     [str(pmipd), "-d", "-c", str(cfg), "-P", str(plugin_dir)],
                                     stdout=self.fh, stderr=subprocess.STDOUT)

    def text(self):
        return self.log.read_text()

    def wait_log(self, needle, count=1, timeout=10):
        return wait_until(lambda: self.text().count(needle) >= count, timeout,
                          message=lambda: f"{needle!r} {count} time(s) in the log:\n{self.text()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.fh.close()


def changes_between(text, start, end):
    """The change lines logged between marker occurrences number start and end."""
    lines = text.splitlines()
    marks = [i for i, line in enumerate(lines) if "SIGHUP: reloading" in line]
    lo = marks[start]
    hi = marks[end] if end is not None and end < len(marks) else len(lines)
    return [m.groups() for line in lines[lo:hi] for m in CHANGE_RE.finditer(line)]


def test_sighup_reload(pmipd, plugin_dir, tmp_path, netns):
    base = json.loads((ROOT / "examples" / "ha.json").read_text())
    cfg = tmp_path / "pmipd.json"
    cfg.write_text(json.dumps(base))
    d = Daemon(pmipd, plugin_dir, cfg, tmp_path / "pmipd.log", netns)
    try:
        assert d.wait_log("running with"), d.text()
        startup = [m.groups() for m in CHANGE_RE.finditer(d.text())]
        assert ("create", "/pmip:pmip/security-association[name='mn-laptop']") in startup
        assert ("create", "/pmip:pmip/home-agent") in startup

        # 1. One SA changes: exactly that SA is modified.
        sas = base["pmip:pmip"]["security-association"]
        sas[0]["spi"] = 1500
        cfg.write_text(json.dumps(base))
        d.proc.send_signal(signal.SIGHUP)
        assert d.wait_log("reload of"), d.text()
        assert changes_between(d.text(), 0, None) == [
            ("modify", "/pmip:pmip/security-association[name='mn-laptop']")]

        # 2. An invalid file: error logged with the path, daemon keeps running.
        bad = json.loads(json.dumps(base))
        bad["pmip:pmip"]["security-association"][1]["spi"] = "not-a-number"
        cfg.write_text(json.dumps(bad))
        d.proc.send_signal(signal.SIGHUP)
        assert d.wait_log("reload failed"), d.text()
        assert "security-association[name='mn-pool']/spi" in d.text()
        assert d.proc.poll() is None
        assert changes_between(d.text(), 1, None) == []

        # 3. A valid file with one more change applies relative to the
        #    configuration that was running before the failed reload.
        sas[2]["spi"] = 2500
        cfg.write_text(json.dumps(base))
        d.proc.send_signal(signal.SIGHUP)
        assert d.wait_log("reload of", count=2), d.text()
        assert changes_between(d.text(), 2, None) == [
            ("modify", "/pmip:pmip/security-association[name='fa-campus']")]

        # 4. Removing the role destroys it.
        del base["pmip:pmip"]["home-agent"]
        cfg.write_text(json.dumps(base))
        d.proc.send_signal(signal.SIGHUP)
        assert d.wait_log("reload of", count=3), d.text()
        assert changes_between(d.text(), 3, None) == [("destroy", "/pmip:pmip/home-agent")]

        # No key material was ever logged.
        for s in secrets_of(ROOT / "examples" / "ha.json"):
            assert s not in d.text()

        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(timeout=10) == 0
    finally:
        d.stop()


def test_startup_error_exits(pmipd, plugin_dir, tmp_path):
    cfg = tmp_path / "bad.json"
    cfg.write_text('{"pmip:pmip": {"global": {"log-level": "loud"}}}')
    res = subprocess.run([str(pmipd), "-d", "-c", str(cfg), "-P", str(plugin_dir)],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 1
    assert "/pmip:pmip/global/log-level" in res.stderr


def test_daemon_valgrind_clean(pmipd, plugin_dir, tmp_path, netns):
    """Startup, a reload and SIGTERM leave no memory errors and no leaks."""
    valgrind = shutil.which("valgrind")
    assert valgrind, "valgrind is missing: run scripts/install-deps.sh"
    base = json.loads((ROOT / "examples" / "all-roles.json").read_text())
    cfg = tmp_path / "pmipd.json"
    cfg.write_text(json.dumps(base))
    log = tmp_path / "vg.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(["ip", "netns", "exec", netns, valgrind, "-q", "--error-exitcode=99", "--leak-check=full",
                                 "--errors-for-leak-kinds=definite,indirect", str(pmipd), "-d",
                                 "-c", str(cfg), "-P", str(plugin_dir)],
                                stdout=fh, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: "running with" in log.read_text(), 120, message=log.read_text)
            base["pmip:pmip"]["security-association"][0]["spi"] = 1234
            del base["pmip:pmip"]["aap"]
            cfg.write_text(json.dumps(base))
            proc.send_signal(signal.SIGHUP)
            wait_until(lambda: "reload of" in log.read_text(), 60, message=log.read_text)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=120) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


@pytest.mark.parametrize("name,reason", [
    ("bad-abi", "plugin keystore-bad-abi: ABI version 99, pmipd expects 2"),
    ("no-symbol", "plugin keystore-no-symbol: symbol pmip_plugin_descriptor missing"),
    ("wrong-class", "plugin keystore-wrong-class: class discovery, expected keystore"),
    ("nosuch", "plugin keystore-nosuch: not found in"),
])
def test_unusable_plugin_refused(pmipd, name, reason, tmp_path):
    """A key-store plugin built for another ABI, without the descriptor, of the
    wrong class, or missing is refused by pmipd -n with the reason and
    the config node that named it."""
    bad_dir = pathlib.Path(pmipd).parent.parent / "tests" / "plugins-bad"
    cfg = tmp_path / "ks.json"
    cfg.write_text(json.dumps({"pmip:pmip": {"key-store": {"order": [name]}}}))
    res = subprocess.run([str(pmipd), "-n", "-c", str(cfg), "-P", str(bad_dir)],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 1
    assert f"/pmip:pmip/key-store/order[.='{name}']" in res.stderr
    assert reason in res.stderr, res.stderr
