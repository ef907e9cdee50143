// random_model.hpp — models nobody wrote: a seeded generator of schema models and of the changes a
// team makes to one (tables, columns, types, nullability, defaults, indexes, uniques, foreign keys,
// checks, keys), each change keeping the model valid on every dialect (a foreign key's column has
// its target's type, a NOT NULL column added to a table comes with a default, a text column is
// never indexed bare). The autogenerate fuzz tests drive it.
#pragma once

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace retort_test {

struct random_model {
  struct column {
    std::string name, type;
    bool nullable = true;
    std::string default_sql;  ///< empty: none
  };
  struct table {
    std::string name;
    std::vector<column> columns;
    bool counting_key = true;          ///< `id` integer autoincrement; else a composite key
    std::vector<std::string> key;      ///< for a composite key
    std::map<std::string, std::vector<std::string>> indexes, uniques;  ///< name → columns
    std::map<std::string, std::string> fks;     ///< column → referenced table (its id)
    std::map<std::string, std::string> checks;  ///< name → column it is about
  };
  std::vector<table> tables;
  std::mt19937 rng;
  int made = 0;

  explicit random_model(unsigned seed) : rng(seed) {}

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
  bool coin(int percent) { return static_cast<int>(pick(100)) < percent; }
  std::string fresh(const char* prefix) { return prefix + std::to_string(++made); }

  static const std::vector<std::string>& types() {
    static const std::vector<std::string> t = {"integer", "bigint", "smallint", "string(40)", "string(200)", "text",
                                               "boolean", "date", "timestamp", "numeric(10, 2)", "double"};
    return t;
  }
  static std::string default_for(const std::string& type) {
    if (type == "boolean") return "false";
    if (type == "date") return "'2026-01-01'";
    if (type == "timestamp") return "CURRENT_TIMESTAMP";
    if (type == "text") return "";  // MySQL takes no literal default on TEXT
    if (type.rfind("string", 0) == 0) return "'x'";
    return "0";
  }
  /// Whether a column of `type` may be in an index or unique constraint on every dialect.
  static bool indexable(const std::string& type) { return type != "text"; }

  table* find(const std::string& n) {
    for (auto& t : tables)
      if (t.name == n) return &t;
    return nullptr;
  }
  bool referenced(const std::string& n) const {
    for (const auto& t : tables)
      for (const auto& [c, target] : t.fks)
        if (target == n && t.name != n) return true;
    return false;
  }
  /// Whether `c` of `t` is in its key, an index, a unique, a foreign key or a check.
  static bool in_use(const table& t, const std::string& c) {
    for (const auto& k : t.key)
      if (k == c) return true;
    for (const auto* m : {&t.indexes, &t.uniques})
      for (const auto& [n, cols] : *m)
        for (const auto& x : cols)
          if (x == c) return true;
    if (t.fks.count(c)) return true;
    for (const auto& [n, x] : t.checks)
      if (x == c) return true;
    return false;
  }

  column new_column(bool for_existing_table) {
    column c{fresh("c"), types()[pick(types().size())], true, ""};
    if (coin(40) || for_existing_table) c.default_sql = default_for(c.type);
    if (coin(30) && (!for_existing_table || !c.default_sql.empty())) c.nullable = false;
    return c;
  }

  void add_table() {
    table t;
    t.name = fresh("t");
    t.counting_key = tables.empty() || coin(70);
    if (t.counting_key) {
      t.columns.push_back({"id", "integer", false, ""});
    } else {
      t.columns.push_back({"a", "integer", false, ""});
      t.columns.push_back({"b", "string(20)", false, ""});
      t.key = {"a"};
    }
    for (std::size_t i = 0, n = 1 + pick(3); i < n; ++i) t.columns.push_back(new_column(false));
    tables.push_back(std::move(t));
  }

  /// One change, chosen at random among those that apply; what it did.
  std::string change() {
    for (;;) {
      const std::size_t what = pick(12);
      if (what == 0 || tables.empty()) {
        add_table();
        return "add table " + tables.back().name;
      }
      table& t = tables[pick(tables.size())];
      std::vector<std::string> free_cols, indexable_cols;
      for (const auto& c : t.columns) {
        if (c.name == "id" || c.name == "a" || c.name == "b") continue;
        if (!in_use(t, c.name)) free_cols.push_back(c.name);
        if (indexable(c.type)) indexable_cols.push_back(c.name);
      }
      auto col = [&](const std::string& n) -> column& {
        for (auto& c : t.columns)
          if (c.name == n) return c;
        return t.columns.front();
      };
      switch (what) {
        case 1:
          if (referenced(t.name) || tables.size() < 2) break;
          {
            const std::string gone = t.name;
            for (auto it = tables.begin(); it != tables.end(); ++it)
              if (it->name == gone) {
                tables.erase(it);
                break;
              }
            return "drop table " + gone;
          }
        case 2:
          t.columns.push_back(new_column(true));
          return "add column " + t.name + "." + t.columns.back().name;
        case 3:
          if (free_cols.empty()) break;
          {
            const std::string c = free_cols[pick(free_cols.size())];
            t.columns.erase(std::find_if(t.columns.begin(), t.columns.end(), [&](const column& x) { return x.name == c; }));
            return "drop column " + t.name + "." + c;
          }
        case 4:
          if (free_cols.empty()) break;
          {
            // Within a family, as a team widens or narrows a column; across families a database
            // needs to be told how to convert (PostgreSQL has no cast from boolean to date).
            column& c = col(free_cols[pick(free_cols.size())]);
            static const std::vector<std::vector<std::string>> families = {
                {"integer", "bigint", "smallint", "numeric(10, 2)", "double"},
                {"string(40)", "string(200)", "text"},
                {"date", "timestamp"},
                {"boolean"}};
            for (const auto& f : families)
              if (std::find(f.begin(), f.end(), c.type) != f.end()) {
                c.type = f[pick(f.size())];
                break;
              }
            c.default_sql = c.default_sql.empty() ? "" : default_for(c.type);
            if (c.default_sql.empty()) c.nullable = true;
            return "retype " + t.name + "." + c.name + " to " + c.type;
          }
        case 5:
          if (free_cols.empty()) break;
          {
            column& c = col(free_cols[pick(free_cols.size())]);
            if (c.nullable && c.default_sql.empty()) break;  // rows would need a value
            c.nullable = !c.nullable;
            return std::string(c.nullable ? "null " : "not null ") + t.name + "." + c.name;
          }
        case 6:
          if (free_cols.empty()) break;
          {
            column& c = col(free_cols[pick(free_cols.size())]);
            const std::string d = default_for(c.type);
            if (d.empty()) break;
            c.default_sql = c.default_sql.empty() ? d : "";
            if (c.default_sql.empty()) c.nullable = true;
            return "default " + t.name + "." + c.name + " = " + (c.default_sql.empty() ? "none" : c.default_sql);
          }
        case 7:
          if (indexable_cols.empty()) break;
          if (!t.indexes.empty() && coin(40)) {
            const auto it = std::next(t.indexes.begin(), static_cast<long>(pick(t.indexes.size())));
            const std::string n = it->first;
            t.indexes.erase(it);
            return "drop index " + n;
          } else {
            std::vector<std::string> cols = {indexable_cols[pick(indexable_cols.size())]};
            if (indexable_cols.size() > 1 && coin(40)) {
              const std::string second = indexable_cols[pick(indexable_cols.size())];
              if (second != cols[0]) cols.push_back(second);
            }
            const std::string n = "ix_" + fresh("i");
            t.indexes[n] = cols;
            return "add index " + n;
          }
        case 8:
          if (indexable_cols.empty()) break;
          if (!t.uniques.empty() && coin(40)) {
            const auto it = std::next(t.uniques.begin(), static_cast<long>(pick(t.uniques.size())));
            const std::string n = it->first;
            t.uniques.erase(it);
            return "drop unique " + n;
          } else {
            const std::string n = "uq_" + fresh("u");
            t.uniques[n] = {indexable_cols[pick(indexable_cols.size())]};
            for (const auto& [other, cols] : t.uniques)  // one unique per column set
              if (other != n && cols == t.uniques[n]) {
                t.uniques.erase(n);
                break;
              }
            if (!t.uniques.count(n)) break;
            return "add unique " + n;
          }
        case 9: {
          if (!t.fks.empty() && coin(40)) {
            const auto it = std::next(t.fks.begin(), static_cast<long>(pick(t.fks.size())));
            const std::string c = it->first;
            t.fks.erase(it);
            return "drop foreign key on " + t.name + "." + c;
          }
          std::vector<std::string> targets;
          for (const auto& o : tables)
            if (o.counting_key) targets.push_back(o.name);
          if (targets.empty()) break;
          column c{fresh("ref"), "integer", true, ""};
          t.columns.push_back(c);
          t.fks[c.name] = targets[pick(targets.size())];
          return "add foreign key " + t.name + "." + c.name + " -> " + t.fks[c.name];
        }
        case 10:
          if (!t.checks.empty() && coin(40)) {
            const auto it = std::next(t.checks.begin(), static_cast<long>(pick(t.checks.size())));
            const std::string n = it->first;
            t.checks.erase(it);
            return "drop check " + n;
          } else if (!free_cols.empty()) {
            const std::string n = "ck_" + fresh("k");
            t.checks[n] = free_cols[pick(free_cols.size())];
            return "add check " + n;
          }
          break;
        case 11:
          if (t.counting_key) break;
          t.key = t.key.size() == 1 ? std::vector<std::string>{"a", "b"} : std::vector<std::string>{"a"};
          return "key of " + t.name + " (" + std::to_string(t.key.size()) + " columns)";
      }
    }
  }

  std::string toml() const {
    std::string out;
    auto list = [](const std::vector<std::string>& v) {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
      return s + "]";
    };
    for (const auto& t : tables) {
      out += "[[table]]\nname = \"" + t.name + "\"\ncolumns = [\n";
      for (const auto& c : t.columns) {
        out += "  { name = \"" + c.name + "\", type = \"" + c.type + "\"";
        if (c.name == "id") out += ", primary_key = true, autoincrement = true";
        else if (!c.nullable) out += ", nullable = false";
        if (!c.default_sql.empty()) {
          std::string d;
          for (char ch : c.default_sql) d += ch == '"' ? std::string("\\\"") : std::string(1, ch);
          out += ", server_default = \"" + d + "\"";
        }
        out += " },\n";
      }
      out += "]\n";
      if (!t.counting_key) out += "primary_key = " + list(t.key) + "\n";
      out += "indexes = [";
      for (const auto& [n, cols] : t.indexes) out += " { name = \"" + n + "\", columns = " + list(cols) + " },";
      out += " ]\nuniques = [";
      for (const auto& [n, cols] : t.uniques) out += " { name = \"" + n + "\", columns = " + list(cols) + " },";
      out += " ]\nforeign_keys = [";
      for (const auto& [c, target] : t.fks)
        out += " { name = \"fk_" + t.name + "_" + c + "\", columns = [\"" + c + "\"], references = \"" + target +
               "(id)\", on_delete = \"cascade\" },";
      out += " ]\nchecks = [";
      for (const auto& [n, c] : t.checks) out += " { name = \"" + n + "\", sql = \"" + c + " IS NULL OR " + c + " = " + c + "\" },";
      out += " ]\n\n";
    }
    return out;
  }
};

}  // namespace retort_test
