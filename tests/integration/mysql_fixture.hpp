// mysql_fixture.hpp — a database of its own on the MariaDB server scripts/mariadb-start.sh started, a
// project beside it, and the mariadb client to look at what retort left: what the MySQL tests share.
// Every test fails when RETORT_TEST_MYSQL is not set, as the PostgreSQL tests do.
#pragma once

#include "server_fixture.hpp"

#include <cstdlib>

namespace retort_test {

inline bool my_contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The server's URL without a database (scripts/mariadb-start.sh prints it):
/// mysql://user:password@host:port.
inline std::string my_server() {
  const char* url = std::getenv("RETORT_TEST_MYSQL");
  return url ? url : "";
}

struct my : server_test<my> {
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
    make_database(server, "mysql", " CHARACTER SET utf8mb4");
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
};

}  // namespace retort_test
