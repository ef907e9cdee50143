// hook.hpp — code that runs at the runner's events: policy plugins veto, observers record.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/statement.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace retort::sdk {

/// In the order a run sends them: plan_built; per migration before_migration, then per statement
/// before_statement / after_statement, then after_migration (or failure); run_finished last, also
/// after a failure or a veto.
enum class event : std::uint32_t {
  plan_built = 1u << 0,
  before_migration = 1u << 1,
  after_migration = 1u << 2,
  before_statement = 1u << 3,
  after_statement = 1u << 4,
  failure = 1u << 5,
  run_finished = 1u << 6,
};
constexpr std::uint32_t all_events = 0x7f;

/// The event's name as it is written in logs ("before_migration").
constexpr std::string_view event_name(event e) noexcept {
  switch (e) {
    case event::plan_built: return "plan_built";
    case event::before_migration: return "before_migration";
    case event::after_migration: return "after_migration";
    case event::before_statement: return "before_statement";
    case event::after_statement: return "after_statement";
    case event::failure: return "failure";
    case event::run_finished: return "run_finished";
  }
  return "unknown";
}

/// What a hook is told. Valid for the call only: copy what you keep. The core fills it; fields are
/// only ever appended (an ABI minor), so a hook built for an older minor reads the ones it knows.
struct hook_context {
  event what = event::plan_built;
  std::string_view revision;   ///< empty for plan_built / run_finished
  std::string_view direction;  ///< "up" or "down" ("" for plan_built / run_finished of an empty plan)
  std::string_view statement;  ///< the SQL, for the statement events
  std::string_view error;      ///< for failure, and run_finished after a failure or a veto
  std::size_t step = 0;        ///< 1-based index of the migration in the plan
  std::size_t steps = 0;       ///< migrations in the plan (run_finished: and `step` how many ran)
  // --- ABI 1.1 -----------------------------------------------------------------------------------
  std::string_view url;      ///< the database, password redacted (`url::redacted()`)
  std::string_view dialect;  ///< "sqlite", "postgresql", …
  std::string_view message;  ///< the migration's message
  /// The migration's operations in the order they run in this direction (a downgrade without its
  /// own section: the inverses, `drop_table` for `create_table`); its statements as they will run.
  /// Set for before_migration and after_migration, else null.
  const std::vector<std::string>* operations = nullptr;
  const std::vector<sdk::statement>* statements = nullptr;
  std::size_t statement_index = 0;  ///< 1-based, for the statement events
  std::int64_t duration_ms = -1;    ///< after_statement, after_migration, failure, run_finished
  /// The run was started with --allow-destructive: policy hooks let destructive changes through.
  bool allow_destructive = false;
};

struct verdict {
  bool allow = true;
  std::string reason;  ///< shown when a `before_*` hook vetoes
};

/// @warning A published interface: within an ABI major it never gains, loses or reorders a virtual.
class RETORT_SDK_VISIBLE hook {
 public:
  virtual ~hook() = default;
  virtual std::string name() const = 0;
  /// Called for the events it was registered for, in the order the plugins were loaded. A veto
  /// counts for before_migration and before_statement: the migration does not run (or is rolled back
  /// with everything it did), the run stops with exit 1 and the history records `vetoed`. A hook that
  /// throws on a before_* event vetoes; on any other event its error is shown as a warning.
  virtual verdict on_event(const hook_context& ctx) = 0;
};

}  // namespace retort::sdk
