// sqlite_connection.cpp — a session on one SQLite file, through the SQLite3 C API.
#include "sqlite_connection.hpp"

#include <retort/sdk/declared_constraints.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <fmt/format.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace retort_sqlite {
namespace {

struct stmt_deleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

}  // namespace

sqlite_connection::sqlite_connection(const sdk::url& where) : path_(where.database) {
  int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw sdk::error(sdk::error_kind::database, "cannot open SQLite database " + where.redacted() + ": " + msg)
        .with_native_code(rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  try {
    execute("PRAGMA foreign_keys = ON");
  } catch (...) {
    sqlite3_close_v2(db_);  // the destructor does not run for a constructor that throws
    db_ = nullptr;
    throw;
  }
}

sqlite_connection::~sqlite_connection() {
  sqlite3_close_v2(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void sqlite_connection::fail(int rc, std::string_view sql) const {
  std::string msg = "SQLite error: ";
  // Errors about the file itself name it.
  switch (rc & 0xff) {
    case SQLITE_NOTADB: case SQLITE_CORRUPT: case SQLITE_IOERR: case SQLITE_CANTOPEN: case SQLITE_READONLY:
    case SQLITE_PERM: case SQLITE_FULL: case SQLITE_AUTH:
      msg += path_ + ": ";
  }
  msg += sqlite3_errmsg(db_);
  if ((rc & 0xff) == SQLITE_BUSY)
    throw sdk::error(sdk::error_kind::lock, "SQLite database " + path_ + " is locked by another writer: " +
                                                sqlite3_errmsg(db_) + " (raise --lock-timeout to wait longer)")
        .with_native_code(rc);
  (void)sql;
  throw sdk::error(sdk::error_kind::database, msg).with_native_code(rc);
}

std::uint64_t sqlite_connection::execute(std::string_view sql) {
  // A table rebuild (sqlite_dialect::rebuild) keeps the table's triggers, which DROP TABLE takes
  // with it: these two pragmas, which SQLite itself ignores, bracket the drop.
  if (sql.rfind(keep_triggers_pragma, 0) == 0 || sql.rfind(restore_triggers_pragma, 0) == 0) {
    const bool keep = sql.rfind(keep_triggers_pragma, 0) == 0;
    std::string table;
    for (std::size_t i = sql.find('\'') + 1; i + 1 < sql.size(); ++i) {  // the literal, '' as '
      table += sql[i];
      if (sql[i] == '\'') ++i;
    }
    if (keep) {
      auto& kept = kept_triggers_[table];
      kept.clear();
      for (const auto& r : query("SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name",
                                 {table}))
        kept.push_back(r[0].value_or(""));
    } else {
      for (const auto& trigger : kept_triggers_[table]) execute(trigger);
      kept_triggers_.erase(table);
    }
    return 0;
  }
  const char* tail = sql.data();
  const char* end = sql.data() + sql.size();
  const sqlite3_int64 before = sqlite3_total_changes64(db_);
  while (tail < end) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &raw, &tail);
    if (rc != SQLITE_OK) fail(rc, sql);
    stmt_ptr stmt(raw);
    if (!stmt) continue;  // only whitespace or comments left
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail(rc, sql);
  }
  // sqlite3_changes() keeps the count of the last INSERT, UPDATE or DELETE even after a statement
  // of another kind; the total's growth is what these statements changed.
  return static_cast<std::uint64_t>(sqlite3_total_changes64(db_) - before);
}

std::vector<sdk::row> sqlite_connection::query(std::string_view sql, const std::vector<sdk::param>& params) {
  // retort's own reads: a "name" that is not a column must be an error, not SQLite's legacy
  // reading of it as a string (a version table without version_num would read as 'version_num').
  // Migrations' statements go through execute() and keep SQLite's default.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  struct restore {
    sqlite3* db;
    ~restore() { sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 1, nullptr); }
  } dqs{db_};
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) fail(rc, sql);
  stmt_ptr stmt(raw);
  for (std::size_t i = 0; i < params.size(); ++i) {
    int at = static_cast<int>(i + 1);
    if (auto* n = std::get_if<std::int64_t>(&params[i])) rc = sqlite3_bind_int64(stmt.get(), at, *n);
    else if (auto* s = std::get_if<std::string>(&params[i]))
      rc = sqlite3_bind_text(stmt.get(), at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    else rc = sqlite3_bind_null(stmt.get(), at);
    if (rc != SQLITE_OK) fail(rc, sql);
  }
  std::vector<sdk::row> rows;
  const int cols = sqlite3_column_count(stmt.get());
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    sdk::row r;
    r.reserve(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) r.emplace_back(std::nullopt);
      else
        r.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c)),
                                   static_cast<std::size_t>(sqlite3_column_bytes(stmt.get(), c))));
    }
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) fail(rc, sql);
  return rows;
}

