// migration.cpp — migration files (TOML ops or SQL), read without executing anything.
#include "migration.hpp"

#include "text.hpp"
#include "toml_value.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <optional>
#include <sstream>

namespace retort {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail_at(const fs::path& file, int line, const std::string& what) {
  throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: {}", file.string(), line, what));
}

void check_id(const sdk::fields& f, std::string_view key, const std::string& id) {
  if (auto why = revision_id_problem(id); !why.empty()) f.fail(*f.find(key), key, why);
}

/// Top-level keys come before the first table header in TOML, so the header can be read from the
/// text before the first line that starts with '['. Files are parsed whole only when a plan needs
/// their operations.
std::string_view toml_header_text(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '[') return text.substr(0, pos);
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return text;
}

/// The header in its usual shape — `key = "string"`, `key = true`, `key = ["a", "b"]`, comments —
/// read without a TOML parser; anything else (escapes, multi-line strings, inline tables) returns
/// nothing and the caller uses toml++. Loading 10 000 headers is then a matter of milliseconds.
std::optional<sdk::value> simple_toml_header(std::string_view text, const std::string& file) {
  sdk::value_table root;
  int line_no = 0;
  auto skip = [](std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  };
  // A quoted string without escapes; moves `s` past it.
  auto quoted = [](std::string_view& s) -> std::optional<std::string> {
    if (s.empty() || (s.front() != '"' && s.front() != '\'')) return std::nullopt;
    char q = s.front();
    if (s.substr(0, 3) == std::string(3, q)) return std::nullopt;  // multi-line
    auto end = s.find(q, 1);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view body = s.substr(1, end - 1);
    if (q == '"' && body.find('\\') != std::string_view::npos) return std::nullopt;
    for (char c : body)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return std::nullopt;
    s.remove_prefix(end + 1);
    return std::string(body);
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    skip(line);
    if (line.empty() || line.front() == '#') continue;
    std::size_t k = 0;
    while (k < line.size() && (std::isalnum(static_cast<unsigned char>(line[k])) || line[k] == '_' || line[k] == '-')) ++k;
    if (k == 0) return std::nullopt;
    std::string key(line.substr(0, k));
    for (const auto& [existing, v] : root)
      if (existing == key) return std::nullopt;  // toml++ reports the duplicate
    line.remove_prefix(k);
    skip(line);
    if (line.empty() || line.front() != '=') return std::nullopt;
    line.remove_prefix(1);
    skip(line);
    sdk::source_location at{file, line_no};
    auto parsed = [&]() -> std::optional<sdk::value> {
      if (auto str = quoted(line)) return sdk::value(std::move(*str), at);
      if (line.substr(0, 4) == "true" || line.substr(0, 5) == "false") {
        bool b = line.front() == 't';
        line.remove_prefix(b ? 4 : 5);
        return sdk::value(b, at);
      }
      if (line.empty() || line.front() != '[') return std::nullopt;
      line.remove_prefix(1);
      std::vector<std::string> words;
      for (;;) {
        skip(line);
        if (!line.empty() && line.front() == ']') break;
        auto item = quoted(line);
        if (!item) return std::nullopt;
        words.push_back(std::move(*item));
        skip(line);
        if (!line.empty() && line.front() == ',') line.remove_prefix(1);
        else if (line.empty() || line.front() != ']') return std::nullopt;
      }
      line.remove_prefix(1);
      sdk::value_array items(words.size());
      for (std::size_t i = 0; i < words.size(); ++i) items[i] = sdk::value(std::move(words[i]), at);
      return sdk::value(std::move(items), at);
    }();
    if (!parsed) return std::nullopt;
    skip(line);
    if (!line.empty() && line.front() != '#') return std::nullopt;
    root.emplace_back(std::move(key), std::move(*parsed));
  }
  sdk::source_location where{file, root.empty() ? 1 : root.front().second.where().line};
  return sdk::value(std::move(root), where);
}

}  // namespace

