// graph.cpp — the revision graph: a DAG of migrations, validated once, queried in linear time.
#include "graph.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <queue>
#include <utility>

namespace retort {
namespace {

template <class... T> [[noreturn]] void broken(fmt::format_string<T...> what, T&&... args) {
  throw sdk::error(sdk::error_kind::input,
                   fmt::format("broken revision graph: {}", fmt::format(what, std::forward<T>(args)...)));
}

}  // namespace

revision_graph::revision_graph(std::vector<migration> migrations) {
  const std::size_t n = migrations.size();
  // Index by id in file order first; detect duplicates.
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto [it, fresh] = index.emplace(migrations[i].id, i);
    if (!fresh)
      broken("revision {} is defined twice: {} and {}", migrations[i].id, migrations[it->second].path.string(),
             migrations[i].path.string());
  }
  std::unordered_map<std::string, std::size_t> labels;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& l : migrations[i].branch_labels) {
      if (index.count(l)) broken("branch label '{}' of {} is also a revision id", l, migrations[i].path.string());
      auto [it, fresh] = labels.emplace(l, i);
      if (!fresh)
        broken("branch label '{}' is on two revisions: {} ({}) and {} ({})", l, migrations[it->second].id,
               migrations[it->second].path.string(), migrations[i].id, migrations[i].path.string());
    }
  auto resolve = [&](std::size_t i, const std::string& ref, const char* field) {
    if (auto it = index.find(ref); it != index.end()) return it->second;
    if (auto it = labels.find(ref); it != labels.end() && std::string_view(field) == "depends_on") return it->second;
    broken("{}: {} names revision '{}', which does not exist", migrations[i].path.string(), field, ref);
  };

  // Edges in file order, then Kahn's algorithm with a min-heap on file position: a stable
  // topological order, so plans and listings come out the same on every run.
  std::vector<std::vector<std::size_t>> ups(n), deps(n), downs(n);  // parents, deps, children+dependents
  std::vector<std::size_t> indegree(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& p : migrations[i].parents) ups[i].push_back(resolve(i, p, "down_revision"));
    for (const auto& d : migrations[i].depends_on) deps[i].push_back(resolve(i, d, "depends_on"));
    for (auto p : ups[i]) downs[p].push_back(i);
    for (auto d : deps[i]) downs[d].push_back(i);
    indegree[i] = ups[i].size() + deps[i].size();
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push(i);
  std::vector<std::size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    auto i = ready.top();
    ready.pop();
    order.push_back(i);
    for (auto c : downs[i])
      if (--indegree[c] == 0) ready.push(c);
  }
  if (order.size() != n) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < n; ++i)
      if (indegree[i] > 0) ids.push_back(fmt::format("{} ({})", migrations[i].id, migrations[i].path.filename().string()));
    broken("a cycle among these revisions: {}", fmt::join(ids, ", "));
  }

  std::vector<rev> pos(n);
  for (std::size_t k = 0; k < n; ++k) pos[order[k]] = k;
  nodes_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = order[k];
    for (auto p : ups[i]) nodes_[k].parents.push_back(pos[p]);
    for (auto d : deps[i]) nodes_[k].deps.push_back(pos[d]);
    for (auto p : ups[i]) nodes_[pos[p]].children.push_back(k);
    for (auto d : deps[i]) nodes_[pos[d]].dependents.push_back(k);
  }
  for (std::size_t k = 0; k < n; ++k) nodes_[k].m = std::move(migrations[order[k]]);
  by_id_.reserve(n);
  sorted_ids_.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    by_id_.emplace(nodes_[k].m.id, k);
    sorted_ids_.push_back(nodes_[k].m.id);
    for (const auto& l : nodes_[k].m.branch_labels) by_label_.emplace(l, k);
    if (nodes_[k].children.empty()) heads_.push_back(k);
    if (nodes_[k].parents.empty()) bases_.push_back(k);
  }
  std::sort(sorted_ids_.begin(), sorted_ids_.end());
}

const revision_graph::rev* revision_graph::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const revision_graph::rev* revision_graph::find_label(std::string_view label) const {
  auto it = by_label_.find(std::string(label));
  return it == by_label_.end() ? nullptr : &it->second;
}

std::vector<revision_graph::rev> revision_graph::with_prefix(std::string_view prefix) const {
  std::vector<rev> out;
  for (auto it = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), prefix);
       it != sorted_ids_.end() && it->substr(0, prefix.size()) == prefix; ++it)
    out.push_back(by_id_.at(*it));
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

/// `from` and everything reachable from it through the edges `edges_of` gives, as a membership vector.
template <class Edges>
std::vector<char> reach(std::size_t n, const std::vector<revision_graph::rev>& from, Edges edges_of) {
  std::vector<char> in(n, 0);
  std::vector<revision_graph::rev> stack(from.begin(), from.end());
  for (auto r : from) in[r] = 1;
  while (!stack.empty()) {
    auto r = stack.back();
    stack.pop_back();
    for (const auto* edges : edges_of(r))
      for (auto p : *edges)
        if (!in[p]) {
          in[p] = 1;
          stack.push_back(p);
        }
  }
  return in;
}

}  // namespace

std::vector<char> revision_graph::closure(const std::vector<rev>& from) const {
  return reach(nodes_.size(), from, [&](rev r) { return std::array{&nodes_[r].parents, &nodes_[r].deps}; });
}

std::vector<char> revision_graph::lineage(const std::vector<rev>& from) const {
  return reach(nodes_.size(), from, [&](rev r) { return std::array{&nodes_[r].parents}; });
}

std::vector<char> revision_graph::above(const std::vector<rev>& from) const {
  return reach(nodes_.size(), from, [&](rev r) { return std::array{&nodes_[r].children, &nodes_[r].dependents}; });
}

std::vector<char> revision_graph::descendants(const std::vector<rev>& from) const {
  std::vector<rev> children;
  for (auto r : from) children.insert(children.end(), nodes_[r].children.begin(), nodes_[r].children.end());
  return above(children);
}

std::vector<revision_graph::rev> revision_graph::heads_of(const std::vector<rev>& revs) const {
  // A member is dominated when it is a strict ancestor of another: everything below the members'
  // parents and dependencies.
  std::vector<rev> under;
  for (auto r : revs)
    for (const auto* edges : {&nodes_[r].parents, &nodes_[r].deps}) under.insert(under.end(), edges->begin(), edges->end());
  const auto below = closure(under);
  std::vector<rev> out;
  for (auto r : revs)
    if (!below[r]) out.push_back(r);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ids_of(const revision_graph& g, const std::vector<revision_graph::rev>& revs) {
  std::vector<std::string> out;
  out.reserve(revs.size());
  for (auto r : revs) out.push_back(g.at(r).id);
  return out;
}

}  // namespace retort
