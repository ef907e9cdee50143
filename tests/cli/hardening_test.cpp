// hardening_test.cpp — what outside testing broke, on SQLite files: migrations that write retort's
// own tables, version rows for an ancestor beside its descendant, offline scripts with comments in
// every place, and hostile bytes and arguments. Each test failed before its fix.
#include "cli_fixture.hpp"

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
