// mysql_dialect.cpp — MySQL's and MariaDB's types, DDL and statement splitting.
#include "mysql_dialect.hpp"

#include "mysql_connection.hpp"
#include "mysql_split.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

namespace retort_mysql {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

/// The type without spaces, in lower case, split at its arguments: "numeric(12, 2)" → numeric, (12,2).
std::pair<std::string, std::string> type_parts(std::string_view type) {
  std::string t;
  for (char c : type)
    if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto open = t.find('(');
  if (open == std::string::npos) return {t, {}};
  return {t.substr(0, open), t.substr(open)};
}

/// Whether MySQL can index a column of this type only by a prefix (TEXT and BLOB kinds; JSON, which
/// MariaDB stores as LONGTEXT).
bool needs_prefix(const std::string& type) {
  const auto [base, args] = type_parts(type);
  return base == "text" || base == "binary" || base == "json" || base.find("text") != std::string::npos ||
         base.find("blob") != std::string::npos;
}

bool is_datetime(const std::string& type) {
  const auto base = type_parts(type).first;
  return base == "timestamp" || base == "timestamptz" || base == "datetime";
}

/// What a column of a TEXT, BLOB or JSON type takes after DEFAULT: MySQL 8 takes only an expression
/// in parentheses there, which MariaDB takes as well.
bool needs_expression_default(const std::string& type) { return needs_prefix(type); }

/// The bytes of an index key MySQL allows on every row format: 767, so 191 characters of utf8mb4.
constexpr int prefix_length = 191;

[[noreturn]] void refuse(std::string why) { throw sdk::error(sdk::error_kind::input, std::move(why)); }

}  // namespace

sdk::capabilities mysql_dialect::caps() const {
  sdk::capabilities c;
  c.transactional_ddl = false;  // every DDL statement commits the transaction it is in
  c.advisory_lock = true;       // GET_LOCK, on a session of its own
  c.alter_column = true;
  c.max_identifier_length = 64;
  c.schemas = false;  // a MySQL "schema" is the database the URL names
  return c;
}

const std::vector<std::pair<std::string, std::string>>& mysql_dialect::type_names() const {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"integer", "INT"},         {"bigint", "BIGINT"},          {"smallint", "SMALLINT"}, {"string", "VARCHAR"},
      {"text", "TEXT"},           {"boolean", "TINYINT(1)"},     {"date", "DATE"},         {"time", "TIME"},
      {"timestamp", "DATETIME(6)"}, {"timestamptz", "DATETIME(6)"}, {"float", "FLOAT"},      {"double", "DOUBLE"},
      {"numeric", "DECIMAL"},     {"binary", "BLOB"},            {"json", "JSON"},         {"uuid", "CHAR(36)"}};
  return names;
}

std::string mysql_dialect::render_type(std::string_view neutral) const {
  const auto [base, args] = type_parts(neutral);
  for (const auto& [name, spelling] : type_names())
    if (base == name) return args.empty() ? spelling : spelling.substr(0, spelling.find('(')) + args;
  return std::string(neutral);
}

std::string mysql_dialect::autoincrement_sql(const sdk::column& c) const {
  const auto base = type_parts(c.type).first;
  return std::string(base == "integer" ? "INT" : base == "smallint" ? "SMALLINT" : "BIGINT") + " AUTO_INCREMENT";
}

std::string mysql_dialect::quote_identifier(std::string_view name) const {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += c;
  }
  return out + "`";
}

