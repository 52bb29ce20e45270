// SPDX-License-Identifier: BSD-3-Clause
// config_test.cpp -- pmem2_config_*: defaults, every setter's accepted values and
// errors (the config is left unchanged on failure), NULL arguments.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

#include "c_callers.h"
#include "core_test_util.hpp"
#include "pmem2/config/config.hpp"

using namespace pmem2;
using namespace pmem2::test;

namespace {
const config::Config &view(const ConfigPtr &c) { return *reinterpret_cast<const config::Config *>(c.get()); }
} // namespace

TEST(Config, NewGivesDefaults)
{
	pmem2_config *raw = reinterpret_cast<pmem2_config *>(0x1);
	ASSERT_EQ(pmem2_config_new(&raw), 0);
	ConfigPtr cfg(raw);
	const config::Config &c = view(cfg);
	EXPECT_EQ(c.offset, 0u);
	EXPECT_EQ(c.length, 0u);
	EXPECT_FALSE(c.required_granularity.has_value());
	EXPECT_EQ(c.sharing, Sharing::Shared);
	EXPECT_EQ(c.protection, unsigned(PMEM2_PROT_READ | PMEM2_PROT_WRITE));
	EXPECT_EQ(c.reservation, nullptr);
	EXPECT_EQ(c.reservation_offset, 0u);
}

TEST(Config, ProtectionBitsMatchTheHeader)
{
	EXPECT_EQ(config::kProtExec, unsigned(PMEM2_PROT_EXEC));
	EXPECT_EQ(config::kProtRead, unsigned(PMEM2_PROT_READ));
	EXPECT_EQ(config::kProtWrite, unsigned(PMEM2_PROT_WRITE));
	EXPECT_EQ(0u, unsigned(PMEM2_PROT_NONE));
}

TEST(Config, NewAndDeleteNull)
{
	EXPECT_LT(pmem2_config_new(nullptr), 0);
	EXPECT_EQ(pmem2_config_delete(nullptr), 0);
	pmem2_config *cfg = nullptr;
	EXPECT_EQ(pmem2_config_delete(&cfg), 0);
	ASSERT_EQ(pmem2_config_new(&cfg), 0);
	EXPECT_EQ(pmem2_config_delete(&cfg), 0);
	EXPECT_EQ(cfg, nullptr);
}

