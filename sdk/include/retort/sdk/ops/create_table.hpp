// ops/create_table.hpp — a table with its columns, keys, constraints and indexes.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::create_table> {
  static constexpr std::string_view name = "create_table";

  static ops::create_table parse(const fields& f) {
    f.only({"table", "columns", "primary_key", "foreign_keys", "indexes", "checks", "uniques"});
    return {detail::parse_table(f, f.required_string("table"))};
  }
  static std::vector<builtin_op> inverse(const ops::create_table& o, const schema&) { return {ops::drop_table{o.def.name}}; }
  static void apply(const ops::create_table& o, schema& s) { s.tables[o.def.name] = o.def; }
  template <class Sql> static std::vector<statement> sql(const ops::create_table& o, const Sql& d, const schema& before) {
    std::vector<statement> out = detail::one(d.create_table_sql(o.def, o.def.name, before));
    for (const auto& ix : o.def.indexes) out.push_back({d.create_index_sql(ix), true});
    return out;
  }
};

}  // namespace retort::sdk
