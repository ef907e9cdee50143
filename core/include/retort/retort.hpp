// retort.hpp — retort as a library: open a project (a directory with its retort.toml, or settings
// built in code) and run its migrations from an application, at start-up or from a tool of its own.
// What the command line does, with the same errors and exit codes; the `retort` binary is a client
// of this API. Link `retort::retort` (find_package(retort)).
//
//   retort::project p = retort::project::open("/srv/app");   // /srv/app/retort.toml
//   retort::run_settings s;
//   s.progress = [](const retort::progress_event& e) { if (e.finished) log(e.revision); };
//   p.upgrade("head", s);                                      // throws retort::error
#pragma once

#include <retort/sdk/error.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#define RETORT_API __attribute__((visibility("default")))

namespace retort {

/// Every error retort throws is a `retort::error` (`sdk::error`): its kind() says what the caller
/// does next, and decides the exit code the command line would give.
using sdk::error;
using sdk::error_kind;
/// 1 for a database or lock error, 2 for the rest (usage, input, plugin), as the command line exits.
RETORT_API int exit_code(error_kind kind) noexcept;

enum class direction { up, down };
inline const char* to_string(direction d) { return d == direction::up ? "up" : "down"; }

/// Where a run is: sent as each migration starts, and as it ends.
struct progress_event {
  std::size_t index = 0;  ///< of the plan's steps, from 0
  std::size_t count = 0;
  std::string revision, message;
  direction dir = direction::up;
  bool finished = false;         ///< false: it starts
  std::int64_t duration_ms = 0;  ///< once finished
};

/// One migration that ran.
struct step_report {
  std::string revision;
  direction dir = direction::up;
  std::int64_t duration_ms = 0;
};

struct run_result {
  std::size_t steps_run = 0;
  std::vector<step_report> steps;     ///< in the order they ran
  std::vector<std::string> heads;     ///< the version table at the end
  std::vector<std::string> warnings;  ///< hooks that failed on an event they cannot veto, and the like
};

/// A run that stopped at a migration: the error (kind `database`), where it happened, and what ran
/// before it, which stays applied.
struct RETORT_API run_failure : sdk::error {
  run_failure(const sdk::error& e, std::string id, direction d, std::size_t at, std::size_t of, std::string sql)
      : sdk::error(e), revision(std::move(id)), dir(d), statement(at), statements(of), statement_sql(std::move(sql)) {}
  std::string revision;
  direction dir;
  std::size_t statement;   ///< 1-based; statements + 1 when it failed recording the step
  std::size_t statements;
  std::string statement_sql;
  bool vetoed = false;  ///< a hook refused it
  run_result so_far;    ///< the migrations that ran (and stay applied) before it
};

/// How a run treats a migration an earlier run left partial (statements 1..k took effect).
enum class resume_mode {
  refuse,  ///< stop before anything runs, saying the ways on
  resume,  ///< go on from the first statement not done, asking the catalog about the one in doubt
  rerun,   ///< … running the statement in doubt again
  skip,    ///< … taking the statement in doubt as done
};

/// Session timeouts every migration gets unless its header says otherwise.
struct guards {
  std::optional<std::chrono::milliseconds> lock_timeout, statement_timeout;
};

/// One revision of the project, as `history` lists it.
struct revision_info {
  std::string id, message;
  std::vector<std::string> parents, depends_on, branch_labels;
  std::filesystem::path file;
  bool head = false;
};

// A reviewed plan: what `plan` made, to be run by `apply` only while it still holds. The same as
// the JSON file `retort plan -o` writes (docs/file-formats.md#plan-files).
struct planned_statement {
  std::string sql;
  bool transactional = true;
  std::string operation;    ///< the operation it renders; empty for a guard (a session timeout)
  std::string destructive;  ///< why it destroys data, or empty
};

struct planned_segment {
  bool transaction = true;  ///< false: one statement that commits on its own
  std::vector<planned_statement> statements;
};

struct planned_step {
  std::string revision;
  direction dir = direction::up;
  std::string message;
  std::string file;         ///< as the project names it
  std::string file_sha256;  ///< of the file's bytes when planned
  std::vector<std::string> heads_before, heads_after;
  bool journaled = false;   ///< segments that commit on their own, recorded in the journal
  std::vector<planned_segment> segments;
};

struct plan_file {
  static constexpr int format = 1;
  std::string retort_version;
  std::string created;  ///< UTC
  std::string dialect;
  std::string database;  ///< the URL, password redacted
  std::string version_table;
  direction dir = direction::up;
  std::string target;
  bool atomic = false;
  guards defaults;                 ///< the project's timeouts, each migration's guards start from
  std::vector<std::string> rows;   ///< the version table's rows the plan starts from, sorted
  std::vector<std::string> heads_from;
  std::vector<std::string> to;     ///< the revisions the target resolved to
  bool revert = false;             ///< … which are reverted (HEAD@-N), not gone to
  std::vector<planned_step> steps;
  std::string source;              ///< the file it was read from, to name in errors (not written)
};

/// The plan as the JSON `retort plan -o` writes, and read back from it; errors name `source`:line:field.
RETORT_API std::string plan_json(const plan_file& p);
RETORT_API plan_file read_plan(std::string_view text, const std::string& source);

/// What retort.toml says, for a project configured in code (docs/file-formats.md#retorttoml).
struct settings {
  std::filesystem::path script_location = "migrations";  ///< holds versions/; relative to the working directory
  std::string version_table = "retort_version";
  std::string history_table = "retort_history";
  std::optional<std::string> default_url;  ///< without a password: that comes from the environment or open_options::url
  std::vector<std::string> plugins;        ///< op and hook plugins to load, by name
  bool atomic = false;                     ///< transaction_mode = "all"
  guards timeouts;
  std::optional<std::string> schema;
  std::filesystem::path model;  ///< the schema model, for check; empty: script_location/schema.toml
};

/// Where the database is and where plugins are, beside the project's files.
struct open_options {
  std::optional<std::string> url;          ///< else DATABASE_URL, else the project's default_url
  std::vector<std::string> plugin_paths;   ///< searched first, before RETORT_PLUGIN_PATH
  std::chrono::milliseconds lock_timeout{60000};  ///< how long to wait for another runner's lock
};

/// How one run goes, as upgrade's options say.
struct run_settings {
  bool atomic = false;             ///< the whole plan in one transaction (also settings::atomic)
  bool allow_destructive = false;  ///< for policy hooks
  resume_mode resume = resume_mode::refuse;
  bool revert_on_failure = false;  ///< undo what took effect of a migration that fails part-way
  std::optional<std::filesystem::path> backup;  ///< SQLite: copy the database here before anything changes
  std::function<void(const progress_event&)> progress;
};

/// A project: its migrations, its database, its plugins. Nothing is read or connected until a
/// call needs it; one connection is kept for the project's life. Not for use from two threads at once.
class RETORT_API project {
 public:
  /// The project whose retort.toml is `path`, or `path/retort.toml` when `path` is a directory.
  static project open(const std::filesystem::path& path, open_options options = {});
  /// A project configured in code, checked as retort.toml would be.
  static project configure(const settings& s, open_options options = {});

  /// Applies migrations up to `target` (head, heads, an id or prefix, +N, label@head, …).
  run_result upgrade(const std::string& target = "head", const run_settings& how = {});
  /// Reverts migrations down to `target` (base, an id, -N, …).
  run_result downgrade(const std::string& target, const run_settings& how = {});
  /// The revisions the database is at; empty at base.
  std::vector<std::string> current();
  /// Every revision of the project, newest first.
  std::vector<revision_info> history();
  /// What upgrade (or downgrade) to `target` would run now, changing nothing.
  plan_file plan(const std::string& target = "head", direction dir = direction::up, bool atomic = false);
  /// Runs exactly `p`; refuses (kind `input`) before anything runs once the files, the version rows
  /// or a statement moved on since it was made.
  run_result apply(const plan_file& p, const run_settings& how = {});

  struct impl;
  explicit project(std::unique_ptr<impl> i);
  project(project&&) noexcept;
  project& operator=(project&&) noexcept;
  ~project();
  /// The project's parts, for retort's own command line.
  impl& internals() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace retort
