// alembic_import.hpp — an Alembic project's revision files read as text, never executed, and written
// as retort migrations with the same ids, parents, branch labels and dependencies; the common op.*
// calls become retort operations, anything else a placeholder that refuses to run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace retort {

struct imported_revision {
  std::filesystem::path source;  ///< the Alembic file
  std::string file_name;         ///< the retort file to write (the Alembic file's stem, .toml)
  std::string revision;
  std::string text;              ///< the retort migration
  std::size_t operations = 0;    ///< translated, upgrade and downgrade
  /// What could not be translated, one line each ("file.py:12: op.bulk_insert(…): why"), each also a
  /// placeholder in `text` that refuses to run.
  std::vector<std::string> untranslated;
};

/// Every `*.py` revision file in `versions_dir`, in file-name order; a file that is not one (no
/// `revision = …`) is an `input` error naming file:line, and so is a `depends_on` no revision or
/// label answers to.
std::vector<imported_revision> import_alembic(const std::filesystem::path& versions_dir);

/// One revision file from its text (`path` names it in errors), its depends_on kept as written.
imported_revision import_alembic_text(const std::string& text, const std::filesystem::path& path);

}  // namespace retort
