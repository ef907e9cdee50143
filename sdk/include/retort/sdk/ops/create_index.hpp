// ops/create_index.hpp — an index (unique or not) on a table's columns.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::create_index> {
  static constexpr std::string_view name = "create_index";

  static ops::create_index parse(const fields& f) {
    f.only({"name", "table", "columns", "unique"});
    return {detail::parse_index(f, f.required_string("table"))};
  }
  static std::vector<builtin_op> inverse(const ops::create_index& o, const schema&) {
    return {ops::drop_index{o.def.name, o.def.table}};
  }
  static void apply(const ops::create_index& o, schema& s) {
    if (auto* t = s.find(o.def.table)) t->indexes.push_back(o.def);
  }
  template <class Sql> static std::vector<statement> sql(const ops::create_index& o, const Sql& d, const schema&) {
    return detail::one(d.create_index_sql(o.def));
  }
};

}  // namespace retort::sdk
