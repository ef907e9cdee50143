// connection.hpp — one open database session, as the runner uses it.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/schema.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace retort::sdk {

using param = std::variant<std::nullptr_t, std::int64_t, std::string>;
using row = std::vector<std::optional<std::string>>;

/// Where a table is, or would be created.
struct table_place {
  std::string schema;  ///< empty when the database has no schemas to name
  bool exists = false;
};

/// Every method throws `sdk::error` (kind `database`, with the SQLSTATE or native code the database
/// gave) on failure. A connection is used from one thread.
class RETORT_SDK_VISIBLE connection {
 public:
  virtual ~connection() = default;

  /// Runs one statement that returns no rows, and returns how many rows it inserted, updated or
  /// deleted (0 for other statements), so retort can check its own writes.
  virtual std::uint64_t execute(std::string_view sql) = 0;
  /// Runs one statement with `?`-style positional parameters and returns its rows as text.
  virtual std::vector<row> query(std::string_view sql, const std::vector<param>& params = {}) = 0;

  /// Opens a transaction that also serialises writers where the database needs it (SQLite
  /// `BEGIN IMMEDIATE`), waiting at most `timeout` for it.
  virtual void begin(std::chrono::milliseconds timeout) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  /// Takes the named session lock that keeps two runners apart, waiting at most `timeout`;
  /// throws an error of kind `lock` naming the holder where the database can tell.
  /// Dialects whose `begin()` already serialises writers may do nothing here.
  virtual void lock(std::string_view key, std::chrono::milliseconds timeout) = 0;
  virtual void unlock(std::string_view key) = 0;

  /// How long any statement waits for a lock another session holds before it fails with kind
  /// `lock` (SQLite's busy timeout). A database whose statements do not wait this way ignores it.
  virtual void set_lock_wait(std::chrono::milliseconds timeout) = 0;

  /// Where the table `name` is. With a `schema`: whether it is in that schema. With none: the schema
  /// an unqualified `name` resolves to now, or, when no such table exists, the schema an unqualified
  /// CREATE TABLE would put it in (an error of kind `input` when there is none). retort names its
  /// own tables with the schema this gives, once per run, so nothing a migration does to its
  /// session (search_path) moves them.
  virtual table_place find_table(std::string_view schema, std::string_view name) = 0;
  /// The tables, columns, indexes and constraints as the neutral model sees them.
  virtual schema introspect() = 0;
  /// The server's version as it reports it ("3.40.1", "15.4").
  virtual std::string server_version() = 0;
  /// A copy of the whole database, consistent, written to the new file `path` (`upgrade --backup`,
  /// before anything changes). A database that cannot says so: an error of kind `usage`. (ABI 2.0)
  virtual void backup(const std::string& path) {
    throw error(error_kind::usage, "--backup " + path + ": this database has no backup of its own in retort; back it "
                                   "up with its own tools before the upgrade (docs/cli.md#--backup)");
  }
};

}  // namespace retort::sdk
