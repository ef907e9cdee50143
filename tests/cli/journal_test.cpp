// journal_test.cpp — a migration whose statements commit one by one (transactional = false) that
// fails part-way on SQLite: what the journal records, and the ways on (--resume, revert-partial,
// --on-failure=revert), each checked against the schema it leaves.
#include "cli_fixture.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

/// Five operations, each one statement; the third fails while `third` says so.
std::string five_steps(const std::string& third, const std::string& first_table = "t1") {
  return "revision = \"a1\"\ndown_revision = \"\"\ntransactional = false\n"
         "[[upgrade]]\nop = \"create_table\"\ntable = \"" + first_table + "\"\n"
         "columns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n"
         "[[upgrade]]\nop = \"create_table\"\ntable = \"t2\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n"
         "[[upgrade]]\nop = \"sql\"\nsql = \"" + third + "\"\n"
         "[[upgrade]]\nop = \"create_index\"\nname = \"ix_t2_id\"\ntable = \"t2\"\ncolumns = [\"id\"]\n"
         "[[upgrade]]\nop = \"add_column\"\ntable = \"t2\"\ncolumn = { name = \"note\", type = \"text\" }\n";
}
const char* failing = "INSERT INTO nowhere VALUES (1)";
const char* fixed = "INSERT INTO t1 (id) VALUES (7)";

struct journal : cli {
  std::vector<std::string> journal_rows() {
    return column(db, "SELECT status || ' ' || statements_done || '/' || statements_total FROM retort_history ORDER BY id");
  }
  std::vector<std::string> schema() {
    return column(db, "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'retort%' AND name NOT LIKE "
                      "'sqlite%' ORDER BY name");
  }
  void fail_at_third() {
    migration("1_a1.toml", five_steps(failing));
    auto r = retort({"upgrade"});
    ASSERT_EQ(r.code, 1) << r.err;
    EXPECT_TRUE(contains(r.err, "at statement 3 of 5")) << r.err;
    EXPECT_TRUE(contains(r.err, "Statements 1 to 2 took effect")) << r.err;
    // Exactly the two changes, on record as partial; the version table untouched.
    EXPECT_EQ(schema(), (std::vector<std::string>{"table t1", "table t2"}));
    EXPECT_EQ(journal_rows(), std::vector<std::string>{"partial 2/5"});
    EXPECT_TRUE(versions().empty());
  }
};

TEST_F(journal, a_failure_at_statement_3_of_5_is_recorded_and_resumed_after_the_fix) {
  fail_at_third();
  auto r = retort({"current"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.err, "revision a1 (1_a1.toml) was left partial by an earlier upgrade: statements 1 to 2 of 5 "
                              "took effect; statement 3 failed"))
      << r.err;
  r = retort({"current", "--json"});
  EXPECT_TRUE(contains(r.out, "\"partial\": [{\"revision\": \"a1\", \"direction\": \"up\", \"statements_done\": 2, "
                              "\"statements_total\": 5"))
      << r.out;
  r = retort({"upgrade", "--dry-run"});
  EXPECT_TRUE(contains(r.err, "revision a1 was left partial by an earlier run (2 of 5 statements took effect)")) << r.err;
  // The next run refuses to guess, changing nothing.
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "retort does not guess")) << r.err;
  EXPECT_TRUE(contains(r.err, "`retort upgrade --resume`")) << r.err;
  EXPECT_TRUE(contains(r.err, "`retort revert-partial`")) << r.err;
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"partial 2/5"});
  // Resuming before the fix fails at the same statement, and the journal still says 2.
  r = retort({"upgrade", "--resume"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "at statement 3 of 5")) << r.err;
  // Fixed: it goes on from statement 3 and runs 1 and 2 no more (they would fail: the tables exist).
  migration("1_a1.toml", five_steps(fixed));
  r = retort({"upgrade", "--resume"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(schema(), (std::vector<std::string>{"index ix_t2_id", "table t1", "table t2"}));
  EXPECT_EQ(column(db, "SELECT id FROM t1"), std::vector<std::string>{"7"});
  EXPECT_EQ(column(db, "SELECT name FROM pragma_table_info('t2') ORDER BY cid"), (std::vector<std::string>{"id", "note"}));
  EXPECT_EQ(journal_rows(), (std::vector<std::string>{"partial 2/5", "partial 2/5", "applied 5/5"}));
  EXPECT_EQ(retort({"upgrade"}).code, 0);  // nothing partial any more
}

TEST_F(journal, resume_refuses_when_a_statement_that_ran_has_changed) {
  fail_at_third();
  migration("1_a1.toml", five_steps(fixed, "t_renamed"));
  auto r = retort({"upgrade", "--resume"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "statements 1 to 2 of the migration are not the ones that ran")) << r.err;
  EXPECT_EQ(schema(), (std::vector<std::string>{"table t1", "table t2"}));
}

TEST_F(journal, revert_partial_undoes_what_took_effect) {
  fail_at_third();
  auto r = retort({"revert-partial"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out + r.err, "Reverted revision a1: undid statements 1 to 2")) << r.out << r.err;
  EXPECT_TRUE(schema().empty());
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"reverted 2/5"});
  // Nothing partial: the fixed migration runs from its first statement.
  migration("1_a1.toml", five_steps(fixed));
  r = retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(retort({"revert-partial"}).code, 0);  // nothing to do
}

