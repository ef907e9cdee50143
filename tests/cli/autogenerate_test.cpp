// autogenerate_test.cpp — `revision --autogenerate` on SQLite: the tour of every kind of change (each
// one up, checked, down with its rows, and the same written offline), the order a cycle of foreign
// keys needs, what the reviewer is warned of, the patterns that leave tables out, and what it refuses.
#include "autogenerate_tour.hpp"
#include "cli_fixture.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

struct autogenerate : cli {
  std::vector<std::string> rows(const std::string& sql) {
    if (sql.rfind("SELECT", 0) == 0) return column(db, sql);
    exec(db, sql);
    return {};
  }
  void model(const std::string& text) { write(dir / "migrations/schema.toml", text); }
  /// The text of the migration whose file names `id`.
  std::string migration_text(const std::string& id) {
    for (const auto& e : fs::directory_iterator(dir / "migrations/versions"))
      if (e.path().filename().string().find("_" + id + "_") != std::string::npos) return slurp(e.path());
    return {};
  }
};

TEST_F(autogenerate, each_kind_of_change_goes_up_checks_clean_and_comes_down_with_its_rows) { autogenerate_tour(*this); }

TEST_F(autogenerate, names_types_and_defaults_spelled_differently_are_no_difference) { expect_no_false_positives(*this); }

TEST_F(autogenerate, an_enum_value_added_is_written_and_comes_down) { expect_enum_changes_written(*this, true); }

TEST_F(autogenerate, forty_rounds_of_random_changes_go_up_check_clean_and_come_down) {
  autogenerate_random_changes(*this, 1, 40);
}

TEST_F(autogenerate, keys_wait_for_the_columns_uniques_and_tables_they_need) { expect_keys_to_wait_for_what_they_need(*this); }

TEST_F(autogenerate, tables_that_reference_each_other_are_made_then_joined_by_their_keys) {
  model("[[table]]\nname = \"a\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"b_id\", type = \"integer\", references = \"b.id\" } ]\n"
        "[[table]]\nname = \"b\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"a_id\", type = \"integer\", references = \"a.id\" } ]\n");
  auto r = retort({"revision", "--autogenerate", "-m", "cycle", "--rev-id", "c1"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = migration_text("c1");
  // a is made without its key to b, b with its key to a, then a's key.
  EXPECT_NE(text.find("op = \"create_foreign_key\"\nname = \"fk_a_b_id\"\ntable = \"a\""), std::string::npos) << text;
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  EXPECT_EQ(retort({"check"}).code, 0);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM pragma_foreign_key_list('a')"), std::vector<std::string>{"1"});
  ASSERT_EQ(retort({"downgrade", "base"}).code, 0) << text;
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version"}));
}

TEST_F(autogenerate, a_possible_rename_is_said_in_the_file_and_on_stderr) {
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"email\", type = \"string(100)\" } ]\n");
  ASSERT_EQ(retort({"revision", "--autogenerate", "-m", "t"}).code, 0);
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"mail\", type = \"string(100)\", nullable = false } ]\n");
  auto r = retort({"revision", "--autogenerate", "-m", "rename", "--rev-id", "r1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: t.email is dropped and t.mail added: if it was renamed")) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: the upgrade adds t.mail NOT NULL without a server default")) << r.err;
  const std::string text = migration_text("r1");
  EXPECT_TRUE(contains(text, "# RENAME? t.email may be t.mail renamed.")) << text;
  EXPECT_LT(text.find("# RENAME?"), text.find("op = \"drop_column\"")) << text;
  EXPECT_TRUE(contains(text, "#   ? column t.email may be t.mail renamed")) << text;
}

TEST_F(autogenerate, a_database_behind_its_migrations_is_refused_unless_offline) {
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  ASSERT_EQ(retort({"revision", "--autogenerate", "-m", "t", "--rev-id", "t1"}).code, 0);
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"n\", type = \"integer\" } ]\n");
  auto r = retort({"revision", "--autogenerate", "-m", "n"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "the database is at base, not at t1: bring it there first (`retort upgrade t1`")) << r.err;
  r = retort({"revision", "--autogenerate", "--offline", "-m", "n", "--rev-id", "t2", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\"differences\": [\"+ column t.n: integer\"], \"operations\": 1")) << r.out;
  EXPECT_TRUE(contains(migration_text("t2"), "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"n\", type = \"integer\" }"));
  EXPECT_EQ(retort({"revision", "--autogenerate", "--sql", "-m", "x"}).code, 2);
  EXPECT_EQ(retort({"revision", "--offline", "-m", "x"}).code, 2);
}

