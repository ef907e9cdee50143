// plugin.cpp — the backup hook: before the first migration of a run changes anything, it runs the
// project's backup command (`pg_dump`, `mariadb-dump`, a snapshot script) with /bin/sh, and a
// command that fails stops the run with nothing changed. The database's own tools make the copy;
// retort makes sure it was made.
//
//   plugins = ["backup"]
//   [plugin.backup]
//   command = "pg_dump --format=custom --file=before-$RETORT_REVISION.dump \"$DATABASE_URL\""
//
// The command inherits retort's environment (DATABASE_URL among it: credentials stay out of
// retort.toml), plus RETORT_REVISION (the first migration to run), RETORT_DIRECTION (up or down)
// and RETORT_STEPS (how many migrations the run has).
#include <retort/sdk/plugin.hpp>
#include <retort/sdk/value.hpp>

#include <fmt/format.h>

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace sdk = retort::sdk;

/// Runs `command` with /bin/sh and `extra` added to the environment: its exit status, or why it
/// could not be started.
int run_shell(const std::string& command, const std::vector<std::string>& extra, std::string* why) {
  std::vector<char*> env;
  // Each of `extra` replaces a value of that name the caller's environment had.
  auto replaced = [&](const char* kv) {
    return std::any_of(extra.begin(), extra.end(),
                       [&](const std::string& x) { return std::strncmp(kv, x.c_str(), x.find('=') + 1) == 0; });
  };
  for (char** e = environ; *e; ++e)
    if (!replaced(*e)) env.push_back(*e);
  for (const auto& kv : extra) env.push_back(const_cast<char*>(kv.c_str()));
  env.push_back(nullptr);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  if (int err = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), env.data()); err != 0) {
    *why = std::strerror(err);
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      *why = std::strerror(errno);
      return -1;
    }
  if (WIFSIGNALED(status)) {
    *why = fmt::format("it was killed by signal {}", WTERMSIG(status));
    return -1;
  }
  return WEXITSTATUS(status);
}

class backup final : public sdk::hook {
 public:
  explicit backup(std::string command) : command_(std::move(command)) {}
  std::string name() const override { return "backup"; }

  sdk::verdict on_event(const sdk::hook_context& c) override {
    if (c.step != 1) return {};  // once a run, before its first migration
    std::string why;
    const int code = run_shell(command_,
                               {"RETORT_REVISION=" + std::string(c.revision), "RETORT_DIRECTION=" + std::string(c.direction),
                                "RETORT_STEPS=" + std::to_string(c.steps)},
                               &why);
    if (code == 0) return {};
    return {false, code < 0 ? fmt::format("the backup command could not run: {}; nothing was changed", why)
                            : fmt::format("the backup command exited with {}; nothing was changed", code)};
  }

 private:
  std::string command_;
};

void register_plugin(sdk::registry& r) {
  const sdk::fields f(r.settings(), "[plugin.backup]");
  f.only({"command"});
  std::string command = f.required_string("command");
  if (command.find_first_not_of(" \t") == std::string::npos) f.fail(*f.find("command"), "command", "the command is empty");
  r.add_hook(std::make_unique<backup>(std::move(command)), static_cast<std::uint32_t>(sdk::event::before_migration));
}

}  // namespace

RETORT_PLUGIN(hooks, backup, "0.1.0", &register_plugin)
