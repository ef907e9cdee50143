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

/// What no longer holds of a plan, as lines that say what changed: files edited, renamed away or
/// gone since it was made (before connecting), and the version table and steps as the database
/// and the dialect give them now (`now` rendered from `rows`). Empty when the plan may run.
std::vector<std::string> files_changed(const plan_file& p, const revision_graph& g);
std::vector<std::string> plan_changed(const plan_file& p, const revision_graph& g, const std::vector<std::string>& rows,
                                      const std::vector<step>& now);

}  // namespace retort
