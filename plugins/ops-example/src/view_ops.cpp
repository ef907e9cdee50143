// view_ops.cpp — create_view and drop_view.
#include "view_ops.hpp"

#include <retort/sdk/error.hpp>

namespace retort_ops_example {

std::vector<sdk::statement> view_op::render(const sdk::dialect& d, const sdk::schema&) const {
  if (create_) return {{"CREATE VIEW " + d.quote_identifier(view_) + " AS " + *select_, true}};
  return {{"DROP VIEW " + d.quote_identifier(view_), true}};
}

std::unique_ptr<sdk::operation> view_op::inverse(const sdk::schema&) const {
  if (create_) return std::make_unique<view_op>(false, view_, select_);
  if (!select_) return nullptr;  // a drop without its SELECT cannot be undone
  return std::make_unique<view_op>(true, view_, select_);
}

std::unique_ptr<sdk::operation> view_op_type::parse(const sdk::fields& f) const {
  f.only({"name", "sql"});
  std::string view = f.required_string("name");
  std::optional<std::string> select = create_ ? f.required_string("sql") : f.optional_string("sql");
  return std::make_unique<view_op>(create_, std::move(view), std::move(select));
}

std::vector<sdk::statement> postgres_create_view::render(const sdk::operation& op, const sdk::dialect& d,
                                                         const sdk::schema& before) const {
  (void)before;
  const auto& v = dynamic_cast<const view_op&>(op);  // registered for create_view only
  return {{"CREATE OR REPLACE VIEW " + d.quote_identifier(v.view()) + " AS " + *v.select(), true}};
}

}  // namespace retort_ops_example
