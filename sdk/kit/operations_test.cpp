// operations_test.cpp — every built-in operation up and down through the real binary. The core
// set every dialect must do; the alterations (alter_column, create_unique, create_check,
// create_foreign_key, drop_constraint) as upgrade_with_alteration() decides from caps().
#include "migration_sets.hpp"

namespace retort::kit {
namespace {

std::vector<std::string> with_retort_tables(std::vector<std::string> v) {
  v.push_back("retort_history");
  v.push_back("retort_version");
  std::sort(v.begin(), v.end());
  return v;
}

TEST(operations, core_operations_apply_in_order_and_revert_one_by_one) {
  project p;
  write_core_set(p);
  auto r = p.retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(p.versions(), std::vector<std::string>{"o8"});
  EXPECT_EQ(p.tables(), with_retort_tables({"items", "parents", "tags"})) << "a view is not a table, and scratch was dropped";
  ASSERT_TRUE(p.runs("INSERT INTO parents (name, code) VALUES ('first', 'A')"));
  const std::string parent = p.column("SELECT id FROM parents").at(0);
  ASSERT_TRUE(p.runs("INSERT INTO items (parent_id, label) VALUES (" + parent + ", 'x')"));
  EXPECT_EQ(p.column("SELECT count(*) FROM v_items"), std::vector<std::string>{"1"}) << "the view over the renamed table";
  EXPECT_TRUE(p.refused("SELECT note FROM items")) << "drop_column";
  EXPECT_TRUE(p.refused("SELECT id FROM children")) << "rename_table";
  EXPECT_TRUE(p.runs("DELETE FROM items"));
  EXPECT_TRUE(p.runs("DELETE FROM parents"));

  // Each inverse in turn, newest first: the tables after each step are those of the revisions left.
  const std::vector<std::pair<std::string, std::vector<std::string>>> down = {
      {"o7", {"items", "parents", "scratch", "tags"}},  // drop_table's inverse makes it again
      {"o6", {"items", "parents", "tags"}},
      {"o5", {"items", "parents", "tags"}},             // the view's `down`
      {"o4", {"items", "parents", "tags"}},             // note and its index come back
      {"o3", {"children", "parents", "tags"}},
      {"o2", {"children", "parents"}},
      {"o1", {"parents"}},
  };
  for (const auto& [to, tables] : down) {
    r = p.retort({"downgrade", "-1"});
    ASSERT_EQ(r.code, 0) << "downgrade to " << to << ":\n" << r.err;
    EXPECT_EQ(p.versions(), std::vector<std::string>{to});
    EXPECT_EQ(p.tables(), with_retort_tables(tables)) << "after the downgrade to " << to;
    if (to == "o5") {
      EXPECT_TRUE(p.refused("SELECT count(*) FROM v_items")) << "the view's down SQL ran";
    }
    if (to == "o4") {
      EXPECT_EQ(p.column("SELECT count(*) FROM items WHERE note IS NULL"), std::vector<std::string>{"0"}) << "note is back";
    }
  }
  r = p.retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(p.tables(), with_retort_tables({}));
  EXPECT_EQ(p.versions(), std::vector<std::string>{});
  r = p.retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << "the whole set again, after reverting it:\n" << r.err;
  EXPECT_EQ(p.tables(), with_retort_tables({"items", "parents", "tags"}));
}

// --- alterations -----------------------------------------------------------------------------------

TEST(alterations, alter_column_renames_a_column) {
  project p;
  write_alteration_base(p);
  p.migration("a1", alteration("a1", "a0", "[[upgrade]]\nop = \"alter_column\"\ntable = \"accounts\"\ncolumn = \"nick\"\n"
                                           "rename_to = \"handle\"\n"));
  ASSERT_EQ(p.retort({"upgrade", "a0"}).code, 0);
  ASSERT_TRUE(p.runs("INSERT INTO accounts (nick) VALUES ('kept')"));
  RETORT_KIT_ALTERATION(p, "a1", "alter_column (rename_to)");
  EXPECT_EQ(p.column("SELECT handle FROM accounts"), std::vector<std::string>{"kept"}) << "the values stay with the column";
  EXPECT_TRUE(p.refused("SELECT nick FROM accounts"));
  auto r = p.retort({"downgrade", "a0"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(p.column("SELECT nick FROM accounts"), std::vector<std::string>{"kept"});
  EXPECT_EQ(describe(p.conn().introspect(), {}), alteration_base_schema);
}

TEST(alterations, alter_column_sets_not_null_and_a_default_and_reverts_them) {
  project p;
  write_alteration_base(p);
  p.migration("a1", alteration("a1", "a0", "[[upgrade]]\nop = \"alter_column\"\ntable = \"accounts\"\ncolumn = \"score\"\n"
                                           "nullable = false\nserver_default = \"7\"\n"));
  ASSERT_EQ(p.retort({"upgrade", "a0"}).code, 0);
  RETORT_KIT_ALTERATION(p, "a1", "alter_column (nullable, server_default)");
  ASSERT_TRUE(p.runs("INSERT INTO accounts (email) VALUES ('a@example.org')"));
  EXPECT_EQ(p.column("SELECT score FROM accounts"), std::vector<std::string>{"7"}) << "the new default";
  EXPECT_TRUE(p.refused("INSERT INTO accounts (email, score) VALUES ('b@example.org', NULL)")) << "score is NOT NULL now";
  auto r = p.retort({"downgrade", "a0"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(p.runs("INSERT INTO accounts (email, score) VALUES ('c@example.org', NULL)")) << "NULL allowed again";
  ASSERT_TRUE(p.runs("INSERT INTO accounts (email) VALUES ('d@example.org')"));
  EXPECT_EQ(p.column("SELECT score FROM accounts WHERE email = 'd@example.org'"), std::vector<std::string>{"NULL"})
      << "the default went with the downgrade";
  EXPECT_EQ(describe(p.conn().introspect(), {}), alteration_base_schema);
}

TEST(alterations, alter_column_changes_a_type_and_back) {
  project p;
  write_alteration_base(p);
  p.migration("a1", alteration("a1", "a0", "[[upgrade]]\nop = \"alter_column\"\ntable = \"accounts\"\ncolumn = \"score\"\n"
                                           "type = \"bigint\"\n"));
  ASSERT_EQ(p.retort({"upgrade", "a0"}).code, 0);
  auto type_of_score = [&] {
    const auto s = p.conn().introspect();
    const auto* t = s.find("accounts");
    const auto* c = t ? t->find_column("score") : nullptr;
    return c ? c->type : std::string("(no column accounts.score)");
  };
  const std::string before = type_of_score();
  ASSERT_TRUE(p.runs("INSERT INTO accounts (score) VALUES (42)"));
  RETORT_KIT_ALTERATION(p, "a1", "alter_column (type)");
  EXPECT_NE(type_of_score(), before) << "introspect() shows the new type";
  EXPECT_TRUE(p.runs("INSERT INTO accounts (score) VALUES (5000000000)")) << "a bigint value";
  EXPECT_EQ(p.column("SELECT score FROM accounts ORDER BY id"), (std::vector<std::string>{"42", "5000000000"}));
  ASSERT_TRUE(p.runs("DELETE FROM accounts WHERE score > 100"));
  auto r = p.retort({"downgrade", "a0"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(type_of_score(), before);
  EXPECT_EQ(p.column("SELECT score FROM accounts"), std::vector<std::string>{"42"});
}

/// A constraint made by `create` (a1) and dropped by drop_constraint (a2): enforced between the two,
/// not before or after, and back with the downgrade to a1.
void constraint_lifecycle(const std::string& what, const std::string& create, const std::string& name,
                          const std::string& good, const std::string& bad) {
  project p;
  write_alteration_base(p);
  p.migration("a1", alteration("a1", "a0", create));
  p.migration("a2", alteration("a2", "a1", "[[upgrade]]\nop = \"drop_constraint\"\ntable = \"accounts\"\nname = \"" +
                                               name + "\"\n"));
  ASSERT_EQ(p.retort({"upgrade", "a0"}).code, 0);
  ASSERT_TRUE(p.runs("INSERT INTO owners (name) VALUES ('one')"));
  ASSERT_TRUE(p.runs(good));
  RETORT_KIT_ALTERATION(p, "a1", what);
  EXPECT_TRUE(p.refused(bad)) << name << " is enforced";
  RETORT_KIT_ALTERATION(p, "a2", "drop_constraint after " + what);
  EXPECT_TRUE(p.runs(bad)) << name << " was dropped";
  ASSERT_TRUE(p.runs("DELETE FROM accounts"));
  auto r = p.retort({"downgrade", "a1"});
  ASSERT_EQ(r.code, 0) << "drop_constraint's inverse:\n" << r.err;
  EXPECT_TRUE(p.runs(good));
  EXPECT_TRUE(p.refused(bad)) << name << " is back";
  r = p.retort({"downgrade", "a0"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(describe(p.conn().introspect(), {}), alteration_base_schema);
}

TEST(alterations, create_unique_is_enforced_until_dropped) {
  constraint_lifecycle("create_unique",
                       "[[upgrade]]\nop = \"create_unique\"\nname = \"uq_accounts_email\"\ntable = \"accounts\"\n"
                       "columns = [\"email\"]\n",
                       "uq_accounts_email", "INSERT INTO accounts (email) VALUES ('a@example.org')",
                       "INSERT INTO accounts (email) VALUES ('a@example.org')");
}

TEST(alterations, create_check_is_enforced_until_dropped) {
  constraint_lifecycle("create_check",
                       "[[upgrade]]\nop = \"create_check\"\nname = \"ck_accounts_score\"\ntable = \"accounts\"\n"
                       "sql = \"score >= 0\"\n",
                       "ck_accounts_score", "INSERT INTO accounts (score) VALUES (1)",
                       "INSERT INTO accounts (score) VALUES (-1)");
}

TEST(alterations, create_foreign_key_is_enforced_until_dropped) {
  constraint_lifecycle("create_foreign_key",
                       "[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk_accounts_owner\"\ntable = \"accounts\"\n"
                       "columns = [\"owner_id\"]\nreferences = \"owners(id)\"\n",
                       "fk_accounts_owner", "INSERT INTO accounts (owner_id) SELECT id FROM owners",
                       "INSERT INTO accounts (owner_id) VALUES (999)");
}

}  // namespace
}  // namespace retort::kit
