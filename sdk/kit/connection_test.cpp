// connection_test.cpp — the sdk::connection contract the runner relies on, checked directly:
// execute() counts the rows it changed (retort checks every write to its own tables with it),
// query() binds `?` parameters and returns NULL as nothing, begin/commit/rollback do what they say
// (DDL included where the dialect declares transactional DDL), a refused statement is an
// sdk::error of kind `database` and leaves the connection usable, find_table() says where a table is.
#include "kit.hpp"

namespace retort::kit {
namespace {

/// A table made by retort (so in the dialect's own types), and the kit's session on it.
class connection_contract : public ::testing::Test {
 protected:
  void SetUp() override {
    p.migration("c1", R"toml(revision = "c1"
[[upgrade]]
op = "create_table"
table = "kit_rows"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "v", type = "string(40)" },
]
)toml");
    auto r = p.retort({"upgrade", "head"});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  project p;
};

TEST_F(connection_contract, execute_returns_the_rows_a_statement_changed) {
  sdk::connection& c = p.conn();
  EXPECT_EQ(c.execute("INSERT INTO kit_rows (id, v) VALUES (1, 'a')"), 1u);
  EXPECT_EQ(c.execute("INSERT INTO kit_rows (id, v) VALUES (2, 'b'), (3, 'c'), (4, 'd')"), 3u);
  EXPECT_EQ(c.execute("UPDATE kit_rows SET v = 'x' WHERE id >= 3"), 2u);
  EXPECT_EQ(c.execute("UPDATE kit_rows SET v = 'y' WHERE id = 99"), 0u) << "an UPDATE that matched nothing";
  EXPECT_EQ(c.execute("DELETE FROM kit_rows WHERE id = 4"), 1u);
  EXPECT_EQ(c.execute("CREATE INDEX ix_kit_rows_v ON kit_rows (v)"), 0u)
      << "DDL changes no rows, even right after a statement that did";
  EXPECT_EQ(c.execute("DELETE FROM kit_rows"), 3u);
}

TEST_F(connection_contract, query_binds_positional_parameters_and_returns_null_as_nothing) {
  sdk::connection& c = p.conn();
  c.query("INSERT INTO kit_rows (id, v) VALUES (?, ?)", {std::int64_t{7}, std::string("it's a ? mark")});
  c.query("INSERT INTO kit_rows (id, v) VALUES (?, ?)", {std::int64_t{8}, nullptr});
  auto rows = c.query("SELECT id, v FROM kit_rows WHERE v = ? AND id = ?", {std::string("it's a ? mark"), std::int64_t{7}});
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 2u);
  EXPECT_EQ(rows[0][0], std::optional<std::string>("7"));
  EXPECT_EQ(rows[0][1], std::optional<std::string>("it's a ? mark")) << "a quote and a '?' inside a value stay as they are";
  rows = c.query("SELECT v FROM kit_rows WHERE id = ?", {std::int64_t{8}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at(0), std::nullopt) << "NULL is nothing, not the text \"NULL\" or \"\"";
  EXPECT_EQ(c.query("SELECT v FROM kit_rows WHERE id = ?", {std::int64_t{99}}).size(), 0u);
  rows = c.query("SELECT count(*) FROM kit_rows WHERE v = '?'");
  EXPECT_EQ(rows.at(0).at(0), std::optional<std::string>("0")) << "a '?' in a quoted literal is not a parameter";
}

TEST_F(connection_contract, rollback_undoes_a_transaction_and_commit_keeps_it) {
  sdk::connection& c = p.conn();
  c.begin(std::chrono::seconds(5));
  c.execute("INSERT INTO kit_rows (id, v) VALUES (1, 'rolled back')");
  c.rollback();
  EXPECT_EQ(p.column("SELECT count(*) FROM kit_rows"), std::vector<std::string>{"0"});
  c.begin(std::chrono::seconds(5));
  c.execute("INSERT INTO kit_rows (id, v) VALUES (2, 'committed')");
  c.commit();
  EXPECT_EQ(p.column("SELECT v FROM kit_rows"), std::vector<std::string>{"committed"});
  // Another session sees what was committed.
  auto other = p.db().connect();
  EXPECT_EQ(other->query("SELECT v FROM kit_rows").size(), 1u);
  if (kit().caps.transactional_ddl) {
    c.begin(std::chrono::seconds(5));
    c.execute("CREATE TABLE kit_rolled_back (id INTEGER)");
    c.rollback();
    EXPECT_FALSE(c.find_table("", "kit_rolled_back").exists) << "transactional DDL: CREATE TABLE rolled back";
  }
}

TEST_F(connection_contract, a_refused_statement_is_a_database_error_and_the_connection_stays_usable) {
  sdk::connection& c = p.conn();
  try {
    c.execute("INSERT INTO no_such_table_here (id) VALUES (1)");
    ADD_FAILURE() << "an INSERT into a table that does not exist ran";
  } catch (const sdk::error& e) {
    EXPECT_EQ(e.kind(), sdk::error_kind::database) << e.what();
    EXPECT_NE(std::string(e.what()).find("no_such_table_here"), std::string::npos)
        << "the database's own message, naming what it refused: " << e.what();
  }
  EXPECT_EQ(p.column("SELECT count(*) FROM kit_rows"), std::vector<std::string>{"0"}) << "usable after the error";
  // Inside a transaction: the runner rolls back after a failed statement, then carries on.
  c.begin(std::chrono::seconds(5));
  c.execute("INSERT INTO kit_rows (id, v) VALUES (1, 'gone')");
  EXPECT_THROW(c.execute("INSERT INTO kit_rows (id, v) VALUES (1, 'duplicate key')"), sdk::error);
  c.rollback();
  EXPECT_EQ(p.column("SELECT count(*) FROM kit_rows"), std::vector<std::string>{"0"});
  c.begin(std::chrono::seconds(5));
  c.execute("INSERT INTO kit_rows (id, v) VALUES (1, 'kept')");
  c.commit();
  EXPECT_EQ(p.column("SELECT v FROM kit_rows"), std::vector<std::string>{"kept"});
}

TEST_F(connection_contract, find_table_says_where_a_table_is_and_where_one_would_go) {
  sdk::connection& c = p.conn();
  const sdk::table_place there = c.find_table("", "kit_rows");
  EXPECT_TRUE(there.exists);
  const sdk::table_place missing = c.find_table("", "no_such_table_here");
  EXPECT_FALSE(missing.exists);
  EXPECT_EQ(missing.schema, there.schema) << "an unqualified CREATE TABLE goes where unqualified names resolve";
  EXPECT_TRUE(c.find_table(there.schema, "kit_rows").exists) << "asked with the schema it gave";
  EXPECT_TRUE(c.find_table("", "retort_version").exists) << "retort's own table, where retort put it";
  if (kit().caps.schemas) {
    EXPECT_FALSE(there.schema.empty()) << "a dialect with schemas names the one it found";
  }
}

}  // namespace
}  // namespace retort::kit
