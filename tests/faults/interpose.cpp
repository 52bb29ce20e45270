// SPDX-License-Identifier: BSD-3-Clause
// interpose.cpp -- definitions that take precedence over libc's for every library
// loaded by the test (the executable's symbols come first), forwarding to libc.
#include "interpose.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);
void *__libc_memalign(size_t, size_t);
}

namespace faults {

namespace {

thread_local bool t_armed = false;
thread_local bool t_inside = false; // our own bookkeeping never counts
thread_local Kind t_kind = Kind::Count;
thread_local long t_count = 0;
thread_local long t_fail_at = 0;
thread_local int t_err = 0;
thread_local bool t_fired = false;
thread_local bool t_drop_hints = false;

// Blocks allocated while armed: a small open-addressing set per thread.
constexpr std::size_t kSlots = 1 << 14;
thread_local std::uintptr_t t_live[kSlots];
thread_local std::size_t t_live_count = 0;

std::size_t slot_of(std::uintptr_t p) { return (p >> 4) * 0x9E3779B97F4A7C15ull >> 50; }

void track(void *p)
{
	if (p == nullptr || t_live_count >= kSlots / 2)
		return;
	auto v = reinterpret_cast<std::uintptr_t>(p);
	for (std::size_t i = slot_of(v);; i = (i + 1) % kSlots)
		if (t_live[i] == 0 || t_live[i] == 1) {
			t_live[i] = v;
			++t_live_count;
			return;
		}
}

void untrack(void *p)
{
	if (p == nullptr || t_live_count == 0)
		return;
	auto v = reinterpret_cast<std::uintptr_t>(p);
	for (std::size_t i = slot_of(v); t_live[i] != 0; i = (i + 1) % kSlots)
		if (t_live[i] == v) {
			t_live[i] = 1; // tombstone
			--t_live_count;
			return;
		}
}

// True when `caller` is code of libpmem2 or libpmemset (their statically linked
// libstdc++ included): only the libraries' own calls are counted and failed, not
// those of the test or of third-party libraries such as libndctl.
bool from_library(const void *caller)
{
	Dl_info info;
	if (dladdr(caller, &info) == 0 || info.dli_fname == nullptr)
		return false;
	return std::strstr(info.dli_fname, "libpmem2.so") != nullptr ||
		std::strstr(info.dli_fname, "libpmemset.so") != nullptr;
}

// True when this call must fail.
bool inject(Kind k, const void *caller)
{
	if (!t_armed || t_inside || k != t_kind || !from_library(caller))
		return false;
	if (++t_count != t_fail_at)
		return false;
	t_fired = true;
	if (std::getenv("FAULTS_BACKTRACE") != nullptr) { // where the failure lands, for debugging
		t_inside = true;
		void *frames[32];
		backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
		t_inside = false;
	}
	return true;
}

template <class F> F real(const char *sym)
{
	return reinterpret_cast<F>(dlsym(RTLD_NEXT, sym));
}

} // namespace

const char *name(Kind k)
{
	static const char *names[] = {"alloc", "mmap", "munmap", "mremap", "open", "fstat", "ftruncate",
				      "fallocate", "msync", "ioctl", "realpath", "read"};
	return names[static_cast<int>(k)];
}

void arm(Kind kind, long fail_at, int err)
{
	t_kind = kind;
	t_count = 0;
	t_fail_at = fail_at;
	t_err = err;
	t_fired = false;
	for (auto &s : t_live)
		s = 0;
	t_live_count = 0;
	t_armed = true;
}

long disarm()
{
	t_armed = false;
	return t_count;
}

bool fired() { return t_fired; }
void drop_hints(bool on) { t_drop_hints = on; }
std::size_t live_blocks() { return t_live_count; }

} // namespace faults

using faults::inject;
using faults::Kind;

