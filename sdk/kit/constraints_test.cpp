// constraints_test.cpp — what the migrations declare, the database enforces: rows that break a
// NOT NULL, UNIQUE, PRIMARY KEY, FOREIGN KEY or CHECK are refused through connection::execute
// with an sdk::error of kind `database`, defaults fill omitted columns, ON DELETE CASCADE cascades.
#include "migration_sets.hpp"

namespace retort::kit {
namespace {

/// The core set applied, with a parent, an item and a tag to break the rules against.
class constraints : public ::testing::Test {
 protected:
  void SetUp() override {
    write_core_set(p);
    auto r = p.retort({"upgrade", "head"});
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_TRUE(p.runs("INSERT INTO parents (name, code) VALUES ('first', 'A')"));
    parent = p.column("SELECT id FROM parents").at(0);
    ASSERT_TRUE(p.runs("INSERT INTO items (parent_id, label) VALUES (" + parent + ", 'x')"));
    item = p.column("SELECT id FROM items").at(0);
    ASSERT_TRUE(p.runs("INSERT INTO tags (child_id, tag) VALUES (" + item + ", 'red')"));
  }

  project p;
  std::string parent, item;
};

TEST_F(constraints, inserts_that_break_a_declared_constraint_are_refused) {
  EXPECT_TRUE(p.refused("INSERT INTO parents (name, code) VALUES (NULL, 'B')")) << "parents.name is NOT NULL";
  EXPECT_TRUE(p.refused("INSERT INTO parents (name, code) VALUES ('second', 'A')")) << "uq_parents_code";
  EXPECT_TRUE(p.refused("INSERT INTO parents (name, code) VALUES ('', 'C')")) << "ck_parents_name";
  EXPECT_TRUE(p.refused("INSERT INTO items (parent_id, label) VALUES (" + parent + ", 'x')")) << "items.label is unique";
  EXPECT_TRUE(p.refused("INSERT INTO items (parent_id) VALUES (999)")) << "fk_children_parent, across the rename";
  EXPECT_TRUE(p.refused("INSERT INTO items (parent_id) VALUES (NULL)")) << "items.parent_id is NOT NULL";
  EXPECT_TRUE(p.refused("INSERT INTO tags (child_id, tag) VALUES (" + item + ", 'red')")) << "the composite primary key";
  EXPECT_TRUE(p.refused("INSERT INTO tags (child_id, tag) VALUES (999, 'blue')")) << "tags reference items after the rename";
  EXPECT_TRUE(p.refused("UPDATE parents SET code = NULL, name = NULL")) << "an UPDATE is held to NOT NULL too";
  // Nothing that was refused left a row behind.
  EXPECT_EQ(p.column("SELECT count(*) FROM parents"), std::vector<std::string>{"1"});
  EXPECT_EQ(p.column("SELECT count(*) FROM items"), std::vector<std::string>{"1"});
  EXPECT_EQ(p.column("SELECT count(*) FROM tags"), std::vector<std::string>{"1"});
}

TEST_F(constraints, a_refusal_carries_the_databases_own_code) {
  auto e = p.refused("INSERT INTO parents (name, code) VALUES ('second', 'A')");
  ASSERT_TRUE(e);
  EXPECT_TRUE(!e->sqlstate().empty() || e->native_code() != 0)
      << "the error names neither an SQLSTATE nor a native code, so the runner cannot print one: " << e->what();
  EXPECT_TRUE(p.runs("INSERT INTO parents (name, code) VALUES ('second', 'B')")) << "the connection is usable after a refusal";
}

TEST_F(constraints, server_defaults_fill_omitted_columns) {
  EXPECT_EQ(p.column("SELECT qty FROM items"), std::vector<std::string>{"0"});
  EXPECT_EQ(p.column("SELECT code FROM parents"), std::vector<std::string>{"A"});
  ASSERT_TRUE(p.runs("INSERT INTO parents (name) VALUES ('no code')"));
  EXPECT_EQ(p.column("SELECT code FROM parents WHERE name = 'no code'"), std::vector<std::string>{"NULL"});
}

TEST_F(constraints, on_delete_cascade_removes_the_rows_that_reference_a_deleted_row) {
  ASSERT_TRUE(p.runs("DELETE FROM parents"));
  EXPECT_EQ(p.column("SELECT count(*) FROM items"), std::vector<std::string>{"0"}) << "fk_children_parent cascades";
  EXPECT_EQ(p.column("SELECT count(*) FROM tags"), std::vector<std::string>{"0"}) << "and so does tags' reference";
}

}  // namespace
}  // namespace retort::kit
