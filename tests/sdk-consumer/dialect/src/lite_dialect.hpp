// lite_dialect.hpp — SQLite under the URL scheme `lite`, rendered by sql_dialect's ANSI defaults:
// what a dialect needs at the least. It does not rebuild tables, so the alterations SQLite's ALTER
// TABLE cannot do (ALTER COLUMN … TYPE / SET NOT NULL, ADD/DROP CONSTRAINT) fail, and say so.
#pragma once

#include <retort/sdk/sql_dialect.hpp>

namespace lite {

namespace sdk = retort::sdk;

class lite_dialect final : public sdk::sql_dialect {
 public:
  std::string name() const override { return "lite"; }
  std::vector<std::string> schemes() const override { return {"lite"}; }
  sdk::capabilities caps() const override;
  std::unique_ptr<sdk::connection> connect(const sdk::url& where) const override;
  sdk::sql_syntax syntax() const override { return sdk::sql_syntax::sqlite(); }

 protected:
  const std::vector<std::pair<std::string, std::string>>& type_names() const override;
  std::string autoincrement_sql(const sdk::column&) const override { return "INTEGER"; }  // the rowid
};

}  // namespace lite