std::optional<std::chrono::milliseconds> duration_field(const sdk::fields& f, std::string_view key) {
  const sdk::value* v = f.find(key);
  if (!v) return std::nullopt;
  std::string why = "expected a duration such as \"500ms\", \"30s\", \"2m\" or \"1h\"";
  if (auto* n = v->get_if<std::int64_t>())
    if (auto d = parse_duration(std::to_string(*n), &why)) return d;  // the same bounds as "500ms"
  if (auto* s = v->string())
    if (auto d = parse_duration(*s, &why)) return d;
  f.fail(*v, key, why);
}

namespace {

/// Every key a migration file's top level may hold.
void only_migration_keys(const sdk::fields& f) {
  f.only({"revision", "down_revision", "branch_labels", "depends_on", "message", "transactional", "lock_timeout",
          "statement_timeout", "upgrade", "downgrade"});
}

void read_toml_header(migration& m, const sdk::value& root) {
  sdk::fields f(root, "migration");
  only_migration_keys(f);
  m.id = f.required_string("revision");
  check_id(f, "revision", m.id);
  for (auto& p : f.strings("down_revision"))
    if (!p.empty()) {
      check_id(f, "down_revision", p);
      m.parents.push_back(std::move(p));
    }
  m.branch_labels = f.strings("branch_labels");
  for (const auto& l : m.branch_labels) check_id(f, "branch_labels", l);
  m.depends_on = f.strings("depends_on");
  m.message = f.optional_string("message").value_or("");
  if (auto why = text_problem(m.message); !why.empty()) f.fail(*f.find("message"), "message", why);
  m.transactional = f.boolean("transactional", true);
  m.lock_timeout = duration_field(f, "lock_timeout");
  m.statement_timeout = duration_field(f, "statement_timeout");
}

struct sql_sections {
  std::string upgrade, downgrade;
  bool has_upgrade = false, has_downgrade = false;
};

/// Reads `-- retort:key value` lines into `m` (when given) and splits the two sections.
sql_sections read_sql(const fs::path& path, std::string_view text, migration* m) {
  sql_sections out;
  std::string* section = nullptr;
  int line_no = 0;
  std::size_t pos = 0;
  bool seen_revision = false;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ' || trimmed.back() == '\t'))
      trimmed.remove_suffix(1);
    constexpr std::string_view marker = "-- retort:";
    if (trimmed.substr(0, marker.size()) == marker) {
      std::string_view rest = trimmed.substr(marker.size());
      auto sp = rest.find_first_of(" \t");
      std::string key(rest.substr(0, sp));
      std::string val(sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1));
      while (!val.empty() && (val.front() == ' ' || val.front() == '\t')) val.erase(0, 1);
      // A section's text starts with a newline for each line before it, so the splitter's line
      // numbers are the file's.
      if (key == "upgrade") {
        if (out.has_upgrade) fail_at(path, line_no, "a second '-- retort:upgrade' marker");
        out.has_upgrade = true;
        section = &out.upgrade;
        section->assign(static_cast<std::size_t>(line_no), '\n');
        continue;
      }
      if (key == "downgrade") {
        if (!out.has_upgrade) fail_at(path, line_no, "'-- retort:downgrade' before '-- retort:upgrade'");
        if (out.has_downgrade) fail_at(path, line_no, "a second '-- retort:downgrade' marker");
        out.has_downgrade = true;
        section = &out.downgrade;
        section->assign(static_cast<std::size_t>(line_no), '\n');
        continue;
      }
      if (section)
        fail_at(path, line_no, fmt::format("header '-- retort:{}' after '-- retort:upgrade'; headers come first", key));
      if (!m) continue;
      std::vector<std::string> words;
      std::istringstream ws(val);
      for (std::string w; ws >> w;) words.push_back(w);
      auto ids = [&](const char* what) {
        for (const auto& w : words)
          if (auto why = revision_id_problem(w); !why.empty())
            fail_at(path, line_no, fmt::format("field '{}': {}", what, why));
        return words;
      };
      if (key == "revision") {
        if (words.size() != 1) fail_at(path, line_no, "field 'revision': expected one revision id");
        m->id = ids("revision").front();
        seen_revision = true;
      } else if (key == "down_revision") m->parents = ids("down_revision");
      else if (key == "branch_labels") m->branch_labels = ids("branch_labels");
      else if (key == "depends_on") m->depends_on = words;
      else if (key == "message") {
        if (auto why = text_problem(val, true); !why.empty()) fail_at(path, line_no, "field 'message': " + why);
        m->message = val;
      }
      else if (key == "lock_timeout" || key == "statement_timeout") {
        std::string why;
        auto d = parse_duration(val, &why);
        if (!d) fail_at(path, line_no, fmt::format("field '{}': {}", key, why));
        (key == "lock_timeout" ? m->lock_timeout : m->statement_timeout) = d;
      } else if (key == "transactional") {
        if (val != "true" && val != "false") fail_at(path, line_no, "field 'transactional': expected true or false");
        m->transactional = val == "true";
      } else {
        static constexpr std::string_view known[] = {"revision", "down_revision", "message", "branch_labels", "depends_on",
                                                     "transactional", "lock_timeout", "statement_timeout", "upgrade",
                                                     "downgrade"};
        fail_at(path, line_no,
                fmt::format("unknown header '-- retort:{}'{} (known: revision, down_revision, message, branch_labels, "
                            "depends_on, transactional, lock_timeout, statement_timeout, upgrade, downgrade)",
                            key, sdk::did_you_mean(key, known)));
      }
      continue;
    }
    if (section) {
      section->append(line);
      section->push_back('\n');
    } else if (!trimmed.empty() && trimmed.substr(0, 2) != "--") {
      fail_at(path, line_no, "SQL before '-- retort:upgrade'; the statements go after that marker");
    }
  }
  if (m && !seen_revision) fail_at(path, 1, "field 'revision': missing '-- retort:revision <id>' header");
  if (!out.has_upgrade) fail_at(path, line_no, "missing '-- retort:upgrade' marker");
  return out;
}

