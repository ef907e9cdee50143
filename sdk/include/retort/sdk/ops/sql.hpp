// ops/sql.hpp — raw SQL, split into statements by the dialect; reversible when it says how (`down`).
#pragma once

#include <retort/sdk/ops/common.hpp>
#include <retort/sdk/sql_lexer.hpp>

namespace retort::sdk {

template <> struct op_traits<ops::sql> {
  static constexpr std::string_view name = "sql";

  static ops::sql parse(const fields& f) {
    f.only({"sql", "dialect", "down"});
    f.required_string("sql");
    return {*detail::sql_field(f, "sql"), f.optional_string("dialect"), detail::sql_field(f, "down")};
  }
  static std::vector<builtin_op> inverse(const ops::sql& o, const schema&) {
    if (!o.down) return {};
    return {ops::sql{*o.down, o.dialect, o.text}};
  }
  /// What SQL does the model cannot follow: later checks know the projection may be incomplete.
  static void apply(const ops::sql&, schema& s) { s.opaque = true; }
  template <class Sql> static std::vector<statement> sql(const ops::sql& o, const Sql& d, const schema&) {
    std::vector<statement> out;
    for (auto& s : d.split_statements(o.text)) {
      // A COMMIT in a migration would end the runner's transaction and leave the rest unguarded.
      const auto words = leading_words(s, d.syntax(), 1);
      const std::string w = words.empty() ? std::string() : words.front();
      if (w == "begin" || w == "commit" || w == "rollback" || w == "end" || w == "start" || w == "abort")
        throw error(error_kind::input, "transaction control (`" + s.substr(0, 40) +
                                           "`) is not allowed in a migration: retort runs each migration in a "
                                           "transaction of its own; for statements that must run outside one, mark "
                                           "the migration transactional = false");
      const bool txn = d.transactional(s);
      out.push_back({std::move(s), txn});
    }
    return out;
  }
};

}  // namespace retort::sdk
