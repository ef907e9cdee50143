// pg_connection.cpp — a PostgreSQL session through libpqxx 6.4.
#include "pg_connection.hpp"

#include <retort/sdk/error.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

namespace retort_postgres {
namespace {

/// A libpq keyword value, quoted.
std::string conn_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

/// The database's own error, with its SQLSTATE; never the connection string.
/// libpq ends its messages with a newline.
std::string trimmed(const char* what) {
  std::string s = what;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

sdk::error translate(const std::exception& e) {
  if (const auto* s = dynamic_cast<const pqxx::sql_error*>(&e))
    return sdk::error(sdk::error_kind::database, trimmed(s->what())).with_sqlstate(s->sqlstate());
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return sdk::error(sdk::error_kind::database, trimmed(e.what())).with_in_doubt();
  return sdk::error(sdk::error_kind::database, trimmed(e.what()));
}

template <class Fn> auto guarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const sdk::error&) {
    throw;
  } catch (const std::exception& e) {
    throw translate(e);
  }
}

/// ? placeholders → $1, $2 … outside quotes.
std::string numbered(std::string_view sql) {
  std::string out;
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
      continue;
    }
    out += c;
  }
  return out;
}

/// The 64-bit advisory-lock key of a name (FNV-1a).
long long lock_id(std::string_view key) {
  unsigned long long h = 1469598103934665603ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return static_cast<long long>(h);
}

}  // namespace

struct pg_connection::pq {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::work> tx;
  std::unique_ptr<pqxx::connection> lock_conn;  // the advisory lock's own session

  static std::unique_ptr<pqxx::connection> open(const std::string& conninfo, const std::string& where) {
    try {
      return std::make_unique<pqxx::connection>(conninfo);
    } catch (const std::exception& e) {
      // libpq's message names host and user, never the password.
      throw sdk::error(sdk::error_kind::database, "cannot connect to " + where + ": " + trimmed(e.what()));
    }
  }
};

pg_connection::pg_connection(const sdk::url& u) : where_(u.redacted()) {
  if (!u.host.empty()) conninfo_ += "host=" + conn_value(u.host) + " ";
  if (u.port) conninfo_ += "port=" + std::to_string(*u.port) + " ";
  if (!u.database.empty()) conninfo_ += "dbname=" + conn_value(u.database) + " ";
  if (!u.user.empty()) conninfo_ += "user=" + conn_value(u.user) + " ";
  if (u.password) conninfo_ += "password=" + conn_value(*u.password) + " ";
  bool named = false;
  for (const auto& [k, v] : u.query) {  // sslmode, connect_timeout, application_name, … pass through
    if (k == "schema") {  // retort's own: the search_path
      schema_ = v;
      continue;
    }
    conninfo_ += k + "=" + conn_value(v) + " ";
    named = named || k == "application_name";
  }
  if (!named) conninfo_ += "application_name='retort' ";
  pq_ = std::make_unique<pq>();
  pq_->conn = pq::open(conninfo_, where_);
  if (!schema_.empty()) {
    // The version and history tables live in the schema, and migrations run with it first on the
    // search_path; it is created when missing, as Flyway does.
    const std::string q = pq_->conn->quote_name(schema_);
    execute("CREATE SCHEMA IF NOT EXISTS " + q);
    execute("SET search_path TO " + q);
  }
}

pg_connection::~pg_connection() = default;

std::uint64_t pg_connection::execute(std::string_view sql) {
  return guarded([&] {
    const std::string q(sql);
    // A migration may SELECT: rows are allowed and dropped.
    pqxx::result r = pq_->tx ? pq_->tx->exec(q) : pqxx::nontransaction(*pq_->conn).exec(q);
    return static_cast<std::uint64_t>(r.affected_rows());
  });
}

std::vector<sdk::row> pg_connection::query(std::string_view sql, const std::vector<sdk::param>& params) {
  return guarded([&] {
    std::vector<std::optional<std::string>> args;
    for (const auto& p : params) {
      if (auto* i = std::get_if<std::int64_t>(&p)) args.emplace_back(std::to_string(*i));
      else if (auto* s = std::get_if<std::string>(&p)) args.emplace_back(*s);
      else args.emplace_back(std::nullopt);
    }
    const std::string q = numbered(sql);
    auto run = [&](pqxx::transaction_base& t) { return t.exec_params(q, pqxx::prepare::make_dynamic_params(args)); };
    pqxx::result r;
    if (pq_->tx) r = run(*pq_->tx);
    else {
      pqxx::nontransaction nt(*pq_->conn);
      r = run(nt);
    }
    std::vector<sdk::row> rows;
    for (const auto& row : r) {
      sdk::row out;
      for (const auto& f : row) out.push_back(f.is_null() ? std::nullopt : std::optional<std::string>(f.c_str()));
      rows.push_back(std::move(out));
    }
    return rows;
  });
}

void pg_connection::begin(std::chrono::milliseconds) {
  guarded([&] { pq_->tx = std::make_unique<pqxx::work>(*pq_->conn); });
}

void pg_connection::commit() {
  guarded([&] {
    auto tx = std::move(pq_->tx);
    if (tx) tx->commit();
  });
}

