// history.cpp — `retort history [-r A:B] [-v] [-i]`: the revisions, newest first.
#include "../cli.hpp"

#include "target.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_history(context& ctx) {
  po::options_description own("retort history");
  own.add_options()
      ("rev-range,r", po::value<std::string>(), "A:B, the revisions from A up to B (either side may be left out)")
      ("indicate-current,i", po::bool_switch(), "mark the revisions the database has applied (connects)");
  auto vm = ctx.parse(own, {});
  const auto& g = ctx.graph();
  std::vector<char> applied;
  std::vector<rev> current;
  if (vm["indicate-current"].as<bool>()) {
    current = ctx.db_heads();
    applied = g.closure(current);
  }
  // The range: everything below B (heads by default) that descends from A (base by default).
  std::vector<char> in_range(g.size(), 1);
  if (vm.count("rev-range")) {
    std::string range = vm["rev-range"].as<std::string>();
    auto colon = range.find(':');
    std::string lo = colon == std::string::npos ? "base" : range.substr(0, colon);
    std::string hi = colon == std::string::npos ? range : range.substr(colon + 1);
    if (lo.empty()) lo = "base";
    if (hi.empty()) hi = "heads";
    in_range = g.closure(resolve_target(g, hi, current));
    auto low = resolve_target(g, lo, current);
    if (!low.empty()) {
      std::vector<char> above(g.size(), 0);
      for (auto r : low) above[r] = 1;
      for (rev r = 0; r < g.size(); ++r)  // topological order: parents come first
        if (!above[r])
          for (auto p : g.parents(r)) above[r] = above[r] || above[p];
      for (rev r = 0; r < g.size(); ++r) in_range[r] = in_range[r] && above[r];
    }
  }
  bool first = true;
  if (ctx.global.json) ctx.out << "[";
  for (rev r = g.size(); r-- > 0;) {
    if (!in_range[r]) continue;
    const migration& m = g.at(r);
    const std::string parents = join(ids_of(g, g.parents(r)));
    if (ctx.global.json) {
      ctx.out << (first ? "" : ", ") << "{\"revision\": " << json_string(m.id) << ", \"down_revision\": [";
      for (std::size_t i = 0; i < g.parents(r).size(); ++i) ctx.out << (i ? ", " : "") << json_string(g.at(g.parents(r)[i]).id);
      ctx.out << "], \"message\": " << json_string(m.message) << ", \"path\": " << json_string(m.path.string())
              << ", \"is_head\": " << (g.children(r).empty() ? "true" : "false");
      if (!applied.empty()) ctx.out << ", \"applied\": " << (applied[r] ? "true" : "false");
      ctx.out << "}";
    } else {
      std::string line = fmt::format("{} -> {}", parents.empty() ? "<base>" : parents, describe_rev(g, r));
      if (!applied.empty() && applied[r]) {
        bool is_current = std::find(current.begin(), current.end(), r) != current.end();
        line += is_current ? " (current)" : " (applied)";
      }
      ctx.out << line << ", " << m.message << "\n";
      if (ctx.global.verbosity > 0) ctx.out << "    Path: " << m.path.string() << "\n\n";
    }
    first = false;
  }
  if (ctx.global.json) ctx.out << "]\n";
  return 0;
}

}  // namespace retort::cli
