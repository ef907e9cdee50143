// hardening_test.cpp — what outside testing broke, on SQLite files: migrations that write retort's
// own tables, version rows for an ancestor beside its descendant, offline scripts with comments in
// every place, and hostile bytes and arguments. Each test failed before its fix.
#include "cli_fixture.hpp"

#include <chrono>
#include <tuple>

using namespace retort_test;

namespace {

std::string sql_file(const std::string& id, const std::string& parent, const std::string& up, const std::string& down = "") {
  return "-- retort:revision " + id + "\n" + (parent.empty() ? "" : "-- retort:down_revision " + parent + "\n") +
         "-- retort:upgrade\n" + up + "\n" + (down.empty() ? "" : "-- retort:downgrade\n" + down + "\n");
}

}  // namespace

TEST_F(cli, a_migration_that_deletes_the_version_rows_fails_and_rolls_back) {
  migration("1_a1.toml", create_table_migration("a1", "", "users"));
  migration("2_b2.sql", sql_file("b2", "a1", "CREATE TABLE sneaky (id INTEGER);\nDELETE FROM retort_version;"));
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "revision b2")) << r.err;
  EXPECT_TRUE(contains(r.err, "while recording it in the version table")) << r.err;
  EXPECT_TRUE(contains(r.err, "changed 0 row(s) where it changes exactly 1")) << r.err;
  EXPECT_FALSE(contains(r.err, "at while")) << r.err;
  // Rolled back: the row for a1 is there, b2's table is not, and the history says b2 failed.
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version", "users"}));
  EXPECT_EQ(history().back(), (std::vector<std::string>{"b2", "up", "failed"}));
}

