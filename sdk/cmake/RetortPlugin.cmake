# RetortPlugin.cmake — retort_add_plugin(): the one way a retort plugin is built, in tree or out.
#
#   retort_add_plugin(KIND dialect NAME sqlite SOURCES src/plugin.cpp … [LIBRARIES SQLite::SQLite3])
#
# builds the module retort-<kind>-<name>.so with hidden visibility and no undefined symbols, and
# installs it under lib/retort/plugins, where the retort binary looks.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(retort_add_plugin)
  cmake_parse_arguments(P "" "KIND;NAME;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_KIND OR NOT P_NAME OR NOT P_SOURCES)
    message(FATAL_ERROR "retort_add_plugin: KIND, NAME and SOURCES are required")
  endif()
  set(target retort-${P_KIND}-${P_NAME})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${target}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIRECTORY})
  elseif(DEFINED RETORT_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${RETORT_PLUGIN_OUTPUT_DIR})
  endif()
  target_compile_definitions(${target} PRIVATE RETORT_PLUGIN_KIND=${P_KIND} RETORT_PLUGIN_NAME=${P_NAME})
  # A missing symbol is a link error now, not an "undefined symbol" in the middle of a migration.
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  target_link_libraries(${target} PRIVATE retort::sdk ${P_LIBRARIES})
  install(TARGETS ${target} LIBRARY DESTINATION lib/retort/plugins)  # the binary looks in ../lib/retort/plugins
endfunction()
