// config.hpp — the project file, retort.toml, and where the database URL comes from.
#pragma once

#include <retort/sdk/url.hpp>
#include <retort/sdk/value.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort {

enum class transaction_mode { per_migration, all };

struct config {
  std::filesystem::path file;             ///< the retort.toml read, absolute
  std::filesystem::path script_location;  ///< holds versions/ and schema.toml, absolute
  std::string version_table = "retort_version";
  std::string history_table = "retort_history";
  std::optional<std::string> default_url;
  std::filesystem::path model;
  /// The tables `check` and autogenerate compare, as shell patterns (`fnmatch`): those `include_tables`
  /// matches (all when it is empty) and `exclude_tables` does not.
  std::vector<std::string> include_tables, exclude_tables;
  std::vector<std::string> plugins;
  /// `[plugin.NAME]` tables by plugin name, as written (a plugin reads its own through the SDK).
  std::map<std::string, sdk::value, std::less<>> plugin_settings;
  std::vector<std::filesystem::path> plugin_paths;  ///< absolute, in order
  transaction_mode mode = transaction_mode::per_migration;
  /// Guards for every migration (a migration's own header overrides them): how long a statement may
  /// wait for a table lock, and how long it may run. None: the server's defaults.
  std::optional<std::chrono::milliseconds> lock_timeout, statement_timeout;
  /// The schema the version and history tables live in and migrations run in (PostgreSQL).
  std::optional<std::string> schema;

  std::filesystem::path versions_dir() const { return script_location / "versions"; }
  /// Whether `check` and autogenerate look at `table`.
  bool compares(const std::string& table) const;
};

/// A plugin's own name as `plugins` lists it: "hooks-audit-log" (kind named too) and "audit-log" are
/// both "audit-log", the name its manifest declares and its [plugin.NAME] table uses.
std::string plugin_name(std::string_view listed);

/// Reads `path`; errors name file:line:field. Relative paths in it are relative to the file.
config load_config(const std::filesystem::path& path);
/// The same from the file's text already read.
config parse_config(std::string_view text, const std::filesystem::path& path);

/// The URL to use: `--url`, else `DATABASE_URL`, else `default_url`. Throws (kind `usage`) when none
/// is set. `default_url` may not carry a password.
sdk::url choose_url(const std::optional<std::string>& flag, const config* cfg);

/// Writes retort.toml (in `project_dir`), `script_dir/versions/` and `script_dir/schema.toml`;
/// refuses to overwrite an existing retort.toml.
void init_project(const std::filesystem::path& project_dir, const std::filesystem::path& script_dir);

}  // namespace retort
