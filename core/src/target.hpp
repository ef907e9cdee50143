// target.hpp — what `upgrade X`, `downgrade X`, `stamp X` and `show X` mean: target strings to revisions.
#pragma once

#include "graph.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace retort {

using rev = revision_graph::rev;

/// Resolves a target to the set of revisions the database should end at (empty for `base`).
/// Forms: `head`, `heads`, `base`, an id, a unique id prefix, a branch label, `label@head`,
/// `+N` / `-N` (from `current`), `REV+N` / `REV-N` (REV any of the forms before).
/// Errors are `usage` errors that list the choices when the target is ambiguous.
std::vector<rev> resolve_target(const revision_graph& g, std::string_view target, const std::vector<rev>& current);

/// For `HEAD@-N` (HEAD an id, prefix or label on one current head's line): the N revisions to
/// revert down that line, newest first, leaving other branches applied. Nothing for other forms.
std::optional<std::vector<rev>> branch_steps_down(const revision_graph& g, std::string_view target,
                                                 const std::vector<rev>& current);

/// Refuses, for a run against a database, a range A:B (for --sql only) and a relative target that
/// goes the other way (`upgrade -1`); `up` says which way the run goes.
void check_online_target(std::string_view target, bool up);

/// One revision: an id, a unique prefix or a label (for `show`, `--head`, ranges).
rev resolve_revision(const revision_graph& g, std::string_view text);

/// Version-table ids to revisions; an id the files do not know is an `input` error.
std::vector<rev> revisions_of(const revision_graph& g, const std::vector<std::string>& ids);

}  // namespace retort
