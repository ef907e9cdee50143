// ops/drop_constraint.hpp — drops a named UNIQUE, FOREIGN KEY or CHECK constraint.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::drop_constraint> {
  static constexpr std::string_view name = "drop_constraint";

  static ops::drop_constraint parse(const fields& f) {
    f.only({"name", "table"});
    return {f.required_string("name"), f.required_string("table")};
  }
  /// The constraint back as earlier migrations made it, whichever kind it is.
  static std::vector<builtin_op> inverse(const ops::drop_constraint& o, const schema& before) {
    const table* t = before.find(o.table);
    if (!t) return {};
    for (const auto& u : t->uniques)
      if (u.name == o.name) return {ops::create_unique{o.table, u}};
    for (const auto& fk : t->foreign_keys)
      if (fk.name == o.name) return {ops::create_foreign_key{o.table, fk}};
    for (const auto& ck : t->checks)
      if (ck.name == o.name) return {ops::create_check{o.table, ck}};
    if (const column* c = referencing(*t, o)) return {ops::create_foreign_key{o.table, detail::column_foreign_key(o.table, *c)}};
    return {};
  }
  static void apply(const ops::drop_constraint& o, schema& s) {
    auto* t = s.find(o.table);
    if (!t) return;
    auto named = [&](const auto& x) { return x.name == o.name; };
    if (detail::erase_if_any(t->uniques, named) || detail::erase_if_any(t->foreign_keys, named) ||
        detail::erase_if_any(t->checks, named))
      return;
    for (auto& c : t->columns)
      if (&c == referencing(*t, o)) {
        c.references.reset();
        c.on_delete.reset();
      }
  }
  /// The column whose `references` is the key `o` names, by the name the model gives such a key
  /// (fk_<table>_<column>); null when there is none.
  static const column* referencing(const table& t, const ops::drop_constraint& o) {
    for (const auto& c : t.columns)
      if (c.references && detail::column_foreign_key(o.table, c).name == o.name) return &c;
    return nullptr;
  }
  template <class Sql> static std::vector<statement> sql(const ops::drop_constraint& o, const Sql& d, const schema&) {
    return detail::one(d.alter(o.table) + "DROP CONSTRAINT " + d.quote_identifier(o.name));
  }
};

}  // namespace retort::sdk
