// SPDX-License-Identifier: BSD-3-Clause
// pmem2_info.cpp -- pmem2-info: shows what libpmem2 sees for a file or device
// (source type, size, alignment, MAP_SYNC, store granularity and why, CPU
// flush/copy variants, NUMA node, device id, unsafe shutdown count, bad blocks),
// as text or as JSON. Exit codes are documented in doc/man/pmem2/pmem2-info.1.md.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <libpmem2.h>

#include "common/posix.hpp"
#include "pmem2/arch/data_path.hpp"
#include "pmem2/granularity/granularity.hpp"

namespace pmem2::tools {
namespace {

// Exit codes a script can test (kept in step with the man page).
enum Exit : int {
	exit_ok = 0,            // everything was inspected; no bad blocks
	exit_usage = 1,         // bad command line
	exit_no_source = 2,     // the path cannot be opened or is not a libpmem2 source
	exit_map_failed = 3,    // the source is valid but libpmem2 could not map it
	exit_bad_blocks = 4,    // inspected; the source has bad blocks
};

// A value the library returned, or the code and message of its failure.
template <class T> struct Probe {
	std::optional<T> value;
	int code = 0;
	std::string error;
};

template <class T, class F> Probe<T> probe(F &&call)
{
	Probe<T> p;
	T v{};
	int ret = call(&v);
	if (ret == 0)
		p.value = v;
	else {
		p.code = ret;
		p.error = pmem2_errormsg();
	}
	return p;
}

const char *granularity_name(int g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE: return "BYTE";
	case PMEM2_GRANULARITY_CACHE_LINE: return "CACHE_LINE";
	case PMEM2_GRANULARITY_PAGE: return "PAGE";
	}
	return "unknown";
}

struct Region {
	std::string name;
	std::string persistence_domain;  // "cpu_cache" means eADR
};

// Every NVDIMM region the kernel lists with its persistence domain.
std::vector<Region> nd_regions()
{
	std::vector<Region> out;
	const std::string base = "/sys/bus/nd/devices";
	DIR *d = opendir(base.c_str());
	if (!d)
		return out;
	while (const dirent *e = readdir(d)) {
		if (std::strncmp(e->d_name, "region", 6) != 0)
			continue;
		Region r{e->d_name, "unknown"};
		if (FILE *f = std::fopen((base + "/" + e->d_name + "/persistence_domain").c_str(), "r")) {
			char buf[64] = "";
			if (std::fgets(buf, sizeof(buf), f))
				r.persistence_domain = std::string(buf, strcspn(buf, "\n"));
			std::fclose(f);
		}
		out.push_back(r);
	}
	closedir(d);
	return out;
}

struct Report {
	std::string path;
	std::string type;  // "regular", "directory", "devdax", or "" when not a source
	Probe<size_t> size, alignment;
	// MAP_SYNC: attempted directly with mmap on regular files.
	std::string map_sync;  // "yes" or "no"
	std::string map_sync_reason;
	// Mapping through libpmem2.
	bool mapped = false;
	std::string map_error;
	int map_code = 0;
	std::string granularity, granularity_reason;
	std::optional<std::string> forced;
	bool eadr = false;
	std::vector<Region> regions;
	std::string flush, copy, fence;
	std::string flush_order; // "line", "block" or empty (no choice on this CPU)
	std::size_t prefetch_ahead = 0; // how far temporal copies prefetch their destination; 0: not
	const char *flush_note = nullptr; // why CACHE_LINE persistence may not hold
	std::size_t line_size = 0;
	Probe<int> numa;
	Probe<std::string> device_id;
	Probe<uint64_t> usc;
	Probe<int> badblock_ctx;  // only code/error are used
	std::vector<pmem2_badblock> badblocks;
	int open_errno = 0;
	int source_code = 0;
	std::string source_error;
};

// Tries a small MAP_SHARED_VALIDATE|MAP_SYNC mapping, as map_new does first: the
// kernel grants it for a file on a DAX filesystem backed by persistent memory and
// for device DAX (whose mappings must cover whole device-alignment units).
void probe_map_sync(Report &r, int fd, bool writable)
{
	const bool devdax = r.type == "devdax";
	size_t len = common::page_size();
	if (devdax && r.alignment.value)
		len = *r.alignment.value;
	void *p = mmap(nullptr, len, writable ? PROT_READ | PROT_WRITE : PROT_READ,
		       MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	if (p != MAP_FAILED) {
		munmap(p, len);
		r.map_sync = "yes";
		r.map_sync_reason = devdax ? "device DAX: stores go to the media with no page cache or filesystem between"
					   : "the filesystem is mounted with DAX on persistent memory";
		return;
	}
	int e = errno;
	r.map_sync = "no";
	r.map_sync_reason = std::string("mmap(MAP_SYNC) failed: ") + std::strerror(e) +
		(e == EOPNOTSUPP ? " (the filesystem is not DAX: page cache in between)" : "");
}

std::string granularity_reason(const Report &r, int g)
{
	if (r.forced)
		return std::string("forced by PMEM2_FORCE_GRANULARITY=") + *r.forced;
	if (g == PMEM2_GRANULARITY_PAGE)
		return r.type == "devdax" ? "device DAX without a persistence domain"
					  : "no MAP_SYNC: stores reach the media only through msync";
	if (g == PMEM2_GRANULARITY_BYTE)
		return "eADR: every nd region reports persistence_domain cpu_cache, caches are power-fail safe";
	return "MAP_SYNC/device DAX on ADR: each store must be flushed from the CPU cache";
}

int inspect(Report &r)
{
	bool writable = true;
	common::UniqueFd fd(open(r.path.c_str(), O_RDWR));
	if (!fd && (errno == EACCES || errno == EROFS || errno == EISDIR)) {
		writable = false;
		fd = common::UniqueFd(open(r.path.c_str(), O_RDONLY));
	}
	if (!fd) {
		r.open_errno = errno;
		return exit_no_source;
	}
	pmem2_source *src = nullptr;
	if (int ret = pmem2_source_from_fd(&src, fd.get())) {
		r.source_code = ret;
		r.source_error = pmem2_errormsg();
		return exit_no_source;
	}
	struct stat st;
	if (fstat(fd.get(), &st) != 0) {
		r.open_errno = errno;
		pmem2_source_delete(&src);
		return exit_no_source;
	}
	r.type = S_ISCHR(st.st_mode) ? "devdax" : S_ISDIR(st.st_mode) ? "directory" : "regular";
	r.size = probe<size_t>([&](size_t *v) { return pmem2_source_size(src, v); });
	r.alignment = probe<size_t>([&](size_t *v) { return pmem2_source_alignment(src, v); });
	r.numa = probe<int>([&](int *v) { return pmem2_source_numa_node(src, v); });
	r.usc = probe<uint64_t>([&](uint64_t *v) { return pmem2_source_device_usc(src, v); });
	r.device_id = probe<std::string>([&](std::string *v) {
		size_t len = 0;
		if (int ret = pmem2_source_device_id(src, nullptr, &len))
			return ret;
		v->assign(len, '\0');
		int ret = pmem2_source_device_id(src, v->data(), &len);
		v->resize(strnlen(v->c_str(), v->size()));
		return ret;
	});
	pmem2_badblock_context *bbctx = nullptr;
	r.badblock_ctx = probe<int>([&](int *) { return pmem2_badblock_context_new(&bbctx, src); });
	if (bbctx) {
		pmem2_badblock bb;
		while (pmem2_badblock_next(bbctx, &bb) == 0)
			r.badblocks.push_back(bb);
		pmem2_badblock_context_delete(&bbctx);
	}

	probe_map_sync(r, fd.get(), writable);
	r.regions = nd_regions();
	r.eadr = granularity::platform_has_eadr();
	if (auto f = granularity::forced_from_env())
		r.forced = granularity_name(static_cast<int>(*f));
	const auto &dp = arch::data_path();
	r.flush = dp.flush_name;
	r.copy = dp.copy_name;
	r.flush_order = dp.temporal_flush_order ? dp.temporal_flush_order : "";
	r.prefetch_ahead = dp.temporal_prefetch_ahead;
	r.fence = dp.fence_name;
	r.flush_note = dp.persistence_note;
	r.line_size = dp.cache_line_size;

	// Map the way an application asking for the weakest guarantee would, and
	// report what the library granted.
	pmem2_config *cfg = nullptr;
	pmem2_map *map = nullptr;
	int ret = pmem2_config_new(&cfg);
	if (ret == 0)
		ret = pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	if (ret == 0 && !writable)
		ret = pmem2_config_set_protection(cfg, PMEM2_PROT_READ);
	if (ret == 0)
		ret = pmem2_map_new(&map, cfg, src);
	if (ret == 0) {
		r.mapped = true;
		int g = pmem2_map_get_store_granularity(map);
		r.granularity = granularity_name(g);
		r.granularity_reason = granularity_reason(r, g);
		pmem2_map_delete(&map);
	} else {
		r.map_code = ret;
		r.map_error = pmem2_errormsg();
	}
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	if (!r.mapped)
		return exit_map_failed;
	return r.badblocks.empty() ? exit_ok : exit_bad_blocks;
}

// ---- output ----

std::string json_str(const std::string &s)
{
	std::string o = "\"";
	for (unsigned char c : s) {
		if (c == '"' || c == '\\')
			o += '\\', o += static_cast<char>(c);
		else if (c < 0x20) {
			char b[8];
			std::snprintf(b, sizeof(b), "\\u%04x", c);
			o += b;
		} else
			o += static_cast<char>(c);
	}
	return o + "\"";
}

std::string to_json(const std::string &v) { return json_str(v); }
std::string to_json(size_t v) { return std::to_string(v); }
std::string to_json(int v) { return std::to_string(v); }
std::string to_json(unsigned long long v) { return std::to_string(v); }

template <class T> std::string json_probe(const Probe<T> &p)
{
	if (p.value)
		return "{\"value\": " + to_json(*p.value) + "}";
	return "{\"error\": " + json_str(p.error) + ", \"code\": " + std::to_string(p.code) + "}";
}

void print_json(const Report &r, int status)
{
	std::printf("{\n  \"path\": %s,\n  \"exit_code\": %d,\n", json_str(r.path).c_str(), status);
	if (status == exit_no_source) {
		std::string err = r.open_errno ? std::strerror(r.open_errno) : r.source_error;
		int code = r.open_errno ? -r.open_errno : r.source_code;
		std::printf("  \"error\": %s,\n  \"code\": %d\n}\n", json_str(err).c_str(), code);
		return;
	}
	std::printf("  \"source\": {\"type\": %s, \"size\": %s, \"alignment\": %s},\n", json_str(r.type).c_str(),
		    json_probe(r.size).c_str(), json_probe(r.alignment).c_str());
	std::printf("  \"map_sync\": {\"supported\": %s, \"needed\": %s, \"reason\": %s},\n",
		    r.map_sync == "yes" ? "true" : "false", "true",
		    json_str(r.map_sync_reason).c_str());
	if (r.mapped)
		std::printf("  \"mapping\": {\"ok\": true, \"store_granularity\": %s, \"reason\": %s},\n",
			    json_str(r.granularity).c_str(), json_str(r.granularity_reason).c_str());
	else
		std::printf("  \"mapping\": {\"ok\": false, \"error\": %s, \"code\": %d},\n",
			    json_str(r.map_error).c_str(), r.map_code);
	std::printf("  \"forced_granularity\": %s,\n", r.forced ? json_str(*r.forced).c_str() : "null");
	std::printf("  \"eadr\": %s,\n  \"regions\": [", r.eadr ? "true" : "false");
	for (size_t i = 0; i < r.regions.size(); i++)
		std::printf("%s{\"name\": %s, \"persistence_domain\": %s}", i ? ", " : "",
			    json_str(r.regions[i].name).c_str(), json_str(r.regions[i].persistence_domain).c_str());
	std::printf("],\n  \"cpu\": {\"flush\": %s, \"copy\": %s, \"temporal_flush_order\": %s, "
		    "\"temporal_prefetch_ahead\": %zu, \"fence\": %s, "
		    "\"line_size\": %zu, \"note\": %s},\n",
		    json_str(r.flush).c_str(), json_str(r.copy).c_str(),
		    r.flush_order.empty() ? "null" : json_str(r.flush_order).c_str(), r.prefetch_ahead,
		    json_str(r.fence).c_str(),
		    r.line_size, r.flush_note ? json_str(r.flush_note).c_str() : "null");
	std::printf("  \"numa_node\": %s,\n  \"device_id\": %s,\n  \"unsafe_shutdown_count\": %s,\n",
		    json_probe(r.numa).c_str(), json_probe(r.device_id).c_str(),
		    json_probe(Probe<unsigned long long>{r.usc.value ? std::optional<unsigned long long>(*r.usc.value)
								    : std::nullopt,
							     r.usc.code, r.usc.error})
			    .c_str());
	if (r.badblock_ctx.code)
		std::printf("  \"bad_blocks\": {\"error\": %s, \"code\": %d}\n}\n", json_str(r.badblock_ctx.error).c_str(),
			    r.badblock_ctx.code);
	else {
		std::printf("  \"bad_blocks\": {\"count\": %zu, \"list\": [", r.badblocks.size());
		for (size_t i = 0; i < r.badblocks.size(); i++)
			std::printf("%s{\"offset\": %zu, \"length\": %zu}", i ? ", " : "", r.badblocks[i].offset,
				    r.badblocks[i].length);
		std::printf("]}\n}\n");
	}
}

template <class T> std::string text_probe(const Probe<T> &p, std::string (*fmt)(const T &))
{
	return p.value ? fmt(*p.value) : "unavailable (" + p.error + ", " + std::to_string(p.code) + ")";
}

void print_text(const Report &r, int status)
{
	std::printf("%s\n", r.path.c_str());
	if (status == exit_no_source) {
		if (r.open_errno)
			std::printf("  cannot open: %s\n", std::strerror(r.open_errno));
		else
			std::printf("  not a libpmem2 source: %s (%d)\n", r.source_error.c_str(), r.source_code);
		return;
	}
	auto num = +[](const size_t &v) { return std::to_string(v); };
	std::printf("  source type        %s\n", r.type == "devdax" ? "device DAX" : r.type == "directory" ? "directory" : "regular file");
	std::printf("  size               %s bytes\n", text_probe(r.size, num).c_str());
	std::printf("  alignment          %s bytes\n", text_probe(r.alignment, num).c_str());
	std::printf("  MAP_SYNC           %s: %s\n", r.map_sync.c_str(), r.map_sync_reason.c_str());
	if (r.mapped)
		std::printf("  store granularity  %s: %s\n", r.granularity.c_str(), r.granularity_reason.c_str());
	else
		std::printf("  mapping            failed: %s (%d)\n", r.map_error.c_str(), r.map_code);
	std::printf("  eADR               %s\n", r.eadr ? "yes" : "no");
	if (r.regions.empty())
		std::printf("  nd regions         none (no NVDIMM regions in /sys/bus/nd/devices)\n");
	for (const auto &g : r.regions)
		std::printf("  nd region          %s: persistence_domain %s\n", g.name.c_str(),
			    g.persistence_domain.c_str());
	std::printf("  flush instruction  %s%s\n", r.flush.c_str(),
		    r.granularity == "BYTE" ? " (not needed at BYTE granularity)"
					    : r.granularity == "PAGE" ? " (PAGE granularity persists with msync)" : "");
	std::printf("  fence              %s (%zu-byte cache lines)\n", r.fence.c_str(), r.line_size);
	if (r.flush_note)
		std::printf("  flush caveat       %s\n", r.flush_note);
	std::printf("  copy variant       %s\n", r.copy.c_str());
	if (!r.flush_order.empty())
		std::printf("  temporal copies    %s\n", r.flush_order == "line" ? "each line flushed behind its store (aligned, from 64 KiB)"
									  : "a register block stored, then flushed");
	if (r.prefetch_ahead != 0)
		std::printf("  temporal prefetch  PREFETCHW of the destination %zu bytes ahead\n", r.prefetch_ahead);
	std::printf("  NUMA node          %s\n", text_probe(r.numa, +[](const int &v) { return std::to_string(v); }).c_str());
	std::printf("  device id          %s\n", text_probe(r.device_id, +[](const std::string &v) { return v; }).c_str());
	std::printf("  unsafe shutdowns   %s\n",
		    text_probe(r.usc, +[](const uint64_t &v) { return std::to_string(v); }).c_str());
	if (r.badblock_ctx.code)
		std::printf("  bad blocks         unavailable (%s, %d)\n", r.badblock_ctx.error.c_str(), r.badblock_ctx.code);
	else {
		std::printf("  bad blocks         %zu\n", r.badblocks.size());
		for (const auto &b : r.badblocks)
			std::printf("    offset %zu length %zu\n", b.offset, b.length);
	}
}

int usage(FILE *to)
{
	std::fprintf(to, "usage: pmem2-info [--json] PATH\n"
			 "Shows what libpmem2 sees for a file on a (DAX) filesystem or a device DAX.\n"
			 "Exit: 0 ok, 1 usage, 2 not a source, 3 mapping failed, 4 bad blocks present.\n");
	return to == stdout ? exit_ok : exit_usage;
}

} // namespace
} // namespace pmem2::tools

int main(int argc, char *argv[])
{
	using namespace pmem2::tools;
	bool json = false;
	const char *path = nullptr;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--json")
			json = true;
		else if (a == "-h" || a == "--help")
			return usage(stdout);
		else if (a.size() > 1 && a[0] == '-')
			return usage(stderr);
		else if (path)
			return usage(stderr);
		else
			path = argv[i];
	}
	if (!path)
		return usage(stderr);
	Report r;
	r.path = path;
	int status = inspect(r);
	if (json)
		print_json(r, status);
	else
		print_text(r, status);
	return status;
}
