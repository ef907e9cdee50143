// model.hpp — the schema model (`schema.toml`), the schema the migrations project, and what differs
// between two schemas: what `retort check` reports.
#pragma once

#include "graph.hpp"
#include "operations.hpp"

#include <retort/sdk/dialect.hpp>
#include <retort/sdk/schema.hpp>

#include <filesystem>
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

/// What `have` lacks or holds differently from `want`, one line each, sorted by table: `+` for what
/// the model has and the database lacks, `-` the other way, `~` for a difference in place. Column
/// references count as foreign keys named fk_<table>_<column>, types are compared after spelling
/// aliases are folded (`int4`, `INT`, `integer`) — as `d` renders them, when the database is one —
/// unique indexes and unique constraints are one thing, keys and uniques are matched by what they
/// do rather than by name, server defaults are compared only with `defaults` (the server rewrites
/// them: 'open'::character varying), and retort's own tables are left out by the caller.
std::vector<std::string> diff_schemas(const sdk::schema& want, const sdk::schema& have, const sdk::dialect* d = nullptr,
                                      bool defaults = false);

}  // namespace retort
