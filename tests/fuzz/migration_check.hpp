// migration_check.hpp — what the two migration fuzzers do with one input: the header, then the
// body with the built-in operations only, each operation projected onto a schema and inverted.
#pragma once

#include "migration.hpp"
#include "operations.hpp"

#include <retort/sdk/error.hpp>
#include <retort/sdk/schema.hpp>

#include <filesystem>
#include <string_view>

namespace retort_fuzz {

/// The built-in operations, as a project without op plugins sees them.
using builtin_catalog = retort::op_catalog;

/// Each operation's inverse asked of the schema before it, then the operation applied; an
/// operation the schema refuses (a table that is not there) leaves it as it was and the next one
/// goes on. The inverse is applied to a copy, as a downgrade would.
inline void project(const std::vector<std::unique_ptr<retort::sdk::operation>>& ops, retort::sdk::schema& s) {
  for (const auto& op : ops) {
    try {
      (void)op->name();
      std::unique_ptr<retort::sdk::operation> inverse = op->inverse(s);
      op->apply(s);
      if (inverse) {
        retort::sdk::schema back = s;
        inverse->apply(back);
      }
    } catch (const retort::sdk::error&) {
    }
  }
}

inline void check_migration(std::string_view text, const std::filesystem::path& path) {
  static const builtin_catalog catalog;
  retort::migration m;
  try {
    m = retort::parse_migration_header(text, path);
  } catch (const retort::sdk::error&) {
    return;  // refused with file:line, as documented
  }
  try {
    retort::migration_body body = retort::parse_migration_body(m, text, catalog);
    retort::sdk::schema s;
    project(body.upgrade, s);
    project(body.downgrade, s);
  } catch (const retort::sdk::error&) {
  }
}

}  // namespace retort_fuzz
