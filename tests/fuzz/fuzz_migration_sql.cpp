// fuzz_migration_sql.cpp — libFuzzer target: an SQL migration file (`-- retort:` headers and the
// upgrade/downgrade sections), from its text.
#include "migration_check.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = "versions/20260101_0000_fuzz.sql";
  retort_fuzz::check_migration(std::string_view(reinterpret_cast<const char*>(data), size), path);
  return 0;
}
