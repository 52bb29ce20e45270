# SPDX-License-Identifier: BSD-3-Clause
# Pmem2Install.cmake -- what `cmake --install` puts on a system, and how other
# builds find it: shared and API-only static libraries, headers, pkg-config
# files, the CMake package, man pages. Included at the end of the top-level
# CMakeLists.txt, so every library target (pmem2, and pmemset when it exists)
# is already defined. Debian multiarch comes from GNUInstallDirs.
include(CMakePackageConfigHelpers)

# The PMDK API level these libraries stand in for: what the .pc files and the
# Debian packages claim, so `PKG_CHECK_MODULES(libpmem2 >= 1.12)` style checks
# in existing build systems pass. PMDK 2.0's libpmem2 API is 1.12's without the
# miniasync functions, which is exactly what is implemented.
set(PMEM2_API_LEVEL 2.0.0)

# The exported function names of a version script: every name between
# "global:" and "local:" of every node, comments removed.
function(pmem2_script_names script out)
	file(READ ${script} text)
	string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
	string(REGEX MATCHALL "global:[^}]*" blocks "${text}")
	set(names)
	foreach(b IN LISTS blocks)
		string(REGEX REPLACE "local:.*" "" b "${b}")
		string(REGEX REPLACE "^global:" "" b "${b}")
		string(REGEX MATCHALL "[A-Za-z_][A-Za-z0-9_]*" n "${b}")
		list(APPEND names ${n})
	endforeach()
	list(REMOVE_DUPLICATES names)
	set(${out} ${names} PARENT_SCOPE)
endfunction()

# pmem2_api_archive(<name> <shared-target> <version-script>)
# Builds lib<name>.a from exactly the objects of <shared-target>, merged into
# one relocatable object whose only global definitions are the version
# script's names: everything else (the C++ core, std:: instantiations) becomes
# local, so a static link sees the same API as the shared library and cannot
# collide with the application's own C++ symbols. --force-group-allocation
# dissolves the COMDAT groups first: a localized symbol left in a group would
# dangle when the final link keeps another archive's copy of that group
# (libpmemset.a and libpmem2.a share std:: inline functions).
function(pmem2_api_archive name shared script)
	pmem2_script_names(${script} names)
	string(REPLACE ";" "\n" list "${names}")
	set(keep ${CMAKE_CURRENT_BINARY_DIR}/${name}.api)
	file(CONFIGURE OUTPUT ${keep} CONTENT "${list}\n")
	# The shared target's own objects plus those of the object libraries it takes
	# as sources ($<TARGET_OBJECTS:x> entries: the core, the common helpers).
	get_target_property(srcs ${shared} SOURCES)
	set(objects "$<TARGET_OBJECTS:${shared}>")
	foreach(s IN LISTS srcs)
		if(s MATCHES "^\\$<TARGET_OBJECTS:([^>]+)>$")
			list(APPEND objects "${s}")
		endif()
	endforeach()
	set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}-api.o)
	set(lib ${CMAKE_CURRENT_BINARY_DIR}/lib${name}.a)
	add_custom_command(OUTPUT ${lib}
		COMMAND ${CMAKE_LINKER} -r --force-group-allocation -o ${obj} "${objects}"
		COMMAND ${CMAKE_OBJCOPY} --keep-global-symbols=${keep} ${obj}
		COMMAND ${CMAKE_COMMAND} -E rm -f ${lib}
		COMMAND ${CMAKE_AR} rcs ${lib} ${obj}
		DEPENDS ${shared} ${keep}
		COMMAND_EXPAND_LISTS
		COMMENT "API-only static library lib${name}.a")
	add_custom_target(${name}_static ALL DEPENDS ${lib})
	set_property(TARGET ${name}_static PROPERTY ARCHIVE ${lib})
endfunction()

# Link flags a static link needs besides the archive: the C++ runtime (the core
# is C++), threads, and each pkg-config module or library the core links.
function(pmem2_private_deps libs out_requires out_libs)
	set(req)
	set(flags "-lstdc++ -lm -pthread")
	foreach(l IN LISTS libs)
		if(l MATCHES "ndctl")
			list(APPEND req libndctl)
		elseif(l MATCHES "daxctl")
			list(APPEND req libdaxctl)
		elseif(l MATCHES "^Threads::")
			# -pthread above
		elseif(l MATCHES "^-l|^-")
			string(APPEND flags " ${l}")
		elseif(NOT TARGET ${l})
			string(APPEND flags " -l${l}")
		endif()
	endforeach()
	list(REMOVE_DUPLICATES req)
	string(REPLACE ";" ", " req "${req}")
	set(${out_requires} "${req}" PARENT_SCOPE)
	set(${out_libs} "${flags}" PARENT_SCOPE)
