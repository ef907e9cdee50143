// recovery_test.cpp — whether a statement in doubt took effect, told from the catalog by the
// statement's shape; and what an interrupted CREATE INDEX CONCURRENTLY leaves to clear.
#include "recovery.hpp"

#include <gtest/gtest.h>

namespace {

using retort::effect;
using retort::probe;

retort::sdk::schema one_table() {
  retort::sdk::schema s;
  auto& t = s.tables["people"];
  t.name = "people";
  t.columns.push_back({"id", "integer", false, true, false, false, {}, {}, {}});
  t.indexes.push_back({"ix_people_id", "people", {"id"}, false});
  t.foreign_keys.push_back({"fk_people_team", {"team_id"}, "teams", {"id"}, {}, {}});
  return s;
}

TEST(recovery, a_statement_is_known_by_what_it_makes_or_removes) {
  const auto s = one_table();
  EXPECT_EQ(probe("CREATE TABLE people (id int)", s), effect::took);
  EXPECT_EQ(probe("create table if not exists \"teams\" (id int)", s), effect::did_not);
  EXPECT_EQ(probe("DROP TABLE IF EXISTS public.people", s), effect::did_not);
  EXPECT_EQ(probe("CREATE UNIQUE INDEX CONCURRENTLY ix_people_id ON people (id)", s), effect::took);
  EXPECT_EQ(probe("DROP INDEX CONCURRENTLY IF EXISTS ix_other", s), effect::took);
  EXPECT_EQ(probe("ALTER TABLE \"public\".\"people\" ADD COLUMN email text", s), effect::did_not);
  EXPECT_EQ(probe("ALTER TABLE `people` DROP COLUMN id", s), effect::did_not);
  EXPECT_EQ(probe("ALTER TABLE people DROP CONSTRAINT fk_people_team", s), effect::did_not);
  EXPECT_EQ(probe("ALTER TABLE people DROP FOREIGN KEY fk_people_team", s), effect::did_not);
  EXPECT_EQ(probe("ALTER TABLE people RENAME TO persons", s), effect::did_not);
  EXPECT_EQ(probe("ALTER TABLE people RENAME COLUMN name TO id", s), effect::took);
}

TEST(recovery, what_the_catalog_cannot_answer_for_is_unknown) {
  const auto s = one_table();
  for (const char* sql : {"INSERT INTO people VALUES (1)", "UPDATE people SET id = 2", "CREATE FUNCTION f() …",
                          "ALTER TABLE people ADD PRIMARY KEY (id)", "ALTER TABLE nowhere ADD COLUMN x int", "VACUUM"})
    EXPECT_EQ(probe(sql, s), effect::unknown) << sql;
}

TEST(recovery, only_a_concurrent_index_build_leaves_an_index_to_clear) {
  EXPECT_EQ(retort::leftover_cleanup("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Ix\" ON t (a)"),
            "DROP INDEX CONCURRENTLY IF EXISTS \"Ix\"");
  EXPECT_EQ(retort::leftover_cleanup("create index concurrently app.ix_t_a on app.t (a)"),
            "DROP INDEX CONCURRENTLY IF EXISTS app.ix_t_a");
  EXPECT_EQ(retort::leftover_cleanup("CREATE INDEX ix ON t (a)"), "");
  EXPECT_EQ(retort::leftover_cleanup("CREATE INDEX CONCURRENTLY ON t (a)"), "");  // no name to drop
  EXPECT_EQ(retort::leftover_cleanup("DROP INDEX CONCURRENTLY ix"), "");
}

}  // namespace
