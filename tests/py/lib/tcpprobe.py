# SPDX-License-Identifier: BSD-2-Clause
"""A long-lived TCP session whose progress a test can read: proof that a connection survives a move.

Server (run in the client's namespace):

    /usr/bin/python3 -m lib.tcpprobe serve ADDR PORT

accepts one connection and echoes every line back.

Client (run in the correspondent's namespace):

    /usr/bin/python3 -m lib.tcpprobe talk ADDR PORT STATUSFILE [INTERVAL]

connects once (retrying only until the server listens), then sends "n\\n" for n = 1, 2, ... every INTERVAL seconds
(default 0.1) and reads each echo back. After every echo it rewrites
STATUSFILE atomically with JSON {"sent": n, "echoed": n, "local": "ip:port",
"errors": [...]}. It never reconnects: when the connection breaks it records the
error and exits 1, so "echoed keeps rising" means the same connection carries
data. A test reads the file with read_status().
"""
import json
import os
import socket
import sys
import time


def read_status(path):
    """The last status the talker wrote, or None before its first echo."""
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _write(path, status):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(status, f)
    os.replace(tmp, path)


def serve(addr, port):
    """Accept one connection on addr:port and echo lines until it closes."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    conn, _ = ls.accept()
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return 0
            conn.sendall(data)


def talk(addr, port, status_path, interval=0.1):
    """Connect to addr:port once and keep a numbered echo exchange going; see the module doc."""
    deadline = time.monotonic() + 15
    while True:  # The server may still be starting: retry the connect, never the session.
        try:
            s = socket.create_connection((addr, port), timeout=10)
            break
        except (ConnectionRefusedError, socket.timeout):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    s.settimeout(60)  # Longer than any handoff gap the tests allow.
    local = "%s:%d" % s.getsockname()
    status = {"sent": 0, "echoed": 0, "local": local, "errors": []}
    buf = b""
    n = 0
    try:
        while True:
            n += 1
            s.sendall(b"%d\n" % n)
            status["sent"] = n
            while b"\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    raise ConnectionError("peer closed the connection")
                buf += chunk
            line, buf = buf.split(b"\n", 1)
            if int(line) != n:
                raise ValueError(f"echo {line!r} for {n}")
            status["echoed"] = n
            _write(status_path, status)
            time.sleep(interval)
    except (OSError, ValueError, ConnectionError) as exc:
        status["errors"].append(repr(exc))
        _write(status_path, status)
        return 1


def main(argv):
    if len(argv) >= 3 and argv[0] == "serve":
        return serve(argv[1], int(argv[2]))
    if len(argv) >= 4 and argv[0] == "talk":
        return talk(argv[1], int(argv[2]), argv[3], float(argv[4]) if len(argv) > 4 else 0.1)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
