// SPDX-License-Identifier: BSD-3-Clause
// select.hpp -- how the data path of the CPUs without a folder of their own
// (riscv64, loongarch64, ...) is chosen, as pure functions for tests on any host.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmem2::arch::generic {

enum class Clean {
	CboClean, // RISC-V Zicbom cbo.clean, found at run time
	None,     // no user-mode cache clean: CACHE_LINE persistence relies on the platform
};

struct Choice {
	Clean clean = Clean::None;
	std::size_t line = 64; // bytes; informational for Clean::None
};

// What the kernel reports about a user-mode cache-block clean. RISC-V: the
// riscv_hwprobe syscall (Linux 6.15+: key RISCV_HWPROBE_KEY_IMA_EXT_0 bit 55 =
// Zicbom, key RISCV_HWPROBE_KEY_ZICBOM_BLOCK_SIZE = its block size). Elsewhere, and
// on kernels without the keys: nothing.
struct CleanProbe {
	bool available = false;
	std::uint64_t block_size = 0;
};

constexpr Choice decide(const CleanProbe &p) noexcept
{
	Choice c;
	const std::uint64_t b = p.block_size;
	if (p.available && b >= 16 && b <= 4096 && (b & (b - 1)) == 0) {
		c.clean = Clean::CboClean;
		c.line = static_cast<std::size_t>(b);
	}
	return c;
}

constexpr const char *kNoCleanNote =
	"this CPU has no user-mode cache clean the library can use: CACHE_LINE persistence "
	"relies on the platform (caches in the persistence domain, or flushed by it on power "
	"failure); flush is a compiler and memory barrier only, as in the reference";

constexpr const char *kCboNote =
	"cbo.clean writes lines back to memory; whether that is the persistence domain depends "
	"on the platform";

} // namespace pmem2::arch::generic
