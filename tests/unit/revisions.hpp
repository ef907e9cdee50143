// revisions.hpp — revisions as the graph sees them, without files, for the graph, target and
// planner tests.
#pragma once

#include "migration.hpp"

#include <string>
#include <vector>

namespace retort_test {

/// A migration as the graph sees it, without a file: id, parents, dependencies, labels.
inline retort::migration mig(std::string id, std::vector<std::string> parents = {}, std::vector<std::string> deps = {},
                             std::vector<std::string> labels = {}) {
  retort::migration m;
  m.path = "versions/" + id + ".toml";
  m.id = std::move(id);
  m.parents = std::move(parents);
  m.depends_on = std::move(deps);
  m.branch_labels = std::move(labels);
  return m;
}

}  // namespace retort_test