TEST_F(cli, version_rows_for_an_ancestor_and_its_descendant_work_everywhere) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade", "b2"}).code, 0);
  exec(db, "INSERT INTO retort_version VALUES ('a1')");  // a1 is below b2: the rows imply just b2
  // The dry run plans what the run does: one step, from b2.
  auto dry = retort({"upgrade", "+1", "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_TRUE(contains(dry.out, "Running upgrade b2 -> c3")) << dry.out;
  EXPECT_TRUE(contains(dry.err, "the database is at b2")) << dry.err;
  auto r = retort({"upgrade", "+1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});  // only the real head stays

  exec(db, "INSERT INTO retort_version VALUES ('a1')");
  r = retort({"upgrade", "head"});  // nothing to run, but the redundant row goes
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Nothing to do")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});

  exec(db, "INSERT INTO retort_version VALUES ('a1')");
  r = retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(versions().empty());
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version"}));

  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  exec(db, "INSERT INTO retort_version VALUES ('b2')");
  r = retort({"stamp", "c3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
}

TEST_F(cli, offline_scripts_with_comments_everywhere_run_in_sqlite3_as_online) {
  migration("1_c1.sql", sql_file("c1", "",
                                 "-- a leading comment; with a semicolon\n"
                                 "CREATE TABLE a (id INTEGER PRIMARY KEY, at TEXT DEFAULT CURRENT_TIMESTAMP -- refreshed periodically\n"
                                 ");\n"
                                 "/* block */ CREATE TABLE b (id INTEGER); -- after the semicolon\n"
                                 "CREATE INDEX ix_b ON b (id) -- the semicolon is on the next line\n"
                                 ";\n"
                                 "INSERT INTO b VALUES (1); /* a block comment at the end */\n"
                                 "CREATE TRIGGER tr AFTER INSERT ON b BEGIN INSERT INTO a (id) VALUES (NEW.id); -- inside\nEND;\n"
                                 "INSERT INTO b VALUES (2) -- the last line, no semicolon"));
  migration("2_c2.toml", "revision = \"c2\"\ndown_revision = \"c1\"\n[[upgrade]]\nop = \"sql\"\n"
                         "sql = \"CREATE TABLE c (id INTEGER) -- note\"\n"
                         "[[upgrade]]\nop = \"sql\"\nsql = \"\"\"\nCREATE TABLE d (id INTEGER); -- one\n"
                         "CREATE TABLE e (id INTEGER) -- two\n\"\"\"\n");
  auto script = retort({"upgrade", "head", "--sql"});
  ASSERT_EQ(script.code, 0) << script.err;
  write(dir / "upgrade.sql", script.out);
  auto shell = process(dir.path(), {"-bail", (dir / "offline.db").string(), ".read " + (dir / "upgrade.sql").string()}, {},
                       "sqlite3")
                   .wait();
  ASSERT_EQ(shell.code, 0) << shell.err << "\n" << script.out;
  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  // SQLite keeps a statement's text up to its `;`: a `;` on a line of its own adds a newline.
  const std::string objects = "SELECT type, name, rtrim(sql, char(10)) FROM sqlite_master ORDER BY name";
  EXPECT_EQ(query(dir / "offline.db", objects), query(db, objects));
  EXPECT_EQ(column(dir / "offline.db", "SELECT version_num FROM retort_version"), std::vector<std::string>{"c2"});
  EXPECT_EQ(column(dir / "offline.db", "SELECT count(*) FROM a"), column(db, "SELECT count(*) FROM a"));
  EXPECT_EQ(column(db, "SELECT id FROM a"), std::vector<std::string>{"2"});  // the trigger, made after row 1, ran for row 2
}

TEST_F(cli, an_unclosed_comment_in_an_sql_file_names_the_file_and_line) {
  migration("1_u1.sql", sql_file("u1", "", "CREATE TABLE a (id INTEGER);\n/* forgot to close\nCREATE TABLE b (id INTEGER);"));
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "1_u1.sql")) << r.err;
  EXPECT_TRUE(contains(r.err, "line 4: a /* comment is never closed")) << r.err;
  EXPECT_FALSE(fs::exists(db) && !tables(db).empty());
}

TEST_F(cli, typod_sections_and_keys_are_refused_with_a_near_miss_named) {
  migration("1_t1.toml", "revision = \"t1\"\n\n[[upgrad]]\nop = \"create_table\"\ntable = \"t\"\n"
                         "columns = [{ name = \"id\", type = \"integer\" }]\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "1_t1.toml:3")) << r.err;
  EXPECT_TRUE(contains(r.err, "field 'upgrad': is not a known field (did you mean 'upgrade'?)")) << r.err;
  EXPECT_EQ(retort({"validate"}).code, 2);
  EXPECT_FALSE(fs::exists(db) && !tables(db).empty());
  migration("1_t1.toml", "revision = \"t1\"\n[dowgrade]\nop = \"sql\"\n");
  r = retort({"validate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "did you mean 'downgrade'?")) << r.err;
  migration("1_t1.toml", "revision = \"t1\"\n[[upgrade]]\nop = \"create_index\"\nname = \"i\"\ntable = \"t\"\ncolums = [\"a\"]\n");
  r = retort({"validate"});
  EXPECT_TRUE(contains(r.err, "did you mean 'columns'?")) << r.err;
  migration("1_t1.toml", "revision = \"t1\"\n[[upgrade]]\nop = \"craete_index\"\n");
  EXPECT_TRUE(contains(retort({"validate"}).err, "unknown operation 'craete_index' (did you mean 'create_index'?)"));
  migration("1_t1.toml", "");
  fs::remove(dir / "migrations/versions/1_t1.toml");
  migration("1_t1.sql", "-- retort:revision t1\n-- retort:mesage hello\n-- retort:upgrade\n");
  r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "1_t1.sql:2: unknown header '-- retort:mesage' (did you mean 'message'?)")) << r.err;
}

TEST_F(cli, reserved_words_are_refused_as_labels_and_ids_when_written_and_read) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"revision", "-m", "x", "--branch-label", "head"}, {"revision", "-m", "x", "--rev-id", "base"},
        {"revision", "-m", "x", "--rev-id=-2"}, {"revision", "-m", "x", "--branch-label", "Current"}}) {
    auto r = retort(args);
    EXPECT_EQ(r.code, 2) << args.back() << ": " << r.err;
    EXPECT_TRUE(contains(r.err, "reserved word") || contains(r.err, "relative step")) << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir / "migrations/versions"));
  migration("1_h.toml", "revision = \"a1\"\nbranch_labels = [\"heads\"]\n");
  auto r = retort({"heads"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "1_h.toml:2")) << r.err;
  EXPECT_TRUE(contains(r.err, "'heads' is a reserved word")) << r.err;
}

