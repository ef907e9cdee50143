// model.cpp — reading the schema model, projecting the migrations, and comparing schemas.
#include "model.hpp"

#include "migration.hpp"
#include "toml_value.hpp"

#include <retort/sdk/builtin_ops.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/error.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace retort {
namespace fs = std::filesystem;
namespace {

void read_model_file(const fs::path& file, sdk::schema& out, std::map<std::string, std::string>& where) {
  const sdk::value root = parse_toml(read_file(file), file.string());
  sdk::fields top(root, "schema model");
  top.only({"table", "enum"});
  sdk::detail::each_table(top, "table", [&](const sdk::fields& f) {
    f.only({"name", "columns", "primary_key", "foreign_keys", "indexes", "checks", "uniques"});
    const std::string name = f.required_string("name");
    const sdk::fields named(f.self(), "schema model: table '" + name + "'");
    const std::string here = fmt::format("{}:{}", f.self().where().file, f.self().where().line);
    if (auto [it, fresh] = where.emplace(name, here); !fresh)
      named.fail(*f.find("name"), "name", fmt::format("table '{}' is declared twice (first at {})", name, it->second));
    out.tables[name] = sdk::detail::parse_table(named, name);
  });
  sdk::detail::each_table(top, "enum", [&](const sdk::fields& f) {
    f.only({"name", "values"});
    const std::string name = f.required_string("name");
    if (out.enums.count(name)) f.fail(*f.find("name"), "name", fmt::format("enum '{}' is declared twice", name));
    out.enums[name] = f.strings("values", true);
  });
}

/// A type's spelling folded to one per meaning: lower case, no spaces, aliases to the neutral name.
std::string canonical_type(std::string_view type) {
  std::string t;
  for (char c : type)
    if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto open = t.find('(');
  std::string base = t.substr(0, open), args = open == std::string::npos ? "" : t.substr(open);
  static const std::map<std::string, std::string, std::less<>> alias = {
      {"int", "integer"},          {"int4", "integer"},         {"serial", "integer"},   {"int8", "bigint"},
      {"bigserial", "bigint"},     {"int2", "smallint"},        {"bool", "boolean"},     {"varchar", "string"},
      {"charactervarying", "string"}, {"datetime", "timestamp"}, {"timestampwithouttimezone", "timestamp"},
      {"timestampwithtimezone", "timestamptz"}, {"real", "float"}, {"float4", "float"}, {"float8", "double"},
      {"doubleprecision", "double"}, {"decimal", "numeric"},    {"bytea", "binary"},     {"blob", "binary"}};
  if (auto it = alias.find(base); it != alias.end()) base = it->second;
  if (base == "tinyint" && args == "(1)") return "boolean";
  return base + args;
}

/// `s` with what can be said two ways said one way: column references as named foreign keys,
/// column primary keys as the table's key.
sdk::schema normalised(sdk::schema s) {
  for (auto& [name, t] : s.tables) {
    if (t.primary_key.empty())
      for (const auto& c : t.columns)
        if (c.primary_key) t.primary_key.push_back(c.name);
    for (auto& c : t.columns) {
      if (c.references) {
        sdk::foreign_key fk;
        fk.name = "fk_" + name + "_" + c.name;
        fk.columns = {c.name};
        const std::string& r = *c.references;
        if (auto open = r.find('('); open != std::string::npos) {
          fk.ref_table = sdk::detail::trimmed(std::string_view(r).substr(0, open));
          fk.ref_columns = {sdk::detail::trimmed(std::string_view(r).substr(open + 1, r.size() - open - 2))};
        } else if (auto dot = r.rfind('.'); dot != std::string::npos) {
          fk.ref_table = r.substr(0, dot);
          fk.ref_columns = {r.substr(dot + 1)};
        }
        fk.on_delete = c.on_delete;
        if (std::none_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                         [&](const sdk::foreign_key& k) { return k.columns == fk.columns && k.ref_table == fk.ref_table; }))
          t.foreign_keys.push_back(std::move(fk));
      }
      c.references.reset();
      c.on_delete.reset();
      c.primary_key = false;
      if (c.unique) t.uniques.push_back({"", {c.name}});
      c.unique = false;
    }
    for (auto it = t.indexes.begin(); it != t.indexes.end();) {
      if (!it->unique) {
        ++it;
        continue;
      }
      t.uniques.push_back({it->name, it->columns});
      it = t.indexes.erase(it);
    }
  }
  return s;
}

