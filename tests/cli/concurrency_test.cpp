// concurrency_test.cpp — runners started together on one SQLite file apply each migration once.
#include "process.hpp"

using namespace retort_test;

TEST(concurrency, two_runners_on_one_sqlite_file_apply_each_migration_once) {
  temp_dir dir;
  ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  const int n = 40;
  std::string parent;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%012x", i + 1);
    write(dir / "migrations/versions" / (std::string("20260101_") + id + ".toml"),
          create_table_migration(id, parent, "t" + std::to_string(i)));
    parent = id;
  }
  for (int round = 0; round < 3; ++round) {
    fs::remove(dir / "app.db");
    process a(dir.path(), {"upgrade", "head"});
    process b(dir.path(), {"upgrade", "head"});
    auto ra = a.wait();
    auto rb = b.wait();
    ASSERT_EQ(ra.code, 0) << ra.err;
    ASSERT_EQ(rb.code, 0) << rb.err;
    // What each runner says it did adds up to every migration, once.
    auto ran = [](const std::string& err) {
      auto at = err.find("Upgraded ");
      return at == std::string::npos ? 0 : std::stoi(err.substr(at + 9));
    };
    EXPECT_EQ(ran(ra.err) + ran(rb.err), n) << ra.err << rb.err;
    EXPECT_EQ(column(dir / "app.db", "SELECT version_num FROM retort_version"), std::vector<std::string>{parent});
    // Each revision applied exactly once, whichever runner did it.
    auto counts = query(dir / "app.db",
                        "SELECT COUNT(*), COUNT(DISTINCT revision) FROM retort_history WHERE direction = 'up' AND status = 'applied'");
    EXPECT_EQ(counts, (std::vector<std::vector<std::string>>{{std::to_string(n), std::to_string(n)}}));
    EXPECT_EQ(column(dir / "app.db", "SELECT COUNT(*) FROM retort_history WHERE status != 'applied'"),
              std::vector<std::string>{"0"});
  }
}
