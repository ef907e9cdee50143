// sql_lexer.hpp — one SQL lexer for every dialect (quotes, comments, dollar quotes, backticks, with a
// switch per dialect difference), and the statement splitter and statement checks built on it.
#pragma once

#include <retort/sdk/error.hpp>

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace retort::sdk {

/// The lexical rules a dialect's SQL follows. Header-only: a dialect picks a preset or sets the
/// switches, and every splitter and check sees quotes and comments the same way.
struct sql_syntax {
  bool nested_block_comments = false;  ///< PostgreSQL: `/* /* */ */` nests
  bool dollar_quotes = false;          ///< PostgreSQL: `$tag$ … $tag$`
  bool escape_strings = false;         ///< PostgreSQL: `E'…'` takes backslash escapes
  bool backslash_escapes = false;      ///< MySQL: backslash escapes in every string
  bool backtick_identifiers = false;   ///< MySQL, SQLite: `` `name` ``
  bool bracket_identifiers = false;    ///< SQLite: `[name]`
  bool hash_comments = false;          ///< MySQL: `#` to the end of the line
  /// MySQL: `--` starts a comment only before a space or control character (or at the end), so
  /// `1--1` is one minus minus one.
  bool dash_comments_need_space = false;
  /// The sqlite3 shell: a line starting with `#` before a statement is a comment.
  bool hash_lines_between_statements = false;
  /// What else keeps a `;` from ending a statement.
  enum class blocks {
    none,
    psql,            ///< as psql: parentheses, and BEGIN/CASE … END inside CREATE FUNCTION|PROCEDURE
    sqlite_trigger,  ///< as sqlite3_complete(): CREATE [TEMP] TRIGGER … END
  } block_rule = blocks::none;

  static sql_syntax postgresql() {
    sql_syntax s;
    s.nested_block_comments = s.dollar_quotes = s.escape_strings = true;
    s.block_rule = blocks::psql;
    return s;
  }
  /// MySQL and MariaDB; `DELIMITER` is the dialect's own (a client command, not SQL).
  static sql_syntax mysql() {
    sql_syntax s;
    s.backslash_escapes = s.backtick_identifiers = s.hash_comments = s.dash_comments_need_space = true;
    return s;
  }
  static sql_syntax sqlite() {
    sql_syntax s;
    s.backtick_identifiers = s.bracket_identifiers = s.hash_lines_between_statements = true;
    s.block_rule = blocks::sqlite_trigger;
    return s;
  }
};

enum class sql_token_kind { space, line_comment, block_comment, word, quoted_name, string, symbol, semicolon };

struct sql_token {
  sql_token_kind kind;
  std::size_t begin, end;  ///< byte offsets into the text
  int line;                ///< 1-based line of `begin`

  bool is_noise() const { return kind == sql_token_kind::space || kind == sql_token_kind::line_comment || kind == sql_token_kind::block_comment; }
};

/// Reads one token at a time. A quote, quoted name or block comment that is never closed is an
/// error (kind `input`) naming the line it starts on: everything after it would otherwise vanish
/// into it.
class sql_lexer {
 public:
  sql_lexer(std::string_view text, const sql_syntax& syntax) : s_(text), syn_(syntax) {}

  /// The next token, or false at the end of the text.
  bool next(sql_token& t) {
    if (i_ >= s_.size()) return false;
    const std::size_t b = i_;
    const int line = line_;
    t.kind = lex_one();
    t.begin = b;
    t.end = i_;
    t.line = line;
    for (std::size_t k = b; k < i_; ++k)
      if (s_[k] == '\n') ++line_;
    return true;
  }

  std::string_view text(const sql_token& t) const { return s_.substr(t.begin, t.end - t.begin); }

  /// Skips the rest of the line the last token is on.
  void skip_line() {
    auto nl = s_.find('\n', i_);
    i_ = nl == std::string_view::npos ? s_.size() : nl;
  }

  static bool word_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
  }

 private:
  [[noreturn]] void unclosed(const char* what) const {
    throw error(error_kind::input, "line " + std::to_string(line_) + ": " + what +
                                       " is never closed, so everything after it would be ignored");
  }

  bool at(std::string_view p) const { return s_.compare(i_, p.size(), p) == 0; }

  /// At `--`: whether it starts a comment under this syntax.
  bool dash_comment() const {
    if (!syn_.dash_comments_need_space || i_ + 2 >= s_.size()) return true;
    const auto n = static_cast<unsigned char>(s_[i_ + 2]);
    return std::isspace(n) || std::iscntrl(n);
  }

  /// Past the closing `close` of a quoted run opened at i_; doubled closers stay inside.
  void quoted(char close, bool backslash, const char* what) {
    for (++i_;; ++i_) {
      if (i_ >= s_.size()) unclosed(what);
      if (backslash && s_[i_] == '\\') {
        ++i_;
        continue;
      }
      if (s_[i_] == close) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == close && close != ']') {
          ++i_;
          continue;
        }
        ++i_;
        return;
      }
    }
  }

  sql_token_kind lex_one() {
    const char c = s_[i_];
    if (std::isspace(static_cast<unsigned char>(c))) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
      return sql_token_kind::space;
    }
    if ((at("--") && dash_comment()) || (syn_.hash_comments && c == '#')) {
      auto nl = s_.find('\n', i_);
      i_ = nl == std::string_view::npos ? s_.size() : nl;  // the newline is space, not comment
      return sql_token_kind::line_comment;
    }
    if (at("/*")) {
      int depth = 0;
      do {
        if (i_ >= s_.size()) unclosed("a /* comment");
        if (at("/*") && (depth == 0 || syn_.nested_block_comments)) ++depth, i_ += 2;
        else if (at("*/")) --depth, i_ += 2;
        else ++i_;
      } while (depth > 0);
      return sql_token_kind::block_comment;
    }
    if (c == '\'') {
      quoted('\'', syn_.backslash_escapes, "a quoted string");
      return sql_token_kind::string;
    }
    if (c == '"') {
      quoted('"', syn_.backslash_escapes, "a quoted name (\")");
      return sql_token_kind::quoted_name;
    }
    if (c == '`' && syn_.backtick_identifiers) {
      quoted('`', false, "a quoted name (`)");
      return sql_token_kind::quoted_name;
    }
    if (c == '[' && syn_.bracket_identifiers) {
      quoted(']', false, "a quoted name ([)");
      return sql_token_kind::quoted_name;
    }
    if (c == '$' && syn_.dollar_quotes) {
      // $tag$ … $tag$ (the tag may be empty; it cannot start with a digit: $1 is a parameter).
      std::size_t j = i_ + 1;
      if (j < s_.size() && !std::isdigit(static_cast<unsigned char>(s_[j])))
        while (j < s_.size() && word_char(s_[j]) && s_[j] != '$') ++j;
      if (j < s_.size() && s_[j] == '$') {
        const std::string_view tag = s_.substr(i_, j - i_ + 1);
        auto end = s_.find(tag, j + 1);
        if (end == std::string_view::npos) unclosed("a dollar-quoted string");
        i_ = end + tag.size();
        return sql_token_kind::string;
      }
    }
    if (word_char(c)) {
      std::size_t j = i_;
      while (j < s_.size() && word_char(s_[j])) ++j;
      // E'…': an escape string, when the E stands alone.
      if (syn_.escape_strings && j == i_ + 1 && (c == 'E' || c == 'e') && j < s_.size() && s_[j] == '\'') {
        i_ = j;
        quoted('\'', true, "a quoted string");
        return sql_token_kind::string;
      }
      i_ = j;
      return sql_token_kind::word;
    }
    ++i_;
    return c == ';' ? sql_token_kind::semicolon : sql_token_kind::symbol;
  }

  std::string_view s_;
  sql_syntax syn_;
  std::size_t i_ = 0;
  int line_ = 1;
};

