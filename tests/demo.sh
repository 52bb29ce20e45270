#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# demo.sh -- installs the build dependencies, builds the libraries and runs the
# quickstart demo (maps a file, writes, persists, reports what was detected).
set -eu
cd "$(dirname "$0")/.."
sh tests/install-deps.sh build
cmake --preset default -DPMEM2_BUILD_TESTS=OFF -DPMEM2_BUILD_BENCH=OFF >/dev/null
cmake --build --preset default -j"$(nproc)" --target pmem2 pmem2-quickstart
echo
./build/doc/examples/quickstart/pmem2-quickstart "${1:-/tmp}"
if [ -x build/src/tools/pmem2-info/pmem2-info ]; then
	echo
	./build/src/tools/pmem2-info/pmem2-info "${1:-/tmp}"
fi
