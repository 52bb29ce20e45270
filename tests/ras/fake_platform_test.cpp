// SPDX-License-Identifier: BSD-3-Clause
// fake_platform_test.cpp -- bad blocks, USC, device id and NUMA against scripted
// platforms (the fake libndctl.so.6/libdaxctl.so.1 is loaded instead of the real ones).
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <fcntl.h>
#include <vector>

#include "capi/pmem2/facade.hpp"
#include "fake_ndctl.h"
#include "pmem2/badblock/badblock.hpp"
#include "pmem2/badblock/extents.hpp"
#include "pmem2/ras/device_info.hpp"
#include "ras_test_util.hpp"
#include "test_files.hpp"

using namespace pmem2;
using test::FakeSysBlock;
using test::TempFile;

namespace {

constexpr unsigned long long kRegionBase = 0x100000000ULL;
constexpr unsigned long long MiB = 1ULL << 20;

class FakePlatform : public ::testing::Test {
protected:
	void SetUp() override { fake_nd_reset(); }
	void TearDown() override
	{
		EXPECT_EQ(fake_nd_live_contexts(), 0) << "an ndctl context leaked";
		fake_nd_reset();
	}

	std::vector<badblock::BadBlock> list(const source::Source &src, int *code = nullptr)
	{
		std::vector<badblock::BadBlock> out;
		auto ctx = badblock::context_new(src);
		if (code != nullptr)
			*code = ctx ? 0 : ctx.error().code;
		if (!ctx)
			return out;
		for (;;) {
			auto bb = badblock::next(*ctx.value());
			if (!bb) {
				EXPECT_EQ(bb.error().code, PMEM2_E_NO_BAD_BLOCK_FOUND);
				EXPECT_FALSE(bb.error().message.empty());
				break;
			}
			out.push_back(bb.value());
		}
		return out;
	}

	// one bus, one region at kRegionBase with numa 1
	int region(unsigned id = 0)
	{
		int bus = fake_nd_add_bus();
		return fake_nd_add_region(bus, id, kRegionBase, 1);
	}

	FakeSysBlock sys;
};

// A file with allocated blocks and its layout (skips when /tmp has no FIEMAP).
struct LaidOutFile {
	TempFile file{0};
	badblock::FileLayout layout;
	bool ok = false;
	explicit LaidOutFile(std::initializer_list<off_t> block_offsets)
	{
		std::string data(4096, 'd');
		for (off_t off : block_offsets)
			if (pwrite(file.fd(), data.data(), data.size(), off) != 4096)
				return;
		fsync(file.fd());
		auto l = badblock::read_layout(file.fd());
		if (!l || l.value().extents.empty())
			return;
		layout = l.value();
		ok = true;
	}
};

bool operator==(const badblock::BadBlock &a, const badblock::BadBlock &b)
{
	return a.offset == b.offset && a.length == b.length;
}

} // namespace

TEST_F(FakePlatform, NoBusMeansEmptyContextAndNoRegion)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	int code = 1;
	EXPECT_TRUE(list(src, &code).empty());
	EXPECT_EQ(code, 0);
	auto usc = ras::device_usc(src);
	ASSERT_FALSE(usc);
	EXPECT_EQ(usc.error().code, PMEM2_E_NOSUPP);
	EXPECT_NE(usc.error().message.find("no NVDIMM region"), std::string::npos);
	auto id = ras::device_id(src);
	ASSERT_FALSE(id);
	EXPECT_EQ(id.error().code, PMEM2_E_NOSUPP);
	auto numa = ras::numa_node(src);
	ASSERT_FALSE(numa);
	EXPECT_EQ(numa.error().code, PMEM2_E_DAX_REGION_NOT_FOUND);
}

TEST_F(FakePlatform, AnonymousAndDirectorySources)
{
	auto anon = source::from_anon(4096);
	EXPECT_EQ(badblock::context_new(*anon).error().code, PMEM2_E_NOSUPP);
	EXPECT_EQ(ras::device_usc(*anon).error().code, PMEM2_E_NOSUPP);
	EXPECT_EQ(ras::device_id(*anon).error().code, PMEM2_E_NOSUPP);
	EXPECT_EQ(ras::numa_node(*anon).error().code, PMEM2_E_NOSUPP);
	source::Source dir;
	dir.kind = source::Kind::Directory;
	EXPECT_EQ(ras::numa_node(dir).error().code, PMEM2_E_INVALID_FILE_TYPE);
	EXPECT_EQ(badblock::context_new(dir).error().code, PMEM2_E_INVALID_FILE_TYPE);
}