namespace detail {

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

/// Whether a `;` ends the statement, given the tokens before it: the dialect's block rule.
class block_tracker {
 public:
  explicit block_tracker(sql_syntax::blocks rule) : rule_(rule) {}

  void see(const sql_token& t, std::string_view text) {
    if (rule_ == sql_syntax::blocks::psql) see_psql(t, text);
    else if (rule_ == sql_syntax::blocks::sqlite_trigger) see_sqlite(t, text);
  }
  /// Called at a `;`: true when it ends the statement (and the tracker starts afresh).
  bool ends_statement() {
    if (rule_ == sql_syntax::blocks::psql && (parens_ > 0 || begins_ > 0)) return false;
    if (rule_ == sql_syntax::blocks::sqlite_trigger && (state_ = sqlite_next(state_, 0)) != 1) return false;
    *this = block_tracker(rule_);
    return true;
  }
  /// The line an unclosed parenthesis opened on, at the end of the script, or 0.
  int open_paren_line() const { return parens_ > 0 ? paren_line_ : 0; }

 private:
  // psql (psqlscan.l): no `;` inside parentheses; and in CREATE [OR REPLACE] FUNCTION|PROCEDURE, at
  // paren depth 0, BEGIN … END (with CASE … END inside) holds the statement together.
  void see_psql(const sql_token& t, std::string_view text) {
    if (t.kind == sql_token_kind::symbol) {
      if (text == "(" && parens_++ == 0) paren_line_ = t.line;
      else if (text == ")" && parens_ > 0) --parens_;
      return;
    }
    // psql's identifiers: not numbers, not $1 parameters.
    if (t.kind != sql_token_kind::word || std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '$') return;
    if (words_ < 4)
      for (const char* w : {"create", "function", "procedure", "or", "replace"})
        if (iequals(text, w)) lead_[words_] = w[0];
    ++words_;
    const bool routine = lead_[0] == 'c' && (lead_[1] == 'f' || lead_[1] == 'p' ||
                                             (lead_[1] == 'o' && lead_[2] == 'r' && (lead_[3] == 'f' || lead_[3] == 'p')));
    if (!routine || parens_ != 0) return;
    if (iequals(text, "begin")) ++begins_;
    else if (iequals(text, "case") && begins_ > 0) ++begins_;
    else if (iequals(text, "end") && begins_ > 0) --begins_;
  }

