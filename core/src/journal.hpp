// journal.hpp — the progress of a step whose statements do not all commit together, and the only
// writer of its `partial` history row.
#pragma once

#include "state.hpp"

#include <retort/sdk/connection.hpp>
#include <retort/sdk/statement.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace retort {

/// One row per step, written before its first statement and updated in place as segments commit,
/// so 30 000 statements leave one row, not 30 000. After a crash the row says how many statements
/// took effect (`statements_done`), with their chained checksum, and that the next one is in doubt.
class journal {
 public:
  /// Writes the row: `partial`, with `done` statements already done (a resumed step) whose
  /// checksum is `checksum`.
  journal(sdk::connection& c, const version_store& store, history_entry row, std::size_t done, std::string checksum);

  /// Records statements up to `end` as done: inside the segment's transaction where it has one, so
  /// the record commits with them; after the statement where it committed on its own.
  void record(const std::vector<sdk::statement>& statements, std::size_t end);
  /// The segment committed: what `record` wrote stands.
  void committed() noexcept { done_ = pending_, checksum_ = pending_checksum_; }
  /// The step's last write, in the transaction that updates the version table.
  void finish(std::int64_t duration_ms, std::size_t statements);
  /// After a failure and its rollback, in a transaction of its own: `partial` with what committed,
  /// else `status`. Returns the status written (nothing is thrown: the failure is what matters).
  std::string failed(const std::string& status, const std::string& message, std::chrono::milliseconds lock_timeout);

  std::size_t done() const noexcept { return done_; }
  const std::string& id() const noexcept { return id_; }
  /// Whether statements of this step, from this run or an earlier one, stay applied.
  bool anything_done() const noexcept { return done_ > 0; }

 private:
  sdk::connection& c_;
  const version_store& store_;
  std::string id_;
  std::size_t done_, pending_;
  std::string checksum_, pending_checksum_;
};

/// The chained checksum of statements [0, end).
std::string statements_checksum(const std::vector<sdk::statement>& statements, std::size_t end);

}  // namespace retort
