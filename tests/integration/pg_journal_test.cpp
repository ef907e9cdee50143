// pg_journal_test.cpp — runs killed with SIGKILL at moments spread over a plan whose migrations
// have CREATE INDEX CONCURRENTLY segments and statements that commit one by one: after each kill,
// `current` tells what took effect and `upgrade --resume` finishes the plan, every statement run
// once and every index valid.
#include "pg_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <csignal>
#include <thread>

namespace retort_test {
namespace {

struct pg_journal : pg {
  void six_migrations() {
    sql_migration("1_a1.sql", "a1", "",
                  "CREATE TABLE big (id int, v int, w int);\n"
                  "INSERT INTO big SELECT g, g % 1000, g FROM generate_series(1, 200000) g;\n"
                  "CREATE TABLE marks (name text PRIMARY KEY);");
    sql_migration("2_b2.sql", "b2", "a1",
                  "CREATE INDEX CONCURRENTLY ix_big_v ON big (v);\nINSERT INTO marks VALUES ('b2');\n"
                  "CREATE INDEX CONCURRENTLY ix_big_w ON big (w);");
    sql_migration("3_c3.sql", "c3", "b2",
                  "ALTER TABLE big ADD COLUMN x int;\nUPDATE big SET x = id WHERE id % 10 = 0;\n"
                  "INSERT INTO marks VALUES ('c3');");
    sql_migration("4_d4.sql", "d4", "c3",
                  "CREATE UNIQUE INDEX CONCURRENTLY ix_big_id ON big (id);\nCREATE INDEX CONCURRENTLY ix_big_x ON big (x);");
    migration("5_e5.sql", "-- retort:revision e5\n-- retort:down_revision d4\n-- retort:transactional false\n"
                          "-- retort:upgrade\nCREATE TABLE side (id int);\nALTER TABLE side ADD COLUMN y int;\n"
                          "CREATE INDEX side_y ON side (y);\n");
    sql_migration("6_f6.sql", "f6", "e5",
                  "CREATE INDEX CONCURRENTLY ix_big_vw ON big (v, w);\nINSERT INTO marks VALUES ('f6');");
  }

