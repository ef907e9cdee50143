// server_fixture.hpp — what the PostgreSQL and MySQL fixtures share: a database of the test's own on
// the throw-away server, a project beside it, retort run against it, and the server's client
// (`Self::sql_on(database, sql)`) to look at what retort left.
#pragma once

#include "process.hpp"

#include <sstream>

namespace retort_test {

template <class Self> struct server_test : ::testing::Test {
  temp_dir dir;
  std::string db;
  std::string url;

  /// Makes the database t_<test name> on `server` (through `admin`, a database the client can always
  /// reach), dropping one a failed run left, and `retort init migrations` beside it.
  void make_database(const std::string& server, const std::string& admin, const std::string& options = "") {
    db = (std::string("t_") + ::testing::UnitTest::GetInstance()->current_test_info()->name()).substr(0, 60);
    ASSERT_EQ(self().sql_on(admin, "DROP DATABASE IF EXISTS " + db).code, 0);
    auto r = self().sql_on(admin, "CREATE DATABASE " + db + options);
    ASSERT_EQ(r.code, 0) << r.err;
    url = server + "/" + db;
    ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0);
  }

  /// One column of a query, one line per row.
  std::vector<std::string> rows(const std::string& sql) {
    auto r = self().sql_on(db, sql);
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
  /// retort.toml loading the plugins `names` (TOML strings, comma-separated), and `extra` after it.
  void project(const std::string& names, const std::string& extra = "") {
    write(dir / "retort.toml", "script_location = \"migrations\"\nplugins = [" + names + "]\n" + extra);
  }

 private:
  Self& self() { return static_cast<Self&>(*this); }
};

}  // namespace retort_test