/// A column as compared: its type as the database spells it (when one is known) folded to one
/// spelling, its nullability and default. Against a database, an integer key column is just that:
/// how it counts is the database's to say (SQLite's INTEGER PRIMARY KEY is its rowid, which counts
/// by itself, whatever the model's type and autoincrement say).
std::string column_text(const sdk::column& c, const sdk::dialect* d, bool key, bool defaults) {
  std::string type = canonical_type(d ? d->render_type(c.type) : c.type);
  if (d && key && (c.autoincrement || type == "integer" || type == "bigint" || type == "smallint")) type = "integer key";
  else if (c.autoincrement) type += " autoincrement";
  return fmt::format("{}{}{}", type, c.nullable ? "" : " not null",
                     defaults && c.server_default ? " default " + *c.server_default : "");
}

/// A foreign key by what it does: RESTRICT and NO ACTION are what a key without an action does
/// (InnoDB reports one, PostgreSQL the other).
std::string fk_text(const sdk::foreign_key& k) {
  auto action = [](const char* when, const std::optional<std::string>& a) {
    return a && *a != "RESTRICT" && *a != "NO ACTION" ? fmt::format(" {} {}", when, *a) : std::string();
  };
  return fmt::format("({}) → {}({}){}{}", fmt::join(k.columns, ", "), k.ref_table, fmt::join(k.ref_columns, ", "),
                     action("on delete", k.on_delete), action("on update", k.on_update));
}

/// Things of one kind, by name, compared by their text.
/// Things of one kind, by name, compared by their text. One without a name on either side (SQLite's
/// column-level foreign keys have none) is the same as one with the same text.
template <class T, class Text>
void compare(const std::string& table, const char* kind, const std::vector<T>& want, const std::vector<T>& have,
             Text text, std::vector<std::string>& out, bool by_content = false) {
  auto same = [&](const T& a, const T& b) {
    return (by_content || a.name.empty() || b.name.empty()) ? text(a) == text(b) : a.name == b.name;
  };
  auto label = [](const T& x) { return x.name.empty() ? std::string("(unnamed)") : x.name; };
  for (const auto& w : want) {
    auto h = std::find_if(have.begin(), have.end(), [&](const T& x) { return same(w, x); });
    if (h == have.end()) out.push_back(fmt::format("+ {} {}.{}: {}", kind, table, label(w), text(w)));
    else if (text(*h) != text(w))
      out.push_back(fmt::format("~ {} {}.{}: {} in the database, {} in the model", kind, table, label(w), text(*h), text(w)));
  }
  for (const auto& h : have)
    if (std::none_of(want.begin(), want.end(), [&](const T& x) { return same(x, h); }))
      out.push_back(fmt::format("- {} {}.{}: {}", kind, table, label(h), text(h)));
}

}  // namespace

sdk::schema read_model(const fs::path& path) {
  sdk::schema out;
  std::map<std::string, std::string> where;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(path))
      if (e.path().extension() == ".toml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) read_model_file(f, out, where);
  } else {
    read_model_file(path, out, where);
  }
  return out;
}

