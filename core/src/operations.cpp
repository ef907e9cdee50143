// operations.cpp — the built-in operations: parsing, inverses and effect on the neutral schema.
#include "operations.hpp"

#include <retort/sdk/apply.hpp>
#include <retort/sdk/error.hpp>

#include <algorithm>
#include <charconv>
#include <map>

namespace retort {
namespace {

using sdk::fields;
namespace ops = sdk::ops;

using sdk::detail::overloaded;

/// "table.col" or "table(col, col)" → table and columns.
std::pair<std::string, std::vector<std::string>> parse_reference(const fields& f, std::string_view key,
                                                                 const std::string& text) {
  auto trim = [](std::string s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  std::string table;
  std::vector<std::string> cols;
  if (auto open = text.find('('); open != std::string::npos) {
    if (text.back() != ')') f.fail(*f.find(key), key, "'" + text + "' must be \"table(col, …)\" or \"table.col\"");
    table = trim(text.substr(0, open));
    std::string inner = text.substr(open + 1, text.size() - open - 2);
    std::size_t start = 0;
    while (start <= inner.size()) {
      auto comma = inner.find(',', start);
      std::string c = trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!c.empty()) cols.push_back(c);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (auto dot = text.rfind('.'); dot != std::string::npos) {
    table = trim(text.substr(0, dot));
    cols.push_back(trim(text.substr(dot + 1)));
  }
  if (table.empty() || cols.empty())
    f.fail(*f.find(key), key, "'" + text + "' must be \"table(col, …)\" or \"table.col\"");
  return {table, cols};
}

std::optional<std::string> referential_action(const fields& f, std::string_view key) {
  auto v = f.optional_string(key);
  if (!v) return v;
  std::string up;
  for (char c : *v) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c == '_' ? ' ' : c)));
  static const char* allowed[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"};
  for (const char* a : allowed)
    if (up == a) return up;
  f.fail(*f.find(key), key, "'" + *v + "' is not one of: cascade, set null, set default, restrict, no action");
}

sdk::column parse_column(const sdk::value& v, const std::string& context) {
  fields f(v, context);
  f.only({"name", "type", "nullable", "primary_key", "autoincrement", "unique", "server_default", "references",
          "on_delete"});
  sdk::column c;
  c.name = f.required_string("name");
  fields named(v, context + ": column '" + c.name + "'");
  c.type = named.required_string("type");
  c.primary_key = named.boolean("primary_key", false);
  c.nullable = named.boolean("nullable", !c.primary_key);
  c.autoincrement = named.boolean("autoincrement", false);
  c.unique = named.boolean("unique", false);
  if (const sdk::value* d = named.find("server_default")) {
    // A number or boolean is a literal; a string is SQL, as written (so 'open' needs its quotes).
    if (auto* i = d->get_if<std::int64_t>()) c.server_default = std::to_string(*i);
    else if (auto* b = d->get_if<bool>()) c.server_default = *b ? "true" : "false";
    else if (auto* x = d->get_if<double>()) {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, *x);
      c.server_default = std::string(buf, res.ptr);
    }
    else c.server_default = named.optional_string("server_default");
    if (c.server_default && c.server_default->empty())
      named.fail(*d, "server_default", "is empty; leave it out for no default, or write the SQL (\"''\" for an empty string)");
  }
  c.references = named.optional_string("references");
  if (c.references) parse_reference(named, "references", *c.references);
  c.on_delete = referential_action(named, "on_delete");
  if (c.autoincrement && !c.primary_key) named.fail(v, "autoincrement", "needs primary_key = true");
  return c;
}

std::vector<sdk::column> parse_columns(const fields& f, std::string_view key) {
  const sdk::value* v = f.find(key);
  if (!v) f.fail(f.self(), key, "is required");
  const auto* arr = v->array();
  if (!arr || arr->empty()) f.fail(*v, key, "expected a non-empty array of column tables");
  std::vector<sdk::column> out;
  for (const auto& item : *arr) {
    out.push_back(parse_column(item, f.context()));
    for (std::size_t i = 0; i + 1 < out.size(); ++i)
      if (out[i].name == out.back().name) f.fail(item, key, "column '" + out.back().name + "' appears twice");
  }
  return out;
}

sdk::foreign_key parse_foreign_key(const fields& f) {
  sdk::foreign_key fk;
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

sdk::index parse_index(const fields& f, std::string table) {
  sdk::index ix;
  ix.name = f.required_string("name");
  ix.table = std::move(table);
  ix.columns = f.strings("columns", true);
  ix.unique = f.boolean("unique", false);
  return ix;
}

/// An SQL field's text, starting with a newline for each line of the file before it, so the
/// splitter's line numbers are the file's (a multi-line string starts on the line after its key).
std::optional<std::string> sql_field(const fields& f, std::string_view key) {
  auto text = f.optional_string(key);
  if (!text) return text;
  int line = f.find(key)->where().line;
  if (text->find('\n') != std::string::npos) ++line;
  return std::string(static_cast<std::size_t>(std::max(line - 1, 0)), '\n') + *text;
}

template <class Fn> void each_table(const fields& f, std::string_view key, Fn fn) {
  const sdk::value* v = f.find(key);
  if (!v) return;
  const auto* arr = v->array();
  if (!arr) f.fail(*v, key, "expected an array of tables");
  for (const auto& item : *arr) fn(fields(item, f.context() + ": " + std::string(key)));
}

// --- the operation types -------------------------------------------------------------------------

using parse_fn = sdk::builtin_op (*)(const fields&);

class builtin_type final : public sdk::operation_type {
 public:
  builtin_type(std::string name, parse_fn fn) : name_(std::move(name)), parse_(fn) {}
  std::string name() const override { return name_; }
  std::unique_ptr<sdk::operation> parse(const fields& f) const override {
    return std::make_unique<builtin_operation>(parse_(f));
  }

 private:
  std::string name_;
  parse_fn parse_;
};

const std::map<std::string, builtin_type, std::less<>>& builtin_types() {
  static const std::map<std::string, builtin_type, std::less<>> types = [] {
    std::map<std::string, builtin_type, std::less<>> m;
    auto add = [&](const char* n, parse_fn fn) { m.emplace(n, builtin_type(n, fn)); };
    add("create_table", [](const fields& f) -> sdk::builtin_op {
      f.only({"table", "columns", "primary_key", "foreign_keys", "indexes", "checks", "uniques"});
      return ops::create_table{parse_table(f, f.required_string("table"))};
    });
    add("drop_table", [](const fields& f) -> sdk::builtin_op {
      f.only({"table"});
      return ops::drop_table{f.required_string("table")};
    });
    add("rename_table", [](const fields& f) -> sdk::builtin_op {
      f.only({"table", "to"});
      return ops::rename_table{f.required_string("table"), f.required_string("to")};
    });
    add("add_column", [](const fields& f) -> sdk::builtin_op {
      f.only({"table", "column"});
      std::string table = f.required_string("table");
      const sdk::value* c = f.find("column");
      if (!c) f.fail(f.self(), "column", "is required (a column table: { name = …, type = … })");
      return ops::add_column{table, parse_column(*c, f.context())};
    });
    add("drop_column", [](const fields& f) -> sdk::builtin_op {
      f.only({"table", "column"});
      return ops::drop_column{f.required_string("table"), f.required_string("column")};
    });
    add("alter_column", [](const fields& f) -> sdk::builtin_op {
      f.only({"table", "column", "type", "nullable", "server_default", "rename_to"});
      ops::alter_column a{f.required_string("table"), f.required_string("column"), {}, {}, {}, {}};
      a.type = f.optional_string("type");
      if (f.find("nullable")) a.nullable = f.boolean("nullable", true);
      if (const sdk::value* d = f.find("server_default")) {
        // `server_default = false` drops the default; a string sets it.
        if (auto* b = d->get_if<bool>(); b && !*b) a.server_default = std::optional<std::string>();
        else a.server_default = f.optional_string("server_default");
        if (a.server_default && *a.server_default && (*a.server_default)->empty())
          f.fail(*d, "server_default", "is empty; write false to drop the default, or the SQL (\"''\" for an empty string)");
      }
      a.rename_to = f.optional_string("rename_to");
      if (!a.type && !a.nullable && !a.server_default && !a.rename_to)
        f.fail(f.self(), "", "alter_column changes nothing: give type, nullable, server_default or rename_to");
      return a;
    });
    add("create_index", [](const fields& f) -> sdk::builtin_op {
      f.only({"name", "table", "columns", "unique"});
      return ops::create_index{parse_index(f, f.required_string("table"))};
    });
    add("drop_index", [](const fields& f) -> sdk::builtin_op {
      f.only({"name", "table"});
      return ops::drop_index{f.required_string("name"), f.required_string("table")};
    });
    add("create_unique", [](const fields& f) -> sdk::builtin_op {
      f.only({"name", "table", "columns"});
      return ops::create_unique{f.required_string("table"), {f.required_string("name"), f.strings("columns", true)}};
    });
    add("create_foreign_key", [](const fields& f) -> sdk::builtin_op {
      f.only({"name", "table", "columns", "references", "on_delete", "on_update"});
      std::string table = f.required_string("table");
      auto fk = parse_foreign_key(f);
      if (fk.name.empty()) f.fail(f.self(), "name", "is required");
      return ops::create_foreign_key{table, fk};
    });
    add("create_check", [](const fields& f) -> sdk::builtin_op {
      f.only({"name", "table", "sql"});
      return ops::create_check{f.required_string("table"), {f.required_string("name"), f.required_string("sql")}};
    });
    add("drop_constraint", [](const fields& f) -> sdk::builtin_op {
      f.only({"name", "table"});
      return ops::drop_constraint{f.required_string("name"), f.required_string("table")};
    });
    add("sql", [](const fields& f) -> sdk::builtin_op {
      f.only({"sql", "dialect", "down"});
      f.required_string("sql");
      return ops::sql{*sql_field(f, "sql"), f.optional_string("dialect"), sql_field(f, "down")};
    });
    return m;
  }();
  return types;
}

}  // namespace

sdk::table parse_table(const fields& f, std::string name) {
  sdk::table t;
  t.name = std::move(name);
  t.columns = parse_columns(f, "columns");
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

const std::vector<std::string>& builtin_operation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [k, v] : builtin_types()) n.push_back(k);
    return n;
  }();
  return names;
}

