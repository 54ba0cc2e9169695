#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# install-deps.sh - install every Debian 12 package pmipd's build, tests and demo need.
# Idempotent: safe to run again; it refreshes the package lists first.
set -eu

BUILD_PKGS="build-essential cmake pkg-config ninja-build
	libyang2-dev libyang2-tools valgrind libnetconf2-dev libssh-dev libssl-dev
	libsnmp-dev libpcap-dev libevent-dev libnl-3-dev libnl-route-3-dev
	libcmocka-dev clang libclang-rt-14-dev clang-format libcrypt-dev"

TEST_PKGS="python3 python3-pytest python3-scapy python3-ncclient
	snmp snmpd snmptrapd libsnmp-perl smitools
	freeradius freeradius-utils yangcli tshark openssl
	iproute2 iputils-ping iputils-arping iperf3 socat tcpdump procps openssh-client"

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: must run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $BUILD_PKGS $TEST_PKGS

# SMIv2 base modules for the MIB lint (tests/py/test_snmp.py): erlang-snmp is only
# downloaded and unpacked, never installed (tests/py/lib/snmp.py, ERLANG_CACHE).
ERLANG_CACHE=/var/cache/pmipd/erlang-snmp
if ! ls -d "$ERLANG_CACHE"/usr/lib/erlang/lib/snmp-*/mibs >/dev/null 2>&1; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q erlang-snmp)
	mkdir -p "$ERLANG_CACHE"
	dpkg-deb -x "$tmp"/erlang-snmp_*.deb "$ERLANG_CACHE"
	rm -rf "$tmp"
fi
