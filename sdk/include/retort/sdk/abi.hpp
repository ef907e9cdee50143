// abi.hpp — the SDK's ABI version and the toolchain tag a plugin must share with the host.
#pragma once

/// Any change that breaks a published interface bumps the major; a plugin built for another major
/// is refused before it is loaded.
#define RETORT_SDK_ABI_MAJOR 2
/// Additions only. A host loads a plugin whose minor is lower or equal to its own.
#define RETORT_SDK_ABI_MINOR 0
#define RETORT_SDK_VERSION "0.1.0"

/// Types that cross the plugin boundary keep default visibility, so RTTI and exceptions work
/// between a host and plugins built with -fvisibility=hidden.
#define RETORT_SDK_VISIBLE __attribute__((visibility("default")))

#define RETORT_DETAIL_STR2(x) #x
#define RETORT_DETAIL_STR(x) RETORT_DETAIL_STR2(x)
#define RETORT_DETAIL_CAT2(a, b) a##b
#define RETORT_DETAIL_CAT(a, b) RETORT_DETAIL_CAT2(a, b)

#if defined(__x86_64__)
#define RETORT_DETAIL_ARCH "x86_64"
#elif defined(__aarch64__)
#define RETORT_DETAIL_ARCH "aarch64"
#else
#define RETORT_DETAIL_ARCH "unknown-arch"
#endif

#if defined(__linux__)
#define RETORT_DETAIL_OS "linux"
#elif defined(__APPLE__)
#define RETORT_DETAIL_OS "darwin"
#else
#define RETORT_DETAIL_OS "unknown-os"
#endif

// The standard library and the build switches that change the layout of std::string and the
// containers that cross the boundary: two builds that differ here cannot share objects.
#include <cstddef>  // defines _GLIBCXX_USE_CXX11_ABI / _LIBCPP_VERSION
#if defined(_LIBCPP_VERSION)
#define RETORT_DETAIL_STDLIB "libc++" RETORT_DETAIL_STR(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#if _GLIBCXX_USE_CXX11_ABI
#define RETORT_DETAIL_STDLIB "libstdc++-cxx11"
#else
#define RETORT_DETAIL_STDLIB "libstdc++-cxx98"
#endif
#else
#define RETORT_DETAIL_STDLIB "unknown-stdlib"
#endif

#if defined(_GLIBCXX_DEBUG) || defined(_LIBCPP_DEBUG)
#define RETORT_DETAIL_DEBUG "-debug"
#else
#define RETORT_DETAIL_DEBUG ""
#endif

#ifndef RETORT_SDK_TOOLCHAIN
/// e.g. "x86_64-linux-libstdc++-cxx11". A plugin's tag must equal the host's.
#define RETORT_SDK_TOOLCHAIN RETORT_DETAIL_ARCH "-" RETORT_DETAIL_OS "-" RETORT_DETAIL_STDLIB RETORT_DETAIL_DEBUG
#endif
