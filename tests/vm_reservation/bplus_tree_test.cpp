// SPDX-License-Identifier: BSD-3-Clause
// bplus_tree_test.cpp -- the reservation's B+ tree against std::map as an oracle:
// random inserts and erases, every lookup kind, and the leaf chain in both directions.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>

#include "pmem2/vm_reservation/bplus_tree.hpp"

namespace {

using Tree = pmem2::vm::BPlusTree<std::uint64_t, std::uint64_t>;
using Oracle = std::map<std::uint64_t, std::uint64_t>;

// Walks the whole tree forwards and backwards and compares it with the oracle.
void expect_same(const Tree &t, const Oracle &o)
{
	ASSERT_EQ(t.size(), o.size());
	ASSERT_EQ(t.empty(), o.empty());
	auto it = t.first();
	for (const auto &kv : o) {
		ASSERT_TRUE(it.valid());
		ASSERT_EQ(it.key(), kv.first);
		ASSERT_EQ(it.value(), kv.second);
		it.next();
	}
	EXPECT_FALSE(it.valid());
	auto back = t.last();
	for (auto r = o.rbegin(); r != o.rend(); ++r) {
		ASSERT_TRUE(back.valid());
		ASSERT_EQ(back.key(), r->first);
		back.prev();
	}
	EXPECT_FALSE(back.valid());
}

// Every lookup for key k agrees with the oracle.
void expect_lookups(const Tree &t, const Oracle &o, std::uint64_t k)
{
	auto lb = o.lower_bound(k);
	auto tlb = t.lower_bound(k);
	ASSERT_EQ(tlb.valid(), lb != o.end());
	if (tlb.valid()) {
		ASSERT_EQ(tlb.key(), lb->first);
	}
	auto ub = o.upper_bound(k);
	auto tub = t.upper_bound(k);
	ASSERT_EQ(tub.valid(), ub != o.end());
	if (tub.valid()) {
		ASSERT_EQ(tub.key(), ub->first);
	}
	auto tb = t.before(k);
	ASSERT_EQ(tb.valid(), lb != o.begin());
	if (tb.valid()) {
		ASSERT_EQ(tb.key(), std::prev(lb)->first);
	}
	auto tab = t.at_or_before(k);
	ASSERT_EQ(tab.valid(), ub != o.begin());
	if (tab.valid()) {
		ASSERT_EQ(tab.key(), std::prev(ub)->first);
	}
	auto tf = t.find(k);
	ASSERT_EQ(tf.valid(), o.count(k) == 1);
}

TEST(BPlusTree, EmptyTreeHasNoPositions)
{
	Tree t;
	EXPECT_TRUE(t.empty());
	EXPECT_FALSE(t.first().valid());
	EXPECT_FALSE(t.last().valid());
	EXPECT_FALSE(t.lower_bound(0).valid());
	EXPECT_FALSE(t.before(100).valid());
	EXPECT_FALSE(t.erase(5));
}

TEST(BPlusTree, DuplicateInsertIsRefused)
{
	Tree t;
	EXPECT_TRUE(t.insert(7, 1));
	EXPECT_FALSE(t.insert(7, 2));
	EXPECT_EQ(t.size(), 1u);
	EXPECT_EQ(t.find(7).value(), 1u);
}

TEST(BPlusTree, SequentialInsertThenEraseInOrder)
{
	Tree t;
	Oracle o;
	for (std::uint64_t i = 0; i < 5000; ++i) {
		ASSERT_TRUE(t.insert(i * 16, i));
		o[i * 16] = i;
	}
	expect_same(t, o);
	for (std::uint64_t i = 0; i < 5000; ++i) {
		ASSERT_TRUE(t.erase(i * 16));
		o.erase(i * 16);
		if (i % 499 == 0)
			expect_same(t, o);
	}
	expect_same(t, o);
}

TEST(BPlusTree, DescendingInsertThenEraseFromTheBack)
{
	Tree t;
	Oracle o;
	for (std::uint64_t i = 5000; i-- > 0;) {
		ASSERT_TRUE(t.insert(i, i));
		o[i] = i;
	}
	expect_same(t, o);
	for (std::uint64_t i = 5000; i-- > 0;) {
		ASSERT_TRUE(t.erase(i));
		o.erase(i);
	}
	expect_same(t, o);
}

TEST(BPlusTree, RandomOperationsMatchStdMap)
{
	std::mt19937_64 rng(7);
	for (std::uint64_t range : {64u, 1000u, 100000u}) {
		Tree t;
		Oracle o;
		for (int step = 0; step < 60000; ++step) {
			const std::uint64_t k = rng() % range;
			// Insert-heavy first half, erase-heavy second half: the tree grows
			// several levels deep and then shrinks back through merges.
			const bool ins = (rng() % 100) < (step < 30000 ? 70u : 30u);
			if (ins) {
				const bool fresh = o.count(k) == 0;
				ASSERT_EQ(t.insert(k, k * 3), fresh);
				o.emplace(k, k * 3);
			} else {
				ASSERT_EQ(t.erase(k), o.erase(k) == 1);
			}
			if (step % 97 == 0)
				expect_lookups(t, o, rng() % (range + 2));
			if (step % 5000 == 0)
				expect_same(t, o);
		}
		expect_same(t, o);
	}
}

} // namespace
