// sqlite_dialect.cpp — SQLite's names, types and DDL.
#include "sqlite_dialect.hpp"

#include "sqlite_connection.hpp"

#include <retort/sdk/apply.hpp>
#include <retort/sdk/error.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <cctype>

namespace retort_sqlite {
namespace {

namespace ops = sdk::ops;
using sdk::detail::overloaded;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

[[noreturn]] void cannot(const std::string& what) { throw sdk::error(sdk::error_kind::input, what); }

/// A default SQLite takes bare (a literal or CURRENT_TIMESTAMP); anything else needs parentheses.
std::string default_sql(const std::string& v) {
  std::string l = lower(v);
  bool number = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+';
  });
  if (number || v.front() == '\'' || l == "null" || l == "true" || l == "false" || l == "current_timestamp" ||
      l == "current_date" || l == "current_time" || (v.front() == '(' && v.back() == ')'))
    return v;
  return "(" + v + ")";
}

const sdk::table& known_table(const sdk::schema& s, const std::string& name, const char* op) {
  const sdk::table* t = s.find(name);
  if (!t)
    cannot(std::string(op) + " on table '" + name +
           "' needs SQLite's table rebuild, and the table's definition is not known from earlier migrations "
           "(was it created by SQL?); write this change as an `sql` op");
  return *t;
}

bool mentions(const std::vector<std::string>& cols, const std::string& c) {
  return std::find(cols.begin(), cols.end(), c) != cols.end();
}

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
  c.savepoints = true;
  return c;
}

std::string sqlite_dialect::quote_identifier(std::string_view name) const {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string sqlite_dialect::quote_literal(std::string_view text) const {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string sqlite_dialect::render_type(std::string_view neutral) const {
  std::string t = lower(neutral);
  t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
  auto args = [&](std::string_view prefix) -> std::string {
    return t.substr(prefix.size());  // "(255)" or "(10,2)"
  };
  if (t == "integer") return "INTEGER";
  if (t == "bigint") return "BIGINT";
  if (t == "smallint") return "SMALLINT";
  if (t.rfind("string(", 0) == 0) return "VARCHAR" + args("string");
  if (t == "string") return "VARCHAR";
  if (t == "text") return "TEXT";
  if (t == "boolean") return "BOOLEAN";
  if (t == "date") return "DATE";
  if (t == "time") return "TIME";
  if (t == "timestamp" || t == "timestamptz") return "DATETIME";
  if (t == "float") return "FLOAT";
  if (t == "double") return "DOUBLE";
  if (t.rfind("numeric(", 0) == 0) return "NUMERIC" + args("numeric");
  if (t == "numeric") return "NUMERIC";
  if (t == "binary") return "BLOB";
  if (t == "json") return "JSON";
  if (t == "uuid") return "CHAR(36)";
  return std::string(neutral);  // anything else passes through as written
}

std::vector<std::string> sqlite_dialect::split_statements(std::string_view script) const {
  // Quotes and comments are skipped by hand; at each ';' outside them, sqlite3_complete() says
  // whether the statement is whole (it is not inside CREATE TRIGGER … BEGIN … END).
  std::vector<std::string> out;
  std::string current;
  auto flush = [&](bool at_end) {
    std::string s = current;
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
      current.clear();
      return;
    }
    if (!at_end && !sqlite3_complete((s + ";").c_str())) {
      current += ';';
      return;
    }
    // Drop statements that are only comments.
    std::string probe = s + ";";
    bool only_comments = true;
    for (std::size_t i = 0; i < s.size() && only_comments;) {
      if (std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      else if (s.compare(i, 2, "--") == 0) i = s.find('\n', i) == std::string::npos ? s.size() : s.find('\n', i);
      else if (s.compare(i, 2, "/*") == 0) i = s.find("*/", i + 2) == std::string::npos ? s.size() : s.find("*/", i + 2) + 2;
      else only_comments = false;
    }
    if (!only_comments) {
      auto e = s.find_last_not_of(" \t\r\n");
      out.push_back(s.substr(b, e - b + 1));
    }
    current.clear();
  };
  for (std::size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      char close = c == '[' ? ']' : c;
      auto end = script.find(close, i + 1);
      while (end != std::string_view::npos && close != ']' && end + 1 < script.size() && script[end + 1] == close)
        end = script.find(close, end + 2);  // a doubled quote is part of the string
      end = end == std::string_view::npos ? script.size() - 1 : end;
      current.append(script.substr(i, end - i + 1));
      i = end;
    } else if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      auto end = script.find('\n', i);
      end = end == std::string_view::npos ? script.size() - 1 : end;
      current.append(script.substr(i, end - i + 1));
      i = end;
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      auto end = script.find("*/", i + 2);
      end = end == std::string_view::npos ? script.size() - 1 : end + 1;
      current.append(script.substr(i, end - i + 1));
      i = end;
    } else if (c == ';') {
      flush(false);
    } else {
      current += c;
    }
  }
  flush(true);
  return out;
}

