// SPDX-License-Identifier: BSD-3-Clause
// refcounted.hpp -- lifetimes of objects that a C handle and the objects made from
// it share: the caller's handle is one reference, every dependant holds another,
// and the object goes when the last one is dropped. So deleting a handle while
// dependants live never leaves them pointing at freed memory.
#pragma once

#include <atomic>

namespace libpmemset {

template <class T> class RefCounted {
public:
	void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
	// Drops one reference; deletes obj with the last one.
	static void drop(T *obj) noexcept
	{
		if (obj != nullptr && obj->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
			delete obj;
	}

protected:
	RefCounted() = default;
	~RefCounted() = default;

private:
	std::atomic<long> refs_{1}; // the creator's
};

// A reference held by a dependant: retained on construction, dropped on destruction.
template <class T> class Ref {
public:
	explicit Ref(T *obj) noexcept : obj_(obj) { obj_->retain(); }
	Ref(const Ref &) = delete;
	Ref &operator=(const Ref &) = delete;
	~Ref() { T::drop(obj_); }
	T *get() const noexcept { return obj_; }
	T *operator->() const noexcept { return obj_; }
	T &operator*() const noexcept { return *obj_; }

private:
	T *obj_;
};

} // namespace libpmemset
