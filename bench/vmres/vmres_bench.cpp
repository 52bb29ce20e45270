// SPDX-License-Identifier: BSD-3-Clause
// vmres_bench.cpp -- reservation scaling benchmark: N maps in one reservation
// (map_new, map_find at random offsets, find_next walk, map_delete) and the
// 2 MiB map_new+map_delete lifecycle, for two libpmem2 builds in one run.
//
// Each (library, N) cell runs in its own forked child that dlopen()s the library
// by path, so the reference's abort after ~1024 reservation maps (one TLS key per
// map) loses only its own cell, and the two libraries never share a process.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <libpmem2.h>

#ifndef VMRES_OURS
#define VMRES_OURS "libpmem2.so.1"
#endif
#define VMRES_REFERENCE "/usr/lib/x86_64-linux-gnu/libpmem2.so.1"

namespace {

constexpr std::size_t kMapSize = 64 * 1024;
constexpr std::size_t kFileSize = std::size_t{1} << 30; // offsets wrap at 1 GiB, as in pmem2bench
constexpr std::size_t kFinds = 65536;
constexpr int kSamples = 5;

// The entry points used, resolved from one dlopen()ed library.
struct Api {
#define API_FN(name) decltype(&::name) name = nullptr
	API_FN(pmem2_config_new);
	API_FN(pmem2_config_delete);
	API_FN(pmem2_config_set_required_store_granularity);
	API_FN(pmem2_config_set_length);
	API_FN(pmem2_config_set_offset);
	API_FN(pmem2_config_set_vm_reservation);
	API_FN(pmem2_source_from_fd);
	API_FN(pmem2_source_delete);
	API_FN(pmem2_map_new);
	API_FN(pmem2_map_delete);
	API_FN(pmem2_map_get_address);
	API_FN(pmem2_vm_reservation_new);
	API_FN(pmem2_vm_reservation_delete);
	API_FN(pmem2_vm_reservation_get_address);
	API_FN(pmem2_vm_reservation_map_find);
	API_FN(pmem2_vm_reservation_map_find_first);
	API_FN(pmem2_vm_reservation_map_find_next);
	API_FN(pmem2_errormsg);
#undef API_FN
};

[[noreturn]] void die(const char *fmt, const char *arg)
{
	std::fprintf(stderr, fmt, arg);
	std::fputc('\n', stderr);
	std::_Exit(1);
}

Api load(const char *path)
{
	void *h = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == nullptr)
		die("dlopen: %s", ::dlerror());
	Api a;
#define API_FN(name)                                                              \
	a.name = reinterpret_cast<decltype(a.name)>(::dlsym(h, #name)); \
	if (a.name == nullptr)                                                    \
		die("missing symbol %s", #name)
	API_FN(pmem2_config_new);
	API_FN(pmem2_config_delete);
	API_FN(pmem2_config_set_required_store_granularity);
	API_FN(pmem2_config_set_length);
	API_FN(pmem2_config_set_offset);
	API_FN(pmem2_config_set_vm_reservation);
	API_FN(pmem2_source_from_fd);
	API_FN(pmem2_source_delete);
	API_FN(pmem2_map_new);
	API_FN(pmem2_map_delete);
	API_FN(pmem2_map_get_address);
	API_FN(pmem2_vm_reservation_new);
	API_FN(pmem2_vm_reservation_delete);
	API_FN(pmem2_vm_reservation_get_address);
	API_FN(pmem2_vm_reservation_map_find);
	API_FN(pmem2_vm_reservation_map_find_first);
	API_FN(pmem2_vm_reservation_map_find_next);
	API_FN(pmem2_errormsg);
#undef API_FN
	return a;
}

std::uint64_t now_ns()
{
	return static_cast<std::uint64_t>(
		std::chrono::duration_cast<std::chrono::nanoseconds>(
			std::chrono::steady_clock::now().time_since_epoch())
			.count());
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

// One measured row, sent from the child to the parent through a pipe.
struct Row {
	char op[24];
	std::size_t n;
	double value; // ns per operation (median of the samples)
};

void send(int fd, const char *op, std::size_t n, double ns)
{
	Row r{};
	std::snprintf(r.op, sizeof(r.op), "%s", op);
	r.n = n;
	r.value = ns;
	if (::write(fd, &r, sizeof(r)) != static_cast<ssize_t>(sizeof(r)))
		std::_Exit(3);
}

void check(const Api &a, int ret, const char *what)
{
	if (ret != 0) {
		std::fprintf(stderr, "%s failed: %d (%s)\n", what, ret, a.pmem2_errormsg());
		std::_Exit(2);
	}
}

// The reservation workload for one N; rows go to fd.
void run_vmres(const Api &a, pmem2_source *src, std::size_t n, int fd)
{
	const std::size_t rsv_size = (n * kMapSize + (2u << 20) - 1) & ~((std::size_t{2} << 20) - 1);
	pmem2_vm_reservation *rsv = nullptr;
	check(a, a.pmem2_vm_reservation_new(&rsv, nullptr, rsv_size), "pmem2_vm_reservation_new");
	pmem2_config *cfg = nullptr;
	check(a, a.pmem2_config_new(&cfg), "pmem2_config_new");
	check(a, a.pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), "set granularity");
	check(a, a.pmem2_config_set_length(cfg, kMapSize), "set length");

	std::vector<pmem2_map *> maps(n);
	std::mt19937_64 rng(42);
	std::vector<std::size_t> offs(kFinds);
	for (auto &o : offs)
		o = rng() % (n * kMapSize);

	// Enough passes that each sample creates at least ~32k maps (but at least one).
	const std::size_t passes = std::max<std::size_t>(1, 32768 / n);
	std::vector<double> t_new, t_find, t_next, t_del;
	for (int s = 0; s < kSamples; ++s) {
		std::uint64_t dn = 0, dd = 0, df = 0, dw = 0;
		std::size_t finds = 0, walks = 0;
		for (std::size_t p = 0; p < passes; ++p) {
			std::uint64_t t0 = now_ns();
			for (std::size_t i = 0; i < n; ++i) {
				a.pmem2_config_set_offset(cfg, (i * kMapSize) % kFileSize);
				a.pmem2_config_set_vm_reservation(cfg, rsv, i * kMapSize);
				check(a, a.pmem2_map_new(&maps[i], cfg, src), "pmem2_map_new");
			}
			dn += now_ns() - t0;
			if (p == 0) {
				// Correctness before timing: every offset finds its own map.
				for (std::size_t j = 0; j < 1024; ++j) {
					pmem2_map *m = nullptr;
					check(a, a.pmem2_vm_reservation_map_find(rsv, offs[j], 1, &m), "map_find");
					if (m != maps[offs[j] / kMapSize])
						die("%s", "map_find returned the wrong map");
				}
				t0 = now_ns();
				std::uintptr_t sink = 0;
				for (int rep = 0; rep < 4; ++rep)
					for (std::size_t j = 0; j < kFinds; ++j) {
						pmem2_map *m = nullptr;
						a.pmem2_vm_reservation_map_find(rsv, offs[j], 1, &m);
						sink += reinterpret_cast<std::uintptr_t>(m);
					}
				df += now_ns() - t0;
				finds += 4 * kFinds;
				t0 = now_ns();
				pmem2_map *m = nullptr;
				std::size_t seen = 0;
				for (int r = a.pmem2_vm_reservation_map_find_first(rsv, &m); r == 0;
				     r = a.pmem2_vm_reservation_map_find_next(rsv, m, &m))
					++seen;
				dw += now_ns() - t0;
				walks += seen;
				if (seen != n || sink == 1)
					die("%s", "find_first/find_next walk did not visit every map");
			}
			t0 = now_ns();
			for (std::size_t i = 0; i < n; ++i)
				check(a, a.pmem2_map_delete(&maps[i]), "pmem2_map_delete");
			dd += now_ns() - t0;
		}
		t_new.push_back(double(dn) / double(passes * n));
		t_del.push_back(double(dd) / double(passes * n));
		t_find.push_back(double(df) / double(finds));
		t_next.push_back(double(dw) / double(walks));
	}
	send(fd, "map_new", n, median(t_new));
	send(fd, "map_find", n, median(t_find));
	send(fd, "find_next", n, median(t_next));
	send(fd, "map_delete", n, median(t_del));
	a.pmem2_config_delete(&cfg);
	// The reference may abort here (see BASELINE.md); the rows are already sent.
	check(a, a.pmem2_vm_reservation_delete(&rsv), "pmem2_vm_reservation_delete");
}

// map_new + map_delete of a standalone 2 MiB map.
void run_lifecycle(const Api &a, pmem2_source *src, int fd)
{
	pmem2_config *cfg = nullptr;
	check(a, a.pmem2_config_new(&cfg), "pmem2_config_new");
	check(a, a.pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE), "set granularity");
	check(a, a.pmem2_config_set_length(cfg, 2u << 20), "set length");
	std::vector<double> v;
	for (int s = 0; s < kSamples; ++s) {
		constexpr int kIters = 2000;
		const std::uint64_t t0 = now_ns();
		for (int i = 0; i < kIters; ++i) {
			pmem2_map *m = nullptr;
			check(a, a.pmem2_map_new(&m, cfg, src), "pmem2_map_new");
			check(a, a.pmem2_map_delete(&m), "pmem2_map_delete");
		}
		v.push_back(double(now_ns() - t0) / kIters);
	}
	send(fd, "map_new+delete 2MiB", 0, median(v));
	a.pmem2_config_delete(&cfg);
}

// Runs one cell in a child; returns the rows received and whether it crashed.
std::vector<Row> run_cell(const char *lib, int fd_src, std::size_t n, std::string &status)
{
	int pfd[2];
	if (::pipe(pfd) != 0)
		die("%s", "pipe failed");
	const pid_t pid = ::fork();
	if (pid == 0) {
		::close(pfd[0]);
		Api a = load(lib);
		pmem2_source *src = nullptr;
		check(a, a.pmem2_source_from_fd(&src, fd_src), "pmem2_source_from_fd");
		if (n == 0)
			run_lifecycle(a, src, pfd[1]);
		else
			run_vmres(a, src, n, pfd[1]);
		a.pmem2_source_delete(&src);
		std::_Exit(0);
	}
	::close(pfd[1]);
	std::vector<Row> rows;
	Row r;
	while (::read(pfd[0], &r, sizeof(r)) == static_cast<ssize_t>(sizeof(r)))
		rows.push_back(r);
	::close(pfd[0]);
	int st = 0;
	::waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		status = std::string("killed by signal ") + strsignal(WTERMSIG(st)) + " after its rows";
	else if (WEXITSTATUS(st) != 0)
		status = "exit status " + std::to_string(WEXITSTATUS(st));
	else
		status = "ok";
	return rows;
}

} // namespace

int main(int argc, char **argv)
{
	const char *ours = VMRES_OURS;
	const char *ref = VMRES_REFERENCE;
	std::vector<std::size_t> ns = {16, 1024, 16384, 131072};
	for (int i = 1; i < argc; ++i) {
		if (!std::strcmp(argv[i], "--ours") && i + 1 < argc)
			ours = argv[++i];
		else if (!std::strcmp(argv[i], "--reference") && i + 1 < argc)
			ref = argv[++i];
		else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) {
			ns.clear();
			for (char *tok = std::strtok(argv[++i], ","); tok; tok = std::strtok(nullptr, ","))
				ns.push_back(std::strtoull(tok, nullptr, 10));
		} else {
			std::fprintf(stderr, "usage: %s [--ours LIB] [--reference LIB] [--n 16,1024,...]\n", argv[0]);
			return 1;
		}
	}

