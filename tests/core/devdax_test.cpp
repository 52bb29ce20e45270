// SPDX-License-Identifier: BSD-3-Clause
// devdax_test.cpp -- device DAX recognition, size and alignment from sysfs,
// against a fake sysfs tree in a temporary directory.
#include <gtest/gtest.h>

#include <cerrno>
#include <sys/sysmacros.h>

#include <libpmem2/base.h>

#include "core_test_util.hpp"
#include "pmem2/source/devdax.hpp"

using namespace pmem2::source;
using namespace pmem2::test;

namespace {

const dev_t kDax = makedev(251, 3);
const dev_t kMem = makedev(1, 3);
const char *kDevRel = "devices/platform/ndbus0/region0/dax0.0/dax/dax0.0";

// <root>/dev/char/251:3 -> the dax device directory, whose subsystem is class/dax,
// and whose region ancestor has dax_region/align; 1:3 is a "mem" char device.
struct FakeSysfs {
	TempDir root;
	FakeSysfs(const std::string &size = "4294967296\n", const std::string &align = "2097152\n")
	{
		root.mkdirs("dev/char");
		root.mkdirs("class/dax");
		root.mkdirs("class/mem");
		root.mkdirs(kDevRel);
		root.mkdirs("devices/platform/ndbus0/region0/dax0.0/dax_region");
		root.mkdirs("devices/virtual/mem/null");
		root.symlink("../../" + std::string(kDevRel), "dev/char/251:3");
		root.symlink(root / "class/dax", std::string(kDevRel) + "/subsystem");
		root.symlink("../../devices/virtual/mem/null", "dev/char/1:3");
		root.symlink(root / "class/mem", "devices/virtual/mem/null/subsystem");
		if (!size.empty())
			root.write(std::string(kDevRel) + "/size", size);
		if (!align.empty())
			root.write("devices/platform/ndbus0/region0/dax0.0/dax_region/align", align);
	}
	std::string path() const { return root.path(); }
};

} // namespace

TEST(DevdaxParse, AcceptsNumbersEndingInNewline)
{
	auto dec = devdax::parse_sysfs_number("4096\n", -1, "x");
	ASSERT_TRUE(dec);
	EXPECT_EQ(dec.value(), 4096u);
	auto hex = devdax::parse_sysfs_number("0x200000\n", -1, "x"); // strtoull base 0
	ASSERT_TRUE(hex);
	EXPECT_EQ(hex.value(), 0x200000u);
	auto zero = devdax::parse_sysfs_number("0\n", -1, "x");
	ASSERT_TRUE(zero);
	EXPECT_EQ(zero.value(), 0u);
	auto max = devdax::parse_sysfs_number("18446744073709551615\n", -1, "x");
	ASSERT_TRUE(max);
	EXPECT_EQ(max.value(), 18446744073709551615ULL);
}

TEST(DevdaxParse, RejectsMalformedText)
{
	for (const char *bad : {"", "\n", "4096", "abc\n", "12abc\n", "-1\n", " 1\n", "+1\n", "1\n\n", "1 \n"}) {
		auto r = devdax::parse_sysfs_number(bad, PMEM2_E_INVALID_SIZE_FORMAT, "/fake/size");
		ASSERT_FALSE(r) << "accepted \"" << bad << "\"";
		EXPECT_EQ(r.error().code, PMEM2_E_INVALID_SIZE_FORMAT) << bad;
		EXPECT_NE(r.error().message.find("/fake/size"), std::string::npos);
	}
}

TEST(DevdaxParse, OverflowIsErange)
{
	auto r = devdax::parse_sysfs_number("18446744073709551616\n", PMEM2_E_INVALID_SIZE_FORMAT, "x");
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, -ERANGE);
}

TEST(Devdax, SysfsDirIsDecimalMajorMinor)
{
	EXPECT_EQ(devdax::sysfs_dir(makedev(251, 3)), "/sys/dev/char/251:3");
	EXPECT_EQ(devdax::sysfs_dir(makedev(4095, 1048575), "/r"), "/r/dev/char/4095:1048575");
}

