// SPDX-License-Identifier: BSD-3-Clause
// bplus_tree.hpp -- an ordered map from integer keys to small trivially copyable
// values, as a B+ tree: O(log n) lookup, insert and erase, with keys packed
// 32 to a node so a lookup among 10^5 entries touches a handful of cache lines
// (a red-black tree touches ~17 scattered nodes there).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace pmem2::vm {

// Not thread-safe: the owner serialises access. Iterators are invalidated by any
// insert or erase. Insert is strongly exception-safe (the only allocations happen
// before the tree is touched); erase never allocates or throws.
template <class K, class V> class BPlusTree {
	static_assert(std::is_integral_v<K>, "keys are compared and copied as integers");
	static_assert(std::is_trivially_copyable_v<V>, "values are moved with memmove");

	static constexpr unsigned kCap = 32;      // entries per leaf / keys per inner node
	static constexpr unsigned kMin = kCap / 2; // below this a non-root node is refilled

	struct Node {
		unsigned n = 0; // entries (leaf) or keys (inner; kids = n + 1)
		bool leaf = true;
		Node *prev = nullptr; // leaf chain, in key order
		Node *next = nullptr;
		K keys[kCap + 1]; // one spare slot: a node may overflow by one before it splits
		union {
			V vals[kCap + 1];
			Node *kids[kCap + 2];
		};
		Node() {}
	};

public:
	// A position in the leaf chain; invalid past either end.
	class Iter {
	public:
		bool valid() const noexcept { return leaf_ != nullptr; }
		K key() const noexcept { return leaf_->keys[i_]; }
		V &value() const noexcept { return leaf_->vals[i_]; }
		void next() noexcept
		{
			if (++i_ < leaf_->n)
				return;
			leaf_ = leaf_->next;
			i_ = 0;
		}
		void prev() noexcept
		{
			if (i_ > 0) {
				--i_;
				return;
			}
			leaf_ = leaf_->prev;
			i_ = leaf_ != nullptr ? leaf_->n - 1 : 0;
		}

	private:
		friend class BPlusTree;
		Iter(Node *leaf, unsigned i) noexcept : leaf_(leaf), i_(i)
		{
			// Normalise a one-past-the-end index to the next leaf's first entry.
			if (leaf_ != nullptr && i_ >= leaf_->n) {
				leaf_ = leaf_->next;
				i_ = 0;
			}
		}
		Node *leaf_;
		unsigned i_;
	};

	BPlusTree() : root_(new Node) {}
	BPlusTree(const BPlusTree &) = delete;
	BPlusTree &operator=(const BPlusTree &) = delete;
	~BPlusTree() { destroy(root_); }

	std::size_t size() const noexcept { return size_; }
	bool empty() const noexcept { return size_ == 0; }

	// The invalid position.
	static Iter none() noexcept { return Iter(nullptr, 0); }
	Iter first() const noexcept
	{
		Node *x = root_;
		while (!x->leaf)
			x = x->kids[0];
		return Iter(x, 0);
	}
	Iter last() const noexcept
	{
		Node *x = root_;
		while (!x->leaf)
			x = x->kids[x->n];
		return x->n ? Iter(x, x->n - 1) : none();
	}
	// First entry with key >= k / key > k.
	Iter lower_bound(K k) const noexcept
	{
		Node *x = leaf_for(k);
		return Iter(x, static_cast<unsigned>(std::lower_bound(x->keys, x->keys + x->n, k) - x->keys));
	}
	Iter upper_bound(K k) const noexcept
	{
		Node *x = leaf_for(k);
		return Iter(x, static_cast<unsigned>(std::upper_bound(x->keys, x->keys + x->n, k) - x->keys));
	}
	// Last entry with key < k / key <= k.
	Iter before(K k) const noexcept { return step_back(lower_bound(k)); }
	Iter at_or_before(K k) const noexcept { return step_back(upper_bound(k)); }
	Iter find(K k) const noexcept
	{
		Iter it = lower_bound(k);
		return it.valid() && it.key() == k ? it : none();
	}

	// Inserts (k, v). Returns false (and changes nothing) if k is present.
	// Throws std::bad_alloc with the tree unchanged.
	bool insert(K k, const V &v)
	{
		// A split can cascade through all height_ + 1 levels and then add a new
		// root: reserve that many nodes before touching the tree.
		while (spare_.size() < height_ + 2)
			spare_.push_back(std::make_unique<Node>());
		K sep;
		Node *right = nullptr;
		if (!insert_into(root_, k, v, sep, right))
			return false;
		if (right != nullptr) {
			Node *r = take_spare();
			r->leaf = false;
			r->n = 1;
			r->keys[0] = sep;
			r->kids[0] = root_;
			r->kids[1] = right;
			root_ = r;
			++height_;
		}
		++size_;
		return true;
	}

	// Removes k. Returns false if absent.
	bool erase(K k) noexcept
	{
		if (!erase_from(root_, k))
			return false;
		if (!root_->leaf && root_->n == 0) {
			Node *old = root_;
			root_ = old->kids[0];
			delete old;
			--height_;
		}
		--size_;
		return true;
	}

private:
	Node *take_spare() noexcept
	{
		Node *x = spare_.back().release(); // fresh: an empty leaf
		spare_.pop_back();
		return x;
	}

	static void destroy(Node *x) noexcept
	{
		if (!x->leaf)
			for (unsigned i = 0; i <= x->n; ++i)
				destroy(x->kids[i]);
		delete x;
	}

	static unsigned child_index(const Node *x, K k) noexcept
	{
		return static_cast<unsigned>(std::upper_bound(x->keys, x->keys + x->n, k) - x->keys);
	}

	Node *leaf_for(K k) const noexcept
	{
		Node *x = root_;
		while (!x->leaf)
			x = x->kids[child_index(x, k)];
		return x;
	}

	Iter step_back(Iter it) const noexcept
	{
		if (!it.valid())
			return last();
		it.prev();
		return it;
	}

	// Opens a gap at position i of an array holding n elements.
	template <class T> static void open_gap(T *a, unsigned n, unsigned i) noexcept
	{
		std::memmove(static_cast<void *>(a + i + 1), a + i, (n - i) * sizeof(T));
	}
	template <class T> static void close_gap(T *a, unsigned n, unsigned i) noexcept
	{
		std::memmove(static_cast<void *>(a + i), a + i + 1, (n - i - 1) * sizeof(T));
	}

	// Inserts below x. When x overflows it is split: the new right sibling and the
	// first key of its subtree are returned through right/sep.
	bool insert_into(Node *x, K k, const V &v, K &sep, Node *&right) noexcept
	{
		if (x->leaf) {
			const unsigned i =
				static_cast<unsigned>(std::lower_bound(x->keys, x->keys + x->n, k) - x->keys);
			if (i < x->n && x->keys[i] == k)
				return false;
			open_gap(x->keys, x->n, i);
			open_gap(x->vals, x->n, i);
			x->keys[i] = k;
			x->vals[i] = v;
			++x->n;
		} else {
			const unsigned i = child_index(x, k);
			K child_sep;
			Node *child_right = nullptr;
			if (!insert_into(x->kids[i], k, v, child_sep, child_right))
				return false;
			if (child_right == nullptr)
				return true;
			open_gap(x->keys, x->n, i);
			open_gap(x->kids, x->n + 1, i + 1);
			x->keys[i] = child_sep;
			x->kids[i + 1] = child_right;
			++x->n;
		}
		if (x->n > kCap)
			split(x, sep, right);
		return true;
	}

	void split(Node *x, K &sep, Node *&right) noexcept
	{
		Node *r = take_spare();
		r->leaf = x->leaf;
		const unsigned keep = x->n / 2;
		if (x->leaf) {
			r->n = x->n - keep;
			std::memcpy(r->keys, x->keys + keep, r->n * sizeof(K));
			std::memcpy(static_cast<void *>(r->vals), x->vals + keep, r->n * sizeof(V));
			x->n = keep;
			r->next = x->next;
			r->prev = x;
			if (x->next != nullptr)
				x->next->prev = r;
			x->next = r;
			sep = r->keys[0];
		} else {
			// keys[keep] moves up; the right node takes the keys after it.
			r->n = x->n - keep - 1;
			std::memcpy(r->keys, x->keys + keep + 1, r->n * sizeof(K));
			std::memcpy(r->kids, x->kids + keep + 1, (r->n + 1) * sizeof(Node *));
			sep = x->keys[keep];
			x->n = keep;
		}
		right = r;
	}

	bool erase_from(Node *x, K k) noexcept
	{
		if (x->leaf) {
			const unsigned i =
				static_cast<unsigned>(std::lower_bound(x->keys, x->keys + x->n, k) - x->keys);
			if (i == x->n || x->keys[i] != k)
				return false;
			close_gap(x->keys, x->n, i);
			close_gap(x->vals, x->n, i);
			--x->n;
			return true;
		}
		const unsigned i = child_index(x, k);
		if (!erase_from(x->kids[i], k))
			return false;
		if (x->kids[i]->n < kMin)
			refill(x, i);
		return true;
	}

	// kids[i] of x fell below kMin: borrow one entry from a sibling that can spare
	// it, otherwise merge with a sibling (the parent loses one key).
	void refill(Node *x, unsigned i) noexcept
	{
		Node *c = x->kids[i];
		Node *l = i > 0 ? x->kids[i - 1] : nullptr;
		Node *r = i < x->n ? x->kids[i + 1] : nullptr;
		if (l != nullptr && l->n > kMin) {
			borrow_from_left(x, i - 1, l, c);
		} else if (r != nullptr && r->n > kMin) {
			borrow_from_right(x, i, c, r);
		} else if (l != nullptr) {
			merge(x, i - 1, l, c);
		} else if (r != nullptr) {
			merge(x, i, c, r);
		}
	}

	// l = kids[s], r = kids[s+1]; keys[s] separates them.
	static void borrow_from_left(Node *x, unsigned s, Node *l, Node *r) noexcept
	{
		open_gap(r->keys, r->n, 0);
		if (r->leaf) {
			open_gap(r->vals, r->n, 0);
			r->keys[0] = l->keys[l->n - 1];
			r->vals[0] = l->vals[l->n - 1];
			x->keys[s] = r->keys[0];
		} else {
			open_gap(r->kids, r->n + 1, 0);
			r->keys[0] = x->keys[s];
			r->kids[0] = l->kids[l->n];
			x->keys[s] = l->keys[l->n - 1];
		}
		++r->n;
		--l->n;
	}

	static void borrow_from_right(Node *x, unsigned s, Node *l, Node *r) noexcept
	{
		if (l->leaf) {
			l->keys[l->n] = r->keys[0];
			l->vals[l->n] = r->vals[0];
			close_gap(r->keys, r->n, 0);
			close_gap(r->vals, r->n, 0);
			x->keys[s] = r->keys[0];
		} else {
			l->keys[l->n] = x->keys[s];
			l->kids[l->n + 1] = r->kids[0];
			x->keys[s] = r->keys[0];
			close_gap(r->keys, r->n, 0);
			close_gap(r->kids, r->n + 1, 0);
		}
		++l->n;
		--r->n;
	}

	// Moves everything of r into l and drops r and keys[s] from x.
	static void merge(Node *x, unsigned s, Node *l, Node *r) noexcept
	{
		if (l->leaf) {
			std::memcpy(l->keys + l->n, r->keys, r->n * sizeof(K));
			std::memcpy(static_cast<void *>(l->vals + l->n), r->vals, r->n * sizeof(V));
			l->n += r->n;
			l->next = r->next;
			if (r->next != nullptr)
				r->next->prev = l;
		} else {
			l->keys[l->n] = x->keys[s];
			std::memcpy(l->keys + l->n + 1, r->keys, r->n * sizeof(K));
			std::memcpy(l->kids + l->n + 1, r->kids, (r->n + 1) * sizeof(Node *));
			l->n += r->n + 1;
		}
		close_gap(x->keys, x->n, s);
		close_gap(x->kids, x->n + 1, s + 1);
		--x->n;
		delete r;
	}

	Node *root_;
	std::size_t size_ = 0;
	std::size_t height_ = 0; // edges from the root to the leaves
	std::vector<std::unique_ptr<Node>> spare_;
};

} // namespace pmem2::vm
