// branches.cpp — `retort branches`: the revisions where the graph forks, and where each fork goes.
#include "../cli.hpp"

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_branches(context& ctx) {
  po::options_description own("retort branches");
  ctx.parse(own, {});
  const auto& g = ctx.graph();
  if (ctx.global.json) {
    ctx.out << "[";
    bool first = true;
    for (rev r = 0; r < g.size(); ++r) {
      if (g.children(r).size() < 2) continue;
      ctx.out << (first ? "" : ", ") << "{\"revision\": " << json_string(g.at(r).id) << ", \"message\": "
              << json_string(g.at(r).message) << ", \"children\": " << json_list(ids_of(g, g.children(r))) << "}";
      first = false;
    }
    ctx.out << "]\n";
    return 0;
  }
  for (rev r = 0; r < g.size(); ++r) {
    if (g.children(r).size() < 2) continue;
    ctx.out << describe_rev(g, r) << ", " << g.at(r).message << "\n";
    for (auto c : g.children(r)) ctx.out << "    -> " << describe_rev(g, c) << ", " << g.at(c).message << "\n";
  }
  return 0;
}

}  // namespace retort::cli
