// state.cpp — the version table and the history log, as SQL the dialect renders.
#include "state.hpp"

#include "checksum.hpp"

#include <retort/sdk/error.hpp>
#include <retort/sdk/ops.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <pwd.h>
#include <unistd.h>

#ifndef RETORT_VERSION
#define RETORT_VERSION "0.0.0"
#endif

namespace retort {
namespace {

sdk::table version_table_def(const std::string& name) {
  sdk::table t;
  t.name = name;
  sdk::column c;
  c.name = "version_num";
  c.type = "string(128)";
  c.nullable = false;
  c.primary_key = true;
  t.columns.push_back(c);
  return t;
}

sdk::table history_table_def(const std::string& name) {
  sdk::table t;
  t.name = name;
  auto col = [&](const char* n, const char* type, bool nullable = true) {
    sdk::column c;
    c.name = n;
    c.type = type;
    c.nullable = nullable;
    t.columns.push_back(c);
  };
  t.columns.push_back({"id", "integer", false, true, true, false, {}, {}, {}});
  col("revision", "string(128)", false);
  col("direction", "string(8)", false);
  col("status", "string(16)", false);
  col("checksum", "string(64)");
  col("started_at", "timestamp", false);
  col("duration_ms", "bigint");
  col("applied_by", "string(255)");
  col("tool_version", "string(32)");
  col("statements_done", "integer");
  col("statements_total", "integer");
  col("error", "text");
  col("statements_checksum", "string(64)");
  return t;
}

}  // namespace

version_store::version_store(const sdk::dialect& d, std::string version_table, std::string history_table,
                             std::string schema)
    : d_(d), version_table_(std::move(version_table)), history_table_(std::move(history_table)), schema_(std::move(schema)) {}

void version_store::locate(sdk::connection& conn) {
  const std::string configured = schema_;
  sdk::table_place at = conn.find_table(configured, version_table_);
  if (!at.exists && configured.empty())
    if (auto h = conn.find_table(configured, history_table_); h.exists) at = h;
  schema_ = at.schema;
}

std::string version_store::qualified(const std::string& table) const {
  return schema_.empty() ? d_.quote_identifier(table)
                         : fmt::format("{}.{}", d_.quote_identifier(schema_), d_.quote_identifier(table));
}

std::string version_store::with_schema(std::string sql, const std::string& table) const {
  // An operation names a table, not a schema: qualify the name the statement makes or changes.
  if (auto at = sql.find(d_.quote_identifier(table)); at != std::string::npos && !schema_.empty())
    sql.replace(at, d_.quote_identifier(table).size(), qualified(table));
  return sql;
}

bool version_store::exists(sdk::connection& conn, const std::string& table) const {
  return conn.find_table(schema_, table).exists;
}

std::vector<std::string> version_store::create_sql(sdk::connection* conn) const {
  std::vector<std::string> out;
  sdk::schema none;
  for (const auto& def : {version_table_def(version_table_), history_table_def(history_table_)}) {
    if (conn && exists(*conn, def.name)) continue;
    for (auto& s : d_.render(sdk::ops::create_table{def}, none)) out.push_back(with_schema(s.sql, def.name));
  }
  return out;
}

std::vector<std::string> version_store::transition_sql(const std::vector<std::string>& before,
                                                       const std::vector<std::string>& after) const {
  std::vector<std::string> gone, added;
  for (const auto& b : before)
    if (std::find(after.begin(), after.end(), b) == after.end()) gone.push_back(b);
  for (const auto& a : after)
    if (std::find(before.begin(), before.end(), a) == before.end()) added.push_back(a);
  const std::string t = qualified(version_table_), col = d_.quote_identifier("version_num");
  std::vector<std::string> out;
  std::size_t paired = std::min(gone.size(), added.size());
  for (std::size_t i = 0; i < paired; ++i)
    out.push_back(fmt::format("UPDATE {0} SET {1} = {2} WHERE {1} = {3}", t, col, d_.quote_literal(added[i]),
                              d_.quote_literal(gone[i])));
  for (std::size_t i = paired; i < gone.size(); ++i)
    out.push_back(fmt::format("DELETE FROM {} WHERE {} = {}", t, col, d_.quote_literal(gone[i])));
  for (std::size_t i = paired; i < added.size(); ++i)
    out.push_back(fmt::format("INSERT INTO {} ({}) VALUES ({})", t, col, d_.quote_literal(added[i])));
  return out;
}

std::string version_store::history_sql(const history_entry& e) const {
  auto q = [&](const std::string& s) { return d_.quote_literal(s); };
  auto num = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("NULL"); };
  std::vector<std::string> cols, vals;
  auto add = [&](const char* c, std::string v) {
    cols.push_back(d_.quote_identifier(c));
    vals.push_back(std::move(v));
  };
  add("revision", q(e.revision));
  add("direction", q(e.direction));
  add("status", q(e.status));
  add("checksum", q(e.checksum));
  add("started_at", e.started_at ? q(*e.started_at) : "CURRENT_TIMESTAMP");
  add("duration_ms", num(e.duration_ms));
  add("applied_by", q(e.applied_by));
  add("tool_version", q(RETORT_VERSION));
  add("statements_done", num(e.statements_done));
  add("statements_total", num(e.statements_total));
  add("error", e.error ? q(*e.error) : "NULL");
  if (e.statements_checksum) add("statements_checksum", q(*e.statements_checksum));
  return fmt::format("INSERT INTO {} ({}) VALUES ({})", qualified(history_table_), fmt::join(cols, ", "),
                     fmt::join(vals, ", "));
}

