// ops/drop_index.hpp — drops an index; undone by creating it as earlier migrations made it.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::drop_index> {
  static constexpr std::string_view name = "drop_index";

  static ops::drop_index parse(const fields& f) {
    f.only({"name", "table"});
    return {f.required_string("name"), f.required_string("table")};
  }
  static std::vector<builtin_op> inverse(const ops::drop_index& o, const schema& before) {
    if (const table* t = before.find(o.table))
      for (const auto& ix : t->indexes)
        if (ix.name == o.name) return {ops::create_index{ix}};
    return {};
  }
  static void apply(const ops::drop_index& o, schema& s) {
    if (auto* t = s.find(o.table)) detail::erase_if_any(t->indexes, [&](const index& ix) { return ix.name == o.name; });
  }
  template <class Sql> static std::vector<statement> sql(const ops::drop_index& o, const Sql& d, const schema&) {
    return detail::one("DROP INDEX " + d.quote_identifier(o.name));
  }
};

}  // namespace retort::sdk
