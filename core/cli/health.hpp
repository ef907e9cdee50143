// health.hpp — what `validate` and `doctor` both look for: applied migrations whose file was edited
// since or is gone.
#pragma once

#include "cli.hpp"

#include <string>
#include <vector>

namespace retort::cli {

struct file_problem {
  enum class kind { edited, missing } what;
  std::string revision;
  std::string message;
};

/// The applied revisions (the closure of `rows`) whose file no longer has the checksum its history
/// recorded, and the revisions the history says are applied that no file defines.
std::vector<file_problem> applied_file_problems(context& ctx, const std::vector<rev>& rows, std::size_t* checked = nullptr);

}  // namespace retort::cli
