// fuzz_target.cpp — libFuzzer target: the target grammar (`upgrade X`, `downgrade X`, `HEAD@-N`) on
// one fixed revision graph with two roots, a branch point, a merge, labels and a depends_on, from
// several places the database could be.
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

retort::migration mig(std::string id, std::vector<std::string> parents, std::vector<std::string> labels = {},
                      std::vector<std::string> deps = {}) {
  retort::migration m;
  m.path = "versions/" + id + ".toml";
  m.message = "revision " + id;
  m.id = std::move(id);
  m.parents = std::move(parents);
  m.branch_labels = std::move(labels);
  m.depends_on = std::move(deps);
  return m;
}

//  a1b2 (core) ─ a1c3 ─┬─ b4d5 ───────┬─ m7e8 ─ d9f0 (main)        two roots: a1b2 and r2x1
//                      └─ c5e6 (feat)─┴─ e0a1 ← head of feat
//  r2x1 (other) ─ x-2 (side, depends_on b4d5) ─ x-2-1
const retort::revision_graph& graph() {
  static const retort::revision_graph g({
      mig("a1b2", {}, {"core"}),
      mig("a1c3", {"a1b2"}),
      mig("b4d5", {"a1c3"}),
      mig("c5e6", {"a1c3"}, {"feat"}),
      mig("m7e8", {"b4d5", "c5e6"}),
      mig("d9f0", {"m7e8"}, {"main"}),
      mig("e0a1", {"c5e6"}),
      mig("r2x1", {}, {"other"}),
      mig("x-2", {"r2x1"}, {"side"}, {"b4d5"}),
      mig("x-2-1", {"x-2"}),
  });
  return g;
}

void check(const std::vector<retort::rev>& revs, std::string_view what) {
  for (auto r : revs)
    if (r >= graph().size()) {
      std::fprintf(stderr, "%.*s returned revision %zu of a graph of %zu\n", static_cast<int>(what.size()), what.data(), r,
                   graph().size());
      std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& g = graph();
  auto at = [&](const char* id) { return *g.find(id); };
  static const std::vector<std::vector<retort::rev>> currents = {
      {}, {at("d9f0")}, {at("d9f0"), at("e0a1")}, {at("b4d5"), at("c5e6")}, {at("x-2-1"), at("e0a1")}};
  for (const auto& current : currents) {
    try {
      check(retort::resolve_target(g, text, current), "resolve_target");
    } catch (const retort::sdk::error&) {
    }
    try {
      if (auto steps = retort::branch_steps_down(g, text, current)) check(*steps, "branch_steps_down");
    } catch (const retort::sdk::error&) {
    }
  }
  return 0;
}
