// sqlite_connection.hpp — a session on one SQLite file, through the SQLite3 C API.
#pragma once

#include <retort/sdk/connection.hpp>
#include <retort/sdk/url.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace retort_sqlite {

namespace sdk = retort::sdk;

/// What a table rebuild says around its DROP TABLE so that the table keeps its triggers, which the
/// drop takes with it: the connection reads them before and makes them again after. SQLite ignores
/// a pragma it does not know, so a script run by the sqlite3 shell goes on without them.
inline constexpr std::string_view keep_triggers_pragma = "PRAGMA retort_keep_triggers = ";
inline constexpr std::string_view restore_triggers_pragma = "PRAGMA retort_restore_triggers = ";

/// Writers are serialised by `BEGIN IMMEDIATE` (with the busy timeout as the lock timeout), and a
/// run by `lock()`, a file lock beside SQLite's own. Inside a migration's transaction foreign keys
/// are checked once, at commit (PRAGMA foreign_key_check), so a table rebuild does not cascade into
/// its children.
class sqlite_connection final : public sdk::connection {
 public:
  explicit sqlite_connection(const sdk::url& where);
  ~sqlite_connection() override;

  std::uint64_t execute(std::string_view sql) override;
  std::vector<sdk::row> query(std::string_view sql, const std::vector<sdk::param>& params) override;
  void begin(std::chrono::milliseconds timeout) override;
  void commit() override;
  void rollback() override;
  /// SQLite's own locks last a transaction, and a journaled migration commits part by part: for
  /// the whole run, an exclusive flock on a file of its own in the temporary directory, named by
  /// the database file's device and inode (never on the database file: closing a second
  /// descriptor of it would drop SQLite's POSIX locks). The timeout also becomes the busy timeout,
  /// so every statement of the run waits for another writer that long.
  void lock(std::string_view, std::chrono::milliseconds timeout) override;
  void unlock(std::string_view) override;
  void set_lock_wait(std::chrono::milliseconds timeout) override;
  /// Always the `main` schema: a TEMP table of the same name cannot shadow it.
  sdk::table_place find_table(std::string_view schema, std::string_view name) override;
  sdk::schema introspect() override;
  std::string server_version() override;
  /// SQLite's online backup API, page by page into a new file.
  void backup(const std::string& path) override;

 private:
  [[noreturn]] void fail(int rc, std::string_view sql) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  int lock_fd_ = -1;  ///< the run's lock file, while held
  std::map<std::string, std::vector<std::string>> kept_triggers_;  ///< table → CREATE TRIGGER statements
};

}  // namespace retort_sqlite