std::string sqlite_dialect::list(const std::vector<std::string>& names) const {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + quote_identifier(n);
  return out;
}

std::string sqlite_dialect::column_sql(const sdk::column& c, bool inline_pk) const {
  // An INTEGER PRIMARY KEY is SQLite's rowid: that is what autoincrement means here (without the
  // AUTOINCREMENT keyword, as SQLAlchemy renders it).
  std::string out = quote_identifier(c.name) + " " + (c.autoincrement ? std::string("INTEGER") : render_type(c.type));
  if (inline_pk && c.primary_key) out += " PRIMARY KEY";
  if (!c.nullable && !(inline_pk && c.primary_key && c.autoincrement)) out += " NOT NULL";
  if (c.unique) out += " UNIQUE";
  if (c.server_default) out += " DEFAULT " + default_sql(*c.server_default);
  if (c.references) {
    std::string ref = *c.references, table, col;
    if (auto open = ref.find('('); open != std::string::npos) {
      table = ref.substr(0, open);
      col = ref.substr(open + 1, ref.size() - open - 2);
    } else {
      auto dot = ref.rfind('.');
      table = ref.substr(0, dot);
      col = ref.substr(dot + 1);
    }
    out += " REFERENCES " + quote_identifier(table) + " (" + quote_identifier(col) + ")";
    if (c.on_delete) out += " ON DELETE " + *c.on_delete;
  }
  return out;
}

std::string sqlite_dialect::create_table_sql(const sdk::table& t, const std::string& as_name) const {
  std::vector<std::string> pk = t.primary_key;
  if (pk.empty())
    for (const auto& c : t.columns)
      if (c.primary_key) pk.push_back(c.name);
  const bool inline_pk = pk.size() == 1 && t.primary_key.empty();
  std::string out = "CREATE TABLE " + quote_identifier(as_name) + " (";
  std::string sep = "\n  ";
  for (const auto& c : t.columns) {
    out += sep + column_sql(c, inline_pk);
    sep = ",\n  ";
  }
  if (!inline_pk && !pk.empty()) out += sep + "PRIMARY KEY (" + list(pk) + ")";
  for (const auto& u : t.uniques) out += sep + "CONSTRAINT " + quote_identifier(u.name) + " UNIQUE (" + list(u.columns) + ")";
  for (const auto& fk : t.foreign_keys) {
    out += sep + (fk.name.empty() ? std::string() : "CONSTRAINT " + quote_identifier(fk.name) + " ") + "FOREIGN KEY (" +
           list(fk.columns) + ") REFERENCES " + quote_identifier(fk.ref_table) + " (" + list(fk.ref_columns) + ")";
    if (fk.on_delete) out += " ON DELETE " + *fk.on_delete;
    if (fk.on_update) out += " ON UPDATE " + *fk.on_update;
  }
  for (const auto& ck : t.checks) out += sep + "CONSTRAINT " + quote_identifier(ck.name) + " CHECK (" + ck.sql + ")";
  return out + "\n)";
}

std::string sqlite_dialect::create_index_sql(const sdk::index& ix) const {
  return std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + quote_identifier(ix.name) + " ON " +
         quote_identifier(ix.table) + " (" + list(ix.columns) + ")";
}

std::vector<sdk::statement> sqlite_dialect::rebuild(const sdk::table& before, const sdk::table& after) const {
  // SQLite's "12-step" alteration: a new table in the wanted shape, the rows copied across, the old
  // table dropped and the new one renamed. Foreign keys are checked at commit (see the connection).
  const std::string tmp = "_retort_new_" + after.name;
  std::vector<std::string> from, to;
  for (std::size_t i = 0; i < after.columns.size(); ++i) {
    // Columns keep their position through a rename, so match by name first, then by place.
    const auto& c = after.columns[i];
    if (before.find_column(c.name)) {
      from.push_back(c.name);
      to.push_back(c.name);
    } else if (i < before.columns.size() && !after.find_column(before.columns[i].name) &&
               after.columns.size() == before.columns.size()) {
      from.push_back(before.columns[i].name);  // renamed
      to.push_back(c.name);
    }
  }
  std::vector<sdk::statement> out;
  out.push_back({create_table_sql(after, tmp), true});
  if (!to.empty())
    out.push_back({"INSERT INTO " + quote_identifier(tmp) + " (" + list(to) + ") SELECT " + list(from) + " FROM " +
                       quote_identifier(before.name),
                   true});
  out.push_back({"DROP TABLE " + quote_identifier(before.name), true});
  out.push_back({"ALTER TABLE " + quote_identifier(tmp) + " RENAME TO " + quote_identifier(after.name), true});
  for (const auto& ix : after.indexes) out.push_back({create_index_sql(ix), true});
  return out;
}

