// doctor_test.cpp — `retort doctor` on SQLite: each kind of finding made on a real database, said
// with its next command, and gone once that command (or the fix it names) has run; healthy is exit 0.
#include "cli_fixture.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

struct doctor : cli {
  /// doctor's report, expected to hold `kind: said` and, on a `next:` line, `next`.
  void expect_finding(const std::string& kind, const std::string& said, const std::string& next) {
    auto r = retort({"doctor"});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, kind + ": " + said)) << r.out;
    EXPECT_TRUE(contains(r.out, "\n  next: ") && contains(r.out, next)) << r.out;
    r = retort({"doctor", "--json"});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(contains(r.out, "\"healthy\": false")) << r.out;
    EXPECT_TRUE(contains(r.out, "{\"kind\": \"" + kind + "\"")) << r.out;
  }
  void expect_healthy() {
    auto r = retort({"doctor"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "Healthy: sqlite:///")) << r.out;
  }
};

TEST_F(doctor, pending_migrations_and_the_upgrade_that_applies_them) {
  chain();
  // A database retort never ran on: no tables yet, everything pending, nothing written.
  expect_finding("pending", "2 migration(s) not applied: a1, b2", "retort apply plan.json");
  auto r = retort({"validate"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(tables(db), std::vector<std::string>{});
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  expect_finding("pending", "1 migration(s) not applied: b2",
                 "`retort plan head -o plan.json` to review them, then `retort apply plan.json` (or `retort upgrade head`)");
  ASSERT_EQ(retort({"plan", "head", "-o", (dir / "plan.json").string()}).code, 0);
  ASSERT_EQ(retort({"apply", (dir / "plan.json").string()}).code, 0);
  expect_healthy();
  EXPECT_TRUE(contains(retort({"doctor", "--json"}).out, "\"healthy\": true, \"findings\": []"));
}

TEST_F(doctor, several_heads_are_joined_by_the_merge_it_names) {
  migration("1_a1.toml", create_table_migration("a1", "", "users"));
  migration("2_b2.toml", create_table_migration("b2", "a1", "orders"));
  migration("3_c3.toml", create_table_migration("c3", "a1", "invoices"));
  ASSERT_EQ(retort({"upgrade", "heads"}).code, 0);
  expect_finding("several_heads", "the migrations have several heads: b2, c3", "`retort merge heads -m \"merge\"` joins them");
  ASSERT_EQ(retort({"merge", "heads", "-m", "merge"}).code, 0);
  expect_finding("pending", "1 migration(s) not applied", "`retort upgrade head`");
  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  expect_healthy();
}

TEST_F(doctor, a_version_row_no_file_defines_and_one_below_another) {
  chain();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  exec(db, "INSERT INTO retort_version (version_num) VALUES ('a1')");  // an ancestor beside its descendant
  expect_finding("redundant_version", "the version table holds a1 beside a revision above it",
                 "`retort stamp b2 --purge` keeps only the heads");
  ASSERT_EQ(retort({"stamp", "b2", "--purge"}).code, 0);
  expect_healthy();
  exec(db, "INSERT INTO retort_version (version_num) VALUES ('zz99')");
  expect_finding("unknown_version", "the version table holds 'zz99', which no file in versions/ defines",
                 "record what the files know with `retort stamp REV --purge`");
  exec(db, "DELETE FROM retort_version WHERE version_num = 'b2'");  // only the row nobody knows
  EXPECT_FALSE(contains(retort({"doctor"}).out, "pending:"));  // where the database is, the rows do not say
  ASSERT_EQ(retort({"stamp", "b2", "--purge"}).code, 0);
  expect_healthy();
}

TEST_F(doctor, an_applied_file_edited_or_gone_is_put_back) {
  chain();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  const fs::path first = dir / "migrations/versions/1_a1.toml", second = dir / "migrations/versions/2_b2.toml";
  const std::string was = slurp(first);
  write(first, was + "# edited\n");
  expect_finding("edited", "revision a1 was edited after it was applied", "put the file back as it was applied");
  write(first, was);
  expect_healthy();
  const std::string b2 = slurp(second);
  fs::remove(second);
  expect_finding("missing_file", "revision b2 is applied (history) but its file is gone from versions/",
                 "put the file back in versions/ from version control");
  write(second, b2);
  expect_healthy();
  // Gone on purpose: the way out unknown_version gives leaves the database healthy.
  fs::remove(second);
  ASSERT_EQ(retort({"stamp", "a1", "--purge"}).code, 0);
  expect_healthy();
}

TEST_F(doctor, a_partial_migration_is_named_with_the_way_on) {
  const std::string steps =
      "revision = \"a1\"\ndown_revision = \"\"\ntransactional = false\n"
      "[[upgrade]]\nop = \"create_table\"\ntable = \"t1\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n"
      "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO nowhere VALUES (1)\"\n"
      "[[upgrade]]\nop = \"create_index\"\nname = \"ix_t1_id\"\ntable = \"t1\"\ncolumns = [\"id\"]\n";
  migration("1_a1.toml", steps);
  ASSERT_EQ(retort({"upgrade"}).code, 1);
  expect_finding("partial", "revision a1 (1_a1.toml) was left partial by an earlier upgrade: statements 1 to 1 of 3 took effect",
                 "fix the cause, then `retort upgrade --resume`; or undo what ran with `retort revert-partial`");
  std::string fixed = steps;
  fixed.replace(fixed.find("INSERT INTO nowhere"), 19, "INSERT INTO t1 (id)");
  migration("1_a1.toml", fixed);
  ASSERT_EQ(retort({"upgrade", "--resume"}).code, 0);
  expect_healthy();
}

TEST_F(doctor, drift_from_the_model_and_the_migration_that_ends_it) {
  migration("1_a1.toml", create_table_migration("a1", "", "users"));
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  expect_healthy();  // the model `init` wrote has no tables: nothing to compare
  write(dir / "migrations/schema.toml", "[[table]]\nname = \"users\"\ncolumns = [ { name = \"id\", type = \"integer\", "
                                        "primary_key = true }, { name = \"name\", type = \"text\" } ]\n"
                                        "[[table]]\nname = \"audit\"\ncolumns = [ { name = \"id\", type = \"integer\", "
                                        "primary_key = true } ]\n");
  expect_finding("drift", "the database differs from the model (migrations/schema.toml) in", "`retort revision --autogenerate -m MSG`");
  ASSERT_EQ(retort({"revision", "--autogenerate", "-m", "audit"}).code, 0);
  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  expect_healthy();
}

}  // namespace
}  // namespace retort_test
