// project_impl.hpp — a project's parts, loaded on first use: the configuration, the plugins, the
// revision graph, the URL, the dialect, the connection and the version store. The API's project
// and the command line share them.
#pragma once

#include "config.hpp"
#include "graph.hpp"
#include "loader/plugin_host.hpp"
#include "runner.hpp"
#include "state.hpp"

#include <retort/retort.hpp>
#include <retort/sdk/connection.hpp>
#include <retort/sdk/dialect.hpp>

#include <memory>
#include <optional>

namespace retort {

struct project::impl {
  /// The project file, and whether it was named (-c, project::open) rather than looked for in the
  /// working directory: a missing file named is an error, one looked for is no project.
  impl(std::filesystem::path config_file, bool named, open_options o);
  /// A project configured in code.
  impl(config c, open_options o);
  ~impl();

  open_options options;

  const config& cfg();
  /// The project file if there is one (commands that can work from a URL alone).
  const config* maybe_cfg();
  plugin_host& plugins();
  const revision_graph& graph();
  const sdk::url& url();
  const sdk::dialect& dialect();
  sdk::connection& connection();
  /// The version and history tables, in the schema found on the database (connects).
  const version_store& store();
  /// The same without connecting: the schema is the configured one, if any (--sql).
  const version_store& offline_store();
  /// The schema retort's tables are configured to live in, or empty.
  std::string schema();

  /// What an upgrade (or downgrade) to `target` would run now, changing nothing: the version rows
  /// read, the steps rendered with the project's guards, and the revisions the target resolved to.
  struct rendered {
    version_rows db;
    std::vector<step> steps;
    std::vector<rev> to;
    bool revert = false;
  };
  rendered render(const std::string& target, direction dir);

 private:
  std::filesystem::path config_file_;
  bool named_ = false;
  std::optional<config> cfg_;
  std::unique_ptr<plugin_host> plugins_;
  std::unique_ptr<revision_graph> graph_;
  std::optional<sdk::url> url_;
  const sdk::dialect* dialect_ = nullptr;
  std::unique_ptr<sdk::connection> conn_;
  std::unique_ptr<version_store> store_, offline_store_;
};

}  // namespace retort
