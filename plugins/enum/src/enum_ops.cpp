// enum_ops.cpp — create_enum, drop_enum, add_enum_value and drop_enum_value.
#include "enum_ops.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <ranges>
#include <utility>

namespace retort_enum {
namespace {

template <class... T> [[noreturn]] void refuse(fmt::format_string<T...> why, T&&... args) {
  throw sdk::error(sdk::error_kind::input, fmt::format(why, std::forward<T>(args)...));
}

const char* op_name(action a) {
  switch (a) {
    case action::create: return "create_enum";
    case action::drop: return "drop_enum";
    case action::add_value: return "add_enum_value";
    case action::drop_value: return "drop_enum_value";
  }
  return "";
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

/// The columns whose type is the enum `type`, as table → columns.
std::vector<std::pair<std::string, std::vector<std::string>>> users(const sdk::schema& s, const std::string& type) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& [name, t] : s.tables) {
    std::vector<std::string> cols;
    for (const auto& c : t.columns)
      if (c.type == type) cols.push_back(c.name);
    if (!cols.empty()) out.emplace_back(name, std::move(cols));
  }
  return out;
}

std::string literals(const sdk::dialect& d, const std::vector<std::string>& values) {
  auto quoted = values | std::views::transform([&](const std::string& v) { return d.quote_literal(v); });
  return fmt::format("{}", fmt::join(quoted, ", "));
}

}  // namespace

std::string enum_op::name() const { return op_name(action_); }
std::string enum_op_type::name() const { return op_name(action_); }

std::unique_ptr<sdk::operation> enum_op_type::parse(const sdk::fields& f) const {
  auto op = std::make_unique<enum_op>(action_, f.required_string("name"));
  switch (action_) {
    case action::create: {
      f.only({"name", "values"});
      op->values = f.strings("values", true);
      for (std::size_t i = 0; i < op->values.size(); ++i) {
        if (op->values[i].empty()) f.fail(*f.find("values"), "values", "holds an empty value");
        if (std::find(op->values.begin(), op->values.begin() + static_cast<std::ptrdiff_t>(i), op->values[i]) !=
            op->values.begin() + static_cast<std::ptrdiff_t>(i))
          f.fail(*f.find("values"), "values", fmt::format("holds '{}' twice", op->values[i]));
      }
      break;
    }
    case action::drop:
      f.only({"name", "values"});  // the values make it reversible when earlier migrations do not say
      op->values = f.strings("values");
      break;
    case action::add_value:
    case action::drop_value:
      if (action_ == action::add_value) f.only({"name", "value", "before", "after"});
      else f.only({"name", "value"});
      op->value = f.required_string("value");
      if (op->value.empty()) f.fail(*f.find("value"), "value", "is empty");
      op->before = f.optional_string("before");
      op->after = f.optional_string("after");
      if (op->before && op->after) f.fail(*f.find("after"), "after", "and 'before' cannot both be given");
      break;
  }
  return op;
}

void enum_op::check(const sdk::schema& s, bool needs_type) const {
  const auto e = s.enums.find(type_);
  if (action_ == action::create) {
    if (e != s.enums.end()) refuse("enum type '{}' already exists (an earlier migration made it)", type_);
    return;
  }
  if (e == s.enums.end()) {
    if (needs_type)
      refuse("enum type '{}' is not known from earlier migrations (was it made by SQL?); {} needs its values: make it "
             "with create_enum",
             type_, name());
    return;
  }
  if (action_ == action::add_value) {
    if (contains(e->second, value)) refuse("enum type '{}' already has the value '{}'", type_, value);
    for (const auto& at : {before, after})
      if (at && !contains(e->second, *at)) refuse("enum type '{}' has no value '{}' to place '{}' by", type_, *at, value);
  }
  if (action_ == action::drop_value && !contains(e->second, value))
    refuse("enum type '{}' has no value '{}'", type_, value);
}

