// fuzz_url.cpp — libFuzzer target: database URLs (`--url`, DATABASE_URL, default_url) and their
// redacted form, the only way a URL is ever printed.
#include "url.hpp"

#include <retort/sdk/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    retort::sdk::url u = retort::parse_url(text);
    (void)u.redacted();
  } catch (const retort::sdk::error&) {
    // Refusing bad input is the documented outcome; anything else escapes and is a crash.
  }
  return 0;
}