/// The op's table without its `op` key, so an operation type sees only its own fields.
sdk::value without_op_key(const sdk::value& v) {
  sdk::value_table t;
  for (const auto& [k, child] : *v.table())
    if (k != "op") t.emplace_back(k, child);
  return {std::move(t), v.where()};
}

std::vector<std::unique_ptr<sdk::operation>> read_ops(const migration& m, const sdk::value& root, const char* section,
                                                      const op_catalog& catalog, bool& present) {
  std::vector<std::unique_ptr<sdk::operation>> out;
  const sdk::value* list = root.find(section);
  present = list != nullptr;
  if (!list) return out;
  const auto* arr = list->array();
  if (!arr)
    sdk::fields(root, "revision " + m.id).fail(*list, section, fmt::format("expected [[{}]] tables", section));
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string ctx = fmt::format("revision {}: [[{}]] #{}", m.id, section, i + 1);
    sdk::fields f((*arr)[i], ctx);
    std::string name = f.required_string("op");
    const sdk::operation_type* type = catalog.find_operation(name);
    if (!type)
      f.fail(*f.find("op"), "op",
             fmt::format("unknown operation '{}'{} (built-in: {}; an op from a plugin needs that plugin listed in "
                         "retort.toml's `plugins`)",
                         name, sdk::did_you_mean(name, builtin_operation_names()),
                         fmt::join(builtin_operation_names(), ", ")));
    sdk::value args = without_op_key((*arr)[i]);
    out.push_back(type->parse(sdk::fields(args, fmt::format("{} ({})", ctx, name))));
  }
  return out;
}

