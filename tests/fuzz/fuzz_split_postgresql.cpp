// fuzz_split_postgresql.cpp — libFuzzer target: the SQL statement splitter with PostgreSQL's lexical rules.
#include "split_check.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const retort::sdk::sql_syntax syntax = retort::sdk::sql_syntax::postgresql();
  retort_fuzz::check_split(std::string_view(reinterpret_cast<const char*>(data), size), syntax);
  return 0;
}
