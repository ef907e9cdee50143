// introspection_test.cpp — connection::introspect() agrees with what the migrations declare: table
// names, column names and nullability, primary keys, index names and columns, and the names of
// unique, check and foreign-key constraints (what `retort check` and autogenerate compare).
#include "migration_sets.hpp"

namespace retort::kit {
namespace {

TEST(introspection, introspect_agrees_with_what_the_core_operations_declare) {
  project p;
  write_core_set(p);
  auto r = p.retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  const sdk::schema s = p.conn().introspect();
  EXPECT_EQ(describe(s, core_set_names()), core_set_schema);
  EXPECT_TRUE(s.find("retort_version") && s.find("retort_history")) << "retort's own tables are tables like any other";
  EXPECT_FALSE(s.find("v_items")) << "a view is not a table";
  for (const auto& [name, t] : s.tables) {
    EXPECT_EQ(t.name, name) << "a table's name and its key in schema::tables";
    for (const auto& c : t.columns) EXPECT_FALSE(c.type.empty()) << name << "." << c.name << " has no type";
    for (const auto& ix : t.indexes) EXPECT_EQ(ix.table, name) << "index " << ix.name;
  }
  r = p.retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(describe(p.conn().introspect(), core_set_names()), "") << "nothing left but retort's tables";
}

TEST(introspection, introspect_agrees_with_what_the_alterations_declare) {
  project p;
  write_alteration_base(p);
  p.migration("a1", alteration("a1", "a0", R"toml([[upgrade]]
op = "alter_column"
table = "accounts"
column = "score"
nullable = false
server_default = "0"
[[upgrade]]
op = "alter_column"
table = "accounts"
column = "nick"
rename_to = "handle"
[[upgrade]]
op = "create_unique"
name = "uq_accounts_handle"
table = "accounts"
columns = ["handle"]
[[upgrade]]
op = "create_check"
name = "ck_accounts_score"
table = "accounts"
sql = "score >= 0"
[[upgrade]]
op = "create_foreign_key"
name = "fk_accounts_owner"
table = "accounts"
columns = ["owner_id"]
references = "owners(id)"
)toml"));
  ASSERT_EQ(p.retort({"upgrade", "a0"}).code, 0);
  EXPECT_EQ(describe(p.conn().introspect(), {"ix_accounts_email"}), alteration_base_schema);
  RETORT_KIT_ALTERATION(p, "a1", "alter_column, create_unique, create_check and create_foreign_key");
  const std::set<std::string> names = {"ix_accounts_email", "uq_accounts_handle", "ck_accounts_score", "fk_accounts_owner"};
  EXPECT_EQ(describe(p.conn().introspect(), names), R"toml(table accounts
  column id not null
  column email null
  column score not null
  column owner_id null
  column handle null
  primary key (id)
  check ck_accounts_score
  foreign key fk_accounts_owner (owner_id) -> owners (id)
  index ix_accounts_email (email)
  unique uq_accounts_handle (handle)
table owners
  column id not null
  column name not null
  primary key (id)
)toml");
  auto r = p.retort({"downgrade", "a0"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(describe(p.conn().introspect(), names), alteration_base_schema) << "every inverse, exactly";
}

TEST(introspection, server_version_says_what_the_connection_talks_to) {
  project p;
  const std::string v = p.conn().server_version();
  ASSERT_FALSE(v.empty());
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(v[0])) && v.find('.') != std::string::npos)
      << "'" << v << "' does not read as a version (\"3.40.1\", \"15.4\")";
  EXPECT_EQ(v, kit().server_version) << "the same on every connection";
}

}  // namespace
}  // namespace retort::kit
