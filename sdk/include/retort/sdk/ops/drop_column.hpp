// ops/drop_column.hpp — drops a column, and the indexes on it with it.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::drop_column> {
  static constexpr std::string_view name = "drop_column";

  static ops::drop_column parse(const fields& f) {
    f.only({"table", "column"});
    return {f.required_string("table"), f.required_string("column")};
  }
  /// The column back as it was, then the indexes that went with it.
  static std::vector<builtin_op> inverse(const ops::drop_column& o, const schema& before) {
    const table* t = before.find(o.table);
    const column* c = t ? t->find_column(o.column) : nullptr;
    if (!c) return {};
    std::vector<builtin_op> back = {ops::add_column{o.table, *c}};
    for (const auto& ix : t->indexes)
      if (detail::mentions(ix.columns, o.column)) back.push_back(ops::create_index{ix});
    return back;
  }
  static void apply(const ops::drop_column& o, schema& s) {
    auto* t = s.find(o.table);
    if (!t) return;
    detail::erase_if_any(t->columns, [&](const column& c) { return c.name == o.column; });
    detail::erase_if_any(t->indexes, [&](const index& ix) { return detail::mentions(ix.columns, o.column); });
  }
  template <class Sql> static std::vector<statement> sql(const ops::drop_column& o, const Sql& d, const schema&) {
    return detail::one(d.alter(o.table) + "DROP COLUMN " + d.quote_identifier(o.column));
  }
};

}  // namespace retort::sdk
