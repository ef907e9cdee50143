// plan_file.hpp — a reviewed plan: the rendered steps the runner would run, written out as JSON
// with what they were made from (the database's version rows, each file's hash), and read back to
// be run only while all of that still holds.
#pragma once

#include "planner.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace retort {

/// Why a statement destroys data (dropping a table, a column or an enum value; `DROP TABLE`,
/// `TRUNCATE`, `DELETE` or `DROP COLUMN` in raw SQL), or empty.
std::string destructive(std::string_view operation, const sdk::statement& st);

/// The plan file for `plan`, rendered, starting from the version-table `rows`.
plan_file describe_plan(const revision_graph& g, const std::vector<step>& plan, const std::vector<std::string>& rows);

/// Lower-case hex SHA-256 of the rows, one per line: what a plan pins the version table to.
std::string rows_sha256(const std::vector<std::string>& rows);

/// read_plan, and with `check_hash` false it also reads a plan whose `plan_sha256` is wrong or
/// missing (for the fuzzer, which cannot forge one).
plan_file read_plan(std::string_view text, const std::string& source, bool check_hash);

/// What no longer holds of a plan, as lines that say what changed: files edited, renamed away or
/// gone since it was made (before connecting); and, under the lock, where `made` — the plan made
/// again from the version rows and the files as they are — differs from it. Empty when it may run.
std::vector<std::string> files_changed(const plan_file& p, const revision_graph& g);
std::vector<std::string> plan_changed(const plan_file& p, const plan_file& made);

}  // namespace retort
