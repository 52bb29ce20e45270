#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# suite-eadr.sh -- with the region's persistence_domain "cpu_cache" (qemu
# nvdimm-persistence=cpu), a MAP_SYNC mapping is BYTE granularity.
. /test/lib.sh
echo "persistence_domain: $(cat /sys/bus/nd/devices/region0/persistence_domain)"
dax-setup fsdax ext4 /mnt/pmem || { echo "FAIL dax-setup"; exit 1; }
dd if=/dev/zero of=/mnt/pmem/a bs=1M count=4 2>/dev/null
both map map /mnt/pmem/a
same map
expect map shared_granularity 0
expect map shared_granularity 0 ref
expect map shared_deep_flush 0
info tool /mnt/pmem/a
json tool '"store_granularity": "BYTE"' '"eadr": true' '"persistence_domain": "cpu_cache"'
finish
