// process.cpp — fork, exec and wait, with stdout and stderr in files (no pipe to fill up).
#include "process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace retort::kit {
namespace {

std::string slurp_and_remove(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  in.close();
  std::error_code ec;
  std::filesystem::remove(p, ec);
  return s.str();
}

}  // namespace

process::process(const std::filesystem::path& program, const std::filesystem::path& cwd,
                 const std::vector<std::string>& args)
    : started_(std::chrono::steady_clock::now()) {
  static int counter = 0;
  out_ = std::filesystem::temp_directory_path() /
         ("retort-kit-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  const std::string out = out_.string() + ".out", err = out_.string() + ".err";
  // Everything exec needs is made before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> argv_text{program.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("DATABASE_URL=", 0) != 0) envp.push_back(*e);
  envp.push_back(nullptr);
  std::fflush(nullptr);  // what the kit printed so far is not the child's to print again
  pid_ = ::fork();
  if (pid_ == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(120);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0) ::_exit(121);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::dup2(in, 0);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
}

process::~process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

result process::wait(std::chrono::seconds limit) {
  result r;
  int status = 0;
  const auto deadline = started_ + limit;
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_) break;
    if (got < 0 && errno != EINTR) {
      r.err = "waitpid failed";
      pid_ = -1;
      return r;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      r.err = "(retort-kit: killed after " + std::to_string(limit.count()) + " s)\n";
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(10));
  }
  pid_ = -1;
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp_and_remove(out_.string() + ".out");
  r.err += slurp_and_remove(out_.string() + ".err");
  return r;
}

}  // namespace retort::kit