TEST(Devdax, RecognisesDaxBySubsystemName)
{
	FakeSysfs fs;
	auto dax = devdax::is_dax(kDax, fs.path());
	ASSERT_TRUE(dax) << dax.error().message;
	EXPECT_TRUE(dax.value());
	auto mem = devdax::is_dax(kMem, fs.path());
	ASSERT_TRUE(mem);
	EXPECT_FALSE(mem.value());
	auto missing = devdax::is_dax(makedev(9, 9), fs.path());
	ASSERT_FALSE(missing);
	EXPECT_EQ(missing.error().code, -ENOENT);
}

TEST(Devdax, BusDaxAlsoQualifies)
{
	FakeSysfs fs;
	fs.root.mkdirs("bus/dax");
	std::string link = fs.root / (std::string(kDevRel) + "/subsystem");
	ASSERT_EQ(::unlink(link.c_str()), 0);
	fs.root.symlink(fs.root / "bus/dax", std::string(kDevRel) + "/subsystem");
	auto dax = devdax::is_dax(kDax, fs.path());
	ASSERT_TRUE(dax);
	EXPECT_TRUE(dax.value());
}

TEST(Devdax, RealNullDeviceIsNotDax)
{
	struct stat st;
	if (::stat("/sys/dev/char/1:3", &st) != 0)
		GTEST_SKIP() << "sysfs has no /sys/dev/char";
	auto r = devdax::is_dax(kMem);
	ASSERT_TRUE(r);
	EXPECT_FALSE(r.value());
}

TEST(Devdax, SizeFromSysfs)
{
	FakeSysfs fs;
	auto size = devdax::size(kDax, fs.path());
	ASSERT_TRUE(size) << size.error().message;
	EXPECT_EQ(size.value(), 4294967296u);
}

TEST(Devdax, SizeErrors)
{
	FakeSysfs no_newline("4096");
	auto r = devdax::size(kDax, no_newline.path());
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, PMEM2_E_INVALID_SIZE_FORMAT);

	FakeSysfs junk("lots\n");
	r = devdax::size(kDax, junk.path());
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, PMEM2_E_INVALID_SIZE_FORMAT);

	FakeSysfs missing("");
	r = devdax::size(kDax, missing.path());
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, -ENOENT);

	FakeSysfs huge("99999999999999999999999\n");
	r = devdax::size(kDax, huge.path());
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, -ERANGE);
}

TEST(Devdax, AlignmentFromFirstAncestorRegion)
{
	FakeSysfs fs;
	auto a = devdax::alignment(kDax, fs.path());
	ASSERT_TRUE(a) << a.error().message;
	EXPECT_EQ(a.value(), 2097152u);

	// A closer dax_region wins over the one further up.
	fs.root.mkdirs("devices/platform/ndbus0/region0/dax0.0/dax/dax_region");
	fs.root.write("devices/platform/ndbus0/region0/dax0.0/dax/dax_region/align", "4096\n");
	a = devdax::alignment(kDax, fs.path());
	ASSERT_TRUE(a);
	EXPECT_EQ(a.value(), 4096u);
}

TEST(Devdax, AlignmentErrors)
{
	FakeSysfs none("4096\n", "");
	auto a = devdax::alignment(kDax, none.path());
	ASSERT_FALSE(a);
	EXPECT_EQ(a.error().code, PMEM2_E_INVALID_ALIGNMENT_FORMAT);

	FakeSysfs bad_format("4096\n", "2M\n");
	a = devdax::alignment(kDax, bad_format.path());
	ASSERT_FALSE(a);
	EXPECT_EQ(a.error().code, PMEM2_E_INVALID_ALIGNMENT_FORMAT);

	FakeSysfs not_pow2("4096\n", "12288\n");
	a = devdax::alignment(kDax, not_pow2.path());
	ASSERT_FALSE(a);
	EXPECT_EQ(a.error().code, PMEM2_E_INVALID_ALIGNMENT_VALUE);

	FakeSysfs zero("4096\n", "0\n");
	a = devdax::alignment(kDax, zero.path());
	ASSERT_FALSE(a);
	EXPECT_EQ(a.error().code, PMEM2_E_INVALID_ALIGNMENT_VALUE);

	FakeSysfs fs;
	a = devdax::alignment(makedev(9, 9), fs.path()); // no such device
	ASSERT_FALSE(a);
	EXPECT_EQ(a.error().code, -ENOENT);
}
