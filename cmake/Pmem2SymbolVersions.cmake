# SPDX-License-Identifier: BSD-3-Clause
# pmem2_add_compat_node(<target> <version-script> <default-node> <compat-node>)
#
# Exports every name of <default-node> in <version-script> a second time as the
# non-default version name@<compat-node>, at the same address (a true alias, no
# jump stub). The names are read from the version script itself, so the script
# stays the single list of exported functions.
#
# How: a generated implicit linker script holds one assignment
#   "name@<compat-node>" = name;
# per function. GNU ld (bfd) treats a defined symbol whose name carries
# "@NODE" exactly like one made by the assembler's .symver directive: a hidden
# (non-default) version of that name. <compat-node> must be declared in the
# version script (it may be empty). Requires GNU ld; tests/ecosystem checks the
# result with readelf on every build.
function(pmem2_add_compat_node target script default_node compat_node)
	file(READ ${script} text)
	# Drop comments, then take the body of the default node up to "local:".
	string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" text "${text}")
	string(REGEX MATCH "${default_node}[ \t\r\n]*{[^}]*}" node "${text}")
	if(NOT node)
		message(FATAL_ERROR "${script}: node ${default_node} not found")
	endif()
	string(REGEX REPLACE "local:.*" "" node "${node}")
	string(REGEX REPLACE ".*global:" "" node "${node}")
	string(REGEX MATCHALL "[A-Za-z_][A-Za-z0-9_]*" names "${node}")
	list(LENGTH names count)
	if(count EQUAL 0)
		message(FATAL_ERROR "${script}: node ${default_node} exports nothing")
	endif()
	set(out "/* Generated from ${script}: ${count} aliases name@${compat_node}. */\n")
	foreach(n IN LISTS names)
		string(APPEND out "\"${n}@${compat_node}\" = ${n};\n")
	endforeach()
	set(ld ${CMAKE_CURRENT_BINARY_DIR}/${target}-${compat_node}.ld)
	file(CONFIGURE OUTPUT ${ld} CONTENT "${out}")
	set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${script})
	target_link_options(${target} PRIVATE ${ld})
	set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${ld})
endfunction()
