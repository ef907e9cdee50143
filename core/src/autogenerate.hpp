// autogenerate.hpp — a migration from the differences between the model and the database (or what
// the migrations project): its operations in an order that runs, and the downgrade that undoes them.
#pragma once

#include "model.hpp"

#include <string>
#include <vector>

namespace retort {

struct generated_migration {
  std::string body;  ///< the [[upgrade]] and [[downgrade]] tables, with comments for the reviewer
  std::size_t upgrade_ops = 0;
  /// What the reviewer must look at: possible renames, what no operation makes, what cannot be undone.
  std::vector<std::string> warnings;
};

/// The operations of `diffs` by phase — new tables before the tables that reference them, the
/// tables that go after those that reference them — and, worked out over `before` (the schema the
/// migration starts from), the operations that undo them in reverse.
generated_migration autogenerate(const std::vector<difference>& diffs, const sdk::schema& before);

/// A built-in operation as the fields of its table in a migration file ("op = …\ntable = …\n").
std::string op_fields(const sdk::builtin_op& op);

}  // namespace retort
