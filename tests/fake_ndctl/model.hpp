// SPDX-License-Identifier: BSD-3-Clause
// model.hpp -- the scripted platform behind the fake libndctl/libdaxctl: plain objects
// whose addresses are the opaque handles the libraries hand out.
#pragma once

#include <climits>
#include <deque>
#include <string>
#include <vector>

#include <ndctl/libndctl.h>

struct daxctl_dev {
	std::string devname;
	daxctl_dev *next = nullptr;
};

struct daxctl_region {
	std::deque<daxctl_dev> devs;
};

struct ndctl_pfn {
	unsigned long long resource = 0, size = 0;
	std::string blockdev;
};

struct ndctl_btt {
	std::string blockdev;
};

struct ndctl_dax {
	unsigned long long resource = 0, size = 0;
	daxctl_region dregion;
};

struct ndctl_namespace {
	std::string devname;
	ndctl_namespace_mode mode = NDCTL_NS_MODE_RAW;
	unsigned long long resource = 0, size = 0;
	std::string blockdev;
	bool has_pfn = false, has_btt = false, has_dax = false;
	ndctl_pfn pfn;
	ndctl_btt btt;
	ndctl_dax dax;
	std::vector<badblock> badblocks;
	std::size_t bb_pos = 0;
	ndctl_namespace *next = nullptr;
};

struct ndctl_dimm {
	std::string devname;
	bool has_id = true;
	std::string unique_id;
	long long dirty_shutdown = -1;
};

struct ndctl_bus;

struct ndctl_region {
	std::string devname;
	unsigned id = 0;
	unsigned long long resource = 0;
	int numa_node = -1;
	ndctl_bus *bus = nullptr;
	std::deque<ndctl_namespace> namespaces;
	std::deque<ndctl_dimm> dimms;
	std::vector<badblock> badblocks;
	std::size_t bb_pos = 0;
	ndctl_region *next = nullptr;
};

struct ndctl_bus {
	std::deque<ndctl_region> regions;
	bool has_ars = true;
	int submit_rc = 0;
	unsigned long long clear_unit = 512;
	unsigned long long cleared_max = ULLONG_MAX;
	unsigned long long last_clear_address = 0, last_clear_length = 0;
	ndctl_bus *next = nullptr;
};

enum class CmdKind { ArsCap, ClearError };

struct ndctl_cmd {
	CmdKind kind;
	ndctl_bus *bus;
	unsigned long long address, length;
	unsigned long long cleared = 0;
	bool submitted = false;
};

struct ndctl_ctx {
	int dummy = 0;
};
