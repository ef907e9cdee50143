// checksum.hpp — SHA-256 of migration files, as the history records them.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace retort {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
/// Lower-case hex SHA-256 of a file's bytes.
std::string file_checksum(const std::filesystem::path& path);

}  // namespace retort
