// SPDX-License-Identifier: BSD-3-Clause
// map_test.cpp -- pmem2_map_new's validation order and error codes, placement and
// alignment, protection and sharing semantics, anonymous maps, map_delete and
// map_from_existing, and the map getters.
#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <vector>

#include "c_callers.h"
#include "core_test_util.hpp"
#include "pmem2/map/map.hpp"

using namespace pmem2::test;

namespace {

const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));
constexpr size_t kMiB = 1 << 20;
constexpr size_t kGiB = size_t(1) << 30;

// Fresh config/source per call so each case states exactly what it sets.
struct Case {
	ConfigPtr cfg = make_config();
	int expect_fail(const SourcePtr &src)
	{
		pmem2_map *const poison = reinterpret_cast<pmem2_map *>(0x1);
		pmem2_map *m = poison;
		int rc = pmem2_map_new(&m, cfg.get(), src.get());
		EXPECT_EQ(m, nullptr) << "*map_ptr must be NULL after a failure";
		if (rc != 0) {
			EXPECT_STRNE(pmem2_errormsg(), "");
		}
		MapPtr guard(m != poison ? m : nullptr); // should it have succeeded
		return rc;
	}
};

void fill_pattern(int fd, size_t len)
{
	std::string data(len, '\0');
	for (size_t i = 0; i < len; ++i)
		data[i] = static_cast<char>(i * 7 + i / 4096);
	ASSERT_EQ(::pwrite(fd, data.data(), len, 0), static_cast<ssize_t>(len));
}

} // namespace

TEST(MapNew, NullArguments)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	pmem2_map *m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_LT(pmem2_map_new(nullptr, cfg.get(), src.get()), 0);
	EXPECT_LT(pmem2_map_new(&m, nullptr, src.get()), 0);
	EXPECT_EQ(m, nullptr);
	m = reinterpret_cast<pmem2_map *>(0x1);
	EXPECT_LT(pmem2_map_new(&m, cfg.get(), nullptr), 0);
	EXPECT_EQ(m, nullptr);
}

TEST(MapNew, GranularityNotSetComesFirst)
{
	TempFile empty(0);
	SourcePtr src = source_from_fd(empty.fd());
	pmem2_config *raw = nullptr;
	ASSERT_EQ(pmem2_config_new(&raw), 0);
	Case c;
	c.cfg.reset(raw);
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), 1), 0);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 1), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_GRANULARITY_NOT_SET);
}

TEST(MapNew, OffsetUnalignedBeforeSourceEmpty)
{
	TempFile empty(0);
	SourcePtr src = source_from_fd(empty.fd());
	Case c;
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), 1), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_OFFSET_UNALIGNED);
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), kPage + 512), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_OFFSET_UNALIGNED);
}

TEST(MapNew, SourceEmptyBeforeLengthUnaligned)
{
	TempFile empty(0);
	SourcePtr src = source_from_fd(empty.fd());
	Case c;
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 1), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_SOURCE_EMPTY);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 0), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_SOURCE_EMPTY);

	SourcePtr anon = source_from_anon(0);
	EXPECT_EQ(c.expect_fail(anon), PMEM2_E_SOURCE_EMPTY);
}

TEST(MapNew, LengthUnalignedBeforeMapRange)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	Case c;
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 100 * kPage + 1), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_LENGTH_UNALIGNED);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 1), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_LENGTH_UNALIGNED);
}

TEST(MapNew, MapRange)
{
	TempFile f(4 * kPage);
	SourcePtr src = source_from_fd(f.fd());
	Case c;
	// Length past the end.
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 5 * kPage), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_MAP_RANGE);
	// Offset + length past the end.
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), 2 * kPage), 0);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 3 * kPage), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_MAP_RANGE);
	// Offset alone past the end.
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), 8 * kPage), 0);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 0), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_MAP_RANGE);
	// offset + length overflows size_t.
	const size_t big_off = static_cast<size_t>(INT64_MAX) & ~(kPage - 1);
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), big_off), 0);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), SIZE_MAX & ~(kPage - 1)), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_MAP_RANGE);
	EXPECT_NE(std::string(pmem2_errormsg()).find("overflow"), std::string::npos) << pmem2_errormsg();
}

