// sqlite_dialect.hpp — SQLite's names, types and DDL, including the copy-and-move rebuild for the
// alterations SQLite cannot do in place.
#pragma once

#include <retort/sdk/dialect.hpp>

namespace retort_sqlite {

namespace sdk = retort::sdk;

class sqlite_dialect final : public sdk::dialect {
 public:
  std::string name() const override { return "sqlite"; }
  std::vector<std::string> schemes() const override { return {"sqlite"}; }
  sdk::capabilities caps() const override;
  std::string quote_identifier(std::string_view name) const override;
  std::string quote_literal(std::string_view text) const override;
  std::string render_type(std::string_view neutral) const override;
  std::vector<std::string> split_statements(std::string_view script) const override;
  std::vector<sdk::statement> render(const sdk::builtin_op& op, const sdk::schema& before) const override;
  std::string begin_sql() const override { return "BEGIN"; }
  std::string commit_sql() const override { return "COMMIT"; }
  std::unique_ptr<sdk::connection> connect(const sdk::url& where) const override;

 private:
  std::string column_sql(const sdk::column& c, bool inline_pk) const;
  std::string create_table_sql(const sdk::table& t, const std::string& as_name) const;
  std::string create_index_sql(const sdk::index& ix) const;
  std::string list(const std::vector<std::string>& names) const;
  std::vector<sdk::statement> rebuild(const sdk::table& before, const sdk::table& after) const;
};

}  // namespace retort_sqlite
