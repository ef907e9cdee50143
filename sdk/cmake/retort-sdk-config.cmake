# retort-sdk-config.cmake — find_package(retort-sdk) for out-of-tree plugins.
include(CMakeFindDependencyMacro)
find_dependency(Boost 1.74)
include(${CMAKE_CURRENT_LIST_DIR}/retort-sdk-targets.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/RetortPlugin.cmake)
