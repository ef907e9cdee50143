// ops/alter_primary_key.hpp — makes a table's primary key these columns (none: the table loses its key).
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::alter_primary_key> {
  static constexpr std::string_view name = "alter_primary_key";

  static ops::alter_primary_key parse(const fields& f) {
    f.only({"table", "columns"});
    return {f.required_string("table"), f.strings("columns")};
  }
  /// The key back as it was.
  static std::vector<builtin_op> inverse(const ops::alter_primary_key& o, const schema& before) {
    const table* t = before.find(o.table);
    if (!t) return {};
    return {ops::alter_primary_key{o.table, t->key()}};
  }
  static void apply(const ops::alter_primary_key& o, schema& s) {
    auto* t = s.find(o.table);
    if (!t) return;
    for (auto& c : t->columns) {
      c.primary_key = false;
      if (detail::mentions(o.columns, c.name)) c.nullable = false;  // a key's columns are NOT NULL
    }
    t->primary_key = o.columns;
  }
  /// PostgreSQL's name for a key the table was made with, `<table>_pkey`; a dialect whose keys are
  /// named otherwise renders this op its own way.
  template <class Sql> static std::vector<statement> sql(const ops::alter_primary_key& o, const Sql& d, const schema& before) {
    std::vector<statement> out;
    const table* t = before.find(o.table);
    if (!t || !t->key().empty()) out.push_back({d.alter(o.table) + "DROP CONSTRAINT " + d.quote_identifier(o.table + "_pkey"), true});
    if (!o.columns.empty()) out.push_back({d.alter(o.table) + "ADD PRIMARY KEY (" + d.list(o.columns) + ")", true});
    return out;
  }
};

}  // namespace retort::sdk
