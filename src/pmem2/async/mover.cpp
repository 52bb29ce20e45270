// SPDX-License-Identifier: BSD-3-Clause
// mover.cpp -- the default synchronous data mover of a map.
//
// Movers live in a process-wide pool of slots that is never given back: a future may
// hold a mover's struct vdm pointer long after its map was deleted, so the memory
// behind it must stay valid. A slot is reused by a later map; each use of a slot
// is one generation, and every operation carries the generation it was made in
// (op_new's opaque result encodes slot index and generation). An operation whose
// generation is no longer the slot's belongs to a deleted map: it touches nothing
// and completes with VDM_ERROR_JOB_CORRUPTED.
//
// The per-operation path has no locked read-modify-write instruction: after a
// non-temporal copy, one would wait for the write-combining buffers to drain
// (measured: +300 ns on a 4 KiB copy on Zen 5).
#include "pmem2/async/mover.hpp"

#include <atomic>
#include <mutex>
#include <new>

#include <libpmem2/base.h>

#include "common/errormsg.hpp"
#include "common/immortal.hpp"

namespace pmem2::async {

class DefaultMover {
public:
	abi::Vdm vdm_; // first: the struct vdm pointer is the slot's address
	std::uint32_t index_ = 0;
	std::uint32_t next_free_ = 0; // free list link (index + 1; 0 ends it), under the pool's lock
	std::atomic<std::uint32_t> generation_{0};
	std::atomic<const persist::GranularityOps *> ops_{nullptr};
	std::atomic<bool> byte_{false};

	DefaultMover() noexcept
	{
		vdm_.op_new = &op_new;
		vdm_.op_delete = &op_delete;
		vdm_.op_start = &op_start;
		vdm_.op_check = &op_check;
		vdm_.capabilities = static_cast<unsigned>(abi::kVdmMemDurable);
		vdm_.has_property = nullptr; // operations report no property
	}

	// op_new's opaque result: slot index + 1 (never NULL) and generation. On
	// ILP32 targets the generation has 12 bits (a slot reused 4096 times while a
	// future of its first map is still pending would be mistaken for live).
	static constexpr unsigned kIndexBits = sizeof(void *) == 8 ? 32 : 20;
	static constexpr std::uintptr_t kIndexMask = (std::uintptr_t{1} << kIndexBits) - 1;
	static constexpr std::uintptr_t kGenerationMask = sizeof(void *) == 8 ? 0xffffffffU : 0xfffU;

	static void *encode(std::uint32_t index, std::uint32_t generation) noexcept
	{
		const std::uintptr_t g = generation & kGenerationMask;
		return reinterpret_cast<void *>((g << kIndexBits) | (std::uintptr_t{index} + 1));
	}
	struct Ticket {
		DefaultMover *slot;
		bool live; // the slot still serves the map the operation was made for
	};
	static Ticket decode(void *data) noexcept;

private:
	static void *op_new(abi::Vdm *v, abi::OperationType) noexcept
	{
		static_assert(std::is_standard_layout_v<DefaultMover>);
		auto *m = reinterpret_cast<DefaultMover *>(v);
		return encode(m->index_, m->generation_.load(std::memory_order_acquire));
	}

	// The whole operation runs here; op_check then always reports completion.
	static int op_start(void *data, const abi::Operation *operation, abi::Notifier *n) noexcept
	{
		if (n != nullptr)
			n->notifier_used = abi::kNotifierNone;
		const Ticket t = decode(data);
		if (!t.live) {
			common::set_last_error("the map of this asynchronous operation was deleted");
			return 0; // op_delete reports it
		}
		const persist::GranularityOps &ops = *t.slot->ops_.load(std::memory_order_relaxed);
		switch (operation->type) {
		case abi::kMemcpy:
		case abi::kMemmove: {
			const abi::OperationMemcpy &c = operation->data.memcpy;
			ops.memmove(c.dest, c.src, c.n, t.slot->store_flags(c.flags));
			break;
		}
		case abi::kMemset: {
			const abi::OperationMemset &s = operation->data.memset;
			ops.memset(s.str, s.c, s.n, t.slot->store_flags(s.flags));
			break;
		}
		case abi::kFlush: {
			const abi::OperationFlush &f = operation->data.flush;
			ops.persist(f.dest, f.n);
			break;
		}
		default:
			break; // op_delete reports it
		}
		return 0;
	}

	static abi::FutureState op_check(void *, const abi::Operation *) noexcept { return abi::kComplete; }

	// A map is only ever live -> deleted: an operation that finds its map deleted
	// here either did not run or ran on memory whose persist step can no longer
	// happen; both are reported as VDM_ERROR_JOB_CORRUPTED.
	static void op_delete(void *data, const abi::Operation *operation, abi::OperationOutput *out) noexcept
	{
		const bool known = operation->type == abi::kMemcpy || operation->type == abi::kMemmove ||
			operation->type == abi::kMemset || operation->type == abi::kFlush;
		if (!known)
			common::set_last_error("unknown data mover operation type");
		out->type = operation->type;
		out->result = known && decode(data).live ? abi::kSuccess : abi::kJobCorrupted;
		switch (operation->type) {
		case abi::kMemcpy:
		case abi::kMemmove:
			out->output.dest = operation->data.memcpy.dest;
			break;
		case abi::kMemset:
			out->output.dest = operation->data.memset.str;
			break;
		default:
			out->output.unused = 0;
			break;
		}
	}

