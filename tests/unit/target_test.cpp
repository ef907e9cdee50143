// target_test.cpp — the target grammar, and errors that list the choices.
#include "revisions.hpp"
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