const sdk::operation_type* builtin_operation_type(std::string_view name) {
  const auto& types = builtin_types();
  auto it = types.find(name);
  return it == types.end() ? nullptr : &it->second;
}

const sdk::operation_type* op_catalog::find_operation(std::string_view name) const { return builtin_operation_type(name); }
const sdk::op_renderer* op_catalog::find_renderer(std::string_view, std::string_view) const { return nullptr; }
std::optional<op_origin> op_catalog::origin(std::string_view) const { return std::nullopt; }

std::string builtin_operation::name() const {
  static const char* names[] = {"create_table", "drop_table",    "rename_table",  "add_column",
                                "drop_column",  "alter_column",  "create_index",  "drop_index",
                                "create_unique", "create_foreign_key", "create_check", "drop_constraint",
                                "sql"};
  return names[op_.index()];
}

std::vector<sdk::statement> builtin_operation::render(const sdk::dialect& d, const sdk::schema& before) const {
  return d.render(op_, before);
}

std::unique_ptr<sdk::operation> builtin_operation::inverse(const sdk::schema& before) const {
  auto make = [](sdk::builtin_op op) -> std::unique_ptr<sdk::operation> {
    return std::make_unique<builtin_operation>(std::move(op));
  };
  return std::visit(
      overloaded{
          [&](const ops::create_table& o) { return make(ops::drop_table{o.def.name}); },
          [&](const ops::drop_table& o) -> std::unique_ptr<sdk::operation> {
            const sdk::table* t = before.find(o.table);
            return t ? make(ops::create_table{*t}) : nullptr;
          },
          [&](const ops::rename_table& o) { return make(ops::rename_table{o.to, o.table}); },
          [&](const ops::add_column& o) { return make(ops::drop_column{o.table, o.col.name}); },
          [&](const ops::drop_column& o) -> std::unique_ptr<sdk::operation> {
            const sdk::table* t = before.find(o.table);
            const sdk::column* c = t ? t->find_column(o.column) : nullptr;
            return c ? make(ops::add_column{o.table, *c}) : nullptr;
          },
          [&](const ops::alter_column& o) -> std::unique_ptr<sdk::operation> {
            const sdk::table* t = before.find(o.table);
            const sdk::column* c = t ? t->find_column(o.column) : nullptr;
            if (!c) return nullptr;
            ops::alter_column back{o.table, o.rename_to.value_or(o.column), {}, {}, {}, {}};
            if (o.type) back.type = c->type;
            if (o.nullable) back.nullable = c->nullable;
            if (o.server_default) back.server_default = c->server_default;
            if (o.rename_to) back.rename_to = o.column;
            return make(back);
          },
          [&](const ops::create_index& o) { return make(ops::drop_index{o.def.name, o.def.table}); },
          [&](const ops::drop_index& o) -> std::unique_ptr<sdk::operation> {
            if (const sdk::table* t = before.find(o.table))
              for (const auto& ix : t->indexes)
                if (ix.name == o.name) return make(ops::create_index{ix});
            return nullptr;
          },
          [&](const ops::create_unique& o) { return make(ops::drop_constraint{o.def.name, o.table}); },
          [&](const ops::create_foreign_key& o) { return make(ops::drop_constraint{o.def.name, o.table}); },
          [&](const ops::create_check& o) { return make(ops::drop_constraint{o.def.name, o.table}); },
          [&](const ops::drop_constraint& o) -> std::unique_ptr<sdk::operation> {
            const sdk::table* t = before.find(o.table);
            if (!t) return nullptr;
            for (const auto& u : t->uniques)
              if (u.name == o.name) return make(ops::create_unique{o.table, u});
            for (const auto& fk : t->foreign_keys)
              if (fk.name == o.name) return make(ops::create_foreign_key{o.table, fk});
            for (const auto& ck : t->checks)
              if (ck.name == o.name) return make(ops::create_check{o.table, ck});
            return nullptr;
          },
          [&](const ops::sql& o) -> std::unique_ptr<sdk::operation> {
            return o.down ? make(ops::sql{*o.down, o.dialect, o.text}) : nullptr;
          },
      },
      op_);
}

void builtin_operation::apply(sdk::schema& s) const { sdk::apply(op_, s); }

}  // namespace retort
