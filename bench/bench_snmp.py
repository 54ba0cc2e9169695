#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: SNMP walk of the binding table at scale, and the subagent's cost under churn.

Not a test (no pass/fail). Starts a real Net-SNMP master agent (snmpd with an AgentX socket,
tests/py/lib/snmp.py) and pmipd as a home agent with its AgentX subagent in namespaces of its
own (bench/benchlib.py), registers N bindings from the Python blaster (default 100 000), then:

1. times "snmpbulkwalk -Cr50" of pmipBindingTable through the master (rows per second);
2. churn: deregisters and re-registers --churn bindings as fast as the blaster goes, with the
   subagent connected and idle, and reports the daemon's CPU time per binding change;
3. the same churn while a bulk walk of the table runs (the walk's time under churn too);
4. the same churn after a reload that disables SNMP: the difference between 2 and 4 is
   what the subagent costs per binding change.

  sudo /usr/bin/python3 bench/bench_snmp.py [-n 100000] [--churn 20000] [--json out.json]

Results are recorded in docs/snmp.md ("Scale").
"""
import argparse
import copy
import json
import pathlib
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import benchlib  # noqa: E402
from lib import snmp as snmplib  # noqa: E402
from lib.wait import wait_until  # noqa: E402

BINDING_TABLE = snmplib.PMIP_MIB_OID + ".1.2"  # pmipBindingTable
BINDING_COUNT = snmplib.PMIP_MIB_OID + ".1.1.2.0"  # pmipBindingCount


def bulkwalk(master, oid, timeout=3600):
    """(seconds, varbinds, distinct rows) of snmpbulkwalk -Cr50 @oid through @master."""
    argv = ["snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oq", "-t", "10", "-r", "1",
            "-Cr50", f"127.0.0.1:{snmplib.SNMP_PORT}", oid]
    t0 = time.monotonic()
    res = master.node.run(argv, timeout=timeout, env=master._env("cpersist"))
    s = time.monotonic() - t0
    if res.returncode != 0:
        raise RuntimeError(f"snmpbulkwalk: {res.stderr.strip()}")
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith(oid + ".1.")]
    per_col = {}
    for ln in lines:  # oid.1.<column>.<index> value
        col = ln[len(oid) + 3:].split(".", 1)[0]
        per_col[col] = per_col.get(col, 0) + 1
    return s, len(lines), max(per_col.values(), default=0)


def churn(site, k, start):
    """Deregister then re-register bindings start..start+k-1; summary with daemon CPU."""
    pid = site.daemon.pid
    u0, s0 = benchlib.cpu_seconds(pid)
    t0 = time.monotonic()
    d = benchlib.run_blast(site.topo["mn"], k, lifetime=0, start=start)
    r = benchlib.run_blast(site.topo["mn"], k, start=start)
    secs = time.monotonic() - t0
    u1, s1 = benchlib.cpu_seconds(pid)
    changes = d["accepted"] + r["accepted"]
    return {"changes": changes, "seconds": round(secs, 2),
            "changes-per-second": round(changes / secs),
            "daemon-cpu-seconds": round(u1 - u0 + s1 - s0, 2),
            "daemon-cpu-per-change-us": round((u1 - u0 + s1 - s0) * 1e6 / max(changes, 1), 1)}


def run(n, k, out):
    result = {"machine": benchlib.machine(), "bindings-requested": n}
    holder = {}

    def prepare(topo):
        m = holder["master"] = snmplib.SnmpMaster(topo["nc"], topo.workdir).start()
        return {"snmp": {"enabled": True, "agentx-socket": m.agentx, "ping-interval": 1}}

    site = benchlib.HaSite(n, ns_prefix="pbs", prepare=prepare)
    with site:
        master = holder["master"]
        try:
            pid = site.daemon.pid
            wait_until(lambda: master.get(BINDING_COUNT) is not None, timeout=30,
                       message="the subagent did not register")
            result["blast"] = benchlib.run_blast(site.topo["mn"], n)
            result["rss-kb-with-bindings"] = benchlib.vm(pid, "VmRSS")
            result["binding-count-via-snmp"] = master.get(BINDING_COUNT)
            u0, s0 = benchlib.cpu_seconds(pid)
            secs, vbs, rows = bulkwalk(master, BINDING_TABLE)
            u1, s1 = benchlib.cpu_seconds(pid)
            result["bulkwalk"] = {"seconds": round(secs, 2), "varbinds": vbs, "rows": rows,
                                  "rows-per-second": round(rows / secs),
                                  "varbinds-per-second": round(vbs / secs),
                                  "daemon-cpu-seconds": round(u1 - u0 + s1 - s0, 2)}
            print(json.dumps(result["bulkwalk"]), flush=True)

            result["churn-with-snmp-idle"] = churn(site, k, 0)
            print(json.dumps(result["churn-with-snmp-idle"]), flush=True)
            walk = {}

            def walker():
                walk["r"] = bulkwalk(master, BINDING_TABLE)

            th = threading.Thread(target=walker)
            th.start()
            result["churn-during-walk"] = churn(site, k, 0)
            th.join()
            ws, wv, wr = walk["r"]
            result["bulkwalk-during-churn"] = {"seconds": round(ws, 2), "rows": wr,
                                               "rows-per-second": round(wr / ws)}
            print(json.dumps(result["churn-during-walk"]), flush=True)

            cfg = copy.deepcopy(site.daemon.config)
            cfg["pmip:pmip"]["snmp"]["enabled"] = False
            site.daemon.reload(cfg)
            wait_until(lambda: master.get(BINDING_COUNT) is None, timeout=30,
                       message="the subagent did not go away")
            result["churn-without-snmp"] = churn(site, k, 0)
            print(json.dumps(result["churn-without-snmp"]), flush=True)
        finally:
            master.stop()
    print(json.dumps(result, indent=2))
    if out:
        pathlib.Path(out).write_text(json.dumps(result, indent=2) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000, help="bindings (default 100000)")
    ap.add_argument("--churn", type=int, default=20000,
                    help="bindings deregistered and re-registered per churn phase")
    ap.add_argument("--json", help="also write the result here")
    a = ap.parse_args()
    if not 0 < a.n <= benchlib.MAX_N or not 0 < a.churn <= a.n:
        ap.error(f"-n: 1 to {benchlib.MAX_N}; --churn: 1 to n")
    run(a.n, a.churn, a.json)


if __name__ == "__main__":
    main()
