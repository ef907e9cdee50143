// lite_dialect.cpp — what lite declares about itself, and its types.
#include "lite_dialect.hpp"

#include "lite_connection.hpp"

namespace lite {

sdk::capabilities lite_dialect::caps() const {
  sdk::capabilities c;
  c.transactional_ddl = true;  // SQLite's DDL rolls back with its transaction
  c.advisory_lock = false;     // BEGIN IMMEDIATE serialises writers instead
  c.alter_column = false;      // and there is no table rebuild to make up for it
  return c;
}

const std::vector<std::pair<std::string, std::string>>& lite_dialect::type_names() const {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"integer", "INTEGER"}, {"bigint", "BIGINT"},     {"smallint", "SMALLINT"},   {"string", "VARCHAR"},
      {"text", "TEXT"},       {"boolean", "BOOLEAN"},   {"date", "DATE"},           {"time", "TIME"},
      {"timestamp", "TIMESTAMP"}, {"timestamptz", "TIMESTAMP"}, {"float", "REAL"},  {"double", "DOUBLE"},
      {"numeric", "NUMERIC"}, {"binary", "BLOB"},       {"json", "TEXT"},           {"uuid", "CHAR(36)"}};
  return names;
}

std::unique_ptr<sdk::connection> lite_dialect::connect(const sdk::url& where) const {
  return std::make_unique<lite_connection>(where);
}

}  // namespace lite
