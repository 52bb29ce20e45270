#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# suite-fsdax.sh FS -- fsdax on FS (ext4|xfs): geometry, device info, MAP_SYNC
# granularity, bad blocks injected through /sys/block/pmem0/badblocks, mcsafe reads
# over them, and clearing; our library against the reference in the same guest.
. /test/lib.sh
FS=${1:-ext4}
dax-setup fsdax "$FS" /mnt/pmem || { echo "FAIL dax-setup fsdax $FS"; exit 1; }
M=/mnt/pmem
for f in a b c; do dd if=/dev/zero of=$M/$f bs=1M count=8 2>/dev/null; done
sync

both info info $M/a
same info
expect info usc "$E_NOSUPP 0"     # qemu's NVDIMM has no dirty_shutdown counter
nfit_id=$(cat /sys/bus/nd/devices/nmem0/nfit/id)
expect info id "0 $nfit_id"
expect info id_len "0 $(( ${#nfit_id} + 1 ))"
expect info numa "0 $(cat /sys/bus/nd/devices/region0/numa_node)"

both map map $M/a
same map
expect map shared_granularity 1        # CACHE_LINE: MAP_SYNC worked
expect map shared_granularity 1 ref
expect map private_granularity 0
expect map shared_deep_flush 0
expect map shared_readback 1

info tool $M/a
json tool '"type": "regular"' '"supported": true' '"store_granularity": "CACHE_LINE"' "\"$nfit_id\"" '"eadr": false' '"count": 0'

both bb0 badblocks $M/a
same bb0
check "no bad blocks before injection" test -z "$(grep '^bb=' /tmp/bb0.ours)"
expect bb0 bb_end "$E_NO_BAD_BLOCK_FOUND"

# Inject: one sector inside block 256 (file offset 1 MiB + 512) of a and b, two
# sectors straddling the block boundary at 3 MiB of a, and one sector at 5 MiB of c.
inject() { # FILE OFFSET SECTORS
	p=$(probe ours phys "$1" "$2") || { fail "phys $1 $2"; return; }
	echo "$((p / 512)) $3" > /sys/block/pmem0/badblocks
	echo "injected $1+$2 -> sector $((p / 512)) x$3"
}
inject $M/a $((1048576 + 512)) 1
inject $M/a $((3145728 - 512)) 2
inject $M/b $((1048576 + 512)) 1
inject $M/c $((5242880)) 1
cat /sys/block/pmem0/badblocks

both bb1 badblocks $M/a
same bb1
check "a: bad block at 1 MiB reported in file offsets" grep -qx 'bb=1048576 4096' /tmp/bb1.ours
check "a: block-straddling range reported" grep -qE '^bb=(3141632 8192|3141632 4096)$' /tmp/bb1.ours
both bbc badblocks $M/c
same bbc
check "c: only its own bad block" test "$(grep -c '^bb=' /tmp/bbc.ours)" = 1

info tool_bb $M/a 4    # exit status 4: bad blocks found
json tool_bb '"offset": 1048576'

both rd_bad read $M/a 1048576 8192
same rd_bad
expect rd_bad pread_mcsafe "$E_IO_FAIL"
expect rd_bad alive 1
both rd_good read $M/a 0 4096
same rd_good
expect rd_good pread_mcsafe 0
both wr_good write $M/a 65536 4096
same wr_good
expect wr_good readback "0 1"

# clearing: ours clears b, the reference clears c (each file has its own bad block)
probe ours clear $M/b > /tmp/clr.ours 2>&1
probe ref clear $M/c > /tmp/clr.ref 2>&1
echo "--- clear b (ours)"; cat /tmp/clr.ours; echo "--- clear c (reference)"; cat /tmp/clr.ref
o=$(sed -n 's/^clear=\([-0-9]*\) .*/\1/p' /tmp/clr.ours); r=$(sed -n 's/^clear=\([-0-9]*\) .*/\1/p' /tmp/clr.ref)
check "clear: same result as the reference ($o vs $r)" test "$o" = "$r"
check "clear: a result was reported" test -n "$o"
both rd_after read $M/b 1048576 4096
echo "sysfs badblocks after clearing:"; cat /sys/block/pmem0/badblocks
finish
