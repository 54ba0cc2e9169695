# SPDX-License-Identifier: BSD-2-Clause
"""Integration-test library: namespace topologies, daemons, a scripted mobile node.

topo    -- topologies declared as data, built and torn down with iproute2
wait    -- polling against a deadline (the only way the library waits)
daemon  -- pmipd run inside a topology node with a JSON config from a dict
mn      -- a scripted mobile node that encodes and authenticates on its own

See docs/testing.md for how the pieces fit together.
"""
