// validate.cpp — `retort validate`: do the files still say what the database ran? Checksums of
// applied migrations, applied revisions whose file is gone, version rows the graph does not know,
// and several heads. Exit 3 on any finding, for CI.
#include "../cli.hpp"
#include "../health.hpp"

#include "migration.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <set>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_validate(context& ctx) {
  po::options_description own("retort validate");
  own.add_options()("single-head", po::bool_switch(), "several heads are a finding, not a warning");
  auto vm = ctx.parse(own, {});
  const auto& g = ctx.graph();  // a broken graph is refused here, with the files named (exit 2)
  for (rev r = 0; r < g.size(); ++r) read_migration_body(g.at(r), ctx.plugins());  // every file parses

  std::vector<std::string> findings, warnings;
  if (g.heads().size() > 1) {
    std::string line =
        fmt::format("several heads: {} (`retort merge heads -m ...` joins them)", join(ids_of(g, g.heads())));
    (vm["single-head"].as<bool>() ? findings : warnings).push_back(line);
  }
  const table_rows rows = read_table_rows(ctx);
  for (const auto& id : rows.unknown)
    findings.push_back(fmt::format("the version table holds '{}', which no file in versions/ defines", id));
  std::size_t checked = 0;
  for (const auto& p : applied_file_problems(ctx, rows, &checked)) findings.push_back(p.message);

  if (ctx.global.json) {
    ctx.out << "{\"ok\": " << (findings.empty() ? "true" : "false") << ", \"revisions\": " << g.size()
            << ", \"applied_checked\": " << checked << ", \"findings\": " << json_list(findings)
            << ", \"warnings\": " << json_list(warnings) << "}\n";
    return findings.empty() ? 0 : 3;
  }
  for (const auto& w : warnings) ctx.warn(w);
  for (const auto& f : findings) ctx.out << printable(f) << "\n";
  if (findings.empty())
    ctx.out << "OK: " << g.size() << " revision(s) parse, " << checked << " applied revision(s) match their files\n";
  return findings.empty() ? 0 : 3;
}

}  // namespace retort::cli
