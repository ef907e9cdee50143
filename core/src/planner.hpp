// planner.hpp — from the database's heads to a target: the ordered steps, their version-table
// transitions, and every statement rendered before anything runs.
#pragma once

#include "graph.hpp"
#include "operations.hpp"

#include <retort/retort.hpp>
#include <retort/sdk/dialect.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

namespace retort {

using rev = revision_graph::rev;


/// Statements [first, end) of a step that commit together: in a transaction of their own, or,
/// where `transaction` is false, one statement that commits on its own (DDL where the database has
/// no transactional DDL, `CREATE INDEX CONCURRENTLY`, a migration marked `transactional = false`).
struct segment {
  std::size_t first = 0, end = 0;
  bool transaction = true;
};

struct step {
  rev r;
  direction dir;
  std::vector<rev> heads_before;  ///< the version-table rows before this step
  std::vector<rev> heads_after;   ///< … and after it
  std::vector<sdk::statement> statements;  ///< filled in by render_plan
  std::vector<std::string> operations;     ///< … and the names of the operations they come from
  std::vector<std::pair<std::size_t, std::size_t>> op_statements;  ///< … and each one's statements [first, end)
  /// How the statements commit, filled in by render_plan: one transaction segment (or none) for a
  /// step that runs as one transaction with its version-table update; otherwise the step is
  /// journaled, and the version table is updated in a transaction after the last segment.
  std::vector<segment> segments;
  bool journaled() const {
    return std::any_of(segments.begin(), segments.end(), [](const segment& g) { return !g.transaction; });
  }
};

/// Whether a statement commits on its own rather than with the transaction around it.
bool commits_on_its_own(const sdk::statement& st, bool migration_transactional, const sdk::capabilities& caps);
/// The segments of a step's statements: runs of statements that may share a transaction, and each
/// statement that commits on its own.
std::vector<segment> segments_of(const std::vector<sdk::statement>& statements, bool migration_transactional,
                                 const sdk::capabilities& caps);

/// Applies what `target` needs and `current` lacks, parents and dependencies first.
std::vector<step> plan_upgrade(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& target);
/// Reverts the applied revisions that descend from `target` (all of them for base), dependents
/// first; other branches stay applied. A target that is not applied is a `usage` error.
std::vector<step> plan_downgrade(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& target);
/// Reverts `revisions` and whatever is applied over them (children, dependents), dependents first.
std::vector<step> plan_revert(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& revisions);

/// The plan towards a target, resolved on first use from the heads then present: a relative target
/// (-1, +2, HEAD@-1) keeps meaning the same revisions when another runner moves the heads and the
/// plan is made again.
class target_planner {
 public:
  target_planner(const revision_graph& g, direction dir, std::string target);
  /// A target resolved already (a reviewed plan): go to `revisions`, or, `revert`, revert them.
  target_planner(const revision_graph& g, direction dir, std::vector<rev> revisions, bool revert);

  std::vector<step> operator()(const std::vector<rev>& now);

  /// Once called: the revisions the target resolved to, and whether they are reverted (HEAD@-N)
  /// rather than gone to.
  const std::vector<rev>& revisions() const { return revert_ ? *revert_ : *to_; }
  bool reverts() const { return revert_.has_value(); }

 private:
  const revision_graph& g_;
  direction dir_;
  std::string target_;
  std::optional<std::vector<rev>> to_, revert_;
};

/// Renders every step for `d`: the schema the migrations project is followed from base, so each
/// operation sees the schema just before it, and a downgrade without [[downgrade]] uses the
/// inverses of its upgrade operations. Throws (kind `input`) for an operation the dialect cannot
/// do or a migration that cannot be reversed, naming the revision and the operation.

void render_plan(std::vector<step>& plan, const revision_graph& g, const std::vector<rev>& start,
                 const sdk::dialect& d, const op_catalog& catalog, const guards& defaults = {});

/// What undoes the first `done` statements of `s`, an upgrade step render_plan rendered: the
/// statements of the inverses of the operations whose statements all ran, newest first; and, for
/// each operation that ran and cannot be undone that way, which statements and why.
struct partial_undo {
  std::vector<sdk::statement> statements;
  std::vector<std::string> kept;
};
partial_undo undo_partial(const step& s, std::size_t done, const revision_graph& g, const sdk::dialect& d,
                          const op_catalog& catalog);

}  // namespace retort
