// apply.cpp — `retort apply FILE`: runs exactly the plan `retort plan -o FILE` wrote, and refuses it,
// before anything runs, once the files, the database's version rows or the statements moved on.
#include "../cli.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_apply(context& ctx) {
  po::options_description own("retort apply FILE");
  own.add_options()
      ("file", po::value<std::string>()->required(), "a plan written by `retort plan -o FILE`")
      ("allow-destructive", po::bool_switch(), "tell policy hooks that dropping tables and columns is intended")
      ("backup", po::value<std::string>(), "SQLite: copy the database to this new file before anything changes");
  po::positional_options_description pos;
  pos.add("file", 1);
  auto vm = ctx.parse(own, pos);
  const std::string file = vm["file"].as<std::string>();

  std::ifstream in(file, std::ios::binary);
  if (!in) throw sdk::error(sdk::error_kind::usage, fmt::format("{}: cannot read the plan", file));
  std::stringstream text;
  text << in.rdbuf();
  const plan_file p = read_plan(text.str(), file);

  run_settings how;
  how.allow_destructive = vm["allow-destructive"].as<bool>();
  if (vm.count("backup")) how.backup = vm["backup"].as<std::string>();
  report_run(ctx, [&](const run_settings& s) { return ctx.api().apply(p, s); }, how, p.dir);
  return 0;
}

}  // namespace retort::cli
