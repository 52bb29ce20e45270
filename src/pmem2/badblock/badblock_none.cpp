// SPDX-License-Identifier: BSD-3-Clause
// badblock_none.cpp -- the backend of a build without libndctl: no bad-block source.
#include "pmem2/badblock/badblock.hpp"

#include <libpmem2/base.h>

namespace pmem2::badblock {

struct Context {};

void ContextDeleter::operator()(Context *ctx) const noexcept { delete ctx; }

common::Result<ContextPtr> context_new(const source::Source &)
{
	return common::fail(PMEM2_E_NOSUPP, "bad blocks: libpmem2 was built without libndctl");
}

common::Result<BadBlock> next(Context &)
{
	return common::fail(PMEM2_E_NOSUPP, "bad blocks: libpmem2 was built without libndctl");
}

common::Status clear(Context &, const BadBlock &)
{
	return common::fail(PMEM2_E_NOSUPP, "bad blocks: libpmem2 was built without libndctl");
}

} // namespace pmem2::badblock
