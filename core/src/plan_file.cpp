// plan_file.cpp — the reviewed plan as JSON, written and read back, and what no longer holds of it.
#include "plan_file.hpp"

#include "checksum.hpp"
#include "json_value.hpp"
#include "state.hpp"
#include "text.hpp"

#include <retort/sdk/error.hpp>
#include <retort/sdk/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#ifndef RETORT_VERSION
#define RETORT_VERSION "0.0.0"
#endif

namespace retort {
namespace {

/// The first words of a statement in upper case, comments and spacing folded to one space.
std::string leading_words(std::string_view sql, std::size_t at_most) {
  std::string out;
  for (std::size_t i = 0; i < sql.size() && out.size() < at_most;) {
    if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) break;
      i += 2;
    } else if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
    } else {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
    }
  }
  return out;
}

std::string json_ms(const std::optional<std::chrono::milliseconds>& ms) {
  return ms ? std::to_string(ms->count()) : "null";
}

direction read_direction(const json::reader& r) {
  const auto& d = r.str("direction");
  if (d != "up" && d != "down") r.fail("direction", fmt::format("\"{}\": expected \"up\" or \"down\"", d));
  return d == "up" ? direction::up : direction::down;
}

std::optional<std::chrono::milliseconds> read_ms(const json::reader& r, std::string_view key) {
  const auto n = r.count_or_null(key);
  if (n < 0) return std::nullopt;
  return std::chrono::milliseconds(n);
}

/// JSON carries text as UTF-8: a statement compares with its plan as JSON wrote it.
bool same_text(const std::string& planned, const std::string& now) {
  return planned == now || sdk::json_string(planned) == sdk::json_string(now);
}

/// A file as the user names it: relative to the working directory when it is below it.
std::string shown(const std::filesystem::path& path) {
  std::error_code ec;
  auto rel = std::filesystem::proximate(path, ec);
  return ec || rel.empty() ? path.string() : rel.string();
}

std::string quoted_list(const std::vector<std::string>& rows) { return rows.empty() ? "none (base)" : join(rows, ", "); }

}  // namespace

std::string destructive(std::string_view operation, const sdk::statement& st) {
  if (operation == "drop_table") return "drops a table and its rows";
  if (operation == "drop_column") return "drops a column and its values";
  if (operation == "drop_enum_value") return "drops an enum value";
  if (operation != "sql") return {};
  const std::string words = leading_words(st.sql, 160);
  for (std::string_view lead : {"DROP TABLE", "DROP SCHEMA", "DROP DATABASE", "TRUNCATE", "DELETE"})
    if (words.rfind(lead, 0) == 0) return fmt::format("raw SQL: {}", lead);
  if (words.rfind("ALTER TABLE", 0) == 0 && words.find(" DROP COLUMN ") != std::string::npos)
    return "raw SQL: ALTER TABLE … DROP COLUMN";
  return {};
}

std::string rows_sha256(const std::vector<std::string>& rows) {
  std::string text;
  for (const auto& r : rows) text += r + "\n";
  return sha256_hex(text);
}

plan_file describe_plan(const revision_graph& g, const std::vector<step>& plan, const std::vector<std::string>& rows) {
  plan_file p;
  p.retort_version = RETORT_VERSION;
  p.created = utc_now();
  p.rows = rows;
  for (const auto& s : plan) {
    const migration& m = g.at(s.r);
    planned_step ps;
    ps.revision = m.id;
    ps.dir = s.dir;
    ps.message = m.message;
    ps.file = shown(m.path);
    ps.file_sha256 = file_checksum(m.path);
    ps.heads_before = ids_of(g, s.heads_before);
    ps.heads_after = ids_of(g, s.heads_after);
    ps.journaled = s.journaled();
    // Which operation each statement renders: the ranges op_statements gives, guards outside them.
    std::vector<std::string> op_of(s.statements.size());
    for (std::size_t k = 0; k < s.op_statements.size() && k < s.operations.size(); ++k)
      for (auto i = s.op_statements[k].first; i < s.op_statements[k].second && i < op_of.size(); ++i)
        op_of[i] = s.operations[k];
    for (const auto& seg : s.segments) {
      planned_segment out{seg.transaction, {}};
      for (auto i = seg.first; i < seg.end; ++i)
        out.statements.push_back({s.statements[i].sql, s.statements[i].transactional, op_of[i],
                                  destructive(op_of[i], s.statements[i])});
      ps.segments.push_back(std::move(out));
    }
    p.steps.push_back(std::move(ps));
  }
  return p;
}

