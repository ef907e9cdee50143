// failures_test.cpp — what a failing migration leaves behind. On every dialect: exit 1, the
// revision and the database's own message, no version row for it, the failure in the history. With
// transactional DDL: nothing else either — no table, no column — and --atomic takes the whole plan
// back.
#include "kit.hpp"

namespace retort::kit {
namespace {

const char* const kept = R"toml(revision = "f1"
message = "a table that stays"
[[upgrade]]
op = "create_table"
table = "kept"
columns = [ { name = "id", type = "integer", primary_key = true } ]
)toml";

const std::string fixed = R"toml(revision = "f2"
down_revision = "f1"
message = "a table and a column"
[[upgrade]]
op = "create_table"
table = "doomed"
columns = [ { name = "id", type = "integer", primary_key = true } ]
[[upgrade]]
op = "add_column"
table = "kept"
column = { name = "extra", type = "text" }
)toml";

// Three statements: the two of `fixed`, then one the database refuses.
const std::string doomed = fixed + R"toml([[upgrade]]
op = "sql"
sql = "INSERT INTO nowhere_at_all VALUES (1)"
)toml";

std::vector<std::string> columns_of(project& p, const std::string& table) {
  std::vector<std::string> out;
  const auto s = p.conn().introspect();
  if (const auto* t = s.find(table))
    for (const auto& c : t->columns) out.push_back(c.name);
  return out;
}

/// The history's rows for one revision: direction and status, oldest first.
std::vector<std::string> history_of(project& p, const std::string& revision) {
  std::vector<std::string> out;
  for (const auto& r : p.conn().query("SELECT direction, status FROM retort_history WHERE revision = ? ORDER BY id", {revision}))
    out.push_back(r.at(0).value_or("NULL") + " " + r.at(1).value_or("NULL"));
  return out;
}

TEST(failures, a_failing_migration_is_not_recorded_as_applied_and_says_why) {
  project p;
  p.migration("f1", kept);
  p.migration("f2", doomed);
  auto r = p.retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1) << "a database failure is exit 1:\n" << r.err;
  EXPECT_NE(r.err.find("f2"), std::string::npos) << "the error names the revision:\n" << r.err;
  EXPECT_NE(r.err.find("nowhere_at_all"), std::string::npos) << "and carries the database's own message:\n" << r.err;
  EXPECT_EQ(p.versions(), std::vector<std::string>{"f1"}) << "the migration before it stays applied, f2 is not";
  const auto history = history_of(p, "f2");
  EXPECT_TRUE(history == std::vector<std::string>{"up failed"} || history == std::vector<std::string>{"up partial"})
      << "the history keeps the failure (partial where statements were committed before it)";
  auto current = p.retort({"current"});
  EXPECT_EQ(current.code, 0) << current.err;
  EXPECT_NE((current.out + current.err).find("f2"), std::string::npos) << "`retort current` warns about f2:\n"
                                                                       << current.out << current.err;
}

TEST(failures, with_transactional_ddl_a_failing_migration_leaves_no_table_and_no_column) {
  if (!kit().caps.transactional_ddl)
    GTEST_SKIP() << "without transactional DDL the statements before the failure may stay";
  project p;
  p.migration("f1", kept);
  p.migration("f2", doomed);
  ASSERT_EQ(p.retort({"upgrade", "head"}).code, 1);
  EXPECT_EQ(p.tables(), (std::vector<std::string>{"kept", "retort_history", "retort_version"})) << "doomed rolled back";
  EXPECT_EQ(columns_of(p, "kept"), std::vector<std::string>{"id"}) << "the added column rolled back";
  EXPECT_EQ(history_of(p, "f2"), std::vector<std::string>{"up failed"}) << "nothing of it was committed";
}

TEST(failures, a_failed_migration_applies_once_it_is_fixed) {
  if (!kit().caps.transactional_ddl) GTEST_SKIP() << "without transactional DDL the failed migration's first statements stay applied";
  project p;
  p.migration("f1", kept);
  p.migration("f2", doomed);
  ASSERT_EQ(p.retort({"upgrade", "head"}).code, 1);
  p.migration("f2", fixed);
  auto r = p.retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(p.versions(), std::vector<std::string>{"f2"});
  EXPECT_EQ(columns_of(p, "kept"), (std::vector<std::string>{"id", "extra"}));
  EXPECT_EQ(history_of(p, "f2"), (std::vector<std::string>{"up failed", "up applied"}));
}

TEST(failures, an_atomic_upgrade_rolls_back_every_migration_when_one_fails) {
  if (!kit().caps.transactional_ddl) GTEST_SKIP() << "--atomic needs transactional DDL";
  project p;
  p.migration("f1", kept);
  p.migration("f2", doomed);
  auto r = p.retort({"upgrade", "head", "--atomic"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(p.versions(), std::vector<std::string>{}) << "f1 went with the plan's transaction";
  std::vector<std::string> user_tables;
  for (const auto& t : p.tables())
    if (t != "retort_version" && t != "retort_history") user_tables.push_back(t);
  EXPECT_EQ(user_tables, std::vector<std::string>{}) << "neither kept nor doomed";
}

}  // namespace
}  // namespace retort::kit
