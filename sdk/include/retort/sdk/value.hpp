// value.hpp — a neutral tree of the values in a migration file, each with the place it came from,
// so plugins parse their arguments without depending on the file format or its parser.
#pragma once

#include <retort/sdk/error.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace retort::sdk {

struct source_location {
  std::string file;
  int line = 0;
};

class value;
using value_array = std::vector<value>;
using value_table = std::vector<std::pair<std::string, value>>;  ///< in file order

class value {
 public:
  using storage = std::variant<std::monostate, bool, std::int64_t, double, std::string, value_array, value_table>;

  value() = default;
  value(storage data, source_location where) : data_(std::move(data)), where_(std::move(where)) {}

  const storage& data() const noexcept { return data_; }
  const source_location& where() const noexcept { return where_; }

  template <class T> const T* get_if() const noexcept { return std::get_if<T>(&data_); }
  const value_table* table() const noexcept { return get_if<value_table>(); }
  const value_array* array() const noexcept { return get_if<value_array>(); }
  const std::string* string() const noexcept { return get_if<std::string>(); }

  /// The member `key` of a table value, or null.
  const value* find(std::string_view key) const noexcept {
    if (const auto* t = table())
      for (const auto& [k, v] : *t)
        if (k == key) return &v;
    return nullptr;
  }

  /// A short name of the stored kind, for messages ("string", "array", …).
  std::string_view kind_name() const noexcept {
    static constexpr std::string_view names[] = {"nothing", "boolean", "integer", "float", "string", "array", "table"};
    return names[data_.index()];
  }

 private:
  storage data_;
  source_location where_;
};

/// Levenshtein distance, for "did you mean".
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> dist(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) dist[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = dist[0];
    dist[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = dist[j];
      dist[j] = std::min({dist[j] + 1, dist[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return dist[b.size()];
}

/// " (did you mean 'upgrade'?)" for the name in `known` at most two edits from `word`, else "".
template <class Names> std::string did_you_mean(std::string_view word, const Names& known) {
  std::string_view nearest;
  std::size_t best = 3;
  for (std::string_view n : known)
    if (std::size_t d = edit_distance(word, n); d < best) best = d, nearest = n;
  return nearest.empty() ? std::string() : " (did you mean '" + std::string(nearest) + "'?)";
}

/// Reads the fields of one table (an operation, a column) and reports every problem as
/// `file:line: <context>: field 'name': what is wrong`.
class fields {
 public:
  fields(const value& table, std::string context) : table_(table), context_(std::move(context)) {
    if (!table.table()) fail(table, "", "expected a table, found " + std::string(table.kind_name()));
  }

  const value& self() const noexcept { return table_; }
  const std::string& context() const noexcept { return context_; }
  const value* find(std::string_view key) const noexcept { return table_.find(key); }

  std::string required_string(std::string_view key) const {
    auto s = optional_string(key);
    if (!s) fail(table_, key, "is required");
    return *s;
  }
  std::optional<std::string> optional_string(std::string_view key) const {
    const value* v = find(key);
    if (!v) return std::nullopt;
    if (!v->string()) fail(*v, key, "expected a string, found " + std::string(v->kind_name()));
    return *v->string();
  }
  bool boolean(std::string_view key, bool fallback) const {
    const value* v = find(key);
    if (!v) return fallback;
    if (const bool* b = v->get_if<bool>()) return *b;
    fail(*v, key, "expected true or false, found " + std::string(v->kind_name()));
  }
  /// An array of strings; a single string is accepted as an array of one.
  std::vector<std::string> strings(std::string_view key, bool required = false) const {
    const value* v = find(key);
    if (!v) {
      if (required) fail(table_, key, "is required");
      return {};
    }
    if (const auto* s = v->string()) return {*s};
    const auto* a = v->array();
    if (!a) fail(*v, key, "expected an array of strings, found " + std::string(v->kind_name()));
    std::vector<std::string> out;
    for (const auto& item : *a) {
      if (!item.string()) fail(item, key, "expected an array of strings, found an element of kind " + std::string(item.kind_name()));
      out.push_back(*item.string());
    }
    if (required && out.empty()) fail(*v, key, "must not be empty");
    return out;
  }
  /// Refuses any field not in `known`, so a typo (`nulable`, `[[upgrad]]`) is an error, not silently
  /// ignored; a near miss is named.
  void only(std::initializer_list<std::string_view> known) const {
    for (const auto& [k, v] : *table_.table())
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string list;
        for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
        fail(v, k, "is not a known field" + did_you_mean(k, known) + "; known: " + list);
      }
  }


  [[noreturn]] void fail(const value& at, std::string_view key, const std::string& what) const {
    std::string msg = at.where().file + ":" + std::to_string(at.where().line) + ": " + context_;
    if (!key.empty()) msg += ": field '" + std::string(key) + "'";
    throw error(error_kind::input, msg + ": " + what);
  }

 private:
  const value& table_;
  std::string context_;
};

}  // namespace retort::sdk
