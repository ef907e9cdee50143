// fuzz_migration_toml.cpp — libFuzzer target: a TOML migration file, header and operations, from
// its text; each operation inverted and applied to a schema.
#include "migration_check.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = "versions/20260101_0000_fuzz.toml";
  retort_fuzz::check_migration(std::string_view(reinterpret_cast<const char*>(data), size), path);
  return 0;
}
