// alembic_import.cpp — Alembic revision files read as Python text: logical lines, a tokenizer and an
// expression reader for the literals and calls revision files are made of, then each op.* call
// translated to a retort operation, or, when it cannot be, kept as a placeholder that refuses to run.
#include "alembic_import.hpp"

#include "migration.hpp"
#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace retort {
namespace fs = std::filesystem;

namespace {

// ---- Python, as far as revision files go -----------------------------------------------------

struct token {
  enum kind_t { name, string, number, op } kind;
  std::string text;    ///< a string's value, decoded
  std::string unknown = {};  ///< why its value is not known without running Python (an f-string), or ""
};

/// One logical line: a statement, its brackets and continuations joined.
struct logical_line {
  int indent = 0;
  int line = 0;
  std::string source;  ///< as written, for quoting
  std::vector<token> tokens;
};

/// Why a statement is not translated; becomes a placeholder and a line of the report.
struct untranslatable {
  std::string why;
};

[[noreturn]] void cannot(std::string why) { throw untranslatable{std::move(why)}; }

class lexer {
 public:
  lexer(const std::string& text, const fs::path& file) : s_(text), file_(file) {}

  std::vector<logical_line> lines() {
    std::vector<logical_line> out;
    while (i_ < s_.size()) {
      logical_line l;
      l.line = line_;
      // Indentation of the first physical line; blank and comment-only lines are skipped.
      int indent = 0;
      while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) indent = s_[i_++] == '\t' ? (indent / 8 + 1) * 8 : indent + 1;
      l.indent = indent;
      const std::size_t start = i_;
      int depth = 0;
      for (;;) {
        if (i_ >= s_.size()) break;
        const char c = s_[i_];
        if (c == '#') {
          while (i_ < s_.size() && s_[i_] != '\n') ++i_;
          continue;
        }
        if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
          i_ += 2;
          ++line_;
          continue;
        }
        if (c == '\n') {
          ++line_;
          ++i_;
          if (depth == 0) break;
          continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
          ++i_;
          continue;
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
          std::size_t j = i_;
          while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_' ||
                                   static_cast<unsigned char>(s_[j]) >= 0x80))
            ++j;
          std::string word(s_.substr(i_, j - i_));
          if (j < s_.size() && (s_[j] == '\'' || s_[j] == '"') && word.size() <= 2 &&
              std::all_of(word.begin(), word.end(), [](char p) { return std::string_view("rRbBuUfF").find(p) != std::string_view::npos; })) {
            i_ = j;
            l.tokens.push_back(string_token(word));
            continue;
          }
          i_ = j;
          l.tokens.push_back({token::name, std::move(word)});
          continue;
        }
        if (c == '\'' || c == '"') {
          l.tokens.push_back(string_token(""));
          continue;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
          std::size_t j = i_;
          while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '.' || s_[j] == '_')) ++j;
          l.tokens.push_back({token::number, std::string(s_.substr(i_, j - i_))});
          i_ = j;
          continue;
        }
        if (c == '(' || c == '[' || c == '{') ++depth;
        if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
        // Two-character operators the reader needs to tell apart: ** and ->.
        if ((c == '*' || c == '-') && i_ + 1 < s_.size() && (s_[i_ + 1] == '*' || s_[i_ + 1] == '>')) {
          l.tokens.push_back({token::op, std::string(s_.substr(i_, 2))});
          i_ += 2;
          continue;
        }
        l.tokens.push_back({token::op, std::string(1, c)});
        ++i_;
      }
      l.source = trimmed(std::string(s_.substr(start, i_ - start)));
      if (!l.tokens.empty()) out.push_back(std::move(l));
    }
    return out;
  }

 private:
  static std::string trimmed(std::string t) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    return t;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: {}", file_.string(), line_, what));
  }

  /// A string literal at i_ (its prefix already read): the value, escapes decoded unless raw.
  token string_token(const std::string& prefix) {
    const bool raw = prefix.find_first_of("rR") != std::string::npos;
    const bool formatted = prefix.find_first_of("fF") != std::string::npos;
    const bool bytes = prefix.find_first_of("bB") != std::string::npos;
    std::string unknown;
    const char q = s_[i_];
    const bool triple = s_.substr(i_, 3) == std::string(3, q);
    i_ += triple ? 3 : 1;
    std::string value;
    for (;;) {
      if (i_ >= s_.size()) fail("a string is not closed");
      const char c = s_[i_];
      if (triple ? s_.substr(i_, 3) == std::string(3, q) : c == q) {
        i_ += triple ? 3 : 1;
        break;
      }
      if (c == '\n') {
        if (!triple) fail("a string is not closed on its line");
        ++line_;
      }
      if (c == '\\' && i_ + 1 < s_.size()) {
        const char e = s_[i_ + 1];
        i_ += 2;
        if (raw) {
          value += '\\';
          value += e;
          if (e == '\n') ++line_;
          continue;
        }
        // Escapes as Python decodes them in a str (a bytes literal's \xNN is that byte); one it
        // does not know is kept as written, as Python keeps it.
        auto hex_digits = [&](int n) {
          unsigned v = 0;
          for (int k = 0; k < n; ++k, ++i_) {
            const int d = i_ < s_.size() ? hex_value(s_[i_]) : -1;
            if (d < 0) fail(fmt::format("a \\{} escape needs {} hex digits", e, n));
            v = v * 16 + static_cast<unsigned>(d);
          }
          return v;
        };
        auto code_point = [&](unsigned cp) {
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(fmt::format("a \\{} escape that is not a character", e));
          if (bytes) value += static_cast<char>(cp);
          else append_utf8(value, cp);
        };
        auto keep = [&] { (value += '\\') += e; };
        switch (e) {
          case '\n': ++line_; break;
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case 'a': value += '\a'; break;
          case 'b': value += '\b'; break;
          case 'f': value += '\f'; break;
          case 'v': value += '\v'; break;
          case '\\': value += '\\'; break;
          case '\'': value += '\''; break;
          case '"': value += '"'; break;
          case 'x': code_point(hex_digits(2)); break;
          case 'u':
          case 'U':
            if (bytes) keep();
            else code_point(hex_digits(e == 'u' ? 4 : 8));
            break;
          case 'N':
            // \N{NAME}: the names are Unicode's database, which the import does not carry.
            if (!bytes && i_ < s_.size() && s_[i_] == '{') unknown = "a \\N{...} escape names a character this import does not look up";
            keep();
            break;
          default:
            if (e < '0' || e > '7') {
              keep();
              break;
            }
            unsigned v = static_cast<unsigned>(e - '0');  // up to three octal digits
            for (int k = 0; k < 2 && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '7'; ++k)
              v = v * 8 + static_cast<unsigned>(s_[i_++] - '0');
            code_point(v);
        }
        continue;
      }
      value += c;
      ++i_;
    }
    return {token::string, std::move(value), formatted ? "an f-string's value is only known when it runs" : unknown};
  }

  std::string_view s_;
  const fs::path& file_;
  std::size_t i_ = 0;
  int line_ = 1;
};

