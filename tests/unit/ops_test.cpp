// ops_test.cpp — the built-in operations as registered in builtin_ops.hpp: every alternative of
// builtin_op has a unique name the catalog knows, and each reversible operation's inverse, applied
// after it, gives back the schema it started from.
#include "operations.hpp"
#include "schema_support.hpp"

#include <retort/sdk/builtin_ops.hpp>

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace sdk = retort::sdk;
namespace ops = retort::sdk::ops;
using retort_test::column_def;

namespace {

/// Everything the neutral model holds, in a stable order, so two schemas compare as text.
std::string dump(const sdk::schema& s) {
  std::ostringstream out;
  for (const auto& [name, t] : s.tables) {
    out << "table " << name << " pk(";
    for (const auto& k : t.primary_key) out << k << ",";
    out << ")\n";
    for (const auto& c : t.columns)
      out << "  column " << c.name << " " << c.type << (c.nullable ? " null" : " not-null") << (c.primary_key ? " pk" : "")
          << (c.unique ? " unique" : "") << " default=" << c.server_default.value_or("-") << " ref=" << c.references.value_or("-")
          << "\n";
    for (const auto& ix : t.indexes) {
      out << "  index " << ix.name << " on " << ix.table << (ix.unique ? " unique" : "") << " (";
      for (const auto& c : ix.columns) out << c << ",";
      out << ")\n";
    }
    for (const auto& u : t.uniques) out << "  unique " << u.name << "\n";
    for (const auto& fk : t.foreign_keys) out << "  fk " << fk.name << " -> " << fk.ref_table << "\n";
    for (const auto& ck : t.checks) out << "  check " << ck.name << " " << ck.sql << "\n";
  }
  return out.str();
}

/// users(id, email unique-indexed) and documents(id, user_id → users, title).
sdk::schema start() {
  sdk::schema s;
  sdk::table users{"users", {column_def("id", "bigint", false), column_def("email", "string(255)")}, {}, {}, {}, {}, {}};
  users.columns[0].primary_key = true;
  users.indexes.push_back({"ix_users_email", "users", {"email"}, true});
  sdk::table docs{"documents", {column_def("id", "bigint", false), column_def("user_id", "bigint"), column_def("title", "text")}, {}, {}, {},
                  {}, {}};
  docs.foreign_keys.push_back({"fk_documents_user", {"user_id"}, "users", {"id"}, {}, {}});
  docs.checks.push_back({"ck_title", "length(title) > 0"});
  s.tables["users"] = users;
  s.tables["documents"] = docs;
  return s;
}

}  // namespace

TEST(builtin_ops, every_alternative_has_a_unique_name_the_catalog_knows) {
  std::set<std::string_view> seen;
  for (std::string_view n : sdk::builtin_names) {
    EXPECT_TRUE(seen.insert(n).second) << n << " twice";
    EXPECT_FALSE(n.empty());
    EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string_view::npos) << n;
    const auto* type = retort::builtin_operation_type(n);
    ASSERT_NE(type, nullptr) << n;
    EXPECT_EQ(type->name(), n);
  }
  EXPECT_EQ(seen.size(), std::variant_size_v<sdk::builtin_op>);
  EXPECT_EQ(retort::builtin_operation_names().size(), std::variant_size_v<sdk::builtin_op>);
}

TEST(builtin_ops, each_inverse_undoes_its_operation_on_the_schema) {
  const std::vector<sdk::builtin_op> all = {
      ops::create_table{{"tags", {column_def("id", "integer", false), column_def("label", "text")}, {}, {}, {}, {}, {}}},
      ops::drop_table{"documents"},
      ops::rename_table{"documents", "papers"},
      ops::add_column{"users", column_def("name", "string(80)")},
      ops::drop_column{"documents", "title"},
      ops::drop_column{"users", "email"},  // its index goes with it, and comes back
      ops::alter_column{"users", "email", std::string("text"), false, std::optional<std::string>("'none'"), std::string("mail")},
      ops::create_index{{"ix_documents_title", "documents", {"title"}, false}},
      ops::drop_index{"ix_users_email", "users"},
      ops::create_unique{"documents", {"uq_documents_title", {"title"}}},
      ops::create_foreign_key{"documents", {"fk_documents_again", {"user_id"}, "users", {"id"}, {}, {}}},
      ops::create_check{"users", {"ck_email", "email <> ''"}},
      ops::drop_constraint{"fk_documents_user", "documents"},
      ops::drop_constraint{"ck_title", "documents"},
  };
  for (const auto& op : all) {
    const sdk::schema before = start();
    sdk::schema s = before;
    sdk::apply(op, s);
    EXPECT_NE(dump(s), dump(before)) << sdk::op_name(op) << " changed nothing";
    auto back = sdk::inverse(op, before);
    ASSERT_FALSE(back.empty()) << sdk::op_name(op) << " has no inverse";
    for (const auto& b : back) sdk::apply(b, s);
    EXPECT_EQ(dump(s), dump(before)) << sdk::op_name(op) << " then " << sdk::op_name(back.front());
  }
}

TEST(builtin_ops, an_operation_on_what_the_schema_does_not_know_has_no_inverse) {
  const sdk::schema none;
  EXPECT_TRUE(sdk::inverse(ops::drop_table{"ghost"}, none).empty());
  EXPECT_TRUE(sdk::inverse(ops::drop_column{"ghost", "c"}, none).empty());
  EXPECT_TRUE(sdk::inverse(ops::drop_index{"ix", "ghost"}, none).empty());
  EXPECT_TRUE(sdk::inverse(ops::drop_constraint{"ck", "ghost"}, none).empty());
  EXPECT_TRUE(sdk::inverse(ops::sql{"SELECT 1", {}, {}}, none).empty());
  EXPECT_EQ(sdk::inverse(ops::sql{"SELECT 1", {}, std::string("SELECT 2")}, none).size(), 1u);
}
