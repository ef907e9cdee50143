// text.hpp — small text helpers shared by messages and listings.
#pragma once

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

/// The length of the UTF-8 sequence that starts at `s[i]` (1 for ASCII), or 0 when the bytes there
/// are not valid UTF-8 (a stray continuation byte, an overlong lead, a sequence cut short).
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 && c >= 0xc2 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  return n;
}

}  // namespace retort