TEST(MapNew, OffsetAtEndWithLengthZeroFails)
{
	TempFile f(2 * kPage);
	SourcePtr src = source_from_fd(f.fd());
	Case c;
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), 2 * kPage), 0);
	EXPECT_EQ(c.expect_fail(src), -EINVAL); // the reference's mmap(len 0)
}

TEST(MapNew, ReadOnlyFdWithWriteProtectionIsNoAccess)
{
	TempFile f(kPage, "/tmp", O_RDONLY);
	SourcePtr src = source_from_fd(f.fd());
	Case c; // default protection READ|WRITE
	const auto before = vmas();
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_NO_ACCESS);
	EXPECT_TRUE(left_behind(before, vmas(), f.path()).empty()) << "placeholder leaked";

	TempFile shm(kPage, "/dev/shm", O_RDONLY);
	SourcePtr shm_src = source_from_fd(shm.fd());
	EXPECT_EQ(c.expect_fail(shm_src), PMEM2_E_NO_ACCESS);
}

TEST(MapNew, AppendOnlyFileIsNoAccess)
{
	// The kernel refuses shared writable maps of append-only inodes with EACCES,
	// which the reference (and we) report as NO_ACCESS, not -EACCES.
	TempFile f(kPage);
	int flags = 0;
	if (::ioctl(f.fd(), FS_IOC_GETFLAGS, &flags) != 0)
		GTEST_SKIP() << "no inode flags on /tmp: " << std::strerror(errno);
	const int with_append = flags | FS_APPEND_FL;
	if (::ioctl(f.fd(), FS_IOC_SETFLAGS, &with_append) != 0)
		GTEST_SKIP() << "cannot set the append-only flag (needs CAP_LINUX_IMMUTABLE): " << std::strerror(errno);
	SourcePtr src = source_from_fd(f.fd());
	Case c;
	const int rc = c.expect_fail(src);
	::ioctl(f.fd(), FS_IOC_SETFLAGS, &flags); // so the file can be removed
	EXPECT_EQ(rc, PMEM2_E_NO_ACCESS);
}

TEST(MapNew, ReadOnlyFdReadProtection)
{
	TempFile f(kPage);
	ASSERT_EQ(::pwrite(f.fd(), "hello", 5, 0), 5);
	int ro = ::open(f.path().c_str(), O_RDONLY);
	ASSERT_GE(ro, 0);
	SourcePtr src = source_from_fd(ro);
	ConfigPtr cfg = make_config();
	ASSERT_EQ(pmem2_config_set_protection(cfg.get(), PMEM2_PROT_READ), 0);
	MapPtr m = must_map(cfg, src);
	EXPECT_EQ(vma_perms(pmem2_map_get_address(m.get())), "r--s");
	EXPECT_EQ(std::memcmp(pmem2_map_get_address(m.get()), "hello", 5), 0);
	::close(ro);
}

TEST(MapNew, ReadOnlyFdPrivateWritableMapIsCopyOnWrite)
{
	TempFile f(kPage);
	ASSERT_EQ(::pwrite(f.fd(), "file", 4, 0), 4);
	int ro = ::open(f.path().c_str(), O_RDONLY);
	ASSERT_GE(ro, 0);
	SourcePtr src = source_from_fd(ro);
	ConfigPtr cfg = make_config();
	ASSERT_EQ(pmem2_config_set_sharing(cfg.get(), PMEM2_PRIVATE), 0);
	MapPtr m = must_map(cfg, src);
	auto *p = static_cast<char *>(pmem2_map_get_address(m.get()));
	EXPECT_EQ(vma_perms(p), "rw-p");
	EXPECT_EQ(std::memcmp(p, "file", 4), 0);
	std::memcpy(p, "priv", 4);
	pmem2_get_persist_fn(m.get())(p, 4);
	EXPECT_EQ(read_file(f.fd(), 0, 4), "file");
	::close(ro);
}

