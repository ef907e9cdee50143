// view_ops.cpp — create_view and drop_view.
#include "view_ops.hpp"

#include <retort/sdk/error.hpp>

namespace retort_ops_example {

std::vector<sdk::statement> view_op::render(const sdk::dialect& d, const sdk::schema&) const {
  // The operation renders itself on every dialect (its plugin registers no renderer); PostgreSQL
  // replaces a view in place.
  const char* create = d.name() == "postgresql" ? "CREATE OR REPLACE VIEW " : "CREATE VIEW ";
  if (create_) return {{create + d.quote_identifier(view_) + " AS " + *select_, true}};
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

}  // namespace retort_ops_example
