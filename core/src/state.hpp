// state.hpp — the version table (one row per applied head) and the append-only history log, as SQL
// the dialect renders, so online runs and offline scripts write the same statements.
#pragma once

#include <retort/sdk/connection.hpp>
#include <retort/sdk/dialect.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort {

struct history_entry {
  std::string revision;
  std::string direction;  ///< up, down, stamp
  std::string status;     ///< applied, failed, partial, vetoed, reverted
  std::string checksum;   ///< SHA-256 of the migration file, hex
  std::optional<std::string> started_at;  ///< ISO-8601 UTC; none: the database's CURRENT_TIMESTAMP
  std::optional<std::int64_t> duration_ms;
  std::string applied_by;
  std::optional<std::int64_t> statements_done;
  std::optional<std::int64_t> statements_total;
  std::optional<std::string> error;
  /// A journaled step: the chained checksum of the statements done (`chain_checksum`), so a resumed
  /// run can tell whether they are still the statements the file says.
  std::optional<std::string> statements_checksum;
};

/// A journal row left `partial`: the newest row of its revision, so nothing has superseded it.
struct partial_row {
  std::string id, revision, direction;
  std::size_t statements_done = 0, statements_total = 0;
  std::string statements_checksum;  ///< empty in a row from before retort recorded it
  std::optional<std::string> error;  ///< none: the run was killed, and the next statement is in doubt
};

/// The checksum of statements 1..k from that of 1..k-1 and statement k's text ("" before the first).
std::string chain_checksum(const std::string& before, const std::string& sql);

/// The version and history tables, named with their schema in every statement (the `schema` setting,
/// else the schema they are found in, else where the connection creates tables), so a migration
/// that changes its session's search_path cannot move them.
class version_store {
 public:
  /// `schema` is the configured one, or empty; offline it is the only one known.
  version_store(const sdk::dialect& d, std::string version_table, std::string history_table, std::string schema = {});

  /// Decides the schema for this run: where the version table (else the history table) is now,
  /// else where the connection would create it. Once per run, before anything runs.
  void locate(sdk::connection& conn);

  const std::string& version_table() const noexcept { return version_table_; }
  const std::string& history_table() const noexcept { return history_table_; }
  /// "schema"."table", or "table" when no schema is known (offline, without the setting).
  std::string qualified(const std::string& table) const;

  /// CREATE TABLE statements for whichever of the two tables is missing (all when `conn` is null).
  std::vector<std::string> create_sql(sdk::connection* conn) const;
  /// INSERT / UPDATE / DELETE that turn the rows `before` into `after` (Alembic's semantics: an
  /// UPDATE where one head replaces another).
  std::vector<std::string> transition_sql(const std::vector<std::string>& before,
                                          const std::vector<std::string>& after) const;
  std::string history_sql(const history_entry& e) const;
  /// The journal of a step run in segments: its row's progress, then how it ended.
  std::string progress_sql(const std::string& id, std::size_t statements_done, const std::string& checksum) const;
  std::string finish_sql(const std::string& id, const std::string& status, std::int64_t duration_ms,
                         std::size_t statements_done, const std::optional<std::string>& error) const;
  /// An expression for the id of the newest history row of `revision`, for scripts that cannot
  /// read it back (a derived table, so MySQL lets an UPDATE of the table use it).
  std::string latest_id_sql(const std::string& revision) const;
  /// The id of the newest history row (the journal row just written, under the lock).
  std::string last_history_id(sdk::connection& conn) const;

  /// Statements that bring an existing history table up to the columns this version writes.
  std::vector<std::string> upgrade_sql(sdk::connection& conn) const;
  /// The journal rows left partial, oldest first.
  std::vector<partial_row> partials(sdk::connection& conn) const;

  /// The version table's rows, sorted; empty when the table does not exist yet (checked unless
  /// `known_to_exist`).
  std::vector<std::string> read_heads(sdk::connection& conn, bool known_to_exist = false) const;
  /// For each revision in the history, its newest row: revision → {direction, status, checksum}.
  std::map<std::string, std::array<std::string, 3>> latest_history(sdk::connection& conn) const;
  /// The newest history rows first: revision, direction, status, started_at, duration_ms, error.
  std::vector<sdk::row> read_history(sdk::connection& conn, std::size_t limit) const;

 private:
  bool exists(sdk::connection& conn, const std::string& table) const;
  bool has_statements_checksum(sdk::connection& conn) const;
  /// `sql`, rendered for one of retort's tables, with the table's name qualified by the schema.
  std::string with_schema(std::string sql, const std::string& table) const;

  const sdk::dialect& d_;
  std::string version_table_, history_table_, schema_;
  mutable bool has_checksum_ = false;  ///< statements_checksum seen in the history table
};

/// Runs one of retort's own writes, which must change exactly one row: any other count means the
/// table no longer holds what retort wrote there, as when a migration wrote to it.
void write_one(sdk::connection& conn, const std::string& sql);

/// user@host of the person running retort, for the history's applied_by.
std::string current_operator();
/// Now, as `YYYY-MM-DD HH:MM:SS.mmm` UTC.
std::string utc_now();

}  // namespace retort
