// config.cpp — the project file, retort.toml, and where the database URL comes from.
#include "config.hpp"

#include "migration.hpp"
#include "toml_value.hpp"
#include "url.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

namespace retort {
namespace fs = std::filesystem;
namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

std::string identifier_field(const sdk::fields& f, std::string_view key, std::string fallback) {
  auto v = f.optional_string(key);
  if (!v) return fallback;
  if (!is_identifier(*v)) f.fail(*f.find(key), key, fmt::format("'{}' is not a table name (letters, digits and _)", *v));
  return *v;
}

}  // namespace

std::string plugin_name(std::string_view listed) {
  for (std::string_view kind : {"ops-", "hooks-", "dialect-"})
    if (listed.size() > kind.size() && listed.substr(0, kind.size()) == kind) return std::string(listed.substr(kind.size()));
  return std::string(listed);
}

config load_config(const fs::path& path) { return parse_config(read_file(path), path); }

bool config::compares(const std::string& table) const {
  auto matches = [&](const std::string& pattern) { return fnmatch(pattern.c_str(), table.c_str(), 0) == 0; };
  return (include_tables.empty() || std::any_of(include_tables.begin(), include_tables.end(), matches)) &&
         std::none_of(exclude_tables.begin(), exclude_tables.end(), matches);
}

config parse_config(std::string_view text, const fs::path& path) {
  config cfg;
  cfg.file = fs::absolute(path).lexically_normal();
  const std::string file = path.string();
  sdk::value root = parse_toml(text, file);
  sdk::fields f(root, "configuration");
  f.only({"script_location", "version_table", "history_table", "default_url", "model", "include_tables",
          "exclude_tables", "plugins", "plugin_paths", "transaction_mode", "lock_timeout", "statement_timeout", "schema", "plugin"});
  const fs::path base = cfg.file.parent_path();
  cfg.script_location = (base / f.optional_string("script_location").value_or("migrations")).lexically_normal();
  cfg.version_table = identifier_field(f, "version_table", cfg.version_table);
  cfg.history_table = identifier_field(f, "history_table", cfg.history_table);
  if (cfg.version_table == cfg.history_table) {
    // Named on whichever of the two the file sets: one of them may be the default.
    const char* key = f.find("history_table") ? "history_table" : "version_table";
    f.fail(*f.find(key), key, std::string(key) + " names the same table as " +
                                  (key == std::string("history_table") ? "version_table" : "history_table"));
  }
  cfg.default_url = f.optional_string("default_url");
  if (cfg.default_url) {
    sdk::url u;
    try {
      u = parse_url(*cfg.default_url);
    } catch (const sdk::error& e) {
      f.fail(*f.find("default_url"), "default_url", e.what());
    }
    if (u.password || std::any_of(u.query.begin(), u.query.end(), [](const auto& kv) { return sdk::url::secret_param(kv.first); }))
      f.fail(*f.find("default_url"), "default_url",
             fmt::format("holds a password ({}); credentials belong in the environment: export DATABASE_URL instead",
                         u.redacted()));
  }
  auto model = f.optional_string("model");
  cfg.model = model ? (base / *model).lexically_normal() : cfg.script_location / "schema.toml";
  cfg.include_tables = f.strings("include_tables");
  cfg.exclude_tables = f.strings("exclude_tables");
  for (const char* key : {"include_tables", "exclude_tables"})
    for (const auto& p : f.strings(key))
      if (p.empty()) f.fail(*f.find(key), key, "holds an empty pattern");
  cfg.plugins = f.strings("plugins");
  // Settings go by the plugin's own name: "hooks-audit-log" and "audit-log" are both audit-log.
  std::vector<std::string> names;
  for (const auto& p : cfg.plugins) names.push_back(plugin_name(p));
  if (const sdk::value* tables = f.find("plugin")) {
    // [plugin.NAME] for each plugin that has settings; a table for a plugin not loaded is a typo.
    if (!tables->table())
      f.fail(*tables, "plugin", fmt::format("expected tables [plugin.NAME], found {}", tables->kind_name()));
    for (const auto& [name, settings] : *tables->table()) {
      const std::string key = "plugin." + name;
      if (!settings.table())
        f.fail(settings, key, fmt::format("expected a table of the plugin's settings, found {}", settings.kind_name()));
      if (std::find(names.begin(), names.end(), name) == names.end())
        f.fail(settings, key,
               plugin_name(name) != name
                   ? fmt::format("names the plugin with its kind; its settings go in [plugin.{}]", plugin_name(name))
                   : fmt::format("configures plugin '{}', which `plugins` does not list{}; add it there to load it", name,
                                 sdk::did_you_mean(name, names)));
      cfg.plugin_settings.emplace(name, settings);
    }
  }
  // A listed plugin without a table gets an empty one placed at `plugins`, so what it finds missing
  // is reported with a line.
  if (const sdk::value* listed = f.find("plugins"))
    for (const auto& n : names) cfg.plugin_settings.try_emplace(n, sdk::value_table{}, listed->where());
  for (const auto& p : f.strings("plugin_paths")) cfg.plugin_paths.push_back((base / p).lexically_normal());
  cfg.lock_timeout = duration_field(f, "lock_timeout");
  cfg.statement_timeout = duration_field(f, "statement_timeout");
  if (auto schema = f.optional_string("schema")) {
    if (!is_identifier(*schema)) f.fail(*f.find("schema"), "schema", fmt::format("'{}' is not a schema name", *schema));
    cfg.schema = schema;
  }
  if (auto mode = f.optional_string("transaction_mode")) {
    if (*mode == "per-migration") cfg.mode = transaction_mode::per_migration;
    else if (*mode == "all") cfg.mode = transaction_mode::all;
    else
      f.fail(*f.find("transaction_mode"), "transaction_mode",
             fmt::format("'{}' is not one of: per-migration, all", *mode));
  }
  return cfg;
}