TEST_F(journal, on_failure_revert_undoes_the_statements_of_the_failing_run) {
  migration("1_a1.toml", five_steps(failing));
  auto r = retort({"upgrade", "--on-failure=revert"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "at statement 3 of 5")) << r.err;
  EXPECT_TRUE(contains(r.err, "Reverted revision a1: undid statements 1 to 2")) << r.err;
  EXPECT_TRUE(schema().empty());
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"reverted 2/5"});
}

TEST_F(journal, on_failure_revert_on_the_next_run_reverts_the_partial_one_first) {
  fail_at_third();
  migration("1_a1.toml", five_steps(fixed));
  auto r = retort({"upgrade", "--on-failure=revert"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(journal_rows(), (std::vector<std::string>{"reverted 2/5", "applied 5/5"}));
}

TEST_F(journal, what_has_no_inverse_is_named_and_nothing_is_undone_until_done_by_hand) {
  // Statement 1 is raw SQL: retort cannot undo it, so it undoes nothing (a half-undone migration
  // would be on record as neither) and says how to go on.
  migration("1_a1.toml", "revision = \"a1\"\ndown_revision = \"\"\ntransactional = false\n"
                         "[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE raw (id INTEGER)\"\n"
                         "[[upgrade]]\nop = \"create_table\"\ntable = \"t2\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n"
                         "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO nowhere VALUES (1)\"\n");
  ASSERT_EQ(retort({"upgrade"}).code, 1);
  auto r = retort({"revert-partial"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "cannot be reverted by retort, so nothing was undone: statement 1 (sql): the operation "
                              "has no inverse"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "`retort revert-partial --by-hand`")) << r.err;
  EXPECT_EQ(schema(), (std::vector<std::string>{"table raw", "table t2"}));
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"partial 2/3"});
  // Undone by hand, and recorded: the row keeps why the migration stopped.
  exec(db, "DROP TABLE raw; DROP TABLE t2");
  r = retort({"revert-partial", "--by-hand"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"reverted 2/3"});
  EXPECT_TRUE(contains(column(db, "SELECT error FROM retort_history").at(0), "no such table: nowhere"));
  EXPECT_FALSE(contains(retort({"current"}).err, "left partial"));
}

TEST_F(journal, the_options_are_checked) {
  migration("1_a1.toml", five_steps(fixed));
  EXPECT_EQ(retort({"upgrade", "--resume", "--in-doubt=maybe"}).code, 2);
  EXPECT_EQ(retort({"upgrade", "--on-failure=explode"}).code, 2);
  EXPECT_EQ(retort({"upgrade", "--resume", "--on-failure=revert"}).code, 2);
  EXPECT_TRUE(!fs::exists(db) || tables(db).empty() || versions().empty());  // refused before connecting
  EXPECT_EQ(retort({"upgrade", "--in-doubt=skip"}).code, 2);  // only with --resume
  // With nothing partial, --resume is an ordinary run; the target stays a target.
  auto r = retort({"upgrade", "--resume", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(journal, an_offline_script_that_stops_part_way_leaves_the_journal_resume_goes_on_from) {
  // The script journals as the online run does: the sqlite3 shell stops at statement 3, and the
  // row it leaves is the one `upgrade --resume` checks and continues.
  migration("1_a1.toml", five_steps(failing));
  auto r = retort({"upgrade", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  write(dir / "up.sql", r.out);
  auto shell = process(dir.path(), {"-bail", db.string(), ".read up.sql"}, {}, "sqlite3").wait();
  EXPECT_NE(shell.code, 0);
  EXPECT_EQ(schema(), (std::vector<std::string>{"table t1", "table t2"}));
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"partial 2/5"});
  // The shell records no error: statement 3 is in doubt, and an INSERT leaves nothing in the
  // catalog to look at, so the user says what happened.
  migration("1_a1.toml", five_steps(fixed));
  r = retort({"upgrade", "--resume"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "statement 3 may or may not have taken effect")) << r.err;
  r = retort({"upgrade", "--resume", "--in-doubt=rerun"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(journal_rows(), (std::vector<std::string>{"partial 2/5", "applied 5/5"}));
  // Run whole, the script leaves what the online run leaves.
  write(dir / "up.sql", retort({"upgrade", "--sql"}).out);
  fs::remove(db);
  shell = process(dir.path(), {"-bail", db.string(), ".read up.sql"}, {}, "sqlite3").wait();
  ASSERT_EQ(shell.code, 0) << shell.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"applied 5/5"});
}

TEST_F(journal, a_history_table_from_before_statements_checksum_is_read_and_brought_up_to_date) {
  fail_at_third();
  // As an earlier retort left it: no statements_checksum column.
  exec(db, "ALTER TABLE retort_history DROP COLUMN statements_checksum");
  auto r = retort({"current"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "statements 1 to 2 of 5 took effect")) << r.err;
  // A run adds the column; the partial row has no checksum to check, so it cannot be resumed.
  migration("1_a1.toml", five_steps(fixed));
  r = retort({"upgrade", "--resume"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "recorded without their checksum")) << r.err;
  EXPECT_EQ(column(db, "SELECT count(*) FROM pragma_table_info('retort_history') WHERE name = 'statements_checksum'"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(retort({"revert-partial"}).code, 0);
  EXPECT_TRUE(schema().empty());
}

}  // namespace
}  // namespace retort_test
