// plugins.cpp — `retort plugins`: the search path as used, and every plugin found, loaded or refused.
#include "../cli.hpp"

#include "redact.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>

namespace retort::cli {
namespace po = boost::program_options;

int cmd_plugins(context& ctx) {
  po::options_description own("retort plugins");
  ctx.parse(own, {});
  // A plugin retort.toml lists that is refused stops every other command; here the list goes on, and
  // shows why.
  try {
    ctx.plugins();
  } catch (const sdk::error& e) {
    ctx.warn(e.what());
  }
  auto& host = ctx.plugins();
  auto reports = host.scan();
  const char* names[] = {"loaded", "refused", "shadowed"};
  if (ctx.global.json) {
    ctx.out << "{\"search_path\": [";
    for (std::size_t i = 0; i < host.search_path().size(); ++i)
      ctx.out << (i ? ", " : "") << json_string(host.search_path()[i].string());
    ctx.out << "], \"plugins\": [";
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const auto& r = reports[i];
      ctx.out << (i ? ", " : "") << "{\"file\": " << json_string(r.file.string())
              << ", \"status\": " << json_string(names[static_cast<int>(r.status)]) << ", \"kind\": " << json_string(r.kind)
              << ", \"name\": " << json_string(r.name) << ", \"version\": " << json_string(r.version)
              << ", \"schemes\": [";
      for (std::size_t k = 0; k < r.schemes.size(); ++k) ctx.out << (k ? ", " : "") << json_string(r.schemes[k]);
      ctx.out << "], \"reason\": " << json_string(redact(r.reason)) << "}";
    }
    ctx.out << "]}\n";
    return 0;
  }
  ctx.out << "Search path (in order):\n";
  for (const auto& p : host.search_path()) ctx.out << "  " << p.string() << "\n";
  ctx.out << "\nPlugins:\n";
  if (reports.empty()) ctx.out << "  (none found)\n";
  for (const auto& r : reports) {
    ctx.out << "  " << names[static_cast<int>(r.status)] << "  " << r.file.string() << "\n";
    if (r.status == plugin_report::state::loaded) {
      ctx.out << "      " << r.kind << " " << r.name << " " << r.version << "\n";
      if (!r.schemes.empty()) ctx.out << "      schemes: " << join(r.schemes) << "\n";
      if (!r.operations.empty()) ctx.out << "      operations: " << join(r.operations) << "\n";
      if (!r.hooks.empty()) ctx.out << "      hooks: " << join(r.hooks) << "\n";
    } else {
      ctx.out << "      " << redact(r.reason) << "\n";
    }
  }
  return 0;
}

}  // namespace retort::cli
