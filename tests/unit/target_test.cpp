// target_test.cpp — the target grammar, and errors that list the choices.
#include "revisions.hpp"
#include "planner.hpp"
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

using retort::migration;
using retort::revision_graph;
using retort_test::mig;
using retort::resolve_target;

namespace {

/// a1 - b2 - c3 - d4, linear.
revision_graph line() { return revision_graph({mig("a1"), mig("b2", {"a1"}), mig("c3", {"b2"}), mig("d4", {"c3"})}); }

std::string id_of(const revision_graph& g, const std::vector<retort::rev>& r) {
  std::string out;
  for (auto x : r) out += (out.empty() ? "" : ",") + g.at(x).id;
  return out;
}

std::string error_of(const revision_graph& g, const std::string& t, const std::vector<retort::rev>& current = {}) {
  try {
    resolve_target(g, t, current);
  } catch (const retort::sdk::error& e) {
    EXPECT_EQ(e.kind(), retort::sdk::error_kind::usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST(target, absolute_forms) {
  auto g = line();
  EXPECT_EQ(id_of(g, resolve_target(g, "head", {})), "d4");
  EXPECT_EQ(id_of(g, resolve_target(g, "heads", {})), "d4");
  EXPECT_EQ(id_of(g, resolve_target(g, "base", {})), "");
  EXPECT_EQ(id_of(g, resolve_target(g, "c3", {})), "c3");
  EXPECT_EQ(id_of(g, resolve_target(g, "c", {})), "c3");  // unique prefix
}

TEST(target, relative_forms) {
  auto g = line();
  auto b2 = std::vector<retort::rev>{*g.find("b2")};
  EXPECT_EQ(id_of(g, resolve_target(g, "+1", b2)), "c3");
  EXPECT_EQ(id_of(g, resolve_target(g, "+2", b2)), "d4");
  EXPECT_EQ(id_of(g, resolve_target(g, "-1", b2)), "a1");
  EXPECT_EQ(id_of(g, resolve_target(g, "-2", b2)), "");  // down to base
  EXPECT_EQ(id_of(g, resolve_target(g, "+1", {})), "a1");  // from base
  EXPECT_EQ(id_of(g, resolve_target(g, "head-1", {})), "c3");
  EXPECT_EQ(id_of(g, resolve_target(g, "a1+2", {})), "c3");
  EXPECT_EQ(id_of(g, resolve_target(g, "d4-3", {})), "a1");
  EXPECT_EQ(id_of(g, resolve_target(g, "base+1", {})), "a1");
}

TEST(target, walking_past_head_or_base_is_an_error) {
  auto g = line();
  auto d4 = std::vector<retort::rev>{*g.find("d4")};
  EXPECT_NE(error_of(g, "+1", d4).find("past head"), std::string::npos);
  EXPECT_NE(error_of(g, "-5", d4).find("past base"), std::string::npos);
  EXPECT_NE(error_of(g, "a1-2").find("past base"), std::string::npos);
}

TEST(target, an_id_with_a_dash_wins_over_relative_parsing) {
  revision_graph g({mig("base-1"), mig("x-2", {"base-1"})});
  EXPECT_EQ(id_of(g, resolve_target(g, "x-2", {})), "x-2");
  EXPECT_EQ(id_of(g, resolve_target(g, "x-2-1", {})), "base-1");
}

TEST(target, ambiguity_lists_the_choices) {
  revision_graph g({mig("aa11"), mig("aa22", {"aa11"}), mig("bb33", {"aa11"}, {}, {"side"})});
  std::string e = error_of(g, "head");
  EXPECT_NE(e.find("aa22"), std::string::npos) << e;
  EXPECT_NE(e.find("bb33"), std::string::npos) << e;
  EXPECT_NE(e.find("heads"), std::string::npos) << e;
  e = error_of(g, "aa");
  EXPECT_NE(e.find("ambiguous"), std::string::npos) << e;
  EXPECT_NE(e.find("aa11"), std::string::npos) << e;
  EXPECT_NE(e.find("aa22"), std::string::npos) << e;
  e = error_of(g, "+1", {*g.find("aa11")});
  EXPECT_NE(e.find("branch point"), std::string::npos) << e;
  EXPECT_NE(error_of(g, "zz").find("no revision 'zz'"), std::string::npos);
  EXPECT_EQ(id_of(g, resolve_target(g, "side@head", {})), "bb33");
  EXPECT_EQ(id_of(g, resolve_target(g, "side", {})), "bb33");
  EXPECT_EQ(id_of(g, resolve_target(g, "heads", {})), "aa22,bb33");
}

TEST(target, unknown_database_versions_are_reported) {
  auto g = line();
  try {
    retort::revisions_of(g, {"zz9"});
    FAIL();
  } catch (const retort::sdk::error& e) {
    EXPECT_NE(std::string(e.what()).find("'zz9'"), std::string::npos);
  }
}

TEST(target, ambiguous_relative_steps_give_the_commands_to_pick_one) {
  revision_graph g({mig("a1"), mig("b2", {"a1"}), mig("c3", {"a1"}), mig("m4", {"b2", "c3"})});
  auto heads = std::vector<retort::rev>{*g.find("b2"), *g.find("c3")};
  std::string e = error_of(g, "-1", heads);
  EXPECT_NE(e.find("retort downgrade b2@-1"), std::string::npos) << e;
  EXPECT_NE(e.find("retort downgrade c3@-1"), std::string::npos) << e;
  e = error_of(g, "a1+1");
  EXPECT_NE(e.find("retort upgrade b2"), std::string::npos) << e;
  EXPECT_NE(e.find("retort upgrade c3"), std::string::npos) << e;
  // One step down from a merge is well-defined: its parents.
  EXPECT_EQ(id_of(g, resolve_target(g, "-1", {*g.find("m4")})), "b2,c3");
  e = error_of(g, "-2", {*g.find("m4")});
  EXPECT_NE(e.find("after 1 step(s)"), std::string::npos) << e;
  EXPECT_NE(e.find("retort downgrade b2@-1"), std::string::npos) << e;
}

TEST(target, branch_steps_down_stay_on_one_line) {
  revision_graph g({mig("a1"), mig("b2", {"a1"}), mig("b3", {"b2"}), mig("c2", {"a1"})});
  auto heads = std::vector<retort::rev>{*g.find("b3"), *g.find("c2")};
  auto steps = retort::branch_steps_down(g, "b3@-2", heads);
  ASSERT_TRUE(steps);
  EXPECT_EQ(id_of(g, *steps), "b3,b2");
  EXPECT_FALSE(retort::branch_steps_down(g, "b3-1", heads));  // not the branch form
  try {
    retort::branch_steps_down(g, "b3@-3", heads);  // a1 carries c2 too
    FAIL();
  } catch (const retort::sdk::error& e) {
    EXPECT_NE(std::string(e.what()).find("other heads stand on (c2)"), std::string::npos) << e.what();
  }
}

TEST(target, label_at_revision_must_be_on_the_line) {
  revision_graph g({mig("a1"), mig("b2", {"a1"}, {}, {"left"}), mig("b3", {"b2"}), mig("c2", {"a1"}, {}, {"right"})});
  EXPECT_EQ(id_of(g, resolve_target(g, "left@b3", {})), "b3");
  EXPECT_EQ(id_of(g, resolve_target(g, "left@a1", {})), "a1");
  EXPECT_NE(error_of(g, "left@c2").find("not on the line of left"), std::string::npos);
}

TEST(target, suggestions_carry_the_remaining_steps) {
  revision_graph g({mig("a1"), mig("b2", {"a1"}), mig("b3", {"b2"}), mig("c2", {"a1"}), mig("m4", {"b3", "c2"})});
  std::string e = error_of(g, "a1+2");
  EXPECT_NE(e.find("retort upgrade b2+1"), std::string::npos) << e;
  EXPECT_NE(e.find("retort upgrade c2+1"), std::string::npos) << e;
  e = error_of(g, "-2", {*g.find("m4")});
  EXPECT_NE(e.find("run `retort downgrade -1` first"), std::string::npos) << e;
  EXPECT_NE(e.find("retort downgrade b3@-1"), std::string::npos) << e;
  EXPECT_NE(error_of(g, "b3@-1").find("is a `retort downgrade` target"), std::string::npos);
}

TEST(target, head_at_minus_n_follows_down_revision_and_takes_dependents_along) {
  // base->r00; r00->r01; r01->r10 (north); r00->r13 depends_on r10. At {r13}, north@-1 reverts r10
  // (and r13, which depends on it) and leaves r01: a dependency does not end r10's line.
  revision_graph g({mig("r00"), mig("r01", {"r00"}), mig("r10", {"r01"}, {}, {"north"}), mig("r13", {"r00"}, {"r10"})});
  auto at = [&](const std::string& id) { return *g.find(id); };
  auto revert = retort::branch_steps_down(g, "north@-1", {at("r13")});
  ASSERT_TRUE(revert);
  EXPECT_EQ(id_of(g, *revert), "r10");
  auto plan = retort::plan_revert(g, {at("r13")}, *revert);
  std::string reverted;
  for (const auto& s : plan) reverted += (reverted.empty() ? "" : ",") + g.at(s.r).id;
  EXPECT_EQ(reverted, "r13,r10");
  EXPECT_EQ(id_of(g, plan.back().heads_after), "r01");
  // base->r06 (green); base->r07 depends_on r06; r06->r12. At {r07, r12}, green@-1 reverts r12.
  revision_graph h({mig("r06", {}, {}, {"green"}), mig("r07", {}, {"r06"}), mig("r12", {"r06"})});
  auto in_h = [&](const std::string& id) { return *h.find(id); };
  auto down = retort::branch_steps_down(h, "green@-1", {in_h("r07"), in_h("r12")});
  ASSERT_TRUE(down);
  EXPECT_EQ(id_of(h, *down), "r12");
}

TEST(target, step_counts_that_are_not_numbers_or_too_large_say_so) {
  auto g = line();
  EXPECT_NE(error_of(g, "+99999999999999999999").find("steps is too many"), std::string::npos);
  EXPECT_NE(error_of(g, "a1+2000000").find("steps is too many"), std::string::npos);
  try {
    retort::branch_steps_down(g, "d4@-0", {*g.find("d4")});
    ADD_FAILURE() << "d4@-0 was accepted";
  } catch (const retort::sdk::error& e) {
    EXPECT_NE(std::string(e.what()).find("from 1"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("is a `retort downgrade` target"), std::string::npos) << e.what();
  }
  try {
    retort::branch_steps_down(g, "d4@-99999999999999999999", {*g.find("d4")});
    ADD_FAILURE() << "accepted";
  } catch (const retort::sdk::error& e) {
    EXPECT_NE(std::string(e.what()).find("too many"), std::string::npos) << e.what();
  }
}

TEST(target, reserved_words_cannot_be_ids_or_labels_when_read) {
  for (const char* bad : {"head", "HEADS", "base", "Current", "-1", "-abc", "a:b", "x@y", "+1"})
    EXPECT_FALSE(retort::valid_revision_id(bad)) << bad;
  EXPECT_NE(retort::revision_id_problem("heads").find("reserved word"), std::string::npos);
  EXPECT_NE(retort::revision_id_problem("-1").find("relative step"), std::string::npos);
  for (const char* fine : {"a1", "head_1", "base2", "x-1", "3f2a9c1d0b7e"}) EXPECT_TRUE(retort::valid_revision_id(fine)) << fine;
}