/// The text without a UTF-8 byte-order mark, which editors on Windows put at the start.
std::string_view without_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string* why,
                                                       std::chrono::milliseconds bare) {
  auto fail = [&](std::string reason) -> std::optional<std::chrono::milliseconds> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  const std::string quoted = fmt::format("'{}'", text);
  constexpr std::string_view range = "durations go from 0 to 168h (7 days)";
  if (!text.empty() && text.front() == '-') return fail(fmt::format("{} is negative: {}", quoted, range));
  // Digits with an optional fraction, then a unit: no sign, exponent, nan or inf.
  std::size_t i = 0;
  double value = 0, scale = 1;
  bool digits = false, point = false;
  for (; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !point)); ++i) {
    if (text[i] == '.') {
      point = true;
      continue;
    }
    digits = true;
    if (point) value += (text[i] - '0') * (scale /= 10);
    else value = value * 10 + (text[i] - '0');
  }
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  const double ms = unit.empty() ? static_cast<double>(bare.count())
                    : unit == "ms"                ? 1
                    : unit == "s"                 ? 1000
                    : unit == "m" || unit == "min" ? 60'000
                    : unit == "h"                 ? 3'600'000
                                                  : 0;
  if (!digits || ms == 0)
    return fail(fmt::format("{} is not a duration: write a number and a unit, such as 500ms, 30s, 2m or 1h{}", quoted,
                            bare == std::chrono::seconds(1) ? "; a bare number is seconds" : ""));
  constexpr double week = 7.0 * 24 * 3'600'000;  // anything longer is a typo, not a timeout
  if (value * ms > week) return fail(fmt::format("{} is out of range: {}", quoted, range));
  return std::chrono::milliseconds(static_cast<long long>(value * ms + 0.5));
}

std::string revision_id_problem(std::string_view id) {
  const std::string quoted = fmt::format("'{}'", id);
  if (id.empty()) return "an empty revision id or branch label";
  if (id.size() > 64) return quoted + " is longer than 64 characters";
  if (!std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }))
    return quoted + " is not a valid revision id or branch label: letters, digits, _ and - only";
  if (id.front() == '-') return quoted + " starts with '-', which a target reads as a relative step (-1)";
  std::string lower;
  for (char c : id) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"head", "heads", "base", "current"})
    if (lower == word)
      return quoted + " is a reserved word: head, heads, base and current are targets, so no revision or label may be called so";
  return {};
}

bool valid_revision_id(std::string_view id) { return revision_id_problem(id).empty(); }

migration read_migration_header(const fs::path& path) { return parse_migration_header(read_file(path), path); }

migration parse_migration_header(std::string_view file_text, const fs::path& path) {
  migration m;
  m.path = path;
  const std::string_view text = without_bom(file_text);
  if (path.extension() == ".sql") {
    m.format = file_format::sql;
    read_sql(path, text, &m);
    return m;
  }
  m.format = file_format::toml;
  std::string_view head = toml_header_text(text);
  if (auto simple = simple_toml_header(head, path.string())) {
    read_toml_header(m, *simple);
    return m;
  }
  if (head.size() < text.size()) {
    try {
      read_toml_header(m, parse_toml(head, path.string()));
      return m;
    } catch (const sdk::error&) {
      m = migration{};  // e.g. a multi-line string holding a '[' line: read the whole file instead
      m.path = path;
    }
  }
  read_toml_header(m, parse_toml(text, path.string()));
  return m;
}

migration_body read_migration_body(const migration& m, const op_catalog& catalog) {
  return parse_migration_body(m, read_file(m.path), catalog);
}