TEST_F(autogenerate, include_and_exclude_patterns_leave_tables_out_of_check_and_autogenerate) {
  model("[[table]]\nname = \"app_users\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  ASSERT_EQ(retort({"revision", "--autogenerate", "-m", "users"}).code, 0);
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  // A table another tool made, and one for later.
  exec(db, "CREATE TABLE spatial_ref_sys (srid INTEGER PRIMARY KEY)");
  exec(db, "CREATE TABLE app_cache (k TEXT)");
  EXPECT_EQ(retort({"check"}).code, 3);
  std::string cfg = slurp(dir / "retort.toml");
  write(dir / "retort.toml", cfg + "\ninclude_tables = [\"app_*\"]\nexclude_tables = [\"app_cache\"]\n");
  auto r = retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  r = retort({"revision", "--autogenerate", "-m", "nothing"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.err, "no migration written")) << r.err;
  write(dir / "retort.toml", cfg + "\nexclude_tables = [\"\"]\n");
  r = retort({"check"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort.toml:") && contains(r.err, "exclude_tables")) << r.err;
}

TEST_F(autogenerate, several_changes_to_one_sqlite_table_make_one_rebuild_that_keeps_rows_views_and_triggers) {
  migration("1_t1.toml", "revision = \"t1\"\ndown_revision = \"\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\n"
                         "columns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
                         "  { name = \"name\", type = \"string(10)\" }, { name = \"n\", type = \"integer\" } ]\n");
  migration("2_t2.toml", "revision = \"t2\"\ndown_revision = \"t1\"\n"
                         "[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"name\"\ntype = \"string(100)\"\n"
                         "[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"extra\", type = \"text\" }\n"
                         "[[upgrade]]\nop = \"create_check\"\nname = \"ck_t_n\"\ntable = \"t\"\nsql = \"n >= 0\"\n"
                         "[[upgrade]]\nop = \"create_index\"\nname = \"ix_t_title\"\ntable = \"t\"\ncolumns = [\"name\"]\n"
                         "[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"n\"\nnullable = false\n"
                         "[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"name\"\nrename_to = \"title\"\n");
  ASSERT_EQ(retort({"upgrade", "t1"}).code, 0);
  exec(db, "INSERT INTO t (id, name, n) VALUES (1, 'a', 5), (2, 'b', 7)");
  // A view and a trigger on the table outlive the rebuild (SQLite's RENAME TO fails on a view of a
  // table that is gone, and DROP TABLE takes the triggers).
  exec(db, "CREATE VIEW v AS SELECT id, name FROM t");
  exec(db, "CREATE TABLE log (id INTEGER, name TEXT); CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log "
           "VALUES (new.id, new.name); END");
  auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  auto r = retort({"upgrade", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(count(r.out, "CREATE TABLE \"_retort_new_t\""), 1u) << r.out;
  EXPECT_TRUE(contains(r.out, "INSERT INTO \"_retort_new_t\" (\"id\", \"name\", \"n\") SELECT \"id\", \"name\", \"n\" FROM \"t\""))
      << r.out;
  // The rename after it in place, which rewrites the trigger and the view that name the column.
  EXPECT_TRUE(contains(r.out, "ALTER TABLE \"t\" RENAME COLUMN \"name\" TO \"title\"")) << r.out;
  r = retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT id || title || n FROM t ORDER BY id"), (std::vector<std::string>{"1a5", "2b7"}));
  EXPECT_EQ(rows("SELECT \"notnull\" FROM pragma_table_info('t') WHERE name = 'n'"), std::vector<std::string>{"1"});
  EXPECT_EQ(rows("SELECT name FROM pragma_index_list('t')"), std::vector<std::string>{"ix_t_title"});
  EXPECT_FALSE(try_exec(db, "INSERT INTO t (id, title, n) VALUES (3, 'c', -1)"));  // the check holds
  exec(db, "INSERT INTO t (id, title, n) VALUES (3, 'c', 1)");
  EXPECT_EQ(rows("SELECT id || name FROM log"), std::vector<std::string>{"3c"});  // the trigger, made again and renamed
  EXPECT_EQ(rows("SELECT COUNT(*) FROM v"), std::vector<std::string>{"3"});
  exec(db, "DELETE FROM t WHERE id = 3");
  // Down: the inverses, last first, again in one rebuild after the index goes.
  r = retort({"downgrade", "t1", "--sql"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(count(r.out, "CREATE TABLE \"_retort_new_t\""), 1u) << r.out;
  ASSERT_EQ(retort({"downgrade", "t1"}).code, 0);
  EXPECT_EQ(rows("SELECT id || name || n FROM t ORDER BY id"), (std::vector<std::string>{"1a5", "2b7"}));
  EXPECT_EQ(rows("SELECT name FROM pragma_table_info('t') ORDER BY cid"), (std::vector<std::string>{"id", "name", "n"}));
  EXPECT_EQ(rows("SELECT name FROM sqlite_master WHERE type = 'trigger'"), std::vector<std::string>{"t_log"});
}

TEST_F(autogenerate, what_a_review_found_stays_fixed) {
  // A model with an enum type, without the enum plugin: refused, nothing written.
  model("[[enum]]\nname = \"mood\"\nvalues = [\"happy\", \"sad\"]\n"
        "[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"m\", type = \"mood\" } ]\n");
  auto r = retort({"revision", "--autogenerate", "-m", "mood"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "needs the enum plugin")) << r.err;
  EXPECT_TRUE(fs::is_empty(dir / "migrations/versions"));
  // A table named like retort's own.
  model("[[table]]\nname = \"retort_version\"\ncolumns = [ { name = \"id\", type = \"integer\" } ]\n");
  r = retort({"check"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "which is retort's own")) << r.err;
  // A column's references naming several columns.
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"a\", type = \"integer\", references = \"x(a, b)\" } ]\n");
  r = retort({"check", "--offline"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "schema.toml:3:") && contains(r.err, "names several columns")) << r.err;
  // A default with a newline: the comment above the operations stays one line each, and the file reads.
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"s\", type = \"text\", server_default = \"('a' ||\\n 'b')\" } ]\n");
  r = retort({"revision", "--autogenerate", "--compare-defaults", "-m", "multi", "--rev-id", "m1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(retort({"upgrade"}).code, 0) << migration_text("m1");
  // A text default that only looks like a number is compared as text.
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"s\", type = \"text\", server_default = \"'007'\" } ]\n");
  ASSERT_EQ(retort({"revision", "--autogenerate", "--compare-defaults", "-m", "007"}).code, 0);
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
        "  { name = \"s\", type = \"text\", server_default = \"'7'\" } ]\n");
  r = retort({"check", "--compare-defaults"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.out, "~ column t.s: text default '007' in the database, text default '7' in the model")) << r.out;
}

TEST_F(autogenerate, an_enum_value_added_first_goes_before_the_others) {
  std::string cfg = slurp(dir / "retort.toml");
  cfg.replace(cfg.find("\nplugins ") + 1, cfg.find('\n', cfg.find("\nplugins ") + 1) - cfg.find("\nplugins ") - 1,
              "plugins = [\"enum\"]");
  write(dir / "retort.toml", cfg);
  auto mood = [](const std::string& values) {
    return "[[enum]]\nname = \"mood\"\nvalues = [" + values + "]\n[[table]]\nname = \"t\"\n"
           "columns = [ { name = \"id\", type = \"integer\", primary_key = true }, { name = \"m\", type = \"mood\" } ]\n";
  };
  model(mood("\"happy\", \"sad\""));
  ASSERT_EQ(retort({"revision", "--autogenerate", "-m", "mood"}).code, 0);
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  model(mood("\"angry\", \"happy\", \"sad\""));
  auto r = retort({"revision", "--autogenerate", "-m", "angry", "--rev-id", "e2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(migration_text("e2"), "value = \"angry\"\nbefore = \"happy\"")) << migration_text("e2");
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  r = retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out;
}

}  // namespace
}  // namespace retort_test
