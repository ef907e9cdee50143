// kit_file.hpp — a dialect's kit file (FILE.kit.toml): how the kit gets a fresh, empty database
// for each test. What the dialect can do comes from its caps(), never from this file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace retort::kit {

/// The kit file, read and checked; `${VAR}` already expanded, `{dir}` and `{name}` left for fill().
struct kit_file {
  std::filesystem::path path;
  std::string scheme;                 ///< the URL scheme the dialect claims
  std::string url;                    ///< a fresh database's URL: {dir} a fresh directory, {name} a fresh name
  std::optional<std::string> admin_url;  ///< a server database to create and drop {name} on
  std::vector<std::string> create;    ///< run on admin_url before each test
  std::vector<std::string> drop;      ///< run on admin_url after each test
};

/// Reads and checks a kit file; every problem is an error of kind `input` naming file:line:field.
kit_file read_kit_file(const std::filesystem::path& path);

/// `text` with {dir} and {name} replaced.
std::string fill(const std::string& text, const std::filesystem::path& dir, const std::string& name);

}  // namespace retort::kit
