// pg_plugins_test.cpp — the example plugins on PostgreSQL: enum types made, extended and dropped
// by their plugin's renderers, a value that cannot be removed refused before anything runs, and the
// audit log naming the database without its password; the backup hook's pg_dump before a run, and a
// run stopped with nothing changed when the dump fails.
#include "pg_fixture.hpp"

using namespace retort_test;

namespace {

struct pg_plugins : pg {
  void enum_migrations() {
    migration("1_e1.toml",
              "revision = \"e1\"\ndown_revision = \"\"\nmessage = \"cases\"\n"
              "[[upgrade]]\nop = \"create_enum\"\nname = \"case_status\"\nvalues = [\"open\", \"closed\"]\n"
              "[[upgrade]]\nop = \"create_table\"\ntable = \"cases\"\n"
              "columns = [ { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
              "            { name = \"status\", type = \"case_status\", nullable = false, server_default = \"'open'\" } ]\n");
    migration("2_e2.toml", "revision = \"e2\"\ndown_revision = \"e1\"\nmessage = \"archived\"\n"
                           "[[upgrade]]\nop = \"add_enum_value\"\nname = \"case_status\"\nvalue = \"archived\"\n"
                           "before = \"closed\"\n");
  }
};

TEST_F(pg_plugins, enum_types_are_made_extended_and_dropped) {
  project("\"enum\"");
  enum_migrations();
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT enumlabel FROM pg_enum JOIN pg_type t ON t.oid = enumtypid WHERE typname = 'case_status' "
                 "ORDER BY enumsortorder"),
            (std::vector<std::string>{"open", "archived", "closed"}));
  EXPECT_EQ(rows("SELECT udt_name FROM information_schema.columns WHERE table_name = 'cases' AND column_name = 'status'"),
            std::vector<std::string>{"case_status"});
  EXPECT_EQ(sql_on(db, "INSERT INTO cases (status) VALUES ('archived')").code, 0);
  EXPECT_NE(sql_on(db, "INSERT INTO cases (status) VALUES ('bogus')").code, 0);

  // PostgreSQL has no DROP VALUE: refused when the plan is built, naming why, with nothing run.
  r = retort({"downgrade", "-1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "revision e2 (2_e2.toml)")) << r.err;
  EXPECT_TRUE(contains(r.err, "PostgreSQL cannot remove the value 'archived' from enum type 'case_status'")) << r.err;
  EXPECT_TRUE(contains(r.err, "cannot be reverted")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"e2"});
  EXPECT_EQ(rows("SELECT count(*) FROM retort_history WHERE direction = 'down'"), std::vector<std::string>{"0"});

  // From e1, the way down drops the table, then the type.
  r = retort({"downgrade", "--sql", "e1:base"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto drop_table = r.out.find("DROP TABLE \"cases\"");
  EXPECT_NE(drop_table, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DROP TYPE \"case_status\"", drop_table), std::string::npos) << r.out;
}

TEST_F(pg_plugins, a_downgrade_across_a_type_made_and_dropped_restores_its_values) {
  project("\"enum\"");
  enum_migrations();
  migration("3_e3.toml", "revision = \"e3\"\ndown_revision = \"e2\"\nmessage = \"no status\"\n"
                         "[[upgrade]]\nop = \"drop_column\"\ntable = \"cases\"\ncolumn = \"status\"\n"
                         "[[upgrade]]\nop = \"drop_enum\"\nname = \"case_status\"\n"
                         "[[downgrade]]\nop = \"create_enum\"\nname = \"case_status\"\nvalues = [\"open\", \"archived\", \"closed\"]\n"
                         "[[downgrade]]\nop = \"add_column\"\ntable = \"cases\"\n"
                         "column = { name = \"status\", type = \"case_status\" }\n");
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT count(*) FROM pg_type WHERE typname = 'case_status'"), std::vector<std::string>{"0"});
  r = retort({"downgrade", "e2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT enumlabel FROM pg_enum JOIN pg_type t ON t.oid = enumtypid WHERE typname = 'case_status' "
                 "ORDER BY enumsortorder"),
            (std::vector<std::string>{"open", "archived", "closed"}));
}

TEST_F(pg_plugins, the_audit_log_names_the_database_without_its_password) {
  project("\"audit-log\", \"enum\"", "[plugin.audit-log]\npath = \"audit.jsonl\"\n");
  enum_migrations();
  ASSERT_TRUE(contains(url, ":retort-test-pw@")) << "the test server's URL carries a password: " << url;
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string log = slurp(dir / "audit.jsonl");
  EXPECT_FALSE(contains(log, "retort-test-pw")) << log;
  EXPECT_TRUE(contains(log, "\"url\": \"postgresql://retort:***@127.0.0.1")) << log;
  EXPECT_TRUE(contains(log, "\"dialect\": \"postgresql\"")) << log;
  EXPECT_TRUE(contains(log, "\"statement\": \"ALTER TYPE \\\"case_status\\\" ADD VALUE 'archived' BEFORE 'closed'\"")) << log;
}

TEST_F(pg_plugins, the_backup_hook_dumps_the_database_before_the_run_changes_it) {
  // Credentials from the environment only, as in production: DATABASE_URL, not --url, not retort.toml.
  project("\"backup\", \"enum\"", "[plugin.backup]\ncommand = \"pg_dump --no-owner --file=before-$RETORT_REVISION-$RETORT_STEPS.sql "
                        "\\\"$DATABASE_URL\\\"\"\n");
  enum_migrations();
  const env_list env = {{"DATABASE_URL", url}};
  auto r = run(dir.path(), {"upgrade", "e1"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  r = run(dir.path(), {"upgrade", "head"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(contains(r.out + r.err, "retort-test-pw")) << r.err;
  // The dump is the database before e2: e1's type with its two values, retort's rows at e1.
  const std::string dump = slurp(dir / "before-e2-1.sql");
  EXPECT_TRUE(contains(dump, "CREATE TYPE public.case_status AS ENUM (\n    'open',\n    'closed'\n);")) << dump;
  EXPECT_TRUE(contains(dump, "COPY public.retort_version (version_num) FROM stdin;\ne1\n")) << dump;
  EXPECT_EQ(versions(), std::vector<std::string>{"e2"});

  // A dump that fails stops the run before anything changed, and says so.
  project("\"backup\", \"enum\"", "[plugin.backup]\ncommand = \"pg_dump --file=/nonexistent/dir/x.sql \\\"$DATABASE_URL\\\"\"\n");
  migration("3_e3.toml", "revision = \"e3\"\ndown_revision = \"e2\"\nmessage = \"notes\"\n"
                         "[[upgrade]]\nop = \"create_table\"\ntable = \"notes\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n");
  r = run(dir.path(), {"upgrade", "head"}, env);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "vetoed before it ran by hook 'backup': the backup command exited with 1; nothing was changed"))
      << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"e2"});
  EXPECT_EQ(rows("SELECT count(*) FROM pg_tables WHERE tablename = 'notes'"), std::vector<std::string>{"0"});
  // A command missing from the settings is named.
  project("\"backup\", \"enum\"");
  r = run(dir.path(), {"upgrade", "head"}, env);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "[plugin.backup]")) << r.err;
}

}  // namespace
