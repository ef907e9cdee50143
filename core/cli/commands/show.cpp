// show.cpp — `retort show REV`: one revision in full.
#include "../cli.hpp"

#include "target.hpp"

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_show(context& ctx) {
  po::options_description own("retort show REV");
  own.add_options()("revision", po::value<std::string>()->required(), "an id, a unique prefix, a label, head or heads");
  po::positional_options_description pos;
  pos.add("revision", 1);
  auto vm = ctx.parse(own, pos);
  const auto& g = ctx.graph();
  auto ids = [&](const std::vector<rev>& revs) { return join(ids_of(g, revs)); };
  const auto revs = resolve_target(g, vm["revision"].as<std::string>(), {});
  if (ctx.global.json) {
    ctx.out << "[";
    for (std::size_t i = 0; i < revs.size(); ++i) {
      const rev r = revs[i];
      const migration& m = g.at(r);
      ctx.out << (i ? ", " : "") << "{\"revision\": " << json_string(m.id)
              << ", \"down_revision\": " << json_list(ids_of(g, g.parents(r)))
              << ", \"children\": " << json_list(ids_of(g, g.children(r)))
              << ", \"depends_on\": " << json_list(ids_of(g, g.dependencies(r)))
              << ", \"branch_labels\": " << json_list(m.branch_labels) << ", \"message\": " << json_string(m.message)
              << ", \"path\": " << json_string(m.path.string())
              << ", \"format\": " << json_string(m.format == file_format::sql ? "sql" : "toml")
              << ", \"transactional\": " << (m.transactional ? "true" : "false")
              << ", \"is_head\": " << (g.children(r).empty() ? "true" : "false") << "}";
    }
    ctx.out << "]\n";
    return 0;
  }
  for (auto r : revs) {
    const migration& m = g.at(r);
    ctx.out << "Rev: " << describe_rev(g, r) << "\n"
            << "Parent: " << (g.parents(r).empty() ? "<base>" : ids(g.parents(r))) << "\n";
    if (!g.children(r).empty()) ctx.out << "Children: " << ids(g.children(r)) << "\n";
    if (!g.dependencies(r).empty()) ctx.out << "Depends on: " << ids(g.dependencies(r)) << "\n";
    if (!m.branch_labels.empty()) ctx.out << "Branch labels: " << join(m.branch_labels) << "\n";
    ctx.out << "Path: " << m.path.string() << "\n"
            << "Transactional: " << (m.transactional ? "yes" : "no") << "\n\n"
            << "    " << m.message << "\n\n";
  }
  return 0;
}

}  // namespace retort::cli
