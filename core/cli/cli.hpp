// cli.hpp — what every command gets: the global options and the project, loaded on first use.
#pragma once

#include "config.hpp"
#include "project_impl.hpp"
#include "graph.hpp"
#include "loader/plugin_host.hpp"
#include "planner.hpp"
#include "runner.hpp"
#include "state.hpp"
#include "text.hpp"

#include <retort/sdk/connection.hpp>
#include <retort/sdk/dialect.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <retort/sdk/json.hpp>

#include <string>
#include <vector>

namespace boost::program_options {
class options_description;
class positional_options_description;
class variables_map;
}  // namespace boost::program_options

namespace retort::cli {

struct global_options {
  std::optional<std::string> config_file;
  std::optional<std::string> url;
  std::vector<std::string> plugin_paths;
  int verbosity = 0;  ///< -v: 1, -q: -1
  bool json = false;
  bool colour = false;  ///< errors and warnings in colour: a terminal, no --no-color, no NO_COLOR
  /// --lock-timeout: how long to wait for another runner's lock, and on SQLite for any lock.
  std::chrono::milliseconds lock_timeout{60000};
};

/// The project, loaded lazily: `retort init` needs none of it, `retort heads` no database.
class context {
 public:
  context(global_options g, std::vector<std::string> args, std::ostream& out, std::ostream& err);
  ~context();

  global_options global;
  std::vector<std::string> args;  ///< the command's own arguments
  std::ostream& out;
  std::ostream& err;

  /// Parses `args` against the command's options plus the global ones (accepted after the
  /// command too); unknown options and extra arguments are `usage` errors.
  boost::program_options::variables_map parse(const boost::program_options::options_description& own,
                                              const boost::program_options::positional_options_description& pos);

  /// The project the global options name, made on first use; the API's own.
  project& api();
  /// Its parts, each loaded on first use (project_impl.hpp says what each is).
  project::impl& parts();
  const config& cfg();
  plugin_host& plugins();
  const revision_graph& graph();
  const sdk::url& url();
  const sdk::dialect& dialect();
  sdk::connection& connection();
  const version_store& store();
  const version_store& offline_store();
  std::string schema();
  /// The heads the database's version table implies, as revisions of the graph.
  std::vector<rev> db_heads();

  /// Writes an informational line to stderr unless -q.
  void note(const std::string& line);
  /// Writes `retort: warning: LINE` to stderr (in colour on a terminal), password redacted.
  void warn(const std::string& line);

 private:
  std::unique_ptr<project> project_ptr_;
};

/// Thrown by context::parse after printing a command's --help.
struct help_shown {};

using command_fn = int (*)(context&);
struct command {
  const char* name;
  const char* summary;
  command_fn run;
};
/// Every command, in the order `retort --help` lists them.
const std::vector<command>& commands();

// The commands, one file each in commands/.
int cmd_init(context&);
int cmd_revision(context&);
int cmd_merge(context&);
int cmd_upgrade(context&);
int cmd_downgrade(context&);
int cmd_current(context&);
int cmd_history(context&);
int cmd_heads(context&);
int cmd_branches(context&);
int cmd_show(context&);
int cmd_stamp(context&);
int cmd_revert_partial(context&);
int cmd_check(context&);
int cmd_doctor(context&);
int cmd_test(context&);
int cmd_plugins(context&);
int cmd_validate(context&);
int cmd_graph(context&);
int cmd_plan(context&);
int cmd_complete(context&);
int cmd_import(context&);
int cmd_apply(context&);

/// upgrade and downgrade: plan, then run it, print it (--sql) or show it (--dry-run).
int migrate(context& ctx, direction dir);
/// A note for each migration an earlier run left partial: what it took, then what this command does
/// about it (`then`).
void note_partials(context& ctx, const std::string& then, const std::string& prefix = "");
/// Runs `run` (the API's upgrade, downgrade or apply) with progress on a terminal (or with -v), and
/// says what it did: warnings, the --json result and the closing line.
void report_run(context& ctx, const std::function<run_result(const run_settings&)>& run, run_settings how,
                direction dir);
/// What a run did, as JSON: {"steps": [{"revision", "direction", "duration_ms"}…], "heads": […]}.
std::string run_json(const run_result& r);

// Output helpers.
using sdk::json_string;  // text as a JSON string (retort/sdk/json.hpp)
/// `id (head)`, with the markers a listing shows.
std::string describe_rev(const revision_graph& g, rev r);

}  // namespace retort::cli
