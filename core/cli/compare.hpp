// compare.hpp — the schema model against the database or, offline, against what the migrations
// project: what `check` reports and `revision --autogenerate` writes.
#pragma once

#include "cli.hpp"

#include "model.hpp"

#include <string>
#include <vector>

namespace retort::cli {

struct comparison {
  std::vector<difference> diffs;
  sdk::schema before;               ///< the schema a migration written from `diffs` starts from
  std::vector<std::string> opaque;  ///< offline: the revisions whose raw SQL the projection cannot see into
  std::string against;              ///< what the model was compared with, to say so
  std::string model;                ///< the model's path as the user would name it
};

/// The model against the database (`offline`: the migrations up to `upto`), over the tables
/// retort.toml's include/exclude patterns leave and without retort's own; `defaults` compares server
/// defaults too. Online, the migration starts from the database with each table the migrations
/// project as they spell it (neutral types), so what undoes a drop reads as the migrations wrote it.
comparison compare_with_model(context& ctx, bool offline, bool defaults, const std::vector<rev>& upto);

/// Says which revisions' raw SQL the projection could not see into, when there are any.
void note_unseen_sql(context& ctx, const comparison& c);

}  // namespace retort::cli
