# SPDX-License-Identifier: BSD-3-Clause
# pmem2_test_miniasync(<found-var>)
#
# miniasync 0.2.1 for the async tests and benchmark only (the libraries never use
# it): built once per build tree at configure time from the release tarball
# PMEM2_MINIASYNC_TARBALL into ${CMAKE_BINARY_DIR}/miniasync, with the build's
# sanitizer flags, and offered as the imported target pmem2_test_miniasync.
# <found-var> is "ok", "missing" (no tarball: callers skip) or "failed".
set(PMEM2_MINIASYNC_TARBALL "${PROJECT_SOURCE_DIR}/../shared/vendor/miniasync-0.2.1.tar.gz" CACHE FILEPATH
	"miniasync 0.2.1 release tarball for the async tests and benchmark (absent: they are skipped)")

function(pmem2_test_miniasync found)
	if(TARGET pmem2_test_miniasync)
		set(${found} ok PARENT_SCOPE)
		return()
	endif()
	if(NOT EXISTS ${PMEM2_MINIASYNC_TARBALL})
		set(${found} missing PARENT_SCOPE)
		return()
	endif()
	set(prefix ${CMAKE_BINARY_DIR}/miniasync)
	set(cflags "-O2 -g")
	if(PMEM2_SANITIZE)
		string(APPEND cflags " -fsanitize=${PMEM2_SANITIZE} -fno-omit-frame-pointer")
	endif()
	file(SHA256 ${PMEM2_MINIASYNC_TARBALL} hash)
	set(stamp "${hash} ${CMAKE_C_COMPILER} ${cflags}")
	set(have "")
	if(EXISTS ${prefix}/STAMP)
		file(READ ${prefix}/STAMP have)
	endif()
	if(NOT have STREQUAL stamp)
		message(STATUS "Building miniasync from ${PMEM2_MINIASYNC_TARBALL} for the async tests")
		execute_process(COMMAND bash ${PROJECT_SOURCE_DIR}/tests/async/build_miniasync.sh
				${PMEM2_MINIASYNC_TARBALL} ${CMAKE_BINARY_DIR}/miniasync-build ${prefix}
				${CMAKE_C_COMPILER} "${cflags}"
			RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
		if(NOT rc EQUAL 0)
			message(WARNING "miniasync build failed:\n${out}")
			set(${found} failed PARENT_SCOPE)
			return()
		endif()
		file(WRITE ${prefix}/STAMP "${stamp}")
	endif()
	add_library(pmem2_test_miniasync SHARED IMPORTED GLOBAL)
	set_target_properties(pmem2_test_miniasync PROPERTIES
		IMPORTED_LOCATION ${prefix}/lib/libminiasync.so.0
		INTERFACE_INCLUDE_DIRECTORIES ${prefix}/include)
	set(${found} ok PARENT_SCOPE)
endfunction()
