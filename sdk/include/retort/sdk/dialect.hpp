// dialect.hpp — what a database dialect plugin provides: naming, types, rendering, splitting, connecting.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/connection.hpp>
#include <retort/sdk/ops.hpp>
#include <retort/sdk/schema.hpp>
#include <retort/sdk/statement.hpp>
#include <retort/sdk/url.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace retort::sdk {

struct capabilities {
  bool transactional_ddl = false;  ///< DDL rolls back with its transaction
  bool advisory_lock = false;      ///< `connection::lock` is a real, session-wide lock
  bool alter_column = false;       ///< column changes in place (else the dialect rebuilds the table)
  std::size_t max_identifier_length = 0;  ///< 0: no limit worth checking
  /// Tables live in named schemas, so the `schema` setting names one (PostgreSQL); where false it is
  /// ignored and retort's tables are named as `connection::find_table` places them.
  bool schemas = false;
};

/// @warning A published interface: within an ABI major it never gains, loses or reorders a virtual.
class RETORT_SDK_VISIBLE dialect {
 public:
  virtual ~dialect() = default;

  /// The dialect's name as ops and files refer to it ("sqlite", "postgresql", "mysql").
  virtual std::string name() const = 0;
  /// The URL schemes it claims, without `+driver` ("postgresql", "postgres").
  virtual std::vector<std::string> schemes() const = 0;
  virtual capabilities caps() const = 0;

  virtual std::string quote_identifier(std::string_view name) const = 0;
  virtual std::string quote_literal(std::string_view text) const = 0;
  /// A neutral type (`string(255)`, `timestamptz`, …) in this database's spelling; other strings
  /// pass through as written.
  virtual std::string render_type(std::string_view neutral) const = 0;
  /// Splits a script into statements (quotes, comments, dollar quotes, `DELIMITER`), without the `;`.
  virtual std::vector<std::string> split_statements(std::string_view script) const = 0;

  /// The statements of one built-in operation, given the schema just before it.
  /// Throws `error` (kind `input`) for an operation this database cannot do.
  virtual std::vector<statement> render(const builtin_op& op, const schema& before) const = 0;
  /// Consecutive built-in operations of one migration rendered as one, where that is less work
  /// (SQLite: one table rebuild for several changes to a table): how many of `ops`, from the first,
  /// the statements put in `out` do. 0 or 1: the first is rendered by itself with render(). (ABI 2.0)
  virtual std::size_t render_together(const std::vector<const builtin_op*>& ops, const schema& before,
                                      std::vector<statement>& out) const {
    (void)ops;
    (void)before;
    (void)out;
    return 0;
  }

  /// Statements that open and close a transaction in an offline script ("BEGIN", "COMMIT").
  virtual std::string begin_sql() const = 0;
  virtual std::string commit_sql() const = 0;

  /// Opens a session. Errors name the URL only through `url::redacted()`.
  virtual std::unique_ptr<connection> connect(const url& where) const = 0;

  /// The statement that sets a session timeout, `which` being "lock_timeout" or
  /// "statement_timeout", to `value`, or back to the server's default when it has none. Empty when
  /// the database has no such setting: the guard is then skipped.
  virtual std::string timeout_sql(std::string_view which, std::optional<std::chrono::milliseconds> value) const {
    (void)which;
    (void)value;
    return {};
  }
};

}  // namespace retort::sdk
