// sqlite_dialect.cpp — SQLite's names, types and DDL.
#include "sqlite_dialect.hpp"

#include "sqlite_connection.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace retort_sqlite {
namespace {


std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

template <class... T> [[noreturn]] void cannot(fmt::format_string<T...> what, T&&... args) {
  throw sdk::error(sdk::error_kind::input, fmt::format(what, std::forward<T>(args)...));
}

const sdk::table& known_table(const sdk::schema& s, const std::string& name, const char* op) {
  const sdk::table* t = s.find(name);
  if (!t)
    cannot("{} on table '{}' needs SQLite's table rebuild, and the table's definition is not known from earlier "
           "migrations (was it created by SQL?); write this change as an `sql` op",
           op, name);
  return *t;
}

using sdk::detail::mentions;

/// DROP COLUMN works in place only for a plain column (SQLite 3.35+).
bool plain_column(const sdk::table& t, const std::string& c) {
  const sdk::column* col = t.find_column(c);
  if (!col || col->primary_key || col->unique || col->references || mentions(t.primary_key, c)) return false;
  for (const auto& fk : t.foreign_keys)
    if (mentions(fk.columns, c)) return false;
  for (const auto& u : t.uniques)
    if (mentions(u.columns, c)) return false;
  // A CHECK may name the column in any form: be safe and rebuild.
  return t.checks.empty();
}

}  // namespace

sdk::capabilities sqlite_dialect::caps() const {
  sdk::capabilities c;
  c.transactional_ddl = true;
  c.advisory_lock = false;  // writers are serialised by BEGIN IMMEDIATE instead
  c.alter_column = false;
  return c;
}

const std::vector<std::pair<std::string, std::string>>& sqlite_dialect::type_names() const {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"integer", "INTEGER"}, {"bigint", "BIGINT"}, {"smallint", "SMALLINT"}, {"string", "VARCHAR"},
      {"text", "TEXT"},       {"boolean", "BOOLEAN"}, {"date", "DATE"},     {"time", "TIME"},
      {"timestamp", "DATETIME"}, {"timestamptz", "DATETIME"}, {"float", "FLOAT"}, {"double", "DOUBLE"},
      {"numeric", "NUMERIC"}, {"binary", "BLOB"},   {"json", "JSON"},       {"uuid", "CHAR(36)"}};
  return names;
}

sdk::sql_syntax sqlite_dialect::syntax() const { return sdk::sql_syntax::sqlite(); }

std::string sqlite_dialect::autoincrement_sql(const sdk::column&) const {
  // An INTEGER PRIMARY KEY is SQLite's rowid: that is what autoincrement means here (without the
  // AUTOINCREMENT keyword, as SQLAlchemy renders it).
  return "INTEGER";
}

std::string sqlite_dialect::default_sql(const std::string& v) const {
  // A literal or CURRENT_TIMESTAMP goes bare; any other expression needs parentheses.
  std::string l = lower(v);
  bool number = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
  });
  if (number || v.front() == '\'' || l == "null" || l == "true" || l == "false" || l == "current_timestamp" ||
      l == "current_date" || l == "current_time" || (v.front() == '(' && v.back() == ')'))
    return v;
  return "(" + v + ")";
}

std::vector<sdk::statement> sqlite_dialect::rebuild(const sdk::table& before, const sdk::table& after,
                                                    const sdk::schema& in, const moves& rows) const {
  // SQLite's "12-step" alteration: a new table in the wanted shape, the rows copied across, the old
  // table dropped and the new one renamed, its indexes made again. Foreign keys are off for the
  // migration and checked (PRAGMA foreign_key_check) before it commits (see the connection).
  const std::string tmp = "_retort_new_" + after.name;
  std::vector<std::string> from, to;
  for (const auto& [now, was] : rows)
    if (after.find_column(now) && before.find_column(was)) {
      to.push_back(now);
      from.push_back(was);
    }
  std::vector<sdk::statement> out;
  out.push_back({create_table_sql(after, tmp, in), true});
  if (!to.empty())
    out.push_back({fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", quote_identifier(tmp), list(to), list(from),
                               quote_identifier(before.name)),
                   true});
  // The triggers go with the table: kept, and made again at the end. A view on the table would make
  // RENAME TO fail while the table is gone ("error in view"): legacy_alter_table renames without
  // checking views, which name the table again once the new one has its name.
  out.push_back({std::string(keep_triggers_pragma) + quote_literal(before.name), true});
  out.push_back({"DROP TABLE " + quote_identifier(before.name), true});
  out.push_back({"PRAGMA legacy_alter_table = ON", true});
  out.push_back({fmt::format("ALTER TABLE {} RENAME TO {}", quote_identifier(tmp), quote_identifier(after.name)), true});
  out.push_back({"PRAGMA legacy_alter_table = OFF", true});
  for (const auto& ix : after.indexes) out.push_back({create_index_sql(ix), true});
  out.push_back({std::string(restore_triggers_pragma) + quote_literal(after.name), true});
  return out;
}

