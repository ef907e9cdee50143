// current.cpp — `retort current`: the revisions the database is at, and how the last run ended.
#include "../cli.hpp"

#include "redact.hpp"

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
    ctx.out << "}\n";
    return 0;
  }
  if (ctx.global.verbosity > 0)
    ctx.out << "Database: " << ctx.url().redacted() << " (" << ctx.dialect().name() << " " << conn.server_version()
            << ")\nVersion table: " << ctx.cfg().version_table << "\n";
  for (auto r : heads) ctx.out << describe_rev(g, r) << "\n";
  if (heads.empty() && ctx.global.verbosity > 0) ctx.out << "(base: no migration applied)\n";
  if (last_failed) {
    ctx.err << "warning: the last run of revision " << last[0][0].value_or("") << " ended '" << last[0][2].value_or("")
            << "' (" << last[0][3].value_or("") << ")";
    if (last[0][2] == "partial") {
      // A journal row: statements up to statements_done took effect; the next one is in doubt.
      const std::string done = last[0][6].value_or("0"), total = last[0][7].value_or("?");
      ctx.err << ": " << done << " of " << total << " statement(s) completed outside a transaction and stay applied";
      if (done == total) ctx.err << "; it failed while recording them in the version table";
      else ctx.err << "; statement " << std::to_string(std::stoll(done) + 1) << " may or may not have taken effect";
    }
    if (last[0][5]) ctx.err << ":\n  " << redact(*last[0][5]);
    ctx.err << "\n";
  }
  return 0;
}

}  // namespace retort::cli
