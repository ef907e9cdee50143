// split_check.hpp — what the splitter fuzzers check: split_sql refuses only with sdk::error, and
// every statement it returns is non-empty and a piece of the script, in order; the statement
// checks run on each.
#pragma once

#include <retort/sdk/error.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace retort_fuzz {

[[noreturn]] inline void broken(const char* what, std::string_view statement) {
  std::fprintf(stderr, "split_sql invariant broken: %s\nstatement (%zu bytes): %.*s\n", what, statement.size(),
               static_cast<int>(statement.size()), statement.data());
  std::abort();
}

/// `split` is the splitter under test; the SDK's split_sql by default.
template <class Split>
void check_split(std::string_view script, const retort::sdk::sql_syntax& syntax, Split split) {
  std::vector<std::string> statements;
  try {
    statements = split(script);
  } catch (const retort::sdk::error&) {
    return;  // an unclosed quote, comment or parenthesis, refused with its line
  }
  std::size_t from = 0;  // statements come in script order and do not overlap
  for (const auto& s : statements) {
    if (s.empty()) broken("an empty statement", s);
    const std::size_t at = script.find(s, from);
    if (at == std::string_view::npos) broken("a statement that is not a substring of the script (in order)", s);
    from = at + s.size();
    (void)retort::sdk::leading_words(s, syntax, 4);
    (void)retort::sdk::do_block_ends_transaction(s, syntax);
  }
}

inline void check_split(std::string_view script, const retort::sdk::sql_syntax& syntax) {
  check_split(script, syntax, [&](std::string_view text) { return retort::sdk::split_sql(text, syntax); });
}

}  // namespace retort_fuzz
