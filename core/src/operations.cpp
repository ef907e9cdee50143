// operations.cpp — the built-in operations as the core holds them: one type per name, each
// operation a `sdk::builtin` whose parsing, inverse, effect and SQL are the SDK's (ops/<name>.hpp).
#include "operations.hpp"

#include <retort/sdk/builtin_ops.hpp>
#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <map>

namespace retort {
namespace {

class builtin_type final : public sdk::operation_type {
 public:
  explicit builtin_type(std::string_view name) : name_(name) {}
  std::string name() const override { return name_; }
  std::unique_ptr<sdk::operation> parse(const sdk::fields& f) const override {
    return std::make_unique<builtin_operation>(*sdk::parse_builtin(name_, f));
  }

 private:
  std::string name_;
};

const std::map<std::string, builtin_type, std::less<>>& builtin_types() {
  static const std::map<std::string, builtin_type, std::less<>> types = [] {
    std::map<std::string, builtin_type, std::less<>> m;
    for (std::string_view n : sdk::builtin_names) m.emplace(std::string(n), builtin_type(n));
    return m;
  }();
  return types;
}

/// What `retort import alembic` writes for Alembic code it could not translate: the Python, quoted,
/// and why. It reads and projects as nothing, so migrations around it plan; it refuses to render,
/// so a plan that would run it is refused before anything runs.
class untranslated_operation final : public sdk::operation {
 public:
  untranslated_operation(std::string python, std::string why) : python_(std::move(python)), why_(std::move(why)) {}
  std::string name() const override { return "untranslated"; }
  std::vector<sdk::statement> render(const sdk::dialect&, const sdk::schema&) const override {
    throw sdk::error(sdk::error_kind::input,
                     fmt::format("is Alembic code `retort import alembic` did not translate ({}), which retort does "
                                 "not run:\n    {}\n  write it as retort operations or an `sql` operation in its place",
                                 why_, python_));
  }
  std::unique_ptr<sdk::operation> inverse(const sdk::schema&) const override { return nullptr; }
  void apply(sdk::schema&) const override {}

 private:
  std::string python_, why_;
};

class untranslated_type final : public sdk::operation_type {
 public:
  std::string name() const override { return "untranslated"; }
  std::unique_ptr<sdk::operation> parse(const sdk::fields& f) const override {
    f.only({"python", "why"});
    return std::make_unique<untranslated_operation>(f.required_string("python"), f.optional_string("why").value_or(""));
  }
};

}  // namespace

const sdk::operation_type* op_catalog::find_operation(std::string_view name) const { return builtin_operation_type(name); }
const sdk::op_renderer* op_catalog::find_renderer(std::string_view, std::string_view) const { return nullptr; }
const op_origin* op_catalog::origin(std::string_view) const { return nullptr; }

const std::vector<std::string>& builtin_operation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [k, v] : builtin_types()) n.push_back(k);
    return n;
  }();
  return names;
}

const sdk::operation_type* builtin_operation_type(std::string_view name) {
  static const untranslated_type untranslated;
  if (name == "untranslated") return &untranslated;
  const auto& types = builtin_types();
  auto it = types.find(name);
  return it == types.end() ? nullptr : &it->second;
}

std::string builtin_operation::name() const { return std::string(sdk::op_name(op_)); }

std::vector<sdk::statement> builtin_operation::render(const sdk::dialect& d, const sdk::schema& before) const {
  return d.render(op_, before);
}

std::unique_ptr<sdk::operation> builtin_operation::inverse(const sdk::schema& before) const {
  auto back = sdk::inverse(op_, before);
  if (back.empty()) return nullptr;
  if (back.size() == 1) return std::make_unique<builtin_operation>(std::move(back.front()));
  return std::make_unique<builtin_steps>(std::move(back));
}

void builtin_operation::apply(sdk::schema& s) const { sdk::apply(op_, s); }

std::string builtin_steps::name() const { return std::string(sdk::op_name(ops_.front())); }

std::vector<sdk::statement> builtin_steps::render(const sdk::dialect& d, const sdk::schema& before) const {
  sdk::schema s = before;
  std::vector<sdk::statement> out;
  for (const auto& op : ops_) {
    auto stmts = d.render(op, s);
    out.insert(out.end(), stmts.begin(), stmts.end());
    sdk::apply(op, s);
  }
  return out;
}

std::unique_ptr<sdk::operation> builtin_steps::inverse(const sdk::schema& before) const {
  // Undoing the undo: each step's inverse, last step first, against the schema it saw.
  std::vector<sdk::schema> seen{before};
  for (const auto& op : ops_) sdk::apply(op, seen.emplace_back(seen.back()));
  std::vector<sdk::builtin_op> back;
  for (std::size_t i = ops_.size(); i-- > 0;) {
    auto one = sdk::inverse(ops_[i], seen[i]);
    if (one.empty()) return nullptr;
    back.insert(back.end(), one.begin(), one.end());
  }
  return back.size() == 1 ? std::unique_ptr<sdk::operation>(std::make_unique<builtin_operation>(std::move(back.front())))
                          : std::make_unique<builtin_steps>(std::move(back));
}

void builtin_steps::apply(sdk::schema& s) const {
  for (const auto& op : ops_) sdk::apply(op, s);
}

}  // namespace retort
