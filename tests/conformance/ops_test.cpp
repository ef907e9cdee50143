// ops_test.cpp — every built-in operation on every backend: up, checked through the database's own
// client (the constraints really hold), and down again through every inverse to an empty schema.
#include "backend.hpp"

using namespace retort_test;

namespace {

class ops_test : public ::testing::TestWithParam<backend> {};

const char* const chain[] = {
    // 1: a table with an index, a named unique constraint and a check
    "revision = \"o1\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"parents\"\ncolumns = [\n"
    "  { name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true },\n"
    "  { name = \"name\", type = \"string(50)\", nullable = false },\n  { name = \"code\", type = \"string(10)\" },\n]\n"
    "indexes = [ { name = \"ix_parents_name\", columns = [\"name\"] } ]\n"
    "uniques = [ { name = \"uq_parents_code\", columns = [\"code\"] } ]\n"
    "checks = [ { name = \"ck_parents_name\", sql = \"name <> ''\" } ]\n",
    // 2: a child with a column-level reference and a default
    "revision = \"o2\"\ndown_revision = \"o1\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"children\"\ncolumns = [\n"
    "  { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
    "  { name = \"parent_id\", type = \"bigint\", references = \"parents.id\", on_delete = \"cascade\" },\n"
    "  { name = \"qty\", type = \"integer\", server_default = 0 },\n]\n",
    // 3: add_column, create_index
    "revision = \"o3\"\ndown_revision = \"o2\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"children\"\n"
    "column = { name = \"note\", type = \"text\" }\n[[upgrade]]\nop = \"create_index\"\nname = \"ix_children_note\"\n"
    "table = \"children\"\ncolumns = [\"note\"]\n",
    // 4: alter_column: rename, NOT NULL, a new default
    "revision = \"o4\"\ndown_revision = \"o3\"\n[[upgrade]]\nop = \"alter_column\"\ntable = \"children\"\ncolumn = \"qty\"\n"
    "rename_to = \"quantity\"\nnullable = false\nserver_default = \"1\"\n",
    // 5: constraints added to an existing table
    "revision = \"o5\"\ndown_revision = \"o4\"\n[[upgrade]]\nop = \"create_unique\"\nname = \"uq_children_note\"\n"
    "table = \"children\"\ncolumns = [\"note\"]\n[[upgrade]]\nop = \"create_check\"\nname = \"ck_children_quantity\"\n"
    "table = \"children\"\nsql = \"quantity >= 0\"\n[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk_children_parent\"\n"
    "table = \"children\"\ncolumns = [\"parent_id\"]\nreferences = \"parents(id)\"\n",
    // 6: drop_index, drop_constraint
    "revision = \"o6\"\ndown_revision = \"o5\"\n[[upgrade]]\nop = \"drop_index\"\nname = \"ix_children_note\"\n"
    "table = \"children\"\n[[upgrade]]\nop = \"drop_constraint\"\nname = \"uq_children_note\"\ntable = \"children\"\n",
    // 7: rename_table, drop_column
    "revision = \"o7\"\ndown_revision = \"o6\"\n[[upgrade]]\nop = \"rename_table\"\ntable = \"children\"\nto = \"items\"\n"
    "[[upgrade]]\nop = \"drop_column\"\ntable = \"items\"\ncolumn = \"note\"\n",
    // 8: raw SQL with its inverse
    "revision = \"o8\"\ndown_revision = \"o7\"\n[[upgrade]]\nop = \"sql\"\nsql = \"CREATE VIEW v_items AS SELECT id, quantity FROM items\"\n"
    "down = \"DROP VIEW v_items\"\n",
};

}  // namespace

TEST_P(ops_test, every_operation_up_checked_and_down) {
  const backend& b = GetParam();
  temp_dir dir;
  ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  for (std::size_t i = 0; i < std::size(chain); ++i)
    write(dir / "migrations/versions" / ("0" + std::to_string(i + 1) + ".toml"), chain[i]);
  const std::string url = b.fresh(dir.path(), b.name + "_ops");
  ASSERT_FALSE(url.empty());
  auto r = run(dir.path(), {"--url", url, "upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(b.tables(url), (std::vector<std::string>{"items", "parents", "retort_history", "retort_version"}));

  auto ok = [&](const std::string& sql) { return b.run_sql(url, sql).has_value(); };
  EXPECT_TRUE(ok("INSERT INTO parents (name, code) VALUES ('first', 'A')"));
  EXPECT_FALSE(ok("INSERT INTO parents (name, code) VALUES ('second', 'A')")) << "uq_parents_code";
  EXPECT_FALSE(ok("INSERT INTO parents (name, code) VALUES ('', 'B')")) << "ck_parents_name";
  EXPECT_TRUE(ok("INSERT INTO items (parent_id) VALUES (1)"));
  EXPECT_EQ(b.query(url, "SELECT quantity FROM items"), std::vector<std::string>{"1"}) << "the new default";
  EXPECT_FALSE(ok("INSERT INTO items (parent_id, quantity) VALUES (1, -1)")) << "ck_children_quantity";
  EXPECT_FALSE(ok("INSERT INTO items (parent_id, quantity) VALUES (999, 2)")) << "the foreign key";
  EXPECT_FALSE(ok("INSERT INTO items (parent_id, quantity) VALUES (1, NULL)")) << "quantity is NOT NULL";
  EXPECT_FALSE(ok("SELECT note FROM items")) << "note was dropped";
  EXPECT_EQ(b.query(url, "SELECT count(*) FROM v_items"), std::vector<std::string>{"1"});

  r = run(dir.path(), {"--url", url, "downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(b.tables(url), (std::vector<std::string>{"retort_history", "retort_version"}));
  EXPECT_EQ(b.query(url, "SELECT count(*) FROM retort_version"), std::vector<std::string>{"0"});
}

TEST_P(ops_test, a_failed_migration_leaves_no_trace_with_transactional_ddl) {
  const backend& b = GetParam();
  if (!b.transactional_ddl) GTEST_SKIP() << b.name << " commits DDL as it goes: the journal suite covers it";
  temp_dir dir;
  ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  write(dir / "migrations/versions/01.toml", chain[0]);
  write(dir / "migrations/versions/02.toml",
        "revision = \"o2\"\ndown_revision = \"o1\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"parents\"\n"
        "column = { name = \"extra\", type = \"text\" }\n[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO nowhere VALUES (1)\"\n");
  const std::string url = b.fresh(dir.path(), b.name + "_rollback");
  ASSERT_FALSE(url.empty());
  auto r = run(dir.path(), {"--url", url, "upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(b.query(url, "SELECT version_num FROM retort_version"), std::vector<std::string>{"o1"});
  EXPECT_FALSE(b.run_sql(url, "SELECT extra FROM parents").has_value()) << "the added column went with the rollback";
}

INSTANTIATE_TEST_SUITE_P(conformance, ops_test, ::testing::ValuesIn(backends()),
                         [](const auto& i) { return i.param.name; });
