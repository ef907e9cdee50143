// mysql_journal_test.cpp — MariaDB commits each DDL statement on its own: a migration that fails or
// is killed part-way is on record statement by statement, and the ways on (--resume, revert, the
// lock that keeps runners apart) work against the real server.
#include "mysql_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

namespace retort_test {
namespace {

/// Five operations, each one statement; the third, DML, fails while `third` says so.
std::string five_steps(const std::string& third) {
  return "revision = \"a1\"\ndown_revision = \"\"\n"
         "[[upgrade]]\nop = \"create_table\"\ntable = \"t1\"\n"
         "columns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n"
         "[[upgrade]]\nop = \"create_table\"\ntable = \"t2\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n"
         "[[upgrade]]\nop = \"sql\"\nsql = \"" + third + "\"\n"
         "[[upgrade]]\nop = \"create_index\"\nname = \"ix_t2_id\"\ntable = \"t2\"\ncolumns = [\"id\"]\n"
         "[[upgrade]]\nop = \"add_column\"\ntable = \"t2\"\ncolumn = { name = \"note\", type = \"string(20)\" }\n";
}

struct my_journal : my {
  std::vector<std::string> journal_rows() {
    return rows("SELECT CONCAT(revision, ' ', status, ' ', statements_done, '/', statements_total) FROM retort_history "
                "ORDER BY id");
  }
  std::vector<std::string> tables() {
    return rows("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT "
                "LIKE 'retort%' ORDER BY 1");
  }
  void fail_at_third() {
    migration("1_a1.toml", five_steps("INSERT INTO nowhere VALUES (1)"));
    auto r = retort({"upgrade"});
    ASSERT_EQ(r.code, 1) << r.err;
    EXPECT_TRUE(my_contains(r.err, "at statement 3 of 5")) << r.err;
    EXPECT_TRUE(my_contains(r.err, "[SQLSTATE 42S02, error 1146]")) << r.err;  // the server's error, its SQLSTATE and number
    EXPECT_TRUE(my_contains(r.err, "Statements 1 to 2 took effect")) << r.err;
    EXPECT_EQ(tables(), (std::vector<std::string>{"t1", "t2"}));
    EXPECT_EQ(journal_rows(), std::vector<std::string>{"a1 partial 2/5"});
    EXPECT_TRUE(versions().empty());
  }
};

TEST_F(my_journal, a_failure_at_statement_3_of_5_leaves_2_done_and_resume_completes_it) {
  fail_at_third();
  auto r = retort({"current"});
  EXPECT_TRUE(my_contains(r.err, "statements 1 to 2 of 5 took effect; statement 3 failed")) << r.err;
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(my_contains(r.err, "`retort upgrade --resume`")) << r.err;
  migration("1_a1.toml", five_steps("INSERT INTO t1 (id) VALUES (7)"));
  r = retort({"upgrade", "--resume"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT id FROM t1"), std::vector<std::string>{"7"});
  EXPECT_EQ(rows("SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name "
                 "= 't2'"),
            std::vector<std::string>{"ix_t2_id"});
  EXPECT_EQ(rows("SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = "
                 "'t2' ORDER BY ordinal_position"),
            (std::vector<std::string>{"id", "note"}));
  EXPECT_EQ(journal_rows(), (std::vector<std::string>{"a1 partial 2/5", "a1 applied 5/5"}));
}

TEST_F(my_journal, on_failure_revert_undoes_the_two_that_took_effect) {
  migration("1_a1.toml", five_steps("INSERT INTO nowhere VALUES (1)"));
  auto r = retort({"upgrade", "--on-failure=revert"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "Reverted revision a1: undid statements 1 to 2")) << r.err;
  EXPECT_TRUE(tables().empty());
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"a1 reverted 2/5"});
}

TEST_F(my_journal, revert_partial_after_the_run_that_failed) {
  fail_at_third();
  auto r = retort({"revert-partial"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(tables().empty());
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"a1 reverted 2/5"});
}

TEST_F(my_journal, a_migration_of_only_data_changes_runs_in_one_transaction) {
  ASSERT_EQ(sql_on(db, "CREATE TABLE d (id INT PRIMARY KEY)").code, 0);
  migration("1_a1.sql", "-- retort:revision a1\n-- retort:upgrade\nINSERT INTO d VALUES (1);\nINSERT INTO d VALUES (2);\n"
                        "INSERT INTO d VALUES (1);\n");
  auto r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "Duplicate entry")) << r.err;
  EXPECT_TRUE(rows("SELECT id FROM d").empty());  // rolled back with the failure
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"a1 failed 0/3"});
  EXPECT_EQ(retort({"upgrade"}).code, 1);  // nothing partial: it runs again, from the start
}

