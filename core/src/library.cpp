// library.cpp — libretort.so is retort_core whole (core/CMakeLists.txt); this file only gives the
// shared library a source of its own, and the version it was built as.
#include <retort/retort.hpp>

namespace retort {

/// The version of the library, as `retort --version` says it.
extern "C" RETORT_API const char* retort_version() noexcept { return RETORT_VERSION; }

}  // namespace retort
