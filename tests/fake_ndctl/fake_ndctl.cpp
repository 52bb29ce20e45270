// SPDX-License-Identifier: BSD-3-Clause
// fake_ndctl.cpp -- a libndctl.so.6 test double: the libndctl calls libpmem2 makes,
// answered from a platform the test scripts through fake_ndctl.h.
#include "fake_ndctl.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include "model.hpp"

namespace {

// The scripted platform. Tests are single-threaded while scripting; the code under
// test only reads it.
struct Platform {
	std::deque<ndctl_bus> buses;
	std::vector<ndctl_region *> regions;   // handle -> object
	std::vector<ndctl_namespace *> spaces; // handle -> object
	int fail_new = 0;
	int live = 0;
};

Platform &P()
{
	static Platform p;
	return p;
}

template <class T> T *at(std::vector<T *> &v, int h) { return h >= 0 && std::size_t(h) < v.size() ? v[h] : nullptr; }

template <class T> void relink(std::deque<T> &d)
{
	for (std::size_t i = 0; i < d.size(); ++i)
		d[i].next = i + 1 < d.size() ? &d[i + 1] : nullptr;
}

} // namespace

extern "C" {

// ---- scripting ----

void fake_nd_reset(void)
{
	Platform &p = P();
	p.buses.clear();
	p.regions.clear();
	p.spaces.clear();
	p.fail_new = 0;
}

void fake_nd_fail_new(int err) { P().fail_new = err; }
int fake_nd_live_contexts(void) { return P().live; }

int fake_nd_add_bus(void)
{
	P().buses.emplace_back();
	relink(P().buses);
	return int(P().buses.size() - 1);
}

int fake_nd_add_region(int bus, unsigned id, unsigned long long resource, int numa_node)
{
	Platform &p = P();
	if (bus < 0 || std::size_t(bus) >= p.buses.size())
		return -1;
	ndctl_bus &b = p.buses[bus];
	b.regions.emplace_back();
	relink(b.regions);
	ndctl_region &r = b.regions.back();
	r.devname = "region" + std::to_string(id);
	r.id = id;
	r.resource = resource;
	r.numa_node = numa_node;
	r.bus = &b;
	p.regions.push_back(&r);
	return int(p.regions.size() - 1);
}

int fake_nd_add_dimm(int region, const char *unique_id, long long dirty_shutdown)
{
	ndctl_region *r = at(P().regions, region);
	if (r == nullptr)
		return -1;
	r->dimms.emplace_back();
	ndctl_dimm &d = r->dimms.back();
	d.devname = "nmem" + std::to_string(r->dimms.size() - 1);
	d.has_id = unique_id != nullptr;
	d.unique_id = unique_id != nullptr ? unique_id : "";
	d.dirty_shutdown = dirty_shutdown;
	return int(r->dimms.size() - 1);
}

int fake_nd_add_namespace(int region, const char *mode, unsigned long long resource, unsigned long long size,
			  const char *blockdev)
{
	Platform &p = P();
	ndctl_region *r = at(p.regions, region);
	if (r == nullptr || mode == nullptr)
		return -1;
	ndctl_namespace_mode m;
	if (std::strcmp(mode, "fsdax") == 0)
		m = NDCTL_NS_MODE_FSDAX;
	else if (std::strcmp(mode, "devdax") == 0)
		m = NDCTL_NS_MODE_DEVDAX;
	else if (std::strcmp(mode, "raw") == 0)
		m = NDCTL_NS_MODE_RAW;
	else if (std::strcmp(mode, "sector") == 0)
		m = NDCTL_NS_MODE_SECTOR;
	else
		return -1;
	r->namespaces.emplace_back();
	relink(r->namespaces);
	ndctl_namespace &ns = r->namespaces.back();
	ns.devname = "namespace" + std::to_string(r->id) + "." + std::to_string(r->namespaces.size() - 1);
	ns.mode = m;
	ns.resource = resource;
	ns.size = size;
	ns.blockdev = blockdev != nullptr ? blockdev : "";
	p.spaces.push_back(&ns);
	return int(p.spaces.size() - 1);
}

int fake_nd_set_pfn(int ns, unsigned long long resource, unsigned long long size, const char *blockdev)
{
	ndctl_namespace *n = at(P().spaces, ns);
	if (n == nullptr)
		return -1;
	n->has_pfn = true;
	n->pfn.resource = resource;
	n->pfn.size = size;
	n->pfn.blockdev = blockdev != nullptr ? blockdev : "";
	return 0;
}

int fake_nd_set_btt(int ns, const char *blockdev)
{
	ndctl_namespace *n = at(P().spaces, ns);
	if (n == nullptr)
		return -1;
	n->has_btt = true;
	n->btt.blockdev = blockdev != nullptr ? blockdev : "";
	return 0;
}

int fake_nd_set_dax(int ns, unsigned long long resource, unsigned long long size, const char *const *devnames)
{
	ndctl_namespace *n = at(P().spaces, ns);
	if (n == nullptr)
		return -1;
	n->has_dax = true;
	n->dax.resource = resource;
	n->dax.size = size;
	for (const char *const *d = devnames; d != nullptr && *d != nullptr; ++d) {
		n->dax.dregion.devs.emplace_back();
		n->dax.dregion.devs.back().devname = *d;
	}
	relink(n->dax.dregion.devs);
	return 0;
}

int fake_nd_add_region_badblock(int region, unsigned long long sector, unsigned sectors)
{
	ndctl_region *r = at(P().regions, region);
	if (r == nullptr)
		return -1;
	r->badblocks.push_back({sector, sectors});
	return 0;
}

int fake_nd_add_namespace_badblock(int ns, unsigned long long sector, unsigned sectors)
{
	ndctl_namespace *n = at(P().spaces, ns);
	if (n == nullptr)
		return -1;
	n->badblocks.push_back({sector, sectors});
	return 0;
}

int fake_nd_set_bus_ars(int bus, int has_ars, int submit_rc, unsigned long long clear_unit,
			unsigned long long cleared_max)
{
	if (bus < 0 || std::size_t(bus) >= P().buses.size())
		return -1;
	ndctl_bus &b = P().buses[bus];
	b.has_ars = has_ars != 0;
	b.submit_rc = submit_rc;
	b.clear_unit = clear_unit != 0 ? clear_unit : 1;
	b.cleared_max = cleared_max;
	return 0;
}

unsigned long long fake_nd_last_clear_address(int bus)
{
	return bus >= 0 && std::size_t(bus) < P().buses.size() ? P().buses[bus].last_clear_address : 0;
}

unsigned long long fake_nd_last_clear_length(int bus)
{
	return bus >= 0 && std::size_t(bus) < P().buses.size() ? P().buses[bus].last_clear_length : 0;
}

// ---- libndctl ----

int ndctl_new(ndctl_ctx **ctx)
{
	if (P().fail_new != 0) {
		*ctx = nullptr;
		return -P().fail_new;
	}
	*ctx = new ndctl_ctx;
	++P().live;
	return 0;
}

ndctl_ctx *ndctl_unref(ndctl_ctx *ctx)
{
	if (ctx != nullptr) {
		delete ctx;
		--P().live;
	}
	return nullptr;
}

void ndctl_set_log_fn(ndctl_ctx *, void (*)(ndctl_ctx *, int, const char *, int, const char *, const char *, va_list))
{
}

daxctl_ctx *ndctl_get_daxctl_ctx(ndctl_ctx *) { return nullptr; }

ndctl_bus *ndctl_bus_get_first(ndctl_ctx *) { return P().buses.empty() ? nullptr : &P().buses.front(); }
ndctl_bus *ndctl_bus_get_next(ndctl_bus *bus) { return bus->next; }

ndctl_region *ndctl_region_get_first(ndctl_bus *bus) { return bus->regions.empty() ? nullptr : &bus->regions.front(); }
ndctl_region *ndctl_region_get_next(ndctl_region *r) { return r->next; }
const char *ndctl_region_get_devname(ndctl_region *r) { return r->devname.c_str(); }
unsigned long long ndctl_region_get_resource(ndctl_region *r)
{
	if (r->resource == ULLONG_MAX)
		errno = ENXIO;
	return r->resource;
}
int ndctl_region_get_numa_node(ndctl_region *r) { return r->numa_node; }
ndctl_bus *ndctl_region_get_bus(ndctl_region *r) { return r->bus; }

badblock *ndctl_region_get_first_badblock(ndctl_region *r)
{
	r->bb_pos = 0;
	return r->badblocks.empty() ? nullptr : &r->badblocks[r->bb_pos++];
}
badblock *ndctl_region_get_next_badblock(ndctl_region *r)
{
	return r->bb_pos < r->badblocks.size() ? &r->badblocks[r->bb_pos++] : nullptr;
}

ndctl_dimm *ndctl_region_get_first_dimm(ndctl_region *r) { return r->dimms.empty() ? nullptr : &r->dimms.front(); }
ndctl_dimm *ndctl_region_get_next_dimm(ndctl_region *r, ndctl_dimm *d)
{
	for (std::size_t i = 0; i + 1 < r->dimms.size(); ++i)
		if (&r->dimms[i] == d)
			return &r->dimms[i + 1];
	return nullptr;
}
const char *ndctl_dimm_get_devname(ndctl_dimm *d) { return d->devname.c_str(); }
const char *ndctl_dimm_get_unique_id(ndctl_dimm *d) { return d->has_id ? d->unique_id.c_str() : nullptr; }
long long ndctl_dimm_get_dirty_shutdown(ndctl_dimm *d) { return d->dirty_shutdown; }

ndctl_namespace *ndctl_namespace_get_first(ndctl_region *r)
{
	return r->namespaces.empty() ? nullptr : &r->namespaces.front();
}
ndctl_namespace *ndctl_namespace_get_next(ndctl_namespace *ns) { return ns->next; }
const char *ndctl_namespace_get_devname(ndctl_namespace *ns) { return ns->devname.c_str(); }
enum ndctl_namespace_mode ndctl_namespace_get_mode(ndctl_namespace *ns) { return ns->mode; }
unsigned long long ndctl_namespace_get_resource(ndctl_namespace *ns) { return ns->resource; }
unsigned long long ndctl_namespace_get_size(ndctl_namespace *ns) { return ns->size; }
const char *ndctl_namespace_get_block_device(ndctl_namespace *ns) { return ns->blockdev.c_str(); }
ndctl_btt *ndctl_namespace_get_btt(ndctl_namespace *ns) { return ns->has_btt ? &ns->btt : nullptr; }
ndctl_pfn *ndctl_namespace_get_pfn(ndctl_namespace *ns) { return ns->has_pfn ? &ns->pfn : nullptr; }
ndctl_dax *ndctl_namespace_get_dax(ndctl_namespace *ns) { return ns->has_dax ? &ns->dax : nullptr; }
badblock *ndctl_namespace_get_first_badblock(ndctl_namespace *ns)
{
	ns->bb_pos = 0;
	return ns->badblocks.empty() ? nullptr : &ns->badblocks[ns->bb_pos++];
}
badblock *ndctl_namespace_get_next_badblock(ndctl_namespace *ns)
{
	return ns->bb_pos < ns->badblocks.size() ? &ns->badblocks[ns->bb_pos++] : nullptr;
}

const char *ndctl_btt_get_block_device(ndctl_btt *btt) { return btt->blockdev.c_str(); }
const char *ndctl_pfn_get_block_device(ndctl_pfn *pfn) { return pfn->blockdev.c_str(); }
unsigned long long ndctl_pfn_get_resource(ndctl_pfn *pfn) { return pfn->resource; }
unsigned long long ndctl_pfn_get_size(ndctl_pfn *pfn) { return pfn->size; }
unsigned long long ndctl_dax_get_resource(ndctl_dax *dax) { return dax->resource; }
unsigned long long ndctl_dax_get_size(ndctl_dax *dax) { return dax->size; }
daxctl_region *ndctl_dax_get_daxctl_region(ndctl_dax *dax) { return &dax->dregion; }

ndctl_cmd *ndctl_bus_cmd_new_ars_cap(ndctl_bus *bus, unsigned long long address, unsigned long long len)
{
	if (!bus->has_ars) {
		errno = ENOTTY;
		return nullptr;
	}
	return new ndctl_cmd{CmdKind::ArsCap, bus, address, len};
}

ndctl_cmd *ndctl_bus_cmd_new_clear_error(unsigned long long address, unsigned long long len, ndctl_cmd *ars_cap)
{
	if (ars_cap == nullptr || ars_cap->kind != CmdKind::ArsCap || !ars_cap->submitted)
		return nullptr;
	return new ndctl_cmd{CmdKind::ClearError, ars_cap->bus, address, len};
}

int ndctl_cmd_submit(ndctl_cmd *cmd)
{
	if (cmd->bus->submit_rc != 0)
		return cmd->bus->submit_rc;
	cmd->submitted = true;
	if (cmd->kind == CmdKind::ClearError) {
		cmd->bus->last_clear_address = cmd->address;
		cmd->bus->last_clear_length = cmd->length;
		cmd->cleared = cmd->length < cmd->bus->cleared_max ? cmd->length : cmd->bus->cleared_max;
	}
	return 0;
}

int ndctl_cmd_ars_cap_get_range(ndctl_cmd *cmd, ndctl_range *range)
{
	if (cmd->kind != CmdKind::ArsCap || !cmd->submitted)
		return -EINVAL;
	// The platform widens the range to its clear unit.
	const unsigned long long u = cmd->bus->clear_unit;
	const unsigned long long beg = cmd->address / u * u;
	const unsigned long long end = (cmd->address + cmd->length + u - 1) / u * u;
	range->address = beg;
	range->length = end - beg;
	return 0;
}

unsigned long long ndctl_cmd_clear_error_get_cleared(ndctl_cmd *cmd)
{
	return cmd->kind == CmdKind::ClearError ? cmd->cleared : 0;
}

void ndctl_cmd_unref(ndctl_cmd *cmd) { delete cmd; }

} // extern "C"
