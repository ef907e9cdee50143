// ops/rename_table.hpp — renames a table; references to it follow.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::rename_table> {
  static constexpr std::string_view name = "rename_table";

  static ops::rename_table parse(const fields& f) {
    f.only({"table", "to"});
    return {f.required_string("table"), f.required_string("to")};
  }
  static std::vector<builtin_op> inverse(const ops::rename_table& o, const schema&) {
    return {ops::rename_table{o.to, o.table}};
  }
  static void apply(const ops::rename_table& o, schema& s) {
    auto node = s.tables.extract(o.table);
    if (node.empty()) return;
    node.key() = o.to;
    node.mapped().name = o.to;
    for (auto& ix : node.mapped().indexes) ix.table = o.to;
    s.tables.insert(std::move(node));
    for (auto& [n, t] : s.tables) {
      for (auto& fk : t.foreign_keys)
        if (fk.ref_table == o.table) fk.ref_table = o.to;
      for (auto& c : t.columns)  // "table.col" or "table(col)"
        if (c.references && c.references->size() > o.table.size() && c.references->compare(0, o.table.size(), o.table) == 0 &&
            ((*c.references)[o.table.size()] == '.' || (*c.references)[o.table.size()] == '('))
          c.references = o.to + c.references->substr(o.table.size());
    }
  }
  template <class Sql> static std::vector<statement> sql(const ops::rename_table& o, const Sql& d, const schema&) {
    return detail::one(d.alter(o.table) + "RENAME TO " + d.quote_identifier(o.to));
  }
};

}  // namespace retort::sdk
