// terminal.hpp — the retort binary run on a pseudo-terminal of a given width, as a user at a
// terminal runs it: stdout and stderr both go to the terminal, read here as one text.
#pragma once

#include "process.hpp"

#include <pty.h>

#include <cerrno>

namespace retort_test {

inline result run_on_terminal(const fs::path& cwd, const std::vector<std::string>& args, const env_list& env = {},
                              unsigned short columns = 100) {
  winsize ws{};
  ws.ws_row = 24;
  ws.ws_col = columns;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(120);
    ::unsetenv("DATABASE_URL");
    ::unsetenv("RETORT_PLUGIN_PATH");
    ::unsetenv("NO_COLOR");
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(RETORT_BIN)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(RETORT_BIN, argv.data());
    ::_exit(127);
  }
  result r;
  if (pid < 0) {
    ADD_FAILURE() << "forkpty failed";
    return r;
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) r.out.append(buf, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;  // EIO once the child has gone
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace retort_test