std::string plan_json(const plan_file& p) {
  std::string out = "{\n";
  auto field = [&](std::string_view key, const std::string& v, bool last = false) {
    out += fmt::format("  {}: {}{}\n", sdk::json_string(key), v, last ? "" : ",");
  };
  field("retort_plan", std::to_string(plan_file::format));
  field("retort_version", sdk::json_string(p.retort_version));
  field("created", sdk::json_string(p.created));
  field("dialect", sdk::json_string(p.dialect));
  field("database", sdk::json_string(p.database));
  field("version_table", sdk::json_string(p.version_table));
  field("direction", sdk::json_string(to_string(p.dir)));
  field("target", sdk::json_string(p.target));
  field("atomic", p.atomic ? "true" : "false");
  field("guards", fmt::format("{{\"lock_timeout_ms\": {}, \"statement_timeout_ms\": {}}}", json_ms(p.defaults.lock_timeout),
                              json_ms(p.defaults.statement_timeout)));
  field("from", fmt::format("{{\"rows\": {}, \"rows_sha256\": {}, \"heads\": {}}}", json_list(p.rows),
                            sdk::json_string(rows_sha256(p.rows)), json_list(p.heads_from)));
  field("to", json_list(p.to));
  field("revert", p.revert ? "true" : "false");
  out += "  \"steps\": [";
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& s = p.steps[i];
    out += i ? ",\n    {\n" : "\n    {\n";
    out += fmt::format("      \"revision\": {},\n      \"direction\": {},\n      \"message\": {},\n      \"file\": {},\n"
                       "      \"file_sha256\": {},\n      \"heads_before\": {},\n      \"heads_after\": {},\n"
                       "      \"journaled\": {},\n      \"segments\": [",
                       sdk::json_string(s.revision), sdk::json_string(to_string(s.dir)), sdk::json_string(s.message),
                       sdk::json_string(s.file), sdk::json_string(s.file_sha256), json_list(s.heads_before),
                       json_list(s.heads_after), s.journaled ? "true" : "false");
    for (std::size_t k = 0; k < s.segments.size(); ++k) {
      const auto& seg = s.segments[k];
      out += fmt::format("{}\n        {{\"transaction\": {}, \"statements\": [", k ? "," : "",
                         seg.transaction ? "true" : "false");
      for (std::size_t j = 0; j < seg.statements.size(); ++j) {
        const auto& st = seg.statements[j];
        out += fmt::format("{}\n          {{\"sql\": {}, \"transactional\": {}, \"operation\": {}", j ? "," : "",
                           sdk::json_string(st.sql), st.transactional ? "true" : "false",
                           st.operation.empty() ? "null" : sdk::json_string(st.operation));
        if (!st.destructive.empty()) out += ", \"destructive\": " + sdk::json_string(st.destructive);
        out += "}";
      }
      out += "\n        ]}";
    }
    out += "\n      ]\n    }";
  }
  out += p.steps.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

plan_file read_plan(std::string_view text, const std::string& source) {
  const json::value doc = json::parse(text, source);
  const json::reader r(doc, source, "");
  if (!doc.find("retort_plan"))
    throw sdk::error(sdk::error_kind::input, fmt::format("{}: not a retort plan (no \"retort_plan\" field); write one "
                                                         "with `retort plan -o FILE`", source));
  if (r.count("retort_plan") != plan_file::format)
    r.fail("retort_plan", fmt::format("format {} is not the one this retort reads ({})", r.count("retort_plan"),
                                      plan_file::format));
  r.only({"retort_plan", "retort_version", "created", "dialect", "database", "version_table", "direction", "target",
          "atomic", "guards", "from", "to", "revert", "steps"});
  plan_file p;
  p.source = source;
  p.retort_version = r.str("retort_version");
  p.created = r.str("created");
  p.dialect = r.str("dialect");
  p.database = r.str("database");
  p.version_table = r.str("version_table");
  p.dir = read_direction(r);
  p.target = r.str("target");
  p.atomic = r.boolean("atomic");
  const auto guards_r = r.object("guards");
  guards_r.only({"lock_timeout_ms", "statement_timeout_ms"});
  p.defaults.lock_timeout = read_ms(guards_r, "lock_timeout_ms");
  p.defaults.statement_timeout = read_ms(guards_r, "statement_timeout_ms");
  const auto from = r.object("from");
  from.only({"rows", "rows_sha256", "heads"});
  p.rows = from.strings("rows");
  if (from.str("rows_sha256") != rows_sha256(p.rows))
    from.fail("rows_sha256", "does not match the rows listed beside it: the plan was edited");
  p.heads_from = from.strings("heads");
  p.to = r.strings("to");
  p.revert = r.boolean("revert");
  for (std::size_t i = 0; i < r.array("steps").size(); ++i) {
    const auto s = r.element("steps", i);
    s.only({"revision", "direction", "message", "file", "file_sha256", "heads_before", "heads_after", "journaled",
            "segments"});
    planned_step ps;
    ps.revision = s.str("revision");
    ps.dir = read_direction(s);
    ps.message = s.str("message");
    ps.file = s.str("file");
    ps.file_sha256 = s.str("file_sha256");
    ps.heads_before = s.strings("heads_before");
    ps.heads_after = s.strings("heads_after");
    ps.journaled = s.boolean("journaled");
    for (std::size_t k = 0; k < s.array("segments").size(); ++k) {
      const auto seg = s.element("segments", k);
      seg.only({"transaction", "statements"});
      planned_segment out{seg.boolean("transaction"), {}};
      for (std::size_t j = 0; j < seg.array("statements").size(); ++j) {
        const auto st = seg.element("statements", j);
        st.only({"sql", "transactional", "operation", "destructive"});
        out.statements.push_back(
            {st.str("sql"), st.boolean("transactional"), st.str_or_empty("operation"), st.str_or_empty("destructive")});
      }
      ps.segments.push_back(std::move(out));
    }
    p.steps.push_back(std::move(ps));
  }
  return p;
}

