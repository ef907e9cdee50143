// json_value.cpp — a small recursive-descent JSON reader (RFC 8259) and the field reader on it.
#include "json_value.hpp"

#include "text.hpp"

#include <retort/sdk/error.hpp>
#include <retort/sdk/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace retort::json {

const value* value::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &members[i];
  return nullptr;
}

namespace {

constexpr int max_depth = 64;

class parser {
 public:
  parser(std::string_view text, const std::string& source) : s_(text), source_(source) {}

  value document() {
    value v = parse_value(0);
    skip_space();
    if (i_ != s_.size()) fail("text after the end of the document");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1, column = 1;
    for (std::size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') ++line, column = 1;
      else ++column;
    }
    throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}:{}: {}", source_, line, column, what));
  }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      if (s_[i_] == '\n') ++line_;
      ++i_;
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  value parse_value(int depth) {
    if (depth >= max_depth) fail(fmt::format("nested more than {} levels deep", max_depth));
    skip_space();
    value v;
    v.line = line_;
    if (i_ >= s_.size()) fail("the document ends where a value should be");
    const char c = s_[i_];
    if (c == '{') {
      v.t = value::type::object;
      ++i_;
      skip_space();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, v;
      for (;;) {
        skip_space();
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name in double quotes");
        std::string key = parse_string();
        if (v.find(key)) fail(fmt::format("the member {} appears twice", sdk::json_string(key)));
        skip_space();
        if (i_ >= s_.size() || s_[i_] != ':') fail("expected ':' after the member name");
        ++i_;
        v.members.push_back(parse_value(depth + 1));
        v.keys.push_back(std::move(key));
        skip_space();
        if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, v;
        fail("expected ',' or '}' in an object");
      }
    }
    if (c == '[') {
      v.t = value::type::array;
      ++i_;
      skip_space();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, v;
      for (;;) {
        v.items.push_back(parse_value(depth + 1));
        skip_space();
        if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, v;
        fail("expected ',' or ']' in an array");
      }
    }
    if (c == '"') {
      v.t = value::type::string;
      v.text = parse_string();
      return v;
    }
    if (literal("true")) return v.t = value::type::boolean, v.boolean = true, v;
    if (literal("false")) return v.t = value::type::boolean, v;
    if (literal("null")) return v;
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.t = value::type::number;
      const std::size_t start = i_;
      v.number = parse_number();
      v.text = s_.substr(start, i_ - start);
      return v;
    }
    fail(fmt::format("unexpected character '{}'", c >= 0x20 && c < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", static_cast<unsigned char>(c))));
  }

  double parse_number() {
    const std::size_t start = i_;
    auto digits = [&] {
      const std::size_t from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - from;
    };
    if (s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') ++i_;
    else if (digits() == 0) fail("a number needs digits");
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) fail("a number needs digits after '.'");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) fail("a number needs digits in its exponent");
    }
    const std::string text(s_.substr(start, i_ - start));
    return std::strtod(text.c_str(), nullptr);
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("\\u needs four hex digits");
    unsigned u = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = hex_value(s_[i_++]);
      if (d < 0) fail("\\u needs four hex digits");
      u = u << 4 | static_cast<unsigned>(d);
    }
    return u;
  }

  std::string parse_string() {
    ++i_;  // the opening quote
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("a string is not closed");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, out;
      if (c < 0x20) fail("a control character inside a string");
      if (c == '\\') {
        if (++i_ >= s_.size()) fail("a string is not closed");
        const char e = s_[i_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            unsigned cp = hex4();
            if (cp >= 0xd800 && cp < 0xdc00) {
              if (!literal("\\u")) fail("a high surrogate without its low one");
              const unsigned low = hex4();
              if (low < 0xdc00 || low >= 0xe000) fail("a high surrogate without its low one");
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
              fail("a low surrogate without its high one");
            }
            append_utf8(out, cp);
            break;
          }
          default: --i_, fail(fmt::format("an unknown escape '\\{}'", e));
        }
        continue;
      }
      const std::size_t n = sdk::utf8_length(s_, i_);
      if (n == 0) fail("bytes that are not UTF-8 inside a string");
      out.append(s_.substr(i_, n));
      i_ += n;
    }
  }

  std::string_view s_;
  const std::string& source_;
  std::size_t i_ = 0;
  int line_ = 1;
};

const char* type_name(value::type t) {
  switch (t) {
    case value::type::null: return "null";
    case value::type::boolean: return "true or false";
    case value::type::number: return "a number";
    case value::type::string: return "a string";
    case value::type::array: return "an array";
    case value::type::object: return "an object";
  }
  return "?";
}

}  // namespace

value parse(std::string_view text, const std::string& source) { return parser(text, source).document(); }

reader::reader(const value& object, std::string source, std::string path)
    : object_(object), source_(std::move(source)), path_(std::move(path)) {
  if (object_.t != value::type::object)
    throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: {}: expected an object, found {}", source_,
                                                         object_.line, path_.empty() ? "the document" : path_,
                                                         type_name(object_.t)));
}

void reader::fail(std::string_view key, const std::string& what) const {
  const value* v = object_.find(key);
  fail_at(v ? *v : object_, key, what);
}

void reader::fail_at(const value& v, std::string_view key, const std::string& what) const {
  const std::string field = path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  throw sdk::error(sdk::error_kind::input, fmt::format("{}:{}: {}: {}", source_, v.line, field, what));
}

const value& reader::get(std::string_view key, value::type t, const char* expected) const {
  const value* v = object_.find(key);
  if (!v) fail(key, fmt::format("missing (expected {})", expected));
  if (v->t != t) fail(key, fmt::format("expected {}, found {}", expected, type_name(v->t)));
  return *v;
}

const std::string& reader::str(std::string_view key) const { return get(key, value::type::string, "a string").text; }

std::string reader::str_or_empty(std::string_view key) const {
  const value* v = object_.find(key);
  return !v || v->t == value::type::null ? std::string() : str(key);
}

bool reader::boolean(std::string_view key) const { return get(key, value::type::boolean, "true or false").boolean; }

std::int64_t reader::count(std::string_view key) const {
  const value& v = get(key, value::type::number, "a whole number");
  const double n = v.number;
  const bool digits = v.text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || !(n <= 9007199254740992.0)) fail(key, fmt::format("{}: expected a whole number from 0", v.text));
  return static_cast<std::int64_t>(n);
}

std::int64_t reader::count_or_null(std::string_view key) const {
  const value* v = object_.find(key);
  if (v && v->t == value::type::null) return -1;
  return count(key);
}

std::vector<std::string> reader::strings(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& item : get(key, value::type::array, "an array of strings").items) {
    if (item.t != value::type::string) fail_at(item, key, fmt::format("expected strings, found {}", type_name(item.t)));
    out.push_back(item.text);
  }
  return out;
}

const std::vector<value>& reader::array(std::string_view key) const {
  return get(key, value::type::array, "an array").items;
}

reader reader::object(std::string_view key) const {
  return reader(get(key, value::type::object, "an object"), source_,
                path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key));
}

reader reader::element(std::string_view key, std::size_t i) const {
  const std::string field = path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  return reader(array(key).at(i), source_, fmt::format("{}[{}]", field, i));
}

void reader::only(std::initializer_list<std::string_view> known) const {
  for (std::size_t i = 0; i < object_.keys.size(); ++i)
    if (std::find(known.begin(), known.end(), object_.keys[i]) == known.end())
      fail_at(object_.members[i], object_.keys[i], "not a field retort knows");
}

}  // namespace retort::json
