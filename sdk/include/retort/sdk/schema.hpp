// schema.hpp — the neutral schema model: what migrations project, what models declare and what a
// connection introspects, in the vocabulary of `create_table`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort::sdk {

struct column {
  std::string name;
  std::string type;  ///< neutral (`string(255)`, `bigint`, …) or passed through as written
  bool nullable = true;
  bool primary_key = false;
  bool autoincrement = false;
  bool unique = false;
  std::optional<std::string> server_default;  ///< SQL expression or literal, as written
  std::optional<std::string> references;      ///< "table.col" or "table(col)"
  std::optional<std::string> on_delete;
};

struct index {
  std::string name;
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
};

struct foreign_key {
  std::string name;  ///< may be empty for an unnamed, column-level reference
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::optional<std::string> on_delete;
  std::optional<std::string> on_update;
};

struct unique_constraint {
  std::string name;
  std::vector<std::string> columns;
};

struct check {
  std::string name;
  std::string sql;
};

struct table {
  std::string name;
  std::vector<column> columns;
  std::vector<std::string> primary_key;  ///< composite key; empty when columns carry it
  std::vector<foreign_key> foreign_keys;
  std::vector<unique_constraint> uniques;
  std::vector<check> checks;
  std::vector<index> indexes;

  /// The key's columns, whether the table or its columns declare it.
  std::vector<std::string> key() const {
    if (!primary_key.empty()) return primary_key;
    std::vector<std::string> out;
    for (const auto& c : columns)
      if (c.primary_key) out.push_back(c.name);
    return out;
  }

  const column* find_column(const std::string& n) const {
    for (const auto& c : columns)
      if (c.name == n) return &c;
    return nullptr;
  }
};

/// Tables by name. `opaque` is set once a migration ran SQL whose effect the model cannot follow,
/// so later checks know the projection may be incomplete.
struct schema {
  std::map<std::string, table, std::less<>> tables;
  bool opaque = false;
  /// Named enum types and their values, in order (SQLAlchemy's `Enum`): a column whose type names
  /// one is a PostgreSQL enum type, a CHECK on SQLite, an ENUM(...) column on MySQL. Made by op
  /// plugins (`create_enum`).
  std::map<std::string, std::vector<std::string>, std::less<>> enums;

  const table* find(const std::string& n) const {
    auto it = tables.find(n);
    return it == tables.end() ? nullptr : &it->second;
  }
  table* find(const std::string& n) {
    auto it = tables.find(n);
    return it == tables.end() ? nullptr : &it->second;
  }
};

}  // namespace retort::sdk
