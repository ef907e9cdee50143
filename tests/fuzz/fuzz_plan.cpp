// fuzz_plan.cpp — libFuzzer target: a plan file for `retort apply`, from its text; what reads back is
// written again and must read back the same.
#include "plan_file.hpp"

#include <retort/sdk/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto plan = retort::read_plan(text, "fuzz/plan.json", false);
    const auto again = retort::plan_json(plan);
    if (retort::plan_json(retort::read_plan(again, "fuzz/again.json")) != again) std::abort();
  } catch (const retort::sdk::error&) {
    // Refusing bad input is the documented outcome; anything else escapes and is a crash.
  }
  return 0;
}
