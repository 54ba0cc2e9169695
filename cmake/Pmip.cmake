# SPDX-License-Identifier: BSD-2-Clause
# Pmip.cmake - helpers: pmip_add_plugin() and pmip_add_utest().

# pmip_add_plugin(NAME SOURCES...) builds plugins/NAME.so against libpmipcore.
function(pmip_add_plugin name)
	add_library(${name} MODULE ${ARGN})
	set_target_properties(${name} PROPERTIES PREFIX ""
		LIBRARY_OUTPUT_DIRECTORY "${PMIP_PLUGIN_BUILD_DIR}"
		C_VISIBILITY_PRESET hidden)
	target_link_libraries(${name} PRIVATE pmipcore)
	install(TARGETS ${name} LIBRARY DESTINATION "${PMIP_PLUGIN_INSTALL_DIR}")
endfunction()

# pmip_add_utest(NAME SOURCES...) adds a cmocka unit test run by ctest, with a
# timeout, labelled "unit".
function(pmip_add_utest name)
	add_executable(${name} ${ARGN})
	target_link_libraries(${name} PRIVATE pmipcore PkgConfig::CMOCKA)
	add_test(NAME ${name} COMMAND ${name})
	set_tests_properties(${name} PROPERTIES TIMEOUT 60 LABELS unit
		ENVIRONMENT "PMIP_PLUGIN_DIR=${PMIP_PLUGIN_BUILD_DIR};PMIP_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()
