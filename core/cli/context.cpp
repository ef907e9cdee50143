// context.cpp — the command context: global options and the project, loaded on first use.
#include "cli.hpp"
#include "terminal.hpp"

#include "migration.hpp"
#include "redact.hpp"
#include "runner.hpp"
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <iterator>

namespace retort::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

context::context(global_options g, std::vector<std::string> a, std::ostream& o, std::ostream& e)
    : global(std::move(g)), args(std::move(a)), out(o), err(e) {}

context::~context() = default;

po::variables_map context::parse(const po::options_description& own, const po::positional_options_description& pos) {
  po::options_description all;
  po::options_description globals("Global options");
  globals.add_options()
      ("config,c", po::value<std::string>(), "the project file (default: ./retort.toml)")
      ("url", po::value<std::string>(), "database URL (else DATABASE_URL, else default_url)")
      ("plugin-path", po::value<std::vector<std::string>>(), "a directory to search for plugins first (repeatable)")
      ("verbose,v", po::bool_switch(), "say more")
      ("quiet,q", po::bool_switch(), "say less")
      ("json", po::bool_switch(), "machine-readable output")
      ("no-color", po::bool_switch(), "no colour on a terminal (as NO_COLOR does)")
      ("lock-timeout", po::value<std::string>(),
       "how long to wait for another runner's lock (and on SQLite for any lock): 500ms, 30s, 2m; a bare number "
       "is seconds (default 60s)")
      ("help,h", "this help");
  all.add(own).add(globals);
  // `-1` is a relative target, not an option: such words go after `--`, where only positionals are
  // (and so does whatever the user put after a `--` of their own).
  // An option's own value stays with it: `--lock-timeout -5` is a bad duration, not a target.
  std::vector<std::string> words, relative;
  bool after_dashes = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--" && !after_dashes) {
      after_dashes = true;
      continue;
    }
    const bool value = i > 0 && !after_dashes && args[i - 1] == "--lock-timeout";
    bool negative = a.size() > 1 && a[0] == '-' && std::all_of(a.begin() + 1, a.end(), [](unsigned char c) { return std::isdigit(c); });
    ((negative && !value) || after_dashes ? relative : words).push_back(a);
  }
  if (!relative.empty()) {
    words.push_back("--");
    words.insert(words.end(), relative.begin(), relative.end());
  }
  po::variables_map vm;
  po::store(po::command_line_parser(words).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {  // before notify(), which would complain about required options
    out << all << "\n";
    throw help_shown{};
  }
  po::notify(vm);
  if (vm.count("config")) global.config_file = vm["config"].as<std::string>();
  if (vm.count("url")) global.url = vm["url"].as<std::string>();
  if (vm.count("plugin-path"))
    for (const auto& p : vm["plugin-path"].as<std::vector<std::string>>()) global.plugin_paths.push_back(p);
  if (vm["verbose"].as<bool>()) global.verbosity = 1;
  if (vm["quiet"].as<bool>()) global.verbosity = -1;
  if (vm["json"].as<bool>()) global.json = true;
  if (vm.count("lock-timeout")) {
    const std::string text = vm["lock-timeout"].as<std::string>();
    std::string why;
    auto d = parse_duration(text, &why, std::chrono::seconds(1));
    if (!d) throw sdk::error(sdk::error_kind::usage, "--lock-timeout: " + why);
    global.lock_timeout = *d;
  }
  return vm;
}

project& context::api() {
  if (!project_ptr_)
    project_ptr_ = std::make_unique<project>(std::make_unique<project::impl>(
        global.config_file ? fs::path(*global.config_file) : fs::path("retort.toml"), global.config_file.has_value(),
        open_options{global.url, global.plugin_paths, global.lock_timeout}));
  return *project_ptr_;
}

project::impl& context::parts() { return api().internals(); }
const config& context::cfg() { return parts().cfg(); }
plugin_host& context::plugins() { return parts().plugins(); }
const revision_graph& context::graph() { return parts().graph(); }
const sdk::url& context::url() { return parts().url(); }
const sdk::dialect& context::dialect() { return parts().dialect(); }
sdk::connection& context::connection() { return parts().connection(); }
const version_store& context::store() { return parts().store(); }
const version_store& context::offline_store() { return parts().offline_store(); }
std::string context::schema() { return parts().schema(); }

std::vector<rev> context::db_heads() { return read_version_rows(graph(), store(), connection()).heads; }

void context::note(const std::string& line) {
  if (global.verbosity >= 0) err << printable(redact(line)) << "\n";
}

void context::warn(const std::string& line) { err << prefix(paint::warning, global.colour) << printable(redact(line)) << "\n"; }

const std::vector<command>& commands() {
  static const std::vector<command> all = {
      {"init", "start a project: retort.toml, DIR/versions/, DIR/schema.toml", cmd_init},
      {"revision", "write a new migration file", cmd_revision},
      {"merge", "write a merge revision joining heads", cmd_merge},
      {"upgrade", "apply migrations up to a target (default head)", cmd_upgrade},
      {"downgrade", "revert migrations down to a target", cmd_downgrade},
      {"plan", "what upgrade (or downgrade) would run, to review; -o FILE writes it for apply", cmd_plan},
      {"apply", "run exactly a reviewed plan, refused if the database or the files moved on", cmd_apply},
      {"current", "the revisions the database is at", cmd_current},
      {"history", "the revisions, newest first", cmd_history},
      {"heads", "the revisions nothing follows yet", cmd_heads},
      {"branches", "the revisions where the graph forks", cmd_branches},
      {"show", "one revision in full", cmd_show},
      {"stamp", "set the version table without running migrations", cmd_stamp},
      {"revert-partial", "undo what took effect of a migration a failed or killed run left partial", cmd_revert_partial},
      {"validate", "checksums of applied migrations and graph integrity; exit 3 on a finding", cmd_validate},
      {"check", "the database (or --offline, the migrations) against the schema model; exit 3 on a difference", cmd_check},
      {"doctor", "the database's state, and the safe next command for each thing wrong; exit 3 if so", cmd_doctor},
      {"test", "each pending migration up, down and up again on a throw-away database; exit 3 if one does not come down", cmd_test},
      {"import", "an Alembic project's revisions as retort migrations, same ids and graph: import alembic DIR", cmd_import},
      {"graph", "the revision graph as Graphviz dot or Mermaid", cmd_graph},
      {"plugins", "the plugin search path, and what was found, loaded and refused", cmd_plugins},
      {"__complete", "for the shell completion scripts: the commands, or the project's targets", cmd_complete},
  };
  return all;
}

std::string describe_rev(const revision_graph& g, rev r) {
  std::string out = g.at(r).id;
  if (!g.at(r).branch_labels.empty())
    fmt::format_to(std::back_inserter(out), " ({})", fmt::join(g.at(r).branch_labels, ", "));
  if (g.children(r).empty()) out += " (head)";
  if (g.children(r).size() > 1) out += " (branchpoint)";
  if (g.parents(r).size() > 1) out += " (mergepoint)";
  return out;
}

}  // namespace retort::cli