namespace {

/// Where the rows of each column go once `op` has run: a column renamed takes its rows along, one
/// dropped leaves them.
void follow(const sdk::builtin_op& op, sqlite_dialect::moves& rows) {
  if (const auto* a = std::get_if<ops::alter_column>(&op); a && a->rename_to) {
    for (auto& [now, was] : rows)
      if (now == a->column) now = *a->rename_to;
  } else if (const auto* d = std::get_if<ops::drop_column>(&op)) {
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const auto& m) { return m.first == d->column; }), rows.end());
  }
}

sqlite_dialect::moves unmoved(const sdk::table& t) {
  sqlite_dialect::moves rows;
  for (const auto& c : t.columns) rows.emplace_back(c.name, c.name);
  return rows;
}

/// The table an operation changes in place (not one it makes, drops or renames); null for others.
const std::string* changed_table(const sdk::builtin_op& op) {
  using name = const std::string*;
  return std::visit(sdk::detail::overloaded{
                        [](const ops::add_column& o) -> name { return &o.table; },
                        [](const ops::drop_column& o) -> name { return &o.table; },
                        [](const ops::alter_column& o) -> name { return &o.table; },
                        [](const ops::create_index& o) -> name { return &o.def.table; },
                        [](const ops::drop_index& o) -> name { return &o.table; },
                        [](const ops::create_unique& o) -> name { return &o.table; },
                        [](const ops::create_foreign_key& o) -> name { return &o.table; },
                        [](const ops::create_check& o) -> name { return &o.table; },
                        [](const ops::drop_constraint& o) -> name { return &o.table; },
                        [](const ops::alter_primary_key& o) -> name { return &o.table; },
                        [](const auto&) -> name { return nullptr; },
                    },
                    op);
}

/// Whether SQLite can do `op` only by rebuilding its table (what own() sends to rebuilt()).
bool needs_rebuild(const sdk::builtin_op& op, const sdk::schema& before) {
  return std::visit(sdk::detail::overloaded{
                        [](const ops::add_column& o) { return o.col.primary_key || o.col.unique; },
                        [&](const ops::drop_column& o) {
                          const sdk::table* t = before.find(o.table);
                          return t && t->find_column(o.column) && !plain_column(*t, o.column);
                        },
                        [](const ops::alter_column& o) { return o.type || o.nullable || o.server_default; },
                        [](const ops::create_unique&) { return true; },
                        [](const ops::create_foreign_key&) { return true; },
                        [](const ops::create_check&) { return true; },
                        [](const ops::drop_constraint&) { return true; },
                        [](const ops::alter_primary_key&) { return true; },
                        [](const auto&) { return false; },
                    },
                    op);
}

}  // namespace

std::vector<sdk::statement> sqlite_dialect::rebuilt(const sdk::builtin_op& op, const std::string& table, const char* what,
                                                    const sdk::schema& before) const {
  const sdk::table& old = known_table(before, table, what);
  sdk::schema after = before;
  sdk::apply(op, after);
  moves rows = unmoved(old);
  follow(op, rows);
  return rebuild(old, *after.find(table), after, rows);
}