TEST_F(cli, hostile_bytes_in_urls_messages_and_files) {
  three_migrations();
  for (const char* url : {"sqlite:///%00.db", "sqlite:///x%00y.db"}) {
    auto r = retort({"--url", url, "upgrade"});
    EXPECT_EQ(r.code, 2) << url;
    EXPECT_TRUE(contains(r.err, "NUL")) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "x"));
  for (const char* message : {"bell\x07here", "not utf-8 \xff\xfe", "esc\x1b[31m", "csi\xc2\x9b" "31m", "surrogate \xed\xa0\x80", "overlong \xe0\x80\xaf"}) {
    auto r = retort({"revision", "-m", message});
    EXPECT_EQ(r.code, 2) << r.err;
  }
  // Nor from a file: a message that would recolour or clear the terminal of whoever reads the history.
  const fs::path versions_dir = dir / "migrations" / "versions";
  for (const auto& [name, text, said] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"9_e.toml", "revision = \"e9\"\ndown_revision = \"c3\"\nmessage = \"x\\u001b[2J\"\n[[upgrade]]\nop = \"sql\"\nsql = \"SELECT 1\"\n",
            "9_e.toml:3: migration: field 'message': the message holds a control character (byte 2)"},
           {"9_e.sql", "-- retort:revision e9\n-- retort:down_revision c3\n-- retort:message x\x1b]0;owned\x07\n-- retort:upgrade\nSELECT 1;\n",
            "9_e.sql:3: field 'message': the message holds a control character (byte 2)"}}) {
    write(versions_dir / name, text);
    auto r = retort({"history"});
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_TRUE(contains(r.err, said)) << r.err;
    EXPECT_FALSE(contains(r.out + r.err, "\x1b")) << r.err;
    fs::remove(versions_dir / name);
  }
  // A tab and a newline are text: escaped in TOML, readable afterwards.
  auto r = retort({"revision", "-m", "two\tparts\nand a line", "--rev-id", "m4", "--head", "c3"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = retort({"show", "m4"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "two\tparts\nand a line")) << r.out;
  // A version row written by hand, read back: quoted, never passed to the terminal as it is.
  ASSERT_EQ(retort({"upgrade", "c3"}).code, 0);
  exec(db, "INSERT INTO retort_version VALUES ('zz' || char(27) || '[2J' || char(155))");
  for (const char* command : {"current", "doctor"}) {
    r = retort({command});
    EXPECT_NE(r.code, 0) << command;
    EXPECT_TRUE(contains(r.out + r.err, "'zz\\x1b[2J\\u009b'")) << command << ": " << r.out << r.err;
    EXPECT_FALSE(contains(r.out + r.err, "\x1b")) << command;
  }
  exec(db, "DELETE FROM retort_version WHERE version_num LIKE 'zz%'");
  // A byte-order mark at the start of an SQL file, as Windows editors write it.
  migration("20260101_0003_d4.sql", "\xEF\xBB\xBF-- retort:revision d4\n-- retort:down_revision m4\n-- retort:message caf\xe9\n"
                                    "-- retort:upgrade\nCREATE TABLE bom (id INTEGER);\n-- retort:downgrade\nDROP TABLE bom;\n");
  r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"d4"});
  // A Latin-1 message in a file: --json stays valid JSON (U+FFFD stands in).
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--json", "history"}, {"--json", "show", "d4"}}) {
    r = retort(args);
    ASSERT_EQ(r.code, 0) << r.err;
    write(dir / "out.json", r.out);
    auto check = process(dir.path(), {"-c", "import json; json.load(open('out.json', encoding='utf-8'))"}, {}, "python3").wait();
    EXPECT_EQ(check.code, 0) << check.err << r.out;
    EXPECT_TRUE(contains(r.out, "caf\\ufffd")) << r.out;
  }
}

