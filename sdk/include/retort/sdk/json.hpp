// json.hpp — text as a JSON string, for plugins that write JSON (an audit log) as the core does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace retort::sdk {

/// The length of the UTF-8 sequence that starts at `s[i]` (1 for ASCII), or 0 when the bytes there
/// are not valid UTF-8 (a stray continuation byte, an overlong form, a surrogate, a code point above
/// U+10FFFF, a sequence cut short).
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : (c >> 4) == 14 ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  // The second byte's range after the leads that allow less (RFC 3629's table).
  const auto c1 = static_cast<unsigned char>(s[i + (n > 1 ? 1 : 0)]);
  if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) return 0;
  return n;
}

/// `s` quoted and escaped as a JSON string. JSON is UTF-8: a byte that does not start a valid
/// sequence (a non-UTF-8 file name, a statement in Latin-1) becomes U+FFFD, so the output always parses.
inline std::string json_string(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

}  // namespace retort::sdk
