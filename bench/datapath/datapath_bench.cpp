// SPDX-License-Identifier: BSD-3-Clause
// datapath_bench.cpp -- memcpy/memset/persist of two libpmem2 builds in one process:
// each library is loaded with dlmopen(LM_ID_NEWLM) so both keep their own symbols,
// maps the same /dev/shm file with CACHE_LINE granularity forced, and every row is
// sampled A, B, A, B, ... so that machine load hits both alike. Reports the median
// time per call of each side and the ratio ref/ours (>1: ours is faster).
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <libpmem2.h>

namespace {

struct Lib {
	std::string path;
	void *handle = nullptr;
	pmem2_map *map = nullptr;
	pmem2_memcpy_fn memcpy_fn = nullptr;
	pmem2_memset_fn memset_fn = nullptr;
	pmem2_persist_fn persist_fn = nullptr;
	char *base = nullptr;
	std::size_t size = 0;
};

template <class T> T sym(void *h, const char *name)
{
	void *p = dlsym(h, name);
	if (p == nullptr) {
		std::fprintf(stderr, "missing %s: %s\n", name, dlerror());
		std::exit(1);
	}
	return reinterpret_cast<T>(p);
}

bool open_lib(Lib &lib, int fd)
{
	lib.handle = dlmopen(LM_ID_NEWLM, lib.path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (lib.handle == nullptr) {
		std::fprintf(stderr, "cannot load %s: %s\n", lib.path.c_str(), dlerror());
		return false;
	}
	auto src_from_fd = sym<int (*)(pmem2_source **, int)>(lib.handle, "pmem2_source_from_fd");
	auto cfg_new = sym<int (*)(pmem2_config **)>(lib.handle, "pmem2_config_new");
	auto cfg_gran = sym<int (*)(pmem2_config *, pmem2_granularity)>(lib.handle,
		"pmem2_config_set_required_store_granularity");
	auto map_new = sym<int (*)(pmem2_map **, const pmem2_config *, const pmem2_source *)>(lib.handle,
		"pmem2_map_new");
	auto map_addr = sym<void *(*)(pmem2_map *)>(lib.handle, "pmem2_map_get_address");
	auto map_size = sym<size_t (*)(pmem2_map *)>(lib.handle, "pmem2_map_get_size");
	auto get_gran = sym<pmem2_granularity (*)(pmem2_map *)>(lib.handle, "pmem2_map_get_store_granularity");
	pmem2_source *src = nullptr;
	pmem2_config *cfg = nullptr;
	if (src_from_fd(&src, fd) || cfg_new(&cfg) || cfg_gran(cfg, PMEM2_GRANULARITY_PAGE) ||
		map_new(&lib.map, cfg, src)) {
		std::fprintf(stderr, "%s: mapping failed\n", lib.path.c_str());
		return false;
	}
	if (get_gran(lib.map) != PMEM2_GRANULARITY_CACHE_LINE) {
		std::fprintf(stderr, "%s: granularity is not CACHE_LINE\n", lib.path.c_str());
		return false;
	}
	lib.memcpy_fn = sym<pmem2_memcpy_fn (*)(pmem2_map *)>(lib.handle, "pmem2_get_memcpy_fn")(lib.map);
	lib.memset_fn = sym<pmem2_memset_fn (*)(pmem2_map *)>(lib.handle, "pmem2_get_memset_fn")(lib.map);
	lib.persist_fn = sym<pmem2_persist_fn (*)(pmem2_map *)>(lib.handle, "pmem2_get_persist_fn")(lib.map);
	lib.base = static_cast<char *>(map_addr(lib.map));
	lib.size = map_size(lib.map);
	for (std::size_t off = 0; off < lib.size; off += 4096)
		lib.base[off] = 1;
	return true;
}

double now_ns()
{
	return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

enum class Op { Memcpy, Memset, Persist };

struct Row {
	Op op;
	unsigned flags;
	const char *flag_name;
	std::size_t size;
};

// ns per call of `calls` calls, destination rotating through the mapping.
double sample(Lib &lib, const Row &r, const char *src, std::size_t calls)
{
	const std::size_t step = (r.size + 63) & ~std::size_t(63);
	std::size_t off = 0;
	const double t0 = now_ns();
	for (std::size_t i = 0; i < calls; ++i) {
		if (off + step > lib.size)
			off = 0;
		char *d = lib.base + off;
		switch (r.op) {
		case Op::Memcpy:
			lib.memcpy_fn(d, src, r.size, r.flags);
			break;
		case Op::Memset:
			lib.memset_fn(d, 0x5a, r.size, r.flags);
			break;
		case Op::Persist:
			d[0] = static_cast<char>(i);
			lib.persist_fn(d, r.size);
			break;
		}
		off += step;
	}
	return (now_ns() - t0) / static_cast<double>(calls);
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
	std::string ours = PMEM2_BENCH_DEFAULT_OURS;
	std::string ref = "/usr/lib/x86_64-linux-gnu/libpmem2.so.1";
	std::string dir = "/dev/shm";
	int samples = 7;
	for (int i = 1; i + 1 < argc; i += 2) {
		const std::string a = argv[i];
		if (a == "--ours")
			ours = argv[i + 1];
		else if (a == "--ref")
			ref = argv[i + 1];
		else if (a == "--dir")
			dir = argv[i + 1];
		else if (a == "--samples")
			samples = std::atoi(argv[i + 1]);
	}
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);

	const std::size_t file_size = std::size_t(256) << 20;
	std::string path = dir + "/datapath-bench-XXXXXX";
	int fd = mkstemp(path.data());
	if (fd < 0 || posix_fallocate(fd, 0, static_cast<off_t>(file_size)) != 0) {
		std::perror("test file");
		return 1;
	}
	unlink(path.c_str());

	std::vector<Lib> libs;
	libs.push_back({ours});
	if (access(ref.c_str(), R_OK) == 0)
		libs.push_back({ref});
	else
		std::printf("reference %s not installed: measuring ours only\n", ref.c_str());
	for (Lib &l : libs)
		if (!open_lib(l, fd))
			return 1;

	std::vector<char> src_buf((std::size_t(16) << 20) + 64);
	for (std::size_t i = 0; i < src_buf.size(); ++i)
		src_buf[i] = static_cast<char>(i * 131 + 7);

	const struct {
		unsigned flags;
		const char *name;
	} flag_sets[] = {{0, "default"}, {PMEM2_F_MEM_NONTEMPORAL, "NONTEMPORAL"}, {PMEM2_F_MEM_TEMPORAL, "TEMPORAL"},
		{PMEM2_F_MEM_NOFLUSH, "NOFLUSH"}, {PMEM2_F_MEM_WB, "WB"}};
	std::vector<Row> rows;
	for (Op op : {Op::Memcpy, Op::Memset})
		for (std::size_t size : {64, 256, 1024, 4096, 65536, 1 << 20, 16 << 20})
			for (const auto &f : flag_sets)
				rows.push_back({op, f.flags, f.name, size});
	for (std::size_t size : {64, 256, 4096, 2 << 20})
		rows.push_back({Op::Persist, 0, "-", size});

	std::printf("%-8s %-12s %9s %12s %12s %8s\n", "op", "flags", "size", "ours ns", "ref ns", "ref/ours");
	double log_sum = 0;
	int n_ratio = 0;
	for (const Row &r : rows) {
		// Calibrate to about 2 ms per sample on our side.
		std::size_t calls = 1;
		while (sample(libs[0], r, src_buf.data(), calls) * static_cast<double>(calls) < 2e6 && calls < (1u << 22))
			calls *= 2;
		std::vector<std::vector<double>> t(libs.size());
		for (int s = 0; s < samples; ++s)
			for (std::size_t k = 0; k < libs.size(); ++k)
				t[k].push_back(sample(libs[k], r, src_buf.data(), calls));
		const double a = median(t[0]);
		const char *opname = r.op == Op::Memcpy ? "memcpy" : r.op == Op::Memset ? "memset" : "persist";
		if (libs.size() > 1) {
			const double b = median(t[1]);
			log_sum += std::log(b / a);
			++n_ratio;
			std::printf("%-8s %-12s %9zu %12.1f %12.1f %8.3f\n", opname, r.flag_name, r.size, a, b, b / a);
		} else {
			std::printf("%-8s %-12s %9zu %12.1f\n", opname, r.flag_name, r.size, a);
		}
		std::fflush(stdout);
	}
	if (n_ratio > 0)
		std::printf("geomean ref/ours over %d rows: %.3f\n", n_ratio, std::exp(log_sum / n_ratio));
	return 0;
}
