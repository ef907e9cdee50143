// plugin.cpp — the audit-log hook: one JSON object per line for every event of a run, appended to
// the file named by `path` in [plugin.audit-log] (relative to retort.toml).
//
//   plugins = ["audit-log"]
//   [plugin.audit-log]
//   path = "audit.jsonl"
//   events = ["before_migration", "after_migration", "failure"]   # optional; every event by default
#include <retort/sdk/plugin.hpp>
#include <retort/sdk/value.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace {

namespace sdk = retort::sdk;
namespace fs = std::filesystem;

constexpr sdk::event every_event[] = {sdk::event::plan_built,       sdk::event::before_migration, sdk::event::after_migration,
                                      sdk::event::before_statement, sdk::event::after_statement,  sdk::event::failure,
                                      sdk::event::run_finished};

std::string json(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

/// Now as 2026-12-02T06:20:29.123Z.
std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

class audit_log final : public sdk::hook {
 public:
  explicit audit_log(fs::path file) : file_(std::move(file)) {}
  std::string name() const override { return "audit-log"; }

  sdk::verdict on_event(const sdk::hook_context& c) override {
    std::string line = "{\"time\": " + json(utc_now()) + ", \"event\": " + json(sdk::event_name(c.what));
    auto field = [&](const char* key, std::string_view v) {
      if (!v.empty()) line += std::string(", \"") + key + "\": " + json(v);
    };
    auto number = [&](const char* key, long long v) { line += std::string(", \"") + key + "\": " + std::to_string(v); };
    field("url", c.url);
    field("dialect", c.dialect);
    field("revision", c.revision);
    field("direction", c.direction);
    field("message", c.message);
    if (c.steps) number("step", static_cast<long long>(c.step)), number("steps", static_cast<long long>(c.steps));
    if (c.operations) {
      line += ", \"operations\": [";
      for (std::size_t i = 0; i < c.operations->size(); ++i) line += (i ? ", " : "") + json((*c.operations)[i]);
      line += "]";
    }
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
      if (!out_) throw std::runtime_error("cannot open " + file_.string() + ": " + std::strerror(errno ? errno : EIO));
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
      f.fail(*f.find("events"), "events", "'" + n + "' is not an event" + sdk::did_you_mean(n, known));
    }
    mask |= static_cast<std::uint32_t>(*it);
  }
  r.add_hook(std::make_unique<audit_log>(fs::path(path).is_absolute() ? fs::path(path) : base / path),
             names.empty() ? sdk::all_events : mask);
}

}  // namespace

RETORT_PLUGIN(hooks, audit-log, "0.1.0", &register_plugin)