std::vector<sdk::statement> sqlite_dialect::render(const sdk::builtin_op& op, const sdk::schema& before) const {
  auto one = [](std::string sql) { return std::vector<sdk::statement>{{std::move(sql), true}}; };
  // The table as it will be after `op`, for the rebuilds.
  auto after = [&](const std::string& table) {
    sdk::schema s = before;
    sdk::apply(op, s);
    return *s.find(table);
  };
  auto rebuilt = [&](const std::string& table, const char* what) {
    const sdk::table& old = known_table(before, table, what);  // first: after() needs the table
    return rebuild(old, after(table));
  };
  return std::visit(
      overloaded{
          [&](const ops::create_table& o) {
            std::vector<sdk::statement> out = one(create_table_sql(o.def, o.def.name));
            for (const auto& ix : o.def.indexes) out.push_back({create_index_sql(ix), true});
            return out;
          },
          [&](const ops::drop_table& o) { return one("DROP TABLE " + quote_identifier(o.table)); },
          [&](const ops::rename_table& o) {
            return one("ALTER TABLE " + quote_identifier(o.table) + " RENAME TO " + quote_identifier(o.to));
          },
          [&](const ops::add_column& o) {
            // ADD COLUMN cannot add a PRIMARY KEY or UNIQUE column: those need the rebuild.
            if (o.col.primary_key || o.col.unique) return rebuilt(o.table, "add_column with primary_key or unique");
            return one("ALTER TABLE " + quote_identifier(o.table) + " ADD COLUMN " + column_sql(o.col, false));
          },
          [&](const ops::drop_column& o) {
            const sdk::table* t = before.find(o.table);
            if (t && !t->find_column(o.column))
              cannot("table '" + o.table + "' has no column '" + o.column + "' in the schema earlier migrations project");
            if (!t || plain_column(*t, o.column)) {
              std::vector<sdk::statement> out;
              if (t)  // an index on the column goes with it, as the model says
                for (const auto& ix : t->indexes)
                  if (mentions(ix.columns, o.column)) out.push_back({"DROP INDEX " + quote_identifier(ix.name), true});
              out.push_back({"ALTER TABLE " + quote_identifier(o.table) + " DROP COLUMN " + quote_identifier(o.column), true});
              return out;
            }
            return rebuilt(o.table, "drop_column");
          },
          [&](const ops::alter_column& o) {
            const sdk::table& t = known_table(before, o.table, "alter_column");
            if (!t.find_column(o.column)) cannot("table '" + o.table + "' has no column '" + o.column + "'");
            if (o.rename_to && !o.type && !o.nullable && !o.server_default)
              return one("ALTER TABLE " + quote_identifier(o.table) + " RENAME COLUMN " + quote_identifier(o.column) +
                         " TO " + quote_identifier(*o.rename_to));
            return rebuilt(o.table, "alter_column");
          },
          [&](const ops::create_index& o) { return one(create_index_sql(o.def)); },
          [&](const ops::drop_index& o) { return one("DROP INDEX " + quote_identifier(o.name)); },
          [&](const ops::create_unique& o) { return rebuilt(o.table, "create_unique"); },
          [&](const ops::create_foreign_key& o) { return rebuilt(o.table, "create_foreign_key"); },
          [&](const ops::create_check& o) { return rebuilt(o.table, "create_check"); },
          [&](const ops::drop_constraint& o) {
            const sdk::table& t = known_table(before, o.table, "drop_constraint");
            auto named = [&](const auto& v) {
              return std::any_of(v.begin(), v.end(), [&](const auto& x) { return x.name == o.name; });
            };
            if (!named(t.uniques) && !named(t.foreign_keys) && !named(t.checks))
              cannot("table '" + o.table + "' has no constraint named '" + o.name + "'");
            return rebuilt(o.table, "drop_constraint");
          },
          [&](const ops::sql& o) {
            std::vector<sdk::statement> out;
            for (auto& s : split_statements(o.text)) out.push_back({std::move(s), true});
            return out;
          },
      },
      op);
}

std::unique_ptr<sdk::connection> sqlite_dialect::connect(const sdk::url& where) const {
  return std::make_unique<sqlite_connection>(where);
}

}  // namespace retort_sqlite
