#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# demo.sh [DIR] -- installs the build dependencies, builds the libraries and runs
# the quickstart demo (maps a file in DIR, writes, persists, reports what was
# detected), then shows what the pmem2-info diagnostic tool says about DIR.
set -eu
cd "$(dirname "$0")/.."
dir=${1:-/tmp}
sh tests/install-deps.sh build
cmake --preset default -DPMEM2_BUILD_TESTS=OFF -DPMEM2_BUILD_BENCH=OFF >/dev/null
cmake --build --preset default -j"$(nproc)" --target pmem2 pmemset pmem2-quickstart pmem2-info
echo
./build/doc/examples/quickstart/pmem2-quickstart "$dir"
echo
probe="$dir/pmem2-info-demo.$$"
truncate -s 4M "$probe"
trap 'rm -f "$probe"' EXIT
echo "pmem2-info $probe:"
./build/src/tools/pmem2-info "$probe"
