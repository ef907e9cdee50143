// mysql_split.hpp — MySQL scripts into statements, as the mysql client reads them: quotes with
// backslash escapes, backticks, `#` and `-- ` comments, `/*! … */` kept as statement text, and
// DELIMITER lines (a client command, never sent) for trigger and procedure bodies. No connector
// here, so the fuzzer builds it alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace retort_mysql {

/// The statements of `script`, without their delimiters; errors (kind `input`) name the line.
std::vector<std::string> split_mysql(std::string_view script);

}  // namespace retort_mysql
