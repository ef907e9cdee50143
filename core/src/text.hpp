// text.hpp — small text helpers shared by messages and listings.
#pragma once

#include <retort/sdk/json.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace retort {

/// "a, b, c"; `empty` when there are none.
inline std::string join(const std::vector<std::string>& items, std::string_view empty = "") {
  if (items.empty()) return std::string(empty);
  std::string out = items.front();
  for (std::size_t i = 1; i < items.size(); ++i) (out += ", ") += items[i];
  return out;
}

/// Each item through `f`, joined by ", " (std::views::transform does not build with clang 14's
/// view of libstdc++ 12, which the fuzz build uses).
template <class Items, class F> std::string join_each(const Items& items, F f) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += f(item);
  }
  return out;
}

using sdk::utf8_length;  // retort/sdk/json.hpp

/// Whether the UTF-8 character of `n` bytes at `s[i]` is a control character other than tab and
/// newline: C0, DEL or C1 (U+0080..U+009F).
inline bool is_control(std::string_view s, std::size_t i, std::size_t n) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (n == 1) return (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n';
  return n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0;
}

/// Why `s` is not text a message may hold, or "": it must be UTF-8 (unless `any_bytes`: an SQL
/// file's header, in the file's own encoding) without control characters (tab and newline aside),
/// so that printing it cannot move a terminal's cursor or change its colours.
inline std::string text_problem(std::string_view s, bool any_bytes = false) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0 && !any_bytes) return "the message is not UTF-8 text (byte " + std::to_string(i + 1) + ")";
    if (n != 0 && is_control(s, i, n))
      return "the message holds a control character (byte " + std::to_string(i + 1) + "); write it as text";
    i += n == 0 ? 1 : n;
  }
  return {};
}

/// `s` safe to print to a terminal: each control character other than tab and newline written as
/// `\x1b` (C1 as `\u009b`), so that text from a database or a file cannot drive the terminal.
inline std::string printable(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = std::max<std::size_t>(utf8_length(s, i), 1);
    const auto c = static_cast<unsigned char>(s[i + n - 1]);
    if (!is_control(s, i, n)) out.append(s.substr(i, n));
    else (out += n == 1 ? "\\x" : "\\u00") += {hex[c >> 4], hex[c & 15]};
    i += n;
  }
  return out;
}

/// `s` as text_problem accepts it: each control character a space, each byte that is not UTF-8 U+FFFD.
inline std::string as_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) out += "\xEF\xBF\xBD";
    else if (is_control(s, i, n)) out += ' ';
    else out.append(s.substr(i, n));
    i += n == 0 ? 1 : n;
  }
  return out;
}

/// A hex digit's value, or -1.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Code point `cp` (at most U+10FFFF) as UTF-8, after `out`.
inline void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

/// `s` with each \r\n line end as \n (a file a Windows editor or a checkout wrote).
inline std::string lf_line_ends(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
  return out;
}

/// ["a", "b"]: each item as a JSON string.
inline std::string json_list(const std::vector<std::string>& items) {
  return "[" + join_each(items, [](const std::string& s) { return sdk::json_string(s); }) + "]";
}

}  // namespace retort
