// autogenerate.cpp — ordering the operations the differences need, undoing them, writing them out.
#include "autogenerate.hpp"

#include "migration.hpp"

#include <retort/sdk/builtin_ops.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace retort {
namespace {
namespace ops = sdk::ops;

std::string line(const char* key, const std::string& value) { return fmt::format("{} = {}\n", key, toml_string(value)); }
std::string line(const char* key, const std::vector<std::string>& values) {
  return fmt::format("{} = {}\n", key, toml_list(values));
}

std::string inline_table(const std::vector<std::string>& fields) { return fmt::format("{{ {} }}", fmt::join(fields, ", ")); }
std::string pair(const char* key, const std::string& value) { return fmt::format("{} = {}", key, toml_string(value)); }

std::string column_toml(const sdk::column& c) {
  std::vector<std::string> f = {pair("name", c.name), pair("type", c.type)};
  if (c.primary_key) f.push_back("primary_key = true");
  if (c.autoincrement) f.push_back("autoincrement = true");
  if (c.nullable == c.primary_key) f.push_back(c.nullable ? "nullable = true" : "nullable = false");
  if (c.unique) f.push_back("unique = true");
  if (c.server_default) f.push_back(pair("server_default", *c.server_default));
  if (c.references) f.push_back(pair("references", *c.references));
  if (c.on_delete) f.push_back(pair("on_delete", *c.on_delete));
  return inline_table(f);
}

std::string reference(const sdk::foreign_key& k) { return fmt::format("{}({})", k.ref_table, fmt::join(k.ref_columns, ", ")); }

std::string fk_toml(const sdk::foreign_key& k) {
  std::vector<std::string> f;
  if (!k.name.empty()) f.push_back(pair("name", k.name));
  f.push_back("columns = " + toml_list(k.columns));
  f.push_back(pair("references", reference(k)));
  if (k.on_delete) f.push_back(pair("on_delete", *k.on_delete));
  if (k.on_update) f.push_back(pair("on_update", *k.on_update));
  return inline_table(f);
}

/// `key = [ … ]` with one item a line, when there are any.
template <class T, class Fn> std::string array(const char* key, const std::vector<T>& items, Fn fn) {
  if (items.empty()) return {};
  std::string out = fmt::format("{} = [\n", key);
  for (const auto& x : items) out += "  " + fn(x) + ",\n";
  return out + "]\n";
}

/// The tables to make in an order in which each follows those it references; a key to a table that
/// would come later (a cycle) is left out of its create_table and made once both exist. The
/// tables' keys are the table's (named_constraints).
void order_new_tables(std::vector<generated_op>& made, std::vector<generated_op>& later) {
  std::set<std::string> pending, done;
  for (const auto& g : made) pending.insert(std::get<ops::create_table>(*g.builtin).def.name);
  auto waits = [&](const sdk::table& t, const sdk::foreign_key& k) {
    return k.ref_table != t.name && pending.count(k.ref_table) && !done.count(k.ref_table);
  };
  std::vector<generated_op> ordered;
  while (!made.empty()) {
    auto ready = std::find_if(made.begin(), made.end(), [&](const generated_op& g) {
      const auto& t = std::get<ops::create_table>(*g.builtin).def;
      return std::none_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const auto& k) { return waits(t, k); });
    });
    if (ready == made.end()) {  // a cycle: the first one goes now, its keys to the others later
      ready = made.begin();
      auto& t = std::get<ops::create_table>(*ready->builtin).def;
      for (auto it = t.foreign_keys.begin(); it != t.foreign_keys.end();) {
        if (!waits(t, *it)) {
          ++it;
          continue;
        }
        later.push_back({phase::link_tables, ops::create_foreign_key{t.name, *it}, {}, {}});
        it = t.foreign_keys.erase(it);
      }
    }
    done.insert(std::get<ops::create_table>(*ready->builtin).def.name);
    ordered.push_back(std::move(*ready));
    made.erase(ready);
  }
  made = std::move(ordered);
}

