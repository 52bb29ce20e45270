// SPDX-License-Identifier: BSD-3-Clause
// future.cpp -- the chain, vdm-operation and persist tasks of struct pmem2_future.
// They follow miniasync 0.2's protocol, so a caller may poll our futures with its
// inline future_poll, inspect their state, or edit the chain entries (map
// functions, lazy init) exactly as with a chain it built itself.
#include "pmem2/async/future.hpp"

#include <cstring>

#include "common/errormsg.hpp"
#include "pmem2/map/registry.hpp"

namespace pmem2::async {

namespace {

constexpr std::size_t align_to_pointer(std::size_t n) noexcept
{
	return (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
}

// Polls one future the way future_poll does: a complete future is not run again.
abi::FutureState poll(abi::Future &f, abi::Notifier *notifier) noexcept
{
	if (f.context.state != abi::kComplete)
		f.context.state = f.task(&f.context, notifier);
	return f.context.state;
}

// Runs an entry's pending lazy initialiser once.
void initialise(abi::ChainEntry &e, abi::FutureContext *chain) noexcept
{
	if (e.head.init != nullptr) {
		e.head.init(&e.future, chain, e.head.init_arg);
		e.head.init = nullptr;
	}
}

// Walks a chain's entries, which lie back to back in its data, each taking its
// header plus its future's data and output, rounded up to a pointer. The walk ends
// after an entry flagged last or at the end of the chain's data.
class ChainCursor {
public:
	explicit ChainCursor(abi::FutureContext *chain) noexcept
	    : chain_(chain), base_(static_cast<std::uint8_t *>(chain->data())),
	      entry_(reinterpret_cast<abi::ChainEntry *>(base_))
	{
	}
	abi::ChainEntry *entry() const noexcept { return entry_; }
	// Initialises the current entry (its sizes are read next), then finds its successor.
	abi::ChainEntry *successor() noexcept
	{
		initialise(*entry_, chain_);
		used_ += align_to_pointer(sizeof(abi::ChainEntry) + entry_->future.context.data_size +
					  entry_->future.context.output_size);
		if ((entry_->head.flags & abi::kEntryLast) != 0 || used_ == chain_->data_size)
			return nullptr;
		return reinterpret_cast<abi::ChainEntry *>(base_ + used_);
	}
	void advance(abi::ChainEntry *next) noexcept { entry_ = next; }

private:
	abi::FutureContext *chain_;
	std::uint8_t *base_;
	abi::ChainEntry *entry_;
	std::size_t used_ = 0;
};

void init_future(abi::Future &f, abi::TaskFn task, std::size_t data_size, std::size_t output_size) noexcept
{
	f.task = task;
	f.has_property = &no_property;
	f.context.data_size = data_size;
	f.context.output_size = output_size;
	f.context.state = abi::kIdle;
	f.context.padding = 0;
}

abi::Pmem2Future blank_future(const Request &req, map::Map *map) noexcept
{
	abi::Pmem2Future f;
	std::memset(&f, 0, sizeof(f));
	init_future(f.base, &chain_task, sizeof(f.data), sizeof(f.output));
	f.base.has_property = &chain_has_property;

	abi::Operation &op = f.data.op.data.operation;
	op.type = req.type;
	if (req.type == abi::kMemset) {
		op.data.memset.str = req.dest;
		op.data.memset.c = req.c;
		op.data.memset.n = req.len;
	} else {
		op.data.memcpy.dest = req.dest;
		op.data.memcpy.src = const_cast<void *>(req.src);
		op.data.memcpy.n = req.len;
	}
	f.data.op.output.type = req.type;
	f.data.op.output.result = abi::kSuccess;

	f.data.fin_head.flags = abi::kEntryLast;
	abi::PersistFuture &p = f.data.fin.persist;
	init_future(p.base, &persist_task, sizeof(p.data), sizeof(p.output));
	p.data.map = map;
	p.data.ptr = req.dest;
	p.data.size = req.len;
	return f;
}

} // namespace

abi::Pmem2Future make_future(map::Map *map, Granularity g, abi::Vdm *vdm, const Request &req) noexcept
{
	abi::Pmem2Future f = blank_future(req, map);
	abi::OperationFuture &op = f.data.op;
	// PMDK 1.x tests the capability with miniasync's vdm_is_supported, which is
	// true for any non-zero capabilities; here the DURABLE bit itself must be set,
	// so a mover that cannot make its stores durable is always followed by a persist.
	const bool durable_mover = (vdm->capabilities & abi::kVdmMemDurable) != 0;
	const bool persist_in_operation = g == Granularity::Byte || (g == Granularity::CacheLine && durable_mover);
	if (persist_in_operation) {
		f.data.op_head.flags = abi::kEntryLast;
		f.data.fin.persist.data.ptr = nullptr;
		if (g == Granularity::CacheLine) {
			if (req.type == abi::kMemset)
				op.data.operation.data.memset.flags = abi::kVdmMemDurable;
			else
				op.data.operation.data.memcpy.flags = abi::kVdmMemDurable;
		}
	}
	op.data.vdm = vdm;
	op.data.op = vdm->op_new(vdm, req.type);
	if (op.data.op == nullptr) {
		// As miniasync does for a mover that cannot start an operation: the entry
		// is complete before it ran, with no task, and reports the failure.
		op.output.result = abi::kOutOfMemory;
		init_future(op.base, nullptr, sizeof(op.data), sizeof(op.output));
		op.base.has_property = nullptr;
		op.base.context.state = abi::kComplete;
	} else {
		init_future(op.base, &operation_task, sizeof(op.data), sizeof(op.output));
	}
	if (vdm->has_property != nullptr)
		op.base.has_property = vdm->has_property;
	f.output.dest = req.dest;
	return f;
}

abi::Pmem2Future failed_future(const Request &req) noexcept
{
	abi::Pmem2Future f = blank_future(req, nullptr);
	f.base.context.state = abi::kComplete;
	abi::OperationFuture &op = f.data.op;
	init_future(op.base, nullptr, sizeof(op.data), sizeof(op.output));
	op.base.context.state = abi::kComplete;
	op.output.result = abi::kJobCorrupted;
	f.data.op_head.flags = abi::kEntryProcessed;
	f.data.fin.persist.base.context.state = abi::kComplete;
	f.data.fin_head.flags = abi::kEntryLast | abi::kEntryProcessed;
	f.output.dest = nullptr;
	return f;
}

abi::FutureState chain_task(abi::FutureContext *ctx, abi::Notifier *notifier) noexcept
{
	// Polls the first entry not yet processed; on its completion maps its result
	// onto the next entry (initialising that one first) or, for the last, onto the
	// chain, marks it processed and goes on. The chain completes with its last entry.
	ChainCursor cur(ctx);
	for (abi::ChainEntry *e = cur.entry(); e != nullptr;) {
		abi::ChainEntry *next = cur.successor();
		if ((e->head.flags & abi::kEntryProcessed) == 0) {
			if (poll(e->future, notifier) != abi::kComplete)
				return abi::kRunning;
			if (e->head.map != nullptr) {
				if (next != nullptr)
					initialise(*next, ctx);
				e->head.map(&e->future.context, next != nullptr ? &next->future.context : ctx,
					    e->head.map_arg);
			}
			e->head.flags |= abi::kEntryProcessed;
		}
		cur.advance(next);
		e = next;
	}
	return abi::kComplete;
}

int chain_has_property(void *future, abi::FutureProperty property) noexcept
{
	// The property of the entry that runs next; -1 once every entry is processed.
	ChainCursor cur(&static_cast<abi::Future *>(future)->context);
	for (abi::ChainEntry *e = cur.entry(); e != nullptr;) {
		abi::ChainEntry *next = cur.successor();
		if ((e->head.flags & abi::kEntryProcessed) == 0)
			return e->future.has_property(&e->future, property) ? 1 : 0;
		cur.advance(next);
		e = next;
	}
	return -1;
}

abi::FutureState operation_task(abi::FutureContext *ctx, abi::Notifier *notifier) noexcept
{
	// IDLE: start the operation (a mover that refuses leaves it IDLE, to be
	// started by a later poll); then ask the mover; on completion the mover writes
	// the output and frees its per-operation state.
	auto *data = static_cast<abi::OperationData *>(ctx->data());
	abi::Vdm *vdm = data->vdm;
	if (ctx->state == abi::kIdle && vdm->op_start(data->op, &data->operation, notifier) != 0)
		return abi::kIdle;
	const abi::FutureState state = vdm->op_check(data->op, &data->operation);
	if (state == abi::kComplete)
		vdm->op_delete(data->op, &data->operation, static_cast<abi::OperationOutput *>(ctx->output()));
	return state;
}

abi::FutureState persist_task(abi::FutureContext *ctx, abi::Notifier *notifier) noexcept
{
	if (notifier != nullptr)
		notifier->notifier_used = abi::kNotifierNone;
	auto *data = static_cast<decltype(abi::PersistFuture::data) *>(ctx->data());
	// The map may have been deleted since the future was made: persist through it
	// only while it is registered.
	const persist::GranularityOps *ops =
		map::registry::live_ops(data->map, reinterpret_cast<std::uintptr_t>(data->ptr));
	if (ops == nullptr) {
		common::set_last_error("the map of this asynchronous operation was deleted: nothing persisted");
		return abi::kComplete;
	}
	ops->persist(data->ptr, data->size);
	return abi::kComplete;
}

int no_property(void *, abi::FutureProperty) noexcept { return 0; }

} // namespace pmem2::async
