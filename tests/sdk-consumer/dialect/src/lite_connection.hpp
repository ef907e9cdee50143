// lite_connection.hpp — a session on one SQLite file through the sqlite3 C API: the whole of
// sdk::connection, in the plugin's own code.
#pragma once

#include <retort/sdk/connection.hpp>
#include <retort/sdk/url.hpp>

struct sqlite3;

namespace lite {

namespace sdk = retort::sdk;

/// Writers are serialised by BEGIN IMMEDIATE, which waits up to the busy timeout for another
/// writer, so lock() and unlock() have nothing to do.
class lite_connection final : public sdk::connection {
 public:
  explicit lite_connection(const sdk::url& where);
  ~lite_connection() override;
  lite_connection(const lite_connection&) = delete;
  lite_connection& operator=(const lite_connection&) = delete;

  std::uint64_t execute(std::string_view sql) override;
  std::vector<sdk::row> query(std::string_view sql, const std::vector<sdk::param>& params) override;
  void begin(std::chrono::milliseconds timeout) override;
  void commit() override { execute("COMMIT"); }
  void rollback() override;
  void lock(std::string_view, std::chrono::milliseconds) override {}
  void unlock(std::string_view) override {}
  void set_lock_wait(std::chrono::milliseconds timeout) override;
  sdk::table_place find_table(std::string_view schema, std::string_view name) override;
  sdk::schema introspect() override;
  std::string server_version() override;

 private:
  [[noreturn]] void fail(int rc) const;

  sqlite3* db_ = nullptr;
  std::string where_;  ///< the URL, redacted, for messages
};

}  // namespace lite