void pg_connection::rollback() {
  guarded([&] {
    auto tx = std::move(pq_->tx);
    if (tx) tx->abort();
  });
}

namespace {

/// Takes advisory lock `id` on `c`, trying until `deadline`.
bool take_until(pqxx::connection& c, long long id, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    bool got = guarded([&] {
      pqxx::nontransaction nt(c);
      return nt.exec_params1("SELECT pg_try_advisory_lock($1)", id)[0].as<bool>();
    });
    if (got) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

/// The session holding advisory lock `id`, as "pid N (application_name …, from …, connected …)".
std::string holder_of(pqxx::connection& c, long long id) {
  try {
    // An advisory lock on a bigint key is (classid, objid) = (high, low) 32 bits.
    pqxx::nontransaction nt(c);
    auto r = nt.exec_params(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
        "coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), ''), coalesce(left(a.query, 200), '') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.classid = (($1::bigint >> 32) & 4294967295)::oid "
        "AND l.objid = ($1::bigint & 4294967295)::oid AND l.objsubid = 1",
        id);
    if (!r.empty())
      return "pid " + std::string(r[0][0].c_str()) + " (application_name '" + r[0][1].c_str() + "', from " +
             r[0][2].c_str() + ", connected " + r[0][3].c_str() + ", running: " + r[0][4].c_str() + ")";
  } catch (const std::exception&) {
  }
  return "another session";
}

}  // namespace

void pg_connection::lock(std::string_view key, std::chrono::milliseconds timeout) {
  // Two locks: the migration lock on a session of its own, which no statement of a migration can
  // release; and one on the session that runs the statements, which its backend keeps until the
  // statement under way ends. A runner killed mid-statement loses the first at once, but the
  // server goes on with the statement (a CREATE INDEX CONCURRENTLY may still finish): the next
  // runner waits for the second, so it never looks at the catalog while that statement runs.
  if (!pq_->lock_conn) pq_->lock_conn = pq::open(conninfo_, where_);
  const std::string name = std::string(key) + ":" + schema_;  // per schema (advisory locks are per database)
  const long long id = lock_id(name), session_id = lock_id(name + ":statements");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string waited = std::to_string(timeout.count() / 1000.0).substr(0, 5) + " s (raise --lock-timeout to wait longer)";
  if (!take_until(*pq_->lock_conn, id, deadline))
    throw sdk::error(sdk::error_kind::lock,
                     "the migration lock on " + where_ + " is held by " + holder_of(*pq_->lock_conn, id) + "; waited " + waited);
  if (!take_until(*pq_->conn, session_id, deadline)) {
    const std::string holder = holder_of(*pq_->lock_conn, session_id);
    unlock(key);
    throw sdk::error(sdk::error_kind::lock, "a runner that stopped left a statement running on " + where_ + ": " +
                                                holder + "; waited " + waited +
                                                " — it ends with the statement, or at once with pg_terminate_backend");
  }
}

void pg_connection::unlock(std::string_view key) {
  if (!pq_->lock_conn) return;
  const std::string name = std::string(key) + ":" + schema_;
  guarded([&] {
    if (!pq_->tx) pqxx::nontransaction(*pq_->conn).exec_params("SELECT pg_advisory_unlock($1)", lock_id(name + ":statements"));
    pqxx::nontransaction(*pq_->lock_conn).exec_params("SELECT pg_advisory_unlock($1)", lock_id(name));
  });
}

sdk::table_place pg_connection::find_table(std::string_view schema, std::string_view name) {
  const std::string wanted(schema.empty() ? std::string_view(schema_) : schema);
  if (!wanted.empty())
    return {wanted, !query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ? AND tablename = ?",
                           {wanted, std::string(name)})
                         .empty()};
  // Where an unqualified name resolves through the search_path now, else where CREATE TABLE would go.
  auto r = query("SELECT (SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                 "c.relnamespace WHERE c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident(?))), "
                 "pg_catalog.current_schema()",
                 {std::string(name)});
  if (r.at(0)[0]) return {*r[0][0], true};
  if (r[0][1]) return {*r[0][1], false};
  throw sdk::error(sdk::error_kind::input,
                   "the search_path of " + where_ +
                       " names no schema that exists, so there is nowhere to create retort's tables; set `schema` in "
                       "retort.toml, or fix the role's search_path");
}

