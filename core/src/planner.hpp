// planner.hpp — from the database's heads to a target: the ordered steps, their version-table
// transitions, and every statement rendered before anything runs.
#pragma once

#include "graph.hpp"
#include "operations.hpp"

#include <retort/sdk/dialect.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace retort {

using rev = revision_graph::rev;

enum class direction { up, down };
inline const char* to_string(direction d) { return d == direction::up ? "up" : "down"; }

struct step {
  rev r;
  direction dir;
  std::vector<rev> heads_before;  ///< the version-table rows before this step
  std::vector<rev> heads_after;   ///< … and after it
  std::vector<sdk::statement> statements;  ///< filled in by render_plan
  std::vector<std::string> operations;     ///< … and the names of the operations they come from
};

/// Applies what `target` needs and `current` lacks, parents and dependencies first.
std::vector<step> plan_upgrade(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& target);
/// Reverts the applied revisions that descend from `target` (all of them for base), dependents
/// first; other branches stay applied. A target that is not applied is a `usage` error.
std::vector<step> plan_downgrade(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& target);
/// Reverts `revisions` and whatever is applied over them (children, dependents), dependents first.
std::vector<step> plan_revert(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& revisions);

/// Renders every step for `d`: the schema the migrations project is followed from base, so each
/// operation sees the schema just before it, and a downgrade without [[downgrade]] uses the
/// inverses of its upgrade operations. Throws (kind `input`) for an operation the dialect cannot
/// do or a migration that cannot be reversed, naming the revision and the operation.
/// Session timeouts every migration gets unless its header says otherwise.
struct guards {
  std::optional<std::chrono::milliseconds> lock_timeout, statement_timeout;
};

void render_plan(std::vector<step>& plan, const revision_graph& g, const std::vector<rev>& start,
                 const sdk::dialect& d, const op_catalog& catalog, const guards& defaults = {});

}  // namespace retort
