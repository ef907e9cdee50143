// ops/alter_column.hpp — changes a column's type, nullability, default or name.
#pragma once

#include <retort/sdk/ops/common.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::alter_column> {
  static constexpr std::string_view name = "alter_column";

  static ops::alter_column parse(const fields& f) {
    f.only({"table", "column", "type", "nullable", "server_default", "rename_to"});
    ops::alter_column a{f.required_string("table"), f.required_string("column"), {}, {}, {}, {}};
    a.type = f.optional_string("type");
    if (f.find("nullable")) a.nullable = f.boolean("nullable", true);
    if (const value* d = f.find("server_default")) {
      // `server_default = false` drops the default; a string sets it.
      if (auto* b = d->get_if<bool>(); b && !*b) a.server_default = std::optional<std::string>();
      else a.server_default = f.optional_string("server_default");
      if (a.server_default && *a.server_default && (*a.server_default)->empty())
        f.fail(*d, "server_default", "is empty; write false to drop the default, or the SQL (\"''\" for an empty string)");
    }
    a.rename_to = f.optional_string("rename_to");
    if (!a.type && !a.nullable && !a.server_default && !a.rename_to)
      f.fail(f.self(), "", "alter_column changes nothing: give type, nullable, server_default or rename_to");
    return a;
  }
  /// What it changed, back as the column was.
  static std::vector<builtin_op> inverse(const ops::alter_column& o, const schema& before) {
    const table* t = before.find(o.table);
    const column* c = t ? t->find_column(o.column) : nullptr;
    if (!c) return {};
    ops::alter_column back{o.table, o.rename_to.value_or(o.column), {}, {}, {}, {}};
    if (o.type) back.type = c->type;
    if (o.nullable) back.nullable = c->nullable;
    if (o.server_default) back.server_default = c->server_default;
    if (o.rename_to) back.rename_to = o.column;
    return {back};
  }
  static void apply(const ops::alter_column& o, schema& s) {
    auto* t = s.find(o.table);
    if (!t) return;
    for (auto& c : t->columns) {
      if (c.name != o.column) continue;
      if (o.type) c.type = *o.type;
      if (o.nullable) c.nullable = *o.nullable;
      if (o.server_default) c.server_default = *o.server_default;
      if (o.rename_to) c.name = *o.rename_to;
    }
    if (o.rename_to)
      for (auto& ix : t->indexes)
        for (auto& col : ix.columns)
          if (col == o.column) col = *o.rename_to;
  }
  template <class Sql> static std::vector<statement> sql(const ops::alter_column& o, const Sql& d, const schema&) {
    std::vector<statement> out;
    const std::string col = d.alter(o.table) + "ALTER COLUMN " + d.quote_identifier(o.column) + " ";
    // USING: what the column holds converted the way CAST converts it (PostgreSQL converts without
    // it only where an assignment would: not text to integer).
    if (o.type)
      out.push_back({col + "TYPE " + d.render_type(*o.type) + " USING CAST(" + d.quote_identifier(o.column) + " AS " +
                         d.render_type(*o.type) + ")",
                     true});
    if (o.nullable) out.push_back({col + (*o.nullable ? "DROP NOT NULL" : "SET NOT NULL"), true});
    if (o.server_default)
      out.push_back({col + (*o.server_default ? "SET DEFAULT " + d.default_sql(**o.server_default) : "DROP DEFAULT"), true});
    if (o.rename_to)
      out.push_back({d.alter(o.table) + "RENAME COLUMN " + d.quote_identifier(o.column) + " TO " + d.quote_identifier(*o.rename_to),
                     true});
    return out;
  }
};

}  // namespace retort::sdk
