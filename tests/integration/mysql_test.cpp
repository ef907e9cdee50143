// mysql_test.cpp — the MySQL dialect against a real MariaDB: URL handling and connection errors
// (the password never shown, the server's error number kept), a script with DELIMITER blocks run
// online, and MySQL's own spellings (ENUM-free types, prefix indexes) accepted by the server.
#include "autogenerate_tour.hpp"
#include "doctor_lock.hpp"
#include "example_check.hpp"
#include "mysql_fixture.hpp"
#include "plan_review.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

using namespace retort_test;

namespace {

TEST_F(my, a_wrong_password_is_refused_with_the_servers_words_and_without_the_password) {
  std::string bad = url;
  bad.replace(bad.find(":" + password + "@"), password.size() + 2, ":wrong-pw-4711@");
  auto r = run(dir.path(), {"--url", bad, "upgrade", "head"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "cannot connect to mysql://retort:***@" + host)) << r.err;
  EXPECT_TRUE(my_contains(r.err, "Access denied for user 'retort'")) << r.err;
  EXPECT_TRUE(my_contains(r.err, "[SQLSTATE 28000, error 1045]")) << r.err;
  EXPECT_FALSE(my_contains(r.all(), "wrong-pw-4711")) << r.all();
}

TEST_F(my, an_unknown_url_parameter_is_refused_naming_it) {
  auto r = run(dir.path(), {"--url", url + "?charset=utf8mb4&sslmod=require", "upgrade", "head"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(my_contains(r.err, "the URL parameter 'sslmod' is not one the mysql dialect knows")) << r.err;
  EXPECT_TRUE(my_contains(r.err, "ssl_mode")) << r.err;
  EXPECT_FALSE(my_contains(r.all(), password)) << r.all();
}

TEST_F(my, ssl_mode_required_is_refused_by_a_server_without_tls) {
  // The test server has no TLS set up (@@have_ssl is DISABLED).
  for (const char* mode : {"required", "verify_ca"}) {
    auto r = run(dir.path(), {"--url", url + "?ssl_mode=" + mode, "upgrade", "head"});
    EXPECT_EQ(r.code, 1) << mode << ": " << r.err;
    EXPECT_TRUE(my_contains(r.err, "cannot connect to mysql://retort:***@")) << r.err;
  }
  EXPECT_EQ(run(dir.path(), {"--url", url + "?sslmode=preferred", "upgrade", "head"}).code, 0);
}

TEST_F(my, a_unix_socket_a_percent_encoded_password_and_a_charset) {
  // A user whose password has every character a URL must encode, over the server's socket.
  const char* socket_dir = std::getenv("RETORT_TEST_MYTMP");
  ASSERT_TRUE(socket_dir) << "RETORT_TEST_MYTMP (the server's directory) is not set";
  // root, over the socket (unix_socket authentication): the test user may not grant.
  auto as_root = [&](const std::string& sql) {
    return process(dir.path(), {"--no-defaults", "--socket=" + std::string(socket_dir) + "/mysqld.sock", "-uroot", "-e", sql},
                   {}, "mariadb")
        .wait();
  };
  auto made = as_root("CREATE USER IF NOT EXISTS 'odd'@'localhost' IDENTIFIED BY 'p@ss:w/rd%?#'; "
                      "GRANT ALL PRIVILEGES ON " + db + ".* TO 'odd'@'localhost'");
  ASSERT_EQ(made.code, 0) << made.err;
  write(dir / "migrations/versions/1_cs.sql",
        "-- retort:revision cs1\n-- retort:upgrade\nCREATE TABLE cs AS SELECT @@character_set_connection AS c, "
        "CURRENT_USER() AS u;\n");
  const std::string socket_url = "mysql://odd:p%40ss%3Aw%2Frd%25%3F%23@localhost/" + db + "?unix_socket=" +
                                 std::string(socket_dir) + "/mysqld.sock&charset=latin1";
  auto r = run(dir.path(), {"--url", socket_url, "upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT CONCAT(c, ' ', u) FROM cs"), std::vector<std::string>{"latin1 odd@localhost"});
  r = run(dir.path(), {"--url", socket_url, "current", "-v"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(my_contains(r.out, "mysql://odd:***@localhost/")) << r.out;
  EXPECT_FALSE(my_contains(r.all(), "p@ss")) << r.all();
  as_root("DROP USER 'odd'@'localhost'");
}

TEST_F(my, a_lock_timeout_names_the_session_that_holds_the_lock) {
  // One runner holds the lock for 3 s; another, allowed 1 s, gives up naming it.
  write(dir / "migrations/versions/1_a.sql", "-- retort:revision a1\n-- retort:upgrade\nCREATE TABLE slow (id INT);\n"
                                              "SELECT SLEEP(3);\n");
  process first(dir.path(), {"--url", url, "upgrade"});
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  auto r = run(dir.path(), {"--url", url, "upgrade", "head", "--lock-timeout", "1s"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "the migration lock on mysql://retort:***@")) << r.err;
  EXPECT_TRUE(my_contains(r.err, "is held by connection ")) << r.err;
  EXPECT_TRUE(my_contains(r.err, "(user retort from 127.0.0.1")) << r.err;
  EXPECT_FALSE(my_contains(r.all(), password)) << r.all();
  EXPECT_EQ(first.wait().code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(my, doctor_names_the_connection_that_holds_the_lock_until_its_run_ends) {
  expect_doctor_names_the_lock_holder(*this, "CREATE TABLE slow (id INT);\nSELECT SLEEP(3);", "is held by connection ", password);
}

TEST_F(my, a_reviewed_plan_runs_as_planned_and_only_so) {
  expect_a_reviewed_plan_runs_as_planned_and_only_so(*this);
  // Without transactional DDL every statement commits on its own, and the plan says so.
  auto r = retort({"plan"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("b2 create orders  (1 statement outside a transaction, journaled)"), std::string::npos) << r.out;
}

TEST_F(my, test_runs_each_migration_on_a_database_of_its_own_and_drops_it) {
  write(dir / "migrations/versions/1_a.toml", create_table_migration("a1", "", "users"));
  write(dir / "migrations/versions/2_b.toml", create_table_migration("b2", "a1", "orders"));
  auto r = retort({"test"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(my_contains(r.out, "ok    a1  create users\nok    b2  create orders\n")) << r.out;
  EXPECT_TRUE(rows("SHOW TABLES").empty());  // the project's database: untouched
  EXPECT_EQ(rows("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'retort\\_test\\_%'"),
            std::vector<std::string>{"0"});
}

TEST_F(my, the_mariadb_scheme_and_a_driver_suffix_reach_the_same_dialect) {
  write(dir / "migrations/versions/1_a.toml", create_table_migration("a1", "", "things"));
  std::string alias = url;
  alias.replace(0, alias.find("://"), "mariadb+pymysql");
  auto r = run(dir.path(), {"--url", alias, "upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  r = run(dir.path(), {"--url", alias, "current", "-v"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(my_contains(r.all(), "MariaDB")) << r.all();
}

TEST_F(my, an_sql_migration_with_delimiter_blocks_runs_as_the_mysql_client_would_run_it) {
  write(dir / "migrations/versions/1_t.sql",
        "-- retort:revision t1\n-- retort:upgrade\n"
        "/*!40101 SET @saved_cs_client = @@character_set_client */;\n"
        "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT, seen INT NOT NULL DEFAULT 0) ENGINE=InnoDB;\n"
        "# a comment; with a semicolon\n"
        "DELIMITER //\n"
        "CREATE TRIGGER notes_seen BEFORE INSERT ON notes FOR EACH ROW\n"
        "BEGIN\n  SET NEW.seen = NEW.seen + 1;\n  SET NEW.body = CONCAT(NEW.body, ' -- kept; \\'quoted\\'');\nEND //\n"
        "DELIMITER ;\n"
        "INSERT INTO notes (id, body) VALUES (1, 'hi');\n"
        "-- retort:downgrade\nDROP TABLE notes;\n");
  // Offline, the trigger goes between DELIMITER lines, so the mariadb client runs the script as is.
  auto r = retort({"upgrade", "head", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(my_contains(r.out, "DELIMITER $$\nCREATE TRIGGER notes_seen")) << r.out;
  EXPECT_FALSE(my_contains(r.out, "BEGIN;\nCREATE TABLE notes")) << r.out;  // no transaction around DDL
  write(dir / "up.sql", r.out);
  auto script = process(dir.path(), {"--no-defaults", "-h", host, "-P", port, "-u", user, db, "-e", "source up.sql"},
                        {{"MYSQL_PWD", password}}, "mariadb")
                    .wait();
  ASSERT_EQ(script.code, 0) << script.err;
  EXPECT_EQ(rows("SELECT CONCAT(body, '|', seen) FROM notes"), std::vector<std::string>{"hi -- kept; 'quoted'|1"});
  EXPECT_EQ(versions(), std::vector<std::string>{"t1"});
  EXPECT_EQ(rows("SELECT CONCAT(status, ' ', statements_done) FROM retort_history"), std::vector<std::string>{"applied 4"});
  ASSERT_EQ(retort({"downgrade", "base"}).code, 0);
  r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT CONCAT(body, '|', seen) FROM notes"), std::vector<std::string>{"hi -- kept; 'quoted'|1"});
  r = retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'notes'"),
            std::vector<std::string>{"0"});
}

TEST_F(my, neutral_types_and_indexes_on_text_are_what_the_server_takes) {
  write(dir / "migrations/versions/1_d.toml", R"toml(revision = "d1"
[[upgrade]]
op = "create_table"
table = "docs"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "title", type = "string(255)", nullable = false },
  { name = "body", type = "text", server_default = "''" },
  { name = "meta", type = "json" },
  { name = "flag", type = "boolean", nullable = false, server_default = true },
  { name = "at", type = "timestamptz", server_default = "CURRENT_TIMESTAMP" },
  { name = "price", type = "numeric(12, 2)" },
  { name = "ref", type = "uuid" },
]
indexes = [ { name = "ix_docs_body", columns = ["body"] } ]
uniques = [ { name = "uq_docs_title_body", columns = ["title", "body"] } ]
)toml");
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(sql_on(db, "INSERT INTO docs (title, meta) VALUES ('a', '{\"k\": 1}')").code, 0);
  EXPECT_NE(sql_on(db, "INSERT INTO docs (title, meta) VALUES ('b', 'not json')").code, 0) << "JSON is checked";
  EXPECT_EQ(rows("SELECT CONCAT(flag, '|', body, '|', at IS NOT NULL) FROM docs"), std::vector<std::string>{"1||1"});
  EXPECT_EQ(rows("SELECT CONCAT(INDEX_NAME, ' ', COLUMN_NAME, ' ', COALESCE(SUB_PART, '-')) FROM information_schema.STATISTICS "
                 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'docs' ORDER BY INDEX_NAME, SEQ_IN_INDEX"),
            (std::vector<std::string>{"ix_docs_body body 191", "PRIMARY id -", "uq_docs_title_body title -",
                                      "uq_docs_title_body body 191"}));
  r = retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
}

TEST_F(my, a_migrations_lock_timeout_stops_a_statement_that_waits_for_another_sessions_lock) {
  ASSERT_EQ(sql_on(db, "CREATE TABLE held (id INT PRIMARY KEY)").code, 0);
  write(dir / "migrations/versions/1_h.toml", R"toml(revision = "h1"
lock_timeout = "1s"
statement_timeout = "30s"
[[upgrade]]
op = "sql"
sql = "ALTER TABLE held ADD COLUMN x INT"
)toml");
  // Another session holds the table while the migration wants to change it.
  process holder(dir.path(), {"--no-defaults", "-h", host, "-P", port, "-u", user, "-e", "LOCK TABLES held WRITE; SELECT SLEEP(4)", db},
                 {{"MYSQL_PWD", password}}, "mariadb");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = retort({"upgrade", "head"});
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "Lock wait timeout exceeded")) << r.err;
  EXPECT_LT(waited, std::chrono::seconds(3)) << "lock_wait_timeout = 1 s, not the server's day";
  EXPECT_EQ(holder.wait().code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{});
  EXPECT_EQ(rows("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'held'"),
            std::vector<std::string>{"1"})
      << "the ALTER did not run";
}

TEST_F(my, the_example_project_matches_its_model_and_a_change_is_reported) {
  expect_example_matches_its_model(dir.path(), url);
}

TEST_F(my, autogenerate_each_kind_of_change_goes_up_checks_clean_and_comes_down_with_its_rows) {
  autogenerate_tour(*this);
}

TEST_F(my, autogenerate_names_types_and_defaults_spelled_differently_are_no_difference) {
  expect_no_false_positives(*this);
}

TEST_F(my, autogenerate_twelve_rounds_of_random_changes_go_up_check_clean_and_come_down) {
  autogenerate_random_changes(*this, 2, 12);
}

TEST_F(my, autogenerate_keys_wait_for_the_columns_uniques_and_tables_they_need) {
  expect_keys_to_wait_for_what_they_need(*this);
}

TEST_F(my, autogenerate_an_enum_value_added_is_written) {
  expect_enum_changes_written(*this, true);
}

}  // namespace
