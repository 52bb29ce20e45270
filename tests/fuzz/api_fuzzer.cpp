// SPDX-License-Identifier: BSD-3-Clause
// api_fuzzer.cpp -- libFuzzer driver of the whole C API of libpmem2 and libpmemset.
//
// The input is a program: each operation is one opcode byte followed by the
// argument bytes it reads (an exhausted input reads zeros), over a small table of
// handles: fds of every kind (files on /tmp and /dev/shm read-write, read-only,
// write-only and O_PATH, a directory, a pipe, /dev/zero, a memfd, invalid
// numbers), pmem2 sources, configs, maps, reservations and bad block contexts,
// driver-owned mmaps for pmem2_map_from_existing, and pmemset configs, sets,
// sources, parts and part map references. Arguments are arbitrary but bounded
// (no write or persist longer than kMaxTouch, no file larger than kMaxFile) and
// include NULLs, boundary values and invalid enums and flags. Some operations run
// two documented-thread-safe calls on two threads and join them.
//
// What the driver never does, because no library can defend against it: use a
// handle after deleting it through another copy of the pointer, pass a garbage
// non-NULL pointer, touch memory outside a live mapping or through a protection
// the mapping lacks, truncate or close what a live object still uses, or delete a
// reservation or a pmem2 source while an object documented to borrow it is alive
// (doc/lifetimes.md). Deleting a pmemset set or source under live parts is
// allowed there, and fuzzed.
//
// Invariants checked (a violation aborts, which libFuzzer reports as a crash):
// every int result is 0 or negative, with a non-empty message when negative;
// constructors leave their out-pointer NULL on failure; deletes succeed once
// their dependants are gone; after the clean-up at the end of each input the
// library owns no address space (the ownership ledger is on in this build and
// also aborts on any map/unmap of a range the library does not own) and no fd
// and no file has leaked.
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <libpmem2.h>
#include <libpmemset.h>

#include "common/address_space.hpp"

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kMaxFile = 8 * kMiB;  // size of any file the driver creates
constexpr std::size_t kMaxTouch = 4 * kMiB; // longest write/persist the driver issues

[[noreturn]] void violated(const char *what, int line)
{
	std::fprintf(stderr, "api_fuzzer: invariant violated (line %d): %s\n", line, what);
	std::abort();
}
#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			violated(#cond, __LINE__);                                                                     \
	} while (0)

// ---- the input ----

class Input {
public:
	Input(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
	bool empty() const { return pos_ >= size_; }
	std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
	std::uint16_t u16()
	{
		std::uint16_t low = u8();
		return static_cast<std::uint16_t>(low | (u8() << 8));
	}
	std::uint32_t u32()
	{
		std::uint32_t low = u16();
		return low | (static_cast<std::uint32_t>(u16()) << 16);
	}
	bool flag() { return u8() & 1; }
	// An index in [0, n).
	unsigned pick(unsigned n) { return u8() % n; }

	// A length or offset: mostly sane, sometimes a boundary or absurd value.
	std::size_t size()
	{
		switch (u8() % 16) {
		case 0: return 0;
		case 1: return 1;
		case 2: return kPage;
		case 3: return kPage - 1;
		case 4: return kPage + 1;
		case 5: return 2 * kMiB;
		case 6: return 2 * kMiB + kPage;
		case 7: return static_cast<std::size_t>(u8()) * kPage;
		case 8: return u16();
		case 9: return u32() % kMaxFile;
		case 10: return SIZE_MAX;
		case 11: return SIZE_MAX & ~(kPage - 1);
		case 12: return std::size_t{1} << 63;
		case 13: return std::size_t{1} << 30;
		case 14: return 64;
		default: return (static_cast<std::size_t>(u8() % 8) + 1) * 2 * kMiB;
		}
	}
	// An enum value: usually valid, sometimes just outside, sometimes absurd.
	int enum_value(int valid_count)
	{
		switch (u8() % 8) {
		case 0: return valid_count;
		case 1: return -1;
		case 2: return INT_MAX;
		case 3: return static_cast<int>(u32());
		default: return u8() % valid_count;
		}
	}
	unsigned flags(unsigned valid)
	{
		switch (u8() % 4) {
		case 0: return u32();
		case 1: return 0;
		default: return u8() & valid;
		}
	}

private:
	const std::uint8_t *data_;
	std::size_t size_;
	std::size_t pos_ = 0;
};

// API_FUZZER_TRACE=1 prints each operation and each checked result (to debug a seed).
const bool kTrace = std::getenv("API_FUZZER_TRACE") != nullptr;

// ---- checks on results ----

void check_pmem2(int ret)
{
	if (kTrace)
		std::fprintf(stderr, "  pmem2 -> %d %s\n", ret, ret ? pmem2_errormsg() : "");
	CHECK(ret <= 0);
	if (ret < 0) {
		const char *msg = pmem2_errormsg();
		CHECK(msg != nullptr && msg[0] != '\0');
		CHECK(pmem2_err_to_errno(ret) > 0);
	}
}

void check_pmemset(int ret)
{
	if (kTrace)
		std::fprintf(stderr, "  pmemset -> %d %s\n", ret, ret ? pmemset_errormsg() : "");
	CHECK(ret <= 0);
	if (ret < 0) {
		const char *msg = pmemset_errormsg();
		CHECK(msg != nullptr && msg[0] != '\0');
		CHECK(pmemset_err_to_errno(ret) > 0);
	}
}

// A constructor's result: 0 with a new object, or negative with the out-pointer
// set to NULL or left as it was (some functions write it only on success, as the
// reference does): never anything else. obj is NULL afterwards unless made.
template <class T> void check_made(int ret, T *&obj, const void *before, void (*check)(int))
{
	check(ret);
	if (ret == 0) {
		CHECK(obj != nullptr && obj != before);
	} else {
		CHECK(obj == nullptr || obj == before);
		obj = nullptr;
	}
}

// ---- the handle table ----

enum FdKind {
	kFileTmp,
	kFileShm,
	kFileTmpReadOnly,
	kFileShmReadOnly,
	kFileTmpWriteOnly,
	kFileTmpPath,
	kDirectory,
	kPipe,
	kDevZero,
	kMemfd,
	kInvalidMinusOne,
	kInvalidLarge,
	kFdKinds
};

struct FdSlot {
	int fd = -1;
	int pipe_write_end = -1;
	bool open = false;
	bool writable_file = false; // mmap-able read-write
	std::size_t size = 0;
	int users = 0; // pmem2 sources wrapping it
};

struct SourceSlot {
	pmem2_source *src = nullptr;
	int fd_slot = -1;
	int users = 0; // bad block contexts, pmemset sources
};

struct ConfigSlot {
	pmem2_config *cfg = nullptr;
	int rsv_slot = -1;
	unsigned prot = PMEM2_PROT_READ | PMEM2_PROT_WRITE;
};

struct MapSlot {
	pmem2_map *map = nullptr;
	unsigned prot = 0;
};

struct ReservationSlot {
	pmem2_vm_reservation *rsv = nullptr;
	int users = 0; // pmem2 configs, pmemset configs and sets pointing at it
};

struct BadblockSlot {
	pmem2_badblock_context *ctx = nullptr;
	int src_slot = -1;
};

// A driver-owned mapping of a file, wrapped by pmem2_map_from_existing.
struct RegionSlot {
	void *addr = nullptr;
	std::size_t len = 0;
	int fd_slot = -1;
};

struct SetConfigSlot {
	pmemset_config *cfg = nullptr;
	int rsv_slot = -1;
};

struct SetSlot {
	pmemset *set = nullptr;
	int rsv_slot = -1;
	int parts = 0; // unmapped parts made for it
};

struct SetSourceSlot {
	pmemset_source *src = nullptr;
	int pmem2_src_slot = -1;
	int parts = 0;
};

struct PartSlot {
	pmemset_part *part = nullptr;
	int set_slot = -1;    // -1 once the set was deleted (the part keeps it alive)
	int src_slot = -1;    // -1 once the source was deleted (likewise)
	int pmem2_src_slot = -1; // the pmem2 source its pmemset source borrows
	bool orphaned = false; // its set was deleted: pmemset_part_map must refuse it
	int rsv_slot = -1;     // the reservation of its deleted set, held until the part goes
};

struct PartMapRef {
	struct pmemset_part_map *pm = nullptr;
	int set_slot = -1;
};

constexpr int kFds = 8, kSources = 4, kConfigs = 4, kMaps = 6, kReservations = 3, kBadblocks = 2, kRegions = 2;
constexpr int kSetConfigs = 2, kSets = 2, kSetSources = 3, kParts = 4, kRefs = 4;

// Event counters of the pmemset callback (called from any thread).
struct EventLog {
	std::atomic<unsigned> events{0};
	std::atomic<bool> reenter{false};
};
EventLog event_log;

int on_event(pmemset *set, pmemset_event_context *ctx, void *arg)
{
	CHECK(arg == &event_log);
	CHECK(set != nullptr && ctx != nullptr);
	CHECK(ctx->type >= PMEMSET_EVENT_COPY && ctx->type <= PMEMSET_EVENT_PART_REMOVE);
	event_log.events.fetch_add(1, std::memory_order_relaxed);
	if (ctx->type == PMEMSET_EVENT_PART_ADD) {
		CHECK(ctx->data.part_add.addr != nullptr && ctx->data.part_add.len > 0);
		std::size_t size = 0;
		check_pmem2(pmem2_source_size(ctx->data.part_add.src, &size));
	}
	// A callback may call back into the set (no library lock is held).
	if (event_log.reenter.load(std::memory_order_relaxed)) {
		struct pmemset_part_map *pm = nullptr;
		pmemset_first_part_map(set, &pm);
		if (pm != nullptr) {
			auto d = pmemset_descriptor_part_map(pm);
			CHECK(d.addr != nullptr && d.size > 0);
			pmemset_part_map_drop(&pm);
			CHECK(pm == nullptr);
		}
	}
	return 0;
}

// Per-process directories for the files of one input.
struct Dirs {
	std::string tmp, shm;
};
const Dirs &dirs()
{
	static const Dirs d = [] {
		Dirs r;
		r.tmp = "/tmp/pmem2-fuzz." + std::to_string(getpid());
		r.shm = "/dev/shm/pmem2-fuzz." + std::to_string(getpid());
		mkdir(r.tmp.c_str(), 0700);
		mkdir(r.shm.c_str(), 0700);
		return r;
	}();
	return d;
}

int count_entries(const char *path)
{
	DIR *d = opendir(path);
	if (d == nullptr)
		return -1;
	int n = 0;
	while (readdir(d) != nullptr)
		++n;
	closedir(d);
	return n;
}

// Files the pmemset sources open by name, shared by the sources of one input.
const char *const kFixedNames[] = {"s0", "s1"};

std::vector<std::uint8_t> &scratch()
{
	static std::vector<std::uint8_t> buf(kMaxTouch + kPage, 0x5a);
	return buf;
}

class Program {
public:
	explicit Program(Input &in) : in_(in) {}
	~Program() { cleanup(); }
	void run();

private:
	Input &in_;
	FdSlot fds_[kFds];
	SourceSlot sources_[kSources];
	ConfigSlot configs_[kConfigs];
	MapSlot maps_[kMaps];
	ReservationSlot rsvs_[kReservations];
	BadblockSlot bbs_[kBadblocks];
	RegionSlot regions_[kRegions];
	SetConfigSlot set_configs_[kSetConfigs];
	SetSlot sets_[kSets];
	SetSourceSlot set_sources_[kSetSources];
	PartSlot parts_[kParts];
	PartMapRef refs_[kRefs];
	std::vector<std::string> files_;
	unsigned file_counter_ = 0;
	bool env_set_ = false;

