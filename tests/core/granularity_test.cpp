// SPDX-License-Identifier: BSD-3-Clause
// granularity_test.cpp -- store granularity: PMEM2_FORCE_GRANULARITY parsing, eADR
// detection from a fake /sys/bus/nd/devices, the decision order, and the
// granularity real mappings get on tmpfs and ext4.
#include <gtest/gtest.h>

#include "core_test_util.hpp"
#include "pmem2/granularity/granularity.hpp"

using namespace pmem2;
using namespace pmem2::test;
using granularity::MapFacts;

namespace {

constexpr const char *kForce = "PMEM2_FORCE_GRANULARITY";
const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));

// A fake nd bus directory: region<N> entries are symlinks to directories holding
// persistence_domain, as in sysfs.
struct FakeNdBus {
	TempDir root;
	FakeNdBus() { root.mkdirs("devices"); root.mkdirs("bus/nd/devices"); }
	std::string path() const { return root / "bus/nd/devices"; }
	// Adds a region symlink; an empty domain means no persistence_domain file.
	void region(const std::string &name, const std::string &domain)
	{
		root.mkdirs("devices/" + name);
		if (!domain.empty())
			root.write("devices/" + name + "/persistence_domain", domain);
		root.symlink("../../../devices/" + name, "bus/nd/devices/" + name);
	}
};

} // namespace

TEST(GranularityForce, UnsetOrInvalidMeansAutodetect)
{
	ScopedEnv unset(kForce, nullptr);
	EXPECT_FALSE(granularity::forced_from_env().has_value());
	for (const char *bad : {"", "bogus", "BYTES", "CACHE-LINE", " PAGE", "PAGE ", "0", "1", "2"}) {
		ScopedEnv e(kForce, bad);
		EXPECT_FALSE(granularity::forced_from_env().has_value()) << '"' << bad << '"';
	}
}

TEST(GranularityForce, AcceptedValuesAnyCase)
{
	const std::pair<const char *, Granularity> cases[] = {
		{"BYTE", Granularity::Byte},	       {"byte", Granularity::Byte},
		{"ByTe", Granularity::Byte},	       {"CACHE_LINE", Granularity::CacheLine},
		{"cache_line", Granularity::CacheLine}, {"CACHELINE", Granularity::CacheLine},
		{"CacheLine", Granularity::CacheLine},  {"PAGE", Granularity::Page},
		{"page", Granularity::Page},
	};
	for (const auto &[value, want] : cases) {
		ScopedEnv e(kForce, value);
		auto got = granularity::forced_from_env();
		ASSERT_TRUE(got.has_value()) << value;
		EXPECT_EQ(*got, want) << value;
	}
}

TEST(GranularityForce, ElevenOrMoreCharactersAreInvalid)
{
	// The reference copies the value into an 11-byte buffer: 10 characters fit.
	{
		ScopedEnv ten(kForce, "cache_line");
		EXPECT_TRUE(granularity::forced_from_env().has_value());
	}
	for (const char *longer : {"CACHE_LINE_", "CACHE_LINEX", "cache_line\n", "PAGEPAGEPAGE"}) {
		ScopedEnv e(kForce, longer);
		EXPECT_FALSE(granularity::forced_from_env().has_value()) << longer;
	}
}

TEST(GranularityEadr, NoNdBusMeansNoEadr)
{
	TempDir dir;
	EXPECT_FALSE(granularity::platform_has_eadr(dir / "does-not-exist"));
	dir.write("file", "x");
	EXPECT_FALSE(granularity::platform_has_eadr(dir / "file"));
}

TEST(GranularityEadr, NoRegionsMeansNoEadr)
{
	FakeNdBus bus;
	EXPECT_FALSE(granularity::platform_has_eadr(bus.path()));
}

TEST(GranularityEadr, AllRegionsCpuCache)
{
	FakeNdBus bus;
	bus.region("region0", "cpu_cache\n");
	EXPECT_TRUE(granularity::platform_has_eadr(bus.path()));
	bus.region("region1", "cpu_cache\n");
	EXPECT_TRUE(granularity::platform_has_eadr(bus.path()));
}

