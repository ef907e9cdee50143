// main.cpp — retort-kit: the conformance suite any dialect plugin can run.
//
//   retort-kit [--retort PATH] [--plugin-path DIR]... [--all-operations] FILE.kit.toml [gtest flags]
//
// Loads the dialect that claims the kit file's scheme (as retort would find it), says which
// dialect and server it is testing, and runs the suite: the real retort binary in temporary
// projects, the database looked at only through the dialect's own sdk::connection.
#include "kit.hpp"

#include "url.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <iostream>
#include <optional>

#include <unistd.h>

namespace {

namespace kit = retort::kit;
namespace fs = std::filesystem;

constexpr const char* usage =
    "usage: retort-kit [--retort PATH] [--plugin-path DIR]... [--all-operations] FILE.kit.toml [gtest flags]\n"
    "  --retort PATH        the retort binary the tests run (default: the one beside retort-kit)\n"
    "  --plugin-path DIR    a directory searched first for plugins, by the kit and by retort (repeatable;\n"
    "                       RETORT_PLUGIN_PATH works too)\n"
    "  --all-operations     fail, rather than skip, an alteration the dialect cannot do\n"
    "  FILE.kit.toml        how to make a fresh database for each test (docs/dialect-kit.md)\n"
    "gtest flags such as --gtest_filter='locking.*' pass through (--gtest_help lists them).\n";

std::string yes(bool b) { return b ? "yes" : "no"; }

/// Loads the dialect and checks it can be tested at all: the scheme it claims, a database it can
/// open, a server version it reports.
void set_up(kit::options opts) {
  auto& k = kit::kit();
  k.opts = std::move(opts);
  k.host = std::make_unique<retort::plugin_host>(retort::plugin_search_path(k.opts.plugin_paths, nullptr));
  kit::temp_dir probe_dir;
  const retort::sdk::url probe_url = retort::parse_url(kit::fill(k.opts.file.url, probe_dir.path(), "retort_kit_probe"));
  k.dialect = &k.host->dialect_for(probe_url);
  k.caps = k.dialect->caps();
  const auto schemes = k.dialect->schemes();
  if (std::find(schemes.begin(), schemes.end(), k.opts.file.scheme) == schemes.end())
    throw retort::sdk::error(retort::sdk::error_kind::plugin,
                             k.opts.file.path.string() + ": the dialect '" + k.dialect->name() +
                                 "' does not list the scheme '" + k.opts.file.scheme + "' among its schemes()");
  std::string plugin_file = "?";
  for (const auto& r : k.host->scan())
    if (r.status == retort::plugin_report::state::loaded &&
        std::find(r.schemes.begin(), r.schemes.end(), k.opts.file.scheme) != r.schemes.end())
      plugin_file = r.file.string() + " (" + r.name + " " + r.version + ")";
  {
    kit::database probe(probe_dir.path());
    k.server_version = probe.conn().server_version();
  }
  std::cout << "retort-kit: dialect " << k.dialect->name() << ", server " << k.server_version << "\n"
            << "  plugin: " << plugin_file << "\n"
            << "  retort: " << k.opts.retort.string() << "\n"
            << "  caps(): transactional_ddl " << yes(k.caps.transactional_ddl) << ", advisory_lock "
            << yes(k.caps.advisory_lock) << ", alter_column " << yes(k.caps.alter_column) << ", schemas "
            << yes(k.caps.schemas) << ", max_identifier_length "
            << k.caps.max_identifier_length << "\n"
            << std::flush;
  if (k.server_version.empty())
    throw retort::sdk::error(retort::sdk::error_kind::plugin,
                             "the dialect '" + k.dialect->name() +
                                 "' reports an empty server_version(); it should say what it talks to (\"3.40.1\", \"15.4\")");
}

}  // namespace

int main(int argc, char** argv) {
  kit::options opts;
  std::optional<fs::path> file;
  std::vector<char*> gtest_args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--retort" && i + 1 < argc) {
      opts.retort = argv[++i];
    } else if (a == "--plugin-path" && i + 1 < argc) {
      opts.plugin_paths.emplace_back(argv[++i]);
    } else if (a == "--all-operations") {
      opts.all_operations = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << usage;
      return 0;
    } else if (a.rfind("-", 0) == 0 || file) {
      gtest_args.push_back(argv[i]);
    } else {
      file = a;
    }
  }
  if (!file) {
    std::cerr << usage;
    return 2;
  }
  try {
    opts.file = kit::read_kit_file(*file);
    if (opts.retort.empty()) opts.retort = boost::dll::program_location().parent_path() / "retort";
    opts.retort = fs::absolute(opts.retort);
    if (::access(opts.retort.c_str(), X_OK) != 0)
      throw retort::sdk::error(retort::sdk::error_kind::usage,
                               "no retort binary at " + opts.retort.string() + "; name it with --retort PATH");
    set_up(std::move(opts));
  } catch (const std::exception& e) {
    std::cerr << "retort-kit: " << e.what() << "\n";
    return 2;
  }
  int n = static_cast<int>(gtest_args.size());
  gtest_args.push_back(nullptr);
  ::testing::InitGoogleTest(&n, gtest_args.data());
  return RUN_ALL_TESTS();
}
