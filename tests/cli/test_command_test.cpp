// test_command_test.cpp — `retort test`: each migration up, down and up again on a throw-away SQLite
// database; a downgrade that does not give the schema back is named with the difference, exit 3;
// the project's own database is left as it was.
#include "cli_fixture.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

using test_command = cli;

TEST_F(test_command, migrations_that_come_down_as_they_went_up_pass) {
  chain();
  auto r = retort({"test"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "ok    a1  create users\nok    b2  create orders\n")) << r.out;
  EXPECT_TRUE(contains(r.err, "All 2 migration(s) went up, came down to the schema before them, and went up again.")) << r.err;
  EXPECT_FALSE(fs::exists(db));  // no database yet: none made by reading where it is
  // Only what the database lacks, by default; base:head for all of them.
  ASSERT_EQ(retort({"upgrade", "a1"}).code, 0);
  r = retort({"test"});
  EXPECT_TRUE(contains(r.out, "ok    b2") && !contains(r.out, "a1")) << r.out;
  r = retort({"test", "base:head"});
  EXPECT_TRUE(contains(r.out, "ok    a1") && contains(r.out, "ok    b2")) << r.out;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
}

TEST_F(test_command, a_downgrade_that_leaves_something_behind_is_named) {
  migration("1_a1.toml", create_table_migration("a1", "", "users"));
  migration("2_b2.toml", "revision = \"b2\"\ndown_revision = \"a1\"\n"
                         "[[upgrade]]\nop = \"create_index\"\nname = \"ix_users_name\"\ntable = \"users\"\ncolumns = [\"name\"]\n"
                         "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"note\", type = \"text\" }\n"
                         "[[downgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"note\"\n");  // forgets the index
  auto r = retort({"test"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "ok    a1")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL  b2: the downgrade does not give the schema back")) << r.out;
  EXPECT_TRUE(contains(r.out, "- index users.ix_users_name: (name)")) << r.out;
  EXPECT_TRUE(contains(r.err, "b2 does not come down as it went up; 0 migration(s) after it were not tested.")) << r.err;
}

TEST_F(test_command, a_migration_that_fails_stops_the_test_with_its_error) {
  migration("1_a1.toml", create_table_migration("a1", "", "users"));
  migration("2_b2.sql", "-- retort:revision b2\n-- retort:down_revision a1\n-- retort:upgrade\n"
                        "INSERT INTO nowhere VALUES (1);\n-- retort:downgrade\n");
  auto r = retort({"test"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "no such table: nowhere")) << r.err;
  EXPECT_EQ(retort({"test", "nothing"}).code, 2);
}

}  // namespace
}  // namespace retort_test