TEST(Config, Offset)
{
	ConfigPtr cfg = make_config();
	EXPECT_EQ(pmem2_config_set_offset(cfg.get(), 4096), 0);
	EXPECT_EQ(view(cfg).offset, 4096u);
	EXPECT_EQ(pmem2_config_set_offset(cfg.get(), static_cast<size_t>(INT64_MAX)), 0);
	EXPECT_EQ(view(cfg).offset, static_cast<size_t>(INT64_MAX));

	ASSERT_EQ(pmem2_config_set_offset(cfg.get(), 8192), 0);
	EXPECT_EQ(pmem2_config_set_offset(cfg.get(), static_cast<size_t>(INT64_MAX) + 1), PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_STRNE(pmem2_errormsg(), "");
	EXPECT_EQ(pmem2_config_set_offset(cfg.get(), SIZE_MAX), PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_EQ(view(cfg).offset, 8192u);
}

TEST(Config, LengthNeverFails)
{
	ConfigPtr cfg = make_config();
	for (size_t len : {size_t(0), size_t(1), size_t(4097), SIZE_MAX}) {
		EXPECT_EQ(pmem2_config_set_length(cfg.get(), len), 0);
		EXPECT_EQ(view(cfg).length, len);
	}
}

TEST(Config, Granularity)
{
	pmem2_config *raw = nullptr;
	ASSERT_EQ(pmem2_config_new(&raw), 0);
	ConfigPtr cfg(raw);
	for (auto g : {PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE, PMEM2_GRANULARITY_PAGE}) {
		EXPECT_EQ(pmem2_config_set_required_store_granularity(cfg.get(), g), 0);
		ASSERT_TRUE(view(cfg).required_granularity.has_value());
		EXPECT_EQ(static_cast<int>(*view(cfg).required_granularity), static_cast<int>(g));
	}
	for (int bad : {-1, 3, 100, INT_MIN, INT_MAX}) {
		EXPECT_EQ(c_set_granularity(cfg.get(), bad), PMEM2_E_GRANULARITY_NOT_SUPPORTED) << bad;
		EXPECT_EQ(*view(cfg).required_granularity, Granularity::Page);
	}
}

TEST(Config, Sharing)
{
	ConfigPtr cfg = make_config();
	EXPECT_EQ(pmem2_config_set_sharing(cfg.get(), PMEM2_PRIVATE), 0);
	EXPECT_EQ(view(cfg).sharing, Sharing::Private);
	EXPECT_EQ(pmem2_config_set_sharing(cfg.get(), PMEM2_SHARED), 0);
	EXPECT_EQ(view(cfg).sharing, Sharing::Shared);
	ASSERT_EQ(pmem2_config_set_sharing(cfg.get(), PMEM2_PRIVATE), 0);
	for (int bad : {-1, 2, 42, INT_MIN}) {
		EXPECT_EQ(c_set_sharing(cfg.get(), bad), PMEM2_E_INVALID_SHARING_VALUE) << bad;
		EXPECT_EQ(view(cfg).sharing, Sharing::Private);
	}
}

TEST(Config, Protection)
{
	ConfigPtr cfg = make_config();
	const unsigned all = PMEM2_PROT_EXEC | PMEM2_PROT_READ | PMEM2_PROT_WRITE;
	for (unsigned prot : {0u, unsigned(PMEM2_PROT_READ), unsigned(PMEM2_PROT_WRITE), unsigned(PMEM2_PROT_EXEC),
			      unsigned(PMEM2_PROT_READ | PMEM2_PROT_EXEC), all}) {
		EXPECT_EQ(pmem2_config_set_protection(cfg.get(), prot), 0) << prot;
		EXPECT_EQ(view(cfg).protection, prot);
	}
	ASSERT_EQ(pmem2_config_set_protection(cfg.get(), PMEM2_PROT_READ), 0);
	for (unsigned bad : {1u, 2u, 1u << 28, all | 1u, ~0u}) {
		EXPECT_EQ(pmem2_config_set_protection(cfg.get(), bad), PMEM2_E_INVALID_PROT_FLAG) << bad;
		EXPECT_EQ(view(cfg).protection, unsigned(PMEM2_PROT_READ));
	}
}

TEST(Config, VmReservationNullClears)
{
	ConfigPtr cfg = make_config();
	auto *fake = reinterpret_cast<pmem2_vm_reservation *>(0x1000);
	EXPECT_EQ(pmem2_config_set_vm_reservation(cfg.get(), fake, 8192), 0);
	EXPECT_EQ(view(cfg).reservation, reinterpret_cast<vm::Reservation *>(fake));
	EXPECT_EQ(view(cfg).reservation_offset, 8192u);
	EXPECT_EQ(pmem2_config_set_vm_reservation(cfg.get(), nullptr, 4096), 0);
	EXPECT_EQ(view(cfg).reservation, nullptr);
	EXPECT_EQ(view(cfg).reservation_offset, 0u);
}

TEST(Config, NullConfigGivesNegativeCodes)
{
	EXPECT_LT(pmem2_config_set_offset(nullptr, 0), 0);
	EXPECT_LT(pmem2_config_set_length(nullptr, 0), 0);
	EXPECT_LT(pmem2_config_set_required_store_granularity(nullptr, PMEM2_GRANULARITY_PAGE), 0);
	EXPECT_LT(pmem2_config_set_sharing(nullptr, PMEM2_SHARED), 0);
	EXPECT_LT(pmem2_config_set_protection(nullptr, 0), 0);
	EXPECT_LT(pmem2_config_set_vm_reservation(nullptr, nullptr, 0), 0);
}

TEST(ConfigCore, SettersLeaveConfigUnchangedOnFailure)
{
	config::Config c;
	EXPECT_EQ(config::set_granularity(c, 5).code(), PMEM2_E_GRANULARITY_NOT_SUPPORTED);
	EXPECT_FALSE(c.required_granularity.has_value());
	EXPECT_EQ(config::set_sharing(c, 7).code(), PMEM2_E_INVALID_SHARING_VALUE);
	EXPECT_EQ(c.sharing, Sharing::Shared);
	EXPECT_EQ(config::set_protection(c, 3).code(), PMEM2_E_INVALID_PROT_FLAG);
	EXPECT_EQ(c.protection, config::kProtRead | config::kProtWrite);
	EXPECT_EQ(config::set_offset(c, SIZE_MAX).code(), PMEM2_E_OFFSET_OUT_OF_RANGE);
	EXPECT_EQ(c.offset, 0u);
}
