// fuzz_alembic.cpp — libFuzzer target: an Alembic revision file, read as Python text by `retort import
// alembic`; what it writes must read back as a retort migration.
#include "alembic_import.hpp"
#include "migration.hpp"
#include "operations.hpp"

#include <retort/sdk/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto r = retort::import_alembic_text(text, "fuzz/versions/abc_x.py");
    // What the import wrote is a migration retort reads, header and operations.
    const std::filesystem::path out = "fuzz/versions/" + r.file_name;
    const auto m = retort::parse_migration_header(r.text, out);
    static const retort::op_catalog catalog;
    (void)retort::parse_migration_body(m, r.text, catalog);
  } catch (const retort::sdk::error&) {
    // Refusing bad input is the documented outcome; anything else escapes and is a crash.
  }
  return 0;
}