TEST(GranularityEadr, OneMemoryControllerRegionDisablesEadr)
{
	FakeNdBus bus;
	bus.region("region0", "cpu_cache\n");
	bus.region("region1", "memory_controller\n");
	EXPECT_FALSE(granularity::platform_has_eadr(bus.path()));
}

TEST(GranularityEadr, MissingOrMalformedDomainDisablesEadr)
{
	FakeNdBus missing;
	missing.region("region0", "cpu_cache\n");
	missing.region("region1", "");
	EXPECT_FALSE(granularity::platform_has_eadr(missing.path()));

	FakeNdBus no_newline;
	no_newline.region("region0", "cpu_cache");
	EXPECT_FALSE(granularity::platform_has_eadr(no_newline.path()));

	FakeNdBus trailing;
	trailing.region("region0", "cpu_cache\nx");
	EXPECT_FALSE(granularity::platform_has_eadr(trailing.path()));
}

TEST(GranularityEadr, OnlyRegionSymlinksCount)
{
	FakeNdBus bus;
	// A real directory named like a region, and symlinks not named region: ignored.
	bus.root.mkdirs("bus/nd/devices/region9");
	bus.root.write("bus/nd/devices/region9/persistence_domain", "memory_controller\n");
	bus.root.mkdirs("devices/ndbus0");
	bus.root.write("devices/ndbus0/persistence_domain", "memory_controller\n");
	bus.root.symlink("../../../devices/ndbus0", "bus/nd/devices/ndbus0");
	EXPECT_FALSE(granularity::platform_has_eadr(bus.path())) << "no region symlink at all";
	bus.region("region0", "cpu_cache\n");
	EXPECT_TRUE(granularity::platform_has_eadr(bus.path()));
	// "region" anywhere in the name counts (the reference uses strstr).
	bus.region("pmem-region1", "memory_controller\n");
	EXPECT_FALSE(granularity::platform_has_eadr(bus.path()));
}

TEST(GranularityDecision, Order)
{
	ScopedEnv unset(kForce, nullptr);
	FakeNdBus adr;
	adr.region("region0", "memory_controller\n");
	FakeNdBus eadr;
	eadr.region("region0", "cpu_cache\n");

	EXPECT_EQ(granularity::available(MapFacts{true, false, false}, adr.path()), Granularity::Byte);
	EXPECT_EQ(granularity::available(MapFacts{false, true, false}, adr.path()), Granularity::Byte);
	EXPECT_EQ(granularity::available(MapFacts{false, false, false}, eadr.path()), Granularity::Page);
	EXPECT_EQ(granularity::available(MapFacts{false, false, true}, adr.path()), Granularity::CacheLine);
	EXPECT_EQ(granularity::available(MapFacts{false, false, true}, eadr.path()), Granularity::Byte);
}

TEST(GranularityDecision, ForceOverridesDetectionButNotAnonOrPrivate)
{
	FakeNdBus adr;
	adr.region("region0", "memory_controller\n");
	{
		ScopedEnv e(kForce, "byte");
		EXPECT_EQ(granularity::available(MapFacts{false, false, false}, adr.path()), Granularity::Byte);
	}
	{
		ScopedEnv e(kForce, "PAGE");
		EXPECT_EQ(granularity::available(MapFacts{false, false, true}, adr.path()), Granularity::Page);
		EXPECT_EQ(granularity::available(MapFacts{true, false, true}, adr.path()), Granularity::Byte);
		EXPECT_EQ(granularity::available(MapFacts{false, true, true}, adr.path()), Granularity::Byte);
	}
	{
		ScopedEnv e(kForce, "CACHELINE");
		EXPECT_EQ(granularity::available(MapFacts{false, false, false}, adr.path()), Granularity::CacheLine);
	}
}

namespace {

// Maps a fresh file in `dir` (SHARED, page required) and returns its granularity.
pmem2_granularity granularity_of_new_map(const std::string &dir, pmem2_sharing_type sharing = PMEM2_SHARED)
{
	TempFile f(kPage, dir);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config(PMEM2_GRANULARITY_PAGE);
	EXPECT_EQ(pmem2_config_set_sharing(cfg.get(), sharing), 0);
	MapPtr m = must_map(cfg, src);
	return pmem2_map_get_store_granularity(m.get());
}

} // namespace

