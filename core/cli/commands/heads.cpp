// heads.cpp — `retort heads`: the revisions nothing follows yet.
#include "../cli.hpp"

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_heads(context& ctx) {
  po::options_description own("retort heads");
  ctx.parse(own, {});
  const auto& g = ctx.graph();
  if (ctx.global.json) {
    ctx.out << "[";
    for (std::size_t i = 0; i < g.heads().size(); ++i) {
      const auto& m = g.at(g.heads()[i]);
      ctx.out << (i ? ", " : "") << "{\"revision\": " << json_string(m.id) << ", \"message\": " << json_string(m.message)
              << ", \"path\": " << json_string(m.path.string()) << "}";
    }
    ctx.out << "]\n";
    return 0;
  }
  for (auto h : g.heads()) {
    ctx.out << describe_rev(g, h);
    if (ctx.global.verbosity > 0) ctx.out << ", " << g.at(h).message << "\n    Path: " << g.at(h).path.string();
    ctx.out << "\n";
  }
  return 0;
}

}  // namespace retort::cli
