// SPDX-License-Identifier: BSD-3-Clause
// datapath_bench.cpp -- memcpy/memmove/memset/persist of libpmem2 builds in one
// process: each library is loaded with dlmopen(LM_ID_NEWLM) so all keep their own
// symbols, maps the same /dev/shm file with CACHE_LINE granularity forced, and every
// row is sampled A, B, A, B, ... so that machine load hits all alike. Reports the
// median time per call of each and the ratio ref/ours (>1: ours is faster).
// --ours2-env NAME=VALUE loads our library a second time with NAME set while it
// loads (the load-time knobs, e.g. PMEM2_FLUSH_ORDER=block), as a third column.
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
	std::string env; // NAME=VALUE set while this copy loads, or empty
	void *handle = nullptr;
	pmem2_map *map = nullptr;
	pmem2_memcpy_fn memcpy_fn = nullptr;
	pmem2_memmove_fn memmove_fn = nullptr;
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
	std::string env_name;
	if (!lib.env.empty()) {
		const std::size_t eq = lib.env.find('=');
		env_name = lib.env.substr(0, eq);
		setenv(env_name.c_str(), eq == std::string::npos ? "" : lib.env.c_str() + eq + 1, 1);
	}
	lib.handle = dlmopen(LM_ID_NEWLM, lib.path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (!env_name.empty())
		unsetenv(env_name.c_str());
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
	lib.memmove_fn = sym<pmem2_memmove_fn (*)(pmem2_map *)>(lib.handle, "pmem2_get_memmove_fn")(lib.map);
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

// The referee's rows (../shared/bench): copies from DRAM, moves overlapping by half
// in both directions (fwd: dest below the source), dest+7/src+3, sets at dest and
// dest+7, persist of a dirtied range.
enum class Op { Memcpy, MemmoveOvlFwd, MemmoveOvlBwd, MemcpyD7S3, Memset, MemsetD7, Persist };

const char *op_name(Op op)
{
	switch (op) {
	case Op::Memcpy:
		return "memcpy";
	case Op::MemmoveOvlFwd:
		return "ovl_fwd";
	case Op::MemmoveOvlBwd:
		return "ovl_bwd";
	case Op::MemcpyD7S3:
		return "cpy_d7s3";
	case Op::Memset:
		return "memset";
	case Op::MemsetD7:
		return "memset_d7";
	case Op::Persist:
		return "persist";
	}
	return "?";
}

struct Row {
	Op op;
	unsigned flags;
	const char *flag_name;
	std::size_t size;
};

// ns per call of `calls` calls, destination rotating through the mapping.
double sample(Lib &lib, const Row &r, const char *src, std::size_t calls)
{
	const bool ovl = r.op == Op::MemmoveOvlFwd || r.op == Op::MemmoveOvlBwd;
	const bool at7 = r.op == Op::MemcpyD7S3 || r.op == Op::MemsetD7;
	const std::size_t footprint = ovl ? r.size + r.size / 2 : at7 ? r.size + 7 : r.size;
	const std::size_t step = (footprint + 63) & ~std::size_t(63);
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
		case Op::MemmoveOvlFwd:
			lib.memmove_fn(d, d + r.size / 2, r.size, r.flags);
			break;
		case Op::MemmoveOvlBwd:
			lib.memmove_fn(d + r.size / 2, d, r.size, r.flags);
			break;
		case Op::MemcpyD7S3:
			lib.memcpy_fn(d + 7, src + 3, r.size, r.flags);
			break;
		case Op::Memset:
			lib.memset_fn(d, 0x5a, r.size, r.flags);
			break;
		case Op::MemsetD7:
			lib.memset_fn(d + 7, 0x5a, r.size, r.flags);
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
	std::string ours2_env;
	int samples = 7;
	for (int i = 1; i + 1 < argc; i += 2) {
		const std::string a = argv[i];
		if (a == "--ours")
			ours = argv[i + 1];
		else if (a == "--ours2-env")
			ours2_env = argv[i + 1];
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

	// libs[0] ours, then ours with ours2_env, then the reference.
	std::vector<Lib> libs;
	libs.push_back({ours, ""});
	if (!ours2_env.empty())
		libs.push_back({ours, ours2_env});
	const bool have_ref = access(ref.c_str(), R_OK) == 0;
	if (have_ref)
		libs.push_back({ref, ""});
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
	for (Op op : {Op::Memcpy, Op::MemmoveOvlFwd, Op::MemmoveOvlBwd, Op::MemcpyD7S3, Op::Memset, Op::MemsetD7})
		for (std::size_t size : {64, 256, 1024, 4096, 65536, 1 << 20, 16 << 20})
			for (const auto &f : flag_sets)
				rows.push_back({op, f.flags, f.name, size});
	for (std::size_t size : {64, 256, 4096, 2 << 20})
		rows.push_back({Op::Persist, 0, "-", size});

	const bool two = !ours2_env.empty();
	if (two)
		std::printf("ours2 = ours loaded with %s\n", ours2_env.c_str());
	std::printf("%-9s %-12s %9s %12s%s %12s %8s%s\n", "op", "flags", "size", "ours ns", two ? "    ours2 ns" : "",
		    "ref ns", "ref/ours", two ? " ref/ours2" : "");
	double log_sum[2] = {0, 0};
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
		std::vector<double> med;
		for (const auto &v : t)
			med.push_back(median(v));
		std::printf("%-9s %-12s %9zu %12.1f", op_name(r.op), r.flag_name, r.size, med[0]);
		if (two)
			std::printf(" %12.1f", med[1]);
		if (have_ref) {
			const double b = med.back();
			std::printf(" %12.1f %8.3f", b, b / med[0]);
			log_sum[0] += std::log(b / med[0]);
			if (two) {
				std::printf(" %9.3f", b / med[1]);
				log_sum[1] += std::log(b / med[1]);
			}
			++n_ratio;
		}
		std::printf("\n");
		std::fflush(stdout);
	}
	if (n_ratio > 0) {
		std::printf("geomean ref/ours over %d rows: %.3f\n", n_ratio, std::exp(log_sum[0] / n_ratio));
		if (two)
			std::printf("geomean ref/ours2 over %d rows: %.3f\n", n_ratio, std::exp(log_sum[1] / n_ratio));
	}
	return 0;
}
