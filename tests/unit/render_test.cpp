// render_test.cpp — the SQLite dialect's DDL and splitter, plan rendering (inverses, projection),
// and the runner on an in-memory database: a failure leaves no trace but the history row.
#include "loader/plugin_host.hpp"
#include "migration.hpp"
#include "planner.hpp"
#include "runner.hpp"
#include "schema_support.hpp"
#include "support.hpp"
#include "target.hpp"
#include "url.hpp"

#include <retort/sdk/error.hpp>

#include <tuple>

using namespace retort_test;
namespace sdk = retort::sdk;
namespace ops = retort::sdk::ops;

namespace {

struct sqlite_fixture : ::testing::Test {
  retort::plugin_host host{{RETORT_PLUGIN_DIR}};
  const sdk::dialect& d = host.dialect_for(retort::parse_url("sqlite://"));

  std::string sql(const sdk::builtin_op& op, const sdk::schema& before = {}) {
    std::string out;
    for (const auto& s : d.render(op, before)) out += s.sql + ";\n";
    return out;
  }
};

sdk::table users() {
  sdk::table t;
  t.name = "users";
  auto id = column_def("id", "bigint", false);
  id.primary_key = true;
  id.autoincrement = true;
  t.columns = {id, column_def("email", "string(255)", false), column_def("age", "integer")};
  t.indexes.push_back({"ix_users_email", "users", {"email"}, true});
  t.checks.push_back({"ck_age", "age >= 0"});
  return t;
}

}  // namespace

