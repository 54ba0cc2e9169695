#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""YANG lint gate: the modules are warning-free and every example validates."""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "yang").glob("*.yang"))
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def yanglint(*args):
    exe = shutil.which("yanglint")
    assert exe, "yanglint is missing: run scripts/install-deps.sh (libyang2-tools)"
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)


def test_modules_exist():
    assert ROOT / "yang" / "pmip.yang" in MODULES


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_lints_clean(module):
    res = yanglint(module)
    assert res.returncode == 0
    assert res.stdout == "" and res.stderr == "", res.stdout + res.stderr


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_is_yang_1_0(module):
    """NETCONF clients (libnetconf2 hello, yangcli) need YANG 1.0 modules."""
    text = module.read_text()
    assert "yang-version 1;" in text
    for word in ("action ", "anydata ", "yang-version 1.1"):
        assert word not in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates(example):
    res = yanglint("-t", "config", *MODULES, example)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == "" and res.stderr == "", res.stdout + res.stderr


def test_yanglint_rejects_bad_data():
    """The example check above would notice an invalid file."""
    res = yanglint("-t", "config", *MODULES, ROOT / "tests" / "config" / "bad" / "wrong-type.json")
    assert res.returncode != 0
    assert "spi" in res.stdout + res.stderr