/// The tables to drop in an order in which each goes after those that reference it.
void order_dropped_tables(std::vector<generated_op>& dropped, const sdk::schema& before) {
  std::set<std::string> going;
  for (const auto& g : dropped) going.insert(std::get<ops::drop_table>(*g.builtin).table);
  auto referenced_by_going = [&](const std::string& name, const std::set<std::string>& gone) {
    for (const auto& other : going) {
      if (other == name || gone.count(other)) continue;
      const sdk::table* t = before.find(other);
      if (!t) continue;
      if (std::any_of(t->foreign_keys.begin(), t->foreign_keys.end(), [&](const auto& k) { return k.ref_table == name; }))
        return true;
      for (const auto& c : t->columns)  // a key a column declares
        if (c.references && sdk::detail::column_foreign_key(other, c).ref_table == name) return true;
    }
    return false;
  };
  std::vector<generated_op> ordered;
  std::set<std::string> gone;
  while (!dropped.empty()) {
    auto ready = std::find_if(dropped.begin(), dropped.end(), [&](const generated_op& g) {
      return !referenced_by_going(std::get<ops::drop_table>(*g.builtin).table, gone);
    });
    if (ready == dropped.end()) ready = dropped.begin();
    gone.insert(std::get<ops::drop_table>(*ready->builtin).table);
    ordered.push_back(std::move(*ready));
    dropped.erase(ready);
  }
  dropped = std::move(ordered);
}

/// A NOT NULL column added without a default: what a table with rows refuses.
void warn_not_null(const sdk::builtin_op& op, const char* where, std::vector<std::string>& warnings) {
  const auto* add = std::get_if<ops::add_column>(&op);
  if (add && !add->col.nullable && !add->col.server_default)
    warnings.push_back(fmt::format("the {} adds {}.{} NOT NULL without a server default, which a table with rows "
                                   "refuses (SQLite's always): give it a server_default, or add it nullable, fill it, "
                                   "then make it NOT NULL",
                                   where, add->table, add->col.name));
}

}  // namespace

std::string op_fields(const sdk::builtin_op& op) {
  std::string out = fmt::format("op = {}\n", toml_string(sdk::op_name(op)));
  std::visit(sdk::detail::overloaded{
                 [&](const ops::create_table& o) {
                   out += line("table", o.def.name);
                   out += array("columns", o.def.columns, column_toml);
                   if (!o.def.primary_key.empty()) out += line("primary_key", o.def.primary_key);
                   out += array("indexes", o.def.indexes, [](const sdk::index& i) {
                     return inline_table({pair("name", i.name), "columns = " + toml_list(i.columns),
                                          i.unique ? "unique = true" : "unique = false"});
                   });
                   out += array("uniques", o.def.uniques, [](const sdk::unique_constraint& u) {
                     return inline_table({pair("name", u.name), "columns = " + toml_list(u.columns)});
                   });
                   out += array("foreign_keys", o.def.foreign_keys, fk_toml);
                   out += array("checks", o.def.checks, [](const sdk::check& c) {
                     return inline_table({pair("name", c.name), pair("sql", c.sql)});
                   });
                 },
                 [&](const ops::drop_table& o) { out += line("table", o.table); },
                 [&](const ops::rename_table& o) { out += line("table", o.table) + line("to", o.to); },
                 [&](const ops::add_column& o) { out += line("table", o.table) + "column = " + column_toml(o.col) + "\n"; },
                 [&](const ops::drop_column& o) { out += line("table", o.table) + line("column", o.column); },
                 [&](const ops::alter_column& o) {
                   out += line("table", o.table) + line("column", o.column);
                   if (o.type) out += line("type", *o.type);
                   if (o.nullable) out += *o.nullable ? "nullable = true\n" : "nullable = false\n";
                   if (o.server_default)
                     out += *o.server_default ? line("server_default", **o.server_default) : "server_default = false\n";
                   if (o.rename_to) out += line("rename_to", *o.rename_to);
                 },
                 [&](const ops::create_index& o) {
                   out += line("name", o.def.name) + line("table", o.def.table) + line("columns", o.def.columns) +
                          (o.def.unique ? "unique = true\n" : "");
                 },
                 [&](const ops::drop_index& o) { out += line("name", o.name) + line("table", o.table); },
                 [&](const ops::create_unique& o) {
                   out += line("name", o.def.name) + line("table", o.table) + line("columns", o.def.columns);
                 },
                 [&](const ops::create_foreign_key& o) {
                   out += line("name", o.def.name) + line("table", o.table) + line("columns", o.def.columns) +
                          line("references", reference(o.def));
                   if (o.def.on_delete) out += line("on_delete", *o.def.on_delete);
                   if (o.def.on_update) out += line("on_update", *o.def.on_update);
                 },
                 [&](const ops::create_check& o) {
                   out += line("name", o.def.name) + line("table", o.table) + line("sql", o.def.sql);
                 },
                 [&](const ops::drop_constraint& o) { out += line("name", o.name) + line("table", o.table); },
                 [&](const ops::alter_primary_key& o) { out += line("table", o.table) + line("columns", o.columns); },
                 [&](const ops::sql& o) {
                   out += line("sql", o.text);
                   if (o.dialect) out += line("dialect", *o.dialect);
                   if (o.down) out += line("down", *o.down);
                 },
             },
             op);
  return out;
}