TEST(MapNew, ProtectionNoneAndExec)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	ASSERT_EQ(pmem2_config_set_protection(cfg.get(), PMEM2_PROT_NONE), 0);
	{
		MapPtr m = must_map(cfg, src);
		EXPECT_EQ(vma_perms(pmem2_map_get_address(m.get())), "---s");
	}
	ASSERT_EQ(pmem2_config_set_protection(cfg.get(), PMEM2_PROT_READ | PMEM2_PROT_EXEC), 0);
	MapPtr m;
	int rc = map_new(m, cfg, src);
	if (rc == -EPERM)
		GTEST_SKIP() << "/tmp is mounted noexec";
	ASSERT_EQ(rc, 0) << pmem2_errormsg();
	EXPECT_EQ(vma_perms(pmem2_map_get_address(m.get())), "r-xs");
}

TEST(MapNew, SharedWritesReachTheFile)
{
	for (const char *dir : {"/tmp", "/dev/shm"}) {
		TempFile f(2 * kPage, dir);
		SourcePtr src = source_from_fd(f.fd());
		ConfigPtr cfg = make_config();
		MapPtr m = must_map(cfg, src);
		auto *p = static_cast<char *>(pmem2_map_get_address(m.get()));
		EXPECT_EQ(vma_perms(p), "rw-s");
		pmem2_get_memcpy_fn(m.get())(p + kPage + 3, "shared", 6, 0);
		EXPECT_EQ(read_file(f.fd(), kPage + 3, 6), "shared") << dir;
	}
}

TEST(MapNew, PrivateWritesStayPrivate)
{
	TempFile f(kPage);
	ASSERT_EQ(::pwrite(f.fd(), "orig", 4, 0), 4);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	ASSERT_EQ(pmem2_config_set_sharing(cfg.get(), PMEM2_PRIVATE), 0);
	MapPtr priv = must_map(cfg, src);
	auto *p = static_cast<char *>(pmem2_map_get_address(priv.get()));
	std::memcpy(p, "mine", 4);
	EXPECT_EQ(read_file(f.fd(), 0, 4), "orig");

	// A shared map of the same file sees the file, not the private copy.
	ConfigPtr shared_cfg = make_config();
	MapPtr shared = must_map(shared_cfg, src);
	EXPECT_EQ(std::memcmp(pmem2_map_get_address(shared.get()), "orig", 4), 0);
}

TEST(MapNew, ContentLengthIsNotRounded)
{
	TempFile f(5000);
	fill_pattern(f.fd(), 5000);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	MapPtr m = must_map(cfg, src);
	EXPECT_EQ(pmem2_map_get_size(m.get()), 5000u);
	EXPECT_EQ(read_file(f.fd(), 0, 5000), std::string(static_cast<char *>(pmem2_map_get_address(m.get())), 5000));
}

TEST(MapNew, OffsetAndLengthSelectTheRange)
{
	TempFile f(4 * kPage);
	fill_pattern(f.fd(), 4 * kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	ASSERT_EQ(pmem2_config_set_offset(cfg.get(), kPage), 0);
	ASSERT_EQ(pmem2_config_set_length(cfg.get(), 2 * kPage), 0);
	MapPtr m = must_map(cfg, src);
	EXPECT_EQ(pmem2_map_get_size(m.get()), 2 * kPage);
	EXPECT_EQ(std::string(static_cast<char *>(pmem2_map_get_address(m.get())), 2 * kPage),
		  read_file(f.fd(), kPage, 2 * kPage));

	// Offset alone: to the end.
	ASSERT_EQ(pmem2_config_set_length(cfg.get(), 0), 0);
	ASSERT_EQ(pmem2_config_set_offset(cfg.get(), 3 * kPage), 0);
	MapPtr tail = must_map(cfg, src);
	EXPECT_EQ(pmem2_map_get_size(tail.get()), kPage);
	EXPECT_EQ(std::string(static_cast<char *>(pmem2_map_get_address(tail.get())), kPage),
		  read_file(f.fd(), 3 * kPage, kPage));
}

TEST(MapNew, AddressesAre2MiBAligned)
{
	for (size_t size : {size_t(1), kPage, size_t(5000), 3 * kMiB + kPage}) {
		TempFile f(size);
		SourcePtr src = source_from_fd(f.fd());
		ConfigPtr cfg = make_config();
		std::vector<MapPtr> maps;
		for (int i = 0; i < 4; ++i) {
			maps.push_back(must_map(cfg, src));
			auto addr = reinterpret_cast<uintptr_t>(pmem2_map_get_address(maps.back().get()));
			EXPECT_EQ(addr % (2 * kMiB), 0u) << "size " << size;
		}
	}
	SourcePtr anon = source_from_anon(kPage);
	ConfigPtr cfg = make_config();
	MapPtr m = must_map(cfg, anon);
	EXPECT_EQ(reinterpret_cast<uintptr_t>(pmem2_map_get_address(m.get())) % (2 * kMiB), 0u);
}

TEST(MapNew, PlaceholderIsTrimmed)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	const auto before = vmas();
	MapPtr m = must_map(cfg, src);
	// Exactly one new VMA, the mapping itself: the placeholder's head and tail are gone.
	const auto left = left_behind(before, vmas(), f.path());
	ASSERT_EQ(left.size(), 1u);
	EXPECT_EQ(left[0].begin, reinterpret_cast<uintptr_t>(pmem2_map_get_address(m.get())));
	EXPECT_EQ(left[0].end - left[0].begin, kPage);
	EXPECT_EQ(left[0].perms, "rw-s");
	m.reset();
	EXPECT_TRUE(left_behind(before, vmas(), f.path()).empty());
}

