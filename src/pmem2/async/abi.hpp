// SPDX-License-Identifier: BSD-3-Clause
// abi.hpp -- the memory layout of miniasync 0.2's futures, chains and virtual data
// movers, and of PMDK 1.12/1.13's struct pmem2_future, written out as plain C++
// structs. Callers build these objects with miniasync's inline functions and hand
// them to us (struct vdm), or get them from us by value (struct pmem2_future), so
// every offset is a fixed ABI; the static_asserts pin the x86-64/LP64 values. The
// library never includes miniasync: this file is the only statement of the layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace pmem2::map {
struct Map;
}

namespace pmem2::async::abi {

// enum future_state
enum FutureState : int { kIdle = 0, kComplete = 1, kRunning = 2 };
// enum future_notifier_type
enum NotifierType : int { kNotifierNone = 0, kNotifierWaker = 1, kNotifierPoller = 2 };
// enum vdm_operation_type
enum OperationType : int { kMemcpy = 0, kMemmove = 1, kMemset = 2, kFlush = 3 };
// enum vdm_operation_result
enum OperationResult : int { kSuccess = 0, kOutOfMemory = 1, kJobCorrupted = 2 };

// Chain entry flag bits (the entry's `flags` member).
inline constexpr std::uint64_t kEntryLast = 1U << 0;
inline constexpr std::uint64_t kEntryProcessed = 1U << 1;
// Operation flags and mover capabilities (VDM_F_*).
inline constexpr std::uint64_t kVdmMemDurable = 1U << 0;
inline constexpr std::uint64_t kVdmNoCacheHint = 1U << 1;

struct FutureContext { // struct future_context; data then output follow it
	std::size_t data_size;
	std::size_t output_size;
	FutureState state;
	std::uint32_t padding;

	void *data() noexcept { return reinterpret_cast<char *>(this) + sizeof(*this); }
	void *output() noexcept { return static_cast<char *>(data()) + data_size; }
};

struct Waker {
	void *data;
	void (*wake)(void *data);
};

struct Notifier { // struct future_notifier
	Waker waker;
	std::uint64_t *poller_ptr_to_monitor;
	NotifierType notifier_used;
	std::uint32_t padding;
};

enum FutureProperty : int { kPropertyAsync = 0 };

using TaskFn = FutureState (*)(FutureContext *ctx, Notifier *notifier);
using HasPropertyFn = int (*)(void *future, FutureProperty property);
using MapFn = void (*)(FutureContext *lhs, FutureContext *rhs, void *arg);
using InitFn = void (*)(void *future, FutureContext *chain, void *arg);

struct Future { // struct future: the head of every future
	TaskFn task;
	HasPropertyFn has_property;
	FutureContext context;
};

// The head of one chain entry; the entry's future follows in place (struct
// future_chain_entry is this header followed by struct future).
struct ChainEntryHeader {
	MapFn map;
	void *map_arg;
	InitFn init;
	void *init_arg;
	// Pointer-typed in the FUTURE_CHAIN_ENTRY macro, used as bits (kEntry*): a
	// pointer-sized integer keeps the macro's layout on every target.
	std::uintptr_t flags;
};

struct ChainEntry { // struct future_chain_entry
	ChainEntryHeader head;
	Future future;
};

// --- virtual data mover -------------------------------------------------------

struct OperationMemcpy { // also memmove
	void *dest;
	void *src;
	std::size_t n;
	std::uint64_t flags;
};
struct OperationMemset {
	void *str;
	int c;
	std::size_t n;
	std::uint64_t flags;
};
struct OperationFlush {
	void *dest;
	std::size_t n;
	std::uint64_t flags;
};

struct Operation { // struct vdm_operation
	union {
		OperationMemcpy memcpy; // and memmove
		OperationMemset memset;
		OperationFlush flush;
		std::uint8_t bytes[40];
	} data;
	OperationType type;
	std::uint32_t padding;
};

struct Vdm;

struct OperationData { // struct vdm_operation_data
	void *op;  // what the mover's op_new returned
	Vdm *vdm;
	Operation operation;
};

struct OperationOutput { // struct vdm_operation_output
	OperationType type;
	OperationResult result;
	union {
		void *dest; // memcpy, memmove: dest; memset: str
		std::uint64_t unused; // flush
	} output;
};

struct OperationFuture { // struct vdm_operation_future
	Future base;
	OperationData data;
	OperationOutput output;
};

struct Vdm { // struct vdm
	void *(*op_new)(Vdm *vdm, OperationType type);
	void (*op_delete)(void *op, const Operation *operation, OperationOutput *output);
	int (*op_start)(void *op, const Operation *operation, Notifier *notifier);
	FutureState (*op_check)(void *op, const Operation *operation);
	unsigned capabilities;
	HasPropertyFn has_property;
};

// --- libpmem2 1.x ---------------------------------------------------------------

struct PersistFuture { // struct pmem2_persist_future
	Future base;
	struct {
		map::Map *map;
		void *ptr;
		std::size_t size;
	} data;
	struct {
		std::uint64_t unused;
	} output;
};

union FinalizeFuture { // union pmem2_finalize_future
	PersistFuture persist;
	struct {
		char data[64];
	} pad;
};

struct Pmem2Future { // struct pmem2_future
	Future base;
	struct {
		ChainEntryHeader op_head;
		OperationFuture op;
		ChainEntryHeader fin_head;
		FinalizeFuture fin;
	} data;
	struct {
		void *dest;
	} output;
};

static_assert(std::is_trivially_copyable_v<Pmem2Future> && std::is_standard_layout_v<Pmem2Future>);

#if UINTPTR_MAX == UINT64_MAX
// The layout every LP64 target gives PMDK's header (checked member by member
// against it in tests/async).
static_assert(sizeof(FutureContext) == 24 && sizeof(Future) == 40);
static_assert(sizeof(Notifier) == 32 && offsetof(Notifier, notifier_used) == 24);
static_assert(sizeof(ChainEntry) == 80);
static_assert(sizeof(Operation) == 48 && offsetof(Operation, type) == 40);
static_assert(offsetof(OperationMemset, c) == 8 && offsetof(OperationMemset, n) == 16);
static_assert(sizeof(OperationData) == 64 && sizeof(OperationOutput) == 16);
static_assert(sizeof(OperationFuture) == 120);
static_assert(sizeof(Vdm) == 48 && offsetof(Vdm, capabilities) == 32 && offsetof(Vdm, has_property) == 40);
static_assert(sizeof(PersistFuture) == 72 && sizeof(FinalizeFuture) == 72);
static_assert(offsetof(Pmem2Future, data) == 40);
static_assert(offsetof(Pmem2Future, data.op) == 80 && offsetof(Pmem2Future, data.fin_head) == 200);
static_assert(offsetof(Pmem2Future, data.fin) == 240 && offsetof(Pmem2Future, output) == 312);
static_assert(sizeof(Pmem2Future) == 320);
#endif

} // namespace pmem2::async::abi
