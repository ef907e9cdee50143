// runner.hpp — runs a plan against a database, one transaction per migration (or one for all),
// and renders the same plan as an offline script.
#pragma once

#include "planner.hpp"
#include "recovery.hpp"
#include "state.hpp"

#include <retort/sdk/connection.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/hook.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort {

struct run_options {
  bool atomic = false;  ///< the whole plan in one transaction
  resume_mode resume = resume_mode::refuse;
  /// Undo the statements that took effect of a migration that fails part-way (in this run, or
  /// left partial by an earlier one), with the inverses of their operations.
  bool revert_on_failure = false;
  guards defaults;      ///< the project's lock and statement timeouts
  std::chrono::milliseconds lock_timeout{60000};
  /// For hooks: the database, password redacted, and whether destructive changes were allowed.
  std::string url;
  bool allow_destructive = false;
  /// Told as each migration starts and ends, or empty.
  std::function<void(const progress_event&)> progress;
  /// Called once, under the lock, before the run writes anything, when it will write (`--backup`).
  std::function<void()> before_changes;
  /// Called under the lock with the version rows and the rendered plan, each time the run plans
  /// (again when another runner moved the heads), before it writes anything of that plan: throws
  /// to refuse it (`apply`, when the plan reviewed is not this one).
  std::function<void(const std::vector<std::string>& rows, const std::vector<step>& plan)> approve;
};

/// The version table as read: its rows, and the heads they imply (a row for an ancestor of another
/// row adds nothing).
struct version_rows {
  std::vector<std::string> rows;  ///< sorted
  std::vector<rev> heads;         ///< a subset of the rows
  /// Rows for ancestors of other rows, which the next write removes.
  bool redundant() const { return heads.size() != rows.size(); }
};
version_rows read_version_rows(const revision_graph& g, const version_store& store, sdk::connection& conn,
                               bool known_to_exist = false);

/// Plans from the heads the database holds; called again when another runner moved them.
using plan_fn = std::function<std::vector<step>(const std::vector<rev>& current)>;

class runner {
 public:
  runner(const revision_graph& g, const sdk::dialect& d, sdk::connection& conn, const version_store& store,
         const op_catalog& catalog, std::vector<std::pair<sdk::hook*, std::uint32_t>> hooks);

  /// Takes the lock, reads the heads under it, plans, renders (refusing before anything runs if
  /// any step cannot be rendered or reversed) and runs. A failed migration is rolled back with its
  /// version-table update, recorded as `failed` in the history, and reported (kind `database`)
  /// with the revision, the statement and the database's message.
  run_result run(const plan_fn& make_plan, const run_options& opts);

  /// Undoes the statements that took effect of each migration an earlier run left partial, with the
  /// inverses of their operations (`revert-partial`), or, `by_hand`, records that the user undid
  /// them. Returns what it did, one line per migration; throws, undoing nothing of a migration, when
  /// a statement of it has no inverse.
  std::vector<std::string> revert_partials(const run_options& opts, bool by_hand = false);

  /// Sets the version table to `target` without running migrations (`stamp`).
  /// With `purge`, every row goes first, even ones the graph does not know.
  run_result stamp(const std::function<std::vector<rev>(const std::vector<rev>&)>& target_rows, bool purge,
                   const run_options& opts);

