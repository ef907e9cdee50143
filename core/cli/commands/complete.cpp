// complete.cpp — `retort __complete WHAT`, for the shell completion scripts (core/cli/completion/):
// the commands, or the targets the project's files allow (head, heads, base, each id, each label
// and label@head). Read from the files only, never the database; nothing, and exit 0, where there
// is no project, so a completion never prints an error at the prompt.
#include "../cli.hpp"

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_complete(context& ctx) {
  po::options_description own("retort __complete commands|targets");
  own.add_options()("what", po::value<std::string>()->required(), "commands or targets");
  po::positional_options_description pos;
  pos.add("what", 1);
  const auto vm = ctx.parse(own, pos);
  const std::string what = vm["what"].as<std::string>();
  if (what == "commands") {
    for (const auto& c : commands())
      if (c.name[0] != '_') ctx.out << c.name << "\n";
    return 0;
  }
  if (what != "targets") throw sdk::error(sdk::error_kind::usage, "__complete: expected commands or targets");
  try {
    const auto& g = ctx.graph();
    ctx.out << "head\nheads\nbase\n";
    for (rev r = g.size(); r-- > 0;) {
      ctx.out << g.at(r).id << "\n";
      for (const auto& label : g.at(r).branch_labels) ctx.out << label << "\n" << label << "@head\n";
    }
  } catch (const std::exception&) {
    // No project here, or files that do not read: nothing to offer.
  }
  return 0;
}

}  // namespace retort::cli
