// ops.hpp — the built-in operations as plain data: the core parses them, every dialect renders them.
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
                                ops::drop_constraint, ops::sql>;

}  // namespace retort::sdk