TEST(MapNew, LargeMapsAre1GiBAligned)
{
	// A sparse 2 GiB file: content_length >= 2 GiB switches the alignment to 1 GiB.
	TempFile f(2 * kGiB);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	for (int i = 0; i < 2; ++i) {
		MapPtr m = must_map(cfg, src);
		EXPECT_EQ(pmem2_map_get_size(m.get()), 2 * kGiB);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(pmem2_map_get_address(m.get())) % kGiB, 0u);
	}
}

TEST(MapNew, SourceAndFdMayGoAfterMapping)
{
	TempFile f(kPage);
	int fd = ::open(f.path().c_str(), O_RDWR);
	ASSERT_GE(fd, 0);
	SourcePtr src = source_from_fd(fd);
	ConfigPtr cfg = make_config();
	MapPtr m = must_map(cfg, src);
	src.reset();
	cfg.reset();
	::close(fd);
	auto *p = static_cast<char *>(pmem2_map_get_address(m.get()));
	pmem2_get_memcpy_fn(m.get())(p, "still", 5, 0);
	EXPECT_EQ(read_file(f.fd(), 0, 5), "still");
}

TEST(MapNew, AnonymousShared)
{
	SourcePtr src = source_from_anon(3 * kPage);
	ConfigPtr cfg = make_config(PMEM2_GRANULARITY_BYTE);
	MapPtr m = must_map(cfg, src);
	auto *p = static_cast<char *>(pmem2_map_get_address(m.get()));
	EXPECT_EQ(pmem2_map_get_size(m.get()), 3 * kPage);
	EXPECT_EQ(vma_perms(p), "rw-s");
	EXPECT_EQ(std::string(p, 3 * kPage), std::string(3 * kPage, '\0'));
	std::memset(p, 0xab, 3 * kPage);
}

TEST(MapNew, AnonymousPrivate)
{
	SourcePtr src = source_from_anon(kPage);
	ConfigPtr cfg = make_config(PMEM2_GRANULARITY_BYTE);
	ASSERT_EQ(pmem2_config_set_sharing(cfg.get(), PMEM2_PRIVATE), 0);
	MapPtr m = must_map(cfg, src);
	auto *p = static_cast<char *>(pmem2_map_get_address(m.get()));
	EXPECT_EQ(vma_perms(p), "rw-p");
	p[kPage - 1] = 1;
}

TEST(MapNew, AnonymousOffsetIsCheckedButIgnored)
{
	SourcePtr src = source_from_anon(kPage + 904); // one page and a part, whatever the page size
	Case c;
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), kPage + 904), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_OFFSET_UNALIGNED);
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), 2 * kPage), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_MAP_RANGE);
	ASSERT_EQ(pmem2_config_set_offset(c.cfg.get(), kPage), 0);
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), kPage), 0);
	EXPECT_EQ(c.expect_fail(src), PMEM2_E_MAP_RANGE) << "offset + length is checked against the size";

	// Length 0 with an offset: the whole source, as the reference does.
	ASSERT_EQ(pmem2_config_set_length(c.cfg.get(), 0), 0);
	MapPtr m = must_map(c.cfg, src);
	EXPECT_EQ(pmem2_map_get_size(m.get()), kPage + 904);
}