 private:
  version_rows read_rows();
  void ensure_tables(const run_options& opts);
  /// Where a resumed step starts, and what a killed statement left behind to clear first.
  struct resume_point {
    std::size_t start = 0;
    std::string checksum;  ///< of the statements before `start`
    std::string cleanup;
  };
  /// How the plan meets the migrations earlier runs left partial: refused, resumed (the returned
  /// points, by plan index) or reverted first, as `opts` says.
  std::map<std::size_t, resume_point> meet_partials(const std::vector<step>& plan, const run_options& opts);
  /// Undoes what the partial row `p` says took effect, the statement in doubt included where the
  /// catalog says (`doubt`, from in_doubt) it took effect.
  std::string revert(const step& s, const partial_row& p, std::optional<effect> doubt, const run_options& opts);
  /// Undoes statements 1..done of `s` and marks the journal row `reverted`: the line to report.
  std::string revert(const step& s, const std::string& journal_id, std::size_t done,
                     const std::optional<std::string>& cause, const run_options& opts);
  /// The journal row says `reverted`, keeping the `cause` it stopped for.
  void mark_reverted(const std::string& journal_id, std::size_t done, const std::optional<std::string>& cause,
                     const std::string& said, const run_options& opts);
  /// Runs one step's statements, version-table update and history row. Not journaled: in the
  /// transaction the caller opened, committed here unless `atomic`. Journaled: segment by segment
  /// (from `from` when resumed). `rows` are the version table's rows before the step, and after it
  /// once it succeeded. Returns how long it took in milliseconds; throws `run_failure` once the
  /// failure is rolled back and recorded.
  std::int64_t run_step(const step& s, std::size_t index, std::size_t count, const run_options& opts, bool journaled,
                        std::vector<std::string>& rows, const resume_point* from);
  /// Commits the open transaction; a failure there (SQLite's foreign-key check) names the revision.
  void commit_step(const step& s);
  /// A history row for a step that was not journaled, in a transaction of its own after the rollback.
  void record_failure(const step& s, const std::string& status, const std::string& message, const run_options& opts);
  void rollback_quietly() noexcept;
  /// Whether any hook asked for `what`: the context is built only then.
  bool wants(sdk::event what) const noexcept { return (hooks_mask_ & static_cast<std::uint32_t>(what)) != 0; }
  /// The context every event of this run shares.
  sdk::hook_context context(sdk::event what, const run_options& opts) const;
  /// Sends `ctx` to the hooks that asked for its event, in load order. A veto of a before_* event
  /// ("hook 'policy': reason") is returned; other events' errors become warnings.
  std::optional<std::string> emit(const sdk::hook_context& ctx);
  /// The failure event for `s`, and the error the run throws.
  run_failure fail(const step& s, sdk::hook_context& ctx, const sdk::error& e, std::int64_t ms, bool veto,
                   std::size_t at);
  /// Runs one statement of `s` between its hook events.
  void execute(const step& s, std::size_t i, sdk::hook_context& ctx);

  const revision_graph& g_;
  const sdk::dialect& d_;
  sdk::connection& conn_;
  const version_store& store_;
  const op_catalog& catalog_;
  std::vector<std::pair<sdk::hook*, std::uint32_t>> hooks_;
  std::uint32_t hooks_mask_ = 0;  ///< the events any hook asked for
  const std::string dialect_name_;
  std::vector<std::string> warnings_;
  const bool serialised_;       ///< the session lock keeps other runners out for the whole run
  const std::string operator_;  ///< user@host, for the history
  bool tables_exist_ = false;   ///< the version and history tables, once ensure_tables ran
};

/// The name of the session lock that keeps runners apart.
inline std::string lock_key(const version_store& store) { return "retort:" + store.version_table(); }

/// --atomic cannot hold a journaled step: a `usage` error naming it, before anything runs.
void refuse_segments_in_atomic(const revision_graph& g, const std::vector<step>& plan);

/// A migration an earlier run left partial, rendered as it is now: the step, or null when the graph
/// no longer has it where the database is.
std::optional<step> partial_step(const revision_graph& g, const sdk::dialect& d, const op_catalog& catalog,
                                 const guards& defaults, const std::vector<rev>& heads, const partial_row& p);
/// Whether the statement a killed run left in doubt (the one after those the row counts, when it
/// committed on its own) took effect, as the catalog says; none when no statement is in doubt.
std::optional<effect> in_doubt(const step* s, const partial_row& p, sdk::connection& conn);
/// What `current` and a refused run say about it: how many statements took effect, and whether
/// the one in doubt did (`doubt`, from in_doubt).
std::string describe_partial(const revision_graph& g, const partial_row& p, const step* s,
                             std::optional<effect> doubt);

/// A statement with the `;` that ends it in a script, on a line of its own when the statement's last
/// line may end in a comment.
std::string terminated(const std::string& sql);

/// The exact script `plan` runs online, without connecting: transaction statements as the mode
/// says, version-table and history statements included; `create_tables` adds the CREATE TABLEs
/// a script from base needs. `rows` are the version table's rows when they are known (a dry run),
/// so the first step replaces them as the online run does.
std::string offline_script(const revision_graph& g, const sdk::dialect& d, const version_store& store,
                           const std::vector<step>& plan, bool atomic, bool create_tables,
                           const std::vector<std::string>* rows = nullptr);

}  // namespace retort