  /// The plan finished: every migration recorded once as applied, each statement's effect there once.
  void expect_finished(const std::string& trial) {
    EXPECT_EQ(versions(), std::vector<std::string>{"f6"}) << trial;
    EXPECT_EQ(rows("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), std::vector<std::string>{"0"}) << trial;
    EXPECT_EQ(rows("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'retort%' ORDER BY 1"),
              (std::vector<std::string>{"ix_big_id", "ix_big_v", "ix_big_vw", "ix_big_w", "ix_big_x", "marks_pkey",
                                        "side_y"}))
        << trial;
    EXPECT_EQ(rows("SELECT name FROM marks ORDER BY 1"), (std::vector<std::string>{"b2", "c3", "f6"})) << trial;
    EXPECT_EQ(rows("SELECT count(*) FROM big"), std::vector<std::string>{"200000"}) << trial;
    EXPECT_EQ(rows("SELECT count(x) FROM big"), std::vector<std::string>{"20000"}) << trial;
    // The newest row of each revision says applied.
    EXPECT_EQ(rows("SELECT revision || ' ' || status FROM retort_history h WHERE id = (SELECT max(id) FROM "
                   "retort_history WHERE revision = h.revision) ORDER BY revision"),
              (std::vector<std::string>{"a1 applied", "b2 applied", "c3 applied", "d4 applied", "e5 applied",
                                        "f6 applied"}))
        << trial;
  }
  /// A database of its own for each trial (dropping one the killed run's backend may still be on
  /// would wait for it).
  void fresh_database(int trial) {
    db = db.substr(0, db.rfind("_k")) + "_k" + std::to_string(trial);
    ASSERT_EQ(sql_on("postgres", "DROP DATABASE IF EXISTS " + db).code, 0);
    auto r = sql_on("postgres", "CREATE DATABASE " + db);
    ASSERT_EQ(r.code, 0) << r.err;
    url = server() + "/" + db;
  }
};

TEST_F(pg_journal, killed_at_twenty_moments_the_next_run_resumes_and_finishes) {
  six_migrations();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = retort({"upgrade"});
  const auto whole = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.code, 0) << r.err;
  expect_finished("uninterrupted");
  int resumed_partials = 0;
  for (int k = 1; k <= 20; ++k) {
    fresh_database(k);
    const std::string trial = "killed after " + std::to_string(k) + "/21 of the plan's time";
    {
      process victim(dir.path(), {"--url", url, "upgrade"});
      std::this_thread::sleep_for(whole * k / 21);
      ::kill(victim.pid(), SIGKILL);
      victim.wait();
    }
    auto now = retort({"current"});
    EXPECT_EQ(now.code, 0) << trial << now.err;
    // Every statement here is either in a transaction or one the catalog can answer for.
    EXPECT_FALSE(contains(now.err, "may or may not")) << trial << now.err;
    if (contains(now.err, "left partial")) {
      ++resumed_partials;
      // Without --resume the run stops before anything runs.
      auto refused = retort({"upgrade"});
      EXPECT_EQ(refused.code, 2) << trial << refused.err;
    }
    r = retort({"upgrade", "--resume"});
    ASSERT_EQ(r.code, 0) << trial << "\ncurrent said: " << now.err << "\nupgrade --resume said: " << r.err;
    expect_finished(trial);
  }
  // The kills are spread so that most land inside a journaled migration.
  EXPECT_GE(resumed_partials, 5);
  std::cout << resumed_partials << " of 20 kills left a migration partial\n";
}

TEST_F(pg_journal, a_failed_concurrent_index_is_resumed_after_the_fix) {
  sql_migration("1_a1.sql", "a1", "",
                "CREATE TABLE d (id int);\nINSERT INTO d VALUES (1), (1);\nCREATE UNIQUE INDEX CONCURRENTLY ix_d ON d (id);\n"
                "CREATE INDEX CONCURRENTLY ix_d2 ON d (id);");
  auto r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "at statement 3 of 4")) << r.err;
  EXPECT_EQ(rows("SELECT status || ' ' || statements_done FROM retort_history"), std::vector<std::string>{"partial 2"});
  // The failed build leaves an invalid index behind; resuming clears it and builds it again.
  sql_on(db, "DELETE FROM d");
  r = retort({"upgrade", "--resume"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), std::vector<std::string>{"0"});
  EXPECT_EQ(rows("SELECT indexname FROM pg_indexes WHERE tablename = 'd' ORDER BY 1"),
            (std::vector<std::string>{"ix_d", "ix_d2"}));
}

TEST_F(pg_journal, thirty_thousand_statements_leave_one_journal_row_and_no_bloat) {
  // Each statement commits on its own, so the journal records each: in place, in one row, and
  // PostgreSQL's heap-only updates keep that row on one page (Atlas's ariga/atlas#2832 is the
  // failure this guards against: a row per statement).
  std::string body = "-- retort:revision big1\n-- retort:transactional false\n-- retort:upgrade\n";
  for (int i = 0; i < 30000; ++i) body += "SELECT " + std::to_string(i) + ";\n";
  migration("1_big.sql", body);
  auto r = retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT status || ' ' || statements_done FROM retort_history"), std::vector<std::string>{"applied 30000"});
  // The row stays the same size however many statements it counts (a chained checksum, not a list
  // of hashes, which is what grew Atlas's table to 30 GB): each version is ~200 bytes, and
  // heap-only updates let PostgreSQL prune them as it goes, to one 8 KB page on a quiet server. With
  // another session holding back the horizon they wait for VACUUM; even then the table stays
  // linear in the statements, a few MB at most.
  EXPECT_EQ(rows("SELECT pg_column_size(h.*) < 400 FROM retort_history h"), std::vector<std::string>{"t"});
  const auto size = rows("SELECT pg_relation_size('retort_history')").at(0);
  EXPECT_LT(std::stol(size), 16 << 20) << size << " bytes";
  std::cout << "30 000 journaled statements: retort_history is " << size << " bytes\n";
}

}  // namespace
}  // namespace retort_test
