// process.hpp — running the real retort binary as a user would: in a project directory, with its
// output collected, and more than one at a time.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace retort::kit {

struct result {
  int code = -1;  ///< the exit code, or 128 + the signal that ended it
  std::string out, err;
  std::chrono::milliseconds elapsed{0};
};

/// A started process; wait() collects its exit code and output. DATABASE_URL is removed from its
/// environment so only --url decides the database.
class process {
 public:
  process(const std::filesystem::path& program, const std::filesystem::path& cwd, const std::vector<std::string>& args);
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// Waits at most `limit`; a process still running then is killed, and its result says so.
  result wait(std::chrono::seconds limit = std::chrono::seconds(120));

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace retort::kit
