// journal.cpp — a journaled step's history row, written as it progresses.
#include "journal.hpp"

namespace retort {

std::string statements_checksum(const std::vector<sdk::statement>& statements, std::size_t end) {
  std::string sum;
  for (std::size_t i = 0; i < end && i < statements.size(); ++i) sum = chain_checksum(sum, statements[i].sql);
  return sum;
}

journal::journal(sdk::connection& c, const version_store& store, history_entry row, std::size_t done,
                 std::string checksum)
    : c_(c), store_(store), done_(done), pending_(done), checksum_(std::move(checksum)), pending_checksum_(checksum_) {
  row.status = "partial";
  row.statements_done = static_cast<std::int64_t>(done);
  row.statements_checksum = checksum_;
  write_one(c_, store_.history_sql(row));
  id_ = store_.last_history_id(c_);  // under the lock: the row just written
}

void journal::record(const std::vector<sdk::statement>& statements, std::size_t end) {
  std::string sum = checksum_;
  for (std::size_t i = done_; i < end; ++i) sum = chain_checksum(sum, statements[i].sql);
  write_one(c_, store_.progress_sql(id_, end, sum));
  pending_ = end;
  pending_checksum_ = std::move(sum);
}

void journal::finish(std::int64_t duration_ms, std::size_t statements) {
  write_one(c_, store_.finish_sql(id_, "applied", duration_ms, statements, std::nullopt));
}

std::string journal::failed(const std::string& status, const std::string& message,
                            std::chrono::milliseconds lock_timeout) {
  const std::string written = done_ > 0 ? "partial" : status;
  try {
    c_.begin(lock_timeout);
    c_.execute(store_.finish_sql(id_, written, 0, done_, message));
    c_.commit();
  } catch (...) {
    try {
      c_.rollback();
    } catch (...) {
    }
  }
  return written;
}

}  // namespace retort