std::string mysql_dialect::quote_literal(std::string_view text) const {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

std::string mysql_dialect::default_sql(const std::string& value) const {
  const std::string v = lower(value);
  if (v == "true") return "1";
  if (v == "false") return "0";
  return value;
}

std::string mysql_dialect::enum_column_sql(const sdk::column&, const std::vector<std::string>& values) const {
  std::string in;
  for (const auto& v : values) in += (in.empty() ? "" : ", ") + quote_literal(v);
  return "ENUM(" + in + ")";
}

std::string mysql_dialect::column_sql(const sdk::column& c, bool inline_pk, const sdk::schema& s) const {
  if (type_parts(c.type).first == "string" && type_parts(c.type).second.empty())
    refuse(fmt::format("column '{}' is of type string without a length, and MySQL's VARCHAR needs one: give it as "
                       "string(255), or use text",
                       c.name));
  std::string out = quote_identifier(c.name) + " ";
  const auto e = s.enums.find(c.type);
  if (c.autoincrement) {
    const auto base = type_parts(c.type).first;
    out += base == "integer" ? "INT" : base == "smallint" ? "SMALLINT" : "BIGINT";
  } else {
    out += e != s.enums.end() ? enum_column_sql(c, e->second) : render_type(c.type);
  }
  if (!c.nullable) out += " NOT NULL";
  if (c.server_default) {
    std::string d = default_sql(*c.server_default);
    const std::string l = lower(d);
    if (is_datetime(c.type) && (l == "current_timestamp" || l == "current_timestamp()" || l == "now()")) {
      // The precision of the default must be the column's: DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6).
      const std::string rendered = render_type(c.type);
      const auto open = rendered.find('(');
      d = "CURRENT_TIMESTAMP" + (open == std::string::npos ? std::string() : rendered.substr(open));
    } else if (needs_expression_default(c.type) && !(d.size() > 1 && d.front() == '(' && d.back() == ')')) {
      d = "(" + d + ")";
    }
    out += " DEFAULT " + d;
  }
  if (c.autoincrement) out += " AUTO_INCREMENT";
  if (c.unique) out += " UNIQUE";
  if (inline_pk && c.primary_key) out += " PRIMARY KEY";
  return out;
}

std::string mysql_dialect::restated_column(const sdk::column& c, const sdk::schema& s) const {
  sdk::column bare = c;
  bare.primary_key = false;  // the key, the unique index and the foreign key stay as they are
  bare.unique = false;
  bare.references.reset();
  return column_sql(bare, false, s);
}

std::string mysql_dialect::key_parts(const std::vector<std::string>& columns, const sdk::table* t) const {
  std::string out;
  for (const auto& name : columns) {
    out += (out.empty() ? "" : ", ") + quote_identifier(name);
    const sdk::column* c = t ? t->find_column(name) : nullptr;
    if (c && needs_prefix(c->type)) out += "(" + std::to_string(prefix_length) + ")";
  }
  return out;
}

std::string mysql_dialect::index_sql(const sdk::index& ix, const sdk::table* t) const {
  return std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + quote_identifier(ix.name) + " ON " +
         quote_identifier(ix.table) + " (" + key_parts(ix.columns, t) + ")";
}

std::string mysql_dialect::create_table_sql(const sdk::table& t, const std::string& as_name, const sdk::schema& s) const {
  const std::vector<std::string> pk = t.key();
  const bool inline_pk = pk.size() == 1 && t.primary_key.empty();
  std::string out = "CREATE TABLE " + quote_identifier(as_name) + " (";
  std::string sep = "\n  ";
  auto item = [&](const std::string& sql) {
    out += sep + sql;
    sep = ",\n  ";
  };
  for (const auto& c : t.columns) item(column_sql(c, inline_pk, s));
  if (!inline_pk && !pk.empty()) item("PRIMARY KEY (" + list(pk) + ")");
  for (const auto& u : t.uniques) item("CONSTRAINT " + quote_identifier(u.name) + " UNIQUE (" + key_parts(u.columns, &t) + ")");
  for (const auto& fk : t.foreign_keys) item(foreign_key_sql(fk));
  for (const auto& c : t.columns)
    if (c.references)
      item("FOREIGN KEY (" + quote_identifier(c.name) + ") " + references_sql(*c.references) +
           (c.on_delete ? " ON DELETE " + *c.on_delete : ""));
  for (const auto& ck : t.checks) item("CONSTRAINT " + quote_identifier(ck.name) + " CHECK (" + ck.sql + ")");
  return out + "\n) ENGINE=InnoDB";
}

std::vector<sdk::statement> mysql_dialect::own(const ops::create_table& o, const sdk::schema& before) const {
  std::vector<sdk::statement> out = {{create_table_sql(o.def, o.def.name, before), true}};
  for (const auto& ix : o.def.indexes) out.push_back({index_sql(ix, &o.def), true});
  return out;
}

std::vector<sdk::statement> mysql_dialect::own(const ops::rename_table& o, const sdk::schema&) const {
  return {{"RENAME TABLE " + quote_identifier(o.table) + " TO " + quote_identifier(o.to), true}};
}

std::vector<sdk::statement> mysql_dialect::own(const ops::add_column& o, const sdk::schema& before) const {
  std::string sql = alter(o.table) + "ADD COLUMN " + column_sql(o.col, true, before);
  if (o.col.references)
    sql += ", ADD FOREIGN KEY (" + quote_identifier(o.col.name) + ") " + references_sql(*o.col.references) +
           (o.col.on_delete ? " ON DELETE " + *o.col.on_delete : "");
  return {{sql, true}};
}

std::vector<sdk::statement> mysql_dialect::own(const ops::alter_column& o, const sdk::schema& before) const {
  const bool rename_only = o.rename_to && !o.type && !o.nullable && !o.server_default;
  if (rename_only)  // nothing to restate (MySQL 8.0, MariaDB 10.5)
    return {{alter(o.table) + "RENAME COLUMN " + quote_identifier(o.column) + " TO " + quote_identifier(*o.rename_to), true}};
  const sdk::table* t = before.find(o.table);
  const sdk::column* c = t ? t->find_column(o.column) : nullptr;
  if (!c)
    refuse(fmt::format("MySQL changes a column by restating all of it (ALTER TABLE … MODIFY COLUMN), and the earlier "
                       "migrations do not say what {}.{} is (was it made by SQL?); write this change as an `sql` "
                       "operation with the whole column definition",
                       o.table, o.column));
  sdk::column after = *c;
  if (o.type) after.type = *o.type;
  if (o.nullable) after.nullable = *o.nullable;
  if (o.server_default) after.server_default = *o.server_default;
  if (o.rename_to) {
    after.name = *o.rename_to;
    return {{alter(o.table) + "CHANGE COLUMN " + quote_identifier(o.column) + " " + restated_column(after, before), true}};
  }
  return {{alter(o.table) + "MODIFY COLUMN " + restated_column(after, before), true}};
}

std::vector<sdk::statement> mysql_dialect::own(const ops::create_index& o, const sdk::schema& before) const {
  return {{index_sql(o.def, before.find(o.def.table)), true}};
}

std::string mysql_dialect::drop_index_sql(const std::string& table, const std::string& name, const sdk::schema& before) const {
  // InnoDB needs an index that begins with a foreign key's columns, and uses one a migration made
  // when there is one (dropping the index it had made itself): dropping that index alone fails
  // ("needed in a foreign key constraint"). The same ALTER then makes the key its own index again,
  // named after it, as InnoDB would have.
  std::string sql = alter(table) + "DROP INDEX " + quote_identifier(name);
  const sdk::table* t = before.find(table);
  if (!t) return sql;
  auto leads = [](const std::vector<std::string>& cols, const std::vector<std::string>& by) {
    return cols.size() >= by.size() && std::equal(by.begin(), by.end(), cols.begin());
  };
  std::vector<std::pair<std::string, std::vector<std::string>>> others;  // every other index, by name
  const std::vector<std::string>* going = nullptr;
  auto sort = [&](const std::string& n, const std::vector<std::string>& cols) {
    if (n == name) going = &cols;
    else others.emplace_back(n, cols);
  };
  for (const auto& ix : t->indexes) sort(ix.name, ix.columns);
  for (const auto& u : t->uniques) sort(u.name, u.columns);
  if (!going) return sql;
  others.emplace_back("PRIMARY", t->key());
  for (const auto& c : t->columns)
    if (c.unique) others.emplace_back(c.name, std::vector<std::string>{c.name});
  std::vector<sdk::foreign_key> keys = t->foreign_keys;
  for (const auto& c : t->columns)
    if (c.references) keys.push_back(sdk::detail::column_foreign_key(table, c));
  for (const auto& fk : keys) {
    if (!leads(*going, fk.columns)) continue;
    if (std::any_of(others.begin(), others.end(), [&](const auto& o) { return leads(o.second, fk.columns); })) continue;
    sql += ", ADD INDEX " + quote_identifier(fk.name) + " (" + key_parts(fk.columns, t) + ")";
    others.emplace_back(fk.name, fk.columns);
  }
  return sql;
}

std::vector<sdk::statement> mysql_dialect::own(const ops::drop_index& o, const sdk::schema& before) const {
  return {{drop_index_sql(o.table, o.name, before), true}};
}

std::vector<sdk::statement> mysql_dialect::own(const ops::create_unique& o, const sdk::schema& before) const {
  return {{alter(o.table) + "ADD CONSTRAINT " + quote_identifier(o.def.name) + " UNIQUE (" +
               key_parts(o.def.columns, before.find(o.table)) + ")",
           true}};
}

std::vector<sdk::statement> mysql_dialect::own(const ops::drop_constraint& o, const sdk::schema& before) const {
  const std::string name = quote_identifier(o.name);
  if (const sdk::table* t = before.find(o.table)) {
    // A unique constraint is a unique index.
    for (const auto& u : t->uniques)
      if (u.name == o.name) return {{drop_index_sql(o.table, o.name, before), true}};
    for (const auto& fk : t->foreign_keys) {
      if (fk.name != o.name) continue;
      // InnoDB made an index named after the constraint unless one already began with its columns;
      // DROP FOREIGN KEY leaves that index behind, so it goes too.
      auto leads = [&](const std::vector<std::string>& cols) {
        return cols.size() >= fk.columns.size() && std::equal(fk.columns.begin(), fk.columns.end(), cols.begin());
      };
      bool covered = leads(t->key());
      for (const auto& ix : t->indexes) covered = covered || leads(ix.columns);
      for (const auto& u : t->uniques) covered = covered || leads(u.columns);
      for (const auto& c : t->columns) covered = covered || (c.unique && leads({c.name}));
      return {{alter(o.table) + "DROP FOREIGN KEY " + name + (covered ? "" : ", DROP INDEX " + name), true}};
    }
  }
  // A check (MariaDB's DROP CONSTRAINT, which MySQL takes since 8.0.19 for every kind), or a
  // constraint the earlier migrations do not know.
  return {{alter(o.table) + "DROP CONSTRAINT " + name, true}};
}

std::vector<sdk::statement> mysql_dialect::own(const ops::alter_primary_key& o, const sdk::schema& before) const {
  // MySQL's key has no name to drop it by; one statement swaps it, so the table is never without one.
  std::vector<std::string> parts;
  const sdk::table* t = before.find(o.table);
  if (!t || !t->key().empty()) parts.push_back("DROP PRIMARY KEY");
  if (!o.columns.empty()) parts.push_back("ADD PRIMARY KEY (" + list(o.columns) + ")");
  return {{fmt::format("{}{}", alter(o.table), fmt::join(parts, ", ")), true}};
}

std::string mysql_dialect::timeout_sql(std::string_view which, std::optional<std::chrono::milliseconds> value) const {
  if (which == "lock_timeout") {
    // Whole seconds, rounded up (0 would mean "do not wait" to InnoDB): metadata locks and row locks.
    if (!value) return "SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT";
    const auto s = std::max<long long>(1, (value->count() + 999) / 1000);
    return fmt::format("SET SESSION lock_wait_timeout = {0}, innodb_lock_wait_timeout = {0}", s);
  }
  if (which == "statement_timeout") {
    // MariaDB's max_statement_time, in seconds with fractions (MySQL has no such variable: its
    // max_execution_time limits only SELECT).
    if (!value) return "SET SESSION max_statement_time = DEFAULT";
    return fmt::format("SET SESSION max_statement_time = {}.{:03}", value->count() / 1000, value->count() % 1000);
  }
  return {};
}

std::vector<std::string> mysql_dialect::split_statements(std::string_view script) const {
  return split_mysql(script);
}

std::unique_ptr<sdk::connection> mysql_dialect::connect(const sdk::url& where) const {
  return std::make_unique<mysql_connection>(where, *this);
}

}  // namespace retort_mysql