/// A Python value as revision files write them: literals, dotted names, calls, lists and dicts.
struct py {
  enum kind_t { none, boolean, number, string, name, call, list, dict } kind = none;
  std::string text;  ///< a string's value, a number, a dotted name, a call's callee
  bool truth = false;
  std::vector<py> items;                            ///< a call's positional arguments, a list's items
  std::vector<std::string> keys;  ///< a call's keyword arguments, a dict's items (keys as text)…
  std::vector<py> values;         ///< … and their values

  const py* kw(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &values[i];
    return nullptr;
  }
};

class parser {
 public:
  explicit parser(const std::vector<token>& t, std::size_t from = 0) : t_(t), i_(from) {}

  py expr() {
    // Nesting is bounded, so a file of brackets cannot exhaust the stack.
    if (++depth_ > 64) cannot("nested more than 64 levels deep");
    struct leave {
      int& d;
      ~leave() { --d; }
    } guard{depth_};
    if (is_op("-") && i_ + 1 < t_.size() && t_[i_ + 1].kind == token::number) {
      i_ += 2;
      return {py::number, "-" + t_[i_ - 1].text, false, {}, {}, {}};
    }
    py v = primary();
    if (i_ < t_.size() && !is_op(",") && !is_op(")") && !is_op("]") && !is_op("}") && !is_op(":") && !is_op("="))
      cannot(fmt::format("'{}' is Python this import does not evaluate", t_[i_].text));
    return v;
  }

  bool is_op(std::string_view o) const { return i_ < t_.size() && t_[i_].kind == token::op && t_[i_].text == o; }
  bool at_end() const { return i_ >= t_.size(); }
  std::size_t at() const { return i_; }
  void expect(std::string_view o) {
    if (!is_op(o)) cannot(fmt::format("expected '{}'", o));
    ++i_;
  }
  std::string name() {
    if (i_ >= t_.size() || t_[i_].kind != token::name) cannot("expected a name");
    return t_[i_++].text;
  }
  /// NAME ('.' NAME)*
  std::string dotted() {
    std::string n = name();
    while (is_op(".")) {
      ++i_;
      n += "." + name();
    }
    return n;
  }

  /// The arguments of a call, from after its '('.
  void arguments(py& call) {
    while (!is_op(")")) {
      if (is_op("*") || is_op("**")) cannot("*args and **kwargs are not evaluated");
      if (i_ + 1 < t_.size() && t_[i_].kind == token::name && t_[i_ + 1].kind == token::op && t_[i_ + 1].text == "=") {
        std::string key = t_[i_].text;
        i_ += 2;
        call.values.push_back(expr());
        call.keys.push_back(std::move(key));
      } else {
        call.items.push_back(expr());
      }
      if (!is_op(",")) break;
      ++i_;
    }
    expect(")");
  }

 private:
  py primary() {
    if (i_ >= t_.size()) cannot("a value is missing");
    const token& t = t_[i_];
    if (t.kind == token::string) {
      py v{py::string, {}, false, {}, {}, {}};
      while (i_ < t_.size() && t_[i_].kind == token::string) {
        if (!t_[i_].unknown.empty()) cannot(t_[i_].unknown);
        v.text += t_[i_++].text;
      }
      return v;
    }
    if (t.kind == token::number) {
      ++i_;
      return {py::number, t.text, false, {}, {}, {}};
    }
    if (t.kind == token::name) {
      if (t.text == "None") return ++i_, py{};
      if (t.text == "True" || t.text == "False") return ++i_, py{py::boolean, t.text, t.text == "True", {}, {}, {}};
      if (t.text == "lambda" || t.text == "not" || t.text == "await") cannot(fmt::format("'{}' is not evaluated", t.text));
      py v{py::name, dotted(), false, {}, {}, {}};
      while (is_op("(")) {
        ++i_;
        py call{py::call, v.kind == py::name ? v.text : v.text + "()", false, {}, {}, {}};
        arguments(call);
        v = std::move(call);
        if (is_op(".")) {  // sa.func.now().label(...) and the like
          ++i_;
          v = {py::name, v.text + "()." + dotted(), false, {}, {}, {}};
        }
      }
      return v;
    }
    if (is_op("(") || is_op("[")) {
      const bool tuple = is_op("(");
      ++i_;
      py v{py::list, {}, false, {}, {}, {}};
      bool comma = false;
      while (!is_op(tuple ? ")" : "]")) {
        v.items.push_back(expr());
        if (!is_op(",")) break;
        comma = true;
        ++i_;
      }
      expect(tuple ? ")" : "]");
      if (tuple && !comma && v.items.size() == 1) return std::move(v.items[0]);  // parentheses, not a tuple
      return v;
    }
    if (is_op("{")) {
      ++i_;
      py v{py::dict, {}, false, {}, {}, {}};
      while (!is_op("}")) {
        py key = expr();
        expect(":");
        v.values.push_back(expr());
        v.keys.push_back(key.text);
        if (!is_op(",")) break;
        ++i_;
      }
      expect("}");
      return v;
    }
    cannot(fmt::format("'{}' is Python this import does not evaluate", t.text));
  }