	std::string new_file(bool shm)
	{
		std::string p = (shm ? dirs().shm : dirs().tmp) + "/f" + std::to_string(file_counter_++);
		files_.push_back(p);
		return p;
	}

	// Optional handles: an index, or -1 for NULL.
	int maybe(unsigned n) { return static_cast<int>(in_.pick(n + 1)) - 1; }
	pmem2_source *source_or_null(int i) { return i < 0 ? nullptr : sources_[i].src; }
	pmem2_config *config_or_null(int i) { return i < 0 ? nullptr : configs_[i].cfg; }
	pmem2_map *map_or_null(int i) { return i < 0 ? nullptr : maps_[i].map; }
	pmem2_vm_reservation *rsv_or_null(int i) { return i < 0 ? nullptr : rsvs_[i].rsv; }
	pmemset *set_or_null(int i) { return i < 0 ? nullptr : sets_[i].set; }

	// An address a reservation may be asked to start at.
	void *placement()
	{
		switch (in_.u8() % 6) {
		case 0:
		case 1: return nullptr;
		case 2: { // next to, inside or over an existing reservation
			auto &r = rsvs_[in_.pick(kReservations)];
			if (r.rsv == nullptr)
				return nullptr;
			// An address computed as a number: it is a placement request, never dereferenced.
			auto base = reinterpret_cast<std::uintptr_t>(pmem2_vm_reservation_get_address(r.rsv));
			auto delta = static_cast<std::intptr_t>(static_cast<std::int8_t>(in_.u8())) * 2 * kMiB;
			return reinterpret_cast<void *>(base + static_cast<std::uintptr_t>(delta) + (in_.flag() ? 0 : kPage));
		}
		case 3: { // over a map
			auto &m = maps_[in_.pick(kMaps)];
			return m.map ? pmem2_map_get_address(m.map) : nullptr;
		}
		case 4: // unaligned
			return reinterpret_cast<void *>(std::uintptr_t{0x7e0000000000} + in_.u16());
		default:
			return reinterpret_cast<void *>(std::uintptr_t{0x7e0000000000} +
							std::uintptr_t{in_.u16()} * 2 * kMiB);
		}
	}

	// A sub-range [off, off+len) of a range of `size` bytes, len <= kMaxTouch.
	void subrange(std::size_t size, std::size_t &off, std::size_t &len)
	{
		off = size == 0 ? 0 : in_.u32() % size;
		if (in_.flag())
			off &= ~(std::size_t{63});
		std::size_t room = size - off;
		len = room == 0 ? 0 : in_.u32() % (room + 1);
		if (len > kMaxTouch)
			len = kMaxTouch;
	}

	// ---- fds ----
	void op_open_fd();
	void op_close_fd();
	// ---- pmem2 ----
	void op_source_new();
	void op_source_query();
	void op_source_delete();
	void op_source_io();
	void op_config_new_delete();
	void op_config_set();
	void op_map_new();
	void op_map_from_existing();
	void op_map_delete();
	void op_map_data();
	void op_deep_flush();
	void op_reservation_new();
	void op_reservation_delete();
	void op_reservation_resize();
	void op_reservation_find();
	void op_badblocks();
	void op_errors();
	void op_force_granularity();
	void op_region();
	// ---- pmemset ----
	void op_set_config();
	void op_set_new_delete();
	void op_set_source_new();
	void op_set_source_delete();
	void op_part_new_delete();
	void op_part_map();
	void op_refs();
	void op_remove_part_map();
	void op_remove_range();
	void op_set_settings();
	void op_set_data();
	// ---- pairs of threads ----
	void op_pair_map_new();
	void op_pair_delete_and_find();
	void op_pair_part_map_and_iterate();
	void op_pair_remove_and_iterate();

