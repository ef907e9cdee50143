// ops/common.hpp — what the built-in operations' files share: reading columns, references and
// tables from a migration file, and small helpers on the neutral schema.
#pragma once

#include <retort/sdk/error.hpp>
#include <retort/sdk/ops.hpp>
#include <retort/sdk/schema.hpp>
#include <retort/sdk/statement.hpp>
#include <retort/sdk/value.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace retort::sdk::detail {

/// A visitor from lambdas: std::visit(overloaded{[](const A&) {…}, [](const auto&) {…}}, v).
template <class... F> struct overloaded : F... { using F::operator()...; };
template <class... F> overloaded(F...) -> overloaded<F...>;

/// Removes the elements matching `p`; whether there were any.
template <class T, class Pred> bool erase_if_any(std::vector<T>& v, Pred p) {
  auto n = v.size();
  v.erase(std::remove_if(v.begin(), v.end(), p), v.end());
  return v.size() != n;
}

inline bool mentions(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

inline std::string trimmed(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

/// "table.col" or "table(col, col)" → table and columns; an empty table or no columns when it is
/// neither.
inline std::pair<std::string, std::vector<std::string>> split_reference(std::string_view text) {
  std::string table;
  std::vector<std::string> cols;
  if (auto open = text.find('('); open != std::string_view::npos) {
    if (text.back() != ')') return {};
    table = trimmed(text.substr(0, open));
    std::string_view inner = text.substr(open + 1, text.size() - open - 2);
    for (std::size_t start = 0; start <= inner.size();) {
      auto comma = inner.find(',', start);
      std::string c = trimmed(inner.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (!c.empty()) cols.push_back(c);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  } else if (auto dot = text.rfind('.'); dot != std::string_view::npos) {
    table = trimmed(text.substr(0, dot));
    cols.push_back(trimmed(text.substr(dot + 1)));
  }
  return {table, cols};
}

/// The same, where `text` is the field `key` of `f`: anything else is an error naming it.
inline std::pair<std::string, std::vector<std::string>> parse_reference(const fields& f, std::string_view key,
                                                                        const std::string& text) {
  auto out = split_reference(text);
  if (out.first.empty() || out.second.empty())
    f.fail(*f.find(key), key, "'" + text + "' must be \"table(col, …)\" or \"table.col\"");
  return out;
}

/// The foreign key a column's `references` declares, by the name the schema model gives it:
/// fk_<table>_<column>.
inline foreign_key column_foreign_key(const std::string& table, const column& c) {
  foreign_key fk;
  fk.name = "fk_" + table + "_" + c.name;
  fk.columns = {c.name};
  std::tie(fk.ref_table, fk.ref_columns) = split_reference(c.references.value_or(""));
  fk.on_delete = c.on_delete;
  return fk;
}

/// ON DELETE / ON UPDATE: one of the SQL actions, upper case ("set_null" → "SET NULL").
inline std::optional<std::string> referential_action(const fields& f, std::string_view key) {
  auto v = f.optional_string(key);
  if (!v) return v;
  std::string up;
  for (char c : *v) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c == '_' ? ' ' : c)));
  for (const char* a : {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"})
    if (up == a) return up;
  f.fail(*f.find(key), key, "'" + *v + "' is not one of: cascade, set null, set default, restrict, no action");
}

inline column parse_column(const value& v, const std::string& context) {
  fields f(v, context);
  f.only({"name", "type", "nullable", "primary_key", "autoincrement", "unique", "server_default", "references",
          "on_delete"});
  column c;
  c.name = f.required_string("name");
  fields named(v, context + ": column '" + c.name + "'");
  c.type = named.required_string("type");
  c.primary_key = named.boolean("primary_key", false);
  c.nullable = named.boolean("nullable", !c.primary_key);
  c.autoincrement = named.boolean("autoincrement", false);
  c.unique = named.boolean("unique", false);
  if (const value* d = named.find("server_default")) {
    // A number or boolean is a literal; a string is SQL, as written (so 'open' needs its quotes).
    if (auto* i = d->get_if<std::int64_t>()) c.server_default = std::to_string(*i);
    else if (auto* b = d->get_if<bool>()) c.server_default = *b ? "true" : "false";
    else if (auto* x = d->get_if<double>()) {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, *x);
      c.server_default = std::string(buf, res.ptr);
    } else
      c.server_default = named.optional_string("server_default");
    if (c.server_default && c.server_default->empty())
      named.fail(*d, "server_default", "is empty; leave it out for no default, or write the SQL (\"''\" for an empty string)");
  }
  c.references = named.optional_string("references");
  if (c.references && parse_reference(named, "references", *c.references).second.size() != 1)
    named.fail(*named.find("references"), "references",
               "'" + *c.references + "' names several columns; a column references one (a key over several is a "
               "foreign_keys entry of the table)");
  c.on_delete = referential_action(named, "on_delete");
  if (c.autoincrement && !c.primary_key) named.fail(v, "autoincrement", "needs primary_key = true");
  return c;
}

inline foreign_key parse_foreign_key(const fields& f) {
  foreign_key fk;
  fk.name = f.optional_string("name").value_or("");
  fk.columns = f.strings("columns", true);
  auto [table, cols] = parse_reference(f, "references", f.required_string("references"));
  fk.ref_table = table;
  fk.ref_columns = cols;
  if (fk.ref_columns.size() != fk.columns.size())
    f.fail(*f.find("references"), "references", "names " + std::to_string(fk.ref_columns.size()) +
                                                    " column(s) for " + std::to_string(fk.columns.size()) + " in columns");
  fk.on_delete = referential_action(f, "on_delete");
  fk.on_update = referential_action(f, "on_update");
  return fk;
}

inline index parse_index(const fields& f, std::string table) {
  index ix;
  ix.name = f.required_string("name");
  ix.table = std::move(table);
  ix.columns = f.strings("columns", true);
  ix.unique = f.boolean("unique", false);
  return ix;
}

/// Each table of the array `key` (none when it is absent), read by `fn` with its own context.
template <class Fn> void each_table(const fields& f, std::string_view key, Fn fn) {
  const value* v = f.find(key);
  if (!v) return;
  const auto* arr = v->array();
  if (!arr) f.fail(*v, key, "expected an array of tables");
  for (const auto& item : *arr) fn(fields(item, f.context() + ": " + std::string(key)));
}

/// A table definition in the `create_table` / schema-model vocabulary (columns, primary_key,
/// foreign_keys, indexes, checks, uniques); `name` comes from the caller.
inline table parse_table(const fields& f, std::string name) {
  table t;
  t.name = std::move(name);
  const value* cols = f.find("columns");
  if (!cols) f.fail(f.self(), "columns", "is required");
  const auto* arr = cols->array();
  if (!arr || arr->empty()) f.fail(*cols, "columns", "expected a non-empty array of column tables");
  for (const auto& item : *arr) {
    t.columns.push_back(parse_column(item, f.context()));
    for (std::size_t i = 0; i + 1 < t.columns.size(); ++i)
      if (t.columns[i].name == t.columns.back().name)
        f.fail(item, "columns", "column '" + t.columns.back().name + "' appears twice");
  }
  t.primary_key = f.strings("primary_key");
  for (const auto& k : t.primary_key)
    if (!t.find_column(k)) f.fail(*f.find("primary_key"), "primary_key", "names '" + k + "', which is not a column");
  each_table(f, "foreign_keys", [&](const fields& fk) {
    fk.only({"name", "columns", "references", "on_delete", "on_update"});
    t.foreign_keys.push_back(parse_foreign_key(fk));
  });
  each_table(f, "indexes", [&](const fields& ix) {
    ix.only({"name", "columns", "unique"});
    t.indexes.push_back(parse_index(ix, t.name));
  });
  each_table(f, "checks", [&](const fields& ck) {
    ck.only({"name", "sql"});
    t.checks.push_back({ck.required_string("name"), ck.required_string("sql")});
  });
  each_table(f, "uniques", [&](const fields& uq) {
    uq.only({"name", "columns"});
    t.uniques.push_back({uq.required_string("name"), uq.strings("columns", true)});
  });
  return t;
}

/// An SQL field's text, starting with a newline for each line of the file before it, so the
/// splitter's line numbers are the file's (a multi-line string starts on the line after its key).
inline std::optional<std::string> sql_field(const fields& f, std::string_view key) {
  auto text = f.optional_string(key);
  if (!text) return text;
  int line = f.find(key)->where().line;
  if (text->find('\n') != std::string::npos) ++line;
  return std::string(static_cast<std::size_t>(std::max(line - 1, 0)), '\n') + *text;
}

/// One statement that may run in a transaction.
inline std::vector<statement> one(std::string sql) { return {{std::move(sql), true}}; }

}  // namespace retort::sdk::detail
