// revert_partial.cpp — `retort revert-partial`: undo the statements that took effect of a migration
// a failed or killed run left partial, with the inverses of their operations.
#include "../cli.hpp"

#include "redact.hpp"
#include "runner.hpp"

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_revert_partial(context& ctx) {
  po::options_description own("retort revert-partial");
  own.add_options()("by-hand", po::bool_switch(),
                    "record that the statements were undone by hand (for what has no inverse), running nothing");
  auto vm = ctx.parse(own, {});
  run_options opts;
  opts.lock_timeout = ctx.global.lock_timeout;
  opts.defaults = {ctx.cfg().lock_timeout, ctx.cfg().statement_timeout};
  opts.url = ctx.url().redacted();
  runner rn(ctx.graph(), ctx.dialect(), ctx.connection(), ctx.store(), ctx.plugins(), ctx.plugins().hooks());
  const auto said = rn.revert_partials(opts, vm["by-hand"].as<bool>());
  for (const auto& line : said) ctx.note(redact(line));
  if (said.empty()) ctx.note("Nothing to revert: no migration was left partial.");
  return 0;
}

}  // namespace retort::cli
