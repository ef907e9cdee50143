// validate.cpp — `retort validate`: do the files still say what the database ran? Checksums of
// applied migrations, applied revisions whose file is gone, version rows the graph does not know,
// and several heads. Exit 3 on any finding, for CI.
#include "../cli.hpp"

#include "checksum.hpp"
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
  auto& conn = ctx.connection();
  std::vector<rev> rows;
  for (const auto& id : ctx.store().read_heads(conn)) {
    if (const rev* r = g.find(id)) rows.push_back(*r);
    else findings.push_back(fmt::format("the version table holds '{}', which no file in versions/ defines", id));
  }
  const auto applied = g.closure(rows);
  const auto latest = ctx.store().latest_history(conn);
  std::size_t checked = 0;
  for (rev r = 0; r < g.size(); ++r) {
    if (!applied[r]) continue;
    const migration& m = g.at(r);
    auto it = latest.find(m.id);
    if (it == latest.end() || it->second[1] != "applied" || it->second[2].empty()) continue;  // no record to compare
    ++checked;
    if (std::string now = file_checksum(m.path); now != it->second[2])
      findings.push_back(fmt::format("revision {} was edited after it was applied: {} has SHA-256 {}…, the history "
                                     "recorded {}…",
                                     m.id, m.path.string(), now.substr(0, 12), it->second[2].substr(0, 12)));
  }
  for (const auto& [id, row] : latest)
    if (!g.find(id) && row[0] == "up" && row[1] == "applied")
      findings.push_back(fmt::format("revision {} is applied (history) but its file is gone from versions/", id));

  if (ctx.global.json) {
    ctx.out << "{\"ok\": " << (findings.empty() ? "true" : "false") << ", \"revisions\": " << g.size()
            << ", \"applied_checked\": " << checked << ", \"findings\": " << json_list(findings)
            << ", \"warnings\": " << json_list(warnings) << "}\n";
    return findings.empty() ? 0 : 3;
  }
  for (const auto& w : warnings) ctx.err << "warning: " << w << "\n";
  for (const auto& f : findings) ctx.out << f << "\n";
  if (findings.empty())
    ctx.out << "OK: " << g.size() << " revision(s) parse, " << checked << " applied revision(s) match their files\n";
  return findings.empty() ? 0 : 3;
}

}  // namespace retort::cli