TEST_F(sqlite_fixture, types_quoting_and_create_table) {
  EXPECT_EQ(d.render_type("string(255)"), "VARCHAR(255)");
  EXPECT_EQ(d.render_type("numeric(10, 2)"), "NUMERIC(10,2)");
  EXPECT_EQ(d.render_type("timestamptz"), "DATETIME");
  EXPECT_EQ(d.render_type("uuid"), "CHAR(36)");
  EXPECT_EQ(d.render_type("MEDIUMTEXT"), "MEDIUMTEXT");  // passes through
  EXPECT_EQ(d.quote_identifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(d.quote_literal("it's"), "'it''s'");
  auto t = users();
  t.columns[2].server_default = "0";
  auto ref = column_def("org_id", "bigint");
  ref.references = "orgs.id";
  ref.on_delete = "CASCADE";
  t.columns.push_back(ref);
  EXPECT_EQ(sql(ops::create_table{t}),
            "CREATE TABLE \"users\" (\n"
            "  \"id\" INTEGER PRIMARY KEY,\n"
            "  \"email\" VARCHAR(255) NOT NULL,\n"
            "  \"age\" INTEGER DEFAULT 0,\n"
            "  \"org_id\" BIGINT REFERENCES \"orgs\" (\"id\") ON DELETE CASCADE,\n"
            "  CONSTRAINT \"ck_age\" CHECK (age >= 0)\n"
            ");\n"
            "CREATE UNIQUE INDEX \"ix_users_email\" ON \"users\" (\"email\");\n");
}

TEST_F(sqlite_fixture, composite_primary_key_and_expression_default) {
  sdk::table t;
  t.name = "m";
  t.columns = {column_def("a", "integer", false), column_def("b", "integer", false), column_def("at", "timestamp")};
  t.columns[2].server_default = "datetime('now')";
  t.primary_key = {"a", "b"};
  EXPECT_EQ(sql(ops::create_table{t}),
            "CREATE TABLE \"m\" (\n  \"a\" INTEGER NOT NULL,\n  \"b\" INTEGER NOT NULL,\n"
            "  \"at\" DATETIME DEFAULT (datetime('now')),\n  PRIMARY KEY (\"a\", \"b\")\n);\n");
}

TEST_F(sqlite_fixture, drop_column_in_place_or_by_rebuild) {
  sdk::schema s;
  s.tables["users"] = users();
  // A plain column: in place. But users has a CHECK, so SQLite may refuse: rebuild.
  std::string rebuilt = sql(ops::drop_column{"users", "age"}, s);
  EXPECT_NE(rebuilt.find("CREATE TABLE \"_retort_new_users\""), std::string::npos) << rebuilt;
  EXPECT_NE(rebuilt.find("INSERT INTO \"_retort_new_users\" (\"id\", \"email\") SELECT \"id\", \"email\" FROM \"users\""),
            std::string::npos)
      << rebuilt;
  EXPECT_NE(rebuilt.find("DROP TABLE \"users\""), std::string::npos);
  EXPECT_NE(rebuilt.find("ALTER TABLE \"_retort_new_users\" RENAME TO \"users\""), std::string::npos);
  EXPECT_NE(rebuilt.find("CREATE UNIQUE INDEX \"ix_users_email\""), std::string::npos);
  s.tables["users"].checks.clear();
  EXPECT_EQ(sql(ops::drop_column{"users", "age"}, s), "ALTER TABLE \"users\" DROP COLUMN \"age\";\n");
  // An indexed column: its index goes first.
  EXPECT_EQ(sql(ops::drop_column{"users", "email"}, s),
            "DROP INDEX \"ix_users_email\";\nALTER TABLE \"users\" DROP COLUMN \"email\";\n");
  EXPECT_THROW(sql(ops::drop_column{"users", "nope"}, s), sdk::error);
}

TEST_F(sqlite_fixture, alter_column_rebuilds_and_a_rename_alone_does_not) {
  sdk::schema s;
  s.tables["users"] = users();
  ops::alter_column rename{"users", "age", {}, {}, {}, std::string("years")};
  EXPECT_EQ(sql(rename, s), "ALTER TABLE \"users\" RENAME COLUMN \"age\" TO \"years\";\n");
  ops::alter_column change{"users", "age", std::string("bigint"), false, {}, std::string("years")};
  // The type through the rebuild, then the rename in place, which rewrites triggers and views.
  std::string out = sql(change, s);
  EXPECT_NE(out.find("\"age\" BIGINT NOT NULL"), std::string::npos) << out;
  EXPECT_NE(out.find("(\"id\", \"email\", \"age\") SELECT \"id\", \"email\", \"age\""), std::string::npos) << out;
  EXPECT_NE(out.rfind("ALTER TABLE \"users\" RENAME COLUMN \"age\" TO \"years\";\n"), std::string::npos) << out;
  EXPECT_EQ(out.rfind("ALTER TABLE \"users\" RENAME COLUMN \"age\" TO \"years\";\n") + 52, out.size()) << out;  // last
  // A table the migrations never described cannot be rebuilt.
  try {
    sql(ops::alter_column{"ghost", "x", std::string("text"), {}, {}, {}}, s);
    FAIL();
  } catch (const sdk::error& e) {
    EXPECT_NE(std::string(e.what()).find("'ghost'"), std::string::npos);
  }
}

TEST_F(sqlite_fixture, splitter_respects_quotes_comments_and_triggers) {
  auto parts = d.split_statements(
      "CREATE TABLE a (x TEXT DEFAULT ';');\n"
      "-- a comment; with a semicolon\n"
      "INSERT INTO a VALUES ('it''s; fine');\n"
      "/* block; comment */\n"
      "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 'y';\n  DELETE FROM a WHERE x = 'z';\nEND;\n"
      "-- only a comment at the end\n");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "CREATE TABLE a (x TEXT DEFAULT ';')");
  EXPECT_EQ(parts[1], "INSERT INTO a VALUES ('it''s; fine')");  // leading -- comments are dropped, as psql does
  EXPECT_NE(parts[2].find("CREATE TRIGGER"), std::string::npos);
  EXPECT_NE(parts[2].find("END"), std::string::npos);
  EXPECT_TRUE(d.split_statements("  \n-- nothing\n").empty());
  // CREATE TEMP TRIGGER, a trigger whose body names END in a string, and EXPLAIN, as sqlite3_complete() reads them.
  auto more = d.split_statements("CREATE TEMP TRIGGER t2 AFTER DELETE ON a BEGIN SELECT 'end;'; END; EXPLAIN SELECT 1; SELECT [we;ird], `b;c` FROM a");
  ASSERT_EQ(more.size(), 3u) << more[0];
  EXPECT_EQ(more[0], "CREATE TEMP TRIGGER t2 AFTER DELETE ON a BEGIN SELECT 'end;'; END");
  EXPECT_EQ(more[2], "SELECT [we;ird], `b;c` FROM a");
  // As the sqlite3 shell reads files: a line starting with # before a statement is a comment.
  EXPECT_EQ(d.split_statements("#  -*- text -*-\n# notes; more\nSELECT 1;\n#x\nSELECT 2 # not here"),
            (std::vector<std::string>{"SELECT 1", "SELECT 2 # not here"}));
}

TEST_F(sqlite_fixture, an_unclosed_comment_or_quote_is_an_error_naming_its_line) {
  for (const auto& [script, line, what] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"SELECT 1;\n/* never closed\nSELECT 2;", "line 2", "a /* comment"},
           {"SELECT 1;\n\nSELECT 'open;", "line 3", "a quoted string"},
           {"SELECT \"x;", "line 1", "a quoted name"},
           {"SELECT [x;", "line 1", "a quoted name"}}) {
    try {
      d.split_statements(script);
      ADD_FAILURE() << script << " was accepted";
    } catch (const sdk::error& e) {
      EXPECT_NE(std::string(e.what()).find(line + ": " + what), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("never closed"), std::string::npos) << e.what();
    }
  }
}

namespace {

struct project : sqlite_fixture {
  temp_dir dir;
  std::unique_ptr<retort::revision_graph> g;

  void load() { g = std::make_unique<retort::revision_graph>(retort::read_migrations(dir / "versions")); }
  std::vector<retort::rev> revs(std::initializer_list<const char*> ids) {
    std::vector<retort::rev> out;
    for (auto id : ids) out.push_back(*g->find(id));
    return out;
  }
};

}  // namespace

