// operation.hpp — custom operations: parsed from a migration file, rendered per dialect, reversible,
// and projected onto the neutral schema so plans can be checked without a database.
#pragma once

#include <retort/sdk/abi.hpp>
#include <retort/sdk/dialect.hpp>
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
  /// Statements for `d`, given the schema just before this operation. Throw `error` (kind `input`)
  /// when the operation cannot be done on this dialect; the planner reports it before anything runs.
  virtual std::vector<statement> render(const dialect& d, const schema& before) const = 0;
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

/// Renders a (custom) operation for one dialect, registered by whichever plugin knows both.
/// When one is registered it takes precedence over `operation::render`.
class RETORT_SDK_VISIBLE op_renderer {
 public:
  virtual ~op_renderer() = default;
  virtual std::vector<statement> render(const operation& op, const dialect& d, const schema& before) const = 0;
};

}  // namespace retort::sdk
