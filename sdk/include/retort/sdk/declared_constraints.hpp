// declared_constraints.hpp — the UNIQUE, CHECK and FOREIGN KEY constraints a CREATE TABLE statement
// declares, with their names, read with the SDK's lexer: for databases whose catalog keeps the
// statement's text but not the names (SQLite's sqlite_master), so `connection::introspect()` can
// report the names the migrations gave.
#pragma once

#include <retort/sdk/error.hpp>
#include <retort/sdk/schema.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace retort::sdk {

/// Every constraint of one CREATE TABLE, table-level or on a column, in the order written; `name`
/// is what a `CONSTRAINT name` clause gave it, empty when none. A column-level constraint has that
/// one column. PRIMARY KEY and NOT NULL are left to the catalog, which knows them.
struct declared_constraints {
  std::vector<unique_constraint> uniques;
  std::vector<check> checks;
  std::vector<foreign_key> foreign_keys;  ///< ref_columns empty when the clause names none
};

namespace detail {

/// `"a""b"`, `[a]`, `` `a` `` → the name; a bare word as written.
inline std::string unquoted_name(std::string_view t) {
  if (t.size() < 2 || (t.front() != '"' && t.front() != '`' && t.front() != '[')) return std::string(t);
  const char close = t.front() == '[' ? ']' : t.front();
  std::string out;
  for (std::size_t i = 1; i + 1 < t.size(); ++i) {
    out += t[i];
    if (t[i] == close && close != ']') ++i;  // a doubled closer is one character
  }
  return out;
}

}  // namespace detail

/// Reads `sql`, a CREATE TABLE statement as the database kept it. What it does not recognise is
/// skipped, never an error: the catalog stays the authority on what exists, this only adds names.
inline declared_constraints read_declared_constraints(std::string_view sql, const sql_syntax& syntax) {
  struct tok {
    sql_token_kind kind;
    std::string_view text;
    std::size_t begin, end;
  };
  std::vector<tok> toks;
  try {
    sql_lexer lex(sql, syntax);
    for (sql_token t; lex.next(t);)
      if (!t.is_noise()) toks.push_back({t.kind, lex.text(t), t.begin, t.end});
  } catch (const error&) {
    return {};
  }
  declared_constraints out;
  const std::size_t n = toks.size();
  auto sym = [&](std::size_t k, char c) { return k < n && toks[k].kind == sql_token_kind::symbol && toks[k].text[0] == c; };
  auto word = [&](std::size_t k, const char* w) {
    return k < n && toks[k].kind == sql_token_kind::word && detail::iequals(toks[k].text, w);
  };
  auto name_at = [&](std::size_t k) { return k < n ? detail::unquoted_name(toks[k].text) : std::string(); };
  // The index of the `)` closing the `(` at k.
  auto closing = [&](std::size_t k) {
    int depth = 0;
    for (; k < n; ++k)
      if (sym(k, '(')) ++depth;
      else if (sym(k, ')') && --depth == 0) return k;
    return n;
  };
  // `(a, "b")` at k → the names; k moves past the `)`.
  auto names = [&](std::size_t& k) {
    std::vector<std::string> v;
    if (!sym(k, '(')) return v;
    const std::size_t close = closing(k);
    for (++k; k < close; ++k)
      if (!sym(k, ',')) v.push_back(name_at(k));
    k = close + 1;
    return v;
  };
  // ON DELETE / ON UPDATE actions at k, in upper case.
  auto actions = [&](std::size_t& k, foreign_key& fk) {
    while (word(k, "on") && (word(k + 1, "delete") || word(k + 1, "update"))) {
      std::string what = word(k + 2, "set") || word(k + 2, "no") ? name_at(k + 2) + " " + name_at(k + 3) : name_at(k + 2);
      for (auto& c : what) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      (word(k + 1, "delete") ? fk.on_delete : fk.on_update) = what;
      k += what.find(' ') == std::string::npos ? 3 : 4;
    }
  };
  auto references = [&](std::size_t& k, std::string name, std::vector<std::string> cols) {
    foreign_key fk;
    fk.name = std::move(name);
    fk.columns = std::move(cols);
    fk.ref_table = name_at(++k);
    ++k;
    fk.ref_columns = names(k);
    actions(k, fk);
    out.foreign_keys.push_back(std::move(fk));
  };
  auto check_sql = [&](std::size_t& k) {
    const std::size_t close = closing(k);
    std::string text = close < n ? std::string(sql.substr(toks[k].end, toks[close].begin - toks[k].end)) : std::string();
    k = close + 1;
    return text;
  };

  std::size_t open = 0;
  while (open < n && !sym(open, '(')) ++open;
  const std::size_t body_end = closing(open);
  for (std::size_t b = open + 1; b < body_end;) {
    // One item of the body: up to the next comma outside parentheses.
    std::size_t e = b;
    for (int depth = 0; e < body_end && !(depth == 0 && sym(e, ',')); ++e)
      depth += sym(e, '(') ? 1 : sym(e, ')') ? -1 : 0;
    std::size_t k = b;
    std::string name;
    if (word(k, "constraint")) name = name_at(k + 1), k += 2;
    if (word(k, "unique")) {
      ++k;
      out.uniques.push_back({name, names(k)});
    } else if (word(k, "check")) {
      ++k;
      out.checks.push_back({name, check_sql(k)});
    } else if (word(k, "foreign") && word(k + 1, "key")) {
      k += 2;
      auto cols = names(k);
      if (word(k, "references")) references(k, name, std::move(cols));
    } else if (!word(k, "primary") && k == b) {
      // A column: its name, its type, then its constraints, each perhaps named.
      const std::string column = name_at(k++);
      std::string pending;
      while (k < e) {
        if (word(k, "constraint")) {
          pending = name_at(k + 1);
          k += 2;
        } else if (word(k, "unique")) {
          out.uniques.push_back({std::exchange(pending, {}), {column}});
          ++k;
        } else if (word(k, "check") && sym(k + 1, '(')) {
          ++k;
          out.checks.push_back({std::exchange(pending, {}), check_sql(k)});
        } else if (word(k, "references")) {
          references(k, std::exchange(pending, {}), {column});
        } else if (sym(k, '(')) {
          k = closing(k) + 1;  // a type's arguments, a DEFAULT (expression)
        } else {
          ++k;
        }
      }
    }
    b = e + 1;
  }
  return out;
}

}  // namespace retort::sdk