sdk::url choose_url(const std::optional<std::string>& flag, const config* cfg) {
  if (flag) return parse_url(*flag);
  if (const char* env = std::getenv("DATABASE_URL"); env && *env) {
    try {
      return parse_url(env);
    } catch (const sdk::error& e) {
      throw sdk::error(sdk::error_kind::input, std::string("DATABASE_URL: ") + e.what());
    }
  }
  if (cfg && cfg->default_url) return parse_url(*cfg->default_url);
  throw sdk::error(sdk::error_kind::usage,
                   "no database URL: pass --url, set DATABASE_URL, or set default_url in retort.toml");
}

void init_project(const fs::path& project_dir, const fs::path& script_dir) {
  const fs::path toml = project_dir / "retort.toml";
  if (fs::exists(toml))
    throw sdk::error(sdk::error_kind::usage, toml.string() + " already exists; retort init does not overwrite it");
  for (const auto& p : {script_dir, script_dir / "versions"})
    if (fs::exists(p) && !fs::is_directory(p))
      throw sdk::error(sdk::error_kind::usage, p.string() + " exists and is not a directory; name another directory for retort init");
  const fs::path versions = script_dir / "versions";
  if (fs::exists(versions) && !fs::is_empty(versions))
    throw sdk::error(sdk::error_kind::usage, versions.string() + " already holds files; retort init does not touch them");
  fs::create_directories(versions);
  const fs::path rel = fs::relative(script_dir, project_dir);
  std::ofstream(toml) << "# retort project file; docs/file-formats.md in the retort sources describes every key\n"
                         "script_location = \"" << rel.generic_string() << "\"   # versions/ and schema.toml live here\n"
                         "version_table   = \"retort_version\"\n"
                         "history_table   = \"retort_history\"\n"
                         "# SQLite is the embedded default; DATABASE_URL or --url override it. Never put a\n"
                         "# password here: credentials belong in the environment.\n"
                         "default_url     = \"sqlite:///./app.db\"\n"
                         "plugins         = []                  # extra op/hook plugins to load, by name\n"
                         "transaction_mode = \"per-migration\"    # or \"all\": the whole plan in one transaction\n";
  const fs::path model = script_dir / "schema.toml";
  if (!fs::exists(model))
    std::ofstream(model) << "# The schema model: what the database should look like, in the vocabulary of\n"
                            "# create_table ([[table]] entries; see docs/file-formats.md).\n";
}

}  // namespace retort