TEST(MapGetters, NullMapIsSafe)
{
	EXPECT_EQ(pmem2_map_get_address(nullptr), nullptr);
	EXPECT_EQ(pmem2_map_get_size(nullptr), 0u);
	EXPECT_EQ(pmem2_map_get_store_granularity(nullptr), PMEM2_GRANULARITY_PAGE);
}

TEST(MapDelete, UnmapsAndNullsThePointer)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	pmem2_map *m = nullptr;
	ASSERT_EQ(pmem2_map_new(&m, cfg.get(), src.get()), 0);
	void *addr = pmem2_map_get_address(m);
	ASSERT_TRUE(any_mapped(addr, kPage));
	EXPECT_EQ(pmem2_map_delete(&m), 0);
	EXPECT_EQ(m, nullptr);
	EXPECT_FALSE(any_mapped(addr, kPage));
	// A second delete through the NULLed pointer is an error, not a crash.
	EXPECT_LT(pmem2_map_delete(&m), 0);
	EXPECT_LT(pmem2_map_delete(nullptr), 0);
}

TEST(MapDelete, FailedMapsLeaveNoMappingBehind)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	const auto before = vmas();
	for (int i = 0; i < 50; ++i) {
		ConfigPtr cfg = make_config(PMEM2_GRANULARITY_CACHE_LINE);
		MapPtr m;
		ASSERT_EQ(map_new(m, cfg, src), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	}
	EXPECT_TRUE(left_behind(before, vmas(), f.path()).empty());
	for (int i = 0; i < 50; ++i) {
		ConfigPtr cfg = make_config();
		MapPtr m = must_map(cfg, src);
	}
	EXPECT_TRUE(left_behind(before, vmas(), f.path()).empty());
}

