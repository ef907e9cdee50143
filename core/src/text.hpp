// text.hpp — small text helpers shared by messages and listings.
#pragma once

#include <retort/sdk/json.hpp>

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

/// ["a", "b"]: each item as a JSON string.
inline std::string json_list(const std::vector<std::string>& items) {
  return "[" + join_each(items, [](const std::string& s) { return sdk::json_string(s); }) + "]";
}

}  // namespace retort
