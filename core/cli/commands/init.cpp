// init.cpp — `retort init DIR`: a new project with a SQLite default_url, ready to run.
#include "../cli.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_init(context& ctx) {
  po::options_description own("retort init DIR");
  own.add_options()("directory", po::value<std::string>()->default_value("migrations"), "where versions/ and schema.toml go");
  po::positional_options_description pos;
  pos.add("directory", 1);
  auto vm = ctx.parse(own, pos);
  const std::filesystem::path dir = vm["directory"].as<std::string>();
  init_project(std::filesystem::current_path(), std::filesystem::absolute(dir));
  ctx.note(fmt::format("Created retort.toml, {} and {}.\nNext: `retort revision -m \"create users\"`, edit the file, "
                       "then `retort upgrade head`.",
                       (dir / "versions/").string(), (dir / "schema.toml").string()));
  return 0;
}

}  // namespace retort::cli
