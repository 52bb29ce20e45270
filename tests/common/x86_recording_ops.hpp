// SPDX-License-Identifier: BSD-3-Clause
// x86_recording_ops.hpp -- recording policies for the x86-64 copy/flush templates
// (memops.hpp): a vector policy that performs every access with memcpy and logs
// it, and a flush policy that logs each line, so a test can check which lines were
// stored, streamed, flushed and fenced, in order. Shared by the data-path and the
// async persistence checkers.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "pmem2/arch/x86_64/memops.hpp"

namespace pmem2::test::x86_recording {

using namespace pmem2::arch::x86_64;

enum class Ev { Store, Stream, Flush, Fence, Prefetch };
struct Event {
	Ev kind;
	std::uintptr_t addr;
	std::size_t len;
};
inline std::vector<Event> g_log; // the events, in program order

inline void record(Ev k, const void *p, std::size_t n)
{
	g_log.push_back({k, reinterpret_cast<std::uintptr_t>(p), n});
}

template <std::size_t W> struct RecReg {
	unsigned char b[W];
};

// A vector policy of width W with Regs registers that performs every access with
// memcpy and logs it (Regs = 32 models AVX-512's register file).
template <std::size_t W, std::size_t Regs = 16> struct RecVec : VectorBase<RecVec<W, Regs>, RecReg<W>, W, Regs> {
	using Reg = RecReg<W>;
	static constexpr bool kLibcAllowed = false;
	static Reg load(const char *s)
	{
		Reg r;
		std::memcpy(&r, s, W);
		return r;
	}
	static void store(char *d, Reg v)
	{
		std::memcpy(d, &v, W);
		record(Ev::Store, d, W);
	}
	static void stream(char *d, Reg v)
	{
		std::memcpy(d, &v, W);
		record(Ev::Stream, d, W);
	}
	static Reg splat(unsigned char c)
	{
		Reg r;
		std::memset(&r, c, W);
		return r;
	}
	static void sfence() { record(Ev::Fence, nullptr, 0); }
	// Logged only: a prefetch changes no byte, so the log is all a checker needs.
	static void prefetch_for_write(const void *p) { record(Ev::Prefetch, p, kLine); }
	template <std::size_t K> static void put(char *d, const Chunk<K> &c)
	{
		std::memcpy(d, &c, K);
		record(Ev::Store, d, K);
	}
};

struct RecFlush {
	static constexpr bool kFlushes = true;
	static constexpr const char *kName = "recording";
	static void line(const void *p) { record(Ev::Flush, p, kLine); }
};

} // namespace pmem2::test::x86_recording
