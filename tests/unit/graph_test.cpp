// graph_test.cpp — the revision DAG: order, heads, lookups, and refusals of broken graphs.
#include "graph.hpp"
#include "revisions.hpp"

#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

using retort::migration;
using retort::revision_graph;
using retort_test::mig;

namespace {

std::string error_of(std::vector<migration> ms) {
  try {
    revision_graph g(std::move(ms));
  } catch (const retort::sdk::error& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> ids(const revision_graph& g, const std::vector<revision_graph::rev>& rs) {
  std::vector<std::string> out;
  for (auto r : rs) out.push_back(g.at(r).id);
  return out;
}

}  // namespace

TEST(graph, topological_order_parents_first_whatever_the_file_order) {
  revision_graph g({mig("c", {"b"}), mig("a"), mig("b", {"a"})});
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g.at(0).id, "a");
  EXPECT_EQ(g.at(1).id, "b");
  EXPECT_EQ(g.at(2).id, "c");
  EXPECT_EQ(ids(g, g.heads()), std::vector<std::string>{"c"});
  EXPECT_EQ(ids(g, g.bases()), std::vector<std::string>{"a"});
}

TEST(graph, branches_merges_and_dependencies) {
  revision_graph g({mig("a"), mig("b", {"a"}), mig("c", {"a"}), mig("d", {"b", "c"}), mig("x"), mig("y", {"x"}, {"b"})});
  EXPECT_EQ(ids(g, g.heads()), (std::vector<std::string>{"d", "y"}));
  EXPECT_EQ(ids(g, g.bases()), (std::vector<std::string>{"a", "x"}));
  auto d = *g.find("d");
  EXPECT_EQ(g.parents(d).size(), 2u);
  auto y = *g.find("y");
  auto below_y = g.closure({y});
  EXPECT_TRUE(below_y[*g.find("b")]);  // through depends_on
  EXPECT_TRUE(below_y[*g.find("a")]);
  EXPECT_FALSE(below_y[*g.find("c")]);
  // heads_of: the minimal set with the same closure.
  EXPECT_EQ(ids(g, g.heads_of({*g.find("a"), *g.find("b"), y})), std::vector<std::string>{"y"});
  EXPECT_EQ(ids(g, g.heads_of({*g.find("b"), *g.find("c")})), (std::vector<std::string>{"b", "c"}));
}

TEST(graph, prefixes_and_labels) {
  revision_graph g({mig("abc1"), mig("abd2", {"abc1"}), mig("zzz", {"abd2"}, {}, {"feature"})});
  EXPECT_EQ(g.with_prefix("ab").size(), 2u);
  EXPECT_EQ(g.with_prefix("abc").size(), 1u);
  EXPECT_TRUE(g.with_prefix("q").empty());
  ASSERT_TRUE(g.find_label("feature"));
  EXPECT_EQ(g.at(*g.find_label("feature")).id, "zzz");
}

TEST(graph, refuses_duplicates_naming_both_files) {
  auto e = error_of({mig("a"), mig("a", {})});
  EXPECT_NE(e.find("defined twice"), std::string::npos) << e;
  EXPECT_NE(e.find("versions/a.toml"), std::string::npos) << e;
}

TEST(graph, refuses_a_missing_parent) {
  auto e = error_of({mig("a"), mig("b", {"nope"})});
  EXPECT_NE(e.find("versions/b.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("'nope'"), std::string::npos) << e;
  e = error_of({mig("a"), mig("b", {"a"}, {"ghost"})});
  EXPECT_NE(e.find("depends_on"), std::string::npos) << e;
}

TEST(graph, refuses_a_cycle_listing_its_members) {
  auto e = error_of({mig("root"), mig("a", {"c"}), mig("b", {"a"}), mig("c", {"b"})});
  EXPECT_NE(e.find("cycle"), std::string::npos) << e;
  for (const char* id : {"a", "b", "c"}) EXPECT_NE(e.find(std::string(id) + " ("), std::string::npos) << e;
  EXPECT_EQ(e.find("root"), std::string::npos) << e;
}

TEST(graph, refuses_a_label_on_two_revisions) {
  auto e = error_of({mig("a", {}, {}, {"x"}), mig("b", {"a"}, {}, {"x"})});
  EXPECT_NE(e.find("label 'x'"), std::string::npos) << e;
  EXPECT_NE(e.find("versions/a.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("versions/b.toml"), std::string::npos) << e;
}

TEST(graph, ten_thousand_revisions_load_and_close_in_linear_time) {
  std::vector<migration> ms;
  for (int i = 0; i < 10000; ++i) ms.push_back(mig("r" + std::to_string(i), i ? std::vector<std::string>{"r" + std::to_string(i - 1)} : std::vector<std::string>{}));
  revision_graph g(std::move(ms));
  EXPECT_EQ(g.heads().size(), 1u);
  EXPECT_EQ(g.at(g.heads()[0]).id, "r9999");
  auto all = g.closure(g.heads());
  EXPECT_EQ(std::count(all.begin(), all.end(), 1), 10000);
}
