// kit.hpp — what every test of the dialect kit shares: the dialect as its plugin declares itself, a
// fresh database per test, a project directory the real retort binary runs in, and the ways a test
// looks at the database — only ever through the dialect's own sdk::connection.
#pragma once

#include "kit_file.hpp"
#include "process.hpp"

#include "loader/plugin_host.hpp"

#include <retort/sdk/connection.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/schema.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace retort::kit {

namespace fs = std::filesystem;

/// The command line, read by main().
struct options {
  kit_file file;
  fs::path retort;                        ///< the binary the tests run
  std::vector<std::string> plugin_paths;  ///< --plugin-path, for the kit's loader and for retort
  /// Fail, rather than skip, an alteration the dialect could not do: for dialects that declare no
  /// in-place ALTER but rebuild tables (the in-tree SQLite), where a skip would hide a regression.
  bool all_operations = false;
};

/// The dialect under test, loaded once by main() through the core's plugin_host.
struct context {
  options opts;
  std::unique_ptr<plugin_host> host;
  const sdk::dialect* dialect = nullptr;
  sdk::capabilities caps;
  std::string server_version;
};

context& kit();

/// A directory removed with everything in it when it goes out of scope.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// A fresh, empty database, made as the kit file says ({dir}, {name}, admin_url's create
/// statements) and dropped again at the end of its scope.
class database {
 public:
  explicit database(const fs::path& dir);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  const std::string& url() const { return url_; }
  /// The kit's session on it, opened on first use.
  sdk::connection& conn();
  /// Another session of its own (a second client, a lock holder).
  std::unique_ptr<sdk::connection> connect() const;
  /// Closes the kit's session (a server may refuse to drop a database someone is connected to).
  void close() { conn_.reset(); }

 private:
  void on_admin(const std::vector<std::string>& statements, bool ignore_errors) const;

  std::string name_, url_;
  std::unique_ptr<sdk::connection> conn_;
};

/// A project as a user has one: retort.toml, migrations/versions/, and a fresh database.
class project {
 public:
  project();

  /// Writes migrations/versions/<file>.toml.
  void migration(const std::string& file, const std::string& toml) const;
  /// Runs retort with --url (and --plugin-path) and `args`, in the project directory.
  result retort(const std::vector<std::string>& args) const;
  /// Starts retort without waiting for it.
  std::unique_ptr<process> start(const std::vector<std::string>& args) const;

  database& db() { return db_; }
  sdk::connection& conn() { return db_.conn(); }
  const fs::path& dir() const { return dir_.path(); }

  /// The version table's rows, sorted.
  std::vector<std::string> versions();
  /// Every table the dialect's introspect() reports (retort's own included), sorted.
  std::vector<std::string> tables();
  /// The first column of a query's rows ("NULL" for null).
  std::vector<std::string> column(const std::string& sql, const std::vector<sdk::param>& params = {});
  /// Runs a statement that must be refused: the error it threw, or nothing (with a test failure)
  /// when it ran. Any exception other than sdk::error of kind `database` is a failure too.
  std::optional<sdk::error> refused(const std::string& sql);
  /// Runs a statement that must succeed; false (with a test failure naming the error) otherwise.
  bool runs(const std::string& sql);

 private:
  std::vector<std::string> global_args() const;

  temp_dir dir_;
  database db_;
};

/// The user tables of a schema as text, one line per fact the kit compares: columns (name,
/// nullability), primary key, indexes, and unique, check and foreign-key constraints. Names the
/// migrations gave are shown; a name the database made up for an unnamed constraint is `*`, so
/// dialects that name them differently (or not at all) compare alike. retort's own tables are left out.
std::string describe(const sdk::schema& s, const std::set<std::string>& declared_names);

/// What became of an upgrade that uses an alteration (alter_column, create_unique, …).
struct alteration_outcome {
  bool applied = false;
  std::optional<std::string> skip;  ///< why the rest of the test does not apply to this dialect
};

/// Runs `retort upgrade target`. It must apply when the dialect declares in-place ALTER
/// (caps().alter_column). When it does not, the dialect may rebuild the table (and then the
/// upgrade must apply too), or may not: then the upgrade must fail cleanly — exit 1 or 2, the
/// version table unmoved and, with transactional DDL, the schema unchanged — and the rest of the
/// test is skipped, unless --all-operations makes that a failure.
alteration_outcome upgrade_with_alteration(project& p, const std::string& target, const std::string& what);

/// `["a", "b"]`
std::string toml_list(const std::vector<std::string>& v);

}  // namespace retort::kit

/// For a test about one alteration: returns (skipping where the dialect cannot do it) unless the
/// upgrade to `target` applied.
#define RETORT_KIT_ALTERATION(p, target, what)                                                     \
  do {                                                                                              \
    const auto retort_kit_outcome_ = ::retort::kit::upgrade_with_alteration((p), (target), (what)); \
    if (retort_kit_outcome_.skip) GTEST_SKIP() << *retort_kit_outcome_.skip;                        \
    if (!retort_kit_outcome_.applied) return;                                                       \
  } while (false)
