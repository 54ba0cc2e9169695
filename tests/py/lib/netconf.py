# SPDX-License-Identifier: BSD-2-Clause
"""pmipd with its NETCONF server in a namespace of its own, and clients that reach it.

The daemon listens on 127.0.0.1 inside a namespace the Topology creates, so
the host's loopback is never used. Clients run in the pytest process: a child
started in the namespace ("ip netns exec") opens the TCP connection there and
hands the connected socket back over a unix socketpair (SCM_RIGHTS), so
ncclient talks over a socket of the daemon's namespace without setns() in the
test process. yangcli, ssh and openssl run inside the namespace.

Users and keys are made with independent tools: password hashes with
"openssl passwd -6", host and user keys with ssh-keygen, the TLS CA and
certificates with the openssl command (make_pki). TlsClient is a minimal
NETCONF-over-TLS client (RFC 7589) on Python's ssl module, because Debian's
ncclient 0.6.13 has no TLS transport: hello exchange, then RFC 6242 chunked
framing (base:1.1) or end-of-message framing (base:1.0).
"""
import os
import pathlib
import re
import select
import socket
import ssl
import subprocess
import time
import xml.etree.ElementTree as ET

from ncclient import manager

from .topo import Topology
from .wait import wait_until

NC_PORT = 18300
TLS_PORT = 18301
NS_PREFIX = "pnc"
NC_BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
EOM = b"]]>]]>"

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
                 port=NC_PORT, tls=False, tls_port=TLS_PORT, ns_prefix=NS_PREFIX):
        self.port = port
        self.tls = tls
        self.tls_port = tls_port
        self.ns_prefix = ns_prefix
        self.pki = None
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
            u = {"name": name, "access": access}
            if pw is not None:
                u["password-hash"] = self._hashes[name]
            if name in self.user_keys:
                u["authorized-key"] = [self.user_keys[name]]
            users.append(u)
        pmip = {"netconf": {"ssh": {"address": "127.0.0.1", "port": self.port,
                                    "host-key": str(self.hostkey)},
                            "user": users}}
        if self.tls:
            pmip["netconf"]["tls"] = self.tls_config()
        pmip.update(self.extra_config)
        pmip.update(overrides)
        return {"pmip:pmip": pmip}

    def __enter__(self):
        spec = {"nodes": {"nc": {}, **self.extra_nodes}, "links": self.extra_links}
        self.topo = Topology(spec, prefix=self.ns_prefix).build()
        work = pathlib.Path(self.topo.workdir)
        if self.tls:
            self.pki = make_pki(work / "pki")
        self.hostkey = work / "hostkey"
        ssh_keygen(self.hostkey)
        self._hashes = {n: password_hash(pw) for n, (pw, _) in self.users.items()
                        if pw is not None}
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

    def tls_config(self):
        """The /pmip/netconf/tls container: the fingerprint of "ca" maps the common name,
        and the "ops" client certificate maps to user "viewer" by its own fingerprint.

        libnetconf2 walks the chain from the trust anchor down and takes the first
        certificate any entry matches, so "ops" comes from a CA without an entry."""
        p = self.pki
        return {"address": "127.0.0.1", "port": self.tls_port,
                "server-certificate": str(p["server"][0]), "server-key": str(p["server"][1]),
                "trusted-ca": str(p["trusted"][0]),
                "cert-to-name": [
                    {"id": 1, "fingerprint": tls_fingerprint(p["ops"][0]),
                     "map-type": "specified", "name": "viewer"},
                    {"id": 2, "fingerprint": tls_fingerprint(p["ca"][0]),
                     "map-type": "common-name"}]}

    def connect_tls(self, client="admin", timeout=20):
        """A TlsClient with the client certificate pki[client], inside the namespace."""
        cert, key = self.pki[client]
        return TlsClient(netns_socket(self.node, self.tls_port), cert, key,
                         self.pki["ca"][0], timeout=timeout)

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


# --- TLS: certificates made with the openssl command, and a small client ---

def _openssl(*args, cwd=None):
    subprocess.run(["openssl", *args], check=True, timeout=60, cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _ec_key(path):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", str(path))


def _ca(d, name, cn):
    key, crt = d / f"{name}.key", d / f"{name}.crt"
    _ec_key(key)
    _openssl("req", "-new", "-x509", "-key", str(key), "-out", str(crt), "-days", "2",
             "-subj", f"/CN={cn}", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return crt, key


def _leaf(d, name, cn, ca, server=False):
    key, csr, crt = d / f"{name}.key", d / f"{name}.csr", d / f"{name}.crt"
    ext = d / f"{name}.ext"
    _ec_key(key)
    _openssl("req", "-new", "-key", str(key), "-out", str(csr), "-subj", f"/CN={cn}")
    usage = "serverAuth" if server else "clientAuth"
    san = "subjectAltName=IP:127.0.0.1\n" if server else ""
    ext.write_text(f"basicConstraints=CA:FALSE\nextendedKeyUsage={usage}\n{san}")
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]),
             "-CAcreateserial", "-out", str(crt), "-days", "2", "-extfile", str(ext))
    return crt, key


