// backend.hpp — the databases the conformance suite runs against, each with its capability flags
// and its own client for inspection (SOCI's model: one suite, every dialect). SQLite is a file;
// PostgreSQL is a fresh database on the server scripts/pg-start.sh started (RETORT_TEST_PG).
#pragma once

#include "process.hpp"

#include <cstdlib>
#include <sstream>

namespace retort_test {

struct backend {
  std::string name;
  bool transactional_ddl;  ///< a failed migration's DDL rolls back (not on MySQL: its DDL commits)

  /// A fresh, empty database for one test; its URL.
  std::string fresh(const fs::path& dir, const std::string& test) const {
    if (name == "sqlite") return "sqlite:///" + (dir / "app.db").string();
    const char* server = std::getenv("RETORT_TEST_PG");
    if (!server) {
      ADD_FAILURE() << "RETORT_TEST_PG is not set: start a server with `eval \"$(scripts/pg-start.sh)\"`";
      return "";
    }
    std::string db = ("c_" + test).substr(0, 60);
    for (auto& c : db)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    psql(std::string(server) + "/postgres", "DROP DATABASE IF EXISTS " + db);
    psql(std::string(server) + "/postgres", "CREATE DATABASE " + db);
    return std::string(server) + "/" + db;
  }

  /// Runs SQL with the database's own client: the first column of each row, or nothing when it fails.
  std::optional<std::vector<std::string>> run_sql(const std::string& url, const std::string& sql) const {
    if (name == "sqlite") {
      sqlite3* h = nullptr;
      std::string path = url.substr(std::string("sqlite:///").size());
      if (sqlite3_open(path.c_str(), &h) != SQLITE_OK) {
        sqlite3_close(h);
        return std::nullopt;
      }
      sqlite3_exec(h, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
      std::vector<std::string> out;
      auto collect = [](void* p, int n, char** v, char**) {
        if (n > 0) static_cast<std::vector<std::string>*>(p)->push_back(v[0] ? v[0] : "NULL");
        return 0;
      };
      bool ok = sqlite3_exec(h, sql.c_str(), collect, &out, nullptr) == SQLITE_OK;
      sqlite3_close(h);
      if (!ok) return std::nullopt;
      return out;
    }
    auto r = psql(url, sql);
    if (r.code != 0) return std::nullopt;
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  std::vector<std::string> query(const std::string& url, const std::string& sql) const {
    auto r = run_sql(url, sql);
    EXPECT_TRUE(r) << name << ": " << sql;
    return r.value_or(std::vector<std::string>{});
  }

  /// The user tables, sorted.
  std::vector<std::string> tables(const std::string& url) const {
    return query(url, name == "sqlite"
                          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
                          : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1");
  }

 private:
  static result psql(const std::string& url, const std::string& sql) {
    return process(fs::temp_directory_path(), {"-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql}, {}, "psql").wait();
  }
};

inline const std::vector<backend>& backends() {
  static const std::vector<backend> all = {{"sqlite", true}, {"postgresql", true}};
  return all;
}

}  // namespace retort_test
