// process.hpp — running the retort binary as a user would, and reading the database it wrote.
#pragma once

#include "support.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

namespace retort_test {

struct result {
  int code = -1;
  std::string out, err;
  std::string all() const { return out + err; }
};

using env_list = std::vector<std::pair<std::string, std::string>>;

/// A started process (retort unless `program` says otherwise); wait() collects its exit code and output.
class process {
 public:
  process(const fs::path& cwd, const std::vector<std::string>& args, const env_list& env = {},
          const std::string& program = RETORT_BIN) {
    static int counter = 0;
    out_ = fs::temp_directory_path() / ("retort-cli-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(cwd.c_str()) != 0) ::_exit(120);
      ::unsetenv("DATABASE_URL");
      ::unsetenv("RETORT_PLUGIN_PATH");
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      int o = ::open((out_.string() + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int e = ::open((out_.string() + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(o, 1);
      ::dup2(e, 2);
      int in = ::open("/dev/null", O_RDONLY);
      ::dup2(in, 0);
      std::vector<char*> argv{const_cast<char*>(program.c_str())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execvp(program.c_str(), argv.data());
      ::_exit(127);
    }
  }
  pid_t pid() const { return pid_; }
  result wait() {
    result r;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_.string() + ".out");
    r.err = slurp(out_.string() + ".err");
    fs::remove(out_.string() + ".out");
    fs::remove(out_.string() + ".err");
    return r;
  }

 private:
  pid_t pid_ = -1;
  fs::path out_;
};

inline result run(const fs::path& cwd, const std::vector<std::string>& args, const env_list& env = {}) {
  return process(cwd, args, env).wait();
}

/// Rows of a query on an SQLite file, each column as text ("NULL" for null).
inline std::vector<std::vector<std::string>> query(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::vector<std::vector<std::string>> rows;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    ADD_FAILURE() << "cannot open " << db;
    return rows;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(h);
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> r;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        auto* t = sqlite3_column_text(st, i);
        r.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows.push_back(std::move(r));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}

/// Runs statements on an SQLite file, as a user with the sqlite3 shell would (foreign keys on):
/// whether they ran, and the error in `why` when they did not.
inline bool try_exec(const fs::path& db, const std::string& sql, std::string* why = nullptr) {
  sqlite3* h = nullptr;
  char* msg = nullptr;
  const bool ok = sqlite3_open(db.c_str(), &h) == SQLITE_OK &&
                  sqlite3_exec(h, ("PRAGMA foreign_keys = ON; " + sql).c_str(), nullptr, nullptr, &msg) == SQLITE_OK;
  if (!ok && why) *why = msg ? msg : sqlite3_errmsg(h);
  sqlite3_free(msg);
  sqlite3_close(h);
  return ok;
}

inline void exec(const fs::path& db, const std::string& sql) {
  if (std::string why; !try_exec(db, sql, &why)) ADD_FAILURE() << sql << ": " << why;
}

/// Another connection holding a lock on an SQLite file ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE") until
/// release() or the end of the scope.
class sqlite_lock {
 public:
  sqlite_lock(const fs::path& db, const char* begin) {
    if (sqlite3_open(db.c_str(), &h_) != SQLITE_OK || sqlite3_exec(h_, begin, nullptr, nullptr, nullptr) != SQLITE_OK)
      ADD_FAILURE() << "cannot take the lock on " << db << ": " << sqlite3_errmsg(h_);
  }
  ~sqlite_lock() { release(); }
  sqlite_lock(const sqlite_lock&) = delete;
  sqlite_lock& operator=(const sqlite_lock&) = delete;
  void release() {
    if (!h_) return;
    sqlite3_exec(h_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(h_);
    h_ = nullptr;
  }

 private:
  sqlite3* h_ = nullptr;
};

/// One column of a query, flattened.
inline std::vector<std::string> column(const fs::path& db, const std::string& sql) {
  std::vector<std::string> out;
  for (auto& r : query(db, sql)) out.push_back(r.at(0));
  return out;
}

/// The user tables of a database, sorted.
inline std::vector<std::string> tables(const fs::path& db) {
  return column(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
}

}  // namespace retort_test
