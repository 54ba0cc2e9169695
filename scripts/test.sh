#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test.sh - install dependencies, build, and run every pmipd test.
#
# Stages (each must pass):
#   1. scripts/install-deps.sh (apt-get update + every package)
#   2. gcc build with -Werror, ctest (cmocka unit tests)
#   3. clang build with ASan+UBSan and the libFuzzer harnesses:
#      ctest again (unit tests under sanitizers + fuzz smoke runs)
#   4. pytest layer (wire proofs with tshark and Python hmac, config,
#      YANG lint, style, integration tests in network namespaces)
# Set PMIP_SKIP_DEPS=1 to skip stage 1 on a machine that already has them.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
jobs="${PMIP_JOBS:-2}"

if [ "${PMIP_SKIP_DEPS:-0}" != 1 ]; then
	scripts/install-deps.sh
fi

echo "=== build (gcc, -Werror) ==="
cmake -S . -B build -DPMIP_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

echo "=== unit tests (gcc build) ==="
ctest --test-dir build -j"$jobs" --output-on-failure

echo "=== build (clang, ASan+UBSan, libFuzzer) ==="
CC=clang cmake -S . -B build-asan -DPMIP_WERROR=OFF -DPMIP_SANITIZE=ON -DPMIP_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"

echo "=== unit tests and fuzz smoke runs (sanitizers) ==="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan -j"$jobs" --output-on-failure

echo "=== pytest layer ==="
PMIP_BUILD_DIR="$here/build" /usr/bin/python3 -m pytest -v -p no:cacheprovider tests/py
