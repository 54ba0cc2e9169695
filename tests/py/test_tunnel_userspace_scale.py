#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""tunnel-userspace at scale: single-address proxy-ARP entries beyond the kernel cap.

The kernel keeps NTF_PROXY entries in a 16-bucket hash (O(n) per add, delete and ARP
request), so the plugin makes only the first 1 024 single-address entries kernel entries
and answers later ones from its own ARP responder (plugins/tunnel-userspace/tun_arp.c,
docs/home-agent.md "Scale"). This test fills the cap, then checks that the next entry is
not a kernel entry and is still answered, with the interface's own MAC, and that deleting
it stops the answers. It reuses the tun-driver pair of test_tunnel_userspace.py.
"""
from test_tunnel_userspace import (arp_ask, needs_root, pair, sh,  # noqa: F401
                                   tunnels)

KERNEL_MAX = 1024


def kernel_proxy_entries(pair):
    out = sh("ip", "-n", pair.a, "neigh", "show", "proxy").stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def test_proxy_entries_past_the_kernel_cap_are_answered_by_the_responder(pair):
    ta, _ = tunnels(pair, "ipip")
    target = "192.0.2.77"
    va = pair.mac(pair.a, "va")
    pair.da.cmd(f"route-add {target}/32 tunnel {ta}")
    # Filler entries in a private range inside the pair's own namespaces (the
    # documentation ranges hold fewer than 1 024 addresses).
    for i in range(KERNEL_MAX):
        pair.da.cmd(f"proxy-add va 10.77.{i // 250}.{i % 250 + 1} - -")
    assert len(kernel_proxy_entries(pair)) == KERNEL_MAX
    pair.da.cmd(f"proxy-add va {target} - -")
    entries = kernel_proxy_entries(pair)
    assert len(entries) == KERNEL_MAX and target not in entries, entries[-5:]
    replies = arp_ask(pair, target)
    assert replies and replies[0][:3] == ["2", va, target], replies
    assert "err 17" in pair.da.try_cmd(f"proxy-add va {target} - -")  # EEXIST
    pair.da.cmd(f"proxy-del va {target} -")
    assert arp_ask(pair, target) == []
    # A kernel entry removed makes room: the next entry is a kernel entry again.
    pair.da.cmd("proxy-del va 10.77.0.1 -")
    pair.da.cmd(f"proxy-add va {target} - -")
    assert target in kernel_proxy_entries(pair)
