// hook.hpp — code that runs at the runner's events: policy plugins veto, observers record.
#pragma once

#include <retort/sdk/abi.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace retort::sdk {

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

struct hook_context {
  event what;
  std::string_view revision;   ///< empty for plan_built / run_finished
  std::string_view direction;  ///< "up" or "down"
  std::string_view statement;  ///< for the statement events
  std::string_view error;      ///< for failure
  std::size_t step = 0;        ///< 1-based index of the migration in the plan
  std::size_t steps = 0;       ///< migrations in the plan
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
  /// Called for the events it was registered for. A veto counts only for `before_*` events; a
  /// vetoed `before_migration` stops the run before that migration, cleanly.
  virtual verdict on_event(const hook_context& ctx) = 0;
};

}  // namespace retort::sdk