TEST_F(FakePlatform, NdctlContextFailureIsAnErrno)
{
	fake_nd_fail_new(ENOMEM);
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	auto c = badblock::context_new(src);
	ASSERT_FALSE(c);
	EXPECT_EQ(c.error().code, -ENOMEM);
	EXPECT_NE(c.error().message.find("ndctl context"), std::string::npos);
	EXPECT_EQ(ras::device_usc(src).error().code, -ENOMEM);
	EXPECT_EQ(ras::numa_node(src).error().code, -ENOMEM);
}

TEST_F(FakePlatform, FsdaxNamespaceListIsTranslatedToFileOffsets)
{
	LaidOutFile f({0, 4096, 8192, 12288});
	if (!f.ok)
		GTEST_SKIP() << "no FIEMAP on /tmp";
	auto src = test::regular_source(f.file.fd());
	int r = region();
	int ns = fake_nd_add_namespace(r, "fsdax", kRegionBase, 64 * MiB, sys.add("pmem0", src.st_dev).c_str());
	const auto &e = f.layout.extents[0];
	const std::uint64_t bs = f.layout.block_size;
	// one sector inside the file's second block, and one far outside the file
	fake_nd_add_namespace_badblock(ns, (e.physical + bs + 1024) / 512, 1);
	fake_nd_add_namespace_badblock(ns, (e.physical + 1000 * MiB) / 512, 8);
	auto bbs = list(src);
	ASSERT_EQ(bbs.size(), 1u);
	EXPECT_EQ(bbs[0].offset, e.logical + bs);
	EXPECT_EQ(bbs[0].length, bs);
}

TEST_F(FakePlatform, MultiExtentFileReportsEachExtentsBlock)
{
	LaidOutFile f({0, off_t(4 * MiB)});
	if (!f.ok)
		GTEST_SKIP() << "no FIEMAP on /tmp";
	ASSERT_GE(f.layout.extents.size(), 2u);
	auto src = test::regular_source(f.file.fd());
	int ns = fake_nd_add_namespace(region(), "fsdax", kRegionBase, 64 * MiB, sys.add("pmem0", src.st_dev).c_str());
	for (const auto &e : f.layout.extents)
		fake_nd_add_namespace_badblock(ns, e.physical / 512, 2); // first 1 KiB of every extent
	auto bbs = list(src);
	ASSERT_EQ(bbs.size(), f.layout.extents.size());
	for (std::size_t i = 0; i < bbs.size(); ++i)
		EXPECT_TRUE(bbs[i] == (badblock::BadBlock{f.layout.extents[i].logical, f.layout.block_size})) << i;
}

TEST_F(FakePlatform, HealthyNamespaceNeedsNoFiemap)
{
	// a file on a file system without FIEMAP would fail only when there is something to translate
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	fake_nd_add_namespace(region(), "fsdax", kRegionBase, 64 * MiB, sys.add("pmem0", src.st_dev).c_str());
	int code = 1;
	EXPECT_TRUE(list(src, &code).empty());
	EXPECT_EQ(code, 0);
}

TEST_F(FakePlatform, DevdaxUsesTheRegionListClippedToTheNamespaceInSectors)
{
	auto src = test::devdax_source("/dev/null");
	int r = region();
	int ns = fake_nd_add_namespace(r, "devdax", kRegionBase + 8 * MiB, 40 * MiB, nullptr);
	const char *devs[] = {"zero", "null", nullptr};
	// data starts 16 MiB into the region (after the info block), 32 MiB long
	fake_nd_set_dax(ns, kRegionBase + 16 * MiB, 32 * MiB, devs);
	const unsigned long long s = 512, beg = 16 * MiB / s, end = 48 * MiB / s;
	fake_nd_add_region_badblock(r, beg - 100, 10);  // before: skipped
	fake_nd_add_region_badblock(r, beg - 2, 4);     // straddles the start: 2 sectors remain
	fake_nd_add_region_badblock(r, beg + 9, 3);     // inside
	fake_nd_add_region_badblock(r, end - 1, 8);     // straddles the end: 1 sector remains
	fake_nd_add_region_badblock(r, end, 1);         // right after: skipped
	auto bbs = list(src);
	ASSERT_EQ(bbs.size(), 3u);
	EXPECT_TRUE(bbs[0] == (badblock::BadBlock{0, 1024}));
	EXPECT_TRUE(bbs[1] == (badblock::BadBlock{9 * 512, 3 * 512}));
	EXPECT_TRUE(bbs[2] == (badblock::BadBlock{32 * MiB - 512, 512}));
}