// The project builds with hidden visibility: these must be seen by the libraries.
#pragma GCC visibility push(default)
extern "C" {

// One allocation of the malloc family: fails when the injector says so, else
// runs `allocate` and records the block if the libraries asked for it.
#define PMEM2_ALLOCATION(allocate)                                                \
	do {                                                                      \
		const void *caller = __builtin_return_address(0);                 \
		if (inject(Kind::Alloc, caller))                                  \
			return errno = ENOMEM, nullptr;                           \
		void *p = (allocate);                                             \
		if (faults::t_armed && faults::from_library(caller))              \
			faults::track(p);                                         \
		return p;                                                         \
	} while (0)

void *malloc(size_t n) { PMEM2_ALLOCATION(__libc_malloc(n)); }
void *calloc(size_t a, size_t b) { PMEM2_ALLOCATION(__libc_calloc(a, b)); }
void *memalign(size_t a, size_t n) { PMEM2_ALLOCATION(__libc_memalign(a, n)); }
void *aligned_alloc(size_t a, size_t n) { PMEM2_ALLOCATION(__libc_memalign(a, n)); }

void *realloc(void *old, size_t n)
{
	if (inject(Kind::Alloc, __builtin_return_address(0)))
		return errno = ENOMEM, nullptr;
	void *p = __libc_realloc(old, n);
	if (p != nullptr && faults::t_armed) {
		faults::untrack(old);
		if (faults::from_library(__builtin_return_address(0)))
			faults::track(p);
	}
	return p;
}

void free(void *p)
{
	faults::untrack(p);
	__libc_free(p);
}

int posix_memalign(void **out, size_t a, size_t n)
{
	if (inject(Kind::Alloc, __builtin_return_address(0)))
		return ENOMEM;
	void *p = __libc_memalign(a, n);
	if (p == nullptr)
		return ENOMEM;
	if (faults::t_armed && faults::from_library(__builtin_return_address(0)))
		faults::track(p);
	*out = p;
	return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (inject(Kind::Mmap, __builtin_return_address(0)))
		return errno = faults::t_err, MAP_FAILED;
	static auto fn = faults::real<void *(*)(void *, size_t, int, int, int, off_t)>("mmap");
	if (faults::t_drop_hints && addr != nullptr && !(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    faults::from_library(__builtin_return_address(0)))
		addr = nullptr;
	return fn(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	if (inject(Kind::Munmap, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(void *, size_t)>("munmap");
	return fn(addr, len);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	void *to = (flags & MREMAP_FIXED) ? va_arg(ap, void *) : nullptr;
	va_end(ap);
	if (inject(Kind::Mremap, __builtin_return_address(0)))
		return errno = faults::t_err, MAP_FAILED;
	static auto fn = faults::real<void *(*)(void *, size_t, size_t, int, ...)>("mremap");
	return fn(old, old_len, new_len, flags, to);
}

#define PMEM2_OPEN_LIKE(fname)                                                        \
	int fname(const char *path, int flags, ...)                                   \
	{                                                                             \
		mode_t mode = 0;                                                      \
		if (flags & (O_CREAT | O_TMPFILE)) {                                  \
			va_list ap;                                                   \
			va_start(ap, flags);                                          \
			mode = va_arg(ap, mode_t);                                    \
			va_end(ap);                                                   \
		}                                                                     \
		if (inject(Kind::Open, __builtin_return_address(0)))                                               \
			return errno = faults::t_err, -1;                             \
		static auto fn = faults::real<int (*)(const char *, int, ...)>(#fname); \
		return fn(path, flags, mode);                                         \
	}
PMEM2_OPEN_LIKE(open)
PMEM2_OPEN_LIKE(open64)

int openat(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (inject(Kind::Open, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(int, const char *, int, ...)>("openat");
	return fn(dir, path, flags, mode);
}

int fstat(int fd, struct stat *st)
{
	if (inject(Kind::Fstat, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(int, struct stat *)>("fstat");
	return fn(fd, st);
}

int ftruncate(int fd, off_t len)
{
	if (inject(Kind::Ftruncate, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(int, off_t)>("ftruncate");
	return fn(fd, len);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	if (inject(Kind::Fallocate, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(int, int, off_t, off_t)>("fallocate");
	return fn(fd, mode, off, len);
}

int msync(void *addr, size_t len, int flags)
{
	if (inject(Kind::Msync, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(void *, size_t, int)>("msync");
	return fn(addr, len, flags);
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (inject(Kind::Ioctl, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<int (*)(int, unsigned long, ...)>("ioctl");
	return fn(fd, req, arg);
}

char *realpath(const char *path, char *resolved)
{
	if (inject(Kind::Realpath, __builtin_return_address(0)))
		return errno = faults::t_err, nullptr;
	static auto fn = faults::real<char *(*)(const char *, char *)>("realpath");
	return fn(path, resolved);
}

ssize_t read(int fd, void *buf, size_t n)
{
	if (inject(Kind::Read, __builtin_return_address(0)))
		return errno = faults::t_err, -1;
	static auto fn = faults::real<ssize_t (*)(int, void *, size_t)>("read");
	return fn(fd, buf, n);
}

} // extern "C"
#pragma GCC visibility pop
