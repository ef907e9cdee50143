// model.cpp — reading the schema model, projecting the migrations, and comparing schemas.
#include "model.hpp"

#include "migration.hpp"
#include "toml_value.hpp"

#include <retort/sdk/builtin_ops.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
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
      {"timestampwithtimezone", "timestamptz"}, {"timewithouttimezone", "time"}, {"timewithtimezone", "timetz"}, {"real", "float"}, {"float4", "float"}, {"float8", "double"},
      {"doubleprecision", "double"}, {"decimal", "numeric"},    {"bytea", "binary"},     {"blob", "binary"}};
  if (auto it = alias.find(base); it != alias.end()) base = it->second;
  if (base == "tinyint" && args == "(1)") return "boolean";
  return base + args;
}

/// `s` with what can be said two ways said one way: column references as named foreign keys,
/// column primary keys as the table's key.
sdk::schema normalised(sdk::schema s) {
  for (auto& [name, t] : s.tables) {
    t.primary_key = t.key();
    for (auto& c : t.columns) {
      if (c.references) {
        sdk::foreign_key fk = sdk::detail::column_foreign_key(name, c);
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

/// A column's type as compared: as the database spells it (when one is known) folded to one
/// spelling. Against a database, an integer key column is just that: how it counts is the
/// database's to say (SQLite's INTEGER PRIMARY KEY is its rowid, which counts by itself, whatever the
/// model's type and autoincrement say). So autoincrement is compared nowhere: offline either, where
/// no operation could write a difference in it.
std::string type_text(const sdk::column& c, const sdk::dialect* d, bool key) {
  std::string type = canonical_type(d ? d->render_type(c.type) : c.type);
  if (d && key && (c.autoincrement || type == "integer" || type == "bigint" || type == "smallint")) return "integer key";
  return type;
}

/// A server default in one spelling of what each server may make of it: no outer parentheses or
/// PostgreSQL casts ('open'::character varying), lower case outside quotes, CURRENT_TIMESTAMP for
/// now() and MariaDB's current_timestamp(6), a number in its shortest form whether quoted or not
/// ('-1', 1.50), and true/false for a boolean's 1/0.
std::string canonical_default(std::string v, const std::string& type) {
  auto trim = [](std::string& x) { x = sdk::detail::trimmed(x); };
  trim(v);
  // A cast at the end, outside quotes: ::name, ::name(n), ::name[], possibly several words.
  for (bool again = true; again;) {
    again = false;
    if (v.size() > 2 && v.front() == '(' && v.back() == ')') {
      int depth = 0;
      bool wraps = true;
      for (std::size_t i = 0; i + 1 < v.size() && wraps; ++i) {
        depth += v[i] == '(' ? 1 : v[i] == ')' ? -1 : 0;
        wraps = depth > 0;
      }
      if (wraps) {
        v = v.substr(1, v.size() - 2);
        trim(v);
        again = true;
      }
    }
    const auto cast = v.rfind("::");
    if (cast != std::string::npos && std::count(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(cast), '\'') % 2 == 0 &&
        std::all_of(v.begin() + static_cast<std::ptrdiff_t>(cast) + 2, v.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || std::strchr(" _(),[]\"", c);
        })) {
      v.erase(cast);
      trim(v);
      again = true;
    }
  }
  bool quoted = false;
  for (char& c : v) {
    if (c == '\'') quoted = !quoted;
    else if (!quoted) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (const char* now : {"now()", "current_timestamp()", "localtimestamp", "localtimestamp()"})
    if (v == now) v = "current_timestamp";
  if (v.rfind("current_timestamp(", 0) == 0 && v.back() == ')') v = "current_timestamp";
  // A quoted number is a number only to a numeric column: '007' is text to a string one.
  static const std::set<std::string, std::less<>> numeric = {"integer", "bigint", "smallint", "numeric", "float", "double"};
  const bool counts = numeric.count(type.substr(0, type.find('('))) > 0;
  std::string number = counts && v.size() > 2 && v.front() == '\'' && v.back() == '\'' ? v.substr(1, v.size() - 2) : v;
  char* end = nullptr;
  const double x = std::strtod(number.c_str(), &end);
  if (!number.empty() && end == number.c_str() + number.size() && !std::isspace(static_cast<unsigned char>(number[0])) &&
      (std::isdigit(static_cast<unsigned char>(number.back())) || number.back() == '.'))  // not nan, inf
    v = fmt::format("{}", x);
  if (type == "boolean") {
    if (v == "1" || v == "'t'" || v == "'1'" || v == "'true'") v = "true";
    if (v == "0" || v == "'f'" || v == "'0'" || v == "'false'") v = "false";
  }
  return v;
}

std::string default_text(const sdk::column& c, const sdk::dialect* d) {
  return c.server_default ? canonical_default(*c.server_default, canonical_type(d ? d->render_type(c.type) : c.type)) : "";
}

std::string column_text(const sdk::column& c, const sdk::dialect* d, bool key, bool defaults) {
  return fmt::format("{}{}{}", type_text(c, d, key), c.nullable ? "" : " not null",
                     defaults && c.server_default ? " default " + default_text(c, d) : "");
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

/// The name a constraint the model leaves unnamed is given: <prefix>_<table>_<columns>.
std::string made_name(const char* prefix, const std::string& table, const std::vector<std::string>& columns) {
  return fmt::format("{}_{}_{}", prefix, table, fmt::join(columns, "_"));
}

/// `t` with its columns' references and uniques as constraints of the table, named as the model
/// names them, so that every database knows them by the names a later migration drops them by.
sdk::table named_constraints(sdk::table t) {
  for (auto& c : t.columns) {
    if (c.references) t.foreign_keys.push_back(sdk::detail::column_foreign_key(t.name, c));
    if (c.unique) t.uniques.push_back({made_name("uq", t.name, {c.name}), {c.name}});
    c.references.reset();
    c.on_delete.reset();
    c.unique = false;
  }
  return t;
}

generated_op op(phase when, sdk::builtin_op o) { return {when, std::move(o), {}, {}}; }

/// Things of one kind, by name, compared by their text; `make` and `drop` give the operations that
/// add one and take one away. One without a name on either side (SQLite's column-level foreign keys
/// have none) is the same as one with the same text.
template <class T, class Text, class Make, class Drop>
void compare(const std::string& table, const char* kind, const std::vector<T>& want, const std::vector<T>& have,
             Text text, Make make, Drop drop, std::vector<difference>& out, bool by_content = false) {
  auto same = [&](const T& a, const T& b) {
    return (by_content || a.name.empty() || b.name.empty()) ? text(a) == text(b) : a.name == b.name;
  };
  auto label = [](const T& x) { return x.name.empty() ? std::string("(unnamed)") : x.name; };
  for (const auto& w : want) {
    auto h = std::find_if(have.begin(), have.end(), [&](const T& x) { return same(w, x); });
    if (h == have.end()) {
      out.push_back({fmt::format("+ {} {}.{}: {}", kind, table, label(w), text(w)), make(w)});
    } else if (text(*h) != text(w)) {
      std::vector<generated_op> ops = drop(*h), made = make(w);
      ops.insert(ops.end(), made.begin(), made.end());
      out.push_back({fmt::format("~ {} {}.{}: {} in the database, {} in the model", kind, table, label(w), text(*h), text(w)),
                     std::move(ops)});
    }
  }
  // What goes, by name: a database lists it in an order of its own (SQLite's foreign keys last
  // first), and the migration should not depend on it.
  std::vector<const T*> gone;
  for (const auto& h : have)
    if (std::none_of(want.begin(), want.end(), [&](const T& x) { return same(x, h); })) gone.push_back(&h);
  std::sort(gone.begin(), gone.end(), [&](const T* a, const T* b) {
    return std::pair(label(*a), text(*a)) < std::pair(label(*b), text(*b));
  });
  for (const T* h : gone) out.push_back({fmt::format("- {} {}.{}: {}", kind, table, label(*h), text(*h)), drop(*h)});
}

/// The TOML fields of an enum plugin operation.
std::string enum_fields(const char* op, const std::string& name, const char* key, const std::string& values) {
  return fmt::format("op = \"{}\"\nname = {}\n{} = {}\n", op, toml_string(name), key, values);
}

/// What differs between two tables of one name: columns, keys, indexes, constraints.
void diff_table(const std::string& name, const sdk::table& w, const sdk::table& h, const sdk::table* w_in,
                const sdk::table* h_in, const sdk::dialect* d, bool defaults, std::vector<difference>& out) {
  namespace ops = sdk::ops;
  auto key = [](const sdk::table& t, const sdk::column& c) { return sdk::detail::mentions(t.primary_key, c.name); };
  std::vector<std::string> added, dropped;
  for (const auto& c : w.columns) {
    const sdk::column* hc = h.find_column(c.name);
    if (!hc) {
      added.push_back(c.name);
      out.push_back({fmt::format("+ column {}.{}: {}", name, c.name, column_text(c, d, key(w, c), defaults)),
                     {op(phase::add_columns, ops::add_column{name, c})}});
      continue;
    }
    // A column that is in the key on one side only is compared as a column: the key is compared apart.
    const bool in_key = key(h, *hc) && key(w, c);
    const std::string was = column_text(*hc, d, in_key, defaults), is = column_text(c, d, in_key, defaults);
    if (was == is) continue;
    ops::alter_column a{name, c.name, {}, {}, {}, {}};
    if (type_text(*hc, d, in_key) != type_text(c, d, in_key)) a.type = c.type;
    if (hc->nullable != c.nullable) a.nullable = c.nullable;
    if (defaults && default_text(*hc, d) != default_text(c, d)) a.server_default = c.server_default;
    std::vector<generated_op> ops;
    if (a.type || a.nullable || a.server_default) ops.push_back(op(phase::alter_columns, a));
    out.push_back({fmt::format("~ column {}.{}: {} in the database, {} in the model", name, c.name, was, is), std::move(ops)});
  }
  for (const auto& c : h.columns)
    if (!w.find_column(c.name)) dropped.push_back(c.name);
  std::sort(dropped.begin(), dropped.end());  // by name: the database's column order may differ from the migrations'
  for (const auto& gone : dropped)
    out.push_back({fmt::format("- column {}.{}: {}", name, gone, column_text(*h.find_column(gone), d, key(h, *h.find_column(gone)), defaults)),
                   {op(phase::drop_columns, ops::drop_column{name, gone})}});
  // A column gone and one come of the same type may be one renamed: say so, never decide it.
  for (const auto& gone : dropped)
    for (const auto& a : added)
      if (canonical_type(h.find_column(gone)->type) == canonical_type(w.find_column(a)->type))
        out.push_back({fmt::format("? column {}.{} may be {}.{} renamed: a rename keeps its data, a drop does not", name,
                                   gone, name, a),
                       {}, difference::rename{name, gone, a}});
  if (h.primary_key != w.primary_key)
    out.push_back({fmt::format("~ primary key {}: ({}) in the database, ({}) in the model", name,
                               fmt::join(h.primary_key, ", "), fmt::join(w.primary_key, ", ")),
                   {op(phase::alter_keys, ops::alter_primary_key{name, w.primary_key})}});
  auto drop_constraint = [&](const std::string& n) {
    return n.empty() ? std::vector<generated_op>{} : std::vector<generated_op>{op(phase::drop_dependents, ops::drop_constraint{n, name})};
  };
  auto index_in = [](const sdk::table* t, const std::string& n) -> const sdk::index* {
    if (t)
      for (const auto& ix : t->indexes)
        if (ix.name == n && !n.empty()) return &ix;
    return nullptr;
  };
  compare(
      name, "index", w.indexes, h.indexes, [](const sdk::index& i) { return fmt::format("({})", fmt::join(i.columns, ", ")); },
      [&](const sdk::index& i) {
        sdk::index ix = i;
        ix.table = name;
        return std::vector<generated_op>{op(phase::make_dependents, ops::create_index{ix})};
      },
      [&](const sdk::index& i) { return std::vector<generated_op>{op(phase::drop_dependents, ops::drop_index{i.name, name})}; },
      out);
  // Unique indexes and unique constraints are one thing to MySQL, and to what a query may rely on;
  // keys are known by what they do, since the database names those a column declared. Each is made
  // and dropped as what it is: an index where the model or the database has an index of its name.
  compare(
      name, "unique", w.uniques, h.uniques,
      [](const sdk::unique_constraint& u) { return fmt::format("({})", fmt::join(u.columns, ", ")); },
      [&](const sdk::unique_constraint& u) {
        if (index_in(w_in, u.name))
          return std::vector<generated_op>{op(phase::make_dependents, ops::create_index{{u.name, name, u.columns, true}})};
        const std::string n = u.name.empty() ? made_name("uq", name, u.columns) : u.name;
        return std::vector<generated_op>{op(phase::make_dependents, ops::create_unique{name, {n, u.columns}})};
      },
      [&](const sdk::unique_constraint& u) {
        if (index_in(h_in, u.name))
          return std::vector<generated_op>{op(phase::drop_dependents, ops::drop_index{u.name, name})};
        return drop_constraint(u.name);
      },
      out, true);
  compare(
      name, "foreign key", w.foreign_keys, h.foreign_keys, fk_text,
      [&](const sdk::foreign_key& k) {
        sdk::foreign_key fk = k;
        if (fk.name.empty()) fk.name = made_name("fk", name, k.columns);
        return std::vector<generated_op>{op(phase::make_dependents, ops::create_foreign_key{name, fk})};
      },
      // SQLite's keys have no names: one a column declared goes by the name the model gives it.
      [&](const sdk::foreign_key& k) { return drop_constraint(k.name.empty() ? made_name("fk", name, k.columns) : k.name); },
      out, true);
  compare(
      name, "check", w.checks, h.checks, [](const sdk::check&) { return std::string("(by name)"); },
      [&](const sdk::check& c) { return std::vector<generated_op>{op(phase::make_dependents, ops::create_check{name, c})}; },
      [&](const sdk::check& c) { return drop_constraint(c.name); }, out);
}

/// The values of an ENUM('a', 'b') type or a CHECK (col IN ('a', 'b')): each quoted literal after
/// the first parenthesis, '' as a quote; none when the text holds something else.
std::optional<std::vector<std::string>> quoted_values(std::string_view text) {
  const auto open = text.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  std::vector<std::string> out;
  std::size_t i = open + 1;
  for (;;) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i < text.size() && text[i] == ')') break;
    if (i >= text.size() || text[i] != '\'') return std::nullopt;
    std::string v;
    for (++i; i < text.size(); ++i) {
      if (text[i] != '\'') {
        v += text[i];
      } else if (i + 1 < text.size() && text[i + 1] == '\'') {
        v += '\'';
        ++i;
      } else {
        break;
      }
    }
    if (i >= text.size()) return std::nullopt;
    ++i;
    out.push_back(std::move(v));
  }
  return out;
}

/// `have` with the enum types the model's columns name made out where a database keeps no named
/// type: MySQL's ENUM('a', 'b') column type, SQLite's CHECK ("col" IN ('a', 'b')) on a text column
/// (which is how the enum plugin makes them). PostgreSQL names its types, and its connection reads them.
sdk::schema with_enums_of(sdk::schema have, const sdk::schema& want) {
  for (const auto& [name, w] : want.tables) {
    sdk::table* h = have.find(name);
    if (!h) continue;
    for (const auto& wc : w.columns) {
      if (!want.enums.count(wc.type)) continue;
      auto hc = std::find_if(h->columns.begin(), h->columns.end(), [&](const sdk::column& c) { return c.name == wc.name; });
      if (hc == h->columns.end() || hc->type == wc.type) continue;
      std::optional<std::vector<std::string>> values;
      if (canonical_type(hc->type).rfind("enum(", 0) == 0) {
        values = quoted_values(hc->type);
      } else {
        for (auto ck = h->checks.begin(); ck != h->checks.end() && !values; ++ck) {
          // "col" IN (…), `col`, [col] or col: the column's quoting, then IN and the literals.
          const std::string sql = sdk::detail::trimmed(ck->sql);
          std::size_t after = std::string::npos;
          for (const auto& [open, close] : {std::pair{"\"", "\""}, {"`", "`"}, {"[", "]"}, {"", ""}}) {
            const std::string quoted = open + wc.name + close;
            if (sql.rfind(quoted, 0) == 0) after = quoted.size();
            if (after != std::string::npos) break;
          }
          if (after == std::string::npos) continue;
          const std::string rest = sdk::detail::trimmed(std::string_view(sql).substr(after));
          if (rest.size() < 3 || (!sdk::detail::iequals(rest.substr(0, 3), "in ") && !sdk::detail::iequals(rest.substr(0, 3), "in(")))
            continue;
          values = quoted_values(rest);
          if (values) h->checks.erase(ck);
        }
      }
      if (!values) continue;
      hc->type = wc.type;
      have.enums.emplace(wc.type, *values);
    }
  }
  return have;
}

}  // namespace

namespace {

/// What no database would make of the model as it means: a name that is not there, two indexes of
/// one name (PostgreSQL's and SQLite's index names are the schema's). `where` says where each
/// table is declared.
void check_model(const sdk::schema& s, const std::map<std::string, std::string>& where) {
  std::map<std::string, std::string> index_tables;
  for (const auto& entry : s.tables) {  // not a structured binding: the lambdas below see the table
    const std::string& name = entry.first;
    const sdk::table& t = entry.second;
    auto refuse = [&](const std::string& what) {
      throw sdk::error(sdk::error_kind::input, fmt::format("{}: schema model: table '{}': {}", where.at(name), name, what));
    };
    if (name.empty()) refuse("the name is empty");
    auto columns_there = [&](const char* kind, const std::string& thing, const std::vector<std::string>& cols) {
      for (const auto& c : cols)
        if (!t.find_column(c)) refuse(fmt::format("{} '{}' names column '{}', which the table does not have", kind, thing, c));
    };
    for (const auto& ix : t.indexes) {
      columns_there("index", ix.name, ix.columns);
      if (auto [it, fresh] = index_tables.emplace(ix.name, name); !fresh)
        refuse(fmt::format("index '{}' is also an index of table '{}': index names are the schema's", ix.name, it->second));
    }
    for (const auto& u : t.uniques) columns_there("unique", u.name, u.columns);
    for (const auto& fk : t.foreign_keys) {
      columns_there("foreign key", fk.name, fk.columns);
      const sdk::table* target = s.find(fk.ref_table);
      for (const auto& c : fk.ref_columns)
        if (target && !target->find_column(c))
          refuse(fmt::format("foreign key '{}' references {}({}), which has no such column", fk.name, fk.ref_table, c));
    }
    for (const auto& c : t.columns)
      if (c.references) {
        const auto fk = sdk::detail::column_foreign_key(name, c);
        const sdk::table* target = s.find(fk.ref_table);
        if (target && !target->find_column(fk.ref_columns.front()))
          refuse(fmt::format("column '{}' references {}, which has no such column", c.name, *c.references));
      }
  }
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
  check_model(out, where);
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

std::vector<difference> diff_schemas(const sdk::schema& want_in, const sdk::schema& have_in, const sdk::dialect* d,
                                     bool defaults) {
  namespace ops = sdk::ops;
  const sdk::schema want = normalised(want_in), have = normalised(with_enums_of(have_in, want_in));
  std::vector<difference> out;
  for (const auto& [name, w] : want.tables) {
    if (const sdk::table* h = have.find(name))
      diff_table(name, w, *h, want_in.find(name), have_in.find(name), d, defaults, out);
    else
      out.push_back({fmt::format("+ table {} ({} column(s))", name, w.columns.size()),
                     {op(phase::make_tables, ops::create_table{named_constraints(*want_in.find(name))})}});
  }
  for (const auto& [name, h] : have.tables)
    if (!want.find(name))
      out.push_back({fmt::format("- table {} ({} column(s))", name, h.columns.size()),
                     {op(phase::drop_tables, ops::drop_table{name})}});
  // A key from a table that stays to one that is new waits for the new one.
  for (auto& diff : out)
    for (auto& g : diff.ops)
      if (const auto* fk = g.builtin ? std::get_if<ops::create_foreign_key>(&*g.builtin) : nullptr;
          fk && !have.find(fk->def.ref_table))
        g.when = phase::link_tables;
  // Enum types, made by the enum plugin's operations: a value is added after the one before it.
  for (const auto& [name, values] : want.enums) {
    auto it = have.enums.find(name);
    if (it == have.enums.end()) {
      out.push_back({fmt::format("+ enum {} ({})", name, fmt::join(values, ", ")),
                     {{phase::make_types, {}, enum_fields("create_enum", name, "values", toml_list(values)),
                       enum_fields("drop_enum", name, "values", toml_list(values))}}});
      continue;
    }
    if (it->second == values) continue;
    difference diff{fmt::format("~ enum {}: ({}) in the database, ({}) in the model", name, fmt::join(it->second, ", "),
                                fmt::join(values, ", ")),
                    {}};
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!sdk::detail::mentions(it->second, values[i])) {
        std::string add = enum_fields("add_enum_value", name, "value", toml_string(values[i]));
        if (i > 0) add += "after = " + toml_string(values[i - 1]) + "\n";
        else if (values.size() > 1) add += "before = " + toml_string(values[1]) + "\n";
        diff.ops.push_back({phase::make_types, {}, add, enum_fields("drop_enum_value", name, "value", toml_string(values[i]))});
      }
    for (const auto& v : it->second)
      if (!sdk::detail::mentions(values, v))
        diff.ops.push_back({phase::drop_types, {}, enum_fields("drop_enum_value", name, "value", toml_string(v)),
                            enum_fields("add_enum_value", name, "value", toml_string(v))});
    out.push_back(std::move(diff));
  }
  for (const auto& [name, values] : have.enums)
    if (!want.enums.count(name))
      out.push_back({fmt::format("- enum {} ({})", name, fmt::join(values, ", ")),
                     {{phase::drop_types, {}, enum_fields("drop_enum", name, "values", toml_list(values)),
                       enum_fields("create_enum", name, "values", toml_list(values))}}});
  return out;
}

std::vector<std::string> lines_of(const std::vector<difference>& diffs) {
  std::vector<std::string> out;
  out.reserve(diffs.size());
  for (const auto& d : diffs) out.push_back(d.line);
  return out;
}

}  // namespace retort
