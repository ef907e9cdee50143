// recovery.cpp — probing the catalog for the effect of a statement in doubt.
#include "recovery.hpp"

#include <retort/sdk/sql_lexer.hpp>

#include <algorithm>
#include <vector>

namespace retort {
namespace {

/// The statement's leading tokens: words in lower case, quoted names unquoted (as they are in the
/// catalog), `schema.name` as just the name.
std::vector<std::string> shape(const std::string& sql) {
  sdk::sql_syntax syntax = sdk::sql_syntax::postgresql();
  syntax.backtick_identifiers = true;
  syntax.hash_comments = true;
  std::vector<std::string> out;
  for (auto& w : sdk::leading_words(sql, syntax, 16)) {
    if (w.size() >= 2 && (w.front() == '"' || w.front() == '`' || w.front() == '[')) w = w.substr(1, w.size() - 2);
    if (w == "." && !out.empty()) {
      out.pop_back();  // the schema
      out.push_back(".");
      continue;
    }
    if (!out.empty() && out.back() == ".") out.pop_back();
    out.push_back(w);
  }
  return out;
}

/// Skips the words of `optional` that come next.
void skip(const std::vector<std::string>& w, std::size_t& i, std::initializer_list<const char*> optional) {
  for (const char* o : optional)
    if (i < w.size() && w[i] == o) ++i;
}

bool has_index(const sdk::schema& s, const std::string& name) {
  for (const auto& [_, t] : s.tables) {
    for (const auto& ix : t.indexes)
      if (ix.name == name) return true;
    for (const auto& u : t.uniques)
      if (u.name == name) return true;
  }
  return false;
}

bool has_constraint(const sdk::table& t, const std::string& name) {
  auto named = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& c) { return c.name == name; });
  };
  return named(t.foreign_keys) || named(t.uniques) || named(t.checks) || named(t.indexes);
}

effect exists(bool yes, bool wanted) { return yes == wanted ? effect::took : effect::did_not; }

}  // namespace

effect probe(const std::string& sql, const sdk::schema& now) {
  const auto w = shape(sql);
  std::size_t i = 0;
  auto at = [&](const char* word) { return i < w.size() && w[i] == word; };
  auto next = [&]() -> std::string { return i < w.size() ? w[i++] : std::string(); };
  if (at("create")) {
    ++i;
    skip(w, i, {"unique"});
    if (at("index")) {
      ++i;
      skip(w, i, {"concurrently", "if", "not", "exists"});
      const std::string name = next();
      return name.empty() || name == "on" ? effect::unknown : exists(has_index(now, name), true);
    }
    skip(w, i, {"temporary", "temp"});
    if (at("table")) {
      ++i;
      skip(w, i, {"if", "not", "exists"});
      return exists(now.find(next()) != nullptr, true);
    }
    return effect::unknown;
  }
  if (at("drop")) {
    ++i;
    if (at("table")) {
      ++i;
      skip(w, i, {"if", "exists"});
      return exists(now.find(next()) != nullptr, false);
    }
    if (at("index")) {
      ++i;
      skip(w, i, {"concurrently", "if", "exists"});
      return exists(has_index(now, next()), false);
    }
    return effect::unknown;
  }
  if (!at("alter")) return effect::unknown;
  ++i;
  if (!at("table")) return effect::unknown;
  ++i;
  skip(w, i, {"if", "exists", "only"});
  const sdk::table* t = now.find(next());
  if (at("rename")) {
    ++i;
    if (at("to") || at("as")) {
      ++i;
      return exists(now.find(next()) != nullptr, true);
    }
    if (!t) return effect::unknown;
    skip(w, i, {"column"});
    next();  // the old name
    if (!at("to")) return effect::unknown;
    ++i;
    return exists(t->find_column(next()) != nullptr, true);
  }
  if (!t) return effect::unknown;  // a table that is not there: whatever this did to it is unknown
  const bool add = at("add");
  if (!add && !at("drop")) return effect::unknown;
  ++i;
  if (at("constraint")) {
    ++i;
    skip(w, i, {"if", "exists", "not"});
    return exists(has_constraint(*t, next()), add);
  }
  if (add && (at("primary") || at("foreign") || at("unique") || at("check") || at("index") || at("key")))
    return effect::unknown;
  if (!add && (at("foreign") || at("index") || at("key") || at("check"))) {
    ++i;
    skip(w, i, {"key"});
    return exists(has_constraint(*t, next()), false);
  }
  skip(w, i, {"column", "if", "not", "exists"});
  return exists(t->find_column(next()) != nullptr, add);
}

const char* describe(effect e) {
  switch (e) {
    case effect::took: return "did take effect";
    case effect::did_not: return "did not take effect";
    case effect::unknown: break;
  }
  return "may or may not have taken effect";
}

std::string leftover_cleanup(const std::string& sql) {
  // The words as written (a quoted or qualified name stays so), keywords in lower case.
  const auto w = sdk::leading_words(sql, sdk::sql_syntax::postgresql(), 16);
  std::size_t i = 0;
  auto take = [&](const char* word) { return i < w.size() && w[i] == word ? (++i, true) : false; };
  if (!take("create")) return {};
  take("unique");
  if (!take("index") || !take("concurrently")) return {};
  if (take("if") && !(take("not") && take("exists"))) return {};
  std::string name;
  for (; i < w.size() && w[i] != "on"; ++i) name += w[i];
  return name.empty() || i == w.size() ? std::string() : "DROP INDEX CONCURRENTLY IF EXISTS " + name;
}

}  // namespace retort
