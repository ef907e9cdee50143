// current.cpp — `retort current`: the revisions the database is at, and how the last run ended.
#include "../cli.hpp"

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
      const auto s = partial_step(g, ctx.dialect(), ctx.plugins(), {ctx.cfg().lock_timeout, ctx.cfg().statement_timeout},
                                  heads, p);
      ctx.out << (i ? ", " : "") << "{\"revision\": " << json_string(p.revision)
              << ", \"direction\": " << json_string(p.direction) << ", \"statements_done\": " << p.statements_done
              << ", \"statements_total\": " << p.statements_total
              << ", \"said\": " << json_string(redact(describe_partial(g, p, s ? &*s : nullptr, in_doubt(s ? &*s : nullptr, p, conn)))) << "}";
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
  std::string running;  // a runner, or the statement a stopped one left on the server, still at work
  if (!partials.empty()) {
    try {
      conn.lock(lock_key(ctx.store()), std::chrono::milliseconds(0));
      conn.unlock(lock_key(ctx.store()));
    } catch (const sdk::error& e) {
      if (e.kind() != sdk::error_kind::lock) throw;
      running = e.what();
    }
  }
  for (const auto& p : partials) {
    const auto s = partial_step(g, ctx.dialect(), ctx.plugins(), {ctx.cfg().lock_timeout, ctx.cfg().statement_timeout},
                                heads, p);
    const std::string verb = p.direction == "down" ? "downgrade" : "upgrade";
    ctx.err << "warning: " << redact(describe_partial(g, p, s ? &*s : nullptr, in_doubt(s ? &*s : nullptr, p, conn))) << "\n  Go on with `retort "
            << verb << " --resume` once the cause is fixed"
            << (p.direction == "down" ? "" : ", or undo it with `retort revert-partial`") << ".\n";
    if (!running.empty())
      ctx.err << "  The lock is taken, so a statement may still be running and what took effect may change: "
              << redact(running) << "\n";
  }
  if (last_failed && partials.empty()) {
    ctx.err << "warning: the last run of revision " << last[0][0].value_or("") << " ended '" << last[0][2].value_or("")
            << "' (" << last[0][3].value_or("") << ")";
    if (last[0][5]) ctx.err << ":\n  " << redact(*last[0][5]);
    ctx.err << "\n";
  }
  return 0;
}

}  // namespace retort::cli