	void delete_set(int i);
	// The part left the table (mapped or deleted): its references go.
	void forget_part(PartSlot &p)
	{
		if (p.set_slot >= 0)
			sets_[p.set_slot].parts--;
		if (p.src_slot >= 0)
			set_sources_[p.src_slot].parts--;
		if (p.pmem2_src_slot >= 0)
			sources_[p.pmem2_src_slot].users--;
		if (p.rsv_slot >= 0)
			rsvs_[p.rsv_slot].users--;
		p = PartSlot{};
	}
	void drop_refs_of(int set_slot);
	bool pick_part_map(int set_slot, pmemset_part_descriptor &d);
	void cleanup();
};

void Program::run()
{
	using Op = void (Program::*)();
	static constexpr Op kOps[] = {
		&Program::op_open_fd,
		&Program::op_close_fd,
		&Program::op_source_new,
		&Program::op_source_query,
		&Program::op_source_delete,
		&Program::op_source_io,
		&Program::op_config_new_delete,
		&Program::op_config_set,
		&Program::op_map_new,
		&Program::op_map_from_existing,
		&Program::op_map_delete,
		&Program::op_map_data,
		&Program::op_deep_flush,
		&Program::op_reservation_new,
		&Program::op_reservation_delete,
		&Program::op_reservation_resize,
		&Program::op_reservation_find,
		&Program::op_badblocks,
		&Program::op_errors,
		&Program::op_force_granularity,
		&Program::op_region,
		&Program::op_set_config,
		&Program::op_set_new_delete,
		&Program::op_set_source_new,
		&Program::op_set_source_delete,
		&Program::op_part_new_delete,
		&Program::op_part_map,
		&Program::op_refs,
		&Program::op_remove_part_map,
		&Program::op_remove_range,
		&Program::op_set_settings,
		&Program::op_set_data,
		&Program::op_pair_map_new,
		&Program::op_pair_delete_and_find,
		&Program::op_pair_part_map_and_iterate,
		&Program::op_pair_remove_and_iterate,
	};
	constexpr unsigned kOpCount = sizeof(kOps) / sizeof(kOps[0]);
	for (int steps = 0; !in_.empty() && steps < 64; ++steps) {
		unsigned op = in_.u8() % kOpCount;
		if (kTrace)
			std::fprintf(stderr, "op %u\n", op);
		(this->*kOps[op])();
	}
}

// ---- fds ----

void Program::op_open_fd()
{
	FdSlot &s = fds_[in_.pick(kFds)];
	int kind = in_.pick(kFdKinds);
	std::size_t size = in_.size() % (kMaxFile + 1);
	if (in_.flag())
		size &= ~(kPage - 1);
	if (s.open)
		return;
	auto make_file = [&](bool shm, int oflags) {
		std::string path = new_file(shm);
		int rw = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		CHECK(rw >= 0);
		CHECK(ftruncate(rw, static_cast<off_t>(size)) == 0);
		if (oflags == O_RDWR)
			return rw;
		close(rw);
		return open(path.c_str(), oflags | O_CLOEXEC);
	};
	switch (kind) {
	case kFileTmp: s.fd = make_file(false, O_RDWR); s.writable_file = true; break;
	case kFileShm: s.fd = make_file(true, O_RDWR); s.writable_file = true; break;
	case kFileTmpReadOnly: s.fd = make_file(false, O_RDONLY); break;
	case kFileShmReadOnly: s.fd = make_file(true, O_RDONLY); break;
	case kFileTmpWriteOnly: s.fd = make_file(false, O_WRONLY); break;
	case kFileTmpPath: s.fd = make_file(false, O_PATH); break;
	case kDirectory: s.fd = open(dirs().tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); break;
	case kPipe: {
		int p[2];
		CHECK(pipe2(p, O_CLOEXEC) == 0);
		s.fd = p[0];
		s.pipe_write_end = p[1];
		break;
	}
	case kDevZero: s.fd = open("/dev/zero", O_RDWR | O_CLOEXEC); break;
	case kMemfd:
		s.fd = memfd_create("pmem2-fuzz", MFD_CLOEXEC);
		CHECK(s.fd >= 0);
		CHECK(ftruncate(s.fd, static_cast<off_t>(size)) == 0);
		s.writable_file = true;
		break;
	case kInvalidMinusOne: s.fd = -1; break;
	default: s.fd = INT_MAX; break;
	}
	CHECK(s.fd >= 0 || kind == kInvalidMinusOne);
	s.open = true;
	s.size = size;
}

void Program::op_close_fd()
{
	FdSlot &s = fds_[in_.pick(kFds)];
	if (!s.open || s.users > 0)
		return;
	if (s.fd >= 0 && s.fd != INT_MAX)
		close(s.fd);
	if (s.pipe_write_end >= 0)
		close(s.pipe_write_end);
	s = FdSlot{};
}

// ---- pmem2 sources ----

void Program::op_source_new()
{
	int i = in_.pick(kSources);
	SourceSlot &s = sources_[i];
	bool anon = in_.flag();
	int fd_slot = in_.pick(kFds);
	std::size_t anon_size = in_.size();
	if (in_.u8() == 0) { // NULL out-pointer
		check_pmem2(anon ? pmem2_source_from_anon(nullptr, anon_size)
				 : pmem2_source_from_fd(nullptr, fds_[fd_slot].open ? fds_[fd_slot].fd : -1));
		return;
	}
	if (s.src != nullptr)
		return;
	pmem2_source *src = reinterpret_cast<pmem2_source *>(&s); // must be overwritten
	int ret;
	if (anon) {
		ret = pmem2_source_from_anon(&src, anon_size);
		check_made(ret, src, &s, check_pmem2);
		s.fd_slot = -1;
	} else {
		FdSlot &f = fds_[fd_slot];
		if (!f.open)
			return;
		ret = pmem2_source_from_fd(&src, f.fd);
		check_made(ret, src, &s, check_pmem2);
		if (ret == 0) {
			s.fd_slot = fd_slot;
			f.users++;
		}
	}
	s.src = src;
}

void Program::op_source_query()
{
	int i = maybe(kSources);
	pmem2_source *src = source_or_null(i);
	bool null_out = in_.u8() < 32;
	switch (in_.u8() % 7) {
	case 0: {
		int fd = -2;
		check_pmem2(pmem2_source_get_fd(src, null_out ? nullptr : &fd));
		break;
	}
	case 1: {
		std::size_t size = 0;
		int ret = pmem2_source_size(src, null_out ? nullptr : &size);
		check_pmem2(ret);
		if (ret == 0 && src != nullptr && sources_[i].fd_slot >= 0 && fds_[sources_[i].fd_slot].writable_file)
			CHECK(size == fds_[sources_[i].fd_slot].size);
		break;
	}
	case 2: {
		std::size_t align = 0;
		int ret = pmem2_source_alignment(src, null_out ? nullptr : &align);
		check_pmem2(ret);
		if (ret == 0 && !null_out)
			CHECK(align != 0 && (align & (align - 1)) == 0);
		break;
	}
	case 3: {
		char id[256];
		std::size_t len = in_.u8();
		bool null_id = in_.flag();
		check_pmem2(pmem2_source_device_id(src, null_id ? nullptr : id, null_out ? nullptr : &len));
		break;
	}
	case 4: {
		std::uint64_t usc = 0;
		check_pmem2(pmem2_source_device_usc(src, null_out ? nullptr : &usc));
		break;
	}
	case 5: {
		int node = 0;
		check_pmem2(pmem2_source_numa_node(src, null_out ? nullptr : &node));
		break;
	}
	default: {
		std::size_t size = 0;
		check_pmem2(pmem2_source_size(src, &size));
		check_pmem2(pmem2_source_alignment(src, &size));
		break;
	}
	}
}

void Program::op_source_delete()
{
	int i = in_.pick(kSources);
	if (in_.u8() == 0) {
		check_pmem2(pmem2_source_delete(nullptr));
		return;
	}
	SourceSlot &s = sources_[i];
	if (s.users > 0)
		return;
	// Deleting through a pointer already NULL (double delete) is a no-op.
	CHECK(pmem2_source_delete(&s.src) == 0);
	CHECK(s.src == nullptr);
	if (s.fd_slot >= 0)
		fds_[s.fd_slot].users--;
	s = SourceSlot{};
}

void Program::op_source_io()
{
	pmem2_source *src = source_or_null(maybe(kSources));
	bool write = in_.flag();
	std::size_t size = in_.size();
	std::size_t offset = in_.size();
	if (size > kMaxTouch)
		size = kMaxTouch;
	void *buf = in_.u8() == 0 ? nullptr : scratch().data();
	if (buf == nullptr)
		size = in_.flag() ? 0 : size;
	if (buf == nullptr && size != 0)
		return; // a NULL buffer with a length is the caller's bug
	check_pmem2(write ? pmem2_source_pwrite_mcsafe(src, buf, size, offset)
			  : pmem2_source_pread_mcsafe(src, buf, size, offset));
}

// ---- pmem2 configs ----

void Program::op_config_new_delete()
{
	ConfigSlot &c = configs_[in_.pick(kConfigs)];
	switch (in_.u8() % 4) {
	case 0: check_pmem2(pmem2_config_new(nullptr)); break;
	case 1: check_pmem2(pmem2_config_delete(nullptr)); break;
	case 2: {
		CHECK(pmem2_config_delete(&c.cfg) == 0);
		CHECK(c.cfg == nullptr);
		if (c.rsv_slot >= 0)
			rsvs_[c.rsv_slot].users--;
		c = ConfigSlot{};
		break;
	}
	default:
		if (c.cfg == nullptr) {
			pmem2_config *cfg = reinterpret_cast<pmem2_config *>(&c);
			check_made(pmem2_config_new(&cfg), cfg, &c, check_pmem2);
			c = ConfigSlot{};
			c.cfg = cfg;
		}
		break;
	}
}

void Program::op_config_set()
{
	int i = maybe(kConfigs);
	pmem2_config *cfg = config_or_null(i);
	switch (in_.u8() % 6) {
	case 0:
		check_pmem2(pmem2_config_set_required_store_granularity(
			cfg, static_cast<pmem2_granularity>(in_.enum_value(3))));
		break;
	case 1: check_pmem2(pmem2_config_set_offset(cfg, in_.size())); break;
	case 2: check_pmem2(pmem2_config_set_length(cfg, in_.size())); break;
	case 3:
		check_pmem2(pmem2_config_set_sharing(cfg, static_cast<pmem2_sharing_type>(in_.enum_value(2))));
		break;
	case 4: {
		unsigned prot;
		switch (in_.u8() % 6) {
		case 0: prot = PMEM2_PROT_NONE; break;
		case 1: prot = PMEM2_PROT_READ; break;
		case 2: prot = PMEM2_PROT_READ | PMEM2_PROT_WRITE | PMEM2_PROT_EXEC; break;
		case 3: prot = in_.u32(); break;
		case 4: prot = PMEM2_PROT_WRITE; break;
		default: prot = PMEM2_PROT_READ | PMEM2_PROT_WRITE; break;
		}
		int ret = pmem2_config_set_protection(cfg, prot);
		check_pmem2(ret);
		if (ret == 0 && cfg != nullptr)
			configs_[i].prot = prot;
		break;
	}
	default: {
		int r = maybe(kReservations);
		std::size_t offset = in_.size();
		int ret = pmem2_config_set_vm_reservation(cfg, rsv_or_null(r), offset);
		check_pmem2(ret);
		if (ret == 0 && cfg != nullptr) {
			// The config now holds rsv (or nothing, for NULL).
			if (configs_[i].rsv_slot >= 0)
				rsvs_[configs_[i].rsv_slot].users--;
			configs_[i].rsv_slot = -1;
			if (r >= 0 && rsvs_[r].rsv != nullptr) {
				configs_[i].rsv_slot = r;
				rsvs_[r].users++;
			}
		}
		break;
	}
	}
}

// ---- pmem2 maps ----

// Whether a map made with this config may be written (x86: write implies read).
bool writable(unsigned prot) { return (prot & PMEM2_PROT_WRITE) != 0; }
bool readable(unsigned prot) { return (prot & (PMEM2_PROT_READ | PMEM2_PROT_WRITE)) != 0; }

void Program::op_map_new()
{
	int m = in_.pick(kMaps);
	int c = maybe(kConfigs);
	int s = maybe(kSources);
	if (in_.u8() == 0) {
		check_pmem2(pmem2_map_new(nullptr, config_or_null(c), source_or_null(s)));
		return;
	}
	if (maps_[m].map != nullptr)
		return;
	pmem2_map *map = reinterpret_cast<pmem2_map *>(&maps_[m]);
	int ret = pmem2_map_new(&map, config_or_null(c), source_or_null(s));
	check_made(ret, map, &maps_[m], check_pmem2);
	if (ret != 0)
		return;
	maps_[m].map = map;
	maps_[m].prot = configs_[c].prot;
	CHECK(pmem2_map_get_address(map) != nullptr);
	CHECK(pmem2_map_get_size(map) > 0);
	if (configs_[c].rsv_slot >= 0) {
		// Placed inside the reservation, and found there.
		auto *rsv = rsvs_[configs_[c].rsv_slot].rsv;
		auto *base = static_cast<char *>(pmem2_vm_reservation_get_address(rsv));
		auto *addr = static_cast<char *>(pmem2_map_get_address(map));
		CHECK(addr >= base && addr + pmem2_map_get_size(map) <= base + pmem2_vm_reservation_get_size(rsv));
		pmem2_map *found = nullptr;
		CHECK(pmem2_vm_reservation_map_find(rsv, static_cast<std::size_t>(addr - base), 1, &found) == 0);
		CHECK(found == map);
	}
}

void Program::op_region()
{
	RegionSlot &r = regions_[in_.pick(kRegions)];
	int f = in_.pick(kFds);
	std::size_t off, len;
	if (r.addr != nullptr || !fds_[f].open || !fds_[f].writable_file || fds_[f].size < kPage)
		return;
	subrange(fds_[f].size, off, len);
	off &= ~(kPage - 1);
	len = (len + kPage - 1) & ~(kPage - 1);
	if (len == 0 || off + len > fds_[f].size)
		return;
	void *addr = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fds_[f].fd, static_cast<off_t>(off));
	if (addr == MAP_FAILED)
		return;
	r.addr = addr;
	r.len = len;
	r.fd_slot = f;
}