void sqlite_connection::lock(std::string_view, std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
  struct stat st {};
  // An in-memory database, or a file not made yet: BEGIN IMMEDIATE serialises its first run.
  if (lock_fd_ >= 0 || path_.empty() || path_ == ":memory:" || ::stat(path_.c_str(), &st) != 0) return;
  const auto file = std::filesystem::temp_directory_path() /
                    ("retort-sqlite-" + std::to_string(st.st_dev) + "-" + std::to_string(st.st_ino) + ".lock");
  const int fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;  // a temporary directory that cannot hold it: transactions still serialise writers
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      ::close(fd);
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      throw sdk::error(sdk::error_kind::lock, "another retort run holds the lock on SQLite database " + path_ +
                                                  " (" + file.string() + "); waited " +
                                                  std::to_string(timeout.count() / 1000.0).substr(0, 5) +
                                                  " s (raise --lock-timeout to wait longer)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  lock_fd_ = fd;
}

void sqlite_connection::unlock(std::string_view) {
  if (lock_fd_ < 0) return;
  ::close(lock_fd_);  // the flock goes with it
  lock_fd_ = -1;
}

void sqlite_connection::begin(std::chrono::milliseconds timeout) {
  // PRAGMA foreign_keys is ignored inside a transaction, so it is switched before BEGIN.
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
  execute("PRAGMA foreign_keys = OFF");
  try {
    execute("BEGIN IMMEDIATE");
  } catch (...) {
    execute("PRAGMA foreign_keys = ON");
    throw;
  }
}

void sqlite_connection::commit() {
  auto violations = query("PRAGMA foreign_key_check", {});
  if (!violations.empty()) {
    std::string msg = "FOREIGN KEY constraint failed at commit: ";
    for (std::size_t i = 0; i < violations.size() && i < 5; ++i) {
      const auto& v = violations[i];
      msg += (i ? "; " : "") + std::string("a row of '") + v[0].value_or("?") + "' (rowid " + v[1].value_or("?") +
             ") references a missing row of '" + v[2].value_or("?") + "'";
    }
    if (violations.size() > 5) msg += "; and " + std::to_string(violations.size() - 5) + " more";
    throw sdk::error(sdk::error_kind::database, msg).with_native_code(SQLITE_CONSTRAINT_FOREIGNKEY);
  }
  execute("COMMIT");
  execute("PRAGMA foreign_keys = ON");
}

void sqlite_connection::rollback() {
  if (!sqlite3_get_autocommit(db_)) execute("ROLLBACK");
  execute("PRAGMA foreign_keys = ON");
}

void sqlite_connection::set_lock_wait(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
}

sdk::table_place sqlite_connection::find_table(std::string_view, std::string_view name) {
  return {"main", !query("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", {std::string(name)}).empty()};
}

sdk::schema sqlite_connection::introspect() {
  // The catalog (the pragmas, joined to sqlite_master: one query for each kind of object, whatever
  // the number of tables) says what exists; the names of constraints exist only in the CREATE
  // TABLE text SQLite keeps, so they are read from there and matched to the catalog by columns.
  auto same = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!sdk::detail::iequals(a[i], b[i])) return false;
    return true;
  };
  static const std::string each_table =
      " FROM main.sqlite_master m JOIN {} WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, {}";
  struct known {
    sdk::declared_constraints declared;
    bool rowid = true;
    std::vector<std::pair<int, std::string>> pk;
  };
  sdk::schema s;
  std::map<std::string, known> tables;
  for (const auto& t : query("SELECT name, coalesce(sql, '') FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE "
                             "'sqlite\\_%' ESCAPE '\\'",
                             {})) {
    const std::string name = t[0].value_or(""), create = t[1].value_or("");
    s.tables[name].name = name;
    std::string upper = create;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    tables[name] = {sdk::read_declared_constraints(create, sdk::sql_syntax::sqlite()),
                    upper.find("WITHOUT ROWID") == std::string::npos,
                    {}};
  }
  for (const auto& c : query(fmt::format(fmt::runtime("SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk" + each_table),
                                         "pragma_table_info(m.name) p", "p.cid"),
                             {})) {
    sdk::table& table = s.tables[c[0].value_or("")];
    sdk::column col;
    col.name = c[1].value_or("");
    col.type = c[2].value_or("");
    col.nullable = c[3].value_or("0") == "0";
    col.server_default = c[4];
    col.primary_key = c[5].value_or("0") != "0";
    if (col.primary_key) tables[table.name].pk.emplace_back(std::stoi(*c[5]), col.name);
    table.columns.push_back(std::move(col));
  }
  for (auto& [name, table] : s.tables) {
    auto& k = tables[name];
    std::sort(k.pk.begin(), k.pk.end());
    if (k.pk.size() > 1)
      for (const auto& p : k.pk) table.primary_key.push_back(p.second);
    if (k.pk.size() == 1 && k.rowid)
      for (auto& col : table.columns)
        // An INTEGER PRIMARY KEY is the rowid: never NULL (a NULL inserted there gets the next id),
        // whatever PRAGMA table_info's notnull says.
        if (col.primary_key && sdk::detail::iequals(col.type, "INTEGER")) {
          col.nullable = false;
          col.autoincrement = true;
        }
    table.checks = k.declared.checks;
  }
  // Indexes, each with its columns in order: those made by CREATE INDEX, and UNIQUE constraints
  // (SQLite names their index sqlite_autoindex_<table>_<n>). The primary key's own is left out.
  struct index_row {
    std::string table;
    sdk::index index;
    std::string origin;
  };
  std::vector<index_row> indexes;
  for (const auto& r : query(fmt::format(fmt::runtime("SELECT m.name, il.name, il.\"unique\", il.origin, ii.name" + each_table),
                                         "pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii",
                                         "il.name, ii.seqno"),
                             {})) {
    if (r[3].value_or("") == "pk") continue;
    if (indexes.empty() || indexes.back().table != r[0].value_or("") || indexes.back().index.name != r[1].value_or(""))
      indexes.push_back({r[0].value_or(""), {r[1].value_or(""), r[0].value_or(""), {}, r[2].value_or("0") != "0"},
                         r[3].value_or("")});
    indexes.back().index.columns.push_back(r[4].value_or(""));
  }
  for (auto& [name, index, origin] : indexes) {
    // An index on an expression has a column without a name: not something the model says.
    if (std::find(index.columns.begin(), index.columns.end(), "") != index.columns.end()) continue;
    sdk::table& table = s.tables[name];
    if (origin == "c") {
      table.indexes.push_back(std::move(index));
      continue;
    }
    sdk::unique_constraint u{"", index.columns};
    for (const auto& d : tables[name].declared.uniques)
      if (same(d.columns, u.columns) && !d.name.empty()) u.name = d.name;
    sdk::column* only = nullptr;  // an unnamed UNIQUE on one column is the column's own
    if (u.name.empty() && u.columns.size() == 1)
      for (auto& col : table.columns)
        if (sdk::detail::iequals(col.name, u.columns[0])) only = &col;
    if (only) only->unique = true;
    else table.uniques.push_back(std::move(u));
  }
  // Foreign keys, by the id SQLite gives each within its table, then by their declared names.
  std::string last_table, last_id;
  for (const auto& fk : query(fmt::format(fmt::runtime("SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_delete, f.on_update" +
                                                           each_table),
                                          "pragma_foreign_key_list(m.name) f", "f.id, f.seq"),
                              {})) {
    sdk::table& table = s.tables[fk[0].value_or("")];
    if (last_table != table.name || last_id != fk[1].value_or("")) {
      last_table = table.name;
      last_id = fk[1].value_or("");
      sdk::foreign_key k;
      k.ref_table = fk[2].value_or("");
      if (fk[5] && *fk[5] != "NO ACTION") k.on_delete = fk[5];
      if (fk[6] && *fk[6] != "NO ACTION") k.on_update = fk[6];
      table.foreign_keys.push_back(std::move(k));
    }
    table.foreign_keys.back().columns.push_back(fk[3].value_or(""));
    if (fk[4]) table.foreign_keys.back().ref_columns.push_back(*fk[4]);
  }
  for (auto& [name, table] : s.tables)
    for (auto& k : table.foreign_keys)
      for (const auto& d : tables[name].declared.foreign_keys)
        if (same(d.columns, k.columns) && sdk::detail::iequals(d.ref_table, k.ref_table)) {
          k.name = d.name;
          if (k.ref_columns.empty()) k.ref_columns = d.ref_columns;
        }
  return s;
}

std::string sqlite_connection::server_version() { return sqlite3_libversion(); }

void sqlite_connection::backup(const std::string& path) {
  sqlite3* to = nullptr;
  auto refuse = [&](const std::string& why) {
    sqlite3_close(to);
    throw sdk::error(sdk::error_kind::database, "--backup " + path + ": " + why);
  };
  if (sqlite3_open_v2(path.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
    refuse(to ? sqlite3_errmsg(to) : "cannot open it");
  sqlite3_backup* copy = sqlite3_backup_init(to, "main", db_, "main");
  if (!copy) refuse(sqlite3_errmsg(to));
  const int rc = sqlite3_backup_step(copy, -1);  // every page at once: the run holds the lock
  sqlite3_backup_finish(copy);
  if (rc != SQLITE_DONE) refuse(sqlite3_errstr(rc));
  if (sqlite3_close(to) != SQLITE_OK) throw sdk::error(sdk::error_kind::database, "--backup " + path + ": cannot close it");
}

}  // namespace retort_sqlite
