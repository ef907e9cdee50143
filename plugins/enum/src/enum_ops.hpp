// enum_ops.hpp — named enum types as operations: what each does to the neutral schema, how it is
// undone, and how each dialect spells it.
#pragma once

#include <retort/sdk/operation.hpp>

#include <optional>
#include <string>
#include <vector>

namespace retort_enum {

namespace sdk = retort::sdk;

enum class action { create, drop, add_value, drop_value };

/// One enum operation as written in a migration (or made as another's inverse).
class enum_op final : public sdk::operation {
 public:
  enum_op(action a, std::string type) : action_(a), type_(std::move(type)) {}

  std::string name() const override;
  std::unique_ptr<sdk::operation> inverse(const sdk::schema& before) const override;
  void apply(sdk::schema& s) const override;

  action what() const noexcept { return action_; }
  const std::string& type() const noexcept { return type_; }

  std::vector<std::string> values;      ///< create: the values; drop: the values, if known
  std::string value;                    ///< add_value / drop_value
  std::optional<std::string> before, after;  ///< add_value: where the new value goes

  /// Refuses what the schema before it rules out (a type made twice, a value added twice), when the
  /// schema knows the type; `needs_type`: also when it does not.
  void check(const sdk::schema& s, bool needs_type) const;

 private:
  action action_;
  std::string type_;
};

class enum_op_type final : public sdk::operation_type {
 public:
  explicit enum_op_type(action a) : action_(a) {}
  std::string name() const override;
  std::unique_ptr<sdk::operation> parse(const sdk::fields& f) const override;

 private:
  action action_;
};

/// CREATE TYPE … AS ENUM, DROP TYPE, ALTER TYPE … ADD VALUE; a value cannot be removed.
class postgres_renderer final : public sdk::op_renderer {
 public:
  std::vector<sdk::statement> render(const sdk::operation& op, const sdk::dialect& d, const sdk::schema& before) const override;
};

/// The type lives in each column that uses it, as a CHECK (SQLite) or as the column's type
/// ENUM('a', 'b') (MySQL): creating it makes nothing, and adding or removing a value changes each
/// such column through the dialect's own alter_column, against the schema with the new values.
/// SQLite's alter_column rebuilds the whole table, so once per table is enough; MySQL's restates
/// one column (MODIFY COLUMN), so `each_column`.
class column_renderer final : public sdk::op_renderer {
 public:
  explicit column_renderer(bool each_column) : each_column_(each_column) {}
  std::vector<sdk::statement> render(const sdk::operation& op, const sdk::dialect& d, const sdk::schema& before) const override;

 private:
  bool each_column_;
};

}  // namespace retort_enum