TEST_F(cli, exit_codes_and_durations_on_the_command_line) {
  write(dir / "fresh/a_file", "");
  auto r = run(dir / "fresh", {"init", "a_file"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "not a directory")) << r.err;
  three_migrations();
  for (const char* bad : {"nan", "-inf", "inf", "-5", "5 fortnights", "169h"}) {
    r = retort({"upgrade", "--lock-timeout", bad});
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_TRUE(contains(r.err, "--lock-timeout: '" + std::string(bad) + "'")) << r.err;
  }
  EXPECT_TRUE(contains(retort({"upgrade", "--lock-timeout", "169h"}).err, "from 0 to 168h")) << r.err;
  EXPECT_FALSE(fs::exists(db) && !tables(db).empty());
  for (const char* good : {"2m", "30s", "500ms", "1.5"}) EXPECT_EQ(retort({"current", "--lock-timeout", good}).code, 0) << good;
  ASSERT_EQ(retort({"upgrade", "--lock-timeout", "2m"}).code, 0);
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
}

TEST_F(cli, a_read_command_waiting_on_a_lock_takes_lock_timeout) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  sqlite_lock holder(db, "BEGIN EXCLUSIVE");
  auto started = std::chrono::steady_clock::now();
  auto r = retort({"current", "--lock-timeout", "300ms"});
  auto waited = std::chrono::steady_clock::now() - started;
  holder.release();
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "--lock-timeout")) << r.err;
  EXPECT_LT(waited, std::chrono::seconds(3));  // not the 60 s default
  EXPECT_EQ(retort({"current"}).out, "c3 (head)\n");
}

