# SPDX-License-Identifier: BSD-2-Clause
"""Net-SNMP fixtures for the SNMP tests: a real snmpd master agent and a real snmptrapd.

Both run unprivileged-style from a mktemp -d directory inside a topology node
(its own network namespace), on that node's loopback only:

  snmpd      udp:127.0.0.1:11161, "master agentx" with its AgentX socket
             <dir>/agentx.sock (pmipd connects there), community "public",
             a pinned engineID, v2c trap sink udp:127.0.0.1:11162 and an SNMPv3
             authPriv (SHA/AES) trap session to udp:127.0.0.1:11163
  snmptrapd  udp:127.0.0.1:11162 (v2c, community public) and :11163 (v3 user
             trapuser, authPriv required); one line per notification in
             <dir>/snmptrapd.log: "TRAP <transport>|<varbinds, tab separated>"

snmpd is started with -f -C -I -smux (no system config, no privileged port),
MIBS= and MIBDIRS=/nonexistent (numeric OIDs only); everything is stopped by
PID. erlang_mibs() gives the SMIv2 base modules from erlang-snmp for smilint.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile

from .topo import stop_process
from .wait import wait_until

SNMP_PORT = 11161
TRAP_V2_PORT = 11162
TRAP_V3_PORT = 11163
ENGINE_ID = "0x80001f8804706d697074657374"
V3_USER, V3_AUTH, V3_PRIV = "trapuser", "authpass123", "privpass123"
ERLANG_CACHE = "/var/cache/pmipd/erlang-snmp"
PMIP_MIB_OID = ".1.3.6.1.4.1.32473.1"
MIP_MIB_OID = ".1.3.6.1.2.1.44"

_VB_RE = re.compile(r"^(\.[0-9.]+) = (?:([A-Za-z0-9-]+): )?(.*)$")


def erlang_mibs():
    """Directory of erlang-snmp's SMIv2 base MIBs (SNMPv2-SMI.mib, ...), unpacked on demand.

    scripts/install-deps.sh unpacks the package into ERLANG_CACHE; if that has not
    happened, this does it (apt-get download + dpkg-deb -x, never installed).
    """
    env = os.environ.get("PMIP_ERLANG_MIBS")
    if env:
        return env
    found = glob.glob(os.path.join(ERLANG_CACHE, "usr/lib/erlang/lib/snmp-*/mibs"))
    if not found:
        os.makedirs(ERLANG_CACHE, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="erlang-snmp-")
        try:
            subprocess.run(["apt-get", "download", "erlang-snmp"], cwd=tmp, check=True,
                           capture_output=True, timeout=120)
            deb = glob.glob(os.path.join(tmp, "erlang-snmp_*.deb"))
            assert deb, "apt-get download erlang-snmp produced no package"
            subprocess.run(["dpkg-deb", "-x", deb[0], ERLANG_CACHE], check=True, timeout=60)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        found = glob.glob(os.path.join(ERLANG_CACHE, "usr/lib/erlang/lib/snmp-*/mibs"))
    assert found, f"no erlang-snmp MIBs under {ERLANG_CACHE}"
    return found[0]


def parse_varbind(line):
    """(oid, type, value) of one "-On" formatted varbind; type "" for an empty string."""
    m = _VB_RE.match(line.strip())
    if not m:
        return None
    oid, typ, val = m.group(1), m.group(2) or "", m.group(3)
    if typ == "STRING" or (typ == "" and val.startswith('"')):
        val = val[1:-1] if val.startswith('"') and val.endswith('"') else val
        typ = "STRING"
    return oid, typ, val


class SnmpMaster:
    """snmpd (master agent with an AgentX socket) and snmptrapd in one node."""

    def __init__(self, node, workdir=None):
        self.node = node
        self.dir = tempfile.mkdtemp(prefix="snmp-", dir=workdir)
        os.chmod(self.dir, 0o755)
        self.agentx = os.path.join(self.dir, "agentx.sock")
        self.trap_log = os.path.join(self.dir, "snmptrapd.log")
        self.snmpd = None
        self.trapd = None
        self._write_configs()

    def _write_configs(self):
        with open(os.path.join(self.dir, "snmpd.conf"), "w") as f:
            f.write(f"""[snmpd]
agentaddress udp:127.0.0.1:{SNMP_PORT}
master agentx
agentXSocket unix:{self.agentx}
agentXPerms 0660 0770
agentXTimeout 5
rocommunity public 127.0.0.1
engineID {ENGINE_ID}
createUser {V3_USER} SHA {V3_AUTH} AES {V3_PRIV}
trap2sink udp:127.0.0.1:{TRAP_V2_PORT} public
trapsess -v 3 -u {V3_USER} -l authPriv -a SHA -A {V3_AUTH} -x AES -X {V3_PRIV} -e {ENGINE_ID} udp:127.0.0.1:{TRAP_V3_PORT}
[snmp]
persistentDir {self.dir}/persist
""")
        with open(os.path.join(self.dir, "snmptrapd.conf"), "w") as f:
            f.write(f"""authCommunity log public