TEST(MapDelete, NotRegisteredIsMappingNotFound)
{
	pmem2::map::Map stray;
	stray.addr = reinterpret_cast<void *>(0x7f0000000000);
	stray.content_length = kPage;
	stray.reserved_length = kPage;
	auto st = pmem2::map::map_delete(stray);
	ASSERT_FALSE(st);
	EXPECT_EQ(st.code(), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(stray.addr, reinterpret_cast<void *>(0x7f0000000000)); // untouched

	// Through the C API: the map object is left alone.
	auto *handle = reinterpret_cast<pmem2_map *>(&stray);
	EXPECT_EQ(pmem2_map_delete(&handle), PMEM2_E_MAPPING_NOT_FOUND);
	EXPECT_EQ(handle, reinterpret_cast<pmem2_map *>(&stray));
}

TEST(MapFromExisting, WrapsWithoutOwning)
{
	TempFile f(2 * kPage);
	SourcePtr src = source_from_fd(f.fd());
	void *a = ::mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0);
	ASSERT_NE(a, MAP_FAILED);
	pmem2_map *m = nullptr;
	ASSERT_EQ(pmem2_map_from_existing(&m, src.get(), a, 2 * kPage, PMEM2_GRANULARITY_CACHE_LINE), 0);
	EXPECT_EQ(pmem2_map_get_address(m), a);
	EXPECT_EQ(pmem2_map_get_size(m), 2 * kPage);
	// The granularity is taken as given, even finer than the hardware offers.
	EXPECT_EQ(pmem2_map_get_store_granularity(m), PMEM2_GRANULARITY_CACHE_LINE);
	EXPECT_EQ(pmem2_map_delete(&m), 0);
	EXPECT_EQ(m, nullptr);
	ASSERT_TRUE(any_mapped(a, 2 * kPage)) << "map_delete unmapped memory it does not own";
	static_cast<char *>(a)[0] = 1;
	// The range is free again.
	ASSERT_EQ(pmem2_map_from_existing(&m, src.get(), a, 2 * kPage, PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_EQ(pmem2_map_delete(&m), 0);
	::munmap(a, 2 * kPage);
}

TEST(MapFromExisting, OverlapIsMapExists)
{
	TempFile f(4 * kPage);
	SourcePtr src = source_from_fd(f.fd());
	void *raw = ::mmap(nullptr, 4 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd(), 0);
	ASSERT_NE(raw, MAP_FAILED);
	auto *a = static_cast<char *>(raw);
	pmem2_map *first = nullptr;
	ASSERT_EQ(pmem2_map_from_existing(&first, src.get(), a + kPage, 2 * kPage, PMEM2_GRANULARITY_PAGE), 0);

	struct R {
		size_t off, len;
	};
	for (R r : {R{kPage, 2 * kPage}, R{0, kPage + 1}, R{2 * kPage, 10}, R{3 * kPage - 1, kPage}, R{0, 4 * kPage},
		    R{kPage + 100, 0}}) {
		pmem2_map *m = reinterpret_cast<pmem2_map *>(0x1);
		EXPECT_EQ(pmem2_map_from_existing(&m, src.get(), a + r.off, r.len, PMEM2_GRANULARITY_PAGE),
			  PMEM2_E_MAP_EXISTS)
			<< r.off << "+" << r.len;
		EXPECT_EQ(m, reinterpret_cast<pmem2_map *>(0x1)) << "*map is written only on success, as the reference";
	}
	// Adjacent ranges are fine.
	pmem2_map *left = nullptr, *right = nullptr;
	EXPECT_EQ(pmem2_map_from_existing(&left, src.get(), a, kPage, PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_EQ(pmem2_map_from_existing(&right, src.get(), a + 3 * kPage, kPage, PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_EQ(pmem2_map_delete(&left), 0);
	EXPECT_EQ(pmem2_map_delete(&right), 0);
	EXPECT_EQ(pmem2_map_delete(&first), 0);
	::munmap(raw, 4 * kPage);
}

TEST(MapFromExisting, OverlapWithMapNewIsMapExists)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config();
	MapPtr owned = must_map(cfg, src);
	pmem2_map *m = nullptr;
	EXPECT_EQ(pmem2_map_from_existing(&m, src.get(), pmem2_map_get_address(owned.get()), kPage,
					  PMEM2_GRANULARITY_PAGE),
		  PMEM2_E_MAP_EXISTS);
	EXPECT_EQ(m, nullptr);
}

TEST(MapFromExisting, BadArguments)
{
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	char buf[64];
	// *map is written only on success, as the reference does.
	pmem2_map *const untouched = reinterpret_cast<pmem2_map *>(0x1);
	pmem2_map *m = untouched;
	EXPECT_LT(pmem2_map_from_existing(nullptr, src.get(), buf, sizeof(buf), PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_LT(pmem2_map_from_existing(&m, nullptr, buf, sizeof(buf), PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_EQ(m, untouched);
	// The reference registers address 0 (doc/differences.md): refused here.
	EXPECT_EQ(pmem2_map_from_existing(&m, src.get(), nullptr, 10, PMEM2_GRANULARITY_PAGE), PMEM2_E_ADDRESS_NULL);
	EXPECT_EQ(m, untouched);
	// An invalid granularity is an error (the reference aborts).
	EXPECT_EQ(c_map_from_existing(&m, src.get(), buf, sizeof(buf), 7), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	EXPECT_EQ(c_map_from_existing(&m, src.get(), buf, sizeof(buf), -1), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	// A range running off the address space.
	EXPECT_EQ(pmem2_map_from_existing(&m, src.get(), buf, SIZE_MAX, PMEM2_GRANULARITY_PAGE), PMEM2_E_MAP_RANGE);
	EXPECT_EQ(m, untouched);
}

TEST(MapFromExisting, AnonSourceAndGettersPerGranularity)
{
	SourcePtr src = source_from_anon(kPage);
	alignas(64) static char buf[3][256];
	const pmem2_granularity gs[] = {PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE};
	for (int i = 0; i < 3; ++i) {
		pmem2_map *m = nullptr;
		ASSERT_EQ(pmem2_map_from_existing(&m, src.get(), buf[i], sizeof(buf[i]), gs[i]), 0);
		EXPECT_EQ(pmem2_map_get_store_granularity(m), gs[i]);
		pmem2_get_memset_fn(m)(buf[i], 'z', sizeof(buf[i]), 0);
		EXPECT_EQ(std::string(buf[i], sizeof(buf[i])), std::string(sizeof(buf[i]), 'z'));
		EXPECT_EQ(pmem2_map_delete(&m), 0);
	}
}