void Program::op_map_from_existing()
{
	int m = in_.pick(kMaps);
	int s = maybe(kSources);
	RegionSlot &r = regions_[in_.pick(kRegions)];
	int gran = in_.enum_value(3);
	void *addr = nullptr;
	std::size_t len = in_.size();
	switch (in_.u8() % 4) {
	case 0: break; // NULL address
	case 1: { // inside a library map: refused (MAP_EXISTS)
		auto &mm = maps_[in_.pick(kMaps)];
		if (mm.map != nullptr)
			addr = pmem2_map_get_address(mm.map);
		break;
	}
	default: // the driver's own mapping, whole or a part of it
		if (r.addr != nullptr) {
			std::size_t off, l;
			subrange(r.len, off, l);
			if (in_.flag())
				off &= ~(kPage - 1);
			addr = static_cast<char *>(r.addr) + off;
			len = in_.flag() ? r.len - off : l;
		}
		break;
	}
	if (in_.u8() == 0) {
		check_pmem2(pmem2_map_from_existing(nullptr, source_or_null(s), addr, len,
						    static_cast<pmem2_granularity>(gran)));
		return;
	}
	if (maps_[m].map != nullptr)
		return;
	pmem2_map *map = reinterpret_cast<pmem2_map *>(&maps_[m]);
	int ret = pmem2_map_from_existing(&map, source_or_null(s), addr, len, static_cast<pmem2_granularity>(gran));
	check_made(ret, map, &maps_[m], check_pmem2);
	if (ret == 0) {
		// Only the driver's own mapping can be wrapped (a library map is refused).
		CHECK(r.addr != nullptr && addr >= r.addr &&
		      static_cast<char *>(addr) + len <= static_cast<char *>(r.addr) + r.len);
		maps_[m].map = map;
		maps_[m].prot = PMEM2_PROT_READ | PMEM2_PROT_WRITE;
	}
}

void Program::op_map_delete()
{
	int m = in_.pick(kMaps);
	if (in_.u8() == 0) {
		check_pmem2(pmem2_map_delete(nullptr));
		return;
	}
	// A NULL *map_ptr (double delete through the same pointer) is an error, not a crash.
	int ret = pmem2_map_delete(&maps_[m].map);
	check_pmem2(ret);
	CHECK(maps_[m].map == nullptr);
	maps_[m] = MapSlot{};
}

