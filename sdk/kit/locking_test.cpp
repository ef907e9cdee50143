// locking_test.cpp — one runner at a time, on every dialect: two `retort upgrade` processes at once
// apply each migration exactly once, and a runner that cannot get the lock waits --lock-timeout,
// then fails with exit 1 having changed nothing.
#include "kit.hpp"

#include <cstdio>

namespace retort::kit {
namespace {

TEST(locking, two_runners_at_once_apply_each_migration_exactly_once) {
  project p;
  const int n = 20;
  p.migration("m00", R"toml(revision = "m00"
message = "a log of what ran"
[[upgrade]]
op = "create_table"
table = "ran"
columns = [ { name = "revision", type = "string(20)", nullable = false } ]
)toml");
  std::string parent = "m00";
  for (int i = 1; i <= n; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "m%02d", i);
    // The DDL would fail a second time anyway; the INSERT counts how often each migration ran.
    p.migration(id, "revision = \"" + std::string(id) + "\"\ndown_revision = \"" + parent + "\"\nmessage = \"" + id +
                        "\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"t_" + id +
                        "\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n"
                        "[[upgrade]]\nop = \"sql\"\nsql = \"INSERT INTO ran (revision) VALUES ('" + id + "')\"\n"
                        "down = \"DELETE FROM ran WHERE revision = '" + id + "'\"\n");
    parent = id;
  }
  auto a = p.start({"upgrade", "head"});
  auto b = p.start({"upgrade", "head"});
  const auto ra = a->wait(), rb = b->wait();
  EXPECT_EQ(ra.code, 0) << ra.err;
  EXPECT_EQ(rb.code, 0) << rb.err;
  EXPECT_EQ(p.versions(), std::vector<std::string>{parent});
  EXPECT_EQ(p.column("SELECT count(*) FROM ran"), std::vector<std::string>{std::to_string(n)});
  EXPECT_EQ(p.column("SELECT count(DISTINCT revision) FROM ran"), std::vector<std::string>{std::to_string(n)});
  EXPECT_EQ(p.column("SELECT count(*) FROM retort_history WHERE direction = 'up' AND status = 'applied'"),
            std::vector<std::string>{std::to_string(n + 1)})
      << "one history row per migration, whichever runner applied it";
  EXPECT_EQ(p.column("SELECT count(*) FROM retort_history WHERE status <> 'applied'"), std::vector<std::string>{"0"});
}

TEST(locking, a_runner_that_cannot_get_the_lock_waits_lock_timeout_then_fails) {
  project p;
  p.migration("l1", R"toml(revision = "l1"
[[upgrade]]
op = "create_table"
table = "locked_out"
columns = [ { name = "id", type = "integer", primary_key = true } ]
)toml");
  {
    // Held as a runner holds it: the named lock (the core's key is "retort:" + the version table),
    // then a transaction, which on databases whose begin() serialises writers (SQLite's BEGIN
    // IMMEDIATE) is the lock itself.
    auto holder = p.db().connect();
    holder->lock("retort:retort_version", std::chrono::seconds(5));
    holder->begin(std::chrono::seconds(5));
    auto r = p.retort({"upgrade", "head", "--lock-timeout", "1s"});
    EXPECT_EQ(r.code, 1) << "a lock not taken in time is exit 1:\n" << r.err;
    EXPECT_GE(r.elapsed.count(), 900) << "it waited --lock-timeout before giving up";
    EXPECT_LT(r.elapsed.count(), 30000) << "and not much longer";
    EXPECT_NE(r.err.find("lock"), std::string::npos) << "the error says it is about the lock:\n" << r.err;
    holder->rollback();
    holder->unlock("retort:retort_version");
  }
  std::vector<std::string> user_tables;
  for (const auto& t : p.tables())
    if (t == "locked_out") user_tables.push_back(t);
  EXPECT_EQ(user_tables, std::vector<std::string>{}) << "the runner that timed out changed nothing";
  auto r = p.retort({"upgrade", "head", "--lock-timeout", "5s"});
  ASSERT_EQ(r.code, 0) << "once the lock is free:\n" << r.err;
  EXPECT_EQ(p.versions(), std::vector<std::string>{"l1"});
}

}  // namespace
}  // namespace retort::kit
