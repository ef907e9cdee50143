// migration.hpp — migration files (TOML ops or SQL), read without executing anything.
#pragma once

#include "operations.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace retort {

enum class file_format { toml, sql };

/// What the revision graph needs of a file: read fast, from the file's header only.
struct migration {
  std::string id;
  std::vector<std::string> parents;  ///< down_revision: none for a root, several for a merge
  std::vector<std::string> depends_on;
  std::vector<std::string> branch_labels;
  std::string message;
  bool transactional = true;
  std::optional<std::chrono::milliseconds> lock_timeout;       ///< overrides retort.toml's, for this migration
  std::optional<std::chrono::milliseconds> statement_timeout;  ///< likewise
  std::filesystem::path path;
  file_format format = file_format::toml;
};

/// The operations of one migration, read when a plan needs them.
struct migration_body {
  std::vector<std::unique_ptr<sdk::operation>> upgrade;
  std::vector<std::unique_ptr<sdk::operation>> downgrade;
  bool has_downgrade = false;  ///< a [[downgrade]] section or `-- retort:downgrade` was written
};

/// "500ms", "1.5s", "2m" (or "2min"), "1h"; a bare number counts in units of `bare` (milliseconds in
/// files, seconds on the command line). From 0 to 7 days; for anything else nothing, and the reason,
/// which quotes the text, in `why`.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string* why = nullptr,
                                                       std::chrono::milliseconds bare = std::chrono::milliseconds(1));
/// A duration field of a TOML table (a string as above, or an integer of milliseconds); errors name
/// file:line:field.
std::optional<std::chrono::milliseconds> duration_field(const sdk::fields& f, std::string_view key);

/// Letters, digits, `_` and `-`, at most 64 characters, not starting with `-` and not a word the
/// target grammar reserves (head, heads, base, current, in any case); the same for branch labels.
/// Empty when `id` is fine, else what is wrong with it.
std::string revision_id_problem(std::string_view id);
bool valid_revision_id(std::string_view id);

/// Reads the header of a `.toml` or `.sql` migration; errors name file:line:field.
migration read_migration_header(const std::filesystem::path& path);

/// Reads the operations of a migration; op names are looked up in `catalog`.
migration_body read_migration_body(const migration& m, const op_catalog& catalog);

/// The same two from a file's text already read (`path` names it in errors and says its format).
migration parse_migration_header(std::string_view text, const std::filesystem::path& path);
migration_body parse_migration_body(const migration& m, std::string_view text, const op_catalog& catalog);

/// Every `.toml` and `.sql` file in `versions_dir`, in file-name order (creation order).
std::vector<migration> read_migrations(const std::filesystem::path& versions_dir);

/// The text of a new migration file: its header, then `body` (its operations) or, when that is
/// empty, an example to edit.
std::string render_new_migration(const migration& m, const std::string& create_date, const std::string& body = "");

/// Text as a TOML basic string, and a list of them.
std::string toml_string(std::string_view s);
std::string toml_list(const std::vector<std::string>& v);

}  // namespace retort
