// pg_dialect.hpp — PostgreSQL's types, DDL, statement splitting, and the statements it refuses to run
// inside a transaction.
#pragma once

#include <retort/sdk/sql_dialect.hpp>

namespace retort_postgres {

namespace sdk = retort::sdk;

class pg_dialect final : public sdk::sql_dialect {
 public:
  std::string name() const override { return "postgresql"; }
  std::vector<std::string> schemes() const override { return {"postgresql", "postgres"}; }
  sdk::capabilities caps() const override;
  std::unique_ptr<sdk::connection> connect(const sdk::url& where) const override;
  std::string timeout_sql(std::string_view which, std::optional<std::chrono::milliseconds> value) const override;

 protected:
  const std::vector<std::pair<std::string, std::string>>& type_names() const override;
  std::string autoincrement_sql(const sdk::column& c) const override;
  /// A column of an enum type names the type (CREATE TYPE … AS ENUM, made by `create_enum`).
  std::string enum_column_sql(const sdk::column& c, const std::vector<std::string>&) const override {
    return quote_identifier(c.type);
  }
  /// CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, VACUUM, CREATE/DROP DATABASE and
  /// TABLESPACE, ALTER SYSTEM: PostgreSQL refuses them inside a transaction block.
  /// A DO block that COMMITs or ROLLBACKs counts as one of them.
  bool transactional(const std::string& sql) const override;
  /// E'' strings, $tag$ bodies, nested /* */ comments, and psql's rule for what holds a `;` inside a
  /// statement (parentheses, BEGIN … END in CREATE FUNCTION), so files split as `psql -f` splits them.
  sdk::sql_syntax syntax() const override;
};

}  // namespace retort_postgres
