// fuzz_config.cpp — libFuzzer target: retort.toml, from its text (nothing is read or written).
#include "config.hpp"

#include <retort/sdk/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::filesystem::path path = "fuzz/retort.toml";
  try {
    (void)retort::parse_config(text, path);
  } catch (const retort::sdk::error&) {
    // Refusing bad input is the documented outcome; anything else escapes and is a crash.
  }
  return 0;
}
