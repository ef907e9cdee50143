// current.cpp — `retort current`: the revisions the database is at, and how the last run ended.
#include "../cli.hpp"
#include "../health.hpp"

#include "redact.hpp"
#include "runner.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_current(context& ctx) {
  po::options_description own("retort current");
  auto vm = ctx.parse(own, {});
  const auto& g = ctx.graph();
  auto& conn = ctx.connection();
  const auto heads = ctx.db_heads();
  // The last history row tells whether the last run failed part-way.
  auto last = ctx.store().read_history(conn, 1);
  const bool last_failed = !last.empty() && last[0][2] && *last[0][2] != "applied";
  if (ctx.global.json) {
    ctx.out << "{\"url\": " << json_string(ctx.url().redacted()) << ", \"heads\": [";
    for (std::size_t i = 0; i < heads.size(); ++i)
      ctx.out << (i ? ", " : "") << "{\"revision\": " << json_string(g.at(heads[i]).id)
              << ", \"is_head\": " << (g.children(heads[i]).empty() ? "true" : "false") << "}";
    ctx.out << "]";
    if (last_failed)
      ctx.out << ", \"last_failure\": {\"revision\": " << json_string(last[0][0].value_or(""))
              << ", \"status\": " << json_string(last[0][2].value_or(""))
              << ", \"error\": " << json_string(redact(last[0][5].value_or(""))) << "}";
    ctx.out << ", \"partial\": [";
    const auto partials = ctx.store().partials(conn);
    for (std::size_t i = 0; i < partials.size(); ++i) {
      const auto& p = partials[i];
      ctx.out << (i ? ", " : "") << "{\"revision\": " << json_string(p.revision)
              << ", \"direction\": " << json_string(p.direction) << ", \"statements_done\": " << p.statements_done
              << ", \"statements_total\": " << p.statements_total << ", \"said\": " << json_string(partial_said(ctx, p, heads))
              << "}";
    }
    ctx.out << "]}\n";
    return 0;
  }
  if (ctx.global.verbosity > 0)
    ctx.out << "Database: " << ctx.url().redacted() << " (" << ctx.dialect().name() << " " << conn.server_version()
            << ")\nVersion table: " << ctx.cfg().version_table << "\n";
  for (auto r : heads) ctx.out << describe_rev(g, r) << "\n";
  if (heads.empty() && ctx.global.verbosity > 0) ctx.out << "(base: no migration applied)\n";
  // Each migration left partial, with whether the statement in doubt took effect, from the catalog.
  const auto partials = ctx.store().partials(conn);
  // A runner, or the statement a stopped one left on the server, still at work.
  const std::optional<std::string> running = partials.empty() ? std::nullopt : lock_holder(ctx);
  for (const auto& p : partials) {
    const std::string verb = p.direction == "down" ? "downgrade" : "upgrade";
    ctx.warn(partial_said(ctx, p, heads) + "\n  Go on with `retort " + verb + " --resume` once the cause is fixed" +
             (p.direction == "down" ? "" : ", or undo it with `retort revert-partial`") + ".");
    if (running)
      ctx.err << "  The lock is taken, so a statement may still be running and what took effect may change: "
              << printable(*running) << "\n";
  }
  if (last_failed && partials.empty()) {
    ctx.warn("the last run of revision " + last[0][0].value_or("") + " ended '" + last[0][2].value_or("") + "' (" +
             last[0][3].value_or("") + ")" + (last[0][5] ? ":\n  " + *last[0][5] : ""));
  }
  return 0;
}

}  // namespace retort::cli