generated_migration autogenerate(const std::vector<difference>& diffs, const sdk::schema& before) {
  generated_migration out;
  // By phase, each in the order the differences came (by table).
  std::vector<std::vector<generated_op>> by_phase(static_cast<std::size_t>(phase::drop_types) + 1);
  std::map<std::pair<std::string, std::string>, std::string> rename_notes;  // (table, dropped column) → note
  for (const auto& d : diffs) {
    for (const auto& g : d.ops) by_phase[static_cast<std::size_t>(g.when)].push_back(g);
    if (d.maybe_renamed) {
      const auto& r = *d.maybe_renamed;
      out.warnings.push_back(fmt::format("{}.{} is dropped and {}.{} added: if it was renamed, write one alter_column "
                                         "with rename_to = \"{}\" instead, or its data is lost",
                                         r.table, r.from, r.table, r.to, r.to));
      rename_notes[{r.table, r.from}] = fmt::format(
          "# RENAME? {0}.{1} may be {0}.{2} renamed. A drop loses its data: if it was renamed,\n"
          "# replace this drop and the add_column of {2} with\n#   op = \"alter_column\"\n#   table = \"{0}\"\n"
          "#   column = \"{1}\"\n#   rename_to = \"{2}\"\n",
          r.table, r.from, r.to);
    } else if (d.ops.empty()) {
      out.warnings.push_back(fmt::format("not written, as no operation makes it (write it by hand): {}", d.line));
    }
  }
  order_new_tables(by_phase[static_cast<std::size_t>(phase::make_tables)],
                   by_phase[static_cast<std::size_t>(phase::link_tables)]);
  order_dropped_tables(by_phase[static_cast<std::size_t>(phase::drop_tables)], before);

  std::string up, down_text;
  std::vector<std::string> downs;  // each operation's undoing, in the order the upgrade runs
  sdk::schema s = before;
  for (const auto& group : by_phase)
    for (const auto& g : group) {
      ++out.upgrade_ops;
      std::string fields = g.builtin ? op_fields(*g.builtin) : g.fields, undo;
      if (g.builtin) {
        if (const auto* drop = std::get_if<ops::drop_column>(&*g.builtin))
          if (auto it = rename_notes.find({drop->table, drop->column}); it != rename_notes.end()) up += "\n" + it->second;
        warn_not_null(*g.builtin, "upgrade", out.warnings);
        for (const auto& inv : sdk::inverse(*g.builtin, s)) {
          warn_not_null(inv, "downgrade", out.warnings);
          undo += "\n[[downgrade]]\n" + op_fields(inv);
        }
        if (undo.empty())
          out.warnings.push_back(fmt::format("no downgrade for this {}: nothing says how to undo it", sdk::op_name(*g.builtin)));
        sdk::apply(*g.builtin, s);
      } else {
        undo = "\n[[downgrade]]\n" + g.inverse_fields;
      }
      up += "\n[[upgrade]]\n" + fields;
      downs.push_back(std::move(undo));
    }
  for (auto it = downs.rbegin(); it != downs.rend(); ++it) down_text += *it;
  out.body = up + down_text;
  return out;
}

}  // namespace retort
