// SPDX-License-Identifier: BSD-3-Clause
// sigbus_guard.cpp -- the SIGBUS handler behind machine-check-safe I/O.
#include "pmem2/ras/sigbus_guard.hpp"

#include <cerrno>
#include <csetjmp>
#include <csignal>
#include <mutex>

namespace pmem2::ras {

namespace {

// One armed copy on one thread: where to jump back and the range it covers.
struct Armed {
	sigjmp_buf env;
	std::uintptr_t lo;
	std::uintptr_t hi;
	volatile std::uintptr_t fault;
};

// The calling thread's armed copy (nullptr when none). Touched in normal context
// before the handler can read it, so its TLS block already exists then.
thread_local Armed *volatile t_armed = nullptr;

// Installation state, guarded by g_install_lock. `g_previous` is written only while
// no thread is inside a guarded copy, before our handler is installed, and is read by
// the handler only while it is installed, so the handler never needs the lock.
std::mutex g_install_lock;
unsigned g_users = 0;
struct sigaction g_previous;

void pass_on(int sig, siginfo_t *info, void *uctx)
{
	const struct sigaction &prev = g_previous;
	if (prev.sa_flags & SA_SIGINFO) {
		prev.sa_sigaction(sig, info, uctx);
		return;
	}
	const bool from_fault = info != nullptr && info->si_code > 0;
	if (prev.sa_handler == SIG_IGN && !from_fault)
		return; // a SIGBUS sent by kill() is simply ignored
	// A fault cannot be ignored: returning would re-run the faulting access forever,
	// so an ignored fault SIGBUS ends the process as the kernel would end it.
	if (prev.sa_handler == SIG_DFL || prev.sa_handler == SIG_IGN) {
		// Default action: terminate with SIGBUS as if we had never been installed.
		struct sigaction dfl = {};
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		sigaction(sig, &dfl, nullptr);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
		raise(sig);
		return;
	}
	prev.sa_handler(sig);
}

void on_sigbus(int sig, siginfo_t *info, void *uctx)
{
	Armed *armed = t_armed;
	const auto addr = reinterpret_cast<std::uintptr_t>(info != nullptr ? info->si_addr : nullptr);
	if (armed != nullptr && info != nullptr && info->si_code > 0 && addr >= armed->lo && addr < armed->hi) {
		t_armed = nullptr;
		armed->fault = addr != 0 ? addr : armed->lo;
		siglongjmp(armed->env, 1);
	}
	pass_on(sig, info, uctx);
}

int install() noexcept
{
	std::lock_guard<std::mutex> lock(g_install_lock);
	if (g_users++ > 0)
		return 0;
	struct sigaction ours = {};
	ours.sa_sigaction = on_sigbus;
	ours.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&ours.sa_mask);
	if (sigaction(SIGBUS, &ours, &g_previous) != 0) {
		--g_users;
		return -errno;
	}
	return 0;
}

void uninstall() noexcept
{
	std::lock_guard<std::mutex> lock(g_install_lock);
	if (--g_users > 0)
		return;
	struct sigaction current;
	if (sigaction(SIGBUS, &g_previous, &current) != 0)
		return;
	// The application installed its own handler while we were active: keep it.
	if (!(current.sa_flags & SA_SIGINFO) || current.sa_sigaction != on_sigbus)
		sigaction(SIGBUS, &current, nullptr);
}

// Kept out of line so that no object with a destructor lives between sigsetjmp and a
// possible siglongjmp.
__attribute__((noinline)) std::uintptr_t run_armed(Armed &armed, GuardedCopy copy, void *dst, const void *src,
						  std::size_t len) noexcept
{
	armed.fault = 0;
	if (sigsetjmp(armed.env, 1) == 0) {
		t_armed = &armed;
		copy(dst, src, len);
		t_armed = nullptr;
		return 0;
	}
	return armed.fault;
}

} // namespace

std::uintptr_t run_sigbus_guarded(GuardedCopy copy, void *dst, const void *src, std::size_t len,
				  const void *lo, std::size_t range_len, int *err) noexcept
{
	*err = 0;
	t_armed = nullptr; // allocates this thread's TLS now, outside the handler
	if (int rc = install(); rc != 0) {
		*err = rc;
		return 0;
	}
	Armed armed;
	armed.lo = reinterpret_cast<std::uintptr_t>(lo);
	armed.hi = armed.lo + range_len;
	const std::uintptr_t fault = run_armed(armed, copy, dst, src, len);
	uninstall();
	return fault;
}

} // namespace pmem2::ras