	// DURABLE: non-temporal stores, fenced. Otherwise the future's persist step
	// follows, so the copy skips its own flushing; except at BYTE granularity, where
	// no persist step follows and the map's plain copy (stores, then SFENCE) is what
	// makes the data persistent.
	unsigned store_flags(std::uint64_t vdm_flags) const noexcept
	{
		if ((vdm_flags & abi::kVdmMemDurable) != 0)
			return PMEM2_F_MEM_NONTEMPORAL;
		return byte_.load(std::memory_order_relaxed) ? 0U : PMEM2_F_MEM_NOFLUSH;
	}
};

namespace {

// Slots in fixed chunks found without a lock: chunk pointers are published once.
// The first chunk is static storage, so a process with at most kChunk maps alive
// at once leaves no heap block behind; further chunks are heap blocks kept for
// the life of the process. The free list runs through the slots themselves.
class Pool {
public:
	static constexpr std::size_t kChunk = 1024;
	static constexpr std::size_t kChunks = 4096; // at most 4 Mi maps alive at once

	Pool() noexcept
	{
		number(first_, 0);
		chunks_[0].store(first_, std::memory_order_release);
	}

	DefaultMover *slot(std::uint32_t index) const noexcept
	{
		if (index >= kChunk * kChunks)
			return nullptr;
		DefaultMover *chunk = chunks_[index / kChunk].load(std::memory_order_acquire);
		return chunk != nullptr ? &chunk[index % kChunk] : nullptr;
	}

	// A free slot for a new map. Throws std::bad_alloc.
	DefaultMover *take()
	{
		std::lock_guard guard(lock_);
		if (free_head_ != 0) {
			DefaultMover *m = slot(free_head_ - 1);
			free_head_ = m->next_free_;
			return m;
		}
		if (next_ >= kChunk * kChunks)
			throw std::bad_alloc();
		const auto i = static_cast<std::uint32_t>(next_);
		if (i % kChunk == 0 && i != 0) {
			auto *chunk = new DefaultMover[kChunk];
			number(chunk, i);
			chunks_[i / kChunk].store(chunk, std::memory_order_release);
		}
		++next_;
		return slot(i);
	}

	// Ends the slot's generation (its operations become stale) and frees it.
	void give(DefaultMover *m) noexcept
	{
		m->generation_.fetch_add(1, std::memory_order_acq_rel);
		std::lock_guard guard(lock_);
		m->next_free_ = free_head_;
		free_head_ = m->index_ + 1;
	}

private:
	static void number(DefaultMover *chunk, std::uint32_t first) noexcept
	{
		for (std::size_t k = 0; k < kChunk; ++k)
			chunk[k].index_ = static_cast<std::uint32_t>(first + k);
	}

	DefaultMover first_[kChunk];
	std::atomic<DefaultMover *> chunks_[kChunks] = {};
	std::mutex lock_;
	std::uint32_t free_head_ = 0; // index + 1 of the first free slot; 0: none
	std::size_t next_ = 0;        // slots ever handed out
};

// Constructed on first use in static storage and never destroyed: futures may
// outlive every map, and other libraries' destructors may still delete maps.
Pool &pool()
{
	static common::Immortal<Pool> p;
	return p.get();
}

} // namespace

DefaultMover::Ticket DefaultMover::decode(void *data) noexcept
{
	const auto bits = reinterpret_cast<std::uintptr_t>(data);
	const auto index = static_cast<std::uint32_t>((bits & kIndexMask) - 1);
	const auto generation = static_cast<std::uint32_t>(bits >> kIndexBits);
	DefaultMover *m = pool().slot(index);
	const bool live = m != nullptr &&
		(m->generation_.load(std::memory_order_acquire) & kGenerationMask) == generation;
	return {m, live};
}

void DetachMover::operator()(DefaultMover *m) const noexcept { pool().give(m); }

MoverOwner new_default_mover(const persist::GranularityOps &ops)
{
	DefaultMover *m = pool().take();
	m->ops_.store(&ops, std::memory_order_relaxed);
	m->byte_.store(false, std::memory_order_relaxed);
	return MoverOwner(m);
}

abi::Vdm *vdm_of(DefaultMover &m) noexcept { return &m.vdm_; }

void retarget(DefaultMover &m, const persist::GranularityOps &ops, Granularity g) noexcept
{
	m.ops_.store(&ops, std::memory_order_relaxed);
	m.byte_.store(g == Granularity::Byte, std::memory_order_relaxed);
}

} // namespace pmem2::async
