// ops/drop_table.hpp — drops a table; undone by creating it as earlier migrations made it.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::drop_table> {
  static constexpr std::string_view name = "drop_table";

  static ops::drop_table parse(const fields& f) {
    f.only({"table"});
    return {f.required_string("table")};
  }
  static std::vector<builtin_op> inverse(const ops::drop_table& o, const schema& before) {
    if (const table* t = before.find(o.table)) return {ops::create_table{*t}};
    return {};
  }
  static void apply(const ops::drop_table& o, schema& s) { s.tables.erase(o.table); }
  template <class Sql> static std::vector<statement> sql(const ops::drop_table& o, const Sql& d, const schema&) {
    return detail::one("DROP TABLE " + d.quote_identifier(o.table));
  }
};

}  // namespace retort::sdk
