// plugin.cpp — the audit-log hook: one JSON object per line for every event of a run, appended to
// the file named by `path` in [plugin.audit-log] (relative to retort.toml).
//
//   plugins = ["audit-log"]
//   [plugin.audit-log]
//   path = "audit.jsonl"
//   events = ["before_migration", "after_migration", "failure"]   # optional; every event by default
#include <retort/sdk/json.hpp>
#include <retort/sdk/plugin.hpp>
#include <retort/sdk/value.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ranges>

namespace {

namespace sdk = retort::sdk;
namespace fs = std::filesystem;

constexpr sdk::event every_event[] = {sdk::event::plan_built,       sdk::event::before_migration, sdk::event::after_migration,
                                      sdk::event::before_statement, sdk::event::after_statement,  sdk::event::failure,
                                      sdk::event::run_finished};

/// Now as 2026-12-02T06:20:29.123Z.
std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(t), ms);
}

class audit_log final : public sdk::hook {
 public:
  explicit audit_log(fs::path file) : file_(std::move(file)) {}
  std::string name() const override { return "audit-log"; }

  sdk::verdict on_event(const sdk::hook_context& c) override {
    std::string line = fmt::format("{{\"time\": {}, \"event\": {}", sdk::json_string(utc_now()), sdk::json_string(sdk::event_name(c.what)));
    auto sink = std::back_inserter(line);
    auto field = [&](const char* key, std::string_view v) {
      if (!v.empty()) fmt::format_to(sink, ", \"{}\": {}", key, sdk::json_string(v));
    };
    auto number = [&](const char* key, long long v) { fmt::format_to(sink, ", \"{}\": {}", key, v); };
    field("url", c.url);
    field("dialect", c.dialect);
    field("revision", c.revision);
    field("direction", c.direction);
    field("message", c.message);
    if (c.steps) number("step", static_cast<long long>(c.step)), number("steps", static_cast<long long>(c.steps));
    if (c.operations)
      fmt::format_to(sink, ", \"operations\": [{}]", fmt::join(*c.operations | std::views::transform(sdk::json_string), ", "));
    if (c.statements) number("statements", static_cast<long long>(c.statements->size()));
    if (c.statement_index) number("statement_index", static_cast<long long>(c.statement_index));
    field("statement", c.statement);
    if (c.duration_ms >= 0) number("duration_ms", c.duration_ms);
    field("error", c.error);
    if (c.allow_destructive) line += ", \"allow_destructive\": true";
    line += "}\n";
    // Opened on the first event, so commands that run nothing leave no file behind.
    if (!out_.is_open()) {
      errno = 0;
      out_.open(file_, std::ios::app | std::ios::binary);
      if (!out_)
        throw std::runtime_error(fmt::format("cannot open {}: {}", file_.string(), std::strerror(errno ? errno : EIO)));
    }
    out_ << line << std::flush;
    if (!out_) throw std::runtime_error("cannot write " + file_.string());
    return {};
  }

 private:
  fs::path file_;
  std::ofstream out_;
};

void register_plugin(sdk::registry& r) {
  const sdk::fields f(r.settings(), "[plugin.audit-log]");
  f.only({"path", "events"});
  const std::string path = f.required_string("path");
  if (path.empty()) f.fail(*f.find("path"), "path", "is empty");
  // Relative to the retort.toml the setting is in.
  const fs::path base = fs::path(f.find("path")->where().file).parent_path();
  std::uint32_t mask = 0;
  const auto names = f.strings("events");
  for (const auto& n : names) {
    auto it = std::find_if(std::begin(every_event), std::end(every_event), [&](sdk::event e) { return sdk::event_name(e) == n; });
    if (it == std::end(every_event)) {
      std::vector<std::string_view> known;
      for (auto e : every_event) known.push_back(sdk::event_name(e));
      f.fail(*f.find("events"), "events", fmt::format("'{}' is not an event{}", n, sdk::did_you_mean(n, known)));
    }
    mask |= static_cast<std::uint32_t>(*it);
  }
  r.add_hook(std::make_unique<audit_log>(fs::path(path).is_absolute() ? fs::path(path) : base / path),
             names.empty() ? sdk::all_events : mask);
}

}  // namespace

RETORT_PLUGIN(hooks, audit-log, "0.1.0", &register_plugin)