TEST_F(my_journal, killed_during_a_statement_the_next_run_waits_for_it_then_resumes_after_it) {
  // Statement 2 runs for 2 s; the runner is killed during it. The server finishes it anyway: the
  // next run waits for that (the lock on the statements' session), sees the table in the catalog,
  // and goes on with statement 3 without running statement 2 again.
  migration("1_a1.sql", "-- retort:revision a1\n-- retort:upgrade\nCREATE TABLE k1 (id INT);\n"
                        "CREATE TABLE k2 AS SELECT SLEEP(2) AS s;\nCREATE TABLE k3 (id INT);\n");
  {
    process victim(dir.path(), {"--url", url, "upgrade"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    ::kill(victim.pid(), SIGKILL);
    victim.wait();
  }
  auto now = retort({"current"});
  EXPECT_EQ(now.code, 0) << now.err;
  EXPECT_TRUE(my_contains(now.err, "statements 1 to 1 of 3 took effect; the run was interrupted, and statement 2")) << now.err;
  auto r = retort({"upgrade", "--resume"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tables(), (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_EQ(rows("SELECT COUNT(*) FROM k2"), std::vector<std::string>{"1"});
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(journal_rows(), (std::vector<std::string>{"a1 partial 1/3", "a1 applied 3/3"}));
  // A statement in doubt the catalog can tell about, once the server is done with it.
  now = retort({"current"});
  EXPECT_FALSE(my_contains(now.err, "partial")) << now.err;
}

TEST_F(my_journal, killed_between_statements_current_says_the_one_in_doubt_took_effect_once_the_server_is_done) {
  migration("1_a1.sql", "-- retort:revision a1\n-- retort:upgrade\nCREATE TABLE k1 AS SELECT SLEEP(1) AS s;\n"
                        "CREATE TABLE k2 (id INT);\n");
  {
    process victim(dir.path(), {"--url", url, "upgrade"});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(victim.pid(), SIGKILL);
    victim.wait();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the server finishes statement 1
  auto now = retort({"current"});
  EXPECT_TRUE(my_contains(now.err, "statement 1 did take effect")) << now.err;
  auto r = retort({"upgrade", "--resume"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tables(), (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(rows("SELECT COUNT(*) FROM k1"), std::vector<std::string>{"1"});
}

TEST_F(my_journal, revert_partial_after_a_kill_undoes_the_statement_in_doubt_when_the_catalog_shows_it_ran) {
  // Statement 2 builds an index on 1 000 000 rows; the runner is killed once statement 1 is on record.
  // What the journal counted, and the index once the server has finished it, is undone.
  ASSERT_EQ(sql_on(db, "CREATE TABLE big (id INT PRIMARY KEY, v INT) ENGINE=InnoDB").code, 0);
  ASSERT_EQ(sql_on(db, "INSERT INTO big SELECT seq, seq % 1000 FROM seq_1_to_1000000").code, 0);
  migration("1_a1.toml", "revision = \"a1\"\ndown_revision = \"\"\n"
                         "[[upgrade]]\nop = \"create_table\"\ntable = \"k1\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n"
                         "[[upgrade]]\nop = \"create_index\"\nname = \"ix_big_v\"\ntable = \"big\"\ncolumns = [\"v\"]\n"
                         "[[upgrade]]\nop = \"create_table\"\ntable = \"k2\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n");
  {
    process victim(dir.path(), {"--url", url, "upgrade"});
    // Until the journal says statement 1 took effect (the index build is then under way).
    auto journal_says = [&](const char* sql, const char* value) {
      for (int i = 0; i < 1000; ++i)
        if (sql_on(db, sql).out == std::string(value) + "\n") return true;
      return false;
    };
    EXPECT_TRUE(journal_says("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND "
                             "table_name = 'retort_history'",
                             "1"));
    EXPECT_TRUE(journal_says("SELECT COALESCE(MAX(statements_done), 0) FROM retort_history", "1"));
    ::kill(victim.pid(), SIGKILL);
    victim.wait();
  }
  EXPECT_EQ(journal_rows(), std::vector<std::string>{"a1 partial 1/3"});
  auto r = retort({"revert-partial"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tables(), std::vector<std::string>{"big"});
  EXPECT_TRUE(rows("SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND "
                   "index_name = 'ix_big_v'")
                  .empty());
  EXPECT_TRUE(my_contains(journal_rows().back(), "a1 reverted")) << journal_rows().back();
  ASSERT_EQ(retort({"upgrade"}).code, 0);  // and from the start, it runs whole
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(my_journal, eight_concurrent_runners_apply_each_migration_exactly_once) {
  ASSERT_EQ(sql_on(db, "CREATE TABLE marks (name VARCHAR(20))").code, 0);
  std::string parent;
  for (int i = 1; i <= 6; ++i) {
    const std::string id = "m" + std::to_string(i);
    migration(std::to_string(i) + "_" + id + ".sql",
              "-- retort:revision " + id + "\n" + (parent.empty() ? "" : "-- retort:down_revision " + parent + "\n") +
                  "-- retort:upgrade\nCREATE TABLE " + id + " (id INT);\nINSERT INTO marks VALUES ('" + id + "');\n");
    parent = id;
  }
  std::vector<std::unique_ptr<process>> runners;
  for (int i = 0; i < 8; ++i) runners.push_back(std::make_unique<process>(dir.path(), std::vector<std::string>{"--url", url, "upgrade"}));
  for (auto& p : runners) {
    auto r = p->wait();
    EXPECT_EQ(r.code, 0) << r.err;
  }
  EXPECT_EQ(versions(), std::vector<std::string>{"m6"});
  EXPECT_EQ(rows("SELECT name FROM marks ORDER BY 1"), (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5", "m6"}));
  EXPECT_EQ(rows("SELECT COUNT(*) FROM retort_history WHERE status = 'applied'"), std::vector<std::string>{"6"});
}

TEST_F(my_journal, no_error_shows_the_password) {
  // A server that is not there, a statement that fails, a lock that times out: none names the password.
  auto r = run(dir.path(), {"--url", "mysql://" + user + ":" + password + "@127.0.0.1:1/" + db, "current"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "127.0.0.1")) << r.err;
  EXPECT_FALSE(my_contains(r.out + r.err, password)) << r.err;
  migration("1_a1.toml", five_steps("INSERT INTO nowhere VALUES (1)"));
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(my_contains(r.out + r.err, password)) << r.err;
  r = retort({"current", "--json"});
  EXPECT_FALSE(my_contains(r.out + r.err, password)) << r.out;
  EXPECT_FALSE(my_contains(slurp(dir / "retort.toml"), password));
  for (const auto& row : rows("SELECT COALESCE(error, '') FROM retort_history")) EXPECT_FALSE(my_contains(row, password)) << row;
}

}  // namespace
}  // namespace retort_test
