// mysql_dialect.hpp — MySQL's and MariaDB's types, DDL and statement splitting (DELIMITER included).
// The dialect has no connection, so what it renders is what both MySQL 8 and MariaDB 10.11 take.
#pragma once

#include <retort/sdk/sql_dialect.hpp>

namespace retort_mysql {

namespace sdk = retort::sdk;
namespace ops = retort::sdk::ops;

class mysql_dialect final : public sdk::sql_dialect {
 public:
  std::string name() const override { return "mysql"; }
  std::vector<std::string> schemes() const override { return {"mysql", "mariadb"}; }
  sdk::capabilities caps() const override;
  std::unique_ptr<sdk::connection> connect(const sdk::url& where) const override;
  std::string timeout_sql(std::string_view which, std::optional<std::chrono::milliseconds> value) const override;

  /// `name`, with a doubled backtick inside.
  std::string quote_identifier(std::string_view name) const override;
  /// '…', with backslashes doubled: MySQL reads backslash escapes in every string.
  std::string quote_literal(std::string_view text) const override;
  /// TIMESTAMP(3) → DATETIME(3): the argument replaces the default precision of 6.
  std::string render_type(std::string_view neutral) const override;

  /// Every built-in operation through own(): the ones MySQL spells its own way, the rest the ANSI way.
  std::vector<sdk::statement> render(const sdk::builtin_op& op, const sdk::schema& before) const override {
    return std::visit([&](const auto& o) { return own(o, before); }, op);
  }

  /// The mysql client's splitting: quotes with backslash escapes, `#` and `-- ` comments, `/*! … */`
  /// kept as statement text, and DELIMITER lines, which change what ends a statement and are not sent.
  std::vector<std::string> split_statements(std::string_view script) const override;
  sdk::sql_syntax syntax() const override { return sdk::sql_syntax::mysql(); }

  /// true and false as 1 and 0 (BOOLEAN is TINYINT(1)); anything else as written.
  std::string default_sql(const std::string& value) const override;
  /// ENUM('a', 'b'): MySQL's enum is a column type, not a named type.
  std::string enum_column_sql(const sdk::column& c, const std::vector<std::string>& values) const override;
  /// One column's definition. A column-level reference is not written here: MySQL 8 parses an inline
  /// REFERENCES and ignores it, so create_table and add_column add it as a table-level FOREIGN KEY.
  std::string column_sql(const sdk::column& c, bool inline_pk, const sdk::schema& s) const override;
  std::string create_table_sql(const sdk::table& t, const std::string& as_name, const sdk::schema& s) const override;
  /// An index without the table it is on: no prefix lengths. render() uses index_sql().
  std::string create_index_sql(const sdk::index& ix) const override { return index_sql(ix, nullptr); }

  /// CREATE [UNIQUE] INDEX … ON t (…), with a prefix length for a TEXT or BLOB column of `t`, which
  /// MySQL can index only by a prefix.
  std::string index_sql(const sdk::index& ix, const sdk::table* t) const;
  /// The column list of an index or unique constraint, with prefix lengths where `t` says they are needed.
  std::string key_parts(const std::vector<std::string>& columns, const sdk::table* t) const;
  /// What follows MODIFY COLUMN / CHANGE COLUMN old: the whole column as MySQL needs it restated —
  /// type, AUTO_INCREMENT, nullability and default; not its key, unique or reference, which stay.
  std::string restated_column(const sdk::column& c, const sdk::schema& s) const;

 protected:
  const std::vector<std::pair<std::string, std::string>>& type_names() const override;
  std::string autoincrement_sql(const sdk::column& c) const override;

 private:
  std::vector<sdk::statement> own(const ops::create_table& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::rename_table& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::add_column& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::alter_column& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::create_index& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::drop_index& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::create_unique& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::drop_constraint& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::alter_primary_key& o, const sdk::schema& before) const;
  /// ALTER TABLE … DROP INDEX, and the index a foreign key then lacks.
  std::string drop_index_sql(const std::string& table, const std::string& name, const sdk::schema& before) const;
  template <class Op> std::vector<sdk::statement> own(const Op& o, const sdk::schema& before) const {
    return sdk::sql_dialect::render(o, before);
  }
};

}  // namespace retort_mysql
