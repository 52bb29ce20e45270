#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# emulate.sh <qemu-user> <qemu options...> <program> [args...] -- the
# CMAKE_CROSSCOMPILING_EMULATOR of the cross toolchains: runs qemu with the options
# in PMEM2_QEMU_EXTRA_ARGS added (tests/cross/run-cross.sh uses "-p 65536" for the
# 64 KiB page pass), so one build serves both page sizes.
q=$1
shift
# shellcheck disable=SC2086
exec "$q" ${PMEM2_QEMU_EXTRA_ARGS:-} "$@"
