// json_value.hpp — JSON read into a tree that remembers where each value stood, so a bad field of
// a file retort wrote (a plan) is named as file:line:field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace retort::json {

struct value {
  enum class type { null, boolean, number, string, array, object };
  type t = type::null;
  bool boolean = false;
  double number = 0;
  std::string text;                                   ///< a string, or a number as written
  std::vector<value> items;                           ///< an array
  std::vector<std::string> keys;  ///< an object's member names, in file order
  std::vector<value> members;     ///< … and their values
  int line = 0;

  /// An object's member, or null when there is none (or this is not an object).
  const value* find(std::string_view key) const;
};

/// Parses one JSON document (RFC 8259: no comments, no trailing commas, at most 64 levels deep).
/// Errors are `input` errors saying "`source`:line:column: what".
value parse(std::string_view text, const std::string& source);

/// Reads the fields of one object, naming `source`:line:`path.field` in every error: a field of the
/// wrong type, a missing one, or one the reader does not know.
class reader {
 public:
  reader(const value& object, std::string source, std::string path);

  const std::string& str(std::string_view key) const;
  /// A string, or empty when the member is null or missing.
  std::string str_or_empty(std::string_view key) const;
  bool boolean(std::string_view key) const;
  /// A whole number from 0 to 2^53.
  std::int64_t count(std::string_view key) const;
  /// Null, or a whole number as count() reads it; -1 for null.
  std::int64_t count_or_null(std::string_view key) const;
  std::vector<std::string> strings(std::string_view key) const;
  const std::vector<value>& array(std::string_view key) const;
  reader object(std::string_view key) const;
  /// Element `i` of the array `key`, itself an object.
  reader element(std::string_view key, std::size_t i) const;
  /// Refuses members other than `known`.
  void only(std::initializer_list<std::string_view> known) const;

  /// An `input` error at this object's line, naming `path.key`.
  [[noreturn]] void fail(std::string_view key, const std::string& what) const;
  [[noreturn]] void fail_at(const value& v, std::string_view key, const std::string& what) const;

 private:
  const value& get(std::string_view key, value::type t, const char* expected) const;
  const value& object_;
  std::string source_, path_;
};

}  // namespace retort::json
