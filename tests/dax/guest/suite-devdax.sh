#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# suite-devdax.sh -- device DAX: size, alignment, device info, shared mapping and
# private-mapping refusal, deep flush, bad blocks (region list), mcsafe I/O.
. /test/lib.sh
dax-setup devdax || { echo "FAIL dax-setup devdax"; exit 1; }
D=/dev/dax0.0
both info info $D
same info
expect info size "0 $(cat /sys/bus/dax/devices/dax0.0/size)"
expect info alignment "0 $(cat /sys/bus/dax/devices/dax0.0/align 2>/dev/null || echo 2097152)"
expect info usc "$E_NOSUPP 0"
nfit_id=$(cat /sys/bus/nd/devices/nmem0/nfit/id)
expect info id "0 $nfit_id"
expect info numa "0 $(cat /sys/bus/nd/devices/region0/numa_node)"

both map map $D
same map
expect map shared_map 0
expect map shared_deep_flush 0
expect map shared_readback 1
check "private mapping refused" test "$(val map private_map)" != 0

info tool $D
json tool '"type": "devdax"' '"supported": true' '"store_granularity": "CACHE_LINE"' "\"$nfit_id\"" \
	"\"value\": $(cat /sys/bus/dax/devices/dax0.0/size)"

both bb badblocks $D
same bb
expect bb bb_end "$E_NO_BAD_BLOCK_FOUND"

both rd read $D 4096 4096
same rd
expect rd pread_mcsafe 0
both wr write $D $((3 * 1048576 + 100)) 5000
same wr
expect wr readback "0 1"
both past read $D $(( $(cat /sys/bus/dax/devices/dax0.0/size) + 4096 )) 16
expect past pread_mcsafe -100030
echo "deep_flush attribute: $(cat /sys/bus/nd/devices/region0/deep_flush 2>&1)"
finish