TEST_F(project, downgrade_uses_inverses_and_the_projected_schema) {
  write(dir / "versions/1_a.toml", create_table_migration("a", "", "users"));
  write(dir / "versions/2_b.toml",
        "revision = \"b\"\ndown_revision = \"a\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\n"
        "column = { name = \"bio\", type = \"text\" }\n[[upgrade]]\nop = \"create_index\"\nname = \"ix_bio\"\n"
        "table = \"users\"\ncolumns = [\"bio\"]\n");
  write(dir / "versions/3_c.toml", "revision = \"c\"\ndown_revision = \"b\"\n[[upgrade]]\nop = \"drop_table\"\ntable = \"users\"\n");
  load();
  auto plan = retort::plan_downgrade(*g, revs({"c"}), {});
  retort::render_plan(plan, *g, revs({"c"}), d, host);
  ASSERT_EQ(plan.size(), 3u);
  // c's drop_table is undone with the table as a and b left it.
  ASSERT_EQ(plan[0].statements.size(), 2u);
  EXPECT_NE(plan[0].statements[0].sql.find("\"bio\" TEXT"), std::string::npos) << plan[0].statements[0].sql;
  EXPECT_EQ(plan[0].statements[1].sql, "CREATE INDEX \"ix_bio\" ON \"users\" (\"bio\")");
  // b is undone in reverse: the index, then the column.
  ASSERT_EQ(plan[1].statements.size(), 2u);
  EXPECT_EQ(plan[1].statements[0].sql, "DROP INDEX \"ix_bio\"");
  EXPECT_EQ(plan[1].statements[1].sql, "ALTER TABLE \"users\" DROP COLUMN \"bio\"");
  EXPECT_EQ(plan[2].statements[0].sql, "DROP TABLE \"users\"");
}

TEST_F(project, an_irreversible_migration_is_refused_before_anything_runs) {
  write(dir / "versions/1_a.toml", "revision = \"a\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE TABLE t (x int)\"\n");
  load();
  auto plan = retort::plan_downgrade(*g, revs({"a"}), {});
  try {
    retort::render_plan(plan, *g, revs({"a"}), d, host);
    FAIL();
  } catch (const sdk::error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("revision a"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cannot be downgraded"), std::string::npos) << msg;
    EXPECT_NE(msg.find("#1 (sql)"), std::string::npos) << msg;
  }
}

TEST_F(project, sql_ops_for_another_dialect_are_skipped) {
  write(dir / "versions/1_a.toml",
        "revision = \"a\"\n[[upgrade]]\nop = \"sql\"\ndialect = \"postgresql\"\nsql = \"CREATE EXTENSION x\"\n"
        "[[upgrade]]\nop = \"sql\"\ndialect = \"sqlite\"\nsql = \"CREATE TABLE t (x int); CREATE TABLE u (y int)\"\n");
  load();
  auto plan = retort::plan_upgrade(*g, {}, g->heads());
  retort::render_plan(plan, *g, {}, d, host);
  ASSERT_EQ(plan[0].statements.size(), 2u);
  EXPECT_EQ(plan[0].statements[0].sql, "CREATE TABLE t (x int)");
}

TEST_F(project, a_failing_migration_rolls_back_completely) {
  write(dir / "versions/1_a.toml", create_table_migration("a", "", "users"));
  write(dir / "versions/2_b.sql",
        "-- retort:revision b\n-- retort:down_revision a\n-- retort:upgrade\nCREATE TABLE half (x int);\n"
        "INSERT INTO nowhere VALUES (1);\n");
  load();
  auto conn = d.connect(retort::parse_url("sqlite://"));
  retort::version_store store(d, "retort_version", "retort_history");
  retort::runner rn(*g, d, *conn, store, host, {});
  auto target = g->heads();
  try {
    rn.run([&](const std::vector<retort::rev>& now) { return retort::plan_upgrade(*g, now, target); }, {});
    FAIL();
  } catch (const sdk::error& e) {
    std::string msg = e.what();
    EXPECT_EQ(e.kind(), sdk::error_kind::database);
    EXPECT_NE(msg.find("revision b"), std::string::npos) << msg;
    EXPECT_NE(msg.find("statement 2 of 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("INSERT INTO nowhere"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no such table: nowhere"), std::string::npos) << msg;
  }
  // a stayed applied; b left nothing behind but its history row.
  EXPECT_EQ(store.read_heads(*conn), std::vector<std::string>{"a"});
  EXPECT_TRUE(conn->find_table("", "users").exists);
  EXPECT_FALSE(conn->find_table("", "half").exists);
  auto h = store.read_history(*conn, 10);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0][0], "b");
  EXPECT_EQ(h[0][2], "failed");
  EXPECT_NE(h[0][5].value_or("").find("no such table"), std::string::npos);
  EXPECT_EQ(h[1][0], "a");
  EXPECT_EQ(h[1][2], "applied");
}
