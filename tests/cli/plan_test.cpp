// plan_test.cpp — `retort plan` and `retort apply` on SQLite: the summary a reviewer reads, the plan
// file run exactly and only while it holds, and plan files that are not what `plan` wrote.
#include "cli_fixture.hpp"
#include "plan_review.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

using plan = cli;

TEST_F(plan, a_reviewed_plan_runs_as_planned_and_only_so) { expect_a_reviewed_plan_runs_as_planned_and_only_so(*this); }

TEST_F(plan, the_summary_marks_what_destroys_data_and_what_commits_on_its_own) {
  three_migrations();
  migration("20260101_0003_d4_cleanup.sql",
            "-- retort:revision d4\n-- retort:down_revision c3\n-- retort:message clean up\n"
            "-- retort:transactional false\n-- retort:upgrade\nDELETE FROM documents WHERE title IS NULL;\n"
            "VACUUM;\n-- retort:downgrade\nSELECT 1;\n");
  auto r = retort({"plan"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Plan: upgrade sqlite:///./app.db from base to head (d4): 4 migrations")) << r.out;
  EXPECT_TRUE(contains(r.out, "  2. up   b2 documents  (one transaction)\n       sql                CREATE TABLE documents"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "d4 clean up  (2 statements outside a transaction, journaled)")) << r.out;
  EXPECT_TRUE(contains(r.out, "! destructive: raw SQL: DELETE")) << r.out;
  EXPECT_TRUE(contains(r.out, "Outside a transaction: 2 statements, in d4.")) << r.out;
  EXPECT_TRUE(contains(r.err, "Write it with -o FILE")) << r.err;
  EXPECT_EQ(tables(db), std::vector<std::string>{});  // nothing written, not even retort's tables

  // -v shows every statement whole; --json is the plan file itself.
  r = retort({"plan", "-v"});
  EXPECT_TRUE(contains(r.out, "CREATE TABLE \"users\" (\n                            \"id\" INTEGER")) << r.out;
  r = retort({"plan", "--json", "-o", (dir / "p.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, slurp(dir / "p.json"));
  EXPECT_EQ(planned_statements(dir.path(), dir / "p.json").size(), 5u);
}

TEST_F(plan, a_plan_that_is_not_what_plan_wrote_is_refused_naming_where) {
  chain();
  const fs::path file = dir / "plan.json";
  ASSERT_EQ(retort({"plan", "-o", file.string()}).code, 0);
  const std::string good = slurp(file);
  auto refused = [&](const std::string& text, const std::string& said, const std::vector<std::string>& extra = {}) {
    write(file, text);
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"apply", file.string()});
    auto r = retort(args);
    EXPECT_EQ(r.code, 2) << text;
    EXPECT_TRUE(contains(r.err, said)) << r.err;
    EXPECT_FALSE(fs::exists(db) && !tables(db).empty()) << "something was written for: " << said;
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? t : t.replace(at, from.size(), to);
  };
  // A statement edited by hand: it is not what the files render.
  refused(replaced("CREATE TABLE \\\"orders\\\"", "CREATE TABLE \\\"orderz\\\""),
          "revision b2: statement 1 renders differently now\n  planned: CREATE TABLE \"orderz\"");
  refused(replaced("\"heads_after\": [\"b2\"]", "\"heads_after\": [\"a1\"]"),
          "revision b2: the version rows it goes from and to are not the plan's");
  refused(replaced("\"rows\": []", "\"rows\": [\"b2\"]"), "rows_sha256: does not match the rows listed beside it");
  refused(replaced("\"revision\": \"b2\"", "\"revision\": \"zz\""), "revision zz (");
  refused(replaced("\"atomic\": false", "\"atomic\": 0"), "plan.json:10: atomic: expected true or false, found a number");
  refused(replaced("\"journaled\": false", "\"journaledx\": false"), "plan.json:24: steps[0].journaledx: not a field retort knows");
  refused(replaced("\"retort_plan\": 1", "\"retort_plan\": 7"), "retort_plan: format 7 is not the one this retort reads");
  refused(good.substr(0, good.size() / 2), "plan.json:");
  refused("[1, 2]", "plan.json:1: the document: expected an object, found an array");
  refused("{\"retort_plan\": 1, \"retort_plan\": 1}", "plan.json:1:33: the member \"retort_plan\" appears twice");
  refused(std::string("{\"a\": \"\xff\"}"), "plan.json:1:8: bytes that are not UTF-8 inside a string");
  refused(std::string(200, '['), "nested more than 64 levels deep");
  refused(good, "was made for sqlite, and the database URL names postgresql",
          {"--url", "postgresql://u:secret@127.0.0.1:1/x"});
  auto r = retort({"apply", (dir / "none.json").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "none.json: cannot read the plan")) << r.err;
  // The plan as written still runs.
  write(file, good);
  r = retort({"apply", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  EXPECT_EQ(history(), (std::vector<std::vector<std::string>>{{"a1", "up", "applied"}, {"b2", "up", "applied"}}));
}

}  // namespace
}  // namespace retort_test