TEST(GranularityMap, TmpfsAndExt4ArePage)
{
	ScopedEnv unset(kForce, nullptr);
	EXPECT_EQ(granularity_of_new_map("/dev/shm"), PMEM2_GRANULARITY_PAGE);
	EXPECT_EQ(granularity_of_new_map("/tmp"), PMEM2_GRANULARITY_PAGE);
}

TEST(GranularityMap, PrivateIsByte)
{
	ScopedEnv unset(kForce, nullptr);
	EXPECT_EQ(granularity_of_new_map("/tmp", PMEM2_PRIVATE), PMEM2_GRANULARITY_BYTE);
	ScopedEnv force(kForce, "PAGE");
	EXPECT_EQ(granularity_of_new_map("/dev/shm", PMEM2_PRIVATE), PMEM2_GRANULARITY_BYTE);
}

TEST(GranularityMap, ForceIsReadOnEveryMap)
{
	{
		ScopedEnv e(kForce, "byte");
		EXPECT_EQ(granularity_of_new_map("/dev/shm"), PMEM2_GRANULARITY_BYTE);
	}
	{
		ScopedEnv e(kForce, "CacheLine");
		EXPECT_EQ(granularity_of_new_map("/tmp"), PMEM2_GRANULARITY_CACHE_LINE);
	}
	{
		ScopedEnv e(kForce, "CACHE_LINEX"); // 11 characters: ignored
		EXPECT_EQ(granularity_of_new_map("/tmp"), PMEM2_GRANULARITY_PAGE);
	}
}

TEST(GranularityMap, AnonIsAlwaysByte)
{
	for (const char *force : {static_cast<const char *>(nullptr), "PAGE", "CACHE_LINE"}) {
		ScopedEnv e(kForce, force);
		for (auto sharing : {PMEM2_SHARED, PMEM2_PRIVATE}) {
			SourcePtr src = source_from_anon(kPage);
			ConfigPtr cfg = make_config(PMEM2_GRANULARITY_BYTE);
			ASSERT_EQ(pmem2_config_set_sharing(cfg.get(), sharing), 0);
			MapPtr m = must_map(cfg, src);
			EXPECT_EQ(pmem2_map_get_store_granularity(m.get()), PMEM2_GRANULARITY_BYTE);
		}
	}
}

TEST(GranularityMap, FinestAvailableIsReportedNotTheRequested)
{
	ScopedEnv e(kForce, "BYTE");
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config(PMEM2_GRANULARITY_PAGE);
	MapPtr m = must_map(cfg, src);
	EXPECT_EQ(pmem2_map_get_store_granularity(m.get()), PMEM2_GRANULARITY_BYTE);
}

TEST(GranularityMap, NotSupportedWhenOnlyPageIsAvailable)
{
	ScopedEnv unset(kForce, nullptr);
	for (const char *dir : {"/tmp", "/dev/shm"}) {
		TempFile f(kPage, dir);
		SourcePtr src = source_from_fd(f.fd());
		for (auto g : {PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_BYTE}) {
			ConfigPtr cfg = make_config(g);
			const auto before = vmas();
			pmem2_map *m = reinterpret_cast<pmem2_map *>(0x1);
			EXPECT_EQ(pmem2_map_new(&m, cfg.get(), src.get()), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
			EXPECT_EQ(m, nullptr);
			EXPECT_NE(std::string(pmem2_errormsg()).find("MAP_SYNC"), std::string::npos) << pmem2_errormsg();
			EXPECT_TRUE(left_behind(before, vmas(), f.path()).empty()) << "the refused mapping was not undone";
		}
	}
}

TEST(GranularityMap, NotSupportedWhenCacheLineIsAvailableAndByteRequired)
{
	ScopedEnv e(kForce, "CACHE_LINE");
	TempFile f(kPage);
	SourcePtr src = source_from_fd(f.fd());
	ConfigPtr cfg = make_config(PMEM2_GRANULARITY_BYTE);
	MapPtr m;
	EXPECT_EQ(map_new(m, cfg, src), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	EXPECT_NE(std::string(pmem2_errormsg()).find("eADR"), std::string::npos) << pmem2_errormsg();
}
