// target.cpp — target strings to revisions.
#include "target.hpp"

#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <optional>
#include <utility>

namespace retort {
namespace {

template <class... T> [[noreturn]] void bad_target(fmt::format_string<T...> what, T&&... args) {
  throw sdk::error(sdk::error_kind::usage, fmt::format(what, std::forward<T>(args)...));
}

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
  if (!n) bad_target("'{}': the number of steps must be digits", text);
  if (*n > 1'000'000) bad_target("'{}': {} steps is too many (at most 1000000)", text, digits);
  return *n;
}

std::vector<rev> single_head(const revision_graph& g) {
  if (g.heads().size() > 1)
    bad_target("there are {} heads ({}); name one, or use 'heads' for all of them, or `retort merge heads -m ...` to "
               "join them",
               g.heads().size(), list_ids(g, g.heads()));
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
      else
        bad_target("'{}' is ambiguous: it starts from several revisions ({}); name one as REV+N", text, list_ids(g, from));
      if (next.empty()) bad_target("'{}' walks past head: {} is a head", text, g.at(from.front()).id);
      if (next.size() > 1) {
        std::string choices;
        const long rest = steps - i - 1;  // steps left after choosing the child
        for (auto c : next)
          fmt::format_to(std::back_inserter(choices), "\n  retort upgrade {}{}", g.at(c).id,
                         rest ? fmt::format("+{}", rest) : "");
        bad_target("'{}' is ambiguous at a branch point: the next revision is one of {}; name it:{}", text,
                   list_ids(g, next), choices);
      }
      from = next;
    } else {
      // One step down from one revision is its parents, all of them at a merge: reverting the
      // merge leaves its parents as heads. From several heads a step down is ambiguous.
      if (from.empty()) bad_target("'{}' walks past base", text);
      if (from.size() > 1) {
        std::string choices;
        for (auto h : from)
          fmt::format_to(std::back_inserter(choices), "\n  retort downgrade {}@-{}", g.at(h).id, std::labs(steps) - i);
        if (i == 0)
          bad_target("'{}' is ambiguous: there are several heads ({}); go down one branch:{}", text, list_ids(g, from),
                     choices);
        bad_target("'{0}' is ambiguous: after {1} step(s) there would be several heads ({2}); run `retort downgrade "
                   "-{1}` first, then go down one branch:{3}",
                   text, i, list_ids(g, from), choices);
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
        bad_target("'{}': {} is not on the line of {}", text, g.at(r).id, label);
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
      bad_target("'{}' is ambiguous: the branch has several heads ({})", text, list_ids(g, found));
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
  if (n == 0) bad_target("'{}': REV@-N takes a number of steps from 1", text);
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
    bad_target("'{}': {} is not applied; `retort current` shows the heads", text, g.at(anchor).id);
  if (on_line.size() > 1)
    bad_target("'{}' is ambiguous: {} is under several heads ({}); name one of them", text, g.at(anchor).id,
               list_ids(g, on_line));
  std::vector<rev> others;
  for (auto h : line_heads)
    if (h != on_line.front()) others.push_back(h);
  const auto shared = g.lineage(others);
  std::vector<rev> revert;
  rev r = on_line.front();
  for (long i = 0; i < n; ++i) {
    if (shared[r])
      bad_target("'{}' would revert {}, which other heads stand on ({}); downgrade to a revision below them instead",
                 text, g.at(r).id, list_ids(g, others));
    revert.push_back(r);
    if (i + 1 == n) break;
    if (g.parents(r).empty()) bad_target("'{}' walks past base", text);
    if (g.parents(r).size() > 1)
      bad_target("'{}' is ambiguous: {} merges {}; go down one of them with `retort downgrade PARENT@-N`", text,
                 g.at(r).id, list_ids(g, g.parents(r)));
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
    bad_target("no revision '{}' (not an id, a prefix of one, or a branch label); `retort history` lists them", text);
  std::string list;
  for (std::size_t i = 0; i < matches.size() && i < 10; ++i)
    fmt::format_to(std::back_inserter(list), "\n  {}  {}", g.at(matches[i]).id, g.at(matches[i]).message);
  if (matches.size() > 10) fmt::format_to(std::back_inserter(list), "\n  … and {} more", matches.size() - 10);
  bad_target("'{}' is ambiguous: {} revisions start with it:{}\ngive more of the id", text, matches.size(), list);
}

std::vector<rev> resolve_target(const revision_graph& g, std::string_view text, const std::vector<rev>& current) {
  if (text.empty()) bad_target("an empty target");
  if (auto at = text.find('@'); at != std::string_view::npos && at + 1 < text.size() && (text[at + 1] == '-' || text[at + 1] == '+')) {
    if (text[at + 1] == '-') bad_target("'{}': REV@-N goes down one branch and is a `retort downgrade` target", text);
    bad_target("'{}': label@+N is not supported; name the revision, or use {}@head", text, text.substr(0, at));
  }
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
                       fmt::format("the database is at revision '{}', which no file in versions/ defines: restore "
                                   "the file, or replace the version table's rows with `retort stamp --purge REV`",
                                   id));
    out.push_back(*r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_online_target(std::string_view target, bool up) {
  if (target.find(':') != std::string_view::npos)
    throw sdk::error(sdk::error_kind::usage, "a range A:B is for --sql only; online, the database says where to start");
  if (!target.empty() && target.front() == (up ? '-' : '+'))
    throw sdk::error(sdk::error_kind::usage, fmt::format("'{0}' goes {1}: use `retort {2} {0}`", target,
                                                         up ? "down" : "up", up ? "downgrade" : "upgrade"));
}

}  // namespace retort
