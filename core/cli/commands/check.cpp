// check.cpp — `retort check`: does the database (or, --offline, what the migrations make) match the
// schema model? Each difference on a line, exit 3 when there is one, for CI.
#include "../cli.hpp"
#include "../compare.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_check(context& ctx) {
  po::options_description own("retort check");
  own.add_options()
      ("offline", po::bool_switch(),
       "compare the model with the schema the migrations project up to the heads, without a database")
      ("compare-defaults", po::bool_switch(), "compare server defaults too, as the database spells them");
  auto vm = ctx.parse(own, {});
  const comparison c = compare_with_model(ctx, vm["offline"].as<bool>(), vm["compare-defaults"].as<bool>(), ctx.graph().heads());
  const auto differences = lines_of(c.diffs);
  if (ctx.global.json) {
    ctx.out << fmt::format("{{\"against\": {}, \"differences\": {}, \"unseen_sql\": {}}}\n", json_string(c.against),
                           json_list(differences), json_list(c.opaque));
  } else {
    for (const auto& d : differences) ctx.out << d << "\n";
  }
  note_unseen_sql(ctx, c);
  if (differences.empty())
    ctx.note(fmt::format("No differences between the model ({}) and {}.", c.model, c.against));
  else
    ctx.note(fmt::format("{} difference(s) between the model ({}, `+`) and {} (`-`).", differences.size(), c.model,
                         c.against));
  return differences.empty() ? 0 : 3;
}

}  // namespace retort::cli
