// ops.hpp — the built-in operations' fields, as plain data every dialect renders. What each one does —
// parsing, inverse, effect on the neutral schema, default SQL — lives in ops/<name>.hpp, and
// builtin_ops.hpp registers them. Adding an operation: its struct and variant entry here, its file,
// and one #include there.
#pragma once

#include <retort/sdk/schema.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace retort::sdk::ops {

struct create_table { table def; };
struct drop_table { std::string table; };
struct rename_table { std::string table, to; };
struct add_column { std::string table; column col; };
struct drop_column { std::string table, column; };
struct alter_column {
  std::string table, column;
  std::optional<std::string> type;
  std::optional<bool> nullable;
  std::optional<std::optional<std::string>> server_default;  ///< set to nullopt-inside: drop it
  std::optional<std::string> rename_to;
};
struct create_index { index def; };
struct drop_index { std::string name, table; };
struct create_unique { std::string table; unique_constraint def; };
struct create_foreign_key { std::string table; foreign_key def; };
struct create_check { std::string table; check def; };
struct drop_constraint { std::string name, table; };
/// The table's primary key becomes `columns`; none drops it.
struct alter_primary_key { std::string table; std::vector<std::string> columns; };
/// Raw SQL. `dialect` limits it to one dialect; `down` is the SQL that reverts it.
struct sql {
  std::string text;
  std::optional<std::string> dialect;
  std::optional<std::string> down;
};

}  // namespace retort::sdk::ops

namespace retort::sdk {

/// @warning Adding an alternative changes the ABI: only with a new RETORT_SDK_ABI_MAJOR.
using builtin_op = std::variant<ops::create_table, ops::drop_table, ops::rename_table, ops::add_column,
                                ops::drop_column, ops::alter_column, ops::create_index, ops::drop_index,
                                ops::create_unique, ops::create_foreign_key, ops::create_check,
                                ops::drop_constraint, ops::alter_primary_key, ops::sql>;

/// What the built-in operation `Op` is and does, specialised in ops/<name>.hpp:
///   static constexpr std::string_view name;
///   static Op parse(const fields&);                         // its table in a migration file
///   static std::vector<builtin_op> inverse(const Op&, const schema& before);  // what undoes it, in order;
///                                                                            // none: it cannot be undone
///   static void apply(const Op&, schema&);                  // its effect on the neutral schema
///   template <class Sql> static std::vector<statement> sql(const Op&, const Sql&, const schema& before);
/// `sql` is the ANSI rendering through an `sql_dialect`'s pieces; a dialect overrides it by
/// overriding `dialect::render` for that alternative.
template <class Op> struct op_traits;

}  // namespace retort::sdk