TEST_F(FakePlatform, DevdaxIsMatchedByDeviceNumberAcrossBusesAndRegions)
{
	auto src = test::devdax_source("/dev/zero");
	int r0 = region(0);
	const char *other[] = {"null", nullptr};
	fake_nd_set_dax(fake_nd_add_namespace(r0, "devdax", kRegionBase, 16 * MiB, nullptr), kRegionBase, 16 * MiB,
			other);
	int bus2 = fake_nd_add_bus();
	int r1 = fake_nd_add_region(bus2, 7, kRegionBase * 2, 5);
	const char *mine[] = {"zero", nullptr};
	fake_nd_set_dax(fake_nd_add_namespace(r1, "devdax", kRegionBase * 2, 16 * MiB, nullptr), kRegionBase * 2,
			16 * MiB, mine);
	auto numa = ras::numa_node(src);
	ASSERT_TRUE(numa) << numa.error().message;
	EXPECT_EQ(numa.value(), 5);
	// a regular file never matches a dax namespace
	TempFile f(4096);
	EXPECT_EQ(ras::numa_node(test::regular_source(f.fd())).error().code, PMEM2_E_DAX_REGION_NOT_FOUND);
}

TEST_F(FakePlatform, MissingDaxDeviceNodeIsAnErrno)
{
	auto src = test::devdax_source("/dev/null");
	const char *devs[] = {"pmem2-no-such-dax-device", nullptr};
	fake_nd_set_dax(fake_nd_add_namespace(region(), "devdax", kRegionBase, 16 * MiB, nullptr), kRegionBase,
			16 * MiB, devs);
	auto c = badblock::context_new(src);
	ASSERT_FALSE(c);
	EXPECT_EQ(c.error().code, -ENOENT);
	EXPECT_NE(c.error().message.find("/dev/pmem2-no-such-dax-device"), std::string::npos);
}

TEST_F(FakePlatform, RawNamespaceUsesTheRegionListForFiles)
{
	LaidOutFile f({0, 4096});
	if (!f.ok)
		GTEST_SKIP() << "no FIEMAP on /tmp";
	auto src = test::regular_source(f.file.fd());
	int r = region();
	// raw namespace at region offset 0: namespace-relative == device-relative
	fake_nd_add_namespace(r, "raw", kRegionBase, 1ULL << 40, sys.add("pmem0", src.st_dev).c_str());
	fake_nd_add_region_badblock(r, f.layout.extents[0].physical / 512, 1);
	auto bbs = list(src);
	ASSERT_EQ(bbs.size(), 1u);
	EXPECT_EQ(bbs[0].offset, f.layout.extents[0].logical);
}

TEST_F(FakePlatform, BlockDeviceComesFromBttThenPfnThenNamespace)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	int r = region();
	const std::string wrong = sys.add("other", makedev(1, 1));
	const std::string right = sys.add("pmem1", src.st_dev);
	int ns_btt = fake_nd_add_namespace(r, "sector", kRegionBase, 16 * MiB, wrong.c_str());
	fake_nd_set_btt(ns_btt, right.c_str());
	EXPECT_TRUE(ras::numa_node(src)) << "btt block device not used";

	fake_nd_reset();
	r = region();
	int ns_pfn = fake_nd_add_namespace(r, "fsdax", kRegionBase, 16 * MiB, wrong.c_str());
	fake_nd_set_pfn(ns_pfn, kRegionBase + 2 * MiB, 14 * MiB, right.c_str());
	EXPECT_TRUE(ras::numa_node(src)) << "pfn block device not used";
}

