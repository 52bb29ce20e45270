/* SPDX-License-Identifier: BSD-3-Clause */
/* fake_ndctl.h -- scripting API of the libndctl.so.6 / libdaxctl.so.1 test double.
 * A test describes a platform (buses, regions, namespaces, DIMMs, bad blocks) and
 * the library code under test sees it through the ordinary libndctl calls.
 * Handles are small integers; every call returns a handle or 0, or -1 on misuse.
 * Paths: a block device name is used by the code under test as
 * /sys/block/<name>/dev and a dax device name as /dev/<name>; tests point them at
 * their own files with names like "../../tmp/dir/pmem0" and "null". */
#ifndef FAKE_NDCTL_H
#define FAKE_NDCTL_H

#ifdef __cplusplus
extern "C" {
#endif

/* forgets everything (contexts handed out before must have been released) */
void fake_nd_reset(void);
/* the next ndctl_new() calls fail with -err (0: succeed again) */
void fake_nd_fail_new(int err);
/* number of ndctl contexts currently alive (leak check) */
int fake_nd_live_contexts(void);

int fake_nd_add_bus(void);
/* region: absolute start `resource` (~0ULL = unreadable), numa node */
int fake_nd_add_region(int bus, unsigned id, unsigned long long resource, int numa_node);
/* a DIMM of the region; unique_id NULL = none; dirty_shutdown < 0 = unsupported */
int fake_nd_add_dimm(int region, const char *unique_id, long long dirty_shutdown);
/* mode: "fsdax", "devdax", "raw", "sector"; blockdev NULL = none (disabled) */
int fake_nd_add_namespace(int region, const char *mode, unsigned long long resource,
	unsigned long long size, const char *blockdev);
/* the namespace is claimed by a pfn (fsdax with struct pages): its own bounds and block device */
int fake_nd_set_pfn(int ns, unsigned long long resource, unsigned long long size, const char *blockdev);
/* ... by a btt (sector mode) with this block device */
int fake_nd_set_btt(int ns, const char *blockdev);
/* ... by a dax (devdax): bounds and the dax device names (NULL-terminated list) */
int fake_nd_set_dax(int ns, unsigned long long resource, unsigned long long size, const char *const *devnames);
/* bad-block records, in 512-byte sectors: region-relative / namespace-relative */
int fake_nd_add_region_badblock(int region, unsigned long long sector, unsigned sectors);
int fake_nd_add_namespace_badblock(int ns, unsigned long long sector, unsigned sectors);

/* ARS / clear-error behaviour of a bus: submit_rc for every command (0 = ok),
 * clear_unit widens the ARS range, cleared_max caps what clear-error reports
 * cleared (~0ULL = all); has_ars = 0 makes ndctl_bus_cmd_new_ars_cap return NULL */
int fake_nd_set_bus_ars(int bus, int has_ars, int submit_rc, unsigned long long clear_unit,
	unsigned long long cleared_max);
/* the last clear-error command submitted on the bus: address and length (0 if none) */
unsigned long long fake_nd_last_clear_address(int bus);
unsigned long long fake_nd_last_clear_length(int bus);

#ifdef __cplusplus
}
#endif
#endif
