// view_ops.hpp — create_view and drop_view: custom operations that render on any dialect and
// undo each other.
#pragma once

#include <retort/sdk/operation.hpp>

#include <optional>
#include <string>

namespace retort_ops_example {

namespace sdk = retort::sdk;

/// One view operation: create (with its SELECT) or drop (with the SELECT that recreates it, if given).
class view_op final : public sdk::operation {
 public:
  view_op(bool create, std::string view, std::optional<std::string> select)
      : create_(create), view_(std::move(view)), select_(std::move(select)) {}

  std::string name() const override { return create_ ? "create_view" : "drop_view"; }
  std::vector<sdk::statement> render(const sdk::dialect& d, const sdk::schema& before) const override;
  std::unique_ptr<sdk::operation> inverse(const sdk::schema& before) const override;
  void apply(sdk::schema&) const override {}  // views are not part of the neutral model

  const std::string& view() const { return view_; }
  const std::optional<std::string>& select() const { return select_; }

 private:
  bool create_;
  std::string view_;
  std::optional<std::string> select_;
};

class view_op_type final : public sdk::operation_type {
 public:
  explicit view_op_type(bool create) : create_(create) {}
  std::string name() const override { return create_ ? "create_view" : "drop_view"; }
  std::unique_ptr<sdk::operation> parse(const sdk::fields& f) const override;

 private:
  bool create_;
};

}  // namespace retort_ops_example
