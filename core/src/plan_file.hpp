// plan_file.hpp — a reviewed plan: the rendered steps the runner would run, written out as JSON
// with what they were made from (the database's version rows, each file's hash), and read back to
// be run only while all of that still holds.
#pragma once

#include "planner.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace retort {

struct planned_statement {
  std::string sql;
  bool transactional = true;
  std::string operation;    ///< the operation it renders; empty for a guard (a session timeout)
  std::string destructive;  ///< why it destroys data, or empty
};

struct planned_segment {
  bool transaction = true;  ///< false: one statement that commits on its own
  std::vector<planned_statement> statements;
};

struct planned_step {
  std::string revision;
  direction dir = direction::up;
  std::string message;
  std::string file;         ///< as the project names it
  std::string file_sha256;  ///< of the file's bytes when planned
  std::vector<std::string> heads_before, heads_after;
  bool journaled = false;   ///< segments that commit on their own, recorded in the journal
  std::vector<planned_segment> segments;
};

struct plan_file {
  static constexpr int format = 1;
  std::string retort_version;
  std::string created;        ///< UTC, ISO 8601
  std::string dialect;
  std::string database;       ///< the URL, password redacted
  std::string version_table;
  direction dir = direction::up;
  std::string target;
  bool atomic = false;
  guards defaults;            ///< the project's timeouts, each migration's guards start from
  std::vector<std::string> rows;  ///< the version table's rows the plan starts from, sorted
  std::vector<std::string> heads_from;
  std::vector<std::string> to;    ///< the revisions the target resolved to (target_planner::revisions)
  bool revert = false;            ///< … which are reverted (HEAD@-N), not gone to
  std::vector<planned_step> steps;
};

/// Why a statement destroys data (dropping a table, a column or an enum value; `DROP TABLE`,
/// `TRUNCATE`, `DELETE` or `DROP COLUMN` in raw SQL), or empty.
std::string destructive(std::string_view operation, const sdk::statement& st);

/// The plan file for `plan`, rendered, starting from the version-table `rows`.
plan_file describe_plan(const revision_graph& g, const std::vector<step>& plan, const std::vector<std::string>& rows);

/// Lower-case hex SHA-256 of the rows, one per line: what a plan pins the version table to.
std::string rows_sha256(const std::vector<std::string>& rows);

/// The plan as JSON, and read back from it; errors name `source`:line:field.
std::string plan_json(const plan_file& p);
plan_file read_plan(std::string_view text, const std::string& source);

/// What no longer holds of a plan, as lines that say what changed: files edited, renamed away or
/// gone since it was made (before connecting), and the version table and steps as the database
/// and the dialect give them now (`now` rendered from `rows`). Empty when the plan may run.
std::vector<std::string> files_changed(const plan_file& p, const revision_graph& g);
std::vector<std::string> plan_changed(const plan_file& p, const revision_graph& g, const std::vector<std::string>& rows,
                                      const std::vector<step>& now);

}  // namespace retort
