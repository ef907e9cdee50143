# retort-config.cmake — find_package(retort): the embedding API, target retort::retort
# (libretort.so and retort/retort.hpp, which needs only the SDK's headers beside it).
include(${CMAKE_CURRENT_LIST_DIR}/retort-targets.cmake)
