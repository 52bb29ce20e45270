// SPDX-License-Identifier: BSD-3-Clause
// async_layout_test.cpp -- the library's own statement of miniasync's and
// pmem2_future's layout (pmem2/async/abi.hpp) against the public header compiled
// with miniasync 0.2.1's macros: every size and every member offset equal.
#define PMEM2_USE_MINIASYNC 1
#include <libpmem2.h>

#include <gtest/gtest.h>

#include <cstddef>

#include "pmem2/async/abi.hpp"

namespace {

namespace abi = pmem2::async::abi;

#define SAME_SIZE(ours, theirs) static_assert(sizeof(ours) == sizeof(theirs), #ours " vs " #theirs)
#define SAME_OFFSET(ours, om, theirs, tm) \
	static_assert(offsetof(ours, om) == offsetof(theirs, tm), #ours "." #om " vs " #theirs "." #tm)

SAME_SIZE(abi::FutureContext, future_context);
SAME_OFFSET(abi::FutureContext, data_size, future_context, data_size);
SAME_OFFSET(abi::FutureContext, output_size, future_context, output_size);
SAME_OFFSET(abi::FutureContext, state, future_context, state);
SAME_OFFSET(abi::FutureContext, padding, future_context, padding);
SAME_SIZE(abi::Future, future);
SAME_OFFSET(abi::Future, task, future, task);
SAME_OFFSET(abi::Future, has_property, future, has_property);
SAME_OFFSET(abi::Future, context, future, context);
SAME_SIZE(abi::Notifier, future_notifier);
SAME_OFFSET(abi::Notifier, waker, future_notifier, waker);
SAME_OFFSET(abi::Notifier, poller_ptr_to_monitor, future_notifier, poller);
SAME_OFFSET(abi::Notifier, notifier_used, future_notifier, notifier_used);
SAME_SIZE(abi::ChainEntry, future_chain_entry);
SAME_OFFSET(abi::ChainEntry, head.map, future_chain_entry, map);
SAME_OFFSET(abi::ChainEntry, head.map_arg, future_chain_entry, map_arg);
SAME_OFFSET(abi::ChainEntry, head.init, future_chain_entry, init);
SAME_OFFSET(abi::ChainEntry, head.init_arg, future_chain_entry, init_arg);
SAME_OFFSET(abi::ChainEntry, head.flags, future_chain_entry, flags);
SAME_OFFSET(abi::ChainEntry, future, future_chain_entry, future);
SAME_SIZE(abi::Operation, vdm_operation);
SAME_OFFSET(abi::Operation, data.memcpy.dest, vdm_operation, data.memcpy.dest);
SAME_OFFSET(abi::Operation, data.memcpy.src, vdm_operation, data.memcpy.src);
SAME_OFFSET(abi::Operation, data.memcpy.n, vdm_operation, data.memcpy.n);
SAME_OFFSET(abi::Operation, data.memcpy.flags, vdm_operation, data.memcpy.flags);
SAME_OFFSET(abi::Operation, data.memcpy.dest, vdm_operation, data.memmove.dest);
SAME_OFFSET(abi::Operation, data.memcpy.flags, vdm_operation, data.memmove.flags);
SAME_OFFSET(abi::Operation, data.memset.str, vdm_operation, data.memset.str);
SAME_OFFSET(abi::Operation, data.memset.c, vdm_operation, data.memset.c);
SAME_OFFSET(abi::Operation, data.memset.n, vdm_operation, data.memset.n);
SAME_OFFSET(abi::Operation, data.memset.flags, vdm_operation, data.memset.flags);
SAME_OFFSET(abi::Operation, data.flush.dest, vdm_operation, data.flush.dest);
SAME_OFFSET(abi::Operation, data.flush.n, vdm_operation, data.flush.n);
SAME_OFFSET(abi::Operation, data.flush.flags, vdm_operation, data.flush.flags);
SAME_OFFSET(abi::Operation, type, vdm_operation, type);
SAME_OFFSET(abi::Operation, padding, vdm_operation, padding);
SAME_SIZE(abi::OperationData, vdm_operation_data);
SAME_OFFSET(abi::OperationData, op, vdm_operation_data, data);
SAME_OFFSET(abi::OperationData, vdm, vdm_operation_data, vdm);
SAME_OFFSET(abi::OperationData, operation, vdm_operation_data, operation);
SAME_SIZE(abi::OperationOutput, vdm_operation_output);
SAME_OFFSET(abi::OperationOutput, type, vdm_operation_output, type);
SAME_OFFSET(abi::OperationOutput, result, vdm_operation_output, result);
SAME_OFFSET(abi::OperationOutput, output.dest, vdm_operation_output, output.memcpy.dest);
SAME_OFFSET(abi::OperationOutput, output.dest, vdm_operation_output, output.memset.str);
SAME_SIZE(abi::OperationFuture, vdm_operation_future);
SAME_OFFSET(abi::OperationFuture, data, vdm_operation_future, data);
SAME_OFFSET(abi::OperationFuture, output, vdm_operation_future, output);
SAME_SIZE(abi::Vdm, vdm);
SAME_OFFSET(abi::Vdm, op_new, vdm, op_new);
SAME_OFFSET(abi::Vdm, op_delete, vdm, op_delete);
SAME_OFFSET(abi::Vdm, op_start, vdm, op_start);
SAME_OFFSET(abi::Vdm, op_check, vdm, op_check);
SAME_OFFSET(abi::Vdm, capabilities, vdm, capabilities);
SAME_OFFSET(abi::Vdm, has_property, vdm, has_property);
SAME_SIZE(abi::PersistFuture, struct pmem2_persist_future);
SAME_OFFSET(abi::PersistFuture, data.map, struct pmem2_persist_future, data.map);
SAME_OFFSET(abi::PersistFuture, data.ptr, struct pmem2_persist_future, data.ptr);
SAME_OFFSET(abi::PersistFuture, data.size, struct pmem2_persist_future, data.size);
SAME_OFFSET(abi::PersistFuture, output, struct pmem2_persist_future, output);
SAME_SIZE(abi::FinalizeFuture, pmem2_finalize_future);
SAME_SIZE(abi::Pmem2Future, pmem2_future);
SAME_OFFSET(abi::Pmem2Future, data, pmem2_future, data);
SAME_OFFSET(abi::Pmem2Future, data.op_head.map, pmem2_future, data.op.map);
SAME_OFFSET(abi::Pmem2Future, data.op_head.map_arg, pmem2_future, data.op.map_arg);
SAME_OFFSET(abi::Pmem2Future, data.op_head.init, pmem2_future, data.op.init);
SAME_OFFSET(abi::Pmem2Future, data.op_head.init_arg, pmem2_future, data.op.init_arg);
SAME_OFFSET(abi::Pmem2Future, data.op_head.flags, pmem2_future, data.op.flags);
SAME_OFFSET(abi::Pmem2Future, data.op, pmem2_future, data.op.fut);
SAME_OFFSET(abi::Pmem2Future, data.fin_head.map, pmem2_future, data.fin.map);
SAME_OFFSET(abi::Pmem2Future, data.fin_head.flags, pmem2_future, data.fin.flags);
SAME_OFFSET(abi::Pmem2Future, data.fin, pmem2_future, data.fin.fut);
SAME_OFFSET(abi::Pmem2Future, output.dest, pmem2_future, output.dest);

TEST(AsyncLayout, ValuesOfTheEnumsAndFlags)
{
	EXPECT_EQ(abi::kIdle, FUTURE_STATE_IDLE);
	EXPECT_EQ(abi::kComplete, FUTURE_STATE_COMPLETE);
	EXPECT_EQ(abi::kRunning, FUTURE_STATE_RUNNING);
	EXPECT_EQ(abi::kNotifierNone, FUTURE_NOTIFIER_NONE);
	EXPECT_EQ(abi::kNotifierWaker, FUTURE_NOTIFIER_WAKER);
	EXPECT_EQ(abi::kNotifierPoller, FUTURE_NOTIFIER_POLLER);
	EXPECT_EQ(abi::kMemcpy, VDM_OPERATION_MEMCPY);
	EXPECT_EQ(abi::kMemmove, VDM_OPERATION_MEMMOVE);
	EXPECT_EQ(abi::kMemset, VDM_OPERATION_MEMSET);
	EXPECT_EQ(abi::kFlush, VDM_OPERATION_FLUSH);
	EXPECT_EQ(abi::kSuccess, VDM_SUCCESS);
	EXPECT_EQ(abi::kOutOfMemory, VDM_ERROR_OUT_OF_MEMORY);
	EXPECT_EQ(abi::kJobCorrupted, VDM_ERROR_JOB_CORRUPTED);
	EXPECT_EQ(abi::kEntryLast, FUTURE_CHAIN_FLAG_ENTRY_LAST);
	EXPECT_EQ(abi::kEntryProcessed, FUTURE_CHAIN_FLAG_ENTRY_PROCESSED);
	EXPECT_EQ(abi::kVdmMemDurable, VDM_F_MEM_DURABLE);
	EXPECT_EQ(abi::kVdmNoCacheHint, VDM_F_NO_CACHE_HINT);
	EXPECT_EQ(abi::kPropertyAsync, FUTURE_PROPERTY_ASYNC);
	EXPECT_EQ(sizeof(pmem2_future), 320U);
}

} // namespace