TEST_F(cli, messages_that_say_what_happened_and_what_to_do) {
  three_migrations();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  // A partial row whose statements all completed: the recording failed, no statement is in doubt.
  exec(db, "INSERT INTO retort_history (revision, direction, status, started_at, statements_done, statements_total, error) "
           "VALUES ('c3', 'up', 'partial', '2026-01-01', 3, 3, 'boom')");
  auto r = retort({"current"});
  EXPECT_TRUE(contains(r.err, "statements 1 to 3 of 3 took effect")) << r.err;
  EXPECT_TRUE(contains(r.err, "while recording them")) << r.err;
  EXPECT_FALSE(contains(r.err, "statement 4")) << r.err;
  // `downgrade -- -1` is one step down, as `downgrade -1` is.
  r = retort({"downgrade", "--", "-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  // A reversed range goes the other way.
  r = retort({"upgrade", "--sql", "c3:a1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort downgrade --sql c3:a1")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(retort({"downgrade", "--sql", "c3:a1"}).code, 0);
  // REV@-0 and step counts too large for any graph.
  r = retort({"downgrade", "b2@-0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "from 1")) << r.err;
  r = retort({"upgrade", "+99999999999999999999"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "too many")) << r.err;
  // plugins = ["x"] names every file it looked for.
  write(dir / "retort.toml", "script_location = \"migrations\"\ndefault_url = \"sqlite:///./app.db\"\nplugins = [\"nowhere\"]\n");
  r = retort({"upgrade"});
  EXPECT_EQ(r.code, 2) << r.err;
  for (const char* f : {"retort-ops-nowhere.so", "retort-hooks-nowhere.so", "retort-dialect-nowhere.so"})
    EXPECT_TRUE(contains(r.err, f)) << r.err;
}

TEST_F(cli, the_database_and_plugin_files_named_when_they_are_not_what_they_must_be) {
  three_migrations();
  write(db, std::string(4096, 'x'));  // not a database
  auto r = retort({"current"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "app.db: file is not a database")) << r.err;
  fs::remove(db);
  exec(db, "CREATE TABLE retort_version (x INTEGER); INSERT INTO retort_version VALUES (1)");  // an application's table
  r = retort({"current"});
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(contains(r.err, "needs a version_num column")) << r.err;
  EXPECT_FALSE(contains(r.out, "version_num")) << r.out;
  fs::create_directories(dir / "loop");
  fs::create_symlink(dir / "loop/retort-dialect-loop.so", dir / "loop/retort-dialect-loop.so");
  r = retort({"--plugin-path", (dir / "loop").string(), "plugins"});
  EXPECT_TRUE(contains(r.out, "cannot be read: Too many levels of symbolic links")) << r.out;
}

TEST_F(cli, json_for_show_validate_stamp_and_the_results_of_runs) {
  three_migrations();
  auto r = retort({"--json", "upgrade", "b2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "{\"steps\": [{\"revision\": \"a1\", \"direction\": \"up\", \"duration_ms\": ")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"heads\": [\"b2\"]}")) << r.out;
  r = retort({"--json", "show", "b2"});
  EXPECT_TRUE(contains(r.out, "\"revision\": \"b2\", \"down_revision\": [\"a1\"], \"children\": [\"c3\"]")) << r.out;
  r = retort({"--json", "graph"});
  EXPECT_TRUE(contains(r.out, "{\"from\": \"a1\", \"to\": \"b2\", \"kind\": \"down_revision\"}")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"revision\": \"b2\", \"branch_labels\": [], \"message\": \"documents\", \"is_head\": false, \"applied\": true")) << r.out;
  EXPECT_EQ(retort({"--json", "branches"}).out, "[]\n");
  r = retort({"--json", "validate"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "{\"ok\": true, \"revisions\": 3, \"applied_checked\": 2")) << r.out;
  r = retort({"--json", "stamp", "b2"});
  EXPECT_EQ(r.out, "{\"heads\": [\"b2\"]}\n");
  r = retort({"--json", "downgrade", "a1"});
  EXPECT_TRUE(contains(r.out, "{\"steps\": [{\"revision\": \"b2\", \"direction\": \"down\"")) << r.out;
  // A failure: which revision and statement, the SQLSTATE-less SQLite error, and what ran before it.
  migration("20260101_0003_d4.sql", sql_file("d4", "c3", "CREATE TABLE d (id INTEGER);\nINSERT INTO nowhere VALUES (1);"));
  r = retort({"--json", "upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.out, "\"kind\": \"database\", \"exit_code\": 1")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"revision\": \"d4\", \"direction\": \"up\", \"statement\": 2, \"statements\": 2")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"statement_sql\": \"INSERT INTO nowhere VALUES (1)\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"ran\": {\"steps\": [{\"revision\": \"b2\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"heads\": [\"c3\"]}}")) << r.out;
  EXPECT_TRUE(contains(r.out, "{\"revision\": \"c3\", \"direction\": \"up\"")) << r.out;  // b2 and c3 stay applied
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
  r = retort({"--json", "upgrade", "--bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.out, "{\"error\": {\"message\": ")) << r.out;
}

namespace retort_test {
namespace {

TEST_F(cli, downgrading_a_drop_column_brings_back_the_indexes_that_went_with_it) {
  migration("1_a.toml", "revision = \"a1\"\ndown_revision = \"\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"docs\"\n"
                        "columns = [ { name = \"id\", type = \"integer\", primary_key = true }, { name = \"title\", type = \"text\" } ]\n"
                        "indexes = [ { name = \"ix_docs_title\", columns = [\"title\"] } ]\n");
  migration("2_b.toml", "revision = \"b2\"\ndown_revision = \"a1\"\n[[upgrade]]\nop = \"drop_column\"\ntable = \"docs\"\n"
                        "column = \"title\"\n");
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(column(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_docs_title'").empty());
  r = retort({"downgrade", "-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(column(db, "SELECT name FROM pragma_table_info('docs') ORDER BY cid"), (std::vector<std::string>{"id", "title"}));
  EXPECT_EQ(column(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_docs_title'"),
            std::vector<std::string>{"ix_docs_title"});
  // And down to base from there: the index goes with its table.
  r = retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(column(db, "SELECT name FROM sqlite_master WHERE name = 'docs'").empty());
}

}  // namespace
}  // namespace retort_test
