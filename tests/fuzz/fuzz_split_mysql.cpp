// fuzz_split_mysql.cpp — libFuzzer target: the MySQL dialect's splitter (DELIMITER, backslash
// escapes, `#` and `-- ` comments, executable comments), compiled in from plugins/mysql.
#include "split_check.hpp"

#include "mysql_split.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const retort::sdk::sql_syntax syntax = retort::sdk::sql_syntax::mysql();
  retort_fuzz::check_split(std::string_view(reinterpret_cast<const char*>(data), size), syntax,
                           [](std::string_view text) { return retort_mysql::split_mysql(text); });
  return 0;
}