void Program::op_map_data()
{
	int m = maybe(kMaps);
	pmem2_map *map = map_or_null(m);
	if (map == nullptr) {
		// The getters on NULL: NULL, 0, or a valid function pointer (never a crash).
		switch (in_.u8() % 4) {
		case 0: CHECK(pmem2_map_get_address(nullptr) == nullptr); break;
		case 1: CHECK(pmem2_map_get_size(nullptr) == 0); break;
		case 2: (void)pmem2_map_get_store_granularity(nullptr); break;
		default:
			(void)pmem2_get_persist_fn(nullptr);
			(void)pmem2_get_flush_fn(nullptr);
			(void)pmem2_get_drain_fn(nullptr);
			(void)pmem2_get_memcpy_fn(nullptr);
			(void)pmem2_get_memmove_fn(nullptr);
			(void)pmem2_get_memset_fn(nullptr);
			break;
		}
		return;
	}
	auto *base = static_cast<char *>(pmem2_map_get_address(map));
	std::size_t size = pmem2_map_get_size(map);
	auto gran = pmem2_map_get_store_granularity(map);
	CHECK(gran >= PMEM2_GRANULARITY_BYTE && gran <= PMEM2_GRANULARITY_PAGE);
	unsigned prot = maps_[m].prot;
	std::size_t off, len;
	subrange(size, off, len);
	unsigned flags = in_.flags(PMEM2_F_MEM_VALID_FLAGS);
	switch (in_.u8() % 6) {
	case 0:
		if (readable(prot))
			pmem2_get_persist_fn(map)(base + off, len);
		break;
	case 1:
		if (readable(prot))
			pmem2_get_flush_fn(map)(base + off, len);
		pmem2_get_drain_fn(map)();
		break;
	case 2:
		if (writable(prot))
			CHECK(pmem2_get_memset_fn(map)(base + off, in_.u8(), len, flags) == base + off);
		break;
	case 3:
		if (writable(prot)) {
			std::size_t src_off = in_.u16() % kPage;
			CHECK(pmem2_get_memcpy_fn(map)(base + off, scratch().data() + src_off, len, flags) == base + off);
		}
		break;
	case 4:
		if (writable(prot)) {
			// Overlapping move inside the map.
			std::size_t to = in_.u32() % (size - len + 1);
			CHECK(pmem2_get_memmove_fn(map)(base + to, base + off, len, flags) == base + to);
		}
		break;
	default:
		if (readable(prot) && len > 0) {
			// Copy out through a read: the mapping is really there.
			std::memcpy(scratch().data(), base + off, len);
		}
		break;
	}
}

void Program::op_deep_flush()
{
	pmem2_map *map = map_or_null(maybe(kMaps));
	std::size_t size = in_.size();
	std::ptrdiff_t delta = static_cast<std::int16_t>(in_.u16()) * static_cast<std::ptrdiff_t>(kPage / 8);
	if (size > kMaxTouch && size < (std::size_t{1} << 62))
		size = kMaxTouch;
	void *ptr = nullptr; // computed as a number: deep flush checks the range before touching it
	if (map != nullptr)
		ptr = reinterpret_cast<void *>(reinterpret_cast<std::uintptr_t>(pmem2_map_get_address(map)) +
					       static_cast<std::uintptr_t>(delta));
	// Only ranges inside the map are flushed; others are refused with a code.
	check_pmem2(pmem2_deep_flush(map, ptr, size));
}

// ---- reservations ----

void Program::op_reservation_new()
{
	ReservationSlot &r = rsvs_[in_.pick(kReservations)];
	void *addr = placement();
	std::size_t size = in_.size();
	if (in_.u8() == 0) {
		check_pmem2(pmem2_vm_reservation_new(nullptr, addr, size));
		return;
	}
	if (r.rsv != nullptr)
		return;
	pmem2_vm_reservation *rsv = reinterpret_cast<pmem2_vm_reservation *>(&r);
	int ret = pmem2_vm_reservation_new(&rsv, addr, size);
	check_made(ret, rsv, &r, check_pmem2);
	if (ret == 0) {
		CHECK(pmem2_vm_reservation_get_size(rsv) == size);
		if (addr != nullptr)
			CHECK(pmem2_vm_reservation_get_address(rsv) == addr);
		r.rsv = rsv;
	}
}

void Program::op_reservation_delete()
{
	ReservationSlot &r = rsvs_[in_.pick(kReservations)];
	if (in_.u8() == 0) {
		check_pmem2(pmem2_vm_reservation_delete(nullptr));
		return;
	}
	if (r.users > 0)
		return;
	pmem2_vm_reservation *before = r.rsv;
	int ret = pmem2_vm_reservation_delete(&r.rsv);
	check_pmem2(ret);
	// Refused (not empty, or NULL) or done.
	CHECK(ret == 0 ? r.rsv == nullptr : r.rsv == before);
	if (ret == 0)
		r = ReservationSlot{};
}

void Program::op_reservation_resize()
{
	pmem2_vm_reservation *rsv = rsv_or_null(maybe(kReservations));
	std::size_t size = in_.size();
	std::size_t offset = in_.size();
	std::size_t before = rsv ? pmem2_vm_reservation_get_size(rsv) : 0;
	if (in_.flag()) {
		int ret = pmem2_vm_reservation_extend(rsv, size);
		check_pmem2(ret);
		if (rsv != nullptr)
			CHECK(pmem2_vm_reservation_get_size(rsv) == (ret == 0 ? before + size : before));
	} else {
		int ret = pmem2_vm_reservation_shrink(rsv, offset, size);
		check_pmem2(ret);
		if (rsv != nullptr)
			CHECK(pmem2_vm_reservation_get_size(rsv) == (ret == 0 ? before - size : before));
	}
}

void Program::op_reservation_find()
{
	pmem2_vm_reservation *rsv = rsv_or_null(maybe(kReservations));
	bool null_out = in_.u8() < 16;
	pmem2_map *found = reinterpret_cast<pmem2_map *>(&found); // must be overwritten
	int ret;
	switch (in_.u8() % 4) {
	case 0: ret = pmem2_vm_reservation_map_find(rsv, in_.size(), in_.size(), null_out ? nullptr : &found); break;
	case 1: ret = pmem2_vm_reservation_map_find_first(rsv, null_out ? nullptr : &found); break;
	case 2: ret = pmem2_vm_reservation_map_find_last(rsv, null_out ? nullptr : &found); break;
	default: {
		// prev/next of one of our maps (maybe not in this reservation, maybe NULL).
		pmem2_map *map = map_or_null(maybe(kMaps));
		ret = in_.flag() ? pmem2_vm_reservation_map_find_prev(rsv, map, null_out ? nullptr : &found)
				 : pmem2_vm_reservation_map_find_next(rsv, map, null_out ? nullptr : &found);
		break;
	}
	}
	check_pmem2(ret);
	if (null_out)
		return;
	CHECK(ret == 0 ? found != nullptr : found == nullptr || found == reinterpret_cast<pmem2_map *>(&found));
	if (ret != 0)
		return;
	// A found map lies inside the reservation; walk one step from it.
	auto *base = static_cast<char *>(pmem2_vm_reservation_get_address(rsv));
	auto *addr = static_cast<char *>(pmem2_map_get_address(found));
	CHECK(addr >= base && addr + pmem2_map_get_size(found) <= base + pmem2_vm_reservation_get_size(rsv));
	pmem2_map *neighbour = nullptr;
	check_pmem2(pmem2_vm_reservation_map_find_next(rsv, found, &neighbour));
	if (neighbour != nullptr)
		CHECK(static_cast<char *>(pmem2_map_get_address(neighbour)) >= addr + pmem2_map_get_size(found));
}

// ---- bad blocks ----

void Program::op_badblocks()
{
	BadblockSlot &b = bbs_[in_.pick(kBadblocks)];
	int s = maybe(kSources);
	switch (in_.u8() % 4) {
	case 0: {
		if (in_.u8() == 0) {
			check_pmem2(pmem2_badblock_context_new(nullptr, source_or_null(s)));
			return;
		}
		if (b.ctx != nullptr)
			return;
		pmem2_badblock_context *ctx = reinterpret_cast<pmem2_badblock_context *>(&b);
		int ret = pmem2_badblock_context_new(&ctx, source_or_null(s));
		check_made(ret, ctx, &b, check_pmem2);
		if (ret == 0) {
			b.ctx = ctx;
			b.src_slot = s;
			sources_[s].users++;
		}
		break;
	}
	case 1: {
		pmem2_badblock bb{};
		check_pmem2(pmem2_badblock_next(b.ctx, in_.u8() == 0 ? nullptr : &bb));
		break;
	}
	case 2: {
		pmem2_badblock bb{in_.size(), in_.size()};
		check_pmem2(pmem2_badblock_clear(b.ctx, in_.u8() == 0 ? nullptr : &bb));
		break;
	}
	default:
		if (in_.u8() == 0) {
			pmem2_badblock_context_delete(nullptr);
			return;
		}
		pmem2_badblock_context_delete(&b.ctx); // twice through the same pointer is fine
		CHECK(b.ctx == nullptr);
		if (b.src_slot >= 0)
			sources_[b.src_slot].users--;
		b = BadblockSlot{};
		break;
	}
}

