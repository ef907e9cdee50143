// lite_connection.cpp — a session on one SQLite file through the sqlite3 C API.
#include "lite_connection.hpp"

#include <retort/sdk/declared_constraints.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <sqlite3.h>

#include <map>
#include <memory>
#include <optional>

namespace lite {
namespace {

struct finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, finalize>;

}  // namespace

lite_connection::lite_connection(const sdk::url& where) : where_(where.redacted()) {
  if (where.database.empty())
    throw sdk::error(sdk::error_kind::input, where_ + " names no file: write lite:///relative.db or lite:////absolute.db");
  const int rc = sqlite3_open_v2(where.database.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw sdk::error(sdk::error_kind::database, "cannot open " + where_ + ": " + why).with_native_code(rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_exec(db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);  // off by default in SQLite
}

lite_connection::~lite_connection() { sqlite3_close_v2(db_); }

void lite_connection::fail(int rc) const {
  // SQLITE_BUSY is another writer holding the database past the busy timeout: the lock.
  const bool busy = (rc & 0xff) == SQLITE_BUSY;
  throw sdk::error(busy ? sdk::error_kind::lock : sdk::error_kind::database,
                   std::string(busy ? where_ + " is locked by another writer: " : "") + sqlite3_errmsg(db_))
      .with_native_code(rc);
}

std::uint64_t lite_connection::execute(std::string_view sql) {
  const char* tail = sql.data();
  const char* const end = sql.data() + sql.size();
  // sqlite3_changes() still holds the last INSERT, UPDATE or DELETE's count after a statement of
  // another kind; the growth of the total is what these statements changed.
  const sqlite3_int64 before = sqlite3_total_changes64(db_);
  while (tail < end) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &raw, &tail);
    if (rc != SQLITE_OK) fail(rc);
    statement s(raw);
    if (!s) continue;  // only a comment or spaces were left
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail(rc);
  }
  return static_cast<std::uint64_t>(sqlite3_total_changes64(db_) - before);
}

std::vector<sdk::row> lite_connection::query(std::string_view sql, const std::vector<sdk::param>& params) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) fail(rc);
  statement s(raw);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i + 1);
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) rc = sqlite3_bind_int64(s.get(), at, *n);
    else if (const auto* t = std::get_if<std::string>(&params[i]))
      rc = sqlite3_bind_text(s.get(), at, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
    else rc = sqlite3_bind_null(s.get(), at);
    if (rc != SQLITE_OK) fail(rc);
  }
  std::vector<sdk::row> rows;
  const int columns = sqlite3_column_count(s.get());
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    sdk::row& r = rows.emplace_back();
    for (int c = 0; c < columns; ++c) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), c));
      if (text) r.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s.get(), c))));
      else r.emplace_back(std::nullopt);
    }
  }
  if (rc != SQLITE_DONE) fail(rc);
  return rows;
}

void lite_connection::begin(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
  execute("BEGIN IMMEDIATE");  // the write lock now, not at the first write
}

void lite_connection::rollback() {
  if (!sqlite3_get_autocommit(db_)) execute("ROLLBACK");
}

void lite_connection::set_lock_wait(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
}

sdk::table_place lite_connection::find_table(std::string_view, std::string_view name) {
  return {"main", !query("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", {std::string(name)}).empty()};
}

sdk::schema lite_connection::introspect() {
  // The pragmas say what exists; constraint names live only in the CREATE TABLE text.
  sdk::schema s;
  for (const auto& t : query("SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {})) {
    sdk::table& table = s.tables[*t[0]];
    table.name = *t[0];
    const auto declared = sdk::read_declared_constraints(t[1].value_or(""), sdk::sql_syntax::sqlite());
    std::map<int, std::string> pk;  // by position in the key
    for (const auto& c :
         query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", {table.name})) {
      sdk::column& col = table.columns.emplace_back();
      col.name = *c[0];
      col.type = c[1].value_or("");
      col.nullable = c[2] == "0";
      col.server_default = c[3];
      col.primary_key = c[4] != "0";
      if (col.primary_key) pk[std::stoi(*c[4])] = col.name;
    }
    if (pk.size() > 1)
      for (const auto& [at, name] : pk) table.primary_key.push_back(name);
    for (auto& col : table.columns)  // an INTEGER PRIMARY KEY is the rowid, never NULL
      if (pk.size() == 1 && col.primary_key && sdk::detail::iequals(col.type, "INTEGER")) col.nullable = false;
    for (const auto& ix : query("SELECT name, \"unique\", origin FROM pragma_index_list(?)", {table.name})) {
      if (ix[2] == "pk") continue;
      std::vector<std::string> cols;
      for (const auto& c : query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", {*ix[0]})) cols.push_back(*c[0]);
      if (ix[2] == "c") {
        table.indexes.push_back({*ix[0], table.name, cols, ix[1] == "1"});
        continue;
      }
      std::string name;  // a UNIQUE constraint: its name as declared, if it has one
      for (const auto& u : declared.uniques)
        if (u.columns == cols) name = u.name;
      table.uniques.push_back({name, cols});
    }
    table.checks = declared.checks;
    std::optional<std::string> last;  // a foreign key's columns are rows with the same id
    for (const auto& fk : query("SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) "
                                "ORDER BY id, seq",
                                {table.name})) {
      if (fk[0] != last) {
        last = fk[0];
        sdk::foreign_key& k = table.foreign_keys.emplace_back();
        k.ref_table = *fk[1];
        if (fk[4] != "NO ACTION") k.on_delete = fk[4];
      }
      table.foreign_keys.back().columns.push_back(*fk[2]);
      table.foreign_keys.back().ref_columns.push_back(fk[3].value_or(""));
    }
    for (auto& k : table.foreign_keys)
      for (const auto& d : declared.foreign_keys)
        if (d.columns == k.columns && d.ref_table == k.ref_table) k.name = d.name;
  }
  return s;
}

std::string lite_connection::server_version() { return sqlite3_libversion(); }

}  // namespace lite
