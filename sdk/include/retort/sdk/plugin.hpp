// plugin.hpp — the entry point every plugin exports: a versioned C manifest read before any of the
// plugin's C++ is trusted.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/registry.hpp>

#include <boost/dll/alias.hpp>

#include <cstdint>

extern "C" {
/// A C record, so its layout is fixed whatever the toolchain. No padding holes; fields are only
/// ever appended, and `struct_size` says how many there are.
struct retort_plugin_manifest {
  std::uint32_t struct_size;
  std::uint32_t abi_major;
  std::uint32_t abi_minor;
  std::uint32_t reserved;
  const char* toolchain;    ///< RETORT_SDK_TOOLCHAIN of the plugin's build
  const char* sdk_version;  ///< RETORT_SDK_VERSION of the plugin's build
  const char* kind;         ///< "dialect", "ops" or "hooks"
  const char* name;         ///< matches the file name retort-<kind>-<name>.so
  const char* version;      ///< the plugin's own version
  /// Called only after every check passed.
  void (*register_plugin)(retort::sdk::registry&);
};
}

/// The exported symbol's name carries the ABI major, so the loader can refuse a plugin for another
/// major by reading the symbol table, before `dlopen` runs any of its code.
#define RETORT_PLUGIN_ENTRY RETORT_DETAIL_CAT(retort_plugin_abi_, RETORT_SDK_ABI_MAJOR)
#define RETORT_PLUGIN_ENTRY_NAME RETORT_DETAIL_STR(RETORT_PLUGIN_ENTRY)
#define RETORT_PLUGIN_SECTION retort

#define RETORT_DETAIL_ALIAS(fn, alias, section) BOOST_DLL_ALIAS_SECTIONED(fn, alias, section)

/// Declares the plugin, in exactly one file per plugin (`src/plugin.cpp`):
///   RETORT_PLUGIN(dialect, sqlite, "0.1.0", &register_plugin)
/// Kind and name are bare words; they must match the file name `retort-<kind>-<name>.so`.
#define RETORT_PLUGIN(KIND, NAME, VERSION, REGISTER_FN)                                             \
  namespace {                                                                                      \
  /* a function, not a variable: dlsym is only guaranteed to work on functions (PostgreSQL) */     \
  const retort_plugin_manifest* retort_plugin_manifest_of_this_plugin() {                          \
    static const retort_plugin_manifest manifest = {                                               \
        sizeof(retort_plugin_manifest), RETORT_SDK_ABI_MAJOR, RETORT_SDK_ABI_MINOR, 0,             \
        RETORT_SDK_TOOLCHAIN,           RETORT_SDK_VERSION,   RETORT_DETAIL_STR(KIND), RETORT_DETAIL_STR(NAME), \
        VERSION,                        REGISTER_FN};                                              \
    return &manifest;                                                                              \
  }                                                                                                \
  }                                                                                                \
  RETORT_DETAIL_ALIAS(retort_plugin_manifest_of_this_plugin, RETORT_PLUGIN_ENTRY, \
                      RETORT_PLUGIN_SECTION)

/// The function type behind the entry symbol.
using retort_plugin_entry_fn = const retort_plugin_manifest*();