void Program::op_errors()
{
	int code;
	switch (in_.u8() % 4) {
	case 0: code = -static_cast<int>(in_.u8()); break;
	case 1: code = -100000 - in_.u8() % 40; break;
	case 2: code = -200000 - in_.u8() % 30; break;
	default: code = static_cast<int>(in_.u32()); break;
	}
	(void)pmem2_err_to_errno(code);
	(void)pmemset_err_to_errno(code);
	CHECK(pmem2_errormsg() != nullptr);
	CHECK(pmemset_errormsg() != nullptr);
}

void Program::op_force_granularity()
{
	static const char *const kValues[] = {"BYTE", "CACHE_LINE", "CACHELINE", "page", "", "bogus", nullptr};
	const char *v = kValues[in_.pick(7)];
	if (v == nullptr)
		unsetenv("PMEM2_FORCE_GRANULARITY");
	else
		setenv("PMEM2_FORCE_GRANULARITY", v, 1);
	env_set_ = true;
}

// ---- pmemset configs, sets, sources, parts ----

void Program::op_set_config()
{
	int i = maybe(kSetConfigs);
	SetConfigSlot *c = i < 0 ? nullptr : &set_configs_[i];
	pmemset_config *cfg = c ? c->cfg : nullptr;
	switch (in_.u8() % 6) {
	case 0:
		if (c == nullptr) {
			check_pmemset(pmemset_config_new(nullptr));
		} else if (c->cfg == nullptr) {
			pmemset_config *n = reinterpret_cast<pmemset_config *>(c);
			check_made(pmemset_config_new(&n), n, c, check_pmemset);
			c->cfg = n;
		}
		break;
	case 1:
		if (c == nullptr) {
			check_pmemset(pmemset_config_delete(nullptr));
		} else {
			CHECK(pmemset_config_delete(&c->cfg) == 0);
			CHECK(c->cfg == nullptr);
			if (c->rsv_slot >= 0)
				rsvs_[c->rsv_slot].users--;
			*c = SetConfigSlot{};
		}
		break;
	case 2:
		check_pmemset(pmemset_config_set_required_store_granularity(
			cfg, static_cast<pmem2_granularity>(in_.enum_value(3))));
		break;
	case 3: {
		int r = maybe(kReservations);
		if (cfg == nullptr)
			return; // a void setter on NULL has nowhere to report
		pmemset_config_set_reservation(cfg, rsv_or_null(r));
		if (c->rsv_slot >= 0)
			rsvs_[c->rsv_slot].users--;
		c->rsv_slot = -1;
		if (r >= 0 && rsvs_[r].rsv != nullptr) {
			c->rsv_slot = r;
			rsvs_[r].users++;
		}
		break;
	}
	case 4:
		if (cfg != nullptr)
			pmemset_config_set_event_callback(cfg, in_.flag() ? &on_event : nullptr, &event_log);
		break;
	default:
		event_log.reenter.store(in_.flag(), std::memory_order_relaxed);
		break;
	}
}

void Program::op_set_new_delete()
{
	int i = in_.pick(kSets);
	int c = maybe(kSetConfigs);
	SetSlot &s = sets_[i];
	if (in_.flag()) {
		if (in_.u8() == 0) {
			check_pmemset(pmemset_delete(nullptr));
			return;
		}
		delete_set(i);
		return;
	}
	pmemset_config *cfg = c < 0 ? nullptr : set_configs_[c].cfg;
	if (in_.u8() == 0) {
		check_pmemset(pmemset_new(nullptr, cfg));
		return;
	}
	if (s.set != nullptr)
		return;
	pmemset *set = reinterpret_cast<pmemset *>(&s);
	int ret = pmemset_new(&set, cfg);
	check_made(ret, set, &s, check_pmemset);
	if (ret == 0) {
		s.set = set;
		// The set copied the config, reservation included.
		s.rsv_slot = set_configs_[c].rsv_slot;
		if (s.rsv_slot >= 0)
			rsvs_[s.rsv_slot].users++;
	}
}

void Program::drop_refs_of(int set_slot)
{
	for (auto &r : refs_)
		if (r.pm != nullptr && r.set_slot == set_slot) {
			pmemset_part_map_drop(&r.pm);
			CHECK(r.pm == nullptr);
			r = PartMapRef{};
		}
}

void Program::delete_set(int i)
{
	SetSlot &s = sets_[i];
	// Parts made for it keep the set object alive; mapping them is refused.
	for (auto &p : parts_)
		if (p.part != nullptr && p.set_slot == i) {
			p.set_slot = -1;
			p.orphaned = true;
			p.rsv_slot = s.rsv_slot;
			if (p.rsv_slot >= 0)
				rsvs_[p.rsv_slot].users++;
		}
	drop_refs_of(i);
	CHECK(pmemset_delete(&s.set) == 0);
	CHECK(s.set == nullptr);
	if (s.rsv_slot >= 0)
		rsvs_[s.rsv_slot].users--;
	s = SetSlot{};
}

void Program::op_set_source_new()
{
	SetSourceSlot &s = set_sources_[in_.pick(kSetSources)];
	unsigned kind = in_.u8() % 4;
	unsigned flags = in_.flags(PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS);
	bool null_out = in_.u8() == 0;
	int p2 = maybe(kSources);
	// A path: the library's own file names are never shared with pmem2 fds, and a
	// truncating open only ever gets a new name (truncating a mapped file is the
	// caller's bug).
	std::string path;
	const char *cpath = nullptr;
	bool fixed = false;
	switch (in_.u8() % 8) {
	case 0: break;
	case 1: path = dirs().tmp + "/missing/x"; break;
	case 2: path = dirs().tmp; break;
	case 3: path = "/dev/zero"; break;
	case 4: path = ""; break;
	case 5: path = dirs().shm + "/" + kFixedNames[in_.pick(2)]; fixed = true; break;
	case 6: path = dirs().tmp + "/" + kFixedNames[in_.pick(2)]; fixed = true; break;
	default: path = new_file(in_.flag()); break;
	}
	if (in_.u8() % 8 != 0 || !path.empty())
		cpath = path.c_str();
	if (fixed)
		flags &= ~PMEMSET_SOURCE_FILE_CREATE_ALWAYS;
	if (!null_out && s.src != nullptr)
		return;
	pmemset_source *src = reinterpret_cast<pmemset_source *>(&s);
	pmemset_source **out = null_out ? nullptr : &src;
	int ret;
	switch (kind) {
	case 0: ret = pmemset_source_from_pmem2(out, source_or_null(p2)); break;
	case 1: ret = pmemset_source_from_file(out, cpath); break;
	case 2: ret = pmemset_xsource_from_file(out, cpath, flags); break;
	default: {
		static const char *kDirs[] = {"/tmp", "/dev/shm"};
		const char *dir = cpath;
		if (in_.flag())
			dir = kDirs[in_.pick(2)];
		ret = pmemset_source_from_temporary(out, dir);
		break;
	}
	}
	if (null_out) {
		check_pmemset(ret);
		CHECK(ret != 0);
		return;
	}
	check_made(ret, src, &s, check_pmemset);
	if (ret != 0)
		return;
	s.src = src;
	s.pmem2_src_slot = kind == 0 ? p2 : -1;
	if (kind == 0)
		sources_[p2].users++;
}

void Program::op_set_source_delete()
{
	int i = maybe(kSetSources);
	if (i < 0) {
		check_pmemset(pmemset_source_delete(nullptr));
		return;
	}
	SetSourceSlot &s = set_sources_[i];
	CHECK(pmemset_source_delete(&s.src) == 0);
	CHECK(s.src == nullptr);
	if (s.pmem2_src_slot >= 0)
		sources_[s.pmem2_src_slot].users--;
	if (s.parts > 0) {
		// The parts keep the source alive; they no longer count against the slot.
		for (auto &p : parts_)
			if (p.part != nullptr && p.src_slot == i)
				p.src_slot = -1;
	}
	s = SetSourceSlot{};
}

