// autogenerate_test.cpp — what autogenerate writes reads back as what it meant: every built-in
// operation, with every field it has, through op_fields and the migration parser; and the order of
// a generated migration (keys to tables made later, tables dropped before those they reference).
#include "autogenerate.hpp"
#include "toml_value.hpp"

#include <retort/sdk/builtin_ops.hpp>

#include <gtest/gtest.h>

namespace retort {
namespace {
namespace ops = sdk::ops;

sdk::table full_table() {
  sdk::table t;
  t.name = "order";
  sdk::column id{"id", "bigint", false, true, true, false, std::nullopt, std::nullopt, std::nullopt};
  sdk::column note{"note \"quoted\"", "string(20)", true, false, false, true, "'it''s'", "users(id)", "SET NULL"};
  t.columns = {id, note};
  t.primary_key = {"id"};
  t.foreign_keys = {{"fk_order_user", {"note \"quoted\""}, "users", {"id"}, "CASCADE", "RESTRICT"}};
  t.uniques = {{"uq_order_note", {"note \"quoted\""}}};
  t.checks = {{"ck_order_id", "id > 0 AND note <> '\\n'"}};
  t.indexes = {{"ix_order_note", "order", {"note \"quoted\"", "id"}, true}};
  return t;
}

TEST(autogenerate, every_operation_it_writes_reads_back_as_itself) {
  const sdk::table t = full_table();
  const std::vector<sdk::builtin_op> all = {
      ops::create_table{t},
      ops::drop_table{"order"},
      ops::rename_table{"order", "orders"},
      ops::add_column{"order", t.columns[1]},
      ops::drop_column{"order", "note"},
      ops::alter_column{"order", "note", std::string("text"), false, std::optional<std::string>("'x'"), std::string("n")},
      ops::alter_column{"order", "note", std::nullopt, std::nullopt, std::optional<std::string>(), std::nullopt},
      ops::create_index{t.indexes[0]},
      ops::drop_index{"ix_order_note", "order"},
      ops::create_unique{"order", t.uniques[0]},
      ops::create_foreign_key{"order", t.foreign_keys[0]},
      ops::create_check{"order", t.checks[0]},
      ops::drop_constraint{"ck_order_id", "order"},
      ops::alter_primary_key{"order", {"id", "note \"quoted\""}},
      ops::sql{"SELECT 1", std::string("sqlite"), std::string("SELECT 2")},
  };
  ASSERT_EQ(all.size() - 1, std::variant_size_v<sdk::builtin_op>);  // alter_column twice: set and drop a default
  for (const auto& op : all) {
    const std::string text = op_fields(op);
    SCOPED_TRACE(text);
    // The first line names the operation; the rest are its fields, as a migration file's reader sees them.
    ASSERT_EQ(text.rfind("op = \"", 0), 0u);
    const std::string name = text.substr(6, text.find('"', 6) - 6);
    const sdk::value root = parse_toml(text.substr(text.find('\n') + 1), "generated.toml");
    auto back = sdk::parse_builtin(name, sdk::fields(root, "operation"));
    ASSERT_TRUE(back);
    if (auto* raw = std::get_if<ops::sql>(&*back)) {  // read back with a newline for each line above it
      raw->text.erase(0, raw->text.find_first_not_of('\n'));
      if (raw->down) raw->down->erase(0, raw->down->find_first_not_of('\n'));
    }
    EXPECT_EQ(op_fields(*back), text);
  }
}

TEST(autogenerate, keys_between_new_tables_wait_for_both_and_drops_go_children_first) {
  sdk::table a, b;
  a.name = "a";
  b.name = "b";
  a.columns = b.columns = {{"id", "integer", false, true, false, false, std::nullopt, std::nullopt, std::nullopt}};
  a.foreign_keys = {{"fk_a_b", {"id"}, "b", {"id"}, std::nullopt, std::nullopt}};
  b.foreign_keys = {{"fk_b_a", {"id"}, "a", {"id"}, std::nullopt, std::nullopt}};
  std::vector<difference> diffs;
  diffs.emplace_back("+ table a", std::vector<generated_op>{{phase::make_tables, ops::create_table{a}, {}, {}}});
  diffs.emplace_back("+ table b", std::vector<generated_op>{{phase::make_tables, ops::create_table{b}, {}, {}}});
  const auto m = autogenerate(diffs, {});
  // a first, without its key to b; b with its key to a; then a's key.
  const auto a_at = m.body.find("table = \"a\""), b_at = m.body.find("table = \"b\""),
             key_at = m.body.find("op = \"create_foreign_key\"\nname = \"fk_a_b\"");
  EXPECT_LT(a_at, b_at) << m.body;
  EXPECT_LT(b_at, key_at) << m.body;
  EXPECT_EQ(m.upgrade_ops, 3u);
  // Dropping a parent and its child: the child first, whichever came first.
  sdk::schema before;
  sdk::table parent = a, child = b;
  parent.foreign_keys.clear();
  child.foreign_keys = {{"fk_b_a", {"id"}, "a", {"id"}, std::nullopt, std::nullopt}};
  before.tables = {{"a", parent}, {"b", child}};
  std::vector<difference> drops;
  drops.emplace_back("- table a", std::vector<generated_op>{{phase::drop_tables, ops::drop_table{"a"}, {}, {}}});
  drops.emplace_back("- table b", std::vector<generated_op>{{phase::drop_tables, ops::drop_table{"b"}, {}, {}}});
  const auto d = autogenerate(drops, before);
  EXPECT_LT(d.body.find("op = \"drop_table\"\ntable = \"b\""), d.body.find("op = \"drop_table\"\ntable = \"a\"")) << d.body;
  // The downgrade makes them again, parent first.
  const auto down = d.body.find("[[downgrade]]");
  EXPECT_LT(d.body.find("op = \"create_table\"\ntable = \"a\"", down), d.body.find("op = \"create_table\"\ntable = \"b\"", down))
      << d.body;
}

}  // namespace
}  // namespace retort