projection project_schema(const revision_graph& g, const std::vector<revision_graph::rev>& heads,
                          const op_catalog& catalog) {
  projection p;
  const std::vector<char> applied = g.closure(heads);
  for (revision_graph::rev r = 0; r < g.size(); ++r) {
    if (!applied[r]) continue;
    const migration& m = g.at(r);
    bool raw = false;
    for (const auto& op : read_migration_body(m, catalog).upgrade) {
      const auto* b = dynamic_cast<const sdk::builtin*>(op.get());
      raw = raw || (b && std::holds_alternative<sdk::ops::sql>(b->op()));
      op->apply(p.schema);
    }
    if (raw) p.opaque.push_back(m.id);
  }
  return p;
}

std::vector<std::string> diff_schemas(const sdk::schema& want_in, const sdk::schema& have_in, const sdk::dialect* d,
                                      bool defaults) {
  const sdk::schema want = normalised(want_in), have = normalised(have_in);
  std::vector<std::string> out;
  for (const auto& [name, w] : want.tables) {
    const sdk::table* h = have.find(name);
    if (!h) {
      out.push_back(fmt::format("+ table {} ({} column(s))", name, w.columns.size()));
      continue;
    }
    std::vector<std::string> added, dropped;
    auto text = [&](const sdk::column& c, const sdk::table& t) {
      return column_text(c, d, std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end(),
                         defaults);
    };
    for (const auto& c : w.columns) {
      const sdk::column* hc = h->find_column(c.name);
      if (!hc) {
        added.push_back(c.name);
        out.push_back(fmt::format("+ column {}.{}: {}", name, c.name, text(c, w)));
      } else if (text(*hc, *h) != text(c, w)) {
        out.push_back(fmt::format("~ column {}.{}: {} in the database, {} in the model", name, c.name, text(*hc, *h),
                                  text(c, w)));
      }
    }
    for (const auto& c : h->columns)
      if (!w.find_column(c.name)) {
        dropped.push_back(c.name);
        out.push_back(fmt::format("- column {}.{}: {}", name, c.name, text(c, *h)));
      }
    // A column gone and one come of the same type may be one renamed: say so, never decide it.
    for (const auto& gone : dropped)
      for (const auto& a : added)
        if (canonical_type(h->find_column(gone)->type) == canonical_type(w.find_column(a)->type))
          out.push_back(fmt::format("? column {}.{} may be {}.{} renamed: a rename keeps its data, a drop does not",
                                    name, gone, name, a));
    if (h->primary_key != w.primary_key)
      out.push_back(fmt::format("~ primary key {}: ({}) in the database, ({}) in the model", name,
                                fmt::join(h->primary_key, ", "), fmt::join(w.primary_key, ", ")));
    compare(name, "index", w.indexes, h->indexes,
            [](const sdk::index& i) { return fmt::format("({})", fmt::join(i.columns, ", ")); }, out);
    // Unique indexes and unique constraints are one thing to MySQL, and to what a query may rely on;
    // keys are known by what they do, since the database names those a column declared.
    compare(name, "unique", w.uniques, h->uniques,
            [](const sdk::unique_constraint& u) { return fmt::format("({})", fmt::join(u.columns, ", ")); }, out, true);
    compare(name, "foreign key", w.foreign_keys, h->foreign_keys, fk_text, out, true);
    compare(name, "check", w.checks, h->checks, [](const sdk::check&) { return std::string("(by name)"); }, out);
  }
  for (const auto& [name, h] : have.tables)
    if (!want.find(name)) out.push_back(fmt::format("- table {} ({} column(s))", name, h.columns.size()));
  for (const auto& [name, values] : want.enums) {
    auto it = have.enums.find(name);
    if (it == have.enums.end()) out.push_back(fmt::format("+ enum {} ({})", name, fmt::join(values, ", ")));
    else if (it->second != values)
      out.push_back(fmt::format("~ enum {}: ({}) in the database, ({}) in the model", name, fmt::join(it->second, ", "),
                                fmt::join(values, ", ")));
  }
  for (const auto& [name, values] : have.enums)
    if (!want.enums.count(name)) out.push_back(fmt::format("- enum {} ({})", name, fmt::join(values, ", ")));
  return out;
}

}  // namespace retort