TEST_F(FakePlatform, DisabledNamespaceIsSkipped)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	int r = region();
	fake_nd_add_namespace(r, "fsdax", kRegionBase, 16 * MiB, nullptr); // no block device
	fake_nd_add_namespace(r, "fsdax", kRegionBase + 16 * MiB, 16 * MiB, sys.add("pmem0", src.st_dev).c_str());
	EXPECT_TRUE(ras::numa_node(src));
}

TEST_F(FakePlatform, MalformedOrMissingDevAttribute)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	fake_nd_add_namespace(region(), "fsdax", kRegionBase, 16 * MiB, sys.add("pmem0", "259:0").c_str());
	auto r = ras::numa_node(src);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, PMEM2_E_INVALID_DEV_FORMAT);

	fake_nd_reset();
	fake_nd_add_namespace(region(), "fsdax", kRegionBase, 16 * MiB, "pmem2-no-such-block-device");
	r = ras::numa_node(src);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, -ENOENT);
}

TEST_F(FakePlatform, UnreadableBoundsAndRegionResource)
{
	auto src = test::devdax_source("/dev/null");
	const char *devs[] = {"null", nullptr};
	fake_nd_set_dax(fake_nd_add_namespace(region(), "devdax", kRegionBase, 16 * MiB, nullptr), ULLONG_MAX,
			16 * MiB, devs);
	EXPECT_EQ(badblock::context_new(src).error().code, PMEM2_E_CANNOT_READ_BOUNDS);

	fake_nd_reset();
	int bus = fake_nd_add_bus();
	int r = fake_nd_add_region(bus, 0, ULLONG_MAX, 0);
	fake_nd_set_dax(fake_nd_add_namespace(r, "devdax", kRegionBase, 16 * MiB, nullptr), kRegionBase, 16 * MiB,
			devs);
	EXPECT_EQ(badblock::context_new(src).error().code, -ENXIO);
}

TEST_F(FakePlatform, UnsafeShutdownCountIsSummedOverDimms)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	int r = region();
	fake_nd_add_namespace(r, "fsdax", kRegionBase, 16 * MiB, sys.add("pmem0", src.st_dev).c_str());
	auto usc = ras::device_usc(src);
	ASSERT_TRUE(usc) << "a DIMM-less region (memmap= emulation) has count 0";
	EXPECT_EQ(usc.value(), 0u);
	fake_nd_add_dimm(r, "8086-01", 3);
	fake_nd_add_dimm(r, "8086-02", 4);
	usc = ras::device_usc(src);
	ASSERT_TRUE(usc);
	EXPECT_EQ(usc.value(), 7u);
	fake_nd_add_dimm(r, "8086-03", -1);
	usc = ras::device_usc(src);
	ASSERT_FALSE(usc);
	EXPECT_EQ(usc.error().code, PMEM2_E_NOSUPP);
	EXPECT_NE(usc.error().message.find("nmem2"), std::string::npos);
}

TEST_F(FakePlatform, DeviceIdLengthQueryProtocol)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	auto *h = capi::handle<pmem2_source>(&src);
	int r = region();
	fake_nd_add_namespace(r, "fsdax", kRegionBase, 16 * MiB, sys.add("pmem0", src.st_dev).c_str());

	size_t len = 0;
	ASSERT_EQ(pmem2_source_device_id(h, nullptr, &len), 0);
	EXPECT_EQ(len, 1u) << "DIMM-less region: the empty id";
	// The reference compares *len only per DIMM: with none, any len (even 0 or
	// NULL) succeeds.
	char empty[4] = "ZZZ";
	size_t zero = 0;
	EXPECT_EQ(pmem2_source_device_id(h, empty, &zero), 0);
	EXPECT_EQ(empty[0], 'Z') << "a 0-byte buffer is not written";
	EXPECT_EQ(pmem2_source_device_id(h, empty, nullptr), 0);
	size_t four = sizeof(empty);
	EXPECT_EQ(pmem2_source_device_id(h, empty, &four), 0);
	EXPECT_STREQ(empty, "");

	fake_nd_add_dimm(r, "8086-a1-1234-00000001", 0);
	fake_nd_add_dimm(r, "8086-00000002", 0);
	ASSERT_EQ(pmem2_source_device_id(h, nullptr, &len), 0);
	const std::string expected = "8086-a1-1234-000000018086-00000002";
	EXPECT_EQ(len, expected.size() + 1);

	std::vector<char> buf(len, 'Z'); // need not start with "\0"
	ASSERT_EQ(pmem2_source_device_id(h, buf.data(), &len), 0);
	EXPECT_EQ(std::string(buf.data()), expected);
	EXPECT_EQ(len, expected.size() + 1) << "*len is not changed";

	std::vector<char> small(len, 'Z');
	size_t small_len = len - 1;
	EXPECT_EQ(pmem2_source_device_id(h, small.data(), &small_len), PMEM2_E_BUFFER_TOO_SMALL);
	EXPECT_EQ(small_len, len - 1);
	EXPECT_EQ(std::string(small.begin(), small.end()), std::string(len, 'Z')) << "buffer left unmodified";
	EXPECT_NE(std::string(pmem2_errormsg()).find("needs"), std::string::npos);

	fake_nd_add_dimm(r, nullptr, 0);
	EXPECT_EQ(pmem2_source_device_id(h, nullptr, &len), PMEM2_E_NOSUPP);
	// The reference finds the id-less DIMM before it needs len: NOSUPP, not -EINVAL.
	EXPECT_EQ(pmem2_source_device_id(h, nullptr, nullptr), PMEM2_E_NOSUPP);
	EXPECT_EQ(pmem2_source_device_id(nullptr, nullptr, &len), -EINVAL);
}

