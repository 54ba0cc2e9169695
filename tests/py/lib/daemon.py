# SPDX-License-Identifier: BSD-2-Clause
"""pmipd run in the foreground inside a topology node, configured from a Python dict.

The binary is $PMIP_BUILD_DIR/core/pmipd and the plugins $PMIP_BUILD_DIR/plugins
(PMIP_BUILD_DIR defaults to <source>/build). The config dict is written as JSON
to config.json in a fresh mktemp -d directory (inside the topology's work
directory, so it is removed with the topology unless a test failed); stdout and
stderr go to daemon.log next to it. The daemon runs as
"pmipd -d -c config.json -P PLUGIN_DIR [args]" and is signalled only by PID.
"""
import json
import os
import pathlib
import re
import signal
import subprocess
import tempfile

from .topo import stop_process
from .wait import wait_until

SRC_DIR = pathlib.Path(__file__).resolve().parents[3]


def build_dir():
    """The build tree: $PMIP_BUILD_DIR, default <source>/build."""
    return pathlib.Path(os.environ.get("PMIP_BUILD_DIR", SRC_DIR / "build"))


class Daemon:
    """One pmipd process in a node: start, watch its log, reload, stop."""

    def __init__(self, node, config, name="pmipd", binary=None, plugin_dir=None, args=()):
        self.node, self.config, self.name = node, config, name
        self.binary = pathlib.Path(binary or build_dir() / "core" / "pmipd")
        self.plugin_dir = pathlib.Path(plugin_dir or build_dir() / "plugins")
        self.args = list(args)
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix=f"{name}-", dir=getattr(node.topo, "workdir", None))
        self.conf_path = os.path.join(self.dir, "config.json")
        self.log_path = os.path.join(self.dir, "daemon.log")
        if "-s" not in self.args:  # Each daemon its own control socket, never the shared default.
            self.args += ["-s", os.path.join(self.dir, "ctl.sock")]
        self.ctl_path = self.args[self.args.index("-s") + 1]

    def __repr__(self):
        return f"<Daemon {self.name} in {self.node.name} pid={self.pid}>"

    @property
    def pid(self):
        """PID of the running daemon, or None."""
        return self.proc.pid if self.proc else None

    @property
    def running(self):
        """True while the process has not exited."""
        return self.proc is not None and self.proc.poll() is None

    def _write_config(self, config):
        tmp = self.conf_path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(config, f, indent=2)
        os.replace(tmp, self.conf_path)  # A reload never sees a half-written file.
        self.config = config

    def start(self):
        """Write the config and start the daemon in the node; return self."""
        if self.running:
            raise RuntimeError(f"{self.name} already running")
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(f"{self.binary} is missing: build first or set PMIP_BUILD_DIR")
        self._write_config(self.config)
        argv = [self.binary, "-d", "-c", self.conf_path, "-P", self.plugin_dir] + self.args
        with open(self.log_path, "ab") as log:
            self.proc = self.node.popen(argv, stdout=log, stderr=subprocess.STDOUT)
        return self

    def ctl(self, *command, json_out=True, timeout=10):
        """Run pmipctl COMMAND against this daemon; return the decoded JSON answer (or the text).

        Raises AssertionError with pmipctl's stderr when it exits non-zero.
        """
        argv = [build_dir() / "core" / "pmipctl", "-s", self.ctl_path, "-t", str(timeout)]
        res = subprocess.run([str(a) for a in argv + (["-j"] if json_out else []) + list(command)],
                             capture_output=True, text=True, timeout=timeout + 5)
        if res.returncode != 0:
            raise AssertionError(f"pmipctl {' '.join(command)} on {self.name}: rc={res.returncode} "
                                 f"{res.stderr.strip()} {res.stdout.strip()}")
        return json.loads(res.stdout) if json_out else res.stdout

    def log_text(self, since=0):
        """The log from character offset since (see mark()) to its current end."""
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[since:]
        except FileNotFoundError:
            return ""

    def mark(self):
        """Current length of the log, to wait only for lines written after this point."""
        return len(self.log_text())

    def log_contains(self, regex, since=0):
        """The first match of regex (re.MULTILINE) in the log after since, or None."""
        return re.search(regex, self.log_text(since), re.MULTILINE)

    def tail(self, lines=30):
        """The last lines of the log, for failure messages."""
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_log(self, regex, timeout=10, since=0):
        """Wait until regex appears in the log after since; return the match.

        Fails at once, with the exit status and the log tail, if the daemon
        exits before the line appears.
        """
        def seen():
            m = self.log_contains(regex, since)
            if m is None and not self.running:
                status = self.proc.returncode if self.proc else "never started"
                raise AssertionError(f"{self.name} exited ({status}) before logging {regex!r}:\n"
                                     f"{self.tail()}")
            return m
        return wait_until(seen, timeout=timeout, interval=0.05,
                          message=lambda: f"{self.name} to log {regex!r}; log tail:\n"
                                          f"{self.tail()}")

    def reload(self, new_config=None):
        """Rewrite the config (when new_config is given) and send SIGHUP by PID.

        Returns the log mark taken before the signal, for wait_log(..., since=mark).
        """
        if not self.running:
            raise RuntimeError(f"{self.name} is not running")
        mark = self.mark()
        if new_config is not None:
            self._write_config(new_config)
        self.proc.send_signal(signal.SIGHUP)
        return mark

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL after timeout seconds, both by PID; return the exit status."""
        if self.proc is None:
            return None
        return stop_process(self.proc, grace=timeout)