def make_pki(d):
    """A trusted CA, a server certificate and client certificates, plus an untrusted CA.

    Returns {name: (cert path, key path)}: "ca", "server", "admin" (CN=admin),
    "viewer" (CN=viewer), "stranger" (CN=nobody: trusted but no such user), all
    issued by "ca"; "ops" (CN=ops-laptop, to be mapped by its own fingerprint)
    issued by a second trusted CA "ops_ca"; "trusted" (the bundle of both CA
    certificates, no key); "rogue_ca" and "rogue" (CN=admin signed by an
    untrusted CA with the same name as "ca").
    """
    d = pathlib.Path(d)
    d.mkdir(parents=True, exist_ok=True)
    pki = {"ca": _ca(d, "ca", "pmipd test CA")}
    pki["server"] = _leaf(d, "server", "pmipd-test-server", pki["ca"], server=True)
    for name, cn in (("admin", "admin"), ("viewer", "viewer"), ("stranger", "nobody")):
        pki[name] = _leaf(d, name, cn, pki["ca"])
    pki["ops_ca"] = _ca(d, "ops_ca", "pmipd ops CA")
    pki["ops"] = _leaf(d, "ops", "ops-laptop", pki["ops_ca"])
    bundle = d / "trusted.pem"
    bundle.write_text(pki["ca"][0].read_text() + pki["ops_ca"][0].read_text())
    pki["trusted"] = (bundle, None)
    pki["rogue_ca"] = _ca(d, "rogue_ca", "pmipd test CA")
    pki["rogue"] = _leaf(d, "rogue", "admin", pki["rogue_ca"])
    return pki


def tls_fingerprint(cert):
    """RFC 7589 fingerprint of cert: 04 (sha256) then the hash, from openssl x509."""
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                          str(cert)], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    return "04:" + out.strip().split("=", 1)[1]


class NetconfError(Exception):
    """An <rpc-error> reply: tag, app_tag, message."""

    def __init__(self, tag, app_tag, message):
        super().__init__(f"{tag}: {message}")
        self.tag, self.app_tag, self.message = tag, app_tag, message


class TlsClient:
    """NETCONF over TLS (RFC 7589) with a client certificate.

    Sends <hello> with base 1.0 and 1.1, reads the server's; afterwards
    chunked framing when both sides speak 1.1. rpc() returns the reply as an
    ElementTree element or raises NetconfError. Every read has a deadline.
    """

    def __init__(self, sock, cert, key, ca, timeout=20):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.load_verify_locations(str(ca))
        ctx.load_cert_chain(str(cert), str(key))
        self.timeout = timeout
        self.buf = b""
        self.msg_id = 0
        sock.settimeout(timeout)
        self.sock = ctx.wrap_socket(sock)
        self.server_cert = self.sock.getpeercert()
        self._send_raw(b'<?xml version="1.0" encoding="UTF-8"?><hello xmlns="%s">'
                       b"<capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>"
                       b"<capability>urn:ietf:params:netconf:base:1.1</capability>"
                       b"</capabilities></hello>" % NC_BASE_NS.encode() + EOM)
        hello = ET.fromstring(self._read_eom())
        self.capabilities = [c.text for c in hello.iter(f"{{{NC_BASE_NS}}}capability")]
        self.session_id = int(hello.findtext(f"{{{NC_BASE_NS}}}session-id"))
        self.chunked = "urn:ietf:params:netconf:base:1.1" in self.capabilities

    def _send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no NETCONF message from the server in time")
        if self.sock.pending() == 0:
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                raise TimeoutError("no NETCONF message from the server in time")
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the TLS session")
        self.buf += data

    def _read_eom(self):
        deadline = time.monotonic() + self.timeout
        while EOM not in self.buf:
            self._fill(deadline)
        msg, self.buf = self.buf.split(EOM, 1)
        return msg

    def _read_chunked(self):
        deadline = time.monotonic() + self.timeout
        out = b""
        while True:
            while True:
                m = re.match(rb"\n#(\d+)\n|\n##\n", self.buf)
                if m:
                    break
                self._fill(deadline)
            if m.group(1) is None:
                self.buf = self.buf[m.end():]
                return out
            size = int(m.group(1))
            while len(self.buf) < m.end() + size:
                self._fill(deadline)
            out += self.buf[m.end():m.end() + size]
            self.buf = self.buf[m.end() + size:]

    def send_message(self, xml):
        data = xml.encode()
        if self.chunked:
            self._send_raw(b"\n#%d\n" % len(data) + data + b"\n##\n")
        else:
            self._send_raw(data + EOM)

    def read_message(self):
        return self._read_chunked() if self.chunked else self._read_eom()

    def rpc(self, body):
        """Send <rpc> with body (XML text); return the <rpc-reply> element."""
        self.msg_id += 1
        self.send_message(f'<rpc xmlns="{NC_BASE_NS}" message-id="{self.msg_id}">{body}</rpc>')
        reply = ET.fromstring(self.read_message())
        err = reply.find(f"{{{NC_BASE_NS}}}rpc-error")
        if err is not None:
            raise NetconfError(err.findtext(f"{{{NC_BASE_NS}}}error-tag"),
                               err.findtext(f"{{{NC_BASE_NS}}}error-app-tag"),
                               err.findtext(f"{{{NC_BASE_NS}}}error-message"))
        return reply

    def get_config(self, source="running"):
        return self.rpc(f"<get-config><source><{source}/></source></get-config>")

    def edit_config(self, config):
        return self.rpc(f"<edit-config><target><running/></target>{config}</edit-config>")

    def close(self):
        try:
            self.rpc("<close-session/>")
        except (OSError, ConnectionError, TimeoutError, NetconfError, ET.ParseError):
            pass
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
