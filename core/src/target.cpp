// target.cpp — target strings to revisions.
#include "target.hpp"

#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace retort {
namespace {

[[noreturn]] void bad_target(const std::string& what) { throw sdk::error(sdk::error_kind::usage, what); }

std::string list_ids(const revision_graph& g, const std::vector<rev>& revs) { return join(ids_of(g, revs)); }

/// The N of +N, -N, REV+N, REV@-N: digits only, at most a million steps (a graph that long is 100 times
/// the largest retort is measured on). Nothing for text that is not all digits.
std::optional<long> digits_of(std::string_view digits) {
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  long n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return ec == std::errc() && end == digits.data() + digits.size() && n <= 1'000'000 ? n : 1'000'001;
}

long step_count(std::string_view text, std::string_view digits) {
  auto n = digits_of(digits);
  if (!n) bad_target("'" + std::string(text) + "': the number of steps must be digits");
  if (*n > 1'000'000) bad_target("'" + std::string(text) + "': " + std::string(digits) + " steps is too many (at most 1000000)");
  return *n;
}

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
      if (next.size() > 1) {
        std::string choices;
        const long rest = steps - i - 1;  // steps left after choosing the child
        for (auto c : next) choices += "\n  retort upgrade " + g.at(c).id + (rest ? "+" + std::to_string(rest) : "");
        bad_target("'" + std::string(text) + "' is ambiguous at a branch point: the next revision is one of " +
                   list_ids(g, next) + "; name it:" + choices);
      }
      from = next;
    } else {
      // One step down from one revision is its parents, all of them at a merge: reverting the
      // merge leaves its parents as heads. From several heads a step down is ambiguous.
      if (from.empty()) bad_target("'" + std::string(text) + "' walks past base");
      if (from.size() > 1) {
        std::string choices;
        for (auto h : from) choices += "\n  retort downgrade " + g.at(h).id + "@-" + std::to_string(std::labs(steps) - i);
        if (i == 0)
          bad_target("'" + std::string(text) + "' is ambiguous: there are several heads (" + list_ids(g, from) +
                     "); go down one branch:" + choices);
        bad_target("'" + std::string(text) + "' is ambiguous: after " + std::to_string(i) +
                   " step(s) there would be several heads (" + list_ids(g, from) + "); run `retort downgrade -" +
                   std::to_string(i) + "` first, then go down one branch:" + choices);
      }
      from = g.parents(from.front());
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
    if (which != "head") {
      // label@REV: REV, which must be on the label's line (above or below the labelled revision).
      rev r = resolve_revision(g, which);
      if (!g.closure({r})[anchor] && !g.closure({anchor})[r])
        bad_target("'" + std::string(text) + "': " + g.at(r).id + " is not on the line of " + std::string(label));
      return {r};
    }
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

std::optional<std::vector<rev>> branch_steps_down(const revision_graph& g, std::string_view text,
                                                 const std::vector<rev>& current) {
  auto at = text.rfind("@-");
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const long n = step_count(text, text.substr(at + 2));
  if (n == 0) bad_target("'" + std::string(text) + "': REV@-N takes a number of steps from 1");
  const rev anchor = resolve_revision(g, text.substr(0, at));
  // A line follows down_revision only: its heads are the applied revisions no applied child stands
  // on (a dependent does not end a line; it is reverted with what it depends on).
  const auto applied = g.closure(current);
  std::vector<rev> line_heads;
  for (rev r = 0; r < g.size(); ++r)
    if (applied[r] && std::none_of(g.children(r).begin(), g.children(r).end(), [&](rev c) { return applied[c]; }))
      line_heads.push_back(r);
  // The anchor's line upwards: what descends from it through children alone.
  std::vector<char> up_line(g.size(), 0);
  up_line[anchor] = 1;
  for (rev r = anchor; r < g.size(); ++r)  // topological order: parents come first
    if (!up_line[r])
      for (auto p : g.parents(r)) up_line[r] = up_line[r] || up_line[p];
  std::vector<rev> on_line;
  for (auto h : line_heads)
    if (up_line[h]) on_line.push_back(h);
  if (on_line.empty())
    bad_target("'" + std::string(text) + "': " + g.at(anchor).id + " is not applied; `retort current` shows the heads");
  if (on_line.size() > 1)
    bad_target("'" + std::string(text) + "' is ambiguous: " + g.at(anchor).id + " is under several heads (" +
               list_ids(g, on_line) + "); name one of them");
  std::vector<rev> others;
  for (auto h : line_heads)
    if (h != on_line.front()) others.push_back(h);
  const auto shared = g.lineage(others);
  std::vector<rev> revert;
  rev r = on_line.front();
  for (long i = 0; i < n; ++i) {
    if (shared[r])
      bad_target("'" + std::string(text) + "' would revert " + g.at(r).id + ", which other heads stand on (" +
                 list_ids(g, others) + "); downgrade to a revision below them instead");
    revert.push_back(r);
    if (i + 1 == n) break;
    if (g.parents(r).empty()) bad_target("'" + std::string(text) + "' walks past base");
    if (g.parents(r).size() > 1)
      bad_target("'" + std::string(text) + "' is ambiguous: " + g.at(r).id + " merges " + list_ids(g, g.parents(r)) +
                 "; go down one of them with `retort downgrade PARENT@-N`");
    r = g.parents(r).front();
  }
  return revert;
}

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
  if (auto at = text.find('@'); at != std::string_view::npos && at + 1 < text.size() && (text[at + 1] == '-' || text[at + 1] == '+'))
    bad_target("'" + std::string(text) + "': " +
               (text[at + 1] == '-' ? std::string("REV@-N goes down one branch and is a `retort downgrade` target")
                                    : "label@+N is not supported; name the revision, or use " +
                                          std::string(text.substr(0, at)) + "@head"));
  // An id may itself contain '-', so an exact id or label wins over REV-N.
  if (const rev* r = g.find(text)) return {*r};
  if (const rev* r = g.find_label(text)) return {*r};
  auto sign = text.find_last_of("+-");
  if (sign != std::string_view::npos && sign + 1 < text.size()) {
    std::string_view digits = text.substr(sign + 1);
    if (digits_of(digits)) {
      const long n = step_count(text, digits);
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
                           "', which no file in versions/ defines: restore the file, or replace the version "
                           "table's rows with `retort stamp --purge REV`");
    out.push_back(*r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace retort