endfunction()

# pmem2_install_pc(<name>): installs <name>.pc (configured from pkgconfig.pc.in
# with PC_* set by the caller) with prefix= set to the prefix actually installed
# to, so `cmake --install --prefix X` and DESTDIR staging both give a right file.
function(pmem2_install_pc name)
	set(PMEM2_PC_PREFIX "@PMEM2_PC_PREFIX@")
	set(tmpl ${PROJECT_BINARY_DIR}/${name}.pc.in)
	configure_file(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/pkgconfig.pc.in ${tmpl} @ONLY)
	install(CODE "
		set(PMEM2_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
		configure_file(\"${tmpl}\" \"${PROJECT_BINARY_DIR}/${name}.pc\" @ONLY)"
		COMPONENT dev)
	install(FILES ${PROJECT_BINARY_DIR}/${name}.pc DESTINATION ${PMEM2_PC_DIR} COMPONENT dev)
endfunction()

set(PMEM2_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pmem2)
set(PMEM2_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
get_property(PMEM2_CORE_LIBS GLOBAL PROPERTY PMEM2_CORE_LINK_LIBS)

# --- libpmem2 ---
pmem2_api_archive(pmem2 pmem2 ${PROJECT_SOURCE_DIR}/src/capi/pmem2/libpmem2.map)
pmem2_private_deps("${PMEM2_CORE_LIBS}" PC_REQUIRES_PRIVATE PC_LIBS_PRIVATE)
set(PC_NAME libpmem2)
set(PC_DESCRIPTION "Low-level persistent memory support (drop-in libpmem2, C++17 implementation)")
set(PC_LIB pmem2)
set(PC_REQUIRES "")
pmem2_install_pc(libpmem2)
set(PMEM2_STATIC_DEPS ${PC_REQUIRES_PRIVATE})

install(TARGETS pmem2 EXPORT pmem2-targets
	LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
install(FILES $<TARGET_PROPERTY:pmem2_static,ARCHIVE>
	DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(FILES ${PROJECT_SOURCE_DIR}/include/libpmem2.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/libpmem2 DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
set(PMEM2_HAVE_PMEMSET FALSE)

# --- libpmemset, when its library exists ---
if(TARGET pmemset)
	set(PMEM2_HAVE_PMEMSET TRUE)
	pmem2_api_archive(pmemset pmemset ${PROJECT_SOURCE_DIR}/src/capi/pmemset/libpmemset.map)
	get_target_property(set_libs pmemset LINK_LIBRARIES)
	list(REMOVE_ITEM set_libs pmem2)
	pmem2_private_deps("${set_libs}" PC_REQUIRES_PRIVATE PC_LIBS_PRIVATE)
	set(PC_NAME libpmemset)
	set(PC_DESCRIPTION "Persistent memory sets of mapped parts (drop-in libpmemset, C++17 implementation)")
	set(PC_LIB pmemset)
	# libpmemset.h includes libpmem2.h, and its users call pmem2_source_* too.
	set(PC_REQUIRES "libpmem2")
	pmem2_install_pc(libpmemset)
	install(TARGETS pmemset EXPORT pmem2-targets
		LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
	install(FILES $<TARGET_PROPERTY:pmemset_static,ARCHIVE>
		DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
	install(FILES ${PROJECT_SOURCE_DIR}/include/libpmemset.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
endif()

# libndctl/libdaxctl as plain library names for the CMake package's static targets.
string(REGEX REPLACE "lib([a-z]+)" "\\1" PMEM2_STATIC_DEPS "${PMEM2_STATIC_DEPS}")
string(REPLACE ", " ";" PMEM2_STATIC_DEPS "${PMEM2_STATIC_DEPS}")

# --- CMake package: find_package(pmem2 CONFIG) (also found as PMEM2) ---
install(EXPORT pmem2-targets NAMESPACE pmem2:: DESTINATION ${PMEM2_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/pmem2-config.cmake.in
	${PROJECT_BINARY_DIR}/pmem2-config.cmake
	INSTALL_DESTINATION ${PMEM2_CMAKE_DIR}
	PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/pmem2-config-version.cmake
	VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/pmem2-config.cmake ${PROJECT_BINARY_DIR}/pmem2-config-version.cmake
	DESTINATION ${PMEM2_CMAKE_DIR} COMPONENT dev)

# --- man pages and Debian packages ---
include(Pmem2Man)
include(Pmem2Deb)
