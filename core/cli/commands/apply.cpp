// apply.cpp — `retort apply FILE`: runs exactly the plan `retort plan -o FILE` wrote, and refuses it,
// before anything runs, once the files, the database's version rows or the statements moved on.
#include "../cli.hpp"
#include "plan_file.hpp"
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace retort::cli {
namespace po = boost::program_options;

namespace {

[[noreturn]] void refuse(const std::string& file, const std::vector<std::string>& changed) {
  std::string said = fmt::format("{} no longer holds, so nothing of it was run:", file);
  for (const auto& c : changed) said += "\n  - " + c;
  said += "\nmake a new plan (`retort plan -o FILE`) and review it";
  throw sdk::error(sdk::error_kind::input, said);
}

}  // namespace

int cmd_apply(context& ctx) {
  po::options_description own("retort apply FILE");
  own.add_options()
      ("file", po::value<std::string>()->required(), "a plan written by `retort plan -o FILE`")
      ("allow-destructive", po::bool_switch(), "tell policy hooks that dropping tables and columns is intended");
  po::positional_options_description pos;
  pos.add("file", 1);
  auto vm = ctx.parse(own, pos);
  const std::string file = vm["file"].as<std::string>();

  std::ifstream in(file, std::ios::binary);
  if (!in) throw sdk::error(sdk::error_kind::usage, fmt::format("{}: cannot read the plan", file));
  std::stringstream text;
  text << in.rdbuf();
  const plan_file p = read_plan(text.str(), file);

  // What can be told without the database first: the dialect, the version table, the files.
  const auto& g = ctx.graph();
  if (p.dialect != ctx.dialect().name())
    throw sdk::error(sdk::error_kind::input,
                     fmt::format("{} was made for {}, and the database URL names {}; plan against this database",
                                 file, p.dialect, ctx.dialect().name()));
  if (const auto changed = files_changed(p, g); !changed.empty()) refuse(file, changed);
  std::vector<rev> to;
  for (const auto& id : p.to) {
    const rev* r = g.find(id);
    if (!r) refuse(file, {fmt::format("revision {}, where the plan goes, is no longer in the project", id)});
    to.push_back(*r);
  }
  if (p.version_table != ctx.store().version_table())
    throw sdk::error(sdk::error_kind::input,
                     fmt::format("{} was made for the version table {}; this project's is {}", file, p.version_table,
                                 ctx.store().version_table()));
  if (p.database != ctx.url().redacted())
    ctx.note(fmt::format("{} was made against {}; applying it to {}, whose version rows must be the plan's.", file,
                         p.database, ctx.url().redacted()));

  run_options opts;
  opts.atomic = p.atomic;
  opts.defaults = p.defaults;
  opts.lock_timeout = ctx.global.lock_timeout;
  opts.url = ctx.url().redacted();
  opts.allow_destructive = vm["allow-destructive"].as<bool>();
  // Under the lock, with the rows read there: the plan made again from them must be the plan reviewed.
  opts.approve = [&](const std::vector<std::string>& rows, const std::vector<step>& now) {
    if (const auto changed = plan_changed(p, g, rows, now); !changed.empty()) refuse(file, changed);
  };
  target_planner planner(g, p.dir, to, p.revert);
  return run_plan(ctx,
                  [&](const std::vector<rev>& now) {
                    if (const auto heads = ids_of(g, now); heads != p.heads_from)
                      refuse(file, {fmt::format("the database moved since the plan: it was at {}, it is at {} now",
                                                join(p.heads_from, "base"), join(heads, "base"))});
                    return planner(now);
                  },
                  opts, p.dir);
}

}  // namespace retort::cli
