// pg_hardening_test.cpp — what outside testing broke on PostgreSQL: migrations that move the
// search_path or write the version table, offline scripts with comments in every place run by psql,
// and a DO block that COMMITs. Each test failed before its fix.
#include "pg_fixture.hpp"

using namespace retort_test;

TEST_F(pg, a_migration_that_empties_the_search_path_does_not_lose_the_version_table) {
  // Every pg_dump --schema-only file starts so.
  sql_migration("1_a.sql", "a1", "", "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.a (id int);");
  sql_migration("2_b.sql", "b2", "a1", "CREATE TABLE public.b (id int);");
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "the database is at b2")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Nothing to do")) << r.err;
}

TEST_F(pg, tables_stay_where_they_were_made_when_a_migration_creates_the_first_schema_on_the_path) {
  ASSERT_EQ(sql_on(db, "ALTER DATABASE " + db + " SET search_path = app, public").code, 0);
  sql_migration("1_a.sql", "a1", "", "CREATE SCHEMA app;\nCREATE TABLE app.a (id int);");
  sql_migration("2_b.sql", "b2", "a1", "CREATE TABLE b (id int);");
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Upgraded 2 migration(s); the database is at b2")) << r.err;
  // The tables went to public (app did not exist yet) and stayed there; b went to app.
  EXPECT_EQ(rows("SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename LIKE 'retort_%' ORDER BY 1"),
            (std::vector<std::string>{"public.retort_history", "public.retort_version"}));
  EXPECT_EQ(rows("SELECT version_num FROM public.retort_version"), std::vector<std::string>{"b2"});
  r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Nothing to do: the database is at b2")) << r.err;
  r = retort({"current"});
  EXPECT_EQ(r.out, "b2 (head)\n") << r.err;
}

