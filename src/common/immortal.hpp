// SPDX-License-Identifier: BSD-3-Clause
// immortal.hpp -- a process-wide object constructed on first use in static
// storage and never destroyed: usable from other libraries' destructors at exit,
// and no heap block is left for a leak checker to report.
#pragma once

#include <new>
#include <utility>

namespace pmem2::common {

template <class T> class Immortal {
public:
	template <class... Args> explicit Immortal(Args &&...args) { new (storage_) T(std::forward<Args>(args)...); }
	Immortal(const Immortal &) = delete;
	Immortal &operator=(const Immortal &) = delete;
	~Immortal() = default; // T's destructor never runs

	T &get() noexcept { return *std::launder(reinterpret_cast<T *>(storage_)); }

private:
	alignas(T) unsigned char storage_[sizeof(T)];
};

} // namespace pmem2::common
