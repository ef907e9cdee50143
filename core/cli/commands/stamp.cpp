// stamp.cpp — `retort stamp REV...`: set the version table without running any migration.
#include "../cli.hpp"

#include "redact.hpp"
#include "runner.hpp"
#include "target.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace retort::cli {
namespace po = boost::program_options;

namespace {

/// The rows after stamping `targets` over `current`: the targets, plus the current heads of other
/// branches (neither an ancestor nor a descendant of a target), unless `purge` or no target.
std::vector<rev> stamped_rows(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& targets,
                              bool purge) {
  std::vector<rev> rows = targets;
  if (!purge && !targets.empty()) {  // `stamp base` clears every row
    auto below_targets = g.closure(targets);
    for (auto h : current) {
      auto below_h = g.closure({h});
      bool related = below_targets[h] || std::any_of(targets.begin(), targets.end(), [&](rev t) { return below_h[t]; });
      if (!related) rows.push_back(h);
    }
  }
  return g.heads_of(rows);
}

}  // namespace

int cmd_stamp(context& ctx) {
  po::options_description own("retort stamp REV...");
  own.add_options()
      ("revisions", po::value<std::vector<std::string>>()->required(), "the revisions to record ('base' for none)")
      ("purge", po::bool_switch(), "delete every row first, whatever it holds")
      ("sql", po::bool_switch(), "print the statements instead of running them");
  po::positional_options_description pos;
  pos.add("revisions", -1);
  auto vm = ctx.parse(own, pos);
  const auto& g = ctx.graph();
  const bool purge = vm["purge"].as<bool>();
  auto targets_from = [&](const std::vector<rev>& current) {
    std::vector<rev> t;
    for (const auto& r : vm["revisions"].as<std::vector<std::string>>())
      for (auto x : resolve_target(g, r, current)) t.push_back(x);
    return t;
  };
  if (vm["sql"].as<bool>()) {
    if (purge) throw sdk::error(sdk::error_kind::usage, "--purge needs the database's rows, so it cannot go with --sql");
    auto rows = stamped_rows(g, {}, targets_from({}), false);
    for (const auto& sql : ctx.offline_store().create_sql(nullptr)) ctx.out << terminated(sql) << "\n";
    for (const auto& sql : ctx.offline_store().transition_sql({}, ids_of(g, rows))) ctx.out << terminated(sql) << "\n";
    return 0;
  }
  run_options opts;
  opts.lock_timeout = ctx.global.lock_timeout;
  runner rn(g, ctx.dialect(), ctx.connection(), ctx.store(), ctx.plugins(), ctx.plugins().hooks());
  auto result = rn.stamp([&](const std::vector<rev>& current) { return stamped_rows(g, current, targets_from(current), purge); },
                         purge, opts);
  if (ctx.global.json) ctx.out << "{\"heads\": " << json_list(result.heads) << "}\n";
  ctx.note(fmt::format("Stamped: the database is at {} (no migration ran).", join(result.heads, "base")));
  return 0;
}

}  // namespace retort::cli
