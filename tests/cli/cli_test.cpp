// cli_test.cpp — the retort binary end to end: the commands a user runs, the database they leave,
// exit codes and messages for bad input, and passwords that never show.
#include "cli_fixture.hpp"

#include <algorithm>
#include <chrono>

using namespace retort_test;


TEST_F(cli, init_revision_upgrade_current_downgrade_history_stamp) {
  EXPECT_TRUE(fs::exists(dir / "retort.toml"));
  EXPECT_TRUE(fs::is_directory(dir / "migrations/versions"));
  EXPECT_EQ(retort({"init", "migrations"}).code, 2);  // does not overwrite

  auto r = retort({"revision", "-m", "create users", "--rev-id", "u1"});
  ASSERT_EQ(r.code, 0) << r.err;
  fs::path first = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(contains(first.filename().string(), "_u1_create_users.toml")) << first;
  // Fill in the operations, as a user would.
  write(first, slurp(first) + "[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [\n"
                              "  { name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true },\n"
                              "  { name = \"email\", type = \"string(255)\", nullable = false },\n]\n");
  r = retort({"revision", "-m", "add notes", "--sql", "--rev-id", "n2"});
  ASSERT_EQ(r.code, 0) << r.err;
  fs::path second = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(second.extension(), ".sql");
  std::string text = slurp(second);
  EXPECT_TRUE(contains(text, "-- retort:down_revision u1")) << text;
  text.replace(text.find("-- retort:downgrade"), 0, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n");
  text += "DROP TABLE notes;\n";
  write(second, text);

  r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Upgraded 2 migration(s)")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"n2"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"notes", "retort_history", "retort_version", "users"}));

  r = retort({"current"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "n2 (head)\n");

  r = retort({"downgrade", "-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"u1"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version", "users"}));

  r = retort({"history", "-i"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "u1 -> n2 (head), add notes\n<base> -> u1 (current), create users\n");

  r = retort({"stamp", "n2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"n2"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version", "users"}));  // nothing ran

  r = retort({"stamp", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(versions().empty());

  EXPECT_EQ(history(), (std::vector<std::vector<std::string>>{{"u1", "up", "applied"},
                                                               {"n2", "up", "applied"},
                                                               {"n2", "down", "applied"},
                                                               {"n2", "stamp", "applied"}}));
  // Checksums are the SHA-256 of the files.
  auto sums = column(db, "SELECT checksum FROM retort_history WHERE revision = 'u1'");
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].size(), 64u);
}

TEST_F(cli, downgrade_targets_and_base) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
  ASSERT_EQ(retort({"downgrade", "a1"}).code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version", "users"}));
  ASSERT_EQ(retort({"upgrade", "+1"}).code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  ASSERT_EQ(retort({"downgrade", "base"}).code, 0);
  EXPECT_TRUE(versions().empty());
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version"}));
  auto r = retort({"downgrade", "-1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "past base")) << r.err;
  r = retort({"upgrade", "c3+1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "past head")) << r.err;
}

TEST_F(cli, offline_sql_is_what_runs_online) {
  three_migrations();
  auto r = retort({"upgrade", "head", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(db));  // offline: nothing connected
  const std::string& script = r.out;
  EXPECT_TRUE(contains(script, "CREATE TABLE \"retort_version\""));
  EXPECT_TRUE(contains(script, "INSERT INTO \"retort_version\" (\"version_num\") VALUES ('a1');"));
  EXPECT_TRUE(contains(script, "UPDATE \"retort_version\" SET \"version_num\" = 'c3' WHERE \"version_num\" = 'b2';"));
  EXPECT_EQ(std::count(script.begin(), script.end(), '\n') > 10, true);
  auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (auto p = script.find(s); p != std::string::npos; p = script.find(s, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("BEGIN;"), 3u);
  EXPECT_EQ(count("COMMIT;"), 3u);

  // The script, run by SQLite itself, leaves the same schema and versions as the online run.
  fs::path offline_db = dir / "offline.db";
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(offline_db.c_str(), &h), SQLITE_OK);
    char* msg = nullptr;
    EXPECT_EQ(sqlite3_exec(h, script.c_str(), nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(h);
  }
  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  const std::string schema_sql = "SELECT type, name, sql FROM sqlite_master ORDER BY name";
  EXPECT_EQ(query(offline_db, schema_sql), query(db, schema_sql));
  EXPECT_EQ(column(offline_db, "SELECT version_num FROM retort_version"), versions());

  r = retort({"upgrade", "head", "--sql", "--atomic"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out.find("BEGIN;"), r.out.rfind("BEGIN;"));  // one transaction for all

  r = retort({"upgrade", "a1:c3", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(contains(r.out, "CREATE TABLE \"retort_version\""));
  EXPECT_FALSE(contains(r.out, "CREATE TABLE \"users\""));
  EXPECT_TRUE(contains(r.out, "CREATE TABLE documents"));

  r = retort({"downgrade", "c3:a1", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "DROP INDEX \"ix_documents_title\";"));
  EXPECT_TRUE(contains(r.out, "DROP TABLE documents;"));
  EXPECT_TRUE(contains(r.out, "UPDATE \"retort_version\" SET \"version_num\" = 'a1' WHERE \"version_num\" = 'b2';"));
}

TEST_F(cli, dry_run_prints_the_plan_and_changes_nothing) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  auto r = retort({"upgrade", "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "BEGIN;"));
  EXPECT_TRUE(contains(r.out, "CREATE TABLE documents"));
  EXPECT_FALSE(contains(r.out, "CREATE TABLE \"users\""));
  EXPECT_TRUE(contains(r.err, "2 migration(s) to run"));
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(cli, a_failed_migration_rolls_back_and_is_recorded) {
  three_migrations();
  migration("20260101_0003_d4_broken.sql",
            "-- retort:revision d4\n-- retort:down_revision c3\n-- retort:message broken\n-- retort:upgrade\n"
            "CREATE TABLE audit (id INTEGER PRIMARY KEY);\nALTER TABLE audit ADD COLUMN x INTEGER;\n"
            "INSERT INTO missing_table VALUES (1);\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "revision d4")) << r.err;
  EXPECT_TRUE(contains(r.err, "statement 3 of 3")) << r.err;
  EXPECT_TRUE(contains(r.err, "INSERT INTO missing_table")) << r.err;
  EXPECT_TRUE(contains(r.err, "no such table: missing_table")) << r.err;
  // The three good migrations stay; d4 left no table behind, and its failure is in the history.
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"documents", "retort_history", "retort_version", "users"}));
  auto h = history();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h.back(), (std::vector<std::string>{"d4", "up", "failed"}));
  // `current` tells about it.
  r = retort({"current"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "c3\n");
  EXPECT_TRUE(contains(r.err, "the last run of revision d4 ended 'failed'")) << r.err;
}

TEST_F(cli, a_failure_in_atomic_mode_rolls_back_everything) {
  three_migrations();
  migration("20260101_0003_d4_broken.sql",
            "-- retort:revision d4\n-- retort:down_revision c3\n-- retort:upgrade\nSELECT * FROM nowhere;\n");
  auto r = retort({"upgrade", "--atomic"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(versions().empty());
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version"}));
  EXPECT_EQ(history(), (std::vector<std::vector<std::string>>{{"d4", "up", "failed"}}));
}

TEST_F(cli, bad_input_is_exit_2_with_the_place_named_and_nothing_written) {
  three_migrations();
  // A typo in an operation's field: file, line and field, before anything is written.
  migration("20260101_0003_d4_typo.toml",
            "revision = \"d4\"\ndown_revision = \"c3\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\n"
            "column = { name = \"age\", typ = \"integer\" }\n");
  auto r = retort({"upgrade"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "20260101_0003_d4_typo.toml:6")) << r.err;
  EXPECT_TRUE(contains(r.err, "'typ'")) << r.err;
  EXPECT_FALSE(fs::exists(db) && !tables(db).empty()) << "the database was written to";
  fs::remove(dir / "migrations/versions/20260101_0003_d4_typo.toml");

  // A broken graph names the file and the missing parent.
  migration("20260101_0004_e5_orphan.toml", "revision = \"e5\"\ndown_revision = \"zz\"\n");
  r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "20260101_0004_e5_orphan.toml")) << r.err;
  EXPECT_TRUE(contains(r.err, "'zz'")) << r.err;
  fs::remove(dir / "migrations/versions/20260101_0004_e5_orphan.toml");

  r = retort({"upgrade", "nope"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "no revision 'nope'")) << r.err;
  r = retort({"upgrade", "--frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "frobnicate")) << r.err;
  r = retort({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "unknown command 'frobnicate'")) << r.err;
  r = retort({"--url", "oracle://scott@h/db", "current"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "unknown URL scheme 'oracle'")) << r.err;
  EXPECT_TRUE(contains(r.err, "sqlite")) << r.err;
  r = retort({"--url", "not a url", "current"});
  EXPECT_EQ(r.code, 2);
  write(dir / "retort.toml", "script_location = \"migrations\"\nversion_tabel = \"x\"\n");
  r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort.toml:2")) << r.err;
  EXPECT_TRUE(contains(r.err, "version_tabel")) << r.err;
  fs::remove(dir / "retort.toml");
  r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "no retort.toml")) << r.err;
}

TEST_F(cli, an_irreversible_downgrade_says_so_before_anything_runs) {
  three_migrations();
  migration("20260101_0003_d4_raw.toml",
            "revision = \"d4\"\ndown_revision = \"c3\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE raw (x int)\"\n");
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  auto r = retort({"downgrade", "base"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "revision d4")) << r.err;
  EXPECT_TRUE(contains(r.err, "cannot be downgraded")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"d4"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"documents", "raw", "retort_history", "retort_version", "users"}));
}

TEST_F(cli, several_heads_are_named_and_upgrade_heads_applies_them_all) {
  migration("1_a.toml", create_table_migration("a1", "", "t1"));
  migration("2_b.toml", create_table_migration("b2", "a1", "t2"));
  migration("3_c.toml", create_table_migration("c3", "a1", "t3"));
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "b2") && contains(r.err, "c3")) << r.err;
  r = retort({"revision", "-m", "next"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--head")) << r.err;
  ASSERT_EQ(retort({"upgrade", "heads"}).code, 0);
  EXPECT_EQ(versions(), (std::vector<std::string>{"b2", "c3"}));
  r = retort({"merge", "heads", "-m", "join", "--rev-id", "m4"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{"m4"});
  r = retort({"heads"});
  EXPECT_EQ(r.out, "m4 (head) (mergepoint)\n");
}

TEST_F(cli, passwords_never_show) {
  three_migrations();
  // A server that is not there: the connection error shows the URL, redacted.
  auto r = retort({"current"}, {{"DATABASE_URL", "postgresql://app:Tr0ub4dor%263@127.0.0.1:1/app"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "postgresql://app:***@127.0.0.1:1/app")) << r.err;
  EXPECT_FALSE(contains(r.all(), "Tr0ub4dor")) << r.all();
  // A password parameter in an SQLite URL, through verbose output and a failing migration.
  const std::string url = "sqlite:///" + db.string() + "?password=Hunter2Hunter2";
  r = retort({"--url", url, "current", "-v"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "password=***")) << r.out;
  EXPECT_TRUE(contains(r.out, "(sqlite " + std::string(sqlite3_libversion()) + ")")) << r.out;  // the server's version
  EXPECT_FALSE(contains(r.all(), "Hunter2")) << r.all();
  // default_url may not carry one at all.
  write(dir / "retort.toml", "script_location = \"migrations\"\ndefault_url = \"postgresql://u:CorrectHorse@h/db\"\n");
  r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "DATABASE_URL")) << r.err;
  EXPECT_FALSE(contains(r.all(), "CorrectHorse")) << r.all();
}

TEST_F(cli, plugins_lists_the_search_path_and_refusals) {
  auto r = retort({"plugins", "--plugin-path", std::string(FIXTURE_DIR) + "/abi1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, std::string(FIXTURE_DIR) + "/abi1")) << r.out;
  EXPECT_TRUE(contains(r.out, "refused")) << r.out;
  EXPECT_TRUE(contains(r.out, "built for SDK ABI 1")) << r.out;
  EXPECT_TRUE(contains(r.out, "loaded")) << r.out;
  EXPECT_TRUE(contains(r.out, "schemes: sqlite")) << r.out;
}

TEST_F(cli, json_output_for_read_commands) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade", "b2"}).code, 0);
  auto r = retort({"current", "--json"});
  EXPECT_EQ(r.out.substr(r.out.find("\"heads\"")), "\"heads\": [{\"revision\": \"b2\", \"is_head\": false}], \"partial\": []}\n");
  r = retort({"heads", "--json"});
  EXPECT_TRUE(contains(r.out, "[{\"revision\": \"c3\", \"message\": \"index titles\"")) << r.out;
  r = retort({"history", "--json", "-i"});
  EXPECT_TRUE(contains(r.out, "\"revision\": \"c3\", \"down_revision\": [\"b2\"]")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"applied\": false")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"applied\": true")) << r.out;
}

TEST_F(cli, a_rebuild_of_a_table_made_by_sql_is_refused_cleanly) {
  migration("1_a.sql", "-- retort:revision a1\n-- retort:upgrade\nCREATE TABLE t (x INTEGER);\n-- retort:downgrade\nDROP TABLE t;\n");
  migration("2_b.toml", "revision = \"b2\"\ndown_revision = \"a1\"\n[[upgrade]]\nop = \"create_unique\"\nname = \"uq_x\"\n"
                        "table = \"t\"\ncolumns = [\"x\"]\n");
  auto r = retort({"upgrade"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "revision b2")) << r.err;
  EXPECT_TRUE(contains(r.err, "not known from earlier migrations")) << r.err;
  EXPECT_FALSE(fs::exists(db) && !tables(db).empty());
}

TEST_F(cli, help_works_for_commands_with_required_options) {
  for (const char* cmd : {"revision", "merge", "downgrade", "show", "stamp", "upgrade"}) {
    auto r = retort({cmd, "--help"});
    EXPECT_EQ(r.code, 0) << cmd << ": " << r.err;
    EXPECT_TRUE(contains(r.out, "--url")) << cmd;
  }
}

TEST_F(cli, a_held_write_lock_makes_the_runner_wait_then_fail_with_nothing_applied) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  sqlite_lock holder(db, "BEGIN IMMEDIATE");
  auto started = std::chrono::steady_clock::now();
  auto r = retort({"upgrade", "--lock-timeout", "0.5"});
  auto waited = std::chrono::steady_clock::now() - started;
  holder.release();
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "locked")) << r.err;
  EXPECT_TRUE(contains(r.err, "--lock-timeout")) << r.err;
  EXPECT_GE(waited, std::chrono::milliseconds(400));
  EXPECT_LT(waited, std::chrono::seconds(4));  // not the 5 s default
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  ASSERT_EQ(retort({"upgrade"}).code, 0);  // once the lock is gone, it completes
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
}

TEST_F(cli, sql_for_another_dialect_needs_no_downgrade_here) {
  migration("1_a.toml", "revision = \"a1\"\n[[upgrade]]\nop = \"sql\"\ndialect = \"postgresql\"\nsql = \"CREATE EXTENSION pg_trgm\"\n"
                        "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [ { name = \"x\", type = \"integer\" } ]\n");
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  auto r = retort({"downgrade", "base"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version"}));
}

TEST_F(cli, wrong_direction_and_pointless_merges_are_usage_errors) {
  three_migrations();
  auto r = retort({"upgrade", "-1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort downgrade -1")) << r.err;
  r = retort({"downgrade", "+1"});
  EXPECT_EQ(r.code, 2);
  r = retort({"merge", "a1", "c3", "-m", "pointless"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "ancestor")) << r.err;
}

TEST_F(cli, a_password_parameter_in_default_url_is_refused) {
  write(dir / "retort.toml", "script_location = \"migrations\"\ndefault_url = \"postgresql://u@h/db?password=Zebra77\"\n");
  auto r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(contains(r.all(), "Zebra77")) << r.all();
}

TEST_F(cli, validate_reports_edits_missing_files_unknown_rows_and_heads) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  auto r = retort({"validate"});
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_TRUE(contains(r.out, "3 applied revision(s) match their files")) << r.out;

  // An applied file edited afterwards.
  fs::path b2 = dir / "migrations/versions/20260101_0001_b2_documents.sql";
  write(b2, slurp(b2) + "-- an afterthought\n");
  r = retort({"validate"});
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(contains(r.out, "revision b2 was edited after it was applied")) << r.out;
  EXPECT_TRUE(contains(r.out, b2.filename().string())) << r.out;

  // A version row no file defines, and an applied revision whose file is gone.
  fs::remove(dir / "migrations/versions/20260101_0002_c3_index.toml");
  r = retort({"validate"});
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(contains(r.out, "the version table holds 'c3', which no file in versions/ defines")) << r.out;
  EXPECT_TRUE(contains(r.out, "revision c3 is applied (history) but its file is gone")) << r.out;
}

TEST_F(cli, validate_warns_on_several_heads_and_fails_with_single_head) {
  migration("1_a.toml", create_table_migration("a1", "", "t1"));
  migration("2_b.toml", create_table_migration("b2", "a1", "t2"));
  migration("3_c.toml", create_table_migration("c3", "a1", "t3"));
  ASSERT_EQ(retort({"upgrade", "heads"}).code, 0);
  auto r = retort({"validate"});
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_TRUE(contains(r.err, "several heads: b2, c3")) << r.err;
  r = retort({"validate", "--single-head"});
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(contains(r.out, "several heads: b2, c3")) << r.out;
}

TEST_F(cli, graph_as_dot_and_mermaid_with_applied_revisions) {
  migration("1_a.toml", create_table_migration("a1", "", "t1", "branch_labels = [\"core\"]\n"));
  migration("2_b.toml", create_table_migration("b2", "a1", "t2"));
  migration("3_c.toml", create_table_migration("c3", "a1", "t3"));
  migration("4_m.toml", "revision = \"m4\"\ndown_revision = [\"b2\", \"c3\"]\nmessage = \"join\"\n");
  migration("5_x.toml", "revision = \"x5\"\ndepends_on = [\"b2\"]\nmessage = \"needs b2\"\n");
  ASSERT_EQ(retort({"upgrade", "b2"}).code, 0);
  auto r = retort({"graph"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\"a1\" -> \"b2\";")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"b2\" -> \"m4\";")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"c3\" -> \"m4\";")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"b2\" -> \"x5\" [style=dashed, label=\"depends_on\"];")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"a1\" [label=\"a1 (core)\\ncreate t1\", style=filled")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"c3\" [label=\"c3\\ncreate t3\"];")) << r.out;  // not applied
  EXPECT_TRUE(contains(r.out, "\"m4\" [label=\"m4\\njoin\", peripheries=2, shape=box3d];")) << r.out;
  r = retort({"graph", "--format", "mermaid"});
  ASSERT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "flowchart BT")) << r.out;
  EXPECT_TRUE(contains(r.out, "r0 --> r1")) << r.out;
  EXPECT_TRUE(contains(r.out, "-. depends_on .->")) << r.out;
  EXPECT_TRUE(contains(r.out, "class r0,r1 applied;")) << r.out;
  EXPECT_EQ(retort({"graph", "--format", "svg"}).code, 2);
}

TEST_F(cli, a_version_row_for_an_ancestor_does_not_stall_the_run) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade", "b2"}).code, 0);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h, "INSERT INTO retort_version VALUES ('a1')", nullptr, nullptr, nullptr);  // edited by hand
  sqlite3_close(h);
  auto r = process(dir.path(), {"20", RETORT_BIN, "upgrade", "head"}, {}, "timeout").wait();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(versions().back(), "c3"));
}

TEST_F(cli, stamp_purge_replaces_a_version_the_files_do_not_know) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h, "UPDATE retort_version SET version_num = 'gone42'", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  auto r = retort({"current"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort stamp --purge")) << r.err;
  r = retort({"stamp", "--purge", "c3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
}

TEST_F(cli, scripts_are_not_mangled_by_redaction) {
  three_migrations();
  // A password that is also a word in the script.
  auto r = retort({"--url", "sqlite:///" + db.string() + "?password=version", "upgrade", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "CREATE TABLE \"retort_version\"")) << r.out.substr(0, 200);
  EXPECT_FALSE(contains(r.out, "retort_***"));
}