void Program::op_part_new_delete()
{
	int p = in_.pick(kParts);
	PartSlot &part = parts_[p];
	if (in_.flag()) {
		if (in_.u8() == 0) {
			check_pmemset(pmemset_part_delete(nullptr));
			return;
		}
		CHECK(pmemset_part_delete(&part.part) == 0);
		CHECK(part.part == nullptr);
		forget_part(part);
		return;
	}
	int s = maybe(kSets);
	int src = maybe(kSetSources);
	std::size_t offset = in_.size();
	std::size_t length = in_.size();
	if (length > 64 * kMiB && length < (std::size_t{1} << 62))
		length = 64 * kMiB;
	if (offset > 64 * kMiB && offset < (std::size_t{1} << 62))
		offset = 64 * kMiB;
	pmemset *set = set_or_null(s);
	pmemset_source *source = src < 0 ? nullptr : set_sources_[src].src;
	if (in_.u8() == 0) {
		check_pmemset(pmemset_part_new(nullptr, set, source, offset, length));
		return;
	}
	if (part.part != nullptr)
		return;
	pmemset_part *made = reinterpret_cast<pmemset_part *>(&part);
	int ret = pmemset_part_new(&made, set, source, offset, length);
	check_made(ret, made, &part, check_pmemset);
	if (ret != 0)
		return;
	part.part = made;
	part.set_slot = s;
	part.src_slot = src;
	part.pmem2_src_slot = set_sources_[src].pmem2_src_slot;
	sets_[s].parts++;
	set_sources_[src].parts++;
	if (part.pmem2_src_slot >= 0)
		sources_[part.pmem2_src_slot].users++;
}

void Program::op_part_map()
{
	PartSlot &part = parts_[in_.pick(kParts)];
	bool with_desc = in_.flag();
	bool with_extras = in_.flag();
	if (in_.u8() == 0) {
		check_pmemset(pmemset_part_map(nullptr, nullptr, nullptr));
		return;
	}
	pmemset_part_state state = PMEMSET_PART_STATE_INDETERMINATE;
	pmemset_extras extras{nullptr, nullptr, &state};
	pmemset_part_descriptor desc{reinterpret_cast<void *>(1), 1};
	int ret = pmemset_part_map(&part.part, with_extras ? &extras : nullptr, with_desc ? &desc : nullptr);
	check_pmemset(ret);
	if (part.orphaned)
		CHECK(ret == -EINVAL);
	if (ret == 0) {
		CHECK(part.part == nullptr); // consumed
		if (with_desc)
			CHECK(desc.addr != nullptr && desc.size > 0);
		forget_part(part);
	}
}

void Program::op_refs()
{
	PartMapRef &r = refs_[in_.pick(kRefs)];
	int s = maybe(kSets);
	pmemset *set = set_or_null(s);
	switch (in_.u8() % 5) {
	case 0: // first
		if (r.pm != nullptr || set == nullptr) {
			if (set == nullptr && in_.flag()) {
				struct pmemset_part_map *pm = nullptr;
				pmemset_first_part_map(nullptr, &pm);
				CHECK(pm == nullptr);
			}
			return;
		}
		pmemset_first_part_map(set, &r.pm);
		r.set_slot = s;
		break;
	case 1: { // next of a held reference, into another slot
		PartMapRef &to = refs_[in_.pick(kRefs)];
		if (r.pm == nullptr || to.pm != nullptr)
			return;
		pmemset_next_part_map(sets_[r.set_slot].set, r.pm, &to.pm);
		to.set_slot = r.set_slot;
		if (to.pm != nullptr)
			CHECK(pmemset_descriptor_part_map(to.pm).addr > pmemset_descriptor_part_map(r.pm).addr);
		break;
	}
	case 2: { // by address: an address inside another held part map, its end, or NULL
		if (r.pm != nullptr || set == nullptr)
			return;
		void *addr = nullptr;
		PartMapRef &other = refs_[in_.pick(kRefs)];
		if (other.pm != nullptr) {
			auto d = pmemset_descriptor_part_map(other.pm);
			std::size_t off = in_.u32() % (d.size + 1);
			addr = static_cast<char *>(d.addr) + off;
		}
		int ret = pmemset_part_map_by_address(set, &r.pm, addr);
		check_pmemset(ret);
		CHECK((ret == 0) == (r.pm != nullptr));
		r.set_slot = s;
		break;
	}
	case 3: // drop (NULL *pmap is a no-op)
		pmemset_part_map_drop(&r.pm);
		CHECK(r.pm == nullptr);
		r = PartMapRef{};
		break;
	default: {
		auto d = pmemset_descriptor_part_map(r.pm);
		CHECK((r.pm == nullptr) == (d.addr == nullptr && d.size == 0));
		break;
	}
	}
	if (r.pm == nullptr)
		r = PartMapRef{};
}

void Program::op_remove_part_map()
{
	int i = in_.pick(kRefs);
	PartMapRef &r = refs_[i];
	int s = maybe(kSets);
	if (in_.u8() == 0) {
		check_pmemset(pmemset_remove_part_map(set_or_null(s), nullptr));
		return;
	}
	// Possibly the wrong set: refused with PART_NOT_FOUND.
	int ret = pmemset_remove_part_map(set_or_null(s), &r.pm);
	check_pmemset(ret);
	if (ret == 0) {
		CHECK(r.pm == nullptr);
		r = PartMapRef{};
	}
}

bool Program::pick_part_map(int set_slot, pmemset_part_descriptor &d)
{
	pmemset *set = sets_[set_slot].set;
	unsigned k = in_.u8() % 4;
	struct pmemset_part_map *pm = nullptr;
	pmemset_first_part_map(set, &pm);
	while (pm != nullptr && k-- > 0) {
		struct pmemset_part_map *next = nullptr;
		pmemset_next_part_map(set, pm, &next);
		if (next == nullptr)
			break;
		pmemset_part_map_drop(&pm);
		pm = next;
	}
	if (pm == nullptr)
		return false;
	d = pmemset_descriptor_part_map(pm);
	pmemset_part_map_drop(&pm);
	return true;
}

void Program::op_remove_range()
{
	int s = maybe(kSets);
	pmemset *set = set_or_null(s);
	void *addr = nullptr;
	std::size_t len = in_.size();
	pmemset_part_descriptor d{};
	if (set != nullptr && in_.u8() != 0 && pick_part_map(s, d)) {
		std::size_t off = in_.u32() % (d.size + 1);
		if (in_.flag())
			off &= ~(kPage - 1);
		addr = static_cast<char *>(d.addr) + off;
		if (in_.flag())
			len = d.size - off;
	}
	check_pmemset(pmemset_remove_range(set, addr, len));
}

void Program::op_set_settings()
{
	pmemset *set = set_or_null(maybe(kSets));
	if (in_.flag()) {
		check_pmemset(pmemset_set_contiguous_part_coalescing(set,
			static_cast<pmemset_coalescing>(in_.enum_value(3))));
	} else {
		pmem2_granularity g = PMEM2_GRANULARITY_PAGE;
		int ret = pmemset_get_store_granularity(set, in_.u8() == 0 ? nullptr : &g);
		check_pmemset(ret);
		if (ret == 0)
			CHECK(g >= PMEM2_GRANULARITY_BYTE && g <= PMEM2_GRANULARITY_PAGE);
	}
}

void Program::op_set_data()
{
	int s = maybe(kSets);
	pmemset *set = set_or_null(s);
	unsigned op = in_.u8() % 7;
	unsigned flags = in_.flags(PMEMSET_F_MEM_VALID_FLAGS);
	pmemset_part_descriptor d{};
	std::size_t off = 0, len = 0;
	char *base = nullptr;
	if (set != nullptr && pick_part_map(s, d)) {
		subrange(d.size, off, len);
		base = static_cast<char *>(d.addr);
	} else if (op != 3 && op != 6) {
		// No part map: only calls that touch no memory.
		if (op < 2)
			check_pmemset(op == 0 ? pmemset_persist(set, nullptr, 0) : pmemset_flush(set, nullptr, 0));
		else if (op == 2)
			check_pmemset(pmemset_drain(set));
		else
			CHECK(pmemset_memset(set, nullptr, 0, 0, flags) == nullptr || set != nullptr);
		return;
	}
	switch (op) {
	case 0: check_pmemset(pmemset_persist(set, base + off, len)); break;
	case 1: check_pmemset(pmemset_flush(set, base + off, len)); break;
	case 2: check_pmemset(pmemset_drain(set)); break;
	case 3: { // deep flush checks the range itself: any range
		std::size_t size = in_.size();
		if (size > kMaxTouch && size < (std::size_t{1} << 62))
			size = kMaxTouch;
		check_pmemset(pmemset_deep_flush(set, base ? base + off : nullptr, size));
		break;
	}
	case 4:
		CHECK(pmemset_memcpy(set, base + off, scratch().data(), len, flags) == base + off);
		break;
	case 5: {
		std::size_t to = in_.u32() % (d.size - len + 1);
		CHECK(pmemset_memmove(set, base + to, base + off, len, flags) == base + to);
		break;
	}
	default:
		if (base != nullptr)
			CHECK(pmemset_memset(set, base + off, in_.u8(), len, flags) == base + off);
		break;
	}
}

