// ops/create_foreign_key.hpp — a named FOREIGN KEY constraint.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::create_foreign_key> {
  static constexpr std::string_view name = "create_foreign_key";

  static ops::create_foreign_key parse(const fields& f) {
    f.only({"name", "table", "columns", "references", "on_delete", "on_update"});
    std::string table = f.required_string("table");
    auto fk = detail::parse_foreign_key(f);
    if (fk.name.empty()) f.fail(f.self(), "name", "is required");
    return {table, fk};
  }
  static std::vector<builtin_op> inverse(const ops::create_foreign_key& o, const schema&) {
    return {ops::drop_constraint{o.def.name, o.table}};
  }
  static void apply(const ops::create_foreign_key& o, schema& s) {
    if (auto* t = s.find(o.table)) t->foreign_keys.push_back(o.def);
  }
  template <class Sql> static std::vector<statement> sql(const ops::create_foreign_key& o, const Sql& d, const schema&) {
    return detail::one(d.alter(o.table) + "ADD " + d.foreign_key_sql(o.def));
  }
};

}  // namespace retort::sdk
