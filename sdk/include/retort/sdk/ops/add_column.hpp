// ops/add_column.hpp — adds one column to a table.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::add_column> {
  static constexpr std::string_view name = "add_column";

  static ops::add_column parse(const fields& f) {
    f.only({"table", "column"});
    std::string table = f.required_string("table");
    const value* c = f.find("column");
    if (!c) f.fail(f.self(), "column", "is required (a column table: { name = …, type = … })");
    return {table, detail::parse_column(*c, f.context())};
  }
  static std::vector<builtin_op> inverse(const ops::add_column& o, const schema&) {
    return {ops::drop_column{o.table, o.col.name}};
  }
  static void apply(const ops::add_column& o, schema& s) {
    if (auto* t = s.find(o.table)) t->columns.push_back(o.col);
  }
  template <class Sql> static std::vector<statement> sql(const ops::add_column& o, const Sql& d, const schema& before) {
    return detail::one(d.alter(o.table) + "ADD COLUMN " + d.column_sql(o.col, true, before));
  }
};

}  // namespace retort::sdk
