// operations.hpp — where a migration's operations come from: the built-ins (the SDK's ops/<name>.hpp)
// and the op plugins loaded.
#pragma once

#include <retort/sdk/operation.hpp>
#include <retort/sdk/ops.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retort {

/// Where a custom operation comes from and where it renders.
struct op_origin {
  std::string plugin;                 ///< its plugin's name ("enum")
  std::string file;                   ///< … and file
  std::vector<std::string> dialects;  ///< those its plugin registered renderers for; empty: it renders itself
};

/// Where a migration's op names are looked up: the built-ins, then the op plugins loaded. As it
/// is, the built-ins alone (a project without op plugins, tests).
class op_catalog {
 public:
  virtual ~op_catalog() = default;
  virtual const sdk::operation_type* find_operation(std::string_view name) const;
  virtual const sdk::op_renderer* find_renderer(std::string_view op, std::string_view dialect) const;
  /// For an operation a plugin registered; nothing for a built-in.
  virtual const op_origin* origin(std::string_view op) const;
};

/// A built-in operation; `render` defers to the dialect.
class builtin_operation final : public sdk::builtin {
 public:
  explicit builtin_operation(sdk::builtin_op op) : op_(std::move(op)) {}
  const sdk::builtin_op& op() const noexcept override { return op_; }

  std::string name() const override;
  std::vector<sdk::statement> render(const sdk::dialect& d, const sdk::schema& before) const override;
  std::unique_ptr<sdk::operation> inverse(const sdk::schema& before) const override;
  void apply(sdk::schema& s) const override;

 private:
  sdk::builtin_op op_;
};

/// Several built-in operations that together undo one (drop_column: the column, then the indexes that
/// went with it), in the order they run. The planner runs them as operations of their own.
class builtin_steps final : public sdk::operation {
 public:
  explicit builtin_steps(std::vector<sdk::builtin_op> ops) : ops_(std::move(ops)) {}
  const std::vector<sdk::builtin_op>& ops() const noexcept { return ops_; }

  std::string name() const override;
  std::vector<sdk::statement> render(const sdk::dialect& d, const sdk::schema& before) const override;
  std::unique_ptr<sdk::operation> inverse(const sdk::schema& before) const override;
  void apply(sdk::schema& s) const override;

 private:
  std::vector<sdk::builtin_op> ops_;
};

/// The names of the built-in operations, reserved for them.
const std::vector<std::string>& builtin_operation_names();
/// The built-in operation type called `name`, or null.
const sdk::operation_type* builtin_operation_type(std::string_view name);

}  // namespace retort
