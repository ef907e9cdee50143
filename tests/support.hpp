// support.hpp — what the tests share: temporary directories, files, and running the real binary.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace retort_test {

namespace fs = std::filesystem;

/// A directory removed with everything in it when the test ends.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("retort-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const fs::path& p) const { return path_ / p; }

 private:
  fs::path path_;
};

inline void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A TOML migration that creates table `table` (id + name) after `parent` ("" for a root).
inline std::string create_table_migration(const std::string& id, const std::string& parent, const std::string& table,
                                          const std::string& extra = "") {
  return "revision = \"" + id + "\"\ndown_revision = \"" + parent + "\"\nmessage = \"create " + table +
         "\"\n" + extra + "\n[[upgrade]]\nop = \"create_table\"\ntable = \"" + table +
         "\"\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
         "  { name = \"name\", type = \"string(50)\", nullable = false },\n]\n";
}

}  // namespace retort_test
