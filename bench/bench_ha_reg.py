#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Benchmark: home agent registration throughput and memory per binding.

Not a test (no pass/fail). Starts pmipd as a home agent with the userspace tunnel back end
in namespaces of its own (bench/benchlib.py HaSite), then registers home addresses from the
Python blaster in the mobile node's namespace (HMAC-MD5 computed by Python's hmac) up to
each size in --sizes, and reports for each step: registrations per second, the daemon's CPU
time, and its VmRSS growth per binding. It also measures the blaster alone (building and
authenticating requests, nothing sent), which bounds what this benchmark can show.

  sudo /usr/bin/python3 bench/bench_ha_reg.py [--sizes 10000,100000] [--window 64]
        [--profile strace|perf] [--json out.json]

--profile attaches "strace -c -f" (system call summary) or "perf record -g" to the daemon
for the first step and prints the summary. Results are recorded in docs/home-agent.md
("Scale").
"""
import argparse
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import benchlib  # noqa: E402


def _profiler(kind, pid, out):
    if kind == "strace":
        return subprocess.Popen(["strace", "-c", "-w", "-f", "-o", out, "-p", str(pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if kind == "perf":
        return subprocess.Popen(["perf", "record", "-g", "-o", out, "-p", str(pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return None


def _profile_report(kind, out):
    if kind == "strace":
        return pathlib.Path(out).read_text()
    r = subprocess.run(["perf", "report", "-i", out, "--stdio", "--no-children",
                        "--percent-limit", "2", "-G"], capture_output=True, text=True, timeout=300)
    return r.stdout


def run(sizes, window, profile, out, log_level):
    result = {"machine": benchlib.machine(), "window": window, "steps": []}
    top = max(sizes)
    with benchlib.HaSite(top, ns_prefix="pbr", log_level=log_level) as site:
        pid = site.daemon.pid
        result["blaster-alone"] = benchlib.run_blast(site.topo["mn"], min(top, 20000),
                                                     dry=True)
        done = 0
        rss0 = benchlib.vm(pid, "VmRSS")
        result["rss-kb-empty"] = rss0
        for k, size in enumerate(sizes):
            prof = None
            if profile and k == 0:
                pfile = tempfile.mktemp(prefix="pbr-prof-")
                prof = _profiler(profile, pid, pfile)
                time.sleep(1.0)  # let the profiler attach (benchmark, not a test)
            u0, s0 = benchlib.cpu_seconds(pid)
            b = benchlib.run_blast(site.topo["mn"], size - done, window=window, start=done)
            u1, s1 = benchlib.cpu_seconds(pid)
            if prof is not None:
                prof.send_signal(signal.SIGINT)
                prof.wait(timeout=120)
                result["profile"] = _profile_report(profile, pfile)
                os.unlink(pfile)
            rss = benchlib.vm(pid, "VmRSS")
            step = {"bindings": size, "registered": b["accepted"], "blast": b,
                    "registrations-per-second": b["per-second"],
                    "daemon-cpu-seconds": {"user": round(u1 - u0, 2), "sys": round(s1 - s0, 2)},
                    "rss-kb": rss, "hwm-kb": benchlib.vm(pid, "VmHWM"),
                    "rss-bytes-per-binding": round((rss - rss0) * 1024 / size)}
            b["daemon-cpu-per-registration-us"] = round(
                (u1 - u0 + s1 - s0) * 1e6 / max(b["accepted"], 1), 1)
            result["steps"].append(step)
            done = size
            print(json.dumps(step), flush=True)
    prof_text = result.pop("profile", None)
    print(json.dumps(result, indent=2))
    if prof_text:
        print(prof_text)
    if out:
        pathlib.Path(out).write_text(json.dumps(result, indent=2) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000",
                    help="comma-separated binding counts, ascending (default 10000,100000)")
    ap.add_argument("--window", type=int, default=64, help="requests outstanding (default 64)")
    ap.add_argument("--profile", choices=("strace", "perf"))
    ap.add_argument("--log-level", default="notice")
    ap.add_argument("--json", help="also write the result here")
    a = ap.parse_args()
    sizes = sorted(int(x) for x in a.sizes.split(","))
    if sizes[-1] > benchlib.MAX_N:
        ap.error(f"at most {benchlib.MAX_N} bindings (the home network's size)")
    run(sizes, a.window, a.profile, a.json, a.log_level)


if __name__ == "__main__":
    main()
