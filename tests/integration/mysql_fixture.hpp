// mysql_fixture.hpp — a database of its own on the MariaDB server scripts/mariadb-start.sh started, a
// project beside it, and the mariadb client to look at what retort left: what the MySQL tests share.
// Every test fails when RETORT_TEST_MYSQL is not set, as the PostgreSQL tests do.
#pragma once

#include "process.hpp"

#include <cstdlib>
#include <sstream>

namespace retort_test {

inline bool my_contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The server's URL without a database (scripts/mariadb-start.sh prints it):
/// mysql://user:password@host:port.
inline std::string my_server() {
  const char* url = std::getenv("RETORT_TEST_MYSQL");
  return url ? url : "";
}

struct my : ::testing::Test {
  temp_dir dir;
  std::string db;
  std::string url;
  std::string user, password, host, port;

  void SetUp() override {
    const std::string server = my_server();
    if (server.empty()) GTEST_FAIL() << "RETORT_TEST_MYSQL is not set: start a server with `eval \"$(scripts/mariadb-start.sh)\"`";
    // mysql://user:password@host:port, as the start script prints it.
    const auto rest = server.substr(server.find("://") + 3);
    const auto at = rest.rfind('@'), colon = rest.find(':'), port_at = rest.rfind(':');
    ASSERT_TRUE(at != std::string::npos && colon < at && port_at > at) << server;
    user = rest.substr(0, colon);
    password = rest.substr(colon + 1, at - colon - 1);
    host = rest.substr(at + 1, port_at - at - 1);
    port = rest.substr(port_at + 1);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    db = std::string("t_") + info->name();
    db = db.substr(0, 60);
    ASSERT_EQ(sql_on("mysql", "DROP DATABASE IF EXISTS " + db).code, 0);
    auto r = sql_on("mysql", "CREATE DATABASE " + db + " CHARACTER SET utf8mb4");
    ASSERT_EQ(r.code, 0) << r.err;
    url = server + "/" + db;
    ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  }
  void TearDown() override {
    if (!db.empty()) sql_on("mysql", "DROP DATABASE IF EXISTS " + db);
  }

  /// The mariadb client on `database`; the password through the environment, not the command line.
  result sql_on(const std::string& database, const std::string& sql) {
    return process(dir.path(), {"--no-defaults", "-h", host, "-P", port, "-u", user, "-N", "-B", "-e", sql, database},
                   {{"MYSQL_PWD", password}}, "mariadb")
        .wait();
  }
  /// One column of a query, one line per row.
  std::vector<std::string> rows(const std::string& sql) {
    auto r = sql_on(db, sql);
    EXPECT_EQ(r.code, 0) << sql << ": " << r.err;
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::vector<std::string> versions() { return rows("SELECT version_num FROM retort_version ORDER BY 1"); }

  result retort(std::vector<std::string> args) {
    args.insert(args.begin(), {"--url", url});
    return run(dir.path(), args);
  }
  void migration(const std::string& file, const std::string& text) { write(dir / "migrations/versions" / file, text); }
};

}  // namespace retort_test
