// pg_plugins_test.cpp — the example plugins on PostgreSQL: enum types made, extended and dropped
// by their plugin's renderers, a value that cannot be removed refused before anything runs, and the
// audit log naming the database without its password.
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

}  // namespace
