// statement.hpp — one SQL statement as the runner executes it.
#pragma once

#include <string>

namespace retort::sdk {

struct statement {
  std::string sql;  ///< without a trailing `;`
  /// False for statements the database refuses inside a transaction (PostgreSQL
  /// `CREATE INDEX CONCURRENTLY`, `VACUUM`): the runner gives them a segment of their own.
  bool transactional = true;
};

}  // namespace retort::sdk
