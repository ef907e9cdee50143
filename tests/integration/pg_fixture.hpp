// pg_fixture.hpp — a database of its own on the PostgreSQL server scripts/pg-start.sh started, a
// project beside it, and psql to look at what retort left: what the PostgreSQL tests share.
#pragma once

#include "process.hpp"

#include <cstdlib>
#include <sstream>

namespace retort_test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The server's URL without a database (scripts/pg-start.sh prints it).
inline std::string server() {
  const char* url = std::getenv("RETORT_TEST_PG");
  return url ? url : "";
}

struct pg : ::testing::Test {
  temp_dir dir;
  std::string db;
  std::string url;

  void SetUp() override {
    if (server().empty()) GTEST_FAIL() << "RETORT_TEST_PG is not set: start a server with `eval \"$(scripts/pg-start.sh)\"`";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    db = std::string("t_") + info->name();
    db = db.substr(0, 60);
    ASSERT_EQ(psql_on("postgres", "DROP DATABASE IF EXISTS " + db).code, 0);
    auto r = psql_on("postgres", "CREATE DATABASE " + db);
    ASSERT_EQ(r.code, 0) << r.err;
    url = server() + "/" + db;
    ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  }

  result psql_on(const std::string& database, const std::string& sql) {
    return process(dir.path(), {"-X", "-At", "-v", "ON_ERROR_STOP=1", server() + "/" + database, "-c", sql}, {}, "psql").wait();
  }
  /// One column of a query, one line per row.
  std::vector<std::string> rows(const std::string& sql) {
    auto r = psql_on(db, sql);
    EXPECT_EQ(r.code, 0) << sql << ": " << r.err;
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::vector<std::string> versions() { return rows("SELECT version_num FROM retort_version ORDER BY 1"); }
  bool has_table(const std::string& t) { return rows("SELECT to_regclass('" + t + "') IS NOT NULL") == std::vector<std::string>{"t"}; }

  result retort(std::vector<std::string> args) {
    args.insert(args.begin(), {"--url", url});
    return run(dir.path(), args);
  }
  void migration(const std::string& file, const std::string& text) { write(dir / "migrations/versions" / file, text); }
  void sql_migration(const std::string& file, const std::string& id, const std::string& parent, const std::string& up,
                     const std::string& down = "") {
    migration(file, "-- retort:revision " + id + "\n" + (parent.empty() ? "" : "-- retort:down_revision " + parent + "\n") +
                        "-- retort:upgrade\n" + up + "\n" + (down.empty() ? "" : "-- retort:downgrade\n" + down + "\n"));
  }
};


}  // namespace retort_test
