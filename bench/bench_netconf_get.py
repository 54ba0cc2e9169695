#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: NETCONF <get> of the home agent state with many bindings.

Not a test (no pass/fail): it starts pmipd as a home agent with its NETCONF
server in namespaces of its own (tests/py/lib/netconf.py), fills it with N
mobility bindings (default 100 000) from a blaster that runs in the mobile
node's namespace and sends Registration Requests whose HMAC-MD5
authenticators are computed in Python (tests/py/wirelib.py, never pmipd's C
code), then times <get> of the home-agent state with ncclient and reports
the time, the size of the reply and the daemon's peak RSS (VmHWM).

  sudo /usr/bin/python3 bench/bench_netconf_get.py [-n 100000] [--json out.json]

Results are recorded in docs/netconf.md ("Scale").
"""
import argparse
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import benchlib  # noqa: E402
from benchlib import vm  # noqa: E402

NS = "urn:pmipd:params:xml:ns:yang:pmip"


def run(n, out, window):
    from lib.netconf import NetconfSite

    nodes, links = benchlib.nodes_and_links()
    config = benchlib.ha_config(n)
    result = {"bindings-requested": n, "machine": benchlib.machine()}
    with benchlib.patched_build(), NetconfSite(extra_config=config, extra_nodes=nodes,
                                               extra_links=links, ns_prefix="pbn") as site:
        pid = site.daemon.pid
        result["rss-kb-before"] = vm(pid, "VmRSS")
        result["blast"] = benchlib.run_blast(site.topo["mn"], n, window=window)
        result["rss-kb-after-bindings"] = vm(pid, "VmRSS")
        result["hwm-kb-after-bindings"] = vm(pid, "VmHWM")
        with site.connect("admin", timeout=1800) as m:
            sel = ("subtree", f'<pmip xmlns="{NS}"><home-agent><state/></home-agent></pmip>')
            t0 = time.monotonic()
            reply = m.get(filter=sel)
            result["get-seconds"] = round(time.monotonic() - t0, 2)
            xml = reply.data_xml
            result["reply-bytes"] = len(xml)
            result["bindings-in-reply"] = xml.count("<binding>")
            t0 = time.monotonic()
            m.get_config(source="running")
            result["get-config-seconds"] = round(time.monotonic() - t0, 3)
        result["hwm-kb-after-get"] = vm(pid, "VmHWM")
        result["rss-kb-after-get"] = vm(pid, "VmRSS")
    print(json.dumps(result, indent=2))
    if out:
        pathlib.Path(out).write_text(json.dumps(result, indent=2) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000, help="bindings (default 100000)")
    ap.add_argument("--json", help="also write the result here")
    ap.add_argument("--window", type=int, default=64, help="requests outstanding (default 64)")
    args = ap.parse_args()
    if not 0 < args.n <= benchlib.MAX_N:
        ap.error(f"-n: 1 to {benchlib.MAX_N}")
    run(args.n, args.json, args.window)


if __name__ == "__main__":
    main()
