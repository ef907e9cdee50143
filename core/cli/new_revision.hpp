// new_revision.hpp — writing a new migration file (revision and merge).
#pragma once

#include "cli.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace retort::cli {

struct new_revision {
  std::string id;  ///< empty: 12 random hex digits
  std::string message;
  std::vector<std::string> parents, branch_labels, depends_on;
  bool sql = false;
  std::string body;  ///< the operations (TOML); empty: an example to edit
};

/// Writes `<YYYYMMDD_HHMM>_<rev>_<slug>.toml|.sql` into versions/ and returns its path. A taken or
/// invalid id is a `usage` error; nothing is written then.
std::filesystem::path write_revision(context& ctx, new_revision spec);

}  // namespace retort::cli
