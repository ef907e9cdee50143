// graph.hpp — the revision graph: a DAG of migrations, validated once, queried in linear time.
#pragma once

#include "migration.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace retort {

/// Revisions are numbered 0..n-1 in topological order (parents and dependencies first; ties in
/// file-name order), so "apply in order" is "sort by number".
class revision_graph {
 public:
  using rev = std::size_t;

  /// Validates as it builds: duplicate ids, parents or dependencies that do not exist, cycles and
  /// a label on two revisions are `input` errors naming the files and ids involved.
  explicit revision_graph(std::vector<migration> migrations);
  revision_graph(const revision_graph&) = delete;  // by_id_ views the ids held in nodes_
  revision_graph& operator=(const revision_graph&) = delete;
  revision_graph(revision_graph&&) = default;

  std::size_t size() const noexcept { return nodes_.size(); }
  const migration& at(rev r) const { return nodes_[r].m; }
  const std::vector<rev>& parents(rev r) const { return nodes_[r].parents; }
  const std::vector<rev>& children(rev r) const { return nodes_[r].children; }
  /// depends_on edges, resolved to revisions.
  const std::vector<rev>& dependencies(rev r) const { return nodes_[r].deps; }
  /// The revisions whose depends_on names `r`.
  const std::vector<rev>& dependents(rev r) const { return nodes_[r].dependents; }

  /// Revisions no other revision names as down_revision, in order.
  const std::vector<rev>& heads() const noexcept { return heads_; }
  const std::vector<rev>& bases() const noexcept { return bases_; }

  const rev* find(std::string_view id) const;
  /// The revision a label names, if any.
  const rev* find_label(std::string_view label) const;
  /// Every revision whose id starts with `prefix`.
  std::vector<rev> with_prefix(std::string_view prefix) const;

  /// `from` and everything it descends from (parents and dependencies), as a membership vector.
  std::vector<char> closure(const std::vector<rev>& from) const;
  /// `from` and its ancestors through down_revision alone: the lines the revisions stand on.
  std::vector<char> lineage(const std::vector<rev>& from) const;
  /// What a downgrade to `from` must revert: the children of `from`, transitively, and whatever
  /// depends on a revision reverted that way (not what depends on `from`, which stays). A
  /// membership vector, without `from` itself.
  std::vector<char> descendants(const std::vector<rev>& from) const;
  /// `from` and everything over it (children and dependents, transitively): what must go when
  /// `from` is reverted.
  std::vector<char> above(const std::vector<rev>& from) const;
  /// The minimal set of revisions whose closure equals that of `revs`: the heads of that set.
  std::vector<rev> heads_of(const std::vector<rev>& revs) const;

 private:
  struct node {
    migration m;
    std::vector<rev> parents, children, deps, dependents;
  };
  std::vector<node> nodes_;
  std::unordered_map<std::string_view, rev> by_id_;
  std::unordered_map<std::string, rev> by_label_;
  std::vector<std::string_view> sorted_ids_;
  std::vector<rev> heads_, bases_;
};

/// The ids of `revs`, in order.
std::vector<std::string> ids_of(const revision_graph& g, const std::vector<revision_graph::rev>& revs);

}  // namespace retort
