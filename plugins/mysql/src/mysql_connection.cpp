// mysql_connection.cpp — a MySQL or MariaDB session through Connector/C++ 1.1 (the classic sql:: API).
#include "mysql_connection.hpp"

#include "mysql_dialect.hpp"

#include <retort/sdk/error.hpp>

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <thread>

namespace retort_mysql {
namespace {

// Server error numbers retort tells apart.
constexpr int er_lock_wait_timeout = 1205;  // innodb_lock_wait_timeout, lock_wait_timeout
constexpr int er_lock_nowait = 3572;        // NOWAIT / SKIP LOCKED
constexpr int cr_server_gone = 2006;
constexpr int cr_server_lost = 2013;

/// The database's own error: its number and SQLSTATE, and its words, which name no password.
sdk::error translate(const sql::SQLException& e, const std::string& prefix = {}) {
  const int code = e.getErrorCode();
  const auto kind = code == er_lock_wait_timeout || code == er_lock_nowait ? sdk::error_kind::lock : sdk::error_kind::database;
  std::string state = e.getSQLStateCStr() ? e.getSQLStateCStr() : "";
  if (state.size() != 5 || state == "00000") state.clear();
  // A connection's error is shown as it is; a statement's gets its codes from the runner.
  std::string message = prefix + e.what();
  if (!prefix.empty()) message += fmt::format(" [{}error {}]", state.empty() ? "" : "SQLSTATE " + state + ", ", code);
  sdk::error out(kind, message);
  out.with_native_code(code);
  if (!state.empty()) out.with_sqlstate(state);
  return out;
}

template <class Fn> auto guarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const sdk::error&) {
    throw;
  } catch (const sql::SQLException& e) {
    throw translate(e);
  } catch (const std::exception& e) {
    throw sdk::error(sdk::error_kind::database, e.what());
  }
}

