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
#include <optional>

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

/// A value as a message quotes it: as JSON, on one line, but a list or an object by its size.
std::string quote(const json::value& v) {
  switch (v.t) {
    case json::value::type::null: return "null";
    case json::value::type::boolean: return v.boolean ? "true" : "false";
    case json::value::type::number: return v.text;
    case json::value::type::string: return sdk::json_string(v.text);
    case json::value::type::array: return fmt::format("{} item{}", v.items.size(), v.items.size() == 1 ? "" : "s");
    case json::value::type::object: return "an object";
  }
  return {};
}

struct difference {
  std::string path, then, now;
};

/// Where two documents the same writer wrote first differ, as a path such as
/// `steps[0] (revision 1a2b).segments[1].statements[0].sql`.
std::optional<difference> first_difference(const json::value& a, const json::value& b, const std::string& path) {
  using type = json::value::type;
  const auto differ = [&] { return difference{path.empty() ? "the plan" : path, quote(a), quote(b)}; };
  if (a.t != b.t) return differ();
  switch (a.t) {
    case type::null: return std::nullopt;
    case type::boolean: return a.boolean == b.boolean ? std::nullopt : std::optional(differ());
    case type::number:
    case type::string: return a.text == b.text ? std::nullopt : std::optional(differ());
    case type::array:
      for (std::size_t i = 0; i < a.items.size() && i < b.items.size(); ++i) {
        std::string at = fmt::format("{}[{}]", path, i);
        if (const auto* r = a.items[i].find("revision"); r && r->t == type::string) at += " (revision " + r->text + ")";
        if (auto d = first_difference(a.items[i], b.items[i], at)) return d;
      }
      return a.items.size() == b.items.size() ? std::nullopt : std::optional(differ());
    case type::object: {
      const auto at = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
      for (std::size_t i = 0; i < a.keys.size(); ++i) {
        const json::value* other = b.find(a.keys[i]);
        if (!other) return difference{at(a.keys[i]), quote(a.members[i]), "nothing"};
        if (auto d = first_difference(a.members[i], *other, at(a.keys[i]))) return d;
      }
      for (std::size_t i = 0; i < b.keys.size(); ++i)
        if (!a.find(b.keys[i])) return difference{at(b.keys[i]), "nothing", quote(b.members[i])};
      return std::nullopt;
    }
  }
  return std::nullopt;
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

namespace {

/// The plan as JSON without its own hash.
std::string plan_body(const plan_file& p) {
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

/// The line plan_json writes for the hash of the rest of the text.
std::string hash_line(const std::string& sha256) { return fmt::format("  \"plan_sha256\": {},\n", sdk::json_string(sha256)); }

}  // namespace

std::string plan_json(const plan_file& p) {
  std::string out = plan_body(p);
  // Second, after "retort_plan": the hash of the rest of the text, so that an edit by hand shows.
  out.insert(out.find('\n', 2) + 1, hash_line(sha256_hex(out)));
  return out;
}

plan_file read_plan(std::string_view text, const std::string& source) { return read_plan(text, source, true); }

plan_file read_plan(std::string_view text, const std::string& source, bool check_hash) {
  const json::value doc = json::parse(text, source);
  const json::reader r(doc, source, "");
  if (!doc.find("retort_plan"))
    throw sdk::error(sdk::error_kind::input, fmt::format("{}: not a retort plan (no \"retort_plan\" field); write one "
                                                         "with `retort plan -o FILE`", source));
  if (r.count("retort_plan") != plan_file::format)
    r.fail("retort_plan", fmt::format("format {} is not the one this retort reads ({})", r.count("retort_plan"),
                                      plan_file::format));
  r.only({"retort_plan", "plan_sha256", "retort_version", "created", "dialect", "database", "version_table", "direction", "target",
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
  if (check_hash) {
    // The hash is of the text as plan_json wrote it, without the hash's own line.
    const std::string sha256 = r.str("plan_sha256");
    // As written, with the line ends plan_json wrote: a checkout or an editor may have made them \r\n.
    std::string rest = lf_line_ends(text);
    const std::string line = hash_line(sha256);
    const auto at = rest.find(line);
    if (at != std::string::npos) rest.erase(at, line.size());
    if (at == std::string::npos || sha256_hex(rest) != sha256)
      r.fail("plan_sha256", "does not match the plan: it was changed after `retort plan` wrote it. A reviewed plan "
                            "runs only as it was written; make a new one with `retort plan -o FILE` and review that");
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

std::vector<std::string> plan_changed(const plan_file& p, const plan_file& made) {
  if (made.rows != p.rows)
    return {fmt::format("the version table moved since the plan: it held {} (sha256 {}), it holds {} now",
                        quoted_list(p.rows), rows_sha256(p.rows).substr(0, 12), quoted_list(made.rows))};
  // What says how and when it was made, not what it does, may differ.
  plan_file now = made;
  now.retort_version = p.retort_version;
  now.created = p.created;
  now.database = p.database;
  // Where `plan` ran names the files (file_sha256 pins what they hold): apply may run elsewhere.
  for (std::size_t i = 0; i < now.steps.size() && i < p.steps.size(); ++i) now.steps[i].file = p.steps[i].file;
  const std::string then_text = plan_body(p), now_text = plan_body(now);
  if (then_text == now_text) return {};
  // Read back, to say where they differ.
  const json::value then_doc = json::parse(then_text, p.source.empty() ? std::string("the plan") : p.source);
  const json::value now_doc = json::parse(now_text, "the plan made again");
  const auto d = first_difference(then_doc, now_doc, "");
  if (!d) return {};
  return {fmt::format("{}: {} in the plan, {} made again now", d->path, d->then, d->now)};
}

}  // namespace retort
