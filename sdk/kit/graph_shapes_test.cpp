// graph_shapes_test.cpp — revision graphs run online, step by step, up and down: after every step
// the version table holds the expected heads and the tables present are exactly those the applied
// revisions created (each revision creates t_<id>). What a dialect author relies on: that the
// version table and the schema agree, whatever the shape of the graph.
#include "kit.hpp"

#include <functional>
#include <map>

namespace retort::kit {
namespace {

struct revision_spec {
  std::string id;
  std::vector<std::string> parents, depends_on, labels;
};

struct step_spec {
  std::vector<std::string> args;
  std::vector<std::string> heads;  ///< the version table afterwards, sorted
};

struct shape {
  std::string name;
  std::vector<revision_spec> revisions;
  std::vector<step_spec> steps;
};

const std::vector<shape>& shapes() {
  static const std::vector<shape> all = {
      {"linear",
       {{"a1", {}, {}, {}}, {"b2", {"a1"}, {}, {}}, {"c3", {"b2"}, {}, {}}},
       {{{"upgrade", "+1"}, {"a1"}},
        {{"upgrade", "head"}, {"c3"}},
        {{"downgrade", "-1"}, {"b2"}},
        {{"downgrade", "base"}, {}},
        {{"upgrade", "b2"}, {"b2"}}}},
      {"diamond",
       {{"a1", {}, {}, {}}, {"b2", {"a1"}, {}, {}}, {"c3", {"a1"}, {}, {}}, {"d4", {"b2", "c3"}, {}, {}}},
       {{{"upgrade", "a1"}, {"a1"}},
        {{"upgrade", "b2"}, {"b2"}},
        {{"upgrade", "c3"}, {"b2", "c3"}},    // a new branch from a parent already covered: a row of its own
        {{"upgrade", "head"}, {"d4"}},        // rows collapse at the merge
        {{"downgrade", "b2"}, {"b2", "c3"}},  // and split when it is reverted
        {{"downgrade", "a1"}, {"a1"}},
        {{"upgrade", "heads"}, {"d4"}},
        {{"downgrade", "base"}, {}}}},
      {"two_roots_with_labels",
       {{"a1", {}, {}, {"core"}}, {"b2", {"a1"}, {}, {}}, {"x1", {}, {}, {"ext"}}, {"y2", {"x1"}, {}, {}}},
       {{{"upgrade", "heads"}, {"b2", "y2"}},
        {{"downgrade", "a1"}, {"a1", "y2"}},  // one branch down, the other stays
        {{"downgrade", "x1"}, {"a1", "x1"}},
        {{"upgrade", "core@head"}, {"b2", "x1"}},
        {{"upgrade", "ext@head"}, {"b2", "y2"}},
        {{"downgrade", "base"}, {}}}},
      {"merge_of_three",
       {{"a1", {}, {}, {}}, {"b2", {"a1"}, {}, {}}, {"c3", {"a1"}, {}, {}}, {"d4", {"a1"}, {}, {}},
        {"m5", {"b2", "c3", "d4"}, {}, {}}},
       {{{"upgrade", "c3"}, {"c3"}},
        {{"upgrade", "head"}, {"m5"}},
        {{"downgrade", "c3"}, {"b2", "c3", "d4"}},
        {{"downgrade", "a1"}, {"a1"}},
        {{"upgrade", "head"}, {"m5"}},
        {{"downgrade", "-1"}, {"b2", "c3", "d4"}},  // one step down from a merge: the merge goes
        {{"downgrade", "c3@-1"}, {"b2", "d4"}},     // one branch down, the others stay
        {{"downgrade", "b2@-1"}, {"d4"}}}},
      {"depends_on_across_branches",
       {{"a1", {}, {}, {}}, {"b2", {"a1"}, {}, {}}, {"x1", {}, {}, {}}, {"y2", {"x1"}, {"b2"}, {}}},
       {{{"upgrade", "y2"}, {"y2"}},  // b2 comes with it, implied by y2's row
        {{"upgrade", "heads"}, {"y2"}},
        {{"downgrade", "b2"}, {"y2"}},        // y2 depends on b2, which stays: nothing to do
        {{"downgrade", "a1"}, {"a1", "x1"}},  // b2 goes, so y2 (its dependent) goes first
        {{"upgrade", "heads"}, {"y2"}},
        {{"downgrade", "x1"}, {"b2", "x1"}}}},
      {"labels_and_relative_steps",
       {{"a1", {}, {}, {"core"}}, {"b2", {"a1"}, {}, {}}, {"c3", {"b2"}, {}, {}}, {"x1", {}, {}, {"ext"}}},
       {{{"upgrade", "core@head"}, {"c3"}},
        {{"downgrade", "c3-2"}, {"a1"}},
        {{"upgrade", "a1+1"}, {"b2"}},
        {{"upgrade", "ext@head"}, {"b2", "x1"}},
        {{"downgrade", "core@-1"}, {"a1", "x1"}},
        {{"downgrade", "base"}, {}}}},
  };
  return all;
}

class graph_shapes : public ::testing::TestWithParam<shape> {};

TEST_P(graph_shapes, version_rows_and_tables_follow_every_step) {
  const shape& s = GetParam();
  project p;
  std::map<std::string, std::vector<std::string>> below;  // parents and dependencies
  for (std::size_t i = 0; i < s.revisions.size(); ++i) {
    const auto& r = s.revisions[i];
    p.migration(std::to_string(i) + "_" + r.id,
                "revision = \"" + r.id + "\"\ndown_revision = " + toml_list(r.parents) + "\nbranch_labels = " +
                    toml_list(r.labels) + "\ndepends_on = " + toml_list(r.depends_on) + "\nmessage = \"" + r.id +
                    "\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"t_" + r.id +
                    "\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
    below[r.id] = r.parents;
    below[r.id].insert(below[r.id].end(), r.depends_on.begin(), r.depends_on.end());
  }
  for (const auto& st : s.steps) {
    std::string what;
    for (const auto& a : st.args) what += a + " ";
    auto r = p.retort(st.args);
    ASSERT_EQ(r.code, 0) << s.name << ": retort " << what << "\n" << r.err;
    const auto heads = p.versions();
    EXPECT_EQ(heads, st.heads) << s.name << ": the version table after " << what;
    // The tables present are those of the applied revisions: the rows and everything below them.
    std::set<std::string> applied;
    std::function<void(const std::string&)> walk = [&](const std::string& id) {
      if (applied.insert(id).second)
        for (const auto& parent : below[id]) walk(parent);
    };
    for (const auto& h : heads) walk(h);
    std::vector<std::string> expected = {"retort_history", "retort_version"};
    for (const auto& id : applied) expected.push_back("t_" + id);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(p.tables(), expected) << s.name << ": the tables introspect() reports after " << what;
  }
}

INSTANTIATE_TEST_SUITE_P(kit, graph_shapes, ::testing::ValuesIn(shapes()), [](const auto& i) { return i.param.name; });

}  // namespace
}  // namespace retort::kit
