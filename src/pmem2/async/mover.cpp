// SPDX-License-Identifier: BSD-3-Clause
// mover.cpp -- the default synchronous data mover of a map.
#include "pmem2/async/mover.hpp"

#include <atomic>

#include <libpmem2/base.h>

#include "common/errormsg.hpp"

namespace pmem2::async {

class DefaultMover {
public:
	explicit DefaultMover(const persist::GranularityOps &ops) noexcept : ops_(&ops)
	{
		vdm_.op_new = &op_new;
		vdm_.op_delete = &op_delete;
		vdm_.op_start = &op_start;
		vdm_.op_check = &op_check;
		vdm_.capabilities = static_cast<unsigned>(abi::kVdmMemDurable);
		vdm_.has_property = nullptr; // operations report no property
	}

	abi::Vdm *vdm() noexcept { return &vdm_; }
	void retarget(const persist::GranularityOps &ops, Granularity g) noexcept
	{
		ops_ = &ops;
		byte_ = g == Granularity::Byte;
	}
	void detach() noexcept
	{
		map_alive_.store(false, std::memory_order_release);
		unref();
	}

private:
	// An operation needs no state of its own: the operation is described by the
	// future's data and runs entirely inside op_start. So op_new hands out the
	// mover itself, holding one reference per operation in flight, and op_delete
	// gives it back: no allocation per future.
	static DefaultMover *from(abi::Vdm *v) noexcept
	{
		static_assert(std::is_standard_layout_v<DefaultMover>);
		return reinterpret_cast<DefaultMover *>(v); // vdm_ is the first member
	}

	void ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
	void unref() noexcept
	{
		if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
			delete this;
	}

	static void *op_new(abi::Vdm *v, abi::OperationType) noexcept
	{
		DefaultMover *m = from(v);
		m->ref();
		return m;
	}

	bool map_alive() const noexcept { return map_alive_.load(std::memory_order_acquire); }

	// The whole operation runs here; op_check then always reports completion.
	static int op_start(void *data, const abi::Operation *operation, abi::Notifier *n) noexcept
	{
		if (n != nullptr)
			n->notifier_used = abi::kNotifierNone;
		const DefaultMover &m = *static_cast<DefaultMover *>(data);
		if (!m.map_alive()) {
			common::set_last_error("the map of this asynchronous operation was deleted");
			return 0; // op_delete reports it
		}
		const persist::GranularityOps &ops = *m.ops_;
		switch (operation->type) {
		case abi::kMemcpy:
		case abi::kMemmove: {
			const abi::OperationMemcpy &c = operation->data.memcpy;
			ops.memmove(c.dest, c.src, c.n, m.store_flags(c.flags));
			break;
		}
		case abi::kMemset: {
			const abi::OperationMemset &s = operation->data.memset;
			ops.memset(s.str, s.c, s.n, m.store_flags(s.flags));
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

	// The map is only ever alive -> deleted: an operation that finds it deleted here
	// either did not run or ran on memory whose persist step can no longer happen;
	// both are reported as VDM_ERROR_JOB_CORRUPTED.
	static void op_delete(void *data, const abi::Operation *operation, abi::OperationOutput *out) noexcept
	{
		DefaultMover *m = static_cast<DefaultMover *>(data);
		const bool known = operation->type == abi::kMemcpy || operation->type == abi::kMemmove ||
			operation->type == abi::kMemset || operation->type == abi::kFlush;
		if (!known)
			common::set_last_error("unknown data mover operation type");
		out->type = operation->type;
		out->result = known && m->map_alive() ? abi::kSuccess : abi::kJobCorrupted;
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
		m->unref();
	}

	// DURABLE: non-temporal stores, fenced. Otherwise the future's persist step
	// follows, so the copy skips its own flushing; except at BYTE granularity, where
	// no persist step follows and the map's plain copy (stores, then SFENCE) is what
	// makes the data persistent.
	unsigned store_flags(std::uint64_t vdm_flags) const noexcept
	{
		if ((vdm_flags & abi::kVdmMemDurable) != 0)
			return PMEM2_F_MEM_NONTEMPORAL;
		return byte_ ? 0U : PMEM2_F_MEM_NOFLUSH;
	}

	abi::Vdm vdm_; // first: the struct vdm pointer is the mover's address
	const persist::GranularityOps *ops_;
	bool byte_ = false;
	std::atomic<bool> map_alive_{true};
	std::atomic<std::size_t> refs_{1}; // the map's reference plus one per operation
};

void DetachMover::operator()(DefaultMover *m) const noexcept { m->detach(); }

MoverOwner new_default_mover(const persist::GranularityOps &ops) { return MoverOwner(new DefaultMover(ops)); }

abi::Vdm *vdm_of(DefaultMover &m) noexcept { return m.vdm(); }

void retarget(DefaultMover &m, const persist::GranularityOps &ops, Granularity g) noexcept
{
	m.retarget(ops, g);
}

} // namespace pmem2::async