std::unique_ptr<sdk::operation> enum_op::inverse(const sdk::schema& s) const {
  const auto e = s.enums.find(type_);
  switch (action_) {
    case action::create: {
      auto back = std::make_unique<enum_op>(action::drop, type_);
      back->values = values;
      return back;
    }
    case action::drop: {
      auto back = std::make_unique<enum_op>(action::create, type_);
      back->values = e != s.enums.end() ? e->second : values;
      if (back->values.empty()) return nullptr;  // nothing says what it held
      return back;
    }
    case action::add_value: {
      auto back = std::make_unique<enum_op>(action::drop_value, type_);
      back->value = value;
      return back;
    }
    case action::drop_value: {
      auto back = std::make_unique<enum_op>(action::add_value, type_);
      back->value = value;
      if (e != s.enums.end()) {  // back where it was
        auto it = std::find(e->second.begin(), e->second.end(), value);
        if (it != e->second.end() && it + 1 != e->second.end()) back->before = *(it + 1);
      }
      return back;
    }
  }
  return nullptr;
}

void enum_op::apply(sdk::schema& s) const {
  switch (action_) {
    case action::create: s.enums[type_] = values; break;
    case action::drop: s.enums.erase(type_); break;
    case action::add_value: {
      auto e = s.enums.find(type_);
      if (e == s.enums.end() || contains(e->second, value)) return;
      auto at = e->second.end();
      if (before) at = std::find(e->second.begin(), e->second.end(), *before);
      if (after) at = std::find(e->second.begin(), e->second.end(), *after) + (contains(e->second, *after) ? 1 : 0);
      e->second.insert(at, value);
      break;
    }
    case action::drop_value: {
      auto e = s.enums.find(type_);
      if (e != s.enums.end()) e->second.erase(std::remove(e->second.begin(), e->second.end(), value), e->second.end());
      break;
    }
  }
}

std::vector<sdk::statement> postgres_renderer::render(const sdk::operation& op, const sdk::dialect& d,
                                                      const sdk::schema& before) const {
  const auto& e = dynamic_cast<const enum_op&>(op);  // registered for the enum operations only
  e.check(before, false);
  const std::string type = d.quote_identifier(e.type());
  switch (e.what()) {
    case action::create: return {{fmt::format("CREATE TYPE {} AS ENUM ({})", type, literals(d, e.values)), true}};
    case action::drop: return {{"DROP TYPE " + type, true}};
    case action::add_value: {
      std::string sql = fmt::format("ALTER TYPE {} ADD VALUE {}", type, d.quote_literal(e.value));
      if (e.before) fmt::format_to(std::back_inserter(sql), " BEFORE {}", d.quote_literal(*e.before));
      if (e.after) fmt::format_to(std::back_inserter(sql), " AFTER {}", d.quote_literal(*e.after));
      return {{sql, true}};
    }
    case action::drop_value:
      refuse("PostgreSQL cannot remove the value '{}' from enum type '{}': ALTER TYPE has no DROP VALUE, so this "
             "cannot be reverted. Write the downgrade by hand (a new type without the value, the columns moved to it) "
             "in a [[downgrade]] section, or leave the value in place",
             e.value, e.type());
  }
  return {};
}

std::vector<sdk::statement> column_renderer::render(const sdk::operation& op, const sdk::dialect& d,
                                                    const sdk::schema& before) const {
  const auto& e = dynamic_cast<const enum_op&>(op);
  e.check(before, e.what() == action::add_value || e.what() == action::drop_value);
  const auto used = users(before, e.type());
  switch (e.what()) {
    case action::create: return {};  // nothing to make until a column uses it
    case action::drop:
      if (!used.empty())
        refuse("enum type '{}' is still the type of {}.{}; drop or change that column first", e.type(),
               used.front().first, used.front().second.front());
      return {};
    case action::add_value:
    case action::drop_value: {
      // Against the schema with the new values: each column changed gets the new list. MySQL
      // refuses to drop a value a row still holds (in strict mode), so no data is silently lost.
      sdk::schema after = before;
      e.apply(after);
      std::vector<sdk::statement> out;
      for (const auto& [table, cols] : used)
        for (std::size_t i = 0; i < (each_column_ ? cols.size() : 1); ++i) {
          auto stmts = d.render(sdk::ops::alter_column{table, cols[i], e.type(), {}, {}, {}}, after);
          out.insert(out.end(), stmts.begin(), stmts.end());
        }
      return out;
    }
  }
  return {};
}

}  // namespace retort_enum
