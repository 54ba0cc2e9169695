# SPDX-License-Identifier: BSD-2-Clause
"""The README's main command: the narrated roaming demo runs to the end and every step it checks passes.

scripts/demo.sh is install-deps + build + scripts/demo.py; the first two are
what this suite's own stages already do, so the test runs scripts/demo.py
against the build under test and reads its narration.
"""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_demo_narrates_a_successful_roam(build_dir):
    assert os.geteuid() == 0, "the demo needs root (network namespaces); CI runs as root"
    env = dict(os.environ, PMIP_BUILD_DIR=str(build_dir))
    res = subprocess.run(["/usr/bin/python3", str(ROOT / "scripts" / "demo.py")], env=env,
                         capture_output=True, text=True, timeout=300)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out
    for step in ("1. The client is at home", "2. The client roams to the foreign AP",
                 "3. The client comes back home", "Registration Request", "Registration Reply code 0",
                 "the client kept its address and its TCP session"):
        assert step in out, f"demo output lacks {step!r}:\n{out}"
    assert "FAILED" not in out, out
