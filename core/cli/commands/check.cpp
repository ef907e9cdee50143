// check.cpp — `retort check`: does the database (or, --offline, what the migrations make) match the
// schema model? Each difference on a line, exit 3 when there is one, for CI.
#include "../cli.hpp"

#include "model.hpp"

#include <boost/program_options.hpp>
#include <filesystem>
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
  const sdk::schema model = read_model(ctx.cfg().model);
  sdk::schema have;
  std::vector<std::string> opaque;
  std::string against;
  if (vm["offline"].as<bool>()) {
    auto p = project_schema(ctx.graph(), ctx.graph().heads(), ctx.plugins());
    have = std::move(p.schema);
    opaque = std::move(p.opaque);
    against = "the migrations up to " + join(ids_of(ctx.graph(), ctx.graph().heads()), "base");
  } else {
    have = ctx.connection().introspect();
    for (const auto& own_table : {ctx.cfg().version_table, ctx.cfg().history_table}) have.tables.erase(own_table);
    against = ctx.url().redacted();
  }
  // The model as the user would name it: relative to where retort runs, when it is below it.
  std::error_code ec;
  std::string shown = std::filesystem::relative(ctx.cfg().model, std::filesystem::current_path(), ec).string();
  if (ec || shown.empty() || shown.rfind("..", 0) == 0) shown = ctx.cfg().model.string();
  const auto differences = diff_schemas(model, have, vm["offline"].as<bool>() ? nullptr : &ctx.dialect(),
                                        vm["compare-defaults"].as<bool>());
  if (ctx.global.json) {
    ctx.out << fmt::format("{{\"against\": {}, \"differences\": {}, \"unseen_sql\": {}}}\n", json_string(against),
                           json_list(differences), json_list(opaque));
  } else {
    for (const auto& d : differences) ctx.out << d << "\n";
  }
  if (!opaque.empty())
    ctx.note(fmt::format("note: the projection cannot see into the raw SQL of revision(s) {}; what it creates or "
                         "changes is not compared",
                         join(opaque, "")));
  if (differences.empty())
    ctx.note(fmt::format("No differences: {} matches the model ({}).", against, shown));
  else
    ctx.note(fmt::format("{} difference(s) between the model ({}, `+`) and {} (`-`).", differences.size(),
                         shown, against));
  return differences.empty() ? 0 : 3;
}

}  // namespace retort::cli