TEST_F(FakePlatform, NumaNodeIsPassedThrough)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	auto *h = capi::handle<pmem2_source>(&src);
	int bus = fake_nd_add_bus();
	int r = fake_nd_add_region(bus, 0, kRegionBase, -1);
	fake_nd_add_namespace(r, "fsdax", kRegionBase, 16 * MiB, sys.add("pmem0", src.st_dev).c_str());
	int node = 42;
	ASSERT_EQ(pmem2_source_numa_node(h, &node), 0);
	EXPECT_EQ(node, -1);
	uint64_t usc = 99;
	EXPECT_EQ(pmem2_source_device_usc(h, &usc), 0);
	EXPECT_EQ(usc, 0u);
}

TEST_F(FakePlatform, FailedQueriesLeaveOutputsUnmodified)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	auto *h = capi::handle<pmem2_source>(&src);
	uint64_t usc = 99;
	int node = 42;
	EXPECT_EQ(pmem2_source_device_usc(h, &usc), PMEM2_E_NOSUPP);
	EXPECT_EQ(usc, 99u);
	EXPECT_EQ(pmem2_source_numa_node(h, &node), PMEM2_E_DAX_REGION_NOT_FOUND);
	EXPECT_EQ(node, 42);
}

class FakeDevdaxClear : public FakePlatform {
protected:
	void SetUp() override
	{
		FakePlatform::SetUp();
		bus = fake_nd_add_bus();
		int r = fake_nd_add_region(bus, 0, kRegionBase, 0);
		const char *devs[] = {"null", nullptr};
		fake_nd_set_dax(fake_nd_add_namespace(r, "devdax", kRegionBase, 64 * MiB, nullptr),
				kRegionBase + 2 * MiB, 62 * MiB, devs);
		src = test::devdax_source("/dev/null");
	}
	int clear(badblock::BadBlock bb)
	{
		auto c = badblock::context_new(src);
		EXPECT_TRUE(c);
		auto s = badblock::clear(*c.value(), bb);
		return s.code();
	}
	int bus = -1;
	source::Source src;
};

TEST_F(FakeDevdaxClear, ClearsThroughArsAtTheAbsoluteAddress)
{
	fake_nd_set_bus_ars(bus, 1, 0, 4096, ULLONG_MAX);
	EXPECT_EQ(clear({8192 + 512, 512}), 0);
	EXPECT_EQ(fake_nd_last_clear_address(bus), kRegionBase + 2 * MiB + 8192);
	EXPECT_EQ(fake_nd_last_clear_length(bus), 4096u);
}

TEST_F(FakeDevdaxClear, PartialClearIsENXIO)
{
	fake_nd_set_bus_ars(bus, 1, 0, 512, 256);
	EXPECT_EQ(clear({0, 512}), -ENXIO);
}

