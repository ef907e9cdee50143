// planner_test.cpp — plan order and version-table rows after every step, up and down (Alembic's
// semantics: one row per applied head, rows collapse at a merge and split when it is reverted).
#include "planner.hpp"
#include "revisions.hpp"
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

using retort::migration;
using retort::revision_graph;
using retort_test::mig;

namespace {

std::string rows(const revision_graph& g, const std::vector<retort::rev>& r) {
  std::string out;
  for (auto x : r) out += (out.empty() ? "" : ",") + g.at(x).id;
  return "[" + out + "]";
}

/// "a:[a] b:[b] …": each step's revision and the version rows after it.
std::string trace(const revision_graph& g, const std::vector<retort::step>& plan) {
  std::string out;
  for (const auto& s : plan) out += (out.empty() ? "" : " ") + g.at(s.r).id + ":" + rows(g, s.heads_after);
  return out;
}

std::vector<retort::rev> at(const revision_graph& g, std::initializer_list<const char*> ids) {
  std::vector<retort::rev> out;
  for (auto id : ids) out.push_back(*g.find(id));
  return out;
}

}  // namespace

TEST(planner, linear_up_and_down) {
  revision_graph g({mig("a"), mig("b", {"a"}), mig("c", {"b"})});
  EXPECT_EQ(trace(g, retort::plan_upgrade(g, {}, g.heads())), "a:[a] b:[b] c:[c]");
  EXPECT_EQ(trace(g, retort::plan_upgrade(g, at(g, {"a"}), g.heads())), "b:[b] c:[c]");
  EXPECT_EQ(trace(g, retort::plan_upgrade(g, at(g, {"c"}), g.heads())), "");
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"c"}), {})), "c:[b] b:[a] a:[]");
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"c"}), at(g, {"b"}))), "c:[b]");
}

TEST(planner, diamond_collapses_at_the_merge_and_splits_on_the_way_down) {
  // a -> b, a -> c, (b, c) -> d
  revision_graph g({mig("a"), mig("b", {"a"}), mig("c", {"a"}), mig("d", {"b", "c"})});
  EXPECT_EQ(trace(g, retort::plan_upgrade(g, {}, g.heads())), "a:[a] b:[b] c:[b,c] d:[d]");
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"d"}), at(g, {"a"}))), "d:[b,c] c:[b] b:[a]");
  // With two heads, a target on one branch reverts nothing of the other; their common parent
  // reverts both.
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"b", "c"}), at(g, {"b"}))), "");
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"b", "c"}), at(g, {"a"}))), "c:[b] b:[a]");
}

TEST(planner, dependencies_come_first_and_are_implied_by_their_dependents) {
  revision_graph g({mig("a"), mig("x"), mig("y", {"x"}, {"a"})});
  EXPECT_EQ(trace(g, retort::plan_upgrade(g, {}, at(g, {"y"}))), "a:[a] x:[a,x] y:[y]");
}

TEST(planner, downgrading_to_a_revision_not_applied_is_refused) {
  revision_graph g({mig("a"), mig("b", {"a"}), mig("c", {"b"})});
  EXPECT_THROW(retort::plan_downgrade(g, at(g, {"a"}), at(g, {"c"})), retort::sdk::error);
}

TEST(planner, downgrading_one_branch_leaves_the_others) {
  // Two roots: a -> b and x -> y.
  revision_graph g({mig("a"), mig("b", {"a"}), mig("x"), mig("y", {"x"})});
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"b", "y"}), at(g, {"a"}))), "b:[a,y]");
  EXPECT_EQ(trace(g, retort::plan_downgrade(g, at(g, {"b", "y"}), {})), "y:[b,x] x:[b] b:[a] a:[]");
  // A merge reverted down to one parent leaves the other branch applied.
  revision_graph d({mig("a"), mig("b", {"a"}), mig("c", {"a"}), mig("m", {"b", "c"})});
  EXPECT_EQ(trace(d, retort::plan_downgrade(d, at(d, {"m"}), at(d, {"b"}))), "m:[b,c]");
  // A dependency is reverted after its dependents; a dependent stays while its dependency does.
  revision_graph dep({mig("a"), mig("x"), mig("y", {"x"}, {"a"})});
  EXPECT_EQ(trace(dep, retort::plan_downgrade(dep, at(dep, {"y"}), {})), "y:[a,x] x:[a] a:[]");
  revision_graph dep2({mig("a"), mig("b", {"a"}), mig("x"), mig("y", {"x"}, {"b"})});
  EXPECT_EQ(trace(dep2, retort::plan_downgrade(dep2, at(dep2, {"y"}), at(dep2, {"b"}))), "");
  EXPECT_EQ(trace(dep2, retort::plan_downgrade(dep2, at(dep2, {"y"}), at(dep2, {"a"}))), "y:[b,x] b:[a,x]");
}