std::vector<std::string> files_changed(const plan_file& p, const revision_graph& g) {
  std::vector<std::string> changed;
  for (const auto& s : p.steps) {
    const rev* r = g.find(s.revision);
    if (!r) {
      changed.push_back(fmt::format("revision {} ({}) is no longer in the project", s.revision, s.file));
      continue;
    }
    const auto& path = g.at(*r).path;
    if (const auto now = file_checksum(path); now != s.file_sha256)
      changed.push_back(fmt::format("{} (revision {}) changed since the plan: sha256 {} then, {} now", shown(path),
                                    s.revision, s.file_sha256.substr(0, 12), now.substr(0, 12)));
  }
  return changed;
}

std::vector<std::string> plan_changed(const plan_file& p, const revision_graph& g, const std::vector<std::string>& rows,
                                      const std::vector<step>& now) {
  std::vector<std::string> changed;
  if (rows != p.rows) {
    changed.push_back(fmt::format("the version table moved since the plan: it held {} (sha256 {}), it holds {} now",
                                  quoted_list(p.rows), rows_sha256(p.rows).substr(0, 12), quoted_list(rows)));
    return changed;  // the steps from there are another plan
  }
  for (std::size_t i = 0; i < std::max(now.size(), p.steps.size()); ++i) {
    if (i >= now.size()) {
      changed.push_back(fmt::format("step {} ({} {}) is no longer planned from these rows", i + 1,
                                    to_string(p.steps[i].dir), p.steps[i].revision));
      continue;
    }
    const step& s = now[i];
    const std::string id = g.at(s.r).id;
    if (i >= p.steps.size() || p.steps[i].revision != id || p.steps[i].dir != s.dir) {
      changed.push_back(fmt::format("step {} is {} {} now, not what the plan says", i + 1, to_string(s.dir), id));
      continue;
    }
    const planned_step& ps = p.steps[i];
    if (ps.heads_before != ids_of(g, s.heads_before) || ps.heads_after != ids_of(g, s.heads_after))
      changed.push_back(fmt::format("revision {}: the version rows it goes from and to are not the plan's", id));
    // The plan's statements in a row, and its segments as the runner gives them.
    std::vector<const planned_statement*> planned;
    std::vector<segment> planned_segments;
    for (const auto& seg : ps.segments) {
      planned_segments.push_back({planned.size(), planned.size() + seg.statements.size(), seg.transaction});
      for (const auto& st : seg.statements) planned.push_back(&st);
    }
    auto differs = [&](std::size_t n) {
      return !same_text(planned[n]->sql, s.statements[n].sql) || planned[n]->transactional != s.statements[n].transactional;
    };
    std::size_t n = 0;
    while (n < planned.size() && n < s.statements.size() && !differs(n)) ++n;
    auto same = [](const segment& a, const segment& b) {
      return a.first == b.first && a.end == b.end && a.transaction == b.transaction;
    };
    if (n < planned.size() && n < s.statements.size())
      changed.push_back(fmt::format("revision {}: statement {} renders differently now\n  planned: {}\n  now:     {}", id,
                                    n + 1, planned[n]->sql, s.statements[n].sql));
    else if (planned.size() != s.statements.size())
      changed.push_back(fmt::format("revision {}: it has {} statements now, the plan {}", id, s.statements.size(),
                                    planned.size()));
    else if (!std::equal(planned_segments.begin(), planned_segments.end(), s.segments.begin(), s.segments.end(), same))
      changed.push_back(fmt::format("revision {}: its statements commit in other segments now", id));
  }
  return changed;
}

}  // namespace retort