TEST_F(FakeDevdaxClear, CommandFailuresAreErrnos)
{
	fake_nd_set_bus_ars(bus, 0, 0, 512, ULLONG_MAX);
	EXPECT_EQ(clear({0, 512}), -ENOTTY);
	fake_nd_set_bus_ars(bus, 1, -EPERM, 512, ULLONG_MAX);
	EXPECT_EQ(clear({0, 512}), -EPERM);
}

TEST_F(FakePlatform, ClearOnADevdaxWithoutRegionIsAnError)
{
	auto src = test::devdax_source("/dev/null"); // no bus at all
	auto c = badblock::context_new(src);
	ASSERT_TRUE(c);
	EXPECT_EQ(badblock::clear(*c.value(), {0, 512}).code(), PMEM2_E_DAX_REGION_NOT_FOUND);
}

TEST_F(FakePlatform, FileClearPunchesAndReallocatesZeroedBlocks)
{
	TempFile f(0);
	std::string data(4 * 4096, 'x');
	ASSERT_EQ(pwrite(f.fd(), data.data(), data.size(), 0), (ssize_t)data.size());
	auto src = test::regular_source(f.fd());
	auto c = badblock::context_new(src); // empty context: clearing files still works
	ASSERT_TRUE(c);
	ASSERT_TRUE(badblock::clear(*c.value(), {4096, 4096}));
	std::string back(data.size(), '?');
	ASSERT_EQ(pread(f.fd(), back.data(), back.size(), 0), (ssize_t)back.size());
	EXPECT_EQ(back.substr(0, 4096), std::string(4096, 'x'));
	EXPECT_EQ(back.substr(4096, 4096), std::string(4096, '\0'));
	EXPECT_EQ(back.substr(8192), std::string(8192, 'x'));
	struct stat st;
	fstat(f.fd(), &st);
	EXPECT_EQ(st.st_size, 4 * 4096);
	EXPECT_GE(st.st_blocks * 512, 4 * 4096) << "the range is allocated again";

	EXPECT_EQ(badblock::clear(*c.value(), {size_t(INT64_MAX) + 1, 4096}).code(), PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_EQ(badblock::clear(*c.value(), {0, size_t(INT64_MAX) + 1}).code(), PMEM2_E_LENGTH_OUT_OF_RANGE);
}

TEST_F(FakePlatform, CApiContextLifecycle)
{
	TempFile f(4096);
	auto src = test::regular_source(f.fd());
	auto *h = capi::handle<pmem2_source>(&src);
	EXPECT_EQ(pmem2_badblock_context_new(nullptr, h), -EINVAL);
	pmem2_badblock_context *ctx = reinterpret_cast<pmem2_badblock_context *>(0x1);
	EXPECT_EQ(pmem2_badblock_context_new(&ctx, nullptr), -EINVAL);
	EXPECT_EQ(ctx, nullptr);

	// An anonymous source is refused before *bbctx is touched, as the reference;
	// even a NULL bbctx gets that NOSUPP.
	auto anon = source::from_anon(4096);
	ctx = reinterpret_cast<pmem2_badblock_context *>(0x1);
	EXPECT_EQ(pmem2_badblock_context_new(&ctx, capi::handle<pmem2_source>(anon.get())), PMEM2_E_NOSUPP);
	EXPECT_EQ(ctx, reinterpret_cast<pmem2_badblock_context *>(0x1));
	EXPECT_EQ(pmem2_badblock_context_new(nullptr, capi::handle<pmem2_source>(anon.get())), PMEM2_E_NOSUPP);

	ASSERT_EQ(pmem2_badblock_context_new(&ctx, h), 0);
	ASSERT_NE(ctx, nullptr);
	pmem2_badblock bb;
	EXPECT_EQ(pmem2_badblock_next(ctx, &bb), PMEM2_E_NO_BAD_BLOCK_FOUND);
	EXPECT_STRNE(pmem2_errormsg(), "");
	// No bad block: the reference answers that before it needs bb.
	EXPECT_EQ(pmem2_badblock_next(ctx, nullptr), PMEM2_E_NO_BAD_BLOCK_FOUND);
	EXPECT_EQ(pmem2_badblock_clear(nullptr, &bb), -EINVAL);
	pmem2_badblock_context_delete(&ctx);
	EXPECT_EQ(ctx, nullptr);
	pmem2_badblock_context_delete(&ctx);
	pmem2_badblock_context_delete(nullptr);
}
