// health.hpp — what `validate` and `doctor` both look for: applied migrations whose file was edited
// since or is gone.
#pragma once

#include "cli.hpp"

#include "state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace retort::cli {

struct file_problem {
  enum class kind { edited, missing } what;
  std::string revision;
  std::string message;
};

/// Who holds the run lock, as the dialect names the session (redacted), or nothing when it is free;
/// tried without waiting and let go at once.
std::optional<std::string> lock_holder(context& ctx);

/// What a migration left partial did, with whether the statement in doubt took effect (from the
/// catalog), redacted; `heads` are the database's.
std::string partial_said(context& ctx, const partial_row& p, const std::vector<rev>& heads);

/// The version table's rows: the revisions the files define, and the ids no file defines.
struct table_rows {
  std::vector<rev> known;
  std::vector<std::string> unknown;
};
table_rows read_table_rows(context& ctx);

/// The applied revisions (the closure of the known rows) whose file no longer has the checksum its
/// history recorded, and the unknown rows the history says were applied: their file is gone.
std::vector<file_problem> applied_file_problems(context& ctx, const table_rows& rows, std::size_t* checked = nullptr);

}  // namespace retort::cli
