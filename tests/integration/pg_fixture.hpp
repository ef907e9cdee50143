// pg_fixture.hpp — a database of its own on the PostgreSQL server scripts/pg-start.sh started, a
// project beside it, and psql to look at what retort left: what the PostgreSQL tests share.
#pragma once

#include "server_fixture.hpp"

#include <cstdlib>

namespace retort_test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The server's URL without a database (scripts/pg-start.sh prints it).
inline std::string server() {
  const char* url = std::getenv("RETORT_TEST_PG");
  return url ? url : "";
}

struct pg : server_test<pg> {
  void SetUp() override {
    if (server().empty()) GTEST_FAIL() << "RETORT_TEST_PG is not set: start a server with `eval \"$(scripts/pg-start.sh)\"`";
    make_database(server(), "postgres");
  }

  result sql_on(const std::string& database, const std::string& sql) {
    return process(dir.path(), {"-X", "-At", "-v", "ON_ERROR_STOP=1", server() + "/" + database, "-c", sql}, {}, "psql").wait();
  }
  bool has_table(const std::string& t) { return rows("SELECT to_regclass('" + t + "') IS NOT NULL") == std::vector<std::string>{"t"}; }

  void sql_migration(const std::string& file, const std::string& id, const std::string& parent, const std::string& up,
                     const std::string& down = "") {
    migration(file, "-- retort:revision " + id + "\n" + (parent.empty() ? "" : "-- retort:down_revision " + parent + "\n") +
                        "-- retort:upgrade\n" + up + "\n" + (down.empty() ? "" : "-- retort:downgrade\n" + down + "\n"));
  }
};


}  // namespace retort_test
