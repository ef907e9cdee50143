// pg_test.cpp — the retort binary against a real PostgreSQL 15: transactional DDL rolled back on
// failure with the SQLSTATE, eight runners at once, CREATE INDEX CONCURRENTLY among transactional
// statements, the lock holder named on timeout, a runner killed mid-migration, and passwords that
// never show. Each test works in a database of its own.
#include "autogenerate_tour.hpp"
#include "doctor_lock.hpp"
#include "example_check.hpp"
#include "pg_fixture.hpp"
#include "plan_review.hpp"

#include <csignal>
#include <cstdlib>
#include <sstream>
#include <thread>

using namespace retort_test;


TEST_F(pg, the_example_project_up_and_down) {
  const std::string project = std::string(RETORT_SOURCE_DIR) + "/migrations/retort.toml";
  auto r = retort({"-c", project, "upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"d8a2b5c9e346"});
  for (const char* t : {"users", "cases", "case_members", "documents", "document_chunks"}) EXPECT_TRUE(has_table(t)) << t;
  // Identity columns for autoincrement, JSON-free neutral types rendered natively.
  EXPECT_EQ(rows("SELECT is_identity FROM information_schema.columns WHERE table_name = 'documents' AND column_name = 'id'"),
            std::vector<std::string>{"YES"});
  EXPECT_EQ(rows("SELECT count(*) FROM retort_history WHERE direction = 'up' AND status = 'applied'"),
            std::vector<std::string>{"7"});
  r = retort({"-c", project, "downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(versions().empty());
  EXPECT_EQ(rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"),
            (std::vector<std::string>{"retort_history", "retort_version"}));
}

TEST_F(pg, a_failure_rolls_the_migration_back_with_the_sqlstate) {
  sql_migration("1_a.sql", "a1", "", "CREATE TABLE kept (id int);", "DROP TABLE kept;");
  sql_migration("2_b.sql", "b2", "a1", "CREATE TABLE half (id int);\nALTER TABLE half ADD COLUMN x int;\nINSERT INTO nowhere VALUES (1);");
  auto r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "revision b2")) << r.err;
  EXPECT_TRUE(contains(r.err, "statement 3 of 3")) << r.err;
  EXPECT_TRUE(contains(r.err, "relation \"nowhere\" does not exist")) << r.err;
  EXPECT_TRUE(contains(r.err, "[SQLSTATE 42P01]")) << r.err;
  // Transactional DDL: b2's table and column are gone with the transaction; a1 stays.
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_TRUE(has_table("kept"));
  EXPECT_FALSE(has_table("half"));
  EXPECT_EQ(rows("SELECT revision || ':' || status FROM retort_history ORDER BY id"),
            (std::vector<std::string>{"a1:applied", "b2:failed"}));
}

TEST_F(pg, eight_runners_at_once_apply_each_migration_once) {
  const int n = 30;
  std::string parent;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%012x", i + 1);
    migration(std::string("20260101_") + id + ".toml", create_table_migration(id, parent, "t" + std::to_string(i)));
    parent = id;
  }
  std::vector<std::unique_ptr<process>> runners;
  for (int i = 0; i < 8; ++i) runners.push_back(std::make_unique<process>(dir.path(), std::vector<std::string>{"--url", url, "upgrade", "head"}));
  int ran = 0;
  for (auto& p : runners) {
    auto r = p->wait();
    EXPECT_EQ(r.code, 0) << r.err;
    if (auto at = r.err.find("Upgraded "); at != std::string::npos) ran += std::stoi(r.err.substr(at + 9));
  }
  EXPECT_EQ(ran, n);
  EXPECT_EQ(versions(), std::vector<std::string>{parent});
  EXPECT_EQ(rows("SELECT count(*) || '/' || count(DISTINCT revision) FROM retort_history WHERE direction = 'up' AND status = 'applied'"),
            std::vector<std::string>{std::to_string(n) + "/" + std::to_string(n)});
}

TEST_F(pg, create_index_concurrently_runs_in_a_segment_of_its_own) {
  sql_migration("1_a.sql", "a1", "",
                "CREATE TABLE big (id int, v text);\n"
                "INSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 1000) g;\n"
                "CREATE INDEX CONCURRENTLY ix_big_v ON big (v);\n"
                "CREATE TABLE after_index (x int);",
                "DROP TABLE after_index;\nDROP INDEX CONCURRENTLY ix_big_v;\nDROP TABLE big;");
  auto r = retort({"upgrade", "--atomic"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--atomic cannot hold revision a1")) << r.err;
  EXPECT_FALSE(has_table("big"));
  r = retort({"upgrade", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  // The index alone, with the journal's progress after it; the statements around it in transactions.
  EXPECT_TRUE(contains(r.out, "COMMIT;\nCREATE INDEX CONCURRENTLY ix_big_v ON big (v);\nUPDATE \"retort_history\" SET "
                              "\"statements_done\" = 3"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\nBEGIN;\nCREATE TABLE after_index")) << r.out;
  // psql runs the script as the online run would, journal included.
  write(dir / "up.sql", r.out);
  auto script = process(dir.path(), {"-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", "up.sql"}, {}, "psql").wait();
  ASSERT_EQ(script.code, 0) << script.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT status || ' ' || statements_done FROM retort_history"), std::vector<std::string>{"applied 4"});
  EXPECT_EQ(rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_big_v'::regclass"), std::vector<std::string>{"t"});
  ASSERT_EQ(retort({"downgrade", "base"}).code, 0);
  r = retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_big_v'::regclass"), std::vector<std::string>{"t"});
  EXPECT_TRUE(has_table("after_index"));
  r = retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(has_table("big"));
}

TEST_F(pg, doctor_names_the_session_that_holds_the_lock_until_its_run_ends) {
  expect_doctor_names_the_lock_holder(*this, "CREATE TABLE slow (id int);\nSELECT pg_sleep(3);", "pid ", "retort-test-pw");
}

TEST_F(pg, a_reviewed_plan_runs_as_planned_and_only_so) { expect_a_reviewed_plan_runs_as_planned_and_only_so(*this); }

TEST_F(pg, a_reviewed_plan_keeps_a_concurrent_index_in_a_segment_of_its_own) {
  sql_migration("1_a.sql", "a1", "", "CREATE TABLE big (id int, v text);\nCREATE INDEX CONCURRENTLY ix_big_v ON big (v);",
                "DROP INDEX CONCURRENTLY ix_big_v;\nDROP TABLE big;");
  const auto file = dir / "plan.json";
  auto r = retort({"plan", "-o", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "1. up   a1   (1 statement outside a transaction, journaled)")) << r.out;
  EXPECT_TRUE(contains(r.out, "CREATE INDEX CONCURRENTLY ix_big_v ON big (v)\n                          ! outside a "
                              "transaction: commits on its own"))
      << r.out;
  const auto planned = planned_statements(dir.path(), file);
  ASSERT_EQ(planned.size(), 2u);
  EXPECT_EQ(planned[0], "a1|true|sql||\"CREATE TABLE big (id int, v text)\"");
  EXPECT_EQ(planned[1], "a1|false|sql||\"CREATE INDEX CONCURRENTLY ix_big_v ON big (v)\"");
  r = retort({"apply", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_big_v'::regclass"), std::vector<std::string>{"t"});
  EXPECT_EQ(r.all().find("retort-test-pw"), std::string::npos);
  EXPECT_EQ(slurp(file).find("retort-test-pw"), std::string::npos);
}

TEST_F(pg, test_runs_each_migration_on_a_database_of_its_own_and_drops_it) {
  migration("1_a.toml", create_table_migration("a1", "", "users"));
  migration("2_b.toml", create_table_migration("b2", "a1", "orders"));
  auto r = retort({"test"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "ok    a1  create users\nok    b2  create orders\n")) << r.out;
  EXPECT_TRUE(contains(r.err, "on a throw-away database, postgresql://retort:***@")) << r.err;
  EXPECT_FALSE(has_table("users"));  // the project's database: untouched
  EXPECT_EQ(rows("SELECT count(*) FROM pg_database WHERE datname LIKE 'retort_test_%'"), std::vector<std::string>{"0"});
}

TEST_F(pg, backup_is_refused_before_anything_changes) {
  migration("1_a.toml", create_table_migration("a1", "", "users"));
  auto r = retort({"upgrade", "--backup", (dir / "copy").string()});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "this database has no backup of its own in retort")) << r.err;
  EXPECT_FALSE(has_table("users"));
  EXPECT_FALSE(has_table("retort_version"));
}

TEST_F(pg, a_lock_timeout_names_the_holder) {
  sql_migration("1_a.sql", "a1", "", "CREATE TABLE slow (id int);\nSELECT pg_sleep(3);", "DROP TABLE slow;");
  process first(dir.path(), {"--url", url, "upgrade"});
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  auto second = retort({"upgrade", "--lock-timeout", "0.5"});
  EXPECT_EQ(second.code, 1) << second.err;
  EXPECT_TRUE(contains(second.err, "the migration lock on")) << second.err;
  EXPECT_TRUE(contains(second.err, "application_name 'retort'")) << second.err;
  EXPECT_TRUE(contains(second.err, "pid ")) << second.err;
  EXPECT_FALSE(contains(second.all(), "retort-test-pw")) << second.all();
  auto r = first.wait();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(pg, a_runner_killed_mid_migration_leaves_no_trace_and_the_next_run_completes) {
  sql_migration("1_a.sql", "a1", "", "CREATE TABLE first (id int);", "DROP TABLE first;");
  sql_migration("2_b.sql", "b2", "a1", "CREATE TABLE second (id int);\nSELECT pg_sleep(2);", "DROP TABLE second;");
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  process victim(dir.path(), {"--url", url, "upgrade"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ::kill(victim.pid(), SIGKILL);
  EXPECT_EQ(victim.wait().code, 128 + SIGKILL);
  // The server rolls the dead session's transaction back: still at a1, no half-made table.
  for (int i = 0; i < 50 && !rows("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_FALSE(has_table("second"));
  auto r = retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  EXPECT_TRUE(has_table("second"));
}

TEST_F(pg, passwords_are_redacted_in_connection_failures) {
  std::string wrong = server();
  wrong.replace(wrong.find("retort-test-pw"), std::string("retort-test-pw").size(), "N0t%2Fthe%40pw");
  auto r = run(dir.path(), {"current"}, {{"DATABASE_URL", wrong + "/" + db}});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "password authentication failed")) << r.err;
  EXPECT_TRUE(contains(r.err, "retort:***@127.0.0.1")) << r.err;
  EXPECT_FALSE(contains(r.all(), "N0t")) << r.all();
  // And in errors after connecting.
  sql_migration("1_a.sql", "a1", "", "SELECT no_such_function();");
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(contains(r.all(), "retort-test-pw")) << r.all();
  EXPECT_TRUE(rows("SELECT error FROM retort_history WHERE error LIKE '%retort-test-pw%'").empty());
}

TEST_F(pg, a_migration_stuck_behind_a_table_lock_fails_cleanly_at_its_lock_timeout) {
  sql_migration("1_a.sql", "a1", "", "CREATE TABLE busy (id int);", "DROP TABLE busy;");
  sql_migration("2_b.sql", "b2", "a1", "ALTER TABLE busy ADD COLUMN x int;", "ALTER TABLE busy DROP COLUMN x;");
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  write(dir / "retort.toml", slurp(dir / "retort.toml") + "lock_timeout = \"300ms\"\n");
  // Another session holds the table while it sleeps.
  process holder(dir.path(), {"-X", "-q", server() + "/" + db, "-c", "BEGIN; LOCK TABLE busy; SELECT pg_sleep(4); COMMIT;"}, {}, "psql");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto started = std::chrono::steady_clock::now();
  auto r = retort({"upgrade"});
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "lock timeout")) << r.err;
  EXPECT_TRUE(contains(r.err, "[SQLSTATE 55P03]")) << r.err;
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
  holder.wait();
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'x'"),
            std::vector<std::string>{"0"});
  // The script shows the guard.
  r = retort({"upgrade", "a1:b2", "--sql"});
  EXPECT_TRUE(contains(r.out, "SET lock_timeout = '300ms';")) << r.out;
  // Once the lock is gone, it completes.
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(pg, the_schema_setting_holds_the_tables_and_is_the_search_path) {
  write(dir / "retort.toml", slurp(dir / "retort.toml") + "schema = \"app\"\n");
  migration("1_a.toml", create_table_migration("a1", "", "things"));
  auto r = retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename IN ('things', 'retort_version', "
                 "'retort_history') ORDER BY 1"),
            (std::vector<std::string>{"app.retort_history", "app.retort_version", "app.things"}));
  r = retort({"current"});
  EXPECT_EQ(r.out, "a1 (head)\n") << r.err;
}

TEST_F(pg, a_runner_killed_in_a_non_transactional_migration_leaves_a_journal) {
  migration("1_a.sql", "-- retort:revision a1\n-- retort:transactional false\n-- retort:upgrade\n"
                       "CREATE TABLE one (id int);\nSELECT pg_sleep(3);\nCREATE TABLE two (id int);\n");
  process victim(dir.path(), {"--url", url, "upgrade"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ::kill(victim.pid(), SIGKILL);
  victim.wait();
  // Statement 1 committed on its own, statement 2 was under way: the journal says exactly that.
  EXPECT_TRUE(versions().empty());
  EXPECT_TRUE(has_table("one"));
  EXPECT_FALSE(has_table("two"));
  EXPECT_EQ(rows("SELECT revision || ' ' || status || ' ' || statements_done || '/' || statements_total FROM retort_history"),
            std::vector<std::string>{"a1 partial 1/3"});
  auto r = retort({"current"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.err, "revision a1 (1_a.sql) was left partial by an earlier upgrade: statements 1 to 1 of 3 "
                              "took effect; the run was interrupted, and statement 2 may or may not have taken effect"))
      << r.err;
  // The next run does not guess: it stops before anything runs and says the ways on.
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "`retort upgrade --resume`")) << r.err;
  EXPECT_TRUE(contains(r.err, "`retort revert-partial`")) << r.err;
  // A SELECT leaves nothing in the catalog to look at: the user says.
  r = retort({"upgrade", "--resume"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "--resume --in-doubt=rerun")) << r.err;
  r = retort({"upgrade", "--resume", "--in-doubt=rerun"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has_table("two"));
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(rows("SELECT status || ' ' || statements_done || '/' || statements_total FROM retort_history ORDER BY id"),
            (std::vector<std::string>{"partial 1/3", "applied 3/3"}));
}

TEST_F(pg, a_failed_segment_counts_only_what_committed) {
  sql_migration("1_a.sql", "a1", "",
                "CREATE TABLE p1 (id int);\nINSERT INTO nowhere VALUES (1);\nCREATE INDEX CONCURRENTLY ix_p1 ON p1 (id);");
  auto r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(contains(r.err, "stay applied")) << r.err;  // the failed segment's CREATE TABLE went with it
  EXPECT_FALSE(has_table("p1"));
  EXPECT_EQ(rows("SELECT status || ' ' || statements_done FROM retort_history"), std::vector<std::string>{"failed 0"});
  r = retort({"upgrade", "--sql", "--atomic"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--atomic cannot hold revision a1")) << r.err;
}

TEST_F(pg, url_forms_socket_directory_and_libpq_parameters) {
  const char* socket_dir = std::getenv("RETORT_TEST_PGTMP");
  ASSERT_TRUE(socket_dir) << "RETORT_TEST_PGTMP (the server's socket directory) is not set";
  const std::string port = server().substr(server().rfind(':') + 1);
  // A socket directory as the host, percent-encoded; local connections are trusted here.
  std::string encoded;
  for (char c : std::string(socket_dir)) encoded += c == '/' ? std::string("%2F") : std::string(1, c);
  migration("1_a.toml", create_table_migration("a1", "", "via_socket"));
  auto r = run(dir.path(), {"--url", "postgresql://retort@" + encoded + ":" + port + "/" + db, "upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has_table("via_socket"));
  // libpq parameters pass through: this server has no SSL, so sslmode=require is refused by libpq.
  r = run(dir.path(), {"--url", url + "?sslmode=require", "current"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "SSL")) << r.err;
  r = run(dir.path(), {"--url", url + "?sslmode=disable&application_name=ci-check", "current"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "a1 (head)\n");
}

TEST_F(pg, statement_timeout_per_migration_and_the_servers_detail) {
  migration("1_a.toml", "revision = \"a1\"\nstatement_timeout = \"200ms\"\n[[upgrade]]\nop = \"sql\"\nsql = \"SELECT pg_sleep(3)\"\n");
  auto started = std::chrono::steady_clock::now();
  auto r = retort({"upgrade"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "canceling statement due to statement timeout")) << r.err;
  EXPECT_TRUE(contains(r.err, "[SQLSTATE 57014]")) << r.err;
  fs::remove(dir / "migrations/versions/1_a.toml");
  sql_migration("1_b.sql", "b1", "", "CREATE TABLE u (x int UNIQUE);\nINSERT INTO u VALUES (1), (1);");
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "DETAIL:  Key (x)=(1) already exists.")) << r.err;
  EXPECT_TRUE(contains(r.err, "[SQLSTATE 23505]")) << r.err;
}

TEST_F(pg, the_example_project_matches_its_model_and_a_change_is_reported) {
  expect_example_matches_its_model(dir.path(), url);
}

TEST_F(pg, autogenerate_each_kind_of_change_goes_up_checks_clean_and_comes_down_with_its_rows) {
  autogenerate_tour(*this);
}

TEST_F(pg, autogenerate_names_types_and_defaults_spelled_differently_are_no_difference) {
  expect_no_false_positives(*this);
}

TEST_F(pg, autogenerate_twelve_rounds_of_random_changes_go_up_check_clean_and_come_down) {
  autogenerate_random_changes(*this, 2, 12);
}

TEST_F(pg, autogenerate_keys_wait_for_the_columns_uniques_and_tables_they_need) {
  expect_keys_to_wait_for_what_they_need(*this);
}

TEST_F(pg, autogenerate_an_enum_value_added_is_written) {
  expect_enum_changes_written(*this, false);
}
