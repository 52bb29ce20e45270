// SPDX-License-Identifier: BSD-3-Clause
// badblock.cpp -- the pmem2_badblock_* entry points.
#include "capi/pmem2/facade.hpp"
#include "pmem2/badblock/badblock.hpp"
#include "pmem2/source/source.hpp"

using namespace pmem2;
using capi::core;
using capi::guarded;
using capi::report;

namespace {
badblock::Context *core(pmem2_badblock_context *h) noexcept { return capi::core<badblock::Context>(h); }
} // namespace

PMEM2_API int pmem2_badblock_context_new(pmem2_badblock_context **bbctx, const pmem2_source *src)
{
	if (src == nullptr) {
		if (bbctx != nullptr)
			*bbctx = nullptr;
		return capi::null_argument("pmem2_badblock_context_new: src is NULL");
	}
	// As in the reference, an anonymous source is refused (NOSUPP) before *bbctx
	// is touched, so it stays as it was; every later failure leaves it NULL.
	if (capi::core(src)->kind != source::Kind::Anonymous) {
		if (bbctx == nullptr)
			return capi::null_argument("pmem2_badblock_context_new: bbctx is NULL");
		*bbctx = nullptr;
	}
	return guarded([&]() -> int {
		auto c = badblock::context_new(*capi::core(src));
		if (!c)
			return report(c.error());
		if (bbctx == nullptr)
			return capi::null_argument("pmem2_badblock_context_new: bbctx is NULL");
		*bbctx = capi::handle<pmem2_badblock_context>(c.value().release());
		return 0;
	});
}

PMEM2_API int pmem2_badblock_next(pmem2_badblock_context *bbctx, pmem2_badblock *bb)
{
	if (bbctx == nullptr)
		return capi::null_argument("pmem2_badblock_next: bbctx is NULL");
	return guarded([&]() -> int {
		auto r = badblock::next(*core(bbctx));
		if (!r)
			return report(r.error());
		if (bb == nullptr) // first needed for a found block, as in the reference
			return capi::null_argument("pmem2_badblock_next: bb is NULL");
		bb->offset = r.value().offset;
		bb->length = r.value().length;
		return 0;
	});
}

PMEM2_API int pmem2_badblock_clear(pmem2_badblock_context *bbctx, const pmem2_badblock *bb)
{
	if (bbctx == nullptr || bb == nullptr)
		return capi::null_argument("pmem2_badblock_clear: bbctx or bb is NULL");
	return guarded([&] { return badblock::clear(*core(bbctx), {bb->offset, bb->length}); });
}

PMEM2_API void pmem2_badblock_context_delete(pmem2_badblock_context **bbctx)
{
	if (bbctx == nullptr)
		return;
	badblock::ContextDeleter{}(core(*bbctx));
	*bbctx = nullptr;
}