std::string version_store::progress_sql(const std::string& id, std::size_t statements_done,
                                        const std::string& checksum) const {
  auto c = [&](const char* n) { return d_.quote_identifier(n); };
  return fmt::format("UPDATE {} SET {} = {}, {} = {} WHERE {} = {}", qualified(history_table_), c("statements_done"),
                     statements_done, c("statements_checksum"), d_.quote_literal(checksum), c("id"), id);
}

bool version_store::has_statements_checksum(sdk::connection& conn) const {
  // Once seen, the column stays: asked once per run, however many readers ask.
  if (has_checksum_) return true;
  try {
    conn.query(fmt::format("SELECT {} FROM {} WHERE 1 = 0", d_.quote_identifier("statements_checksum"),
                           qualified(history_table_)));
    return has_checksum_ = true;
  } catch (const sdk::error&) {  // a table from before the column
    return false;
  }
}

std::vector<std::string> version_store::upgrade_sql(sdk::connection& conn) const {
  if (!exists(conn, history_table_) || has_statements_checksum(conn)) return {};
  sdk::column c;
  c.name = "statements_checksum";
  c.type = "string(64)";
  std::vector<std::string> out;
  for (auto& st : d_.render(sdk::ops::add_column{history_table_, c}, sdk::schema{}))
    out.push_back(with_schema(st.sql, history_table_));
  return out;
}

std::vector<partial_row> version_store::partials(sdk::connection& conn) const {
  std::vector<partial_row> out;
  if (!exists(conn, history_table_)) return out;
  auto c = [&](const char* n) { return d_.quote_identifier(n); };
  const std::string h = qualified(history_table_);
  // A table from before statements_checksum (a read command does not add it): its partial rows
  // cannot be resumed, but they are still shown.
  const std::string checksum = has_statements_checksum(conn) ? c("statements_checksum") : "NULL";
  const auto rows = conn.query(fmt::format(
      "SELECT {0}, {1}, {2}, {3}, {4}, {5}, {6} FROM {7} WHERE {8} = 'partial' AND {0} IN (SELECT MAX({0}) FROM {7} "
      "GROUP BY {1}) ORDER BY {0}",
      c("id"), c("revision"), c("direction"), c("statements_done"), c("statements_total"), checksum, c("error"), h,
      c("status")));
  // A count edited by hand into something that is not one is an error naming the row.
  auto count = [&](const std::optional<std::string>& v, const std::string& id) -> std::size_t {
    const std::string text = v.value_or("0");
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size())
      throw sdk::error(sdk::error_kind::database,
                       fmt::format("{} row {} holds '{}' where it counts statements", h, id, text));
    return n;
  };
  for (const auto& r : rows) {
    partial_row p;
    p.id = r[0].value_or("");
    p.revision = r[1].value_or("");
    p.direction = r[2].value_or("");
    p.statements_done = count(r[3], p.id);
    p.statements_total = count(r[4], p.id);
    p.statements_checksum = r[5].value_or("");
    p.error = r[6];
    out.push_back(std::move(p));
  }
  return out;
}

std::string chain_checksum(const std::string& before, const std::string& sql) {
  std::string data = before;
  data += '\n';
  data += sql;
  return sha256_hex(data);
}

