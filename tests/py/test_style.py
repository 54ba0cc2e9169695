#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Style gate: every C source is clang-format clean and opens with an SPDX line."""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
C_DIRS = ["core", "plugins", "tests", "bench"]


def c_sources():
    files = []
    for d in C_DIRS:
        files += sorted((ROOT / d).rglob("*.[ch]"))
    return [f for f in files if "build" not in f.relative_to(ROOT).parts[0]]


def test_sources_exist():
    assert len(c_sources()) > 10


def test_clang_format_clean():
    exe = shutil.which("clang-format")
    assert exe, "clang-format is missing: run scripts/install-deps.sh"
    files = [str(f) for f in c_sources()]
    res = subprocess.run([exe, "--dry-run", "--Werror", "--style=file"] + files,
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, "not clang-format clean:\n" + res.stderr[:4000]


@pytest.mark.parametrize("path", c_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_spdx_header(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert "SPDX-License-Identifier:" in first, f"{path}: first line must be the SPDX line"
