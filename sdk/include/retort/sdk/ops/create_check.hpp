// ops/create_check.hpp — a named CHECK constraint.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::create_check> {
  static constexpr std::string_view name = "create_check";

  static ops::create_check parse(const fields& f) {
    f.only({"name", "table", "sql"});
    return {f.required_string("table"), {f.required_string("name"), f.required_string("sql")}};
  }
  static std::vector<builtin_op> inverse(const ops::create_check& o, const schema&) {
    return {ops::drop_constraint{o.def.name, o.table}};
  }
  static void apply(const ops::create_check& o, schema& s) {
    if (auto* t = s.find(o.table)) t->checks.push_back(o.def);
  }
  template <class Sql> static std::vector<statement> sql(const ops::create_check& o, const Sql& d, const schema&) {
    return detail::one(d.alter(o.table) + "ADD CONSTRAINT " + d.quote_identifier(o.def.name) + " CHECK (" + o.def.sql + ")");
  }
};

}  // namespace retort::sdk
