// apply.hpp — the effect of a built-in operation on the neutral schema: how migrations are
// projected without a database, and how a dialect knows the table it must rebuild.
#pragma once

#include <retort/sdk/ops.hpp>
#include <retort/sdk/schema.hpp>

#include <algorithm>
#include <variant>

namespace retort::sdk {
namespace detail {

template <class... F> struct overloaded : F... { using F::operator()...; };
template <class... F> overloaded(F...) -> overloaded<F...>;

template <class T, class Pred> bool erase_if_any(std::vector<T>& v, Pred p) {
  auto n = v.size();
  v.erase(std::remove_if(v.begin(), v.end(), p), v.end());
  return v.size() != n;
}

}  // namespace detail

/// Applies `op` to `s`. Operations on tables the schema does not know change nothing; raw SQL
/// marks the schema opaque.
inline void apply(const builtin_op& op, schema& s) {
  using detail::erase_if_any;
  using detail::overloaded;

  std::visit(overloaded{
                 [&](const ops::create_table& o) { s.tables[o.def.name] = o.def; },
                 [&](const ops::drop_table& o) { s.tables.erase(o.table); },
                 [&](const ops::rename_table& o) {
                   auto node = s.tables.extract(o.table);
                   if (node.empty()) return;
                   node.key() = o.to;
                   node.mapped().name = o.to;
                   for (auto& ix : node.mapped().indexes) ix.table = o.to;
                   s.tables.insert(std::move(node));
                   for (auto& [name, t] : s.tables) {
                     for (auto& fk : t.foreign_keys)
                       if (fk.ref_table == o.table) fk.ref_table = o.to;
                     for (auto& c : t.columns)  // "table.col" or "table(col)"
                       if (c.references && c.references->size() > o.table.size() &&
                           c.references->compare(0, o.table.size(), o.table) == 0 &&
                           ((*c.references)[o.table.size()] == '.' || (*c.references)[o.table.size()] == '('))
                         c.references = o.to + c.references->substr(o.table.size());
                   }
                 },
                 [&](const ops::add_column& o) {
                   if (auto* t = s.find(o.table)) t->columns.push_back(o.col);
                 },
                 [&](const ops::drop_column& o) {
                   auto* t = s.find(o.table);
                   if (!t) return;
                   erase_if_any(t->columns, [&](const sdk::column& c) { return c.name == o.column; });
                   erase_if_any(t->indexes, [&](const sdk::index& ix) {
                     return std::find(ix.columns.begin(), ix.columns.end(), o.column) != ix.columns.end();
                   });
                 },
                 [&](const ops::alter_column& o) {
                   auto* t = s.find(o.table);
                   if (!t) return;
                   for (auto& c : t->columns) {
                     if (c.name != o.column) continue;
                     if (o.type) c.type = *o.type;
                     if (o.nullable) c.nullable = *o.nullable;
                     if (o.server_default) c.server_default = *o.server_default;
                     if (o.rename_to) c.name = *o.rename_to;
                   }
                   if (o.rename_to)
                     for (auto& ix : t->indexes)
                       for (auto& col : ix.columns)
                         if (col == o.column) col = *o.rename_to;
                 },
                 [&](const ops::create_index& o) {
                   if (auto* t = s.find(o.def.table)) t->indexes.push_back(o.def);
                 },
                 [&](const ops::drop_index& o) {
                   if (auto* t = s.find(o.table))
                     erase_if_any(t->indexes, [&](const sdk::index& ix) { return ix.name == o.name; });
                 },
                 [&](const ops::create_unique& o) {
                   if (auto* t = s.find(o.table)) t->uniques.push_back(o.def);
                 },
                 [&](const ops::create_foreign_key& o) {
                   if (auto* t = s.find(o.table)) t->foreign_keys.push_back(o.def);
                 },
                 [&](const ops::create_check& o) {
                   if (auto* t = s.find(o.table)) t->checks.push_back(o.def);
                 },
                 [&](const ops::drop_constraint& o) {
                   auto* t = s.find(o.table);
                   if (!t) return;
                   auto named = [&](const auto& x) { return x.name == o.name; };
                   erase_if_any(t->uniques, named) || erase_if_any(t->foreign_keys, named) ||
                       erase_if_any(t->checks, named);
                 },
                 [&](const ops::sql&) { s.opaque = true; },
             },
             op);
}

}  // namespace retort::sdk
