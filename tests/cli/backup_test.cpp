// backup_test.cpp — `upgrade --backup FILE` and `apply --backup FILE` on SQLite: the database as it was before the run, copied
// by SQLite's online backup API under the run's lock; a file that exists, --sql and --dry-run refused.
#include "cli_fixture.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

using backup = cli;

TEST_F(backup, the_copy_is_the_database_before_the_run) {
  chain();
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  exec(db, "INSERT INTO users (name) VALUES ('ann')");
  const fs::path copy = dir / "before.db";
  auto r = retort({"upgrade", "--backup", copy.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Backed up the database to " + copy.string() + ".\nUpgraded 1 migration(s)")) << r.err;
  EXPECT_EQ(column(copy, "SELECT version_num FROM retort_version"), std::vector<std::string>{"a1"});
  EXPECT_EQ(column(copy, "SELECT name FROM users"), std::vector<std::string>{"ann"});
  EXPECT_EQ(tables(copy), (std::vector<std::string>{"retort_history", "retort_version", "users"}));
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  // The copy is a database retort can run on: down to where it was, as the original.
  r = run(dir.path(), {"--url", "sqlite:///" + copy.string(), "current"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "a1")) << r.out;
}

TEST_F(backup, a_file_that_exists_and_runs_that_change_nothing_are_refused_or_skipped) {
  chain();
  write(dir / "taken.db", "keep me");
  auto r = retort({"upgrade", "--backup", (dir / "taken.db").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "the file exists; name a new one")) << r.err;
  EXPECT_FALSE(contains(r.err, "Backed up")) << r.err;
  EXPECT_EQ(slurp(dir / "taken.db"), "keep me");
  EXPECT_FALSE(fs::exists(db));  // refused before it connected
  EXPECT_EQ(retort({"upgrade", "--sql", "--backup", (dir / "x.db").string()}).code, 2);
  EXPECT_EQ(retort({"upgrade", "--dry-run", "--backup", (dir / "x.db").string()}).code, 2);
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  r = retort({"upgrade", "--backup", (dir / "none.db").string()});  // nothing to do: no copy
  EXPECT_EQ(r.code, 0);
  EXPECT_FALSE(fs::exists(dir / "none.db"));
}

TEST_F(backup, a_reviewed_plan_is_applied_after_the_same_copy) {
  chain();
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  const fs::path plan = dir / "plan.json", copy = dir / "before.db";
  ASSERT_EQ(retort({"plan", "-o", plan.string()}).code, 0);
  auto r = retort({"apply", "--backup", copy.string(), plan.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Backed up the database to " + copy.string() + ".\nUpgraded 1 migration(s)")) << r.err;
  EXPECT_EQ(column(copy, "SELECT version_num FROM retort_version"), std::vector<std::string>{"a1"});
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  // A plan that no longer holds is refused before the copy is made.
  r = retort({"apply", "--backup", (dir / "again.db").string(), plan.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(fs::exists(dir / "again.db"));
}

}  // namespace
}  // namespace retort_test