  // sqlite3_complete()'s state machine (complete.c). Tokens: 0 SEMI, 1 WS, 2 OTHER, 3 EXPLAIN,
  // 4 CREATE, 5 TEMP, 6 TRIGGER, 7 END; the statement is complete in state 1.
  static unsigned char sqlite_next(unsigned char state, int token) {
    static const unsigned char trans[8][8] = {
        {1, 0, 2, 3, 4, 2, 2, 2}, {1, 1, 2, 3, 4, 2, 2, 2}, {1, 2, 2, 2, 2, 2, 2, 2}, {1, 3, 3, 2, 4, 2, 2, 2},
        {1, 4, 2, 2, 2, 4, 5, 2}, {6, 5, 5, 5, 5, 5, 5, 5}, {6, 6, 5, 5, 5, 5, 5, 7}, {1, 7, 5, 5, 5, 5, 5, 5}};
    return trans[state][token];
  }
  void see_sqlite(const sql_token& t, std::string_view text) {
    if (t.kind == sql_token_kind::semicolon) return;  // ends_statement() took it
    int token = t.is_noise() ? 1 : 2;
    if (t.kind == sql_token_kind::word) {
      if (iequals(text, "explain")) token = 3;
      else if (iequals(text, "create")) token = 4;
      else if (iequals(text, "temp") || iequals(text, "temporary")) token = 5;
      else if (iequals(text, "trigger")) token = 6;
      else if (iequals(text, "end")) token = 7;
    }
    state_ = sqlite_next(state_, token);
  }

  sql_syntax::blocks rule_;
  int parens_ = 0, paren_line_ = 0, begins_ = 0, words_ = 0;
  char lead_[4] = {0, 0, 0, 0};
  unsigned char state_ = 0;
};

}  // namespace detail

