// target.cpp — target strings to revisions.
#include "target.hpp"

#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <algorithm>
#include <charconv>

namespace retort {
namespace {

[[noreturn]] void bad_target(const std::string& what) { throw sdk::error(sdk::error_kind::usage, what); }

std::string list_ids(const revision_graph& g, const std::vector<rev>& revs) { return join(ids_of(g, revs)); }

std::vector<rev> single_head(const revision_graph& g) {
  if (g.heads().size() > 1)
    bad_target("there are " + std::to_string(g.heads().size()) + " heads (" + list_ids(g, g.heads()) +
               "); name one, or use 'heads' for all of them, or `retort merge heads -m ...` to join them");
  return g.heads();
}

/// Walks `steps` edges from `from` (empty = base), up through children or down through parents,
/// refusing to guess where the graph forks.
std::vector<rev> walk(const revision_graph& g, std::vector<rev> from, long steps, std::string_view text) {
  for (long i = 0; i < std::labs(steps); ++i) {
    if (steps > 0) {
      std::vector<rev> next;
      if (from.empty()) next = g.bases();
      else if (from.size() == 1) next = g.children(from.front());
      else bad_target("'" + std::string(text) + "' is ambiguous: it starts from several revisions (" + list_ids(g, from) +
                      "); name one as REV+N");
      if (next.empty())
        bad_target("'" + std::string(text) + "' walks past head: " + g.at(from.front()).id + " is a head");
      if (next.size() > 1)
        bad_target("'" + std::string(text) + "' is ambiguous at a branch point: the next revision is one of " +
                   list_ids(g, next) + "; name it, e.g. `" + g.at(next.front()).id + "`");
      from = next;
    } else {
      if (from.empty()) bad_target("'" + std::string(text) + "' walks past base");
      if (from.size() > 1)
        bad_target("'" + std::string(text) + "' is ambiguous: it starts from several revisions (" + list_ids(g, from) +
                   "); name one as REV-N");
      from = g.parents(from.front());
      if (from.size() > 1)
        bad_target("'" + std::string(text) + "' is ambiguous at a merge point: the previous revision is one of " +
                   list_ids(g, from) + "; name it");
    }
  }
  return from;
}

/// A target without a relative suffix.
std::vector<rev> resolve_plain(const revision_graph& g, std::string_view text, const std::vector<rev>& current) {
  if (text == "head") return single_head(g);
  if (text == "heads") return g.heads();
  if (text == "base") return {};
  if (text == "current") return current;
  if (auto at = text.find('@'); at != std::string_view::npos) {
    std::string_view label = text.substr(0, at), which = text.substr(at + 1);
    rev anchor = resolve_revision(g, label);
    if (which != "head") return {resolve_revision(g, which)};
    // The heads that descend from the labelled revision.
    std::vector<rev> stack{anchor}, found;
    std::vector<char> seen(g.size(), 0);
    while (!stack.empty()) {
      rev r = stack.back();
      stack.pop_back();
      if (seen[r]) continue;
      seen[r] = 1;
      if (g.children(r).empty()) found.push_back(r);
      for (auto c : g.children(r)) stack.push_back(c);
    }
    std::sort(found.begin(), found.end());
    if (found.size() > 1)
      bad_target("'" + std::string(text) + "' is ambiguous: the branch has several heads (" + list_ids(g, found) + ")");
    return found;
  }
  return {resolve_revision(g, text)};
}

}  // namespace

rev resolve_revision(const revision_graph& g, std::string_view text) {
  if (text.empty()) bad_target("an empty revision");
  if (const rev* r = g.find(text)) return *r;
  if (const rev* r = g.find_label(text)) return *r;
  auto matches = g.with_prefix(text);
  if (matches.size() == 1) return matches.front();
  if (matches.empty())
    bad_target("no revision '" + std::string(text) + "' (not an id, a prefix of one, or a branch label); "
               "`retort history` lists them");
  std::string list;
  for (std::size_t i = 0; i < matches.size() && i < 10; ++i)
    list += "\n  " + g.at(matches[i]).id + "  " + g.at(matches[i]).message;
  if (matches.size() > 10) list += "\n  … and " + std::to_string(matches.size() - 10) + " more";
  bad_target("'" + std::string(text) + "' is ambiguous: " + std::to_string(matches.size()) +
             " revisions start with it:" + list + "\ngive more of the id");
}

std::vector<rev> resolve_target(const revision_graph& g, std::string_view text, const std::vector<rev>& current) {
  if (text.empty()) bad_target("an empty target");
  // An id may itself contain '-', so an exact id or label wins over REV-N.
  if (const rev* r = g.find(text)) return {*r};
  if (const rev* r = g.find_label(text)) return {*r};
  auto sign = text.find_last_of("+-");
  if (sign != std::string_view::npos && sign + 1 < text.size()) {
    std::string_view digits = text.substr(sign + 1);
    long n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      std::string_view anchor = text.substr(0, sign);
      std::vector<rev> from = anchor.empty() ? current : resolve_plain(g, anchor, current);
      return walk(g, std::move(from), text[sign] == '+' ? n : -n, text);
    }
  }
  return resolve_plain(g, text, current);
}

std::vector<rev> revisions_of(const revision_graph& g, const std::vector<std::string>& ids) {
  std::vector<rev> out;
  for (const auto& id : ids) {
    const rev* r = g.find(id);
    if (!r)
      throw sdk::error(sdk::error_kind::input,
                       "the database is at revision '" + id +
                           "', which no file in versions/ defines: restore the file, or `retort stamp` the "
                           "database to a revision that exists");
    out.push_back(*r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace retort
