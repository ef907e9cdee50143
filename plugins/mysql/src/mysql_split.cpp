// mysql_split.cpp — MySQL scripts into statements, as the mysql client reads them.
#include "mysql_split.hpp"

#include <retort/sdk/error.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace retort_mysql {

namespace sdk = retort::sdk;

std::vector<std::string> split_mysql(std::string_view script) {
  const sdk::sql_syntax syn = sdk::sql_syntax::mysql();
  std::vector<std::string> out;
  sdk::sql_lexer lex(script, syn);
  std::string delimiter = ";";
  std::size_t start = std::string_view::npos, end = 0, skip_to = 0;
  bool significant = false;
  auto flush = [&] {
    if (significant) out.emplace_back(script.substr(start, end - start));
    start = std::string_view::npos;
    significant = false;
  };
  auto at_line_start = [&](std::size_t at) {
    while (at > 0 && (script[at - 1] == ' ' || script[at - 1] == '\t')) --at;
    return at == 0 || script[at - 1] == '\n';
  };
  for (sdk::sql_token t; lex.next(t);) {
    if (t.begin < skip_to) continue;  // the rest of a delimiter
    const std::string_view text = lex.text(t);
    // DELIMITER x, a line of its own before a statement: a command of the client, never sent.
    if (start == std::string_view::npos && t.kind == sdk::sql_token_kind::word && sdk::detail::iequals(text, "delimiter") &&
        at_line_start(t.begin)) {
      const auto nl = std::min(script.find('\n', t.end), script.size());
      std::string_view rest = script.substr(t.end, nl - t.end);
      const auto b = rest.find_first_not_of(" \t\r");
      rest = b == std::string_view::npos ? std::string_view() : rest.substr(b);
      rest = rest.substr(0, rest.find_first_of(" \t\r"));
      if (rest.empty())
        throw sdk::error(sdk::error_kind::input,
                         fmt::format("line {}: DELIMITER names no delimiter (write DELIMITER // and, after the block, "
                                     "DELIMITER ;)",
                                     t.line));
      delimiter = std::string(rest);
      lex.skip_line();
      continue;
    }
    // The delimiter, where it is not inside a quote or comment; in a word too (END$$), as the client
    // reads it.
    std::size_t at = std::string_view::npos;
    if (t.kind == sdk::sql_token_kind::word) at = text.find(delimiter);
    else if ((t.kind == sdk::sql_token_kind::symbol || t.kind == sdk::sql_token_kind::semicolon) &&
             script.compare(t.begin, delimiter.size(), delimiter) == 0)
      at = 0;
    if (at != std::string_view::npos) {
      if (at > 0) {
        if (start == std::string_view::npos) start = t.begin;
        end = t.begin + at;
        significant = true;
      }
      flush();
      skip_to = t.begin + at + delimiter.size();
      continue;
    }
    if (t.kind == sdk::sql_token_kind::space || (t.kind == sdk::sql_token_kind::line_comment && start == std::string_view::npos))
      continue;
    if (start == std::string_view::npos) start = t.begin;
    end = t.end;
    // /*! … */ and /*M! … */ are MySQL's and MariaDB's executable comments: statement text.
    const bool executable = t.kind == sdk::sql_token_kind::block_comment && (text.rfind("/*!", 0) == 0 || text.rfind("/*M!", 0) == 0);
    significant = significant || executable ||
                  (t.kind != sdk::sql_token_kind::line_comment && t.kind != sdk::sql_token_kind::block_comment);
  }
  flush();
  return out;
}

}  // namespace retort_mysql
