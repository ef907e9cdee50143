// plugin.cpp — the policy hook: a migration that drops a table or a column does not run unless the
// run passes --allow-destructive. It decides before the migration starts, so nothing of it runs.
//
//   plugins = ["policy"]
//   [plugin.policy]                                   # optional
//   destructive = ["drop_table", "drop_column"]       # the operations it refuses; these by default
#include <retort/sdk/plugin.hpp>
#include <retort/sdk/sql_lexer.hpp>
#include <retort/sdk/value.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace {

namespace sdk = retort::sdk;

/// DROP TABLE, or ALTER TABLE … DROP [COLUMN] (not DROP CONSTRAINT / DEFAULT / NOT NULL).
bool drops_data(const std::string& sql) {
  const auto w = sdk::leading_words(sql, sdk::sql_syntax{}, 64);
  auto at = [&](std::size_t i) { return i < w.size() ? w[i] : std::string(); };
  if (at(0) == "drop" && at(1) == "table") return true;
  if (at(0) != "alter" || at(1) != "table") return false;
  for (std::size_t i = 2; i + 1 < w.size(); ++i)
    if (w[i] == "drop") {
      const std::string next = at(i + 1) == "column" ? at(i + 2) : at(i + 1);
      if (next != "constraint" && next != "default" && next != "not" && next != "expression" && next != "identity")
        return true;
    }
  return false;
}

class policy final : public sdk::hook {
 public:
  explicit policy(std::vector<std::string> destructive) : destructive_(std::move(destructive)) {}
  std::string name() const override { return "policy"; }

  sdk::verdict on_event(const sdk::hook_context& c) override {
    if (c.allow_destructive || !c.operations) return {};
    std::vector<std::string> found;
    for (const auto& op : *c.operations)
      if (std::find(destructive_.begin(), destructive_.end(), op) != destructive_.end() &&
          std::find(found.begin(), found.end(), op) == found.end())
        found.push_back(op);
    // Raw SQL (an SQL file, `sql` ops) is read statement by statement; a migration that also has
    // other operations is judged by those, as SQLite's table rebuilds are DROP TABLE statements too.
    const bool raw = !c.operations->empty() &&
                     std::all_of(c.operations->begin(), c.operations->end(), [](const std::string& op) { return op == "sql"; });
    if (raw && c.statements)
      for (const auto& st : *c.statements)
        if (drops_data(st.sql)) {
          found.push_back(fmt::format("`{}`", st.sql.substr(0, st.sql.find('\n')).substr(0, 60)));
          break;
        }
    if (found.empty()) return {};
    return {false, fmt::format("{} revision {} destroys data ({}); run it with --allow-destructive if that is intended",
                               c.direction == "down" ? "downgrading" : "upgrading", c.revision, fmt::join(found, ", "))};
  }

 private:
  std::vector<std::string> destructive_;
};

void register_plugin(sdk::registry& r) {
  const sdk::fields f(r.settings(), "[plugin.policy]");
  f.only({"destructive"});
  auto ops = f.find("destructive") ? f.strings("destructive", true) : std::vector<std::string>{"drop_table", "drop_column"};
  r.add_hook(std::make_unique<policy>(std::move(ops)), static_cast<std::uint32_t>(sdk::event::before_migration));
}

}  // namespace

RETORT_PLUGIN(hooks, policy, "0.1.0", &register_plugin)