TEST_F(pg, a_migration_that_sets_another_search_path_leaves_the_bookkeeping_alone) {
  sql_migration("1_a.sql", "a1", "", "CREATE SCHEMA other;\nSET search_path TO other;\nCREATE TABLE a (id int);");
  // b goes to other: the session's search_path is the migrations' to set (as in psql -f), just not retort's.
  sql_migration("2_b.sql", "b2", "a1", "CREATE TABLE b (id int);", "DROP TABLE other.b;");
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  EXPECT_EQ(rows("SELECT count(*) FROM public.retort_history WHERE status = 'applied'"), std::vector<std::string>{"2"});
  EXPECT_EQ(rows("SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname <> 'pg_catalog' AND "
                 "schemaname <> 'information_schema' ORDER BY 1"),
            (std::vector<std::string>{"other.a", "other.b", "public.retort_history", "public.retort_version"}));
  r = retort({"downgrade", "-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(pg, a_migration_that_writes_the_version_table_fails_and_rolls_back) {
  sql_migration("1_a.sql", "a1", "", "CREATE TABLE a (id int);");
  sql_migration("2_b.sql", "b2", "a1", "CREATE TABLE b (id int);\nDELETE FROM retort_version;");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "revision b2")) << r.err;
  EXPECT_TRUE(contains(r.err, "changed 0 row(s) where it changes exactly 1")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_FALSE(has_table("b"));
  EXPECT_EQ(rows("SELECT revision || ':' || status FROM retort_history ORDER BY id"),
            (std::vector<std::string>{"a1:applied", "b2:failed"}));
}

TEST_F(pg, offline_scripts_with_comments_everywhere_run_in_psql_as_online) {
  sql_migration("1_c.sql", "c1", "",
                "-- a leading comment; with a semicolon\n"
                "CREATE TABLE a (id int, at timestamptz DEFAULT now() -- refreshed periodically\n"
                ");\n"
                "/* block /* nested */ */ CREATE TABLE b (id int); -- after the semicolon\n"
                "CREATE INDEX ix_b ON b (id) -- the semicolon is on the next line\n"
                ";\n"
                "CREATE RULE r AS ON INSERT TO b WHERE NEW.id < 0 DO INSTEAD (INSERT INTO a (id) VALUES (NEW.id); "
                "INSERT INTO a (id) VALUES (-NEW.id));\n"
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; -- inside\nEND;\n"
                "INSERT INTO b VALUES (-1) -- the last line, no semicolon");
  migration("2_c2.toml", "revision = \"c2\"\ndown_revision = \"c1\"\n[[upgrade]]\nop = \"sql\"\n"
                         "sql = \"CREATE TABLE c (id int) -- note\"\n");
  auto script = retort({"upgrade", "head", "--sql"});
  ASSERT_EQ(script.code, 0) << script.err;
  write(dir / "upgrade.sql", script.out);
  const std::string offline = db + "_offline";
  sql_on("postgres", "DROP DATABASE IF EXISTS " + offline);
  ASSERT_EQ(sql_on("postgres", "CREATE DATABASE " + offline).code, 0);
  auto p = process(dir.path(), {"-X", "-q", "-v", "ON_ERROR_STOP=1", server() + "/" + offline, "-f", (dir / "upgrade.sql").string()},
                   {}, "psql")
               .wait();
  ASSERT_EQ(p.code, 0) << p.err << "\n" << script.out;
  ASSERT_EQ(retort({"upgrade", "head"}).code, 0);
  auto dump = [&](const std::string& database) {  // without the random \restrict keys of pg_dump 15.14+
    std::istringstream in(process(dir.path(), {"--schema-only", "--no-owner", server() + "/" + database}, {}, "pg_dump").wait().out);
    std::string out;
    for (std::string line; std::getline(in, line);)
      if (line.rfind("\\restrict", 0) != 0 && line.rfind("\\unrestrict", 0) != 0) out += line + "\n";
    return out;
  };
  EXPECT_EQ(dump(offline), dump(db));
  EXPECT_EQ(sql_on(offline, "SELECT version_num FROM retort_version").out, "c2\n");
  EXPECT_EQ(sql_on(offline, "SELECT count(*) FROM a").out, sql_on(db, "SELECT count(*) FROM a").out);
  EXPECT_EQ(sql_on(db, "SELECT count(*) FROM a").out, "2\n");  // the rule ran: both statements in its parentheses
  sql_on("postgres", "DROP DATABASE IF EXISTS " + offline);
}

TEST_F(pg, a_do_block_that_commits_runs_outside_the_transaction) {
  sql_migration("1_d.sql", "d1", "",
                "CREATE TABLE t (id int);\n"
                "DO $$ BEGIN INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (2); END $$;\n"
                "CREATE TABLE after_it (id int);");
  auto dry = retort({"upgrade", "head", "--sql"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_TRUE(contains(dry.out, "COMMIT;\nDO $$")) << dry.out;  // its own segment, outside a transaction
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"d1"});
  EXPECT_EQ(rows("SELECT id FROM t ORDER BY id"), (std::vector<std::string>{"1", "2"}));
  // A procedure that commits cannot be seen from the outside: the server's refusal says what to do.
  sql_migration("2_p.sql", "p2", "d1",
                "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;\nCALL p();");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "SQLSTATE 2D000")) << r.err;
  EXPECT_TRUE(contains(r.err, "mark the migration `transactional = false`")) << r.err;
}

TEST_F(pg, a_name_longer_than_postgresql_keeps_is_refused_before_anything_runs) {
  // PostgreSQL would cut it to 63 bytes without a word, and the index's downgrade would not find it.
  const std::string name = "ix_documents_" + std::string(60, 'x');
  migration("1_a.toml", create_table_migration("a1", "", "documents"));
  migration("2_b.toml", "revision = \"b2\"\ndown_revision = \"a1\"\n[[upgrade]]\nop = \"create_index\"\nname = \"" + name +
                            "\"\ntable = \"documents\"\ncolumns = [\"id\"]\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "revision b2 (2_b.toml), [[upgrade]] #1 (create_index): index name '" + name +
                                  "' is 73 bytes long; postgresql allows 63"))
      << r.err;
  EXPECT_FALSE(has_table("documents"));  // refused when the plan was built: a1 did not run either
}