migration_body parse_migration_body(const migration& m, std::string_view file_text, const op_catalog& catalog) {
  migration_body body;
  const std::string_view text = without_bom(file_text);
  if (m.format == file_format::sql) {
    sql_sections s = read_sql(m.path, text, nullptr);
    std::optional<std::string> down;
    if (s.has_downgrade) down = s.downgrade;
    body.upgrade.push_back(std::make_unique<builtin_operation>(sdk::ops::sql{s.upgrade, std::nullopt, down}));
    if (s.has_downgrade) {
      body.has_downgrade = true;
      body.downgrade.push_back(std::make_unique<builtin_operation>(sdk::ops::sql{s.downgrade, std::nullopt, s.upgrade}));
    }
    return body;
  }
  sdk::value root = parse_toml(text, m.path.string());
  // The header was read from the text before the first [table]: the tables are checked here, so a
  // `[[upgrad]]` is an error rather than a migration with nothing in it.
  only_migration_keys(sdk::fields(root, "migration"));
  bool present = false;  // an empty or missing [[upgrade]] is a no-op migration
  body.upgrade = read_ops(m, root, "upgrade", catalog, present);
  body.downgrade = read_ops(m, root, "downgrade", catalog, body.has_downgrade);
  return body;
}

std::vector<migration> read_migrations(const fs::path& versions_dir) {
  std::error_code ec;
  if (!fs::is_directory(versions_dir, ec))
    throw sdk::error(sdk::error_kind::input, versions_dir.string() +
                                                 ": no such directory; check script_location in retort.toml "
                                                 "or run `retort init`");
  // File names sort as strings: comparing whole paths component by component costs more than
  // reading the files.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(versions_dir)) {
    std::string name = entry.path().filename().string();
    auto ends_with = [&](std::string_view suffix) {
      return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if ((ends_with(".toml") || ends_with(".sql")) && name.front() != '.' && entry.is_regular_file())
      names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  std::vector<migration> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back(read_migration_header(versions_dir / n));
  return out;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {  // TOML allows no other control character raw
          fmt::format_to(std::back_inserter(out), "\\u{:04X}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}
std::string toml_list(const std::vector<std::string>& v) {
  return "[" + join_each(v, toml_string) + "]";
}

std::string render_new_migration(const migration& m, const std::string& create_date, const std::string& body) {
  std::string out;
  auto sink = std::back_inserter(out);
  if (m.format == file_format::sql) {
    std::string msg = m.message;
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    fmt::format_to(sink, "-- retort:revision {}\n", m.id);
    if (!m.parents.empty()) fmt::format_to(sink, "-- retort:down_revision {}\n", fmt::join(m.parents, " "));
    if (!m.branch_labels.empty()) fmt::format_to(sink, "-- retort:branch_labels {}\n", fmt::join(m.branch_labels, " "));
    if (!m.depends_on.empty()) fmt::format_to(sink, "-- retort:depends_on {}\n", fmt::join(m.depends_on, " "));
    fmt::format_to(sink,
                   "-- retort:message {}\n"
                   "-- Created {}\n"
                   "-- retort:upgrade\n\n"
                   "-- retort:downgrade\n\n",
                   msg, create_date);
    return out;
  }
  fmt::format_to(sink,
                 "# {}: created by `retort revision`. Operations and their fields:\n"
                 "# docs/file-formats.md. [[downgrade]] may be left out when every upgrade op has an inverse.\n"
                 "revision      = {}\n",
                 create_date, toml_string(m.id));
  if (m.parents.size() > 1) fmt::format_to(sink, "down_revision = {}\n", toml_list(m.parents));
  else fmt::format_to(sink, "down_revision = {}\n", toml_string(m.parents.empty() ? "" : m.parents.front()));
  if (!m.branch_labels.empty()) fmt::format_to(sink, "branch_labels = {}\n", toml_list(m.branch_labels));
  if (!m.depends_on.empty()) fmt::format_to(sink, "depends_on    = {}\n", toml_list(m.depends_on));
  fmt::format_to(sink, "message       = {}\n\n", toml_string(m.message));
  if (!body.empty()) return out + body;
  out += "# [[upgrade]]\n"
         "# op = \"create_table\"\n"
         "# table = \"example\"\n"
         "# columns = [ { name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true } ]\n";
  return out;
}

}  // namespace retort