	// A sparse 1 GiB tmpfs file: never touched, so it costs no memory.
	char path[] = "/dev/shm/vmres-bench-XXXXXX";
	const int fd = ::mkstemp(path);
	if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(kFileSize)) != 0)
		die("%s", "cannot create the source file in /dev/shm");
	::unlink(path);

	std::printf("ours      : %s\nreference : %s\n", ours, ref);
	std::printf("times in ns per operation (median of %d samples); ratio = reference / ours (>1: ours faster)\n\n",
		    kSamples);
	std::printf("%-20s %8s %12s %12s %8s\n", "op", "N", "ours", "reference", "ratio");
	std::vector<std::size_t> cells = {0};
	cells.insert(cells.end(), ns.begin(), ns.end());
	for (std::size_t n : cells) {
		std::string st_ours, st_ref;
		auto a = run_cell(ours, fd, n, st_ours);
		auto b = run_cell(ref, fd, n, st_ref);
		for (const Row &ra : a) {
			const Row *rb = nullptr;
			for (const Row &x : b)
				if (!std::strcmp(x.op, ra.op))
					rb = &x;
			if (rb != nullptr)
				std::printf("%-20s %8zu %12.1f %12.1f %7.2fx\n", ra.op, n, ra.value, rb->value,
					    rb->value / ra.value);
			else
				std::printf("%-20s %8zu %12.1f %12s %8s\n", ra.op, n, ra.value, "-", "-");
		}
		if (st_ours != "ok")
			std::printf("  ours N=%zu: %s\n", n, st_ours.c_str());
		if (st_ref != "ok")
			std::printf("  reference N=%zu: %s\n", n, st_ref.c_str());
		std::fflush(stdout);
	}
	::close(fd);
	return 0;
}
