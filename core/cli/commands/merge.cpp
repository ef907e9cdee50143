// merge.cpp — `retort merge REV... -m MSG`: a revision whose parents are the given heads.
#include "../cli.hpp"
#include "../new_revision.hpp"

#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_merge(context& ctx) {
  po::options_description own("retort merge REV... -m MSG");
  own.add_options()
      ("revisions", po::value<std::vector<std::string>>()->required(), "the revisions to join ('heads' for all)")
      ("message,m", po::value<std::string>()->required(), "what the merge is for")
      ("rev-id", po::value<std::string>(), "the revision id (default: 12 random hex digits)")
      ("branch-label", po::value<std::vector<std::string>>(), "a label for the merged branch");
  po::positional_options_description pos;
  pos.add("revisions", -1);
  auto vm = ctx.parse(own, pos);
  const revision_graph& g = ctx.graph();
  std::vector<rev> parents;
  for (const auto& r : vm["revisions"].as<std::vector<std::string>>())
    for (auto p : resolve_target(g, r, {})) parents.push_back(p);
  std::sort(parents.begin(), parents.end());
  parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
  if (parents.size() < 2) throw sdk::error(sdk::error_kind::usage, "a merge needs at least two revisions to join");
  for (auto p : parents) {
    auto below = g.closure({p});
    for (auto q : parents)
      if (q != p && below[q])
        throw sdk::error(sdk::error_kind::usage,
                         fmt::format("revision {0} is an ancestor of {1}, so there is nothing to merge between them; "
                                     "name only {1}",
                                     g.at(q).id, g.at(p).id));
  }
  new_revision spec;
  spec.message = vm["message"].as<std::string>();
  if (vm.count("rev-id")) spec.id = vm["rev-id"].as<std::string>();
  for (auto p : parents) spec.parents.push_back(g.at(p).id);
  if (vm.count("branch-label")) spec.branch_labels = vm["branch-label"].as<std::vector<std::string>>();
  ctx.out << write_revision(ctx, spec).string() << "\n";
  return 0;
}

}  // namespace retort::cli
