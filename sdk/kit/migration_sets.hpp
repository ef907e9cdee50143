// migration_sets.hpp — the migrations several kit tests share, and what introspection must say
// after them. The core set uses every built-in operation a dialect must do in place; the
// alteration base is the table the alterations (alter_column, create_unique, …) then change.
#pragma once

#include "kit.hpp"

#include <set>
#include <string>

namespace retort::kit {

/// o1…o8: create_table (a named index, unique and check; a named foreign key with ON DELETE
/// CASCADE; a column-level unique; a composite primary key and a column-level reference),
/// add_column, create_index, rename_table (with a table referencing it), drop_index, drop_column,
/// sql with its `down`, and drop_table.
inline void write_core_set(const project& p) {
  p.migration("o1", R"toml(revision = "o1"
message = "parents: an index, a unique and a check, all named"
[[upgrade]]
op = "create_table"
table = "parents"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "name", type = "string(50)", nullable = false },
  { name = "code", type = "string(10)" },
]
indexes = [ { name = "ix_parents_name", columns = ["name"] } ]
uniques = [ { name = "uq_parents_code", columns = ["code"] } ]
checks = [ { name = "ck_parents_name", sql = "name <> ''" } ]
)toml");
  p.migration("o2", R"toml(revision = "o2"
down_revision = "o1"
message = "children: a named foreign key, a default, a column-level unique"
[[upgrade]]
op = "create_table"
table = "children"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "parent_id", type = "bigint", nullable = false },
  { name = "qty", type = "integer", server_default = 0 },
  { name = "label", type = "string(20)", unique = true },
]
foreign_keys = [ { name = "fk_children_parent", columns = ["parent_id"], references = "parents(id)", on_delete = "cascade" } ]
)toml");
  p.migration("o3", R"toml(revision = "o3"
down_revision = "o2"
message = "a column and its index; tags with a composite key referencing children"
[[upgrade]]
op = "add_column"
table = "children"
column = { name = "note", type = "text" }
[[upgrade]]
op = "create_index"
name = "ix_children_note"
table = "children"
columns = ["note"]
[[upgrade]]
op = "create_table"
table = "tags"
columns = [
  { name = "child_id", type = "integer", nullable = false, references = "children.id", on_delete = "cascade" },
  { name = "tag", type = "string(20)", nullable = false },
]
primary_key = ["child_id", "tag"]
)toml");
  p.migration("o4", R"toml(revision = "o4"
down_revision = "o3"
message = "children becomes items; tags' reference follows"
[[upgrade]]
op = "rename_table"
table = "children"
to = "items"
)toml");
  p.migration("o5", R"toml(revision = "o5"
down_revision = "o4"
message = "the note goes, index first"
[[upgrade]]
op = "drop_index"
name = "ix_children_note"
table = "items"
[[upgrade]]
op = "drop_column"
table = "items"
column = "note"
)toml");
  p.migration("o6", R"toml(revision = "o6"
down_revision = "o5"
message = "a view, by SQL, with its inverse"
[[upgrade]]
op = "sql"
sql = "CREATE VIEW v_items AS SELECT id, qty FROM items"
down = "DROP VIEW v_items"
)toml");
  p.migration("o7", R"toml(revision = "o7"
down_revision = "o6"
message = "a scratch table"
[[upgrade]]
op = "create_table"
table = "scratch"
columns = [ { name = "id", type = "integer", primary_key = true } ]
)toml");
  p.migration("o8", R"toml(revision = "o8"
down_revision = "o7"
message = "and it goes again"
[[upgrade]]
op = "drop_table"
table = "scratch"
)toml");
}

/// The names the core set gives; any other constraint name is the database's own.
inline const std::set<std::string>& core_set_names() {
  static const std::set<std::string> names = {"ix_parents_name", "uq_parents_code", "ck_parents_name",
                                              "fk_children_parent", "ix_children_note"};
  return names;
}

/// describe(introspect()) after the whole core set.
constexpr const char* core_set_schema = R"toml(table items
  column id not null
  column parent_id not null
  column qty null
  column label null
  primary key (id)
  foreign key fk_children_parent (parent_id) -> parents (id) on delete cascade
  unique * (label)
table parents
  column id not null
  column name not null
  column code null
  primary key (id)
  check ck_parents_name
  index ix_parents_name (name)
  unique uq_parents_code (code)
table tags
  column child_id not null
  column tag not null
  primary key (child_id, tag)
  foreign key * (child_id) -> items (id) on delete cascade
)toml";

/// a0: owners, and accounts with a column of each kind the alterations change.
inline void write_alteration_base(const project& p) {
  p.migration("a0", R"toml(revision = "a0"
message = "owners and accounts"
[[upgrade]]
op = "create_table"
table = "owners"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "name", type = "string(50)", nullable = false },
]
[[upgrade]]
op = "create_table"
table = "accounts"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "string(100)" },
  { name = "score", type = "integer" },
  { name = "owner_id", type = "integer" },
  { name = "nick", type = "string(20)" },
]
indexes = [ { name = "ix_accounts_email", columns = ["email"] } ]
)toml");
}

/// describe(introspect()) after a0.
constexpr const char* alteration_base_schema = R"toml(table accounts
  column id not null
  column email null
  column score null
  column owner_id null
  column nick null
  primary key (id)
  index ix_accounts_email (email)
table owners
  column id not null
  column name not null
  primary key (id)
)toml";

/// A migration after a0 (or after `parent`) with these [[upgrade]] operations.
inline std::string alteration(const std::string& id, const std::string& parent, const std::string& ops) {
  return "revision = \"" + id + "\"\ndown_revision = \"" + parent + "\"\nmessage = \"" + id + "\"\n" + ops;
}

}  // namespace retort::kit