createUser -e {ENGINE_ID} {V3_USER} SHA {V3_AUTH} AES {V3_PRIV}
authUser log {V3_USER} priv
[snmp]
persistentDir {self.dir}/tpersist
""")

    def _env(self, persist):
        env = dict(os.environ, MIBS="", MIBDIRS="/nonexistent",
                   SNMP_PERSISTENT_DIR=os.path.join(self.dir, persist),
                   SNMPCONFPATH=self.dir)
        return env

    def start(self):
        """Start snmpd and snmptrapd; return once both answer."""
        self.start_snmpd()
        if self.trapd is None:
            self.trapd = self.node.popen(
                ["snmptrapd", "-f", "-C", "-c", os.path.join(self.dir, "snmptrapd.conf"),
                 "-Lf", self.trap_log, "-On",
                 "-F", "TRAP %b|%V\\t%v\\n", "-A",
                 "-p", os.path.join(self.dir, "snmptrapd.pid"),
                 f"udp:127.0.0.1:{TRAP_V2_PORT}", f"udp:127.0.0.1:{TRAP_V3_PORT}"],
                env=self._env("tpersist"))
            wait_until(lambda: "NET-SNMP version" in self._read("snmptrapd.log"), timeout=10,
                       message="snmptrapd did not start")
        # coldStart reaches the sinks once snmpd runs; both sinks answer then.
        return self

    def start_snmpd(self):
        """(Re)start snmpd; return once it answers GET sysUpTime."""
        self.snmpd = self.node.popen(
            ["snmpd", "-f", "-C", "-c", os.path.join(self.dir, "snmpd.conf"), "-I", "-smux",
             "-Lf", os.path.join(self.dir, "snmpd.log"),
             "-p", os.path.join(self.dir, "snmpd.pid")],
            env=self._env("persist"))
        wait_until(lambda: self.get(".1.3.6.1.2.1.1.3.0") is not None, timeout=15,
                   message="snmpd did not answer")

    def stop_snmpd(self):
        """Stop snmpd (by PID) and wait for it to exit."""
        if self.snmpd is not None:
            stop_process(self.snmpd)
            self.snmpd = None

    def stop(self):
        self.stop_snmpd()
        if self.trapd is not None:
            stop_process(self.trapd)
            self.trapd = None

    def _read(self, name):
        try:
            with open(os.path.join(self.dir, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def debug(self):
        """Tails of the logs, for failure messages."""
        return "\n".join(f"--- {n}:\n" + self._read(n)[-1500:]
                         for n in ("snmptrapd.log", "snmpd.log"))

    def _cmd(self, tool, *args, timeout=30):
        argv = [tool, "-v2c", "-c", "public", "-On", "-Oe", "-t", "2", "-r", "1",
                f"127.0.0.1:{SNMP_PORT}"] + list(args)
        res = self.node.run(argv, timeout=timeout, env=self._env("cpersist"))
        return res

    def get(self, oid):
        """(type, value) of one object, or None when there is none (or no answer)."""
        res = self._cmd("snmpget", oid)
        if res.returncode != 0:
            return None
        vb = parse_varbind(res.stdout.strip().splitlines()[0]) if res.stdout.strip() else None
        if vb is None or vb[1] in ("No Such Object available on this agent at this OID",):
            return None
        if "No Such" in res.stdout:
            return None
        return vb[1], vb[2]

    def walk(self, oid, bulk=False):
        """{oid: (type, value)} of a subtree, in walk order (dicts keep it)."""
        tool = "snmpbulkwalk" if bulk else "snmpwalk"
        extra = ["-Cr50"] if bulk else []
        res = self._cmd(tool, *extra, oid, timeout=60)
        assert res.returncode == 0, f"{tool} {oid}: {res.stderr}{res.stdout}"
        out = {}
        for line in res.stdout.splitlines():
            vb = parse_varbind(line)
            # An empty subtree: snmpwalk falls back to a GET of the root, which has no value.
            if vb is not None and not vb[2].startswith(("No Such ", "No more variables")):
                out[vb[0]] = (vb[1], vb[2])
        return out

    def set(self, oid, typ, value):
        """Run snmpset with the read-only community; return (exit status, output)."""
        res = self._cmd("snmpset", oid, typ, value)
        return res.returncode, res.stdout + res.stderr

    def traps(self):
        """Every notification received so far: [{"transport": str, "vars": {oid: value}}]."""
        out = []
        for line in self._read("snmptrapd.log").splitlines():
            if not line.startswith("TRAP "):
                continue
            transport, _, rest = line[5:].partition("|")
            vars_ = {}
            for part in rest.split("\t"):
                vb = parse_varbind(part)
                if vb is not None:
                    vars_[vb[0]] = vb[2]
            out.append({"transport": transport, "vars": vars_})
        return out

    def traps_of(self, trap_oid, port=None):
        """Notifications whose snmpTrapOID.0 is trap_oid, optionally received on port."""
        res = []
        for t in self.traps():
            if t["vars"].get(".1.3.6.1.6.3.1.1.4.1.0") != trap_oid:
                continue
            if port is not None and not t["transport"].split("->")[-1].strip().endswith(f":{port}"):
                continue
            res.append(t)
        return res