sdk::schema pg_connection::introspect() {
  // The tables of the current schema (where retort's tables and unqualified names go), read from
  // pg_catalog: information_schema would add views and hide what the role does not own.
  sdk::schema s;
  for (const auto& r : query("SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                             "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' "
                             "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
                             "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                             "WHERE n.nspname = pg_catalog.current_schema() AND c.relkind IN ('r', 'p') "
                             "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
                             {})) {
    auto& t = s.tables[r[0].value_or("")];
    t.name = r[0].value_or("");
    sdk::column c;
    c.name = r[1].value_or("");
    c.type = r[2].value_or("");
    c.nullable = r[3].value_or("f") != "t";
    c.server_default = r[4];
    c.autoincrement = r[5].value_or("f") == "t" || (c.server_default && c.server_default->rfind("nextval(", 0) == 0);
    t.columns.push_back(std::move(c));
  }
  // The enum types of the current schema, their values in order.
  for (const auto& r : query("SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                             "JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid "
                             "WHERE n.nspname = pg_catalog.current_schema() ORDER BY t.typname, e.enumsortorder",
                             {}))
    s.enums[r[0].value_or("")].push_back(r[1].value_or(""));
  // The constraints of those tables, in the current schema, by kind.
  static const char* const constraints_here =
      "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ";
  static const char* const in_current_schema =
      "WHERE n.nspname = pg_catalog.current_schema() AND c.relkind IN ('r', 'p') AND k.contype IN ('p', 'u', 'f', 'c') ";
  // Each constraint's columns in key order, and for a foreign key the columns it references.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> keys;
  for (const auto& r : query(std::string("SELECT k.oid::text, a.attname, coalesce(fa.attname, '') ") + constraints_here +
                             "CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(attnum, fattnum, ord) "
                             "JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum "
                             "LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = k.confrelid AND fa.attnum = u.fattnum " +
                             in_current_schema + "ORDER BY k.oid, u.ord",
                             {}))
    keys[r[0].value_or("")].emplace_back(r[1].value_or(""), r[2].value_or(""));
  auto action = [](const std::optional<std::string>& code) -> std::optional<std::string> {
    const char ch = code && !code->empty() ? (*code)[0] : 'a';
    switch (ch) {
      case 'r': return "RESTRICT";
      case 'c': return "CASCADE";
      case 'n': return "SET NULL";
      case 'd': return "SET DEFAULT";
      default: return std::nullopt;  // 'a', NO ACTION: the default
    }
  };
  for (const auto& r : query(std::string("SELECT k.oid::text, c.relname, k.conname, k.contype, coalesce(f.relname, ''), ") +
                             "k.confdeltype, k.confupdtype, pg_catalog.pg_get_constraintdef(k.oid, true) " + constraints_here +
                             "LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid " + in_current_schema +
                             "ORDER BY c.relname, k.conname",
                             {})) {
    auto it = s.tables.find(r[1].value_or(""));
    if (it == s.tables.end()) continue;
    sdk::table& t = it->second;
    std::vector<std::string> cols, refs;
    for (const auto& [col, ref] : keys[r[0].value_or("")]) {
      cols.push_back(col);
      refs.push_back(ref);
    }
    const std::string name = r[2].value_or(""), type = r[3].value_or("");
    if (type == "p") {
      for (auto& c : t.columns)
        if (std::find(cols.begin(), cols.end(), c.name) != cols.end()) c.primary_key = true;
      if (cols.size() > 1) t.primary_key = cols;
    } else if (type == "u") {
      t.uniques.push_back({name, cols});
    } else if (type == "f") {
      sdk::foreign_key fk;
      fk.name = name;
      fk.columns = cols;
      fk.ref_table = r[4].value_or("");
      fk.ref_columns = refs;
      fk.on_delete = action(r[5]);
      fk.on_update = action(r[6]);
      t.foreign_keys.push_back(std::move(fk));
    } else {
      // pg_get_constraintdef: "CHECK (expression)"
      std::string def = r[7].value_or("");
      if (def.rfind("CHECK (", 0) == 0 && def.back() == ')') def = def.substr(7, def.size() - 8);
      t.checks.push_back({name, def});
    }
  }
  // Indexes made by CREATE INDEX; those behind a primary key or unique constraint belong to it. An
  // invalid index (a CREATE INDEX CONCURRENTLY that failed or was killed) is not one: nothing uses it.
  for (const auto& r : query("SELECT c.relname, i.relname, x.indisunique, "
                             "coalesce(a.attname, pg_catalog.pg_get_indexdef(x.indexrelid, u.ord::int, true)) "
                             "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indrelid "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
                             "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord) "
                             "LEFT JOIN pg_catalog.pg_attribute a "
                             "ON a.attrelid = x.indrelid AND a.attnum = u.attnum AND u.attnum > 0 "
                             "WHERE n.nspname = pg_catalog.current_schema() AND c.relkind IN ('r', 'p') AND x.indisvalid "
                             "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = x.indexrelid "
                             "AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) "
                             "ORDER BY c.relname, i.relname, u.ord",
                             {})) {
    auto it = s.tables.find(r[0].value_or(""));
    if (it == s.tables.end()) continue;
    auto& indexes = it->second.indexes;
    if (indexes.empty() || indexes.back().name != r[1].value_or("")) {
      sdk::index ix;
      ix.name = r[1].value_or("");
      ix.table = it->first;
      ix.unique = r[2].value_or("f") == "t";
      indexes.push_back(std::move(ix));
    }
    indexes.back().columns.push_back(r[3].value_or(""));
  }
  return s;
}

std::string pg_connection::server_version() {
  // libpq's number (150004, 90624) in the form the server reports it: 15.4, 9.6.24.
  const int v = guarded([&] { return pq_->conn->server_version(); });
  if (v >= 100000) return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace retort_postgres
