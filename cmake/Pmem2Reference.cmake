# SPDX-License-Identifier: BSD-3-Clause
# Where Debian's PMDK (libpmem2, libpmem2-dev) is, for the tests and benchmarks that
# compare with it, and whether it is there. Included by every directory that needs
# it (no include guard: PMEM2_REFERENCE_FOUND is a directory-scope variable).
#   PMEM2_REFERENCE_INCLUDE_DIR  the reference's libpmem2.h
#   PMEM2_REFERENCE_LIBRARY      the reference's libpmem2.so.1
#   PMEM2_REFERENCE_FOUND        both exist (checked at configure time)
# pmem2_skipped_test(NAME LABELS MESSAGE): a test that prints MESSAGE and reports
# SKIPPED, standing for the tests that could not be added.
set(PMEM2_REFERENCE_INCLUDE_DIR "/usr/include" CACHE PATH "Where libpmem2-dev put the reference headers")
set(PMEM2_REFERENCE_LIBRARY "/usr/lib/x86_64-linux-gnu/libpmem2.so.1" CACHE FILEPATH "The reference libpmem2.so.1")

if(EXISTS ${PMEM2_REFERENCE_INCLUDE_DIR}/libpmem2.h AND EXISTS ${PMEM2_REFERENCE_LIBRARY})
	set(PMEM2_REFERENCE_FOUND TRUE)
else()
	set(PMEM2_REFERENCE_FOUND FALSE)
endif()

function(pmem2_skipped_test name labels message)
	add_test(NAME ${name} COMMAND sh -c "echo 'SKIPPED: ${message}'; exit 77")
	set_tests_properties(${name} PROPERTIES LABELS "${labels}" SKIP_RETURN_CODE 77)
endfunction()
