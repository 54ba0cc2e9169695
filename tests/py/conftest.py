#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Shared pytest fixtures: where the build, the daemon and the plugins are.

PMIP_BUILD_DIR selects the build tree (default: <source>/build, i.e.
/work/main/build); the daemon is $PMIP_BUILD_DIR/core/pmipd and the plugins
are in $PMIP_BUILD_DIR/plugins.
"""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def src_dir():
    """The source tree."""
    return ROOT


@pytest.fixture(scope="session")
def build_dir():
    """The build tree the tests run against."""
    d = pathlib.Path(os.environ.get("PMIP_BUILD_DIR", ROOT / "build"))
    assert d.is_dir(), f"build directory {d} is missing: build first or set PMIP_BUILD_DIR"
    return d


@pytest.fixture(scope="session")
def pmipd(build_dir):
    """Path of the pmipd binary."""
    exe = build_dir / "core" / "pmipd"
    assert exe.is_file(), f"{exe} is missing: build the tree first"
    return exe


@pytest.fixture(scope="session")
def plugin_dir(build_dir):
    """Directory with the built plugins."""
    d = build_dir / "plugins"
    assert d.is_dir(), f"{d} is missing: build the plugins first"
    return d


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed test, keep the files of the topologies still alive (see lib.topo)."""
    outcome = yield
    if outcome.get_result().failed and call.when in ("setup", "call"):
        from lib import topo
        topo.keep_live_workdirs()
