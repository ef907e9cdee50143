// mysql_plugins_test.cpp — the example plugins on MariaDB: an enum type that is a column type
// (ENUM('a', 'b')), extended and shrunk by restating the columns that use it, and the audit log
// naming the database without its password; the example view operation and the policy hook.
#include "mysql_fixture.hpp"

using namespace retort_test;

namespace {

struct mysql_plugins : my {
  void enum_migrations() {
    migration("1_e1.toml",
              "revision = \"e1\"\ndown_revision = \"\"\nmessage = \"cases\"\n"
              "[[upgrade]]\nop = \"create_enum\"\nname = \"case_status\"\nvalues = [\"open\", \"closed\"]\n"
              "[[upgrade]]\nop = \"create_table\"\ntable = \"cases\"\n"
              "columns = [ { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
              "            { name = \"status\", type = \"case_status\", nullable = false, server_default = \"'open'\" },\n"
              "            { name = \"previous\", type = \"case_status\" } ]\n");
    migration("2_e2.toml", "revision = \"e2\"\ndown_revision = \"e1\"\nmessage = \"archived\"\n"
                           "[[upgrade]]\nop = \"add_enum_value\"\nname = \"case_status\"\nvalue = \"archived\"\n"
                           "before = \"closed\"\n");
  }
  std::vector<std::string> column_types() {
    return rows("SELECT CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE, ' ', COALESCE(COLUMN_DEFAULT, '-')) "
                "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cases' "
                "AND DATA_TYPE = 'enum' ORDER BY ORDINAL_POSITION");
  }
};

TEST_F(mysql_plugins, enum_types_are_column_types_extended_and_shrunk) {
  project("\"enum\"");
  enum_migrations();
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Both columns of the type have the new value in place; NOT NULL and the default are kept.
  EXPECT_EQ(column_types(), (std::vector<std::string>{"status enum('open','archived','closed') NO 'open'",
                                                      "previous enum('open','archived','closed') YES NULL"}));
  EXPECT_EQ(sql_on(db, "INSERT INTO cases (status) VALUES ('archived')").code, 0);
  EXPECT_NE(sql_on(db, "INSERT INTO cases (status) VALUES ('bogus')").code, 0) << "strict mode refuses another value";
  EXPECT_EQ(rows("SELECT status FROM cases"), std::vector<std::string>{"archived"});

  // MySQL can take a value away (PostgreSQL cannot), but not while a row holds it.
  r = retort({"downgrade", "-1"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"e2"});
  ASSERT_EQ(sql_on(db, "DELETE FROM cases").code, 0);
  r = retort({"downgrade", "-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(column_types(), (std::vector<std::string>{"status enum('open','closed') NO 'open'",
                                                      "previous enum('open','closed') YES NULL"}));

  // The way down drops the table; the type has nothing of its own to drop.
  r = retort({"downgrade", "--sql", "e1:base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(my_contains(r.out, "DROP TABLE `cases`")) << r.out;
  EXPECT_FALSE(my_contains(r.out, "DROP TYPE")) << r.out;
}

TEST_F(mysql_plugins, an_enum_still_in_use_cannot_be_dropped) {
  project("\"enum\"");
  enum_migrations();
  migration("3_e3.toml", "revision = \"e3\"\ndown_revision = \"e2\"\nmessage = \"drop\"\n"
                         "[[upgrade]]\nop = \"drop_enum\"\nname = \"case_status\"\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(my_contains(r.err, "enum type 'case_status' is still the type of cases.status")) << r.err;
}

TEST_F(mysql_plugins, the_audit_log_names_the_database_without_its_password) {
  project("\"audit-log\", \"enum\"", "[plugin.audit-log]\npath = \"audit.jsonl\"\n");
  enum_migrations();
  ASSERT_TRUE(my_contains(url, ":retort-test-pw@")) << "the test server's URL carries a password: " << url;
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string log = slurp(dir / "audit.jsonl");
  EXPECT_FALSE(my_contains(log, "retort-test-pw")) << log;
  EXPECT_TRUE(my_contains(log, "\"url\": \"mysql://retort:***@127.0.0.1")) << log;
  EXPECT_TRUE(my_contains(log, "\"dialect\": \"mysql\"")) << log;
  EXPECT_TRUE(my_contains(log, "MODIFY COLUMN `status` ENUM('open', 'archived', 'closed') NOT NULL DEFAULT 'open'")) << log;
}

TEST_F(mysql_plugins, the_example_view_op_and_the_policy_hook_work_on_mariadb) {
  // ops-example's create_view renders itself; the policy vetoes the drop that comes after it.
  project("\"ops-example\", \"policy\"");
  migration("1_v1.toml", "revision = \"v1\"\ndown_revision = \"\"\n"
                         "[[upgrade]]\nop = \"create_table\"\ntable = \"people\"\n"
                         "columns = [ { name = \"id\", type = \"integer\", primary_key = true }, { name = \"age\", type = \"integer\" } ]\n"
                         "[[upgrade]]\nop = \"create_view\"\nname = \"adults\"\nsql = \"SELECT id FROM people WHERE age >= 18\"\n");
  migration("2_v2.toml", "revision = \"v2\"\ndown_revision = \"v1\"\n"
                         "[[upgrade]]\nop = \"drop_column\"\ntable = \"people\"\ncolumn = \"age\"\n"
                         "[[downgrade]]\nop = \"add_column\"\ntable = \"people\"\ncolumn = { name = \"age\", type = \"integer\" }\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(my_contains(r.err, "was vetoed before it ran by hook 'policy'")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"v1"});
  EXPECT_EQ(rows("SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()"),
            std::vector<std::string>{"adults"});
  EXPECT_EQ(rows("SELECT CONCAT(revision, ' ', status) FROM retort_history ORDER BY id"),
            (std::vector<std::string>{"v1 applied", "v2 vetoed"}));
  // Allowed, the drop runs.
  r = retort({"upgrade", "head", "--allow-destructive"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"v2"});
}

}  // namespace
