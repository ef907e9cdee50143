// builtin_ops.hpp — the built-in operations, registered: one #include per operation, and what
// every caller needs of them, for any alternative of `builtin_op`.
#pragma once

#include <retort/sdk/ops.hpp>
#include <retort/sdk/ops/add_column.hpp>
#include <retort/sdk/ops/alter_column.hpp>
#include <retort/sdk/ops/alter_primary_key.hpp>
#include <retort/sdk/ops/create_check.hpp>
#include <retort/sdk/ops/create_foreign_key.hpp>
#include <retort/sdk/ops/create_index.hpp>
#include <retort/sdk/ops/create_table.hpp>
#include <retort/sdk/ops/create_unique.hpp>
#include <retort/sdk/ops/drop_column.hpp>
#include <retort/sdk/ops/drop_constraint.hpp>
#include <retort/sdk/ops/drop_index.hpp>
#include <retort/sdk/ops/drop_table.hpp>
#include <retort/sdk/ops/rename_table.hpp>
#include <retort/sdk/ops/sql.hpp>

#include <array>
#include <utility>

namespace retort::sdk {

template <class Op> using traits_of = op_traits<std::decay_t<Op>>;

inline std::string_view op_name(const builtin_op& op) {
  return std::visit([](const auto& o) { return traits_of<decltype(o)>::name; }, op);
}

/// Applies `op` to `s`. Operations on tables the schema does not know change nothing; raw SQL
/// marks the schema opaque.
inline void apply(const builtin_op& op, schema& s) {
  std::visit([&](const auto& o) { traits_of<decltype(o)>::apply(o, s); }, op);
}

/// The operations that undo `op`, in the order they run, given the schema just before it; none when it
/// cannot be undone (drop_column's is the column, then the indexes that went with it).
inline std::vector<builtin_op> inverse(const builtin_op& op, const schema& before) {
  return std::visit([&](const auto& o) { return traits_of<decltype(o)>::inverse(o, before); }, op);
}

/// The ANSI statements of `op`, spelled by `d` (an `sql_dialect`).
template <class Sql> std::vector<statement> ansi_sql(const builtin_op& op, const Sql& d, const schema& before) {
  return std::visit([&](const auto& o) { return traits_of<decltype(o)>::sql(o, d, before); }, op);
}

namespace detail {
template <std::size_t... I> constexpr auto builtin_names(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{op_traits<std::variant_alternative_t<I, builtin_op>>::name...};
}
template <std::size_t I = 0> std::optional<builtin_op> parse_builtin(std::string_view name, const fields& f) {
  if constexpr (I == std::variant_size_v<builtin_op>) {
    return std::nullopt;
  } else {
    using Op = std::variant_alternative_t<I, builtin_op>;
    if (op_traits<Op>::name == name) return builtin_op(std::in_place_index<I>, op_traits<Op>::parse(f));
    return parse_builtin<I + 1>(name, f);
  }
}
}  // namespace detail

/// The names of the built-in operations, in the variant's order; reserved for them.
inline constexpr auto builtin_names = detail::builtin_names(std::make_index_sequence<std::variant_size_v<builtin_op>>());

/// The built-in operation `name` read from its table, or none when no built-in has that name.
inline std::optional<builtin_op> parse_builtin(std::string_view name, const fields& f) {
  return detail::parse_builtin(name, f);
}

}  // namespace retort::sdk
