// model.hpp — the schema model (`schema.toml`), the schema the migrations project, and what differs
// between two schemas: what `retort check` reports.
#pragma once

#include "graph.hpp"
#include "operations.hpp"

#include <retort/sdk/dialect.hpp>
#include <retort/sdk/schema.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace retort {

/// Reads the model: one TOML file, or every `*.toml` in a directory (in file-name order), each with
/// `[[table]]` entries in create_table's vocabulary (`name`, `columns`, `primary_key`, `indexes`,
/// `uniques`, `foreign_keys`, `checks`) and `[[enum]]` entries (`name`, `values`). Errors, a table
/// named twice among them, name file:line:field.
sdk::schema read_model(const std::filesystem::path& path);

/// The schema the migrations below `heads` leave, each operation's effect on the neutral schema in
/// graph order, and the revisions whose raw SQL the projection cannot see into.
struct projection {
  sdk::schema schema;
  std::vector<std::string> opaque;
};
projection project_schema(const revision_graph& g, const std::vector<revision_graph::rev>& heads,
                          const op_catalog& catalog);

/// Where an operation goes in a generated migration: types first, then what the changes would break
/// dropped, columns added and altered, keys, columns dropped, what depends on columns made (indexes,
/// uniques, checks, keys to tables that were there), new tables (whose keys may need those), the keys
/// to new tables, the tables and types that go. A later phase may rely on what an earlier one did.
enum class phase { make_types, drop_dependents, add_columns, alter_columns, alter_keys, drop_columns, make_dependents,
                   make_tables, link_tables, drop_tables, drop_types };

/// One operation that brings the database toward the model: a built-in one, or a plugin's (the enum
/// types) as its TOML fields and those of the operation that undoes it.
struct generated_op {
  phase when;
  std::optional<sdk::builtin_op> builtin;
  std::string fields, inverse_fields;
};

/// What `have` lacks or holds differently from `want`: the line `check` prints — `+` for what the
/// model has and the database lacks, `-` the other way, `~` for a difference in place, `?` for a
/// possible rename — and the operations that would make it so (none for what no operation can
/// change, or for a `?`).
struct difference {
  /// For a `?`: the column that may have been renamed, and to what.
  struct rename {
    std::string table, from, to;
  };
  difference(std::string l, std::vector<generated_op> o = {}, std::optional<rename> r = {})
      : line(std::move(l)), ops(std::move(o)), maybe_renamed(std::move(r)) {}

  std::string line;
  std::vector<generated_op> ops;
  std::optional<rename> maybe_renamed;
};

/// The differences, sorted by table. Column references count as foreign keys named
/// fk_<table>_<column>, types are compared after spelling aliases are folded (`int4`, `INT`,
/// `integer`) — as `d` renders them, when the database is one — unique indexes and unique
/// constraints are one thing, keys and uniques are matched by what they do rather than by name,
/// server defaults are compared only with `defaults` (the server rewrites them: 'open'::character
/// varying), and retort's own tables are left out by the caller.
std::vector<difference> diff_schemas(const sdk::schema& want, const sdk::schema& have, const sdk::dialect* d = nullptr,
                                     bool defaults = false);

/// The lines of `diffs`, as `check` prints them.
std::vector<std::string> lines_of(const std::vector<difference>& diffs);

}  // namespace retort
