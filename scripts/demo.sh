#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# demo.sh - install dependencies, build, and run the narrated roaming demo.
#
# The demo (scripts/demo.py) builds a network in namespaces (correspondent,
# home agent, foreign agent, a home and a foreign proxy access point, and a
# client without any Mobile IP stack), moves the client to the foreign AP and
# back, and narrates what happens. Options are passed on:
#   --keep         leave the topology running for exploration
#   --pace SECONDS pause between steps
# Set PMIP_SKIP_DEPS=1 to skip the package installation.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

if [ "${PMIP_SKIP_DEPS:-0}" != 1 ]; then
	scripts/install-deps.sh
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${PMIP_JOBS:-$(nproc)}"
PMIP_BUILD_DIR="$here/build" exec /usr/bin/python3 scripts/demo.py "$@"