  const std::vector<token>& t_;
  std::size_t i_;
  int depth_ = 0;
};

// ---- From SQLAlchemy and op.* to retort's vocabulary -----------------------------------------

/// One retort operation as TOML: `op = "…"` then its fields in order.
struct toml_op {
  std::vector<std::pair<std::string, std::string>> fields;
  void add(std::string key, std::string value) { fields.emplace_back(std::move(key), std::move(value)); }
};

std::string q(std::string_view s) { return toml_string(s); }

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) (out += i ? separator : "") += items[i];
  return out;
}

std::string inline_table(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out = "{ ";
  for (std::size_t i = 0; i < kv.size(); ++i) out += (i ? ", " : "") + kv[i].first + " = " + kv[i].second;
  return out + " }";
}

std::string last_part(const std::string& dotted);

/// A string literal, or what op.f(…) and sa.text(…) wrap.
std::string text_of(const py& v, const char* what) {
  if (v.kind == py::string) return v.text;
  if (v.kind == py::call && (last_part(v.text) == "f" || last_part(v.text) == "text") &&
      v.items.size() == 1 && v.items[0].kind == py::string)
    return v.items[0].text;
  cannot(fmt::format("{} is not a string literal", what));
}

std::optional<std::string> optional_text(const py* v, const char* what) {
  if (!v || v->kind == py::none) return std::nullopt;
  return text_of(*v, what);
}

std::vector<std::string> names_of(const py& v, const char* what) {
  if (v.kind == py::string) return {v.text};
  if (v.kind != py::list) cannot(fmt::format("{} is not a list of names", what));
  std::vector<std::string> out;
  for (const auto& item : v.items) {
    // sa.text("lower(name)") is an expression, not a column: quoted as a name it would be another index.
    if (item.kind == py::call && last_part(item.text) == "text")
      cannot(fmt::format("{}: an expression (sa.text) is not a column; write the statement as SQL", what));
    out.push_back(text_of(item, what));
  }
  return out;
}

bool truth_of(const py& v, const char* what) {
  if (v.kind != py::boolean) cannot(fmt::format("{} is not True or False", what));
  return v.truth;
}

const py& arg(const py& call, std::size_t pos, std::string_view key, const char* what) {
  if (const py* k = call.kw(key)) return *k;
  if (pos < call.items.size()) return call.items[pos];
  cannot(fmt::format("{}() has no {}", call.text, what));
}

const py* maybe_arg(const py& call, std::size_t pos, std::string_view key) {
  if (const py* k = call.kw(key)) return k;
  return pos < call.items.size() ? &call.items[pos] : nullptr;
}

/// Keyword arguments a call may have: any other is refused, so nothing it means is dropped silently.
void only(const py& call, std::initializer_list<std::string_view> known) {
  for (std::size_t i = 0; i < call.keys.size(); ++i)
    if (std::find(known.begin(), known.end(), call.keys[i]) == known.end() &&
        !(call.keys[i] == "schema" && call.values[i].kind == py::none))
      cannot(fmt::format("{}() with {}= is not translated", call.text, call.keys[i]));
}

/// The last part of a dotted name: `sa.Integer`, `sqlalchemy.types.Integer` and `Integer` alike.
std::string last_part(const std::string& dotted) {
  const auto dot = dotted.rfind('.');
  return dot == std::string::npos ? dotted : dotted.substr(dot + 1);
}

std::string number_arg(const py& v) {
  if (v.kind != py::number) cannot("a type's length or precision is not a number");
  return v.text;
}

/// A SQLAlchemy type as a retort neutral type (or, for a dialect's own type, its name as written).
std::string type_of(const py& v) {
  if (v.kind != py::name && v.kind != py::call) cannot("a column's type is not a SQLAlchemy type");
  const std::string full = v.text, t = last_part(full);
  const py* length = v.kind == py::call ? maybe_arg(v, 0, "length") : nullptr;
  if (t == "Integer" || t == "INTEGER" || t == "INT") return "integer";
  if (t == "BigInteger" || t == "BIGINT") return "bigint";
  if (t == "SmallInteger" || t == "SMALLINT") return "smallint";
  if (t == "String" || t == "VARCHAR" || t == "Unicode" || t == "NVARCHAR")
    return length && length->kind != py::none ? "string(" + number_arg(*length) + ")" : "string";
  if (t == "Text" || t == "TEXT" || t == "UnicodeText" || t == "CLOB") return "text";
  if (t == "Boolean" || t == "BOOLEAN") return "boolean";
  if (t == "Date" || t == "DATE") return "date";
  if (t == "Time" || t == "TIME") return "time";
  if (t == "DateTime" || t == "DATETIME" || t == "TIMESTAMP") {
    const py* tz = v.kind == py::call ? maybe_arg(v, 0, "timezone") : nullptr;
    return tz && tz->kind == py::boolean && tz->truth ? "timestamptz" : "timestamp";
  }
  if (t == "Float" || t == "FLOAT" || t == "REAL") return "float";
  if (t == "Double" || t == "DOUBLE" || t == "DOUBLE_PRECISION") return "double";
  if (t == "Numeric" || t == "NUMERIC" || t == "DECIMAL") {
    const py* p = v.kind == py::call ? maybe_arg(v, 0, "precision") : nullptr;
    const py* s = v.kind == py::call ? maybe_arg(v, 1, "scale") : nullptr;
    if (p && p->kind != py::none)
      return s && s->kind != py::none ? fmt::format("numeric({},{})", number_arg(*p), number_arg(*s))
                                      : fmt::format("numeric({})", number_arg(*p));
    return "numeric";
  }
  if (t == "LargeBinary" || t == "BLOB" || t == "BINARY" || t == "VARBINARY") return "binary";
  if (t == "JSON") return "json";
  if (t == "Uuid" || t == "UUID") return "uuid";
  if (t == "Enum") cannot("sa.Enum: declare it with the enum plugin's operations (docs/plugin-guide.md)");
  // A dialect's own type (postgresql.JSONB(), mysql.MEDIUMTEXT()): its name, as the database spells it.
  if (full.find("postgresql.") != std::string::npos || full.find("mysql.") != std::string::npos ||
      full.find("sqlite.") != std::string::npos) {
    if (v.kind == py::call && !v.items.empty()) cannot(fmt::format("{}(…) with arguments is not translated", full));
    std::string lower = t;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  }
  cannot(fmt::format("the type {} is not one this import knows", full));
}

