// mysql_connection.hpp — a MySQL or MariaDB session through Connector/C++ 1.1, and the migration lock
// on a second one.
#pragma once

#include <retort/sdk/connection.hpp>
#include <retort/sdk/url.hpp>

#include <memory>
#include <string>

namespace retort_mysql {

namespace sdk = retort::sdk;

class mysql_dialect;

/// Statements run in autocommit unless begin() opened a transaction (which any DDL statement
/// commits: MySQL has no transactional DDL). The GET_LOCK lock is held on a session of its own, so
/// nothing a migration runs on this one (a RELEASE_ALL_LOCKS(), a reconnect) can let another runner in.
class mysql_connection final : public sdk::connection {
 public:
  mysql_connection(const sdk::url& where, const mysql_dialect& dialect);
  ~mysql_connection() override;

  std::uint64_t execute(std::string_view sql) override;
  std::vector<sdk::row> query(std::string_view sql, const std::vector<sdk::param>& params) override;
  void begin(std::chrono::milliseconds timeout) override;
  void commit() override;
  void rollback() override;
  void lock(std::string_view key, std::chrono::milliseconds timeout) override;
  void unlock(std::string_view key) override;
  void set_lock_wait(std::chrono::milliseconds timeout) override;
  sdk::table_place find_table(std::string_view schema, std::string_view name) override;
  sdk::schema introspect() override;
  std::string server_version() override;

 private:
  struct cpp;  // the connector's objects, kept out of this header

  /// GET_LOCK's name for a key: per database, within MySQL's 64 characters.
  std::string lock_name(std::string_view key) const;

  const mysql_dialect& dialect_;
  std::string where_;     ///< the redacted URL, for messages
  std::string database_;  ///< the URL's database
  bool mariadb_ = false;  ///< VERSION() says MariaDB
  std::string version_;   ///< VERSION(), trimmed: "10.11.19-MariaDB", "8.0.36"
  std::unique_ptr<cpp> my_;
};

}  // namespace retort_mysql
