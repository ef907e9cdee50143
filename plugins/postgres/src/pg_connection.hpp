// pg_connection.hpp — a PostgreSQL session through libpqxx, and the migration lock on a second one.
#pragma once

#include <retort/sdk/connection.hpp>
#include <retort/sdk/url.hpp>

#include <memory>
#include <string>

namespace retort_postgres {

namespace sdk = retort::sdk;

/// Statements run in autocommit unless begin() opened a transaction. The session advisory lock is
/// held on a connection of its own, so `CREATE INDEX CONCURRENTLY` (which waits for every other
/// transaction) never waits on the runner's own lock.
class pg_connection final : public sdk::connection {
 public:
  explicit pg_connection(const sdk::url& where);
  ~pg_connection() override;

  std::uint64_t execute(std::string_view sql) override;
  std::vector<sdk::row> query(std::string_view sql, const std::vector<sdk::param>& params) override;
  void begin(std::chrono::milliseconds timeout) override;
  void commit() override;
  void rollback() override;
  void lock(std::string_view key, std::chrono::milliseconds timeout) override;
  void unlock(std::string_view key) override;
  void set_lock_wait(std::chrono::milliseconds) override {}  // statements wait by lock_timeout guards
  sdk::table_place find_table(std::string_view schema, std::string_view name) override;
  sdk::schema introspect() override;
  std::string server_version() override;

 private:
  struct pq;  // the libpqxx objects, kept out of this header

  std::string conninfo_;
  std::string where_;  ///< the redacted URL, for messages
  std::string schema_; ///< the URL's `schema` parameter: the search_path, and part of the lock key
  std::unique_ptr<pq> pq_;
};

}  // namespace retort_postgres
