// revision.cpp — `retort revision -m MSG`: a new migration file after the current head.
#include "../cli.hpp"
#include "../new_revision.hpp"

#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_revision(context& ctx) {
  po::options_description own("retort revision -m MSG");
  own.add_options()
      ("message,m", po::value<std::string>()->required(), "what the migration does")
      ("sql", po::bool_switch(), "write an SQL file instead of TOML operations")
      ("rev-id", po::value<std::string>(), "the revision id (default: 12 random hex digits)")
      ("head", po::value<std::string>()->default_value("head"), "the revision this one follows ('base' for a new root)")
      ("splice", po::bool_switch(), "allow --head to name a revision that is not a head")
      ("branch-label", po::value<std::vector<std::string>>(), "a label for the branch this revision starts (repeatable)")
      ("depends-on", po::value<std::vector<std::string>>(), "a revision this one depends on (repeatable)");
  auto vm = ctx.parse(own, {});
  const revision_graph& g = ctx.graph();
  std::vector<rev> parents;
  const std::string head = vm["head"].as<std::string>();
  if (head == "head" && g.heads().size() > 1) {
    throw sdk::error(sdk::error_kind::usage,
                     fmt::format("there are several heads ({}): pass --head REV to choose one, or `retort merge heads "
                                 "-m ...` first",
                                 join(ids_of(g, g.heads()))));
  }
  if (head != "base") parents = resolve_target(g, head, {});
  for (auto p : parents)
    if (!g.children(p).empty() && !vm["splice"].as<bool>())
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("revision {} is not a head; pass --splice to branch from it anyway", g.at(p).id));
  new_revision spec;
  spec.message = vm["message"].as<std::string>();
  spec.sql = vm["sql"].as<bool>();
  if (vm.count("rev-id")) spec.id = vm["rev-id"].as<std::string>();
  for (auto p : parents) spec.parents.push_back(g.at(p).id);
  if (vm.count("branch-label")) spec.branch_labels = vm["branch-label"].as<std::vector<std::string>>();
  if (vm.count("depends-on"))
    for (const auto& d : vm["depends-on"].as<std::vector<std::string>>()) spec.depends_on.push_back(g.at(resolve_revision(g, d)).id);
  auto path = write_revision(ctx, spec);
  ctx.out << path.string() << "\n";
  return 0;
}

}  // namespace retort::cli
