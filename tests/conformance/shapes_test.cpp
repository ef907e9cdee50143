// shapes_test.cpp — graph shapes run online on every backend, step by step, up and down: after
// every step the version table holds the expected heads and the tables present are exactly those
// the applied revisions created (each revision creates t_<id>).
#include "backend.hpp"

#include <functional>
#include <map>
#include <set>

using namespace retort_test;

namespace {

struct revision_spec {
  std::string id;
  std::vector<std::string> parents, depends_on, labels;
};

struct step_spec {
  std::vector<std::string> args;
  std::vector<std::string> rows;  ///< the version table afterwards, sorted
};

struct shape {
  std::string name;
  std::vector<revision_spec> revisions;
  std::vector<step_spec> steps;
};

std::string toml_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", \"" : "\"") + v[i] + "\"";
  return out + "]";
}

const std::vector<shape>& shapes() {
  static const std::vector<shape> all = {
      {"diamond",
       {{"a1", {}, {}, {}}, {"b2", {"a1"}, {}, {}}, {"c3", {"a1"}, {}, {}}, {"d4", {"b2", "c3"}, {}, {}}},
       {{{"upgrade", "a1"}, {"a1"}},
        {{"upgrade", "b2"}, {"b2"}},
        {{"upgrade", "c3"}, {"b2", "c3"}},  // a new branch from a parent already covered: a row of its own
        {{"upgrade", "head"}, {"d4"}},      // rows collapse at the merge
        {{"downgrade", "b2"}, {"b2", "c3"}},  // and split when it is reverted
        {{"downgrade", "a1"}, {"a1"}},
        {{"upgrade", "heads"}, {"d4"}},
        {{"downgrade", "base"}, {}}}},
      {"two_roots",
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
        {{"downgrade", "c3@-1"}, {"b2", "d4"}},       // one branch down, the others stay
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
        {{"downgrade", "base"}, {}}}},
  };
  return all;
}

class shapes_test : public ::testing::TestWithParam<std::tuple<backend, shape>> {};

}  // namespace

TEST_P(shapes_test, version_rows_and_tables_after_every_step) {
  const backend& b = std::get<0>(GetParam());
  const shape& s = std::get<1>(GetParam());
  temp_dir dir;
  ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  const std::string url = b.fresh(dir.path(), b.name + "_" + s.name);
  ASSERT_FALSE(url.empty());
  std::map<std::string, std::vector<std::string>> below;  // parents and dependencies
  for (std::size_t i = 0; i < s.revisions.size(); ++i) {
    const auto& r = s.revisions[i];
    write(dir / "migrations/versions" / (std::to_string(i) + "_" + r.id + ".toml"),
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
    std::vector<std::string> args = {"--url", url};
    args.insert(args.end(), st.args.begin(), st.args.end());
    auto r = run(dir.path(), args);
    ASSERT_EQ(r.code, 0) << s.name << ": " << what << "\n" << r.err;
    auto rows = b.query(url, "SELECT version_num FROM retort_version ORDER BY 1");
    EXPECT_EQ(rows, st.rows) << s.name << ": after " << what;
    // The tables present are those of the applied revisions: the rows and everything below them.
    std::set<std::string> applied;
    std::function<void(const std::string&)> walk = [&](const std::string& id) {
      if (applied.insert(id).second)
        for (const auto& p : below[id]) walk(p);
    };
    for (const auto& row : rows) walk(row);
    std::vector<std::string> expected;
    for (const auto& id : applied) expected.push_back("t_" + id);
    std::vector<std::string> present;
    for (const auto& t : b.tables(url))
      if (t.rfind("t_", 0) == 0) present.push_back(t);
    EXPECT_EQ(present, expected) << s.name << ": after " << what;
  }
}

INSTANTIATE_TEST_SUITE_P(conformance, shapes_test, ::testing::Combine(::testing::ValuesIn(backends()), ::testing::ValuesIn(shapes())),
                         [](const auto& i) { return std::get<0>(i.param).name + "_" + std::get<1>(i.param).name; });