// ---- pairs of threads (each call documented as safe beside the other) ----

void Program::op_pair_map_new()
{
	int m[2] = {static_cast<int>(in_.pick(kMaps)), static_cast<int>(in_.pick(kMaps))};
	int c[2] = {static_cast<int>(in_.pick(kConfigs)), static_cast<int>(in_.pick(kConfigs))};
	int s[2] = {static_cast<int>(in_.pick(kSources)), static_cast<int>(in_.pick(kSources))};
	if (m[0] == m[1] || maps_[m[0]].map || maps_[m[1]].map)
		return;
	pmem2_map *made[2] = {nullptr, nullptr};
	int ret[2];
	auto body = [&](int k) {
		ret[k] = pmem2_map_new(&made[k], configs_[c[k]].cfg, sources_[s[k]].src);
		check_made(ret[k], made[k], nullptr, check_pmem2); // the message is per thread
	};
	std::thread t(body, 1);
	body(0);
	t.join();
	for (int k = 0; k < 2; ++k) {
		maps_[m[k]].map = made[k];
		maps_[m[k]].prot = configs_[c[k]].prot;
	}
	if (made[0] && made[1]) {
		// Two live maps never overlap.
		auto *a = static_cast<char *>(pmem2_map_get_address(made[0]));
		auto *b = static_cast<char *>(pmem2_map_get_address(made[1]));
		CHECK(a + pmem2_map_get_size(made[0]) <= b || b + pmem2_map_get_size(made[1]) <= a);
	}
}

void Program::op_pair_delete_and_find()
{
	int victim = in_.pick(kMaps);
	int other = in_.pick(kMaps);
	pmem2_vm_reservation *rsv = rsv_or_null(maybe(kReservations));
	std::size_t off = in_.size(), len = in_.size();
	int ret_delete = 0;
	std::thread t([&] {
		// Lookups only: a found map is not touched, it may be the one being deleted.
		pmem2_map *found = nullptr;
		check_pmem2(pmem2_vm_reservation_map_find(rsv, off, len, &found));
		check_pmem2(pmem2_vm_reservation_map_find_first(rsv, &found));
		check_pmem2(pmem2_vm_reservation_map_find_last(rsv, &found));
		if (victim != other && maps_[other].map != nullptr && readable(maps_[other].prot)) {
			// Persisting another map walks the registry beside the delete.
			auto *p = pmem2_map_get_address(maps_[other].map);
			pmem2_get_persist_fn(maps_[other].map)(p, std::min(pmem2_map_get_size(maps_[other].map), kMaxTouch));
		}
	});
	ret_delete = pmem2_map_delete(&maps_[victim].map);
	t.join();
	check_pmem2(ret_delete);
	CHECK(maps_[victim].map == nullptr);
	maps_[victim] = MapSlot{};
}

void Program::op_pair_part_map_and_iterate()
{
	PartSlot &part = parts_[in_.pick(kParts)];
	if (part.part == nullptr || part.orphaned)
		return;
	pmemset *set = sets_[part.set_slot].set;
	int ret = 0;
	std::thread t([&] {
		for (int round = 0; round < 3; ++round) {
			struct pmemset_part_map *pm = nullptr;
			pmemset_first_part_map(set, &pm);
			while (pm != nullptr) {
				CHECK(pmemset_descriptor_part_map(pm).size > 0);
				struct pmemset_part_map *next = nullptr;
				pmemset_next_part_map(set, pm, &next);
				pmemset_part_map_drop(&pm);
				pm = next;
			}
			pmem2_granularity g;
			check_pmemset(pmemset_get_store_granularity(set, &g));
		}
	});
	ret = pmemset_part_map(&part.part, nullptr, nullptr);
	t.join();
	check_pmemset(ret);
	if (ret == 0)
		forget_part(part);
}

void Program::op_pair_remove_and_iterate()
{
	int s = in_.pick(kSets);
	pmemset *set = sets_[s].set;
	pmemset_part_descriptor d{};
	if (set == nullptr || !pick_part_map(s, d))
		return;
	std::size_t off = (in_.u32() % (d.size + 1)) & ~(kPage - 1);
	std::size_t len = in_.flag() ? d.size - off : in_.size();
	int ret = 0;
	std::thread t([&] {
		// References taken here make the removal refuse (USE_AFTER_DROP) or miss.
		for (int round = 0; round < 3; ++round) {
			struct pmemset_part_map *pm = nullptr;
			pmemset_first_part_map(set, &pm);
			while (pm != nullptr) {
				struct pmemset_part_map *next = nullptr;
				pmemset_next_part_map(set, pm, &next);
				pmemset_part_map_drop(&pm);
				pm = next;
			}
		}
	});
	ret = pmemset_remove_range(set, static_cast<char *>(d.addr) + off, len);
	t.join();
	check_pmemset(ret);
}

// ---- clean-up: everything goes, in dependency order, and must succeed ----

void Program::cleanup()
{
	for (auto &r : refs_) {
		pmemset_part_map_drop(&r.pm);
		r = PartMapRef{};
	}
	for (auto &p : parts_) {
		CHECK(pmemset_part_delete(&p.part) == 0);
		forget_part(p);
	}
	for (auto &s : sets_) {
		s.parts = 0;
		CHECK(pmemset_delete(&s.set) == 0);
		s = SetSlot{};
	}
	for (auto &s : set_sources_) {
		CHECK(pmemset_source_delete(&s.src) == 0);
		s = SetSourceSlot{};
	}
	for (auto &c : set_configs_) {
		CHECK(pmemset_config_delete(&c.cfg) == 0);
		c = SetConfigSlot{};
	}
	for (auto &b : bbs_) {
		pmem2_badblock_context_delete(&b.ctx);
		b = BadblockSlot{};
	}
	for (auto &m : maps_) {
		if (m.map != nullptr)
			CHECK(pmem2_map_delete(&m.map) == 0);
		m = MapSlot{};
	}
	for (auto &c : configs_) {
		CHECK(pmem2_config_delete(&c.cfg) == 0);
		c = ConfigSlot{};
	}
	for (auto &r : rsvs_) {
		if (r.rsv != nullptr)
			CHECK(pmem2_vm_reservation_delete(&r.rsv) == 0); // empty now
		r = ReservationSlot{};
	}
	for (auto &s : sources_) {
		CHECK(pmem2_source_delete(&s.src) == 0);
		s = SourceSlot{};
	}
	for (auto &r : regions_) {
		if (r.addr != nullptr)
			CHECK(munmap(r.addr, r.len) == 0);
		r = RegionSlot{};
	}
	for (auto &f : fds_) {
		if (f.open && f.fd >= 0 && f.fd != INT_MAX)
			CHECK(close(f.fd) == 0);
		if (f.pipe_write_end >= 0)
			CHECK(close(f.pipe_write_end) == 0);
		f = FdSlot{};
	}
	for (auto &p : files_)
		unlink(p.c_str());
	files_.clear();
	for (const char *name : kFixedNames) {
		unlink((dirs().tmp + "/" + name).c_str());
		unlink((dirs().shm + "/" + name).c_str());
	}
	if (env_set_)
		unsetenv("PMEM2_FORCE_GRANULARITY");
	event_log.reenter.store(false, std::memory_order_relaxed);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	// The ledger is on in this (NDEBUG-less) build; without it the leak check is void.
	CHECK(pmem2::common::address_space::checking());
	(void)dirs();
	(void)scratch();
	std::atexit([] {
		rmdir(dirs().tmp.c_str());
		rmdir(dirs().shm.c_str());
	});
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const int fds_before = count_entries("/proc/self/fd");
	{
		Input in(data, size);
		Program program(in);
		program.run();
	}
	// Nothing of the input is left: no address space, fd or file.
	CHECK(pmem2::common::address_space::owned_bytes() == 0);
	CHECK(count_entries("/proc/self/fd") == fds_before);
	CHECK(count_entries(dirs().tmp.c_str()) == 2);
	CHECK(count_entries(dirs().shm.c_str()) == 2);
	return 0;
}