/// server_default=: a string is a literal, sa.text(…) SQL as written, func.now() the current time.
std::string default_of(const py& v) {
  if (v.kind == py::string) {
    std::string out = "'";
    for (char c : v.text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  if (v.kind == py::call && (last_part(v.text) == "text") && v.items.size() == 1 && v.items[0].kind == py::string)
    return v.items[0].text;
  if (v.kind == py::call && (v.text == "sa.func.now" || v.text == "func.now" || v.text == "sa.func.current_timestamp"))
    return "CURRENT_TIMESTAMP";
  if (v.kind == py::call && (v.text == "sa.true" || v.text == "sa.false")) return v.text == "sa.true" ? "true" : "false";
  cannot("server_default is not a string, sa.text(…) or func.now()");
}

std::string action_of(const py* v) {
  const auto a = optional_text(v, "ondelete");
  if (!a) return {};
  std::string lower = *a;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

/// "users.id" → "users.id"; ["users.id", "users.org"] → "users(id, org)".
std::string reference_of(const std::vector<std::string>& targets) {
  if (targets.empty()) cannot("a foreign key references nothing");
  if (targets.size() == 1) return targets[0];
  std::string table;
  std::vector<std::string> cols;
  for (const auto& t : targets) {
    const auto dot = t.rfind('.');
    if (dot == std::string::npos) cannot("a foreign key's target is not table.column");
    if (!table.empty() && table != t.substr(0, dot)) cannot("a foreign key names columns of several tables");
    table = t.substr(0, dot);
    cols.push_back(t.substr(dot + 1));
  }
  return table + "(" + join(cols, ", ") + ")";
}

/// What a table definition collects besides its columns.
struct table_parts {
  std::vector<std::string> primary_key, foreign_keys, uniques, checks, indexes;
};

/// A column as read from sa.Column, written out as a retort column table once create_table has
/// settled its key.
struct column_spec {
  std::string name, type;
  std::optional<bool> nullable, autoincrement;  ///< as written
  bool primary_key = false, references = false;
  std::vector<std::pair<std::string, std::string>> rest;  ///< unique, server_default, references, on_delete

  std::string toml() const {
    std::vector<std::pair<std::string, std::string>> kv{{"name", q(name)}, {"type", q(type)}};
    if (nullable || !primary_key) kv.emplace_back("nullable", nullable.value_or(true) ? "true" : "false");
    if (primary_key) kv.emplace_back("primary_key", "true");
    if (primary_key && autoincrement.value_or(false)) kv.emplace_back("autoincrement", "true");
    kv.insert(kv.end(), rest.begin(), rest.end());
    return inline_table(kv);
  }
};

/// sa.Column(name, type, *constraints, **options); `index=True` goes into `parts` when there are
/// any (create_table), else is refused.
column_spec column_of(const py& c, const std::string& table, table_parts* parts) {
  if (c.kind != py::call || last_part(c.text) != "Column") cannot("expected sa.Column(…)");
  only(c, {"nullable", "primary_key", "autoincrement", "unique", "server_default", "default", "index", "comment",
           "info", "doc", "onupdate", "key", "type_", "name"});
  if (c.kw("comment") || c.kw("onupdate")) cannot("a column's comment= or onupdate= is not translated");
  column_spec col;
  col.name = text_of(c.kw("name") ? *c.kw("name") : arg(c, 0, "name", "name"), "the column's name");
  const std::size_t type_at = c.kw("name") ? 0 : 1;
  col.type = type_of(c.kw("type_") ? *c.kw("type_") : arg(c, type_at, "type_", "type"));
  if (const py* v = c.kw("primary_key")) col.primary_key = truth_of(*v, "primary_key");
  if (const py* v = c.kw("nullable")) col.nullable = truth_of(*v, "nullable");
  if (const py* v = c.kw("autoincrement"); v && v->kind == py::boolean) col.autoincrement = v->truth;
  if (const py* v = c.kw("unique"); v && truth_of(*v, "unique")) col.rest.emplace_back("unique", "true");
  if (const py* v = c.kw("server_default"); v && v->kind != py::none) col.rest.emplace_back("server_default", q(default_of(*v)));
  for (std::size_t i = type_at + 1; i < c.items.size(); ++i) {
    const py& x = c.items[i];
    if (x.kind == py::call && last_part(x.text) == "ForeignKey") {
      only(x, {"ondelete", "onupdate", "name"});
      if (x.kw("onupdate") || x.kw("name")) cannot("a column's ForeignKey with onupdate= or name= is not translated");
      col.references = true;
      col.rest.emplace_back("references", q(text_of(arg(x, 0, "column", "target"), "the ForeignKey's target")));
      if (auto a = action_of(x.kw("ondelete")); !a.empty()) col.rest.emplace_back("on_delete", q(a));
    } else {
      cannot("a column's positional argument other than its type and a ForeignKey is not translated");
    }
  }
  if (const py* v = c.kw("index"); v && truth_of(*v, "index")) {
    if (!parts) cannot("index=True outside create_table is not translated; write op.create_index");
    parts->indexes.push_back(inline_table({{"name", q("ix_" + table + "_" + col.name)}, {"columns", toml_list({col.name})}}));
  }
  return col;
}

/// create_table's positional arguments after the name: columns and table constraints.
toml_op create_table(const py& call) {
  only(call, {});
  const std::string table = text_of(arg(call, 0, "name", "table name"), "the table name");
  std::vector<column_spec> columns;
  table_parts parts;
  for (std::size_t i = 1; i < call.items.size(); ++i) {
    const py& x = call.items[i];
    const std::string kind = x.kind == py::call ? last_part(x.text) : "";
    if (kind == "Column") {
      columns.push_back(column_of(x, table, &parts));
    } else if (kind == "PrimaryKeyConstraint") {
      only(x, {"name"});
      for (const auto& c : x.items) parts.primary_key.push_back(text_of(c, "a key column"));
    } else if (kind == "ForeignKeyConstraint") {
      only(x, {"name", "ondelete", "onupdate"});
      std::vector<std::pair<std::string, std::string>> kv;
      if (auto n = optional_text(x.kw("name"), "the key's name")) kv.emplace_back("name", q(*n));
      kv.emplace_back("columns", toml_list(names_of(arg(x, 0, "columns", "columns"), "the key's columns")));
      kv.emplace_back("references", q(reference_of(names_of(arg(x, 1, "refcolumns", "referred columns"), "the key's targets"))));
      if (auto a = action_of(x.kw("ondelete")); !a.empty()) kv.emplace_back("on_delete", q(a));
      if (auto a = action_of(x.kw("onupdate")); !a.empty()) kv.emplace_back("on_update", q(a));
      parts.foreign_keys.push_back(inline_table(kv));
    } else if (kind == "UniqueConstraint") {
      only(x, {"name"});
      std::vector<std::string> cols;
      for (const auto& c : x.items) cols.push_back(text_of(c, "a unique column"));
      const std::string name = optional_text(x.kw("name"), "the unique's name").value_or("uq_" + table + "_" + joined(cols, "_"));
      parts.uniques.push_back(inline_table({{"name", q(name)}, {"columns", toml_list(cols)}}));
    } else if (kind == "CheckConstraint") {
      only(x, {"name"});
      const std::string sql = text_of(arg(x, 0, "sqltext", "condition"), "the check's condition");
      const std::string name = optional_text(x.kw("name"), "the check's name")
                                   .value_or("ck_" + table + "_" + std::to_string(parts.checks.size() + 1));
      parts.checks.push_back(inline_table({{"name", q(name)}, {"sql", q(sql)}}));
    } else {
      cannot("a create_table argument other than sa.Column and the four constraints is not translated");
    }
  }
  if (columns.empty()) cannot("create_table without columns");
  // Each column of a PrimaryKeyConstraint is a column table with primary_key, so retort renders the
  // key as SQLAlchemy does; a key of several columns is the table's primary_key too.
  std::vector<column_spec*> key;
  for (auto& col : columns) {
    if (std::find(parts.primary_key.begin(), parts.primary_key.end(), col.name) != parts.primary_key.end())
      col.primary_key = true;
    if (col.primary_key) key.push_back(&col);
  }
  // SQLAlchemy's autoincrement="auto": a key of one integer column that is in no foreign key and
  // not autoincrement=False is generated (SERIAL on PostgreSQL, the rowid on SQLite).
  if (key.size() == 1) {
    column_spec& k = *key[0];
    const auto in_key = [&](const std::string& fk) { return fk.find("columns = [" + q(k.name) + "]") != std::string::npos; };
    if ((k.type == "integer" || k.type == "bigint" || k.type == "smallint") && !k.references && !k.autoincrement &&
        std::none_of(parts.foreign_keys.begin(), parts.foreign_keys.end(), in_key))
      k.autoincrement = true;
  }
  std::vector<std::string> rendered;
  for (const auto& col : columns) rendered.push_back(col.toml());
  toml_op o;
  o.add("op", q("create_table"));
  o.add("table", q(table));
  auto list = [&](const char* field, const std::vector<std::string>& items) {
    if (!items.empty()) o.add(field, "[\n  " + joined(items, ",\n  ") + ",\n]");
  };
  list("columns", rendered);
  if (parts.primary_key.size() > 1) o.add("primary_key", toml_list(parts.primary_key));
  list("foreign_keys", parts.foreign_keys);
  list("indexes", parts.indexes);
  list("checks", parts.checks);
  list("uniques", parts.uniques);
  return o;
}

/// An op.* call (or, with `batch_table`, a batch_op.* call on that table) as retort operations.
std::vector<toml_op> translate(const py& call, const std::string& batch_table) {
  const std::string fn = last_part(call.text);
  const bool batch = !batch_table.empty();
  // In a batch, the table is the batch's and every argument after it moves one place left.
  const std::size_t shift = batch ? 1 : 0;
  auto table_arg = [&](std::size_t pos, std::string_view key) {
    return batch ? batch_table : text_of(arg(call, pos, key, "table name"), "the table name");
  };
  auto at = [&](std::size_t pos) { return pos - std::min(pos, shift); };
  toml_op o;
  if (fn == "create_table" && !batch) return {create_table(call)};
  if (fn == "drop_table" && !batch) {
    only(call, {});
    o.add("op", q("drop_table"));
    o.add("table", q(text_of(arg(call, 0, "table_name", "table name"), "the table name")));
    return {o};
  }
  if (fn == "rename_table" && !batch) {
    only(call, {});
    o.add("op", q("rename_table"));
    o.add("table", q(text_of(arg(call, 0, "old_table_name", "old name"), "the old name")));
    o.add("to", q(text_of(arg(call, 1, "new_table_name", "new name"), "the new name")));
    return {o};
  }
  if (fn == "add_column") {
    only(call, {});
    const std::string table = table_arg(0, "table_name");
    o.add("op", q("add_column"));
    o.add("table", q(table));
    o.add("column", column_of(arg(call, at(1), "column", "column"), table, nullptr).toml());
    return {o};
  }
  if (fn == "drop_column") {
    only(call, {});
    o.add("op", q("drop_column"));
    o.add("table", q(table_arg(0, "table_name")));
    o.add("column", q(text_of(arg(call, at(1), "column_name", "column"), "the column name")));
    return {o};
  }
  if (fn == "alter_column") {
    only(call, {"nullable", "type_", "server_default", "new_column_name", "existing_type", "existing_nullable",
                "existing_server_default", "existing_comment", "autoincrement", "existing_autoincrement"});
    o.add("op", q("alter_column"));
    o.add("table", q(table_arg(0, "table_name")));
    o.add("column", q(text_of(arg(call, at(1), "column_name", "column"), "the column name")));
    if (const py* v = call.kw("type_")) o.add("type", q(type_of(*v)));
    if (const py* v = call.kw("nullable"); v && v->kind != py::none) o.add("nullable", truth_of(*v, "nullable") ? "true" : "false");
    if (const py* v = call.kw("server_default"))
      o.add("server_default", v->kind == py::none || (v->kind == py::boolean && !v->truth) ? "false" : q(default_of(*v)));
    if (const py* v = call.kw("new_column_name"); v && v->kind != py::none) o.add("rename_to", q(text_of(*v, "the new name")));
    if (o.fields.size() == 3) return {};  // only existing_*: nothing changes
    return {o};
  }
  if (fn == "create_index") {
    only(call, {"unique"});
    o.add("op", q("create_index"));
    o.add("name", q(text_of(arg(call, 0, "index_name", "index name"), "the index name")));
    o.add("table", q(batch ? batch_table : text_of(arg(call, 1, "table_name", "table name"), "the table name")));
    o.add("columns", toml_list(names_of(arg(call, batch ? 1 : 2, "columns", "columns"), "the index's columns")));
    if (const py* v = call.kw("unique"); v && truth_of(*v, "unique")) o.add("unique", "true");
    return {o};
  }
  if (fn == "drop_index") {
    only(call, {"table_name"});
    o.add("op", q("drop_index"));
    o.add("name", q(text_of(arg(call, 0, "index_name", "index name"), "the index name")));
    if (batch) o.add("table", q(batch_table));
    else if (const py* t = maybe_arg(call, 1, "table_name"); t && t->kind != py::none) o.add("table", q(text_of(*t, "the table name")));
    else cannot("drop_index without table_name=: retort's drop_index names its table");
    return {o};
  }
  if (fn == "create_foreign_key") {
    only(call, {"ondelete", "onupdate"});
    const py& name = arg(call, 0, "constraint_name", "name");
    if (name.kind == py::none) cannot("create_foreign_key without a name: retort's keys are named");
    o.add("op", q("create_foreign_key"));
    o.add("name", q(text_of(name, "the key's name")));
    const std::string source = table_arg(1, "source_table");
    const std::size_t ref_at = batch ? 1 : 2;
    const std::string referent = text_of(arg(call, ref_at, "referent_table", "referent table"), "the referent table");
    const auto local = names_of(arg(call, ref_at + 1, "local_cols", "local columns"), "the key's columns");
    const auto remote = names_of(arg(call, ref_at + 2, "remote_cols", "remote columns"), "the referred columns");
    o.add("table", q(source));
    o.add("columns", toml_list(local));
    o.add("references", q(referent + "(" + join(remote, ", ") + ")"));
    if (auto a = action_of(call.kw("ondelete")); !a.empty()) o.add("on_delete", q(a));
    if (auto a = action_of(call.kw("onupdate")); !a.empty()) o.add("on_update", q(a));
    return {o};
  }
  if (fn == "create_unique_constraint" || fn == "create_check_constraint") {
    only(call, {});
    const bool unique = fn == "create_unique_constraint";
    const py& name = arg(call, 0, "constraint_name", "name");
    if (name.kind == py::none) cannot(fn + " without a name: retort's constraints are named");
    o.add("op", q(unique ? "create_unique" : "create_check"));
    o.add("name", q(text_of(name, "the constraint's name")));
    o.add("table", q(table_arg(1, "table_name")));
    const py& what = arg(call, batch ? 1 : 2, unique ? "columns" : "condition", unique ? "columns" : "condition");
    if (unique) o.add("columns", toml_list(names_of(what, "the columns")));
    else o.add("sql", q(text_of(what, "the condition")));
    return {o};
  }
  if (fn == "drop_constraint") {
    only(call, {"type_"});
    if (const py* t = call.kw("type_"); t && t->kind == py::string && t->text == "primary")
      cannot("drop_constraint of a primary key: write alter_primary_key");
    o.add("op", q("drop_constraint"));
    o.add("name", q(text_of(arg(call, 0, "constraint_name", "name"), "the constraint's name")));
    o.add("table", q(table_arg(1, "table_name")));
    return {o};
  }
  if (fn == "execute" && !batch) {
    only(call, {});
    o.add("op", q("sql"));
    o.add("sql", q(text_of(arg(call, 0, "sqltext", "SQL"), "the SQL")));
    return {o};
  }
  cannot(fmt::format("{}() is not one of the operations this import translates", call.text));
}

/// A statement of upgrade() or downgrade(), from its line `k` (and, for a `with` block, the lines
/// under it): the operations, and `k` moved past what it read.
struct section {
  std::vector<toml_op> ops;
  std::vector<std::string> untranslated;
  std::size_t count = 0;
};

void placeholder(section& out, const logical_line& l, const std::string& why, const fs::path& file) {
  toml_op o;
  o.add("op", q("untranslated"));
  o.add("python", q(l.source));
  o.add("why", q(why));
  out.ops.push_back(std::move(o));
  std::string first = l.source.substr(0, l.source.find('\n'));
  if (first.size() > 60) first = first.substr(0, 57) + "...";
  out.untranslated.push_back(fmt::format("{}:{}: {}{}", file.filename().string(), l.line, first.empty() ? "" : first + ": ", why));
}

/// Lines [k, end) as one, each continuation indented as it was below the first.
logical_line whole_block(const std::vector<logical_line>& lines, std::size_t k, std::size_t end) {
  logical_line whole = lines[k];
  for (std::size_t b = k + 1; b < end; ++b)
    whole.source += "\n" + std::string(static_cast<std::size_t>(lines[b].indent - lines[k].indent), ' ') + lines[b].source;
  return whole;
}

bool is_pass_or_docstring(const logical_line& l) {
  return (l.tokens.size() == 1 && ((l.tokens[0].kind == token::name && l.tokens[0].text == "pass") ||
                                   l.tokens[0].kind == token::string));
}

section body_of(const std::vector<logical_line>& lines, std::size_t from, std::size_t to, const fs::path& file) {
  section out;
  for (std::size_t k = from; k < to; ++k) {
    const logical_line& l = lines[k];
    if (is_pass_or_docstring(l)) continue;
    const auto& t = l.tokens;
    // with op.batch_alter_table("t", …) as batch_op:
    if (t[0].kind == token::name && t[0].text == "with") {
      std::size_t end = k + 1;
      while (end < to && lines[end].indent > l.indent) ++end;
      try {
        parser p(t, 1);
        const std::string callee = p.dotted();
        if (callee != "op.batch_alter_table") cannot("a with block other than op.batch_alter_table");
        p.expect("(");
        py call{py::call, callee, false, {}, {}, {}};
        p.arguments(call);
        only(call, {"recreate", "schema", "table_args", "table_kwargs", "reflect_args", "reflect_kwargs",
                    "naming_convention", "copy_from", "partial_reordering"});
        const std::string table = text_of(arg(call, 0, "table_name", "table name"), "the table name");
        if (!p.is_op(":") && !(p.at() < t.size() && t[p.at()].text == "as")) cannot("expected 'as NAME:'");
        std::string var;
        if (t[p.at()].text == "as") {
          parser rest(t, p.at() + 1);
          var = rest.name();
        }
        for (std::size_t b = k + 1; b < end; ++b) {
          const logical_line& bl = lines[b];
          if (is_pass_or_docstring(bl)) continue;
          try {
            parser bp(bl.tokens);
            const std::string name = bp.dotted();
            if (var.empty() || name.rfind(var + ".", 0) != 0) cannot("a statement in the batch block other than a call on it");
            bp.expect("(");
            py inner{py::call, name, false, {}, {}, {}};
            bp.arguments(inner);
            if (!bp.at_end()) cannot("more after the call than this import evaluates");
            for (auto& o : translate(inner, table)) out.ops.push_back(std::move(o)), ++out.count;
          } catch (const untranslatable& u) {
            placeholder(out, bl, u.why, file);
          }
        }
      } catch (const untranslatable& u) {
        placeholder(out, whole_block(lines, k, end), u.why, file);
      }
      k = end - 1;
      continue;
    }
    // A block of another kind (if, for, try): kept whole, as Python.
    std::size_t end = k + 1;
    while (end < to && lines[end].indent > l.indent) ++end;
    try {
      if (end > k + 1) cannot("Python control flow is not evaluated");
      parser p(t);
      const std::string name = p.dotted();
      if (name.rfind("op.", 0) != 0) cannot("only op.* calls are translated");
      p.expect("(");
      py call{py::call, name, false, {}, {}, {}};
      p.arguments(call);
      if (!p.at_end()) cannot("more after the call than this import evaluates");
      for (auto& o : translate(call, "")) out.ops.push_back(std::move(o)), ++out.count;
    } catch (const untranslatable& u) {
      placeholder(out, whole_block(lines, k, end), u.why, file);
    }
    k = end - 1;
  }
  return out;
}

std::string ops_text(const char* section_name, const std::vector<toml_op>& ops) {
  std::string out;
  for (const auto& o : ops) {
    out += fmt::format("\n[[{}]]\n", section_name);
    for (const auto& [k, v] : o.fields) out += k + " = " + v + "\n";
  }
  return out;
}

/// A module-level value: a string, None, or a tuple or list of strings.
std::vector<std::string> id_list(const py& v, const fs::path& file, int line, const char* key) {
  if (v.kind == py::none) return {};
  if (v.kind == py::string) return {v.text};
  if (v.kind == py::list) {
    std::vector<std::string> out;
    for (const auto& item : v.items) {
      if (item.kind != py::string)
        throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: {}: expected strings", file.string(), line, key));
      out.push_back(item.text);
    }
    return out;
  }
  throw sdk::error(sdk::error_kind::input,
                   fmt::format("{}:{}: {}: expected a string, a tuple of strings or None", file.string(), line, key));
}

struct alembic_file {
  fs::path path;
  std::string revision, message;
  std::vector<std::string> parents, labels, depends_on;
  section up, down;
};

alembic_file read_alembic(std::string_view source, const fs::path& path) {
  // Python reads \r\n as \n, in continuations and strings too.
  const std::string text = lf_line_ends(source);
  const auto lines = lexer(text, path).lines();
  alembic_file f;
  f.path = path;
  bool has_revision = false, has_downgrade = false;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto& l = lines[k];
    if (l.indent != 0) continue;
    const auto& t = l.tokens;
    if (k == 0 && t.size() == 1 && t[0].kind == token::string) {
      std::string first = t[0].text;
      const auto start = first.find_first_not_of(" \t\n");
      first = start == std::string::npos ? "" : first.substr(start);
      // A message is text retort prints: a control character an escape in the docstring made is a space.
      f.message = as_text(first.substr(0, first.find('\n')));
      std::replace(f.message.begin(), f.message.end(), '\t', ' ');
      while (!f.message.empty() && std::isspace(static_cast<unsigned char>(f.message.back()))) f.message.pop_back();
      continue;
    }
    if (t[0].kind == token::name && t[0].text == "def" && t.size() > 1 &&
        (t[1].text == "upgrade" || t[1].text == "downgrade")) {
      std::size_t end = k + 1;
      while (end < lines.size() && lines[end].indent > 0) ++end;
      (t[1].text == "upgrade" ? f.up : f.down) = body_of(lines, k + 1, end, path);
      has_downgrade = has_downgrade || t[1].text == "downgrade";
      k = end - 1;
      continue;
    }
    // NAME [: annotation] = value, for the four the graph needs.
    if (t[0].kind != token::name) continue;
    const std::string key = t[0].text;
    if (key != "revision" && key != "down_revision" && key != "branch_labels" && key != "depends_on") continue;
    std::size_t eq = 1;
    while (eq < t.size() && !(t[eq].kind == token::op && t[eq].text == "=")) ++eq;
    if (eq >= t.size()) continue;
    py v;
    try {
      parser p(t, eq + 1);
      v = p.expr();
    } catch (const untranslatable& u) {
      throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: {}: {}", path.string(), l.line, key, u.why));
    }
    auto ids = id_list(v, path, l.line, key.c_str());
    if (key == "revision") {
      if (ids.size() != 1)
        throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: revision: expected one id", path.string(), l.line));
      if (const auto why = revision_id_problem(ids[0]); !why.empty())
        throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: revision: {}", path.string(), l.line, why));
      f.revision = ids[0];
      has_revision = true;
    } else if (key == "down_revision") {
      f.parents = ids;
    } else if (key == "branch_labels") {
      f.labels = ids;
    } else {
      f.depends_on = ids;
    }
  }
  if (!has_revision)
    throw sdk::error(sdk::error_kind::input,
                     fmt::format("{}:1: not an Alembic revision file: no `revision = \"…\"` at the top level", path.string()));
  // Alembic cannot revert a revision without downgrade(); nor may retort, until someone writes it.
  if (!has_downgrade) placeholder(f.down, logical_line{0, 1, "", {}}, "the file has no downgrade()", path);
  return f;
}

imported_revision converted(const alembic_file& f, const std::vector<std::string>& deps) {
  imported_revision r;
  r.source = f.path;
  r.file_name = f.path.stem().string() + ".toml";
  while (!r.file_name.empty() && r.file_name[0] == '.') r.file_name.erase(0, 1);  // retort skips hidden files
  if (r.file_name.size() > 255)
    throw sdk::error(sdk::error_kind::input, fmt::format("{}: the name is too long: with .toml it would be {} bytes, and a "
                                                         "file name has at most 255; shorten it",
                                                         f.path.string(), r.file_name.size()));
  r.revision = f.revision;
  r.operations = f.up.count + f.down.count;
  r.untranslated = f.up.untranslated;
  r.untranslated.insert(r.untranslated.end(), f.down.untranslated.begin(), f.down.untranslated.end());
  std::string text = fmt::format(
      "# Imported from Alembic's {} by `retort import alembic`; operations and their fields:\n"
      "# docs/file-formats.md.{}\n"
      "revision = {}\ndown_revision = {}\n",
      f.path.filename().string(),
      r.untranslated.empty() ? ""
                             : "\n# Entries with op = \"untranslated\" are Alembic code the import could not "
                               "translate:\n# they refuse to run. Write each as retort operations or SQL.",
      q(f.revision), toml_list(f.parents));
  if (!f.labels.empty()) text += "branch_labels = " + toml_list(f.labels) + "\n";
  if (!deps.empty()) text += "depends_on = " + toml_list(deps) + "\n";
  text += "message = " + q(f.message) + "\n";
  // Alembic's downgrade() is always what reverts it, even when it does nothing.
  if (f.down.ops.empty()) text += "downgrade = []  # Alembic's downgrade() does nothing\n";
  text += ops_text("upgrade", f.up.ops);
  text += ops_text("downgrade", f.down.ops);
  r.text = std::move(text);
  return r;
}

}  // namespace

std::vector<imported_revision> import_alembic(const fs::path& versions_dir) {
  if (!fs::is_directory(versions_dir))
    throw sdk::error(sdk::error_kind::usage, fmt::format("{}: not a directory of Alembic revision files", versions_dir.string()));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(versions_dir))
    if (e.is_regular_file() && e.path().extension() == ".py" && e.path().filename() != "__init__.py")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<alembic_file> read;
  std::map<std::string, std::string> by_label;
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    read.push_back(read_alembic(text.str(), p));
    for (const auto& l : read.back().labels) by_label[l] = read.back().revision;
  }
  std::vector<imported_revision> out;
  for (const auto& f : read) {
    // depends_on may name a label, as Alembic allows; retort's names the revision.
    std::vector<std::string> deps;
    for (const auto& d : f.depends_on) {
      const bool is_revision = std::any_of(read.begin(), read.end(), [&](const alembic_file& o) { return o.revision == d; });
      if (is_revision) deps.push_back(d);
      else if (auto it = by_label.find(d); it != by_label.end()) deps.push_back(it->second);
      else
        throw sdk::error(sdk::error_kind::input, fmt::format("{}: depends_on '{}' is neither a revision nor a branch label "
                                                             "of this project",
                                                             f.path.string(), d));
    }
    out.push_back(converted(f, deps));
  }
  return out;
}

imported_revision import_alembic_text(const std::string& text, const fs::path& path) {
  const alembic_file f = read_alembic(text, path);
  return converted(f, f.depends_on);
}

}  // namespace retort
