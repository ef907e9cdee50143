// sqlite_dialect.hpp — SQLite's names, types and DDL, including the copy-and-move rebuild for the
// alterations SQLite cannot do in place.
#pragma once

#include <retort/sdk/sql_dialect.hpp>

namespace retort_sqlite {

namespace sdk = retort::sdk;
namespace ops = retort::sdk::ops;

class sqlite_dialect final : public sdk::sql_dialect {
 public:
  /// Each column of a rebuilt table that takes the rows of a column of the old one: (new, old).
  using moves = std::vector<std::pair<std::string, std::string>>;

  std::string name() const override { return "sqlite"; }
  std::vector<std::string> schemes() const override { return {"sqlite"}; }
  sdk::capabilities caps() const override;
  std::unique_ptr<sdk::connection> connect(const sdk::url& where) const override;
  /// What SQLite cannot ALTER in place goes through a rebuild; the rest is ANSI.
  std::vector<sdk::statement> render(const sdk::builtin_op& op, const sdk::schema& before) const override;
  /// A change that needs the rebuild and the changes to the same table after it: one rebuild.
  std::size_t render_together(const std::vector<const sdk::builtin_op*>& ops, const sdk::schema& before,
                              std::vector<sdk::statement>& out) const override;

 protected:
  const std::vector<std::pair<std::string, std::string>>& type_names() const override;
  std::string autoincrement_sql(const sdk::column&) const override;
  std::string default_sql(const std::string& value) const override;
  /// `[name]` and backticks, and sqlite3_complete()'s rule for CREATE TRIGGER … END.
  sdk::sql_syntax syntax() const override;

 private:
  // The operations SQLite renders its own way; any other goes to sql_dialect.
  std::vector<sdk::statement> own(const ops::add_column& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::drop_column& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::alter_column& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::create_unique& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::create_foreign_key& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::create_check& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::drop_constraint& o, const sdk::schema& before) const;
  std::vector<sdk::statement> own(const ops::alter_primary_key& o, const sdk::schema& before) const;
  template <class Op> std::vector<sdk::statement> own(const Op& o, const sdk::schema& before) const {
    return sdk::sql_dialect::render(o, before);
  }

  /// The rebuild that turns `table` into what `op` makes of it.
  std::vector<sdk::statement> rebuilt(const sdk::builtin_op& op, const std::string& table, const char* what,
                                      const sdk::schema& before) const;
  /// `in`: the schema the rebuilt table is made in (its enum types).
  std::vector<sdk::statement> rebuild(const sdk::table& before, const sdk::table& after, const sdk::schema& in,
                                      const moves& rows) const;
};

}  // namespace retort_sqlite