/// The statements of a script, without their `;`. A statement starts at its first token that is not
/// whitespace or a `--` comment (as psql sends it) and ends before the `;` that ends it, trailing
/// whitespace trimmed; statements of only comments are dropped. Errors (kind `input`) name the line.
inline std::vector<std::string> split_sql(std::string_view script, const sql_syntax& syntax) {
  std::vector<std::string> out;
  sql_lexer lex(script, syntax);
  detail::block_tracker blocks(syntax.block_rule);
  std::size_t start = std::string_view::npos, end = 0;  // the statement's first and last significant bytes
  bool significant = false;                             // anything but comments
  auto flush = [&] {
    if (significant) out.emplace_back(script.substr(start, end - start));
    start = std::string_view::npos;
    significant = false;
  };
  for (sql_token t; lex.next(t);) {
    const std::string_view text = lex.text(t);
    if (t.kind == sql_token_kind::semicolon && blocks.ends_statement()) {
      flush();
      continue;
    }
    if (start == std::string_view::npos && syntax.hash_lines_between_statements && text == "#" &&
        (t.begin == 0 || script[t.begin - 1] == '\n')) {
      lex.skip_line();
      continue;
    }
    blocks.see(t, text);
    if (t.kind == sql_token_kind::space || (t.kind == sql_token_kind::line_comment && start == std::string_view::npos))
      continue;
    if (start == std::string_view::npos) start = t.begin;
    end = t.end;
    significant = significant || (t.kind != sql_token_kind::line_comment && t.kind != sql_token_kind::block_comment);
  }
  if (int line = blocks.open_paren_line())
    throw error(error_kind::input, "line " + std::to_string(line) +
                                       ": a parenthesis is never closed, so the statement would run to the end of the script");
  flush();
  return out;
}

/// The first `count` tokens of a statement that are not whitespace or comments: words in lower
/// case, anything else as written. Enough to recognise what a statement is.
inline std::vector<std::string> leading_words(std::string_view sql, const sql_syntax& syntax, std::size_t count) {
  std::vector<std::string> out;
  sql_lexer lex(sql, syntax);
  try {
    for (sql_token t; out.size() < count && lex.next(t);) {
      if (t.is_noise()) continue;
      std::string w(lex.text(t));
      if (t.kind == sql_token_kind::word)
        for (auto& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back(std::move(w));
    }
  } catch (const error&) {
    // A statement the splitter let through is whole; for a fragment, what was read is enough.
  }
  return out;
}

/// Whether a PostgreSQL `DO` statement's code COMMITs or ROLLBACKs (allowed since PostgreSQL 11),
/// so that it cannot run inside a transaction.
inline bool do_block_ends_transaction(std::string_view sql, const sql_syntax& syntax) {
  auto words = leading_words(sql, syntax, 1);
  if (words.empty() || words[0] != "do") return false;
  sql_lexer outer(sql, syntax);
  for (sql_token t; outer.next(t);) {
    if (t.kind != sql_token_kind::string) continue;
    std::string_view body = outer.text(t);
    // Strip the quotes: $tag$…$tag$ or '…' (a doubled '' inside a '…' body is a quote for PL/pgSQL).
    if (body.front() == '$') {
      auto tag = body.find('$', 1);
      body = body.substr(tag + 1, body.size() - 2 * (tag + 1));
    } else {
      body = body.substr(1, body.size() - 2);
    }
    // COMMIT or ROLLBACK as a statement: at the start, or after `;`, BEGIN, THEN, ELSE or LOOP.
    sql_syntax inner = syntax;
    inner.block_rule = sql_syntax::blocks::none;
    sql_lexer lex(body, inner);
    std::string prev = ";";
    try {
      for (sql_token b; lex.next(b);) {
        if (b.is_noise()) continue;
        std::string w(lex.text(b));
        for (auto& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if ((w == "commit" || w == "rollback") &&
            (prev == ";" || prev == "begin" || prev == "then" || prev == "else" || prev == "loop"))
          return true;
        prev = b.kind == sql_token_kind::word || b.kind == sql_token_kind::semicolon ? w : std::string();
      }
    } catch (const error&) {
      return false;  // not valid PL/pgSQL text; the server will say why
    }
  }
  return false;
}

}  // namespace retort::sdk
