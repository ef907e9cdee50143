// ops/create_unique.hpp — a named UNIQUE constraint on a table's columns.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::create_unique> {
  static constexpr std::string_view name = "create_unique";

  static ops::create_unique parse(const fields& f) {
    f.only({"name", "table", "columns"});
    return {f.required_string("table"), {f.required_string("name"), f.strings("columns", true)}};
  }
  static std::vector<builtin_op> inverse(const ops::create_unique& o, const schema&) {
    return {ops::drop_constraint{o.def.name, o.table}};
  }
  static void apply(const ops::create_unique& o, schema& s) {
    if (auto* t = s.find(o.table)) t->uniques.push_back(o.def);
  }
  template <class Sql> static std::vector<statement> sql(const ops::create_unique& o, const Sql& d, const schema&) {
    return detail::one(d.alter(o.table) + "ADD CONSTRAINT " + d.quote_identifier(o.def.name) + " UNIQUE (" +
                       d.list(o.def.columns) + ")");
  }
};

}  // namespace retort::sdk
