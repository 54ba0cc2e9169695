# SPDX-License-Identifier: BSD-2-Clause
"""pmipd with its NETCONF server in a namespace of its own, and clients that reach it.

The daemon listens on 127.0.0.1 inside a namespace the Topology creates, so
the host's loopback is never used. Clients run in the pytest process: a child
started in the namespace ("ip netns exec") opens the TCP connection there and
hands the connected socket back over a unix socketpair (SCM_RIGHTS), so
ncclient talks over a socket of the daemon's namespace without setns() in the
test process. yangcli, ssh and openssl run inside the namespace.

Users and keys are made with independent tools: password hashes with
"openssl passwd -6", host and user keys with ssh-keygen.
"""
import os
import pathlib
import socket
import subprocess

from ncclient import manager

from .topo import Topology
from .wait import wait_until

NC_PORT = 18300
NS_PREFIX = "pnc"

_CONNECT_CHILD = r"""
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
u = socket.socket(fileno=int(sys.argv[2]))
socket.send_fds(u, [b"x"], [s.fileno()])
"""


def password_hash(password):
    """A crypt(3) SHA-512 hash of password, made by openssl."""
    res = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password,
                         capture_output=True, text=True, timeout=30, check=True)
    return res.stdout.strip()


def ssh_keygen(path, comment="pmipd-test"):
    """Make an ECDSA P-256 key pair in PEM form at path (and path.pub); return the public line."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-m", "PEM", "-N", "",
                    "-C", comment, "-f", str(path)], check=True, timeout=30,
                   stdout=subprocess.DEVNULL)
    return pathlib.Path(str(path) + ".pub").read_text().strip()


def netns_socket(node, port=NC_PORT):
    """A TCP socket connected to 127.0.0.1:port inside node's namespace."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        proc = subprocess.run(["ip", "netns", "exec", node.ns, "/usr/bin/python3", "-c",
                               _CONNECT_CHILD, str(port), str(child.fileno())],
                              pass_fds=(child.fileno(),), timeout=30, capture_output=True,
                              text=True)
        if proc.returncode != 0:
            raise ConnectionError(f"cannot connect to port {port} in {node.ns}: "
                                  f"{proc.stderr.strip()[-500:]}")
        _, fds, _, _ = socket.recv_fds(parent, 16, 1)
        return socket.socket(fileno=fds[0])
    finally:
        parent.close()
        child.close()


class NetconfSite:
    """A topology with pmipd in node "nc" running a NETCONF server, plus users and keys.

    extra_nodes/extra_links/extra_config extend the topology and the daemon's
    configuration (for role tests). Use as a context manager.
    """

    def __init__(self, users=None, extra_config=None, extra_nodes=None, extra_links=None,
                 port=NC_PORT):
        self.port = port
        self.users = users or {"admin": ("admin-pw-1", "read-write"),
                               "viewer": ("viewer-pw-1", "read-only")}
        self.extra_config = extra_config or {}
        self.extra_nodes = extra_nodes or {}
        self.extra_links = extra_links or []
        self.topo = None
        self.hostkey = None

    def config(self, **overrides):
        """The daemon's configuration dict (a fresh copy)."""
        users = []
        for name, (pw, access) in self.users.items():
            u = {"name": name, "password-hash": self._hashes[name], "access": access}
            if name in self.user_keys:
                u["authorized-key"] = [self.user_keys[name]]
            users.append(u)
        pmip = {"netconf": {"ssh": {"address": "127.0.0.1", "port": self.port,
                                    "host-key": str(self.hostkey)},
                            "user": users}}
        pmip.update(self.extra_config)
        pmip.update(overrides)
        return {"pmip:pmip": pmip}

    def __enter__(self):
        spec = {"nodes": {"nc": {}, **self.extra_nodes}, "links": self.extra_links}
        self.topo = Topology(spec, prefix=NS_PREFIX).build()
        work = pathlib.Path(self.topo.workdir)
        self.hostkey = work / "hostkey"
        ssh_keygen(self.hostkey)
        self._hashes = {n: password_hash(pw) for n, (pw, _) in self.users.items()}
        self.user_keys = {}
        self.admin_key = work / "admin_key"
        self.user_keys["admin"] = ssh_keygen(self.admin_key, "admin@test")
        self.daemon = self.topo.start_daemon("pmipd", {
            "node": "nc", "config": self.config(),
            "ready": r"NETCONF server listening on 127\.0\.0\.1 port %d" % self.port,
            "timeout": 20})
        return self

    def __exit__(self, *exc):
        self.topo.teardown()
        return False

    @property
    def node(self):
        return self.topo["nc"]

    def connect(self, user="admin", password=None, key_filename=None, timeout=20):
        """An ncclient manager logged in as user (password from self.users by default)."""
        if password is None and key_filename is None:
            password = self.users[user][0]
        sock = netns_socket(self.node, self.port)
        return manager.connect(host="127.0.0.1", port=self.port, sock=sock, username=user,
                               password=password, key_filename=key_filename,
                               hostkey_verify=False, look_for_keys=False, allow_agent=False,
                               timeout=timeout)

    def restart(self, timeout=20):
        """Stop the daemon by PID and start it again with its (startup) config file."""
        d = self.daemon
        d.stop()
        mark = d.mark()
        argv = [d.binary, "-d", "-c", d.conf_path, "-P", d.plugin_dir] + d.args
        with open(d.log_path, "ab") as log:
            d.proc = d.node.popen(argv, stdout=log, stderr=subprocess.STDOUT)
        d.wait_log(r"NETCONF server listening", timeout=timeout, since=mark)
        return mark

    def proc_status(self):
        """(open descriptors, VmRSS in kB) of the daemon, from /proc."""
        pid = self.daemon.pid
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        rss = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        return fds, rss

    def wait_sessions_gone(self, timeout=10):
        """Wait until the daemon logged the end of every session it logged the start of."""
        def done():
            text = self.daemon.log_text()
            return text.count("ended (reason") >= text.count(": user ")
        wait_until(done, timeout=timeout, message="NETCONF sessions to end")