std::size_t sqlite_dialect::render_together(const std::vector<const sdk::builtin_op*>& ops, const sdk::schema& before,
                                            std::vector<sdk::statement>& out) const {
  const std::string* table = changed_table(*ops[0]);
  if (!table || !needs_rebuild(*ops[0], before)) return 0;
  const sdk::table& old = known_table(before, *table, std::string(sdk::op_name(*ops[0])).c_str());
  // Each later change to the table goes into the same rebuild, refused as it would be by itself.
  sdk::schema after = before;
  moves rows = unmoved(old);
  std::size_t n = 0;
  for (; n < ops.size(); ++n) {
    const std::string* t = changed_table(*ops[n]);
    if (!t || *t != *table) break;
    // A rename goes in place, by itself (own(alter_column)), so the triggers follow it.
    if (const auto* a = std::get_if<ops::alter_column>(ops[n]); a && a->rename_to) break;
    (void)render(*ops[n], after);
    follow(*ops[n], rows);
    sdk::apply(*ops[n], after);
  }
  if (n < 2) return 0;
  out = rebuild(old, *after.find(*table), after, rows);
  return n;
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::add_column& o, const sdk::schema& before) const {
  // ADD COLUMN cannot add a PRIMARY KEY or UNIQUE column: those need the rebuild.
  if (o.col.primary_key || o.col.unique) return rebuilt(o, o.table, "add_column with primary_key or unique", before);
  return {{fmt::format("{}ADD COLUMN {}", alter(o.table), column_sql(o.col, false, before)), true}};
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::drop_column& o, const sdk::schema& before) const {
  const sdk::table* t = before.find(o.table);
  if (t && !t->find_column(o.column))
    cannot("table '{}' has no column '{}' in the schema earlier migrations project", o.table, o.column);
  if (t && !plain_column(*t, o.column)) return rebuilt(o, o.table, "drop_column", before);
  std::vector<sdk::statement> out;
  if (t)  // an index on the column goes with it, as the model says
    for (const auto& ix : t->indexes)
      if (mentions(ix.columns, o.column)) out.push_back({"DROP INDEX " + quote_identifier(ix.name), true});
  out.push_back({fmt::format("{}DROP COLUMN {}", alter(o.table), quote_identifier(o.column)), true});
  return out;
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::alter_column& o, const sdk::schema& before) const {
  const sdk::table& t = known_table(before, o.table, "alter_column");
  if (!t.find_column(o.column)) cannot("table '{}' has no column '{}'", o.table, o.column);
  const sdk::statement rename{fmt::format("{}RENAME COLUMN {} TO {}", alter(o.table), quote_identifier(o.column),
                                          quote_identifier(o.rename_to.value_or(""))),
                              true};
  if (o.rename_to && !o.type && !o.nullable && !o.server_default) return {rename};
  // The rest through the rebuild, and the rename in place after it: RENAME COLUMN rewrites the
  // triggers and views that name the column, which a rebuild's copy of them would not.
  ops::alter_column rest = o;
  rest.rename_to.reset();
  auto out = rebuilt(rest, o.table, "alter_column", before);
  if (o.rename_to) out.push_back(rename);
  return out;
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::create_unique& o, const sdk::schema& before) const {
  return rebuilt(o, o.table, "create_unique", before);
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::create_foreign_key& o, const sdk::schema& before) const {
  return rebuilt(o, o.table, "create_foreign_key", before);
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::create_check& o, const sdk::schema& before) const {
  return rebuilt(o, o.table, "create_check", before);
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::drop_constraint& o, const sdk::schema& before) const {
  const sdk::table& t = known_table(before, o.table, "drop_constraint");
  auto named = [&](const auto& v) {
    return std::any_of(v.begin(), v.end(), [&](const auto& x) { return x.name == o.name; });
  };
  if (!named(t.uniques) && !named(t.foreign_keys) && !named(t.checks) &&
      !sdk::op_traits<ops::drop_constraint>::referencing(t, o))
    cannot("table '{}' has no constraint named '{}'", o.table, o.name);
  return rebuilt(o, o.table, "drop_constraint", before);
}

std::vector<sdk::statement> sqlite_dialect::own(const ops::alter_primary_key& o, const sdk::schema& before) const {
  return rebuilt(o, o.table, "alter_primary_key", before);
}

std::vector<sdk::statement> sqlite_dialect::render(const sdk::builtin_op& op, const sdk::schema& before) const {
  return std::visit([&](const auto& o) { return own(o, before); }, op);
}

std::unique_ptr<sdk::connection> sqlite_dialect::connect(const sdk::url& where) const {
  return std::make_unique<sqlite_connection>(where);
}

}  // namespace retort_sqlite
