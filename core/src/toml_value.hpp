// toml_value.hpp — reading TOML files into sdk::value trees with file:line locations.
#pragma once

#include <retort/sdk/value.hpp>

#include <filesystem>
#include <string_view>

namespace retort {

/// Parses TOML text; a syntax error is an `input` error naming `file:line:column`.
sdk::value parse_toml(std::string_view text, const std::string& file);

/// Reads a whole file; a missing or unreadable file is an `input` error naming it.
std::string read_file(const std::filesystem::path& path);

}  // namespace retort