/// Rows of a statement on `c`, every value as text; `?` parameters through a prepared statement.
std::vector<sdk::row> rows_of(sql::Connection& c, std::string_view sql, const std::vector<sdk::param>& params) {
  const sql::SQLString q(std::string(sql).c_str());
  std::unique_ptr<sql::ResultSet> rs;
  if (params.empty()) {
    // The text protocol: values exactly as the server spells them.
    std::unique_ptr<sql::Statement> st(c.createStatement());
    if (st->execute(q)) rs.reset(st->getResultSet());
    if (!rs) return {};
  } else {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(q));
    unsigned i = 0;
    for (const auto& p : params) {
      ++i;
      if (auto* n = std::get_if<std::int64_t>(&p)) ps->setInt64(i, *n);
      else if (auto* s = std::get_if<std::string>(&p)) ps->setString(i, sql::SQLString(s->c_str(), s->size()));
      else ps->setNull(i, sql::DataType::VARCHAR);
    }
    if (ps->execute()) rs.reset(ps->getResultSet());
    if (!rs) return {};
  }
  std::vector<sdk::row> out;
  const unsigned n = rs->getMetaData()->getColumnCount();
  while (rs->next()) {
    sdk::row r;
    for (unsigned i = 1; i <= n; ++i) {
      if (rs->isNull(i)) {
        r.emplace_back(std::nullopt);
      } else {
        const sql::SQLString v = rs->getString(i);
        r.emplace_back(std::string(v.c_str(), v.length()));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// information_schema's type back in the neutral vocabulary, where it is one of the neutral types
/// this dialect renders; anything else as the server spells it (COLUMN_TYPE).
std::string neutral_type(const std::string& data_type, const std::string& column_type) {
  const std::string d = lower(data_type), c = lower(column_type);
  const auto args = c.find('(') == std::string::npos ? std::string() : c.substr(c.find('('), c.find(')') - c.find('(') + 1);
  if (c.find("unsigned") != std::string::npos || c.find("zerofill") != std::string::npos) return column_type;
  if (d == "int") return "integer";
  if (d == "bigint") return "bigint";
  if (d == "smallint") return "smallint";
  if (d == "tinyint" && args == "(1)") return "boolean";
  if (d == "varchar") return "string" + args;
  if (d == "text") return "text";
  if (d == "date") return "date";
  if (d == "time") return "time";
  if (d == "datetime") return args == "(6)" ? "timestamp" : "timestamp" + args;
  if (d == "float") return "float";
  if (d == "double") return "double";
  if (d == "decimal") return "numeric" + args;
  if (d == "blob") return "binary";
  if (d == "json") return "json";
  if (d == "char" && args == "(36)") return "uuid";
  return column_type;
}

/// ON DELETE as the neutral model keeps it: none for the default (RESTRICT, which is NO ACTION in InnoDB).
std::optional<std::string> action(const std::optional<std::string>& rule) {
  if (!rule || *rule == "RESTRICT" || *rule == "NO ACTION") return std::nullopt;
  return rule;
}

/// A 64-bit FNV-1a hash, in hex.
std::string fnv_hex(std::string_view s) {
  unsigned long long h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

bool all_of_chars(const std::string& s, std::string_view allowed_punct) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](unsigned char c) {
    return std::isalnum(c) || allowed_punct.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

}  // namespace

struct mysql_connection::cpp {
  sql::ConnectOptionsMap options;
  std::unique_ptr<sql::Connection> conn;
  std::unique_ptr<sql::Connection> lock_conn;  // GET_LOCK's own session
  bool in_transaction = false;

  std::unique_ptr<sql::Connection> open(const std::string& where) const {
    try {
      sql::ConnectOptionsMap copy = options;  // connect() may change the map it is given
      return std::unique_ptr<sql::Connection>(sql::mysql::get_mysql_driver_instance()->connect(copy));
    } catch (const sql::SQLException& e) {
      // The server's words name the user and host ("Access denied for user 'a'@'h' (using
      // password: YES)"), never the password.
      throw translate(e, "cannot connect to " + where + ": ");
    }
  }
};

mysql_connection::mysql_connection(const sdk::url& u, const mysql_dialect& dialect)
    : dialect_(dialect), where_(u.redacted()), database_(u.database), my_(std::make_unique<cpp>()) {
  auto bad = [&](const std::string& why) { throw sdk::error(sdk::error_kind::input, where_ + ": " + why); };
  static const char* const known = "charset, connect_timeout, ssl_ca, ssl_cert, ssl_key, ssl_mode (or sslmode), unix_socket";
  std::optional<std::string> socket, ssl_ca, ssl_cert, ssl_key, ssl_mode;
  std::string charset = "utf8mb4";
  for (const auto& [k, v] : u.query) {
    if (k == "charset") charset = v;
    else if (k == "unix_socket") socket = v;
    else if (k == "ssl_ca") ssl_ca = v;
    else if (k == "ssl_cert") ssl_cert = v;
    else if (k == "ssl_key") ssl_key = v;
    else if (k == "ssl_mode" || k == "sslmode") ssl_mode = lower(v);
    else if (k == "connect_timeout") {
      if (v.empty() || v.size() > 6 || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
        bad("connect_timeout must be a whole number of seconds, not '" + v + "'");
      my_->options["OPT_CONNECT_TIMEOUT"] = std::stoi(v);
    } else
      bad(fmt::format("the URL parameter '{}' is not one the mysql dialect knows; known: {}", k, known));
  }
  if (!all_of_chars(charset, "_")) bad("charset '" + charset + "' is not a character set name (utf8mb4, latin1, …)");
  const unsigned port = u.port.value_or(3306);
  if (socket) {
    my_->options["hostName"] = sql::SQLString(("unix://" + *socket).c_str());
  } else {
    const std::string host = u.host.empty() ? "localhost" : u.host;
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    my_->options["hostName"] = sql::SQLString(fmt::format("tcp://{}:{}", shown, port).c_str());
    my_->options["port"] = static_cast<int>(port);
  }
  if (!u.user.empty()) my_->options["userName"] = sql::SQLString(u.user.c_str());
  if (u.password) my_->options["password"] = sql::SQLString(u.password->c_str(), u.password->size());
  if (!u.database.empty()) my_->options["schema"] = sql::SQLString(u.database.c_str());
  my_->options["OPT_CHARSET_NAME"] = sql::SQLString(charset.c_str());
  my_->options["OPT_RECONNECT"] = false;  // a reconnect would lose the transaction and the lock unnoticed
  // UPDATE reports the rows it matched, not only those whose values changed: retort checks that
  // each of its own writes touched one row.
  my_->options["CLIENT_FOUND_ROWS"] = true;
  // SSL: the connector's sslCA/sslCert/sslKey, and sslEnforce/sslVerify for the mode (libpq's names
  // are taken too).
  bool enforce = false, verify = false;
  if (ssl_mode) {
    const std::string& m = *ssl_mode;
    if (m == "disabled" || m == "disable") ssl_ca = ssl_cert = ssl_key = std::nullopt;
    else if (m == "preferred" || m == "prefer" || m == "allow") {
    } else if (m == "required" || m == "require") enforce = true;
    else if (m == "verify_ca" || m == "verify-ca" || m == "verify_identity" || m == "verify-full") enforce = verify = true;
    else bad("ssl_mode '" + m + "' is not one of: disabled, preferred, required, verify_ca, verify_identity");
  }
  if (ssl_ca) my_->options["sslCA"] = sql::SQLString(ssl_ca->c_str());
  if (ssl_cert) my_->options["sslCert"] = sql::SQLString(ssl_cert->c_str());
  if (ssl_key) my_->options["sslKey"] = sql::SQLString(ssl_key->c_str());
  if (enforce) my_->options["sslEnforce"] = true;
  if (verify) my_->options["sslVerify"] = true;

  my_->conn = my_->open(where_);
  if (enforce && !verify) {
    // The connector built on MariaDB Connector/C ignores sslEnforce (only sslVerify makes TLS
    // required), so `required` is checked once connected.
    const auto cipher = guarded([&] { return rows_of(*my_->conn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'", {}); });
    if (cipher.empty() || cipher[0].size() < 2 || cipher[0][1].value_or("").empty())
      throw sdk::error(sdk::error_kind::database, "cannot connect to " + where_ +
                                                      ": ssl_mode=required, but the server did not encrypt the "
                                                      "connection (it has no TLS set up)");
  }
  const auto r = guarded([&] { return rows_of(*my_->conn, "SELECT VERSION()", {}); });
  const std::string v = r.at(0).at(0).value_or("");
  mariadb_ = v.find("MariaDB") != std::string::npos;
  // "10.11.19-MariaDB-0+deb12u1" → "10.11.19-MariaDB"; "8.0.36-0ubuntu0.22.04.1" → "8.0.36".
  const auto number = v.substr(0, v.find_first_not_of("0123456789."));
  version_ = mariadb_ ? number + "-MariaDB" : number;
}

mysql_connection::~mysql_connection() = default;

std::uint64_t mysql_connection::execute(std::string_view sql) {
  return guarded([&] {
    std::unique_ptr<sql::Statement> st(my_->conn->createStatement());
    const std::string q(sql);
    std::uint64_t changed = 0;
    if (st->execute(sql::SQLString(q.c_str(), q.size()))) {
      std::unique_ptr<sql::ResultSet> rows(st->getResultSet());  // a migration may SELECT: dropped
    } else {
      changed = st->getUpdateCount();
    }
    while (st->getMoreResults()) {  // a CALL's results
      std::unique_ptr<sql::ResultSet> more(st->getResultSet());
    }
    // Only what INSERT, UPDATE, DELETE and REPLACE changed: an ALTER TABLE reports the rows it copied.
    const auto w = sdk::leading_words(sql, dialect_.syntax(), 1);
    const std::string first = w.empty() ? std::string() : w.front();
    const bool dml = first == "insert" || first == "update" || first == "delete" || first == "replace" || first == "with";
    return dml ? changed : 0;
  });
}

std::vector<sdk::row> mysql_connection::query(std::string_view sql, const std::vector<sdk::param>& params) {
  return guarded([&] { return rows_of(*my_->conn, sql, params); });
}

void mysql_connection::begin(std::chrono::milliseconds) {
  guarded([&] {
    my_->conn->setAutoCommit(false);
    my_->in_transaction = true;
  });
}

void mysql_connection::commit() {
  if (!my_->in_transaction) return;
  my_->in_transaction = false;
  try {
    my_->conn->commit();
    my_->conn->setAutoCommit(true);
  } catch (const sql::SQLException& e) {
    auto err = translate(e);
    // The connection went away during COMMIT: whether it took effect is unknown.
    if (e.getErrorCode() == cr_server_gone || e.getErrorCode() == cr_server_lost) err.with_in_doubt();
    throw err;
  }
}

void mysql_connection::rollback() {
  if (!my_->in_transaction) return;
  my_->in_transaction = false;
  guarded([&] {
    my_->conn->rollback();
    my_->conn->setAutoCommit(true);
  });
}

std::string mysql_connection::lock_name(std::string_view key) const {
  // Named locks are server-wide: the database keeps two projects on one server apart. MySQL allows
  // 64 characters; a longer name keeps its start and a hash of the whole.
  const std::string full = database_ + ":" + std::string(key);
  if (full.size() <= 64) return full;
  return full.substr(0, 47) + "#" + fnv_hex(full);
}

namespace {

/// GET_LOCK(name) on `c`, trying until `deadline`: whether it was taken.
bool take_until(sql::Connection& c, const std::string& name, std::chrono::steady_clock::time_point deadline,
                const std::string& where) {
  for (;;) {
    // GET_LOCK waits in whole seconds; the rest of the time by polling.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const std::int64_t wait = std::max<std::int64_t>(0, left.count() / 1000);
    const auto r = guarded([&] { return rows_of(c, "SELECT GET_LOCK(?, ?)", {name, wait}); });
    const auto got = r.at(0).at(0);
    if (got == std::optional<std::string>("1")) return true;
    if (!got) throw sdk::error(sdk::error_kind::lock, "GET_LOCK('" + name + "') on " + where + " failed (the session was killed?)");
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(100), deadline - now));
  }
}

/// Who holds lock `name`: IS_USED_LOCK gives the connection, the process list (where this user may
/// read it) the rest.
std::string holder_of(sql::Connection& c, const std::string& name) {
  std::string holder = "another session";
  try {
    const auto id = rows_of(c, "SELECT IS_USED_LOCK(?)", {name}).at(0).at(0);
    if (id) {
      holder = "connection " + *id;
      const auto p = rows_of(c, "SELECT USER, HOST, COMMAND, TIME, LEFT(INFO, 200) FROM information_schema.PROCESSLIST WHERE ID = ?",
                             {static_cast<std::int64_t>(std::stoll(*id))});
      if (!p.empty())
        holder += fmt::format(" (user {} from {}, {} for {} s{})", p[0][0].value_or("?"), p[0][1].value_or("?"),
                              p[0][2].value_or("?"), p[0][3].value_or("?"),
                              p[0][4] ? ", running: " + *p[0][4] : std::string());
    }
  } catch (const std::exception&) {
  }
  return holder;
}

}  // namespace

void mysql_connection::lock(std::string_view key, std::chrono::milliseconds timeout) {
  // Two locks: the migration lock on a session of its own, which no statement of a migration can
  // release; and one on the session that runs the statements, which the server keeps until the
  // statement under way ends. A runner killed mid-statement loses the first at once while the
  // server goes on with its ALTER TABLE: the next runner waits for the second.
  if (!my_->lock_conn) my_->lock_conn = my_->open(where_);
  const std::string name = lock_name(key), statements = lock_name(std::string(key) + ":statements");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string waited = fmt::format("waited {:.1f} s (raise --lock-timeout to wait longer)",
                                         static_cast<double>(timeout.count()) / 1000.0);
  if (!take_until(*my_->lock_conn, name, deadline, where_))
    throw sdk::error(sdk::error_kind::lock, fmt::format("the migration lock on {} (GET_LOCK '{}') is held by {}; {}",
                                                        where_, name, holder_of(*my_->lock_conn, name), waited));
  if (!take_until(*my_->conn, statements, deadline, where_)) {
    const std::string holder = holder_of(*my_->lock_conn, statements);
    unlock(key);
    throw sdk::error(sdk::error_kind::lock,
                     fmt::format("a runner that stopped left a statement running on {}: {}; {} — it ends with the "
                                 "statement, or at once with KILL",
                                 where_, holder, waited));
  }
}

void mysql_connection::unlock(std::string_view key) {
  if (!my_->lock_conn) return;
  guarded([&] {
    rows_of(*my_->conn, "SELECT RELEASE_LOCK(?)", {lock_name(std::string(key) + ":statements")});
    rows_of(*my_->lock_conn, "SELECT RELEASE_LOCK(?)", {lock_name(key)});
  });
}

void mysql_connection::set_lock_wait(std::chrono::milliseconds timeout) {
  execute(dialect_.timeout_sql("lock_timeout", timeout));
}

sdk::table_place mysql_connection::find_table(std::string_view schema, std::string_view name) {
  std::string db(schema);
  if (db.empty()) db = query("SELECT DATABASE()", {}).at(0).at(0).value_or("");
  if (db.empty())
    throw sdk::error(sdk::error_kind::input, where_ + " names no database, so there is nowhere to create retort's tables; "
                                                       "add one to the URL (mysql://user@host/app)");
  const bool exists = !query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                             "AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')",
                             {db, std::string(name)})
                           .empty();
  return {db, exists};
}

sdk::schema mysql_connection::introspect() {
  // The tables of DATABASE(), one information_schema query per kind of object. No query joins two
  // information_schema tables: MariaDB then reads the second for every database on the server
  // ("Scanned all databases"), 800 ms for 1 000 tables where the two apart take 40.
  sdk::schema s;
  for (const auto& r : query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                             "AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')",
                             {}))
    s.tables[r[0].value_or("")].name = r[0].value_or("");
  for (const auto& r : query("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA "
                             "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                             "ORDER BY TABLE_NAME, ORDINAL_POSITION",
                             {})) {
    auto it = s.tables.find(r[0].value_or(""));
    if (it == s.tables.end()) continue;  // a view's
    auto& t = it->second;
    sdk::column c;
    c.name = r[1].value_or("");
    c.type = neutral_type(r[2].value_or(""), r[3].value_or(""));
    c.nullable = r[4].value_or("YES") == "YES";
    c.server_default = r[5];
    // MariaDB writes the default as SQL, and no default as the text NULL.
    if (mariadb_ && c.server_default == std::optional<std::string>("NULL")) c.server_default.reset();
    c.autoincrement = lower(r[6].value_or("")).find("auto_increment") != std::string::npos;
    t.columns.push_back(std::move(c));
  }
  auto table_of = [&](const std::optional<std::string>& n) -> sdk::table* {
    auto it = s.tables.find(n.value_or(""));
    return it == s.tables.end() ? nullptr : &it->second;
  };
  // Foreign keys, each with its columns in order, and their actions.
  std::map<std::pair<std::string, std::string>, std::pair<std::optional<std::string>, std::optional<std::string>>> rules;
  for (const auto& r : query("SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE "
                             "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
                             {}))
    rules[{r[0].value_or(""), r[1].value_or("")}] = {r[2], r[3]};
  for (const auto& r : query("SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME "
                             "FROM information_schema.KEY_COLUMN_USAGE "
                             "WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL "
                             "ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
                             {})) {
    sdk::table* t = table_of(r[0]);
    if (!t) continue;
    if (t->foreign_keys.empty() || t->foreign_keys.back().name != r[1].value_or("")) {
      sdk::foreign_key fk;
      fk.name = r[1].value_or("");
      fk.ref_table = r[3].value_or("");
      const auto& [on_delete, on_update] = rules[{t->name, fk.name}];
      fk.on_delete = action(on_delete);
      fk.on_update = action(on_update);
      t->foreign_keys.push_back(std::move(fk));
    }
    t->foreign_keys.back().columns.push_back(r[2].value_or(""));
    t->foreign_keys.back().ref_columns.push_back(r[4].value_or(""));
  }
  // Checks. MariaDB keeps a column's own CHECK (the JSON_VALID of a JSON column) as a constraint
  // named after the column: that one is part of the column's type.
  std::set<std::pair<std::string, std::string>> json_columns;
  const char* const checks_sql =
      mariadb_ ? "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS "
                 "WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME"
               : "SELECT t.TABLE_NAME, t.CONSTRAINT_NAME, c.CHECK_CLAUSE, 'Table' FROM information_schema.TABLE_CONSTRAINTS t "
                 "JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA "
                 "AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME "
                 "WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK' ORDER BY t.TABLE_NAME, t.CONSTRAINT_NAME";
  for (const auto& r : query(checks_sql, {})) {
    sdk::table* t = table_of(r[0]);
    if (!t) continue;
    const std::string name = r[1].value_or(""), clause = r[2].value_or("");
    if (r[3].value_or("Table") == "Column") {
      if (lower(clause) == "json_valid(`" + lower(name) + "`)") json_columns.emplace(t->name, name);
      continue;
    }
    t->checks.push_back({name, clause});
  }
  for (auto& [tname, t] : s.tables)
    for (auto& c : t.columns)
      if (json_columns.count({tname, c.name}) && lower(c.type) == "longtext") c.type = "json";
  // Indexes: PRIMARY is the key; a unique index is a unique constraint (MySQL has no other kind);
  // the index InnoDB made for a foreign key belongs to the key, not to the migrations.
  for (const auto& r : query("SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS "
                             "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
                             {})) {
    sdk::table* t = table_of(r[0]);
    if (!t) continue;
    const std::string name = r[1].value_or(""), col = r[3].value_or("");
    if (name == "PRIMARY") {
      t->primary_key.push_back(col);
      continue;
    }
    if (r[2].value_or("1") == "0") {
      if (t->uniques.empty() || t->uniques.back().name != name) t->uniques.push_back({name, {}});
      t->uniques.back().columns.push_back(col);
      continue;
    }
    if (t->indexes.empty() || t->indexes.back().name != name) {
      sdk::index ix;
      ix.name = name;
      ix.table = t->name;
      t->indexes.push_back(std::move(ix));
    }
    t->indexes.back().columns.push_back(col);
  }
  for (auto& [tname, t] : s.tables) {
    // A one-column key is the column's; a composite one the table's.
    for (auto& c : t.columns) c.primary_key = std::find(t.primary_key.begin(), t.primary_key.end(), c.name) != t.primary_key.end();
    if (t.primary_key.size() < 2) t.primary_key.clear();
    sdk::detail::erase_if_any(t.indexes, [&](const sdk::index& ix) {
      for (const auto& fk : t.foreign_keys) {
        if (ix.columns != fk.columns) continue;
        // Named after the constraint, or, for an unnamed one (tbl_ibfk_N), after its first column.
        if (ix.name == fk.name) return true;
        if (fk.name.find("_ibfk_") != std::string::npos && ix.name == fk.columns.front()) return true;
      }
      return false;
    });
  }
  return s;
}

std::string mysql_connection::server_version() { return version_; }

}  // namespace retort_mysql
