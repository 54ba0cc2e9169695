#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The narrated roaming demo: an unmodified client keeps its address and its TCP session across APs.

Run through scripts/demo.sh (which installs the dependencies and builds first),
as root. It builds the lib.roaming topology in network namespaces, starts the
home agent, the foreign agent and two proxy access points, and walks through:

  1. the client at home, reached directly, and a TCP session opened to it;
  2. the roam to the foreign AP: the registration exchange on the foreign LAN,
     decoded by tshark, with its timing; reachability through the tunnel; the
     TCP session still carrying data; each daemon's state;
  3. the roam back home: deregistration, direct delivery, the same TCP session.

Options: --keep leaves the topology running for exploration (until Enter or
Ctrl-C) and prints how to enter each namespace; --pace SECONDS pauses between
steps (default 0); --log-level sets the daemons' log level.
"""
import argparse
import os
import pathlib
import subprocess
import sys
import time

PY_DIR = pathlib.Path(__file__).resolve().parents[1] / "tests" / "py"
sys.path.insert(0, str(PY_DIR))

from lib import roaming as R  # noqa: E402
from lib.daemon import build_dir  # noqa: E402
from lib.tcpprobe import read_status  # noqa: E402
from lib.topo import Topology  # noqa: E402
from lib.wait import wait_until  # noqa: E402

BOLD, DIM, GREEN, RED, OFF = "\033[1m", "\033[2m", "\033[32m", "\033[31m", "\033[0m"
if not sys.stdout.isatty():
    BOLD = DIM = GREEN = RED = OFF = ""
T0 = time.monotonic()


def say(text):
    print(f"\n{BOLD}[{time.monotonic() - T0:6.2f}s] {text}{OFF}", flush=True)


def show(text, ok=None):
    mark = "" if ok is None else (f"{GREEN}ok{OFF} " if ok else f"{RED}FAILED{OFF} ")
    for line in str(text).rstrip().splitlines():
        print(f"    {mark}{line}")
        mark = "" if ok is None else "   "
    sys.stdout.flush()


class Demo:
    def __init__(self, args):
        self.args, self.failures = args, []
        self.pmipctl = build_dir() / "core" / "pmipctl"

    def pause(self):
        if self.args.pace:
            time.sleep(self.args.pace)

    def check(self, what, ok):
        show(what, ok)
        if not ok:
            self.failures.append(what)
        return ok

    def ping(self, topo, label):
        ok = topo["cn"].ping(R.CLIENT_ADDR, count=3, deadline=10)
        self.check(f"cn -> client {R.CLIENT_ADDR}: ping {label}", ok)

    def tcp(self, label, since):
        try:
            wait_until(lambda: (read_status(self.status_path) or {}).get("echoed", 0) >= since + 5,
                       timeout=20)
            ok = True
        except AssertionError:
            ok = False
        s = read_status(self.status_path) or {}
        self.check(f"TCP session {s.get('local', '?')} -> {R.CLIENT_ADDR}:5001 {label}: "
                   f"{s.get('echoed', 0)} lines echoed, errors {s.get('errors', [])}", ok)

    def state(self, topo, name, *commands):
        dmn = topo.daemons[name]
        for cmd in commands:
            show(f"{DIM}{name}$ pmipctl {cmd}{OFF}")
            try:
                out = dmn.ctl(*cmd.split(), json_out=False)
                if cmd.startswith("show counters"):  # Only what happened, not every zero.
                    out = "\n".join(ln for ln in out.splitlines() if not ln.endswith(" 0"))
                show(out)
            except AssertionError as exc:
                show(f"(error) {exc}")

    def registration_exchange(self, cap, moved_at):
        """Decode the captured Mobile IP exchange with tshark and print it with timings."""
        cap.stop()
        res = subprocess.run(
            ["tshark", "-n", "-r", cap.path, "-Y", "mip", "-T", "fields", "-e", "frame.time_epoch",
             "-e", "ip.src", "-e", "ip.dst", "-e", "mip.type", "-e", "mip.code", "-e", "mip.life",
             "-e", "mip.homeaddr", "-e", "mip.haaddr", "-e", "mip.coa"],
            capture_output=True, text=True, timeout=60)
        names = {"1": "Registration Request", "3": "Registration Reply"}
        granted = None
        for line in res.stdout.splitlines():
            f = line.split("\t") + [""] * 9
            t = float(f[0]) - moved_at
            if f[3] == "3" and f[4] == "0" and granted is None:
                granted = t
            code = f" code {f[4]}" if f[3] == "3" else ""
            show(f"+{t * 1000:7.1f} ms  {f[1]:>15} -> {f[2]:<15} {names.get(f[3], f[3])}{code} "
                 f"lifetime {f[5]} home {f[6]} HA {f[7]}" + (f" CoA {f[8]}" if f[8] else ""))
        if not res.stdout.strip():
            show("(no Mobile IP packets captured)", False)
        elif granted is not None:
            show(f"registration granted {granted * 1000:.1f} ms after the client's link moved")

    def run(self):
        spec = R.topology(start="hap")
        spec["daemons"] = R.daemons(log_level=self.args.log_level)
        say("Building the topology in network namespaces")
        with Topology(spec, prefix="pmdemo") as topo:
            show(R.__doc__.split("\n\n", 1)[1].split("Each access point")[0])
            for name, d in topo.daemons.items():
                show(f"pmipd '{name}' running in namespace {d.node.ns} (pid {d.pid})")
            self.pause()

            say("1. The client is at home, behind the home AP: reached directly")
            self.ping(topo, "at home (direct)")
            self.status_path = os.path.join(topo.workdir, "tcp.json")
            topo["client"].popen(["/usr/bin/python3", "-m", "lib.tcpprobe", "serve",
                                  R.CLIENT_ADDR, "5001"], cwd=str(PY_DIR))
            topo["cn"].popen(["/usr/bin/python3", "-m", "lib.tcpprobe", "talk", R.CLIENT_ADDR,
                              "5001", self.status_path, "0.1"], cwd=str(PY_DIR))
            self.tcp("opened at home", 0)
            self.state(topo, "hap", "show proxy clients")
            self.pause()

            say("2. The client roams to the foreign AP (its link moves; it keeps its address)")
            cap = topo["fr"].capture("lan0", duration=60, bpf="udp port 434")
            moved_at = time.time()
            gw = R.roam(topo, "fap")
            show(f"client ARPs for its gateway {R.HA_ADDR}: answered by {gw} "
                 f"(the FA's MAC is {topo['fr'].link('lan0')['address']})")
            fap = topo.daemons["fap"]
            try:
                fap.wait_log(r"192\.0\.2\.100.*registered|registered.*192\.0\.2\.100", timeout=20)
                show("foreign AP registered the client", True)
            except AssertionError:
                self.check("foreign AP registered the client", False)
            show("Registration exchange on the foreign LAN (tshark):")
            self.registration_exchange(cap, moved_at)
            self.ping(topo, "through the HA -> FA tunnel")
            self.tcp("still open after the roam", (read_status(self.status_path) or {})
                     .get("echoed", 0))
            self.state(topo, "fap", "show proxy clients")
            self.state(topo, "fa", "show visitors")
            self.state(topo, "ha", "show bindings", "show counters ha")
            self.pause()

            say("3. The client comes back home")
            mark = topo.daemons["hap"].mark()
            gw = R.roam(topo, "hap")
            show(f"client ARPs for its gateway {R.HA_ADDR}: answered by {gw} "
                 f"(the HA router's MAC is {topo['hr'].link('lan0')['address']})")
            try:
                topo.daemons["hap"].wait_log(r"deregist", timeout=20, since=mark)
                show("home AP deregistered the client with its HA", True)
            except AssertionError:
                self.check("home AP deregistered the client", False)
            self.ping(topo, "at home again (direct)")
            self.tcp("still open back home", (read_status(self.status_path) or {})
                     .get("echoed", 0))
            self.state(topo, "ha", "show bindings")

            if self.args.keep:
                say("Topology left running. Enter a namespace with:")
                for node in topo.nodes.values():
                    show(f"ip netns exec {node.ns} bash   # {node.name}")
                for name, dmn in topo.daemons.items():
                    show(f"{self.pmipctl} -s {dmn.ctl_path} show summary   # {name}; "
                         f"log: {dmn.log_path}")
                try:
                    input("\nPress Enter to tear everything down. ")
                except (EOFError, KeyboardInterrupt):
                    pass
            say("Tearing down")
        if self.failures:
            say(f"{RED}demo finished with {len(self.failures)} failed step(s){OFF}")
            return 1
        say(f"{GREEN}demo finished: the client kept its address and its TCP session{OFF}")
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", action="store_true", help="leave the topology running")
    ap.add_argument("--pace", type=float, default=0.0, help="pause between steps (s)")
    ap.add_argument("--log-level", default="info")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("the demo needs root (network namespaces)", file=sys.stderr)
        return 2
    return Demo(args).run()


if __name__ == "__main__":
    sys.exit(main())
