// plugin_host.hpp — finds, checks and loads plugins; owns them until the process ends.
#pragma once

#include "../operations.hpp"

#include <retort/sdk/dialect.hpp>
#include <retort/sdk/hook.hpp>
#include <retort/sdk/url.hpp>
#include <retort/sdk/value.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace retort {

struct config;

/// What `retort plugins` shows for one file on the search path.
struct plugin_report {
  enum class state { loaded, refused, shadowed };
  std::filesystem::path file;
  state status = state::refused;
  std::string kind, name, version, reason;
  std::vector<std::string> schemes, operations, hooks;
};

/// The search path, in order: `--plugin-path` flags, RETORT_PLUGIN_PATH (colon-separated),
/// `plugin_paths` from retort.toml, then ../lib/retort/plugins beside the running binary.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& flags, const config* cfg);

/// Loads a plugin once and never unloads it: objects it handed out may point into its code.
/// Only what a command needs is loaded: the dialect its URL names and the plugins retort.toml lists.
class plugin_host final : public op_catalog {
 public:
  /// `settings`: each plugin's `[plugin.NAME]` table, handed to it by `registry::settings()`.
  explicit plugin_host(std::vector<std::filesystem::path> search_path,
                       std::map<std::string, sdk::value, std::less<>> settings = {});
  ~plugin_host() override;
  plugin_host(const plugin_host&) = delete;
  plugin_host& operator=(const plugin_host&) = delete;

  const std::vector<std::filesystem::path>& search_path() const noexcept;

  /// The dialect that claims the URL's scheme, loading its plugin if needed. An unknown scheme is
  /// an error listing the schemes the plugins on the search path claim.
  const sdk::dialect& dialect_for(const sdk::url& u);
  /// Loads op and hook plugins by name (`timescale` finds retort-ops-timescale.so or
  /// retort-hooks-timescale.so; `ops-timescale` names the kind too).
  void load_named(const std::vector<std::string>& names);
  /// Loads a plugin from an explicit file (tests, embedders); refusals throw.
  void load_file(const std::filesystem::path& file);
  /// Every plugin file on the search path, loaded or refused, with the reason.
  std::vector<plugin_report> scan();

  const sdk::operation_type* find_operation(std::string_view name) const override;
  const sdk::op_renderer* find_renderer(std::string_view op, std::string_view dialect) const override;
  const op_origin* origin(std::string_view op) const override;
  /// Hooks in load order, with the events each asked for.
  std::vector<std::pair<sdk::hook*, std::uint32_t>> hooks() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace retort
