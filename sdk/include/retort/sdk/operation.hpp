// operation.hpp — custom operations: parsed from a migration file, rendered per dialect, reversible,
// and projected onto the neutral schema so plans can be checked without a database.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/dialect.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/ops.hpp>
#include <retort/sdk/schema.hpp>
#include <retort/sdk/statement.hpp>
#include <retort/sdk/value.hpp>

#include <memory>
#include <string>
#include <vector>

namespace retort::sdk {

/// One operation as written in one migration.
/// @warning A published interface: within an ABI major it never gains, loses or reorders a virtual.
class RETORT_SDK_VISIBLE operation {
 public:
  virtual ~operation() = default;
  virtual std::string name() const = 0;
  /// Statements for `d`, given the schema just before this operation: the operation's own rendering,
  /// used only when its plugin registered no `op_renderer` for it (it then renders on every
  /// dialect). Throw `error` (kind `input`) when it cannot be done on `d`; the planner reports it
  /// before anything runs. An operation rendered by per-dialect renderers leaves this alone.
  virtual std::vector<statement> render(const dialect& d, const schema& before) const {
    (void)before;
    throw error(error_kind::plugin, "operation '" + name() + "' has no rendering for dialect '" + d.name() + "'");
  }
  /// The operation that undoes this one, or null when it cannot be undone.
  virtual std::unique_ptr<operation> inverse(const schema& before) const = 0;
  /// This operation's effect on the neutral schema.
  virtual void apply(schema& s) const = 0;
};

/// An operation name (`create_hypertable`) and how to read its fields.
class RETORT_SDK_VISIBLE operation_type {
 public:
  virtual ~operation_type() = default;
  /// `[a-z_]+`; the built-in names are reserved.
  virtual std::string name() const = 0;
  /// Reads the op's table from a migration file; `f.fail(...)` reports file:line:field.
  virtual std::unique_ptr<operation> parse(const fields& f) const = 0;
};

/// Renders an operation for one dialect, registered by whichever plugin knows both
/// (`registry::add_renderer(op, dialect, …)`). For a custom operation the renderers its plugin
/// registers are the dialects it supports: the planner refuses any other before anything runs. For a
/// built-in operation a renderer takes the place of the dialect's own rendering.
class RETORT_SDK_VISIBLE op_renderer {
 public:
  virtual ~op_renderer() = default;
  virtual std::vector<statement> render(const operation& op, const dialect& d, const schema& before) const = 0;
};

/// How a renderer sees a built-in operation: its fields as plain data (ABI 1.1).
class RETORT_SDK_VISIBLE builtin : public operation {
 public:
  virtual const builtin_op& op() const noexcept = 0;
};

/// The fields of `op` when it is the built-in operation `T` (`ops::drop_column`), else null.
template <class T> const T* builtin_fields(const operation& op) {
  const auto* b = dynamic_cast<const builtin*>(&op);
  return b ? std::get_if<T>(&b->op()) : nullptr;
}

}  // namespace retort::sdk