void write_one(sdk::connection& conn, const std::string& sql) {
  const std::uint64_t changed = conn.execute(sql);
  if (changed == 1) return;
  std::string one;
  for (char ch : sql) one += (ch == '\n' || ch == '\t') ? ' ' : ch;
  if (one.size() > 160) one = one.substr(0, 160) + " …";
  throw sdk::error(sdk::error_kind::database,
                   fmt::format("`{}` changed {} row(s) where it changes exactly 1: retort's version or history table "
                               "no longer holds what retort wrote there. A migration may not write to them; "
                               "`retort current` shows what they hold.",
                               one, changed));
}

std::string version_store::finish_sql(const std::string& id, const std::string& status, std::int64_t duration_ms,
                                      std::size_t statements_done, const std::optional<std::string>& error) const {
  auto c = [&](const char* n) { return d_.quote_identifier(n); };
  return fmt::format("UPDATE {} SET {} = {}, {} = {}, {} = {}, {} = {} WHERE {} = {}", qualified(history_table_),
                     c("status"), d_.quote_literal(status), c("duration_ms"), duration_ms, c("statements_done"),
                     statements_done, c("error"), error ? d_.quote_literal(*error) : "NULL", c("id"), id);
}

std::string version_store::latest_id_sql(const std::string& revision) const {
  auto c = [&](const char* n) { return d_.quote_identifier(n); };
  return fmt::format("(SELECT {0} FROM (SELECT MAX({1}) AS {0} FROM {2} WHERE {3} = {4}) AS {5})", c("journal_id"),
                     c("id"), qualified(history_table_), c("revision"), d_.quote_literal(revision), c("latest"));
}

std::string version_store::last_history_id(sdk::connection& conn) const {
  auto rows = conn.query(fmt::format("SELECT MAX({}) FROM {}", d_.quote_identifier("id"), qualified(history_table_)));
  return rows.empty() || !rows[0][0] ? std::string("0") : *rows[0][0];
}

std::vector<std::string> version_store::read_heads(sdk::connection& conn, bool known_to_exist) const {
  std::vector<std::string> out;
  if (!known_to_exist && !exists(conn, version_table_)) return out;
  std::vector<sdk::row> rows;
  try {
    rows = conn.query(fmt::format("SELECT {} FROM {}", d_.quote_identifier("version_num"), qualified(version_table_)));
  } catch (const sdk::error& e) {
    // Most likely a table of the application's that happens to have the name.
    throw sdk::error(e.kind(), fmt::format("cannot read the version table {} (it needs a version_num column; is it a "
                                           "table of the application's? set version_table in retort.toml to another "
                                           "name): {}",
                                           qualified(version_table_), e.what()));
  }
  for (auto& r : rows)
    if (!r.empty() && r[0]) out.push_back(*r[0]);
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, std::array<std::string, 3>> version_store::latest_history(sdk::connection& conn) const {
  std::map<std::string, std::array<std::string, 3>> out;
  if (!exists(conn, history_table_)) return out;
  auto c = [&](const char* n) { return d_.quote_identifier(n); };
  for (auto& r : conn.query(fmt::format("SELECT {}, {}, {}, {} FROM {} ORDER BY {}", c("revision"), c("direction"),
                                        c("status"), c("checksum"), qualified(history_table_), c("id"))))
    out[r[0].value_or("")] = {r[1].value_or(""), r[2].value_or(""), r[3].value_or("")};
  return out;
}

std::vector<sdk::row> version_store::read_history(sdk::connection& conn, std::size_t limit) const {
  if (!exists(conn, history_table_)) return {};
  auto c = [&](const char* n) { return d_.quote_identifier(n); };
  return conn.query(fmt::format("SELECT {}, {}, {}, {}, {}, {}, {}, {} FROM {} ORDER BY {} DESC LIMIT {}",
                                c("revision"), c("direction"), c("status"), c("started_at"), c("duration_ms"),
                                c("error"), c("statements_done"), c("statements_total"), qualified(history_table_),
                                c("id"), limit));
}

std::string current_operator() {
  std::string user;
  if (const passwd* pw = getpwuid(getuid())) user = pw->pw_name;
  else if (const char* u = std::getenv("USER")) user = u;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return user + "@" + host;
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%d %H:%M:%S}.{:03}", fmt::gmtime(t), ms);
}

}  // namespace retort
