// plan_file_test.cpp — the JSON a plan is written in, read back: every escape and number JSON has,
// errors at file:line:column, and a plan that reads back as itself, statement by statement.
#include "json_value.hpp"
#include "plan_file.hpp"

#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

namespace {

using retort::json::parse;
using retort::json::value;

std::string error_of(const std::string& text) {
  try {
    parse(text, "p.json");
  } catch (const retort::sdk::error& e) {
    EXPECT_EQ(e.kind(), retort::sdk::error_kind::input);
    return e.what();
  }
  return "no error";
}

TEST(json, reads_every_kind_of_value_and_escape) {
  const value v = parse(" {\"a\": [0, -1.5e2, 12, true, false, null],\n \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"} ",
                        "p.json");
  ASSERT_EQ(v.t, value::type::object);
  const auto& a = v.find("a")->items;
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[0].number, 0);
  EXPECT_EQ(a[1].number, -150);
  EXPECT_EQ(a[2].number, 12);
  EXPECT_TRUE(a[3].boolean);
  EXPECT_EQ(a[4].t, value::type::boolean);
  EXPECT_EQ(a[5].t, value::type::null);
  EXPECT_EQ(v.find("s")->text, "q\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v.find("s")->line, 2);
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(json, what_is_not_json_is_refused_at_its_line_and_column) {
  EXPECT_EQ(error_of("{\"a\": 1,}"), "p.json:1:9: expected a member name in double quotes");
  EXPECT_EQ(error_of("{\n\"a\": 01}"), "p.json:2:7: expected ',' or '}' in an object");
  EXPECT_EQ(error_of("[1 2]"), "p.json:1:4: expected ',' or ']' in an array");
  EXPECT_EQ(error_of("\"\\ud83d\""), "p.json:1:8: a high surrogate without its low one");
  EXPECT_EQ(error_of("\"\\x\""), "p.json:1:3: an unknown escape '\\x'");
  EXPECT_EQ(error_of("\"a\nb\""), "p.json:1:3: a control character inside a string");
  EXPECT_EQ(error_of("1 2"), "p.json:1:3: text after the end of the document");
  EXPECT_EQ(error_of(""), "p.json:1:1: the document ends where a value should be");
  EXPECT_EQ(error_of("-"), "p.json:1:2: a number needs digits");
  EXPECT_EQ(error_of("tru"), "p.json:1:1: unexpected character 't'");
  EXPECT_EQ(error_of(std::string(65, '[') + std::string(65, ']')), "p.json:1:65: nested more than 64 levels deep");
  EXPECT_EQ(error_of(std::string(64, '[') + std::string(64, ']')), "no error");
}

TEST(plan_file, a_plan_reads_back_as_itself) {
  retort::plan_file p;
  p.retort_version = "1.2.3";
  p.created = "2026-12-02 10:00:00.000";
  p.dialect = "postgresql";
  p.database = "postgresql://app:***@db/app";
  p.version_table = "retort_version";
  p.target = "head";
  p.defaults.lock_timeout = std::chrono::milliseconds(5000);
  p.rows = {"a1"};
  p.heads_from = {"a1"};
  p.to = {"b2"};
  retort::planned_step s;
  s.revision = "b2";
  s.message = "tab\there, quote \" and é";
  s.file = "migrations/versions/2_b2.sql";
  s.file_sha256 = std::string(64, 'f');
  s.heads_before = {"a1"};
  s.heads_after = {"b2"};
  s.journaled = true;
  s.segments = {{true, {{"SET lock_timeout = '5s'", true, "", ""}, {"DROP TABLE t", true, "sql", "raw SQL: DROP TABLE"}}},
                {false, {{"CREATE INDEX CONCURRENTLY i ON u (x)", false, "sql", ""}}}};
  p.steps = {s};
  const auto text = retort::plan_json(p);
  const auto back = retort::read_plan(text, "p.json");
  EXPECT_EQ(retort::plan_json(back), text);
  ASSERT_EQ(back.steps.size(), 1u);
  EXPECT_EQ(back.steps[0].message, s.message);
  EXPECT_EQ(back.steps[0].segments[1].statements[0].sql, "CREATE INDEX CONCURRENTLY i ON u (x)");
  EXPECT_FALSE(back.steps[0].segments[1].transaction);
  EXPECT_EQ(back.steps[0].segments[0].statements[1].destructive, "raw SQL: DROP TABLE");
  EXPECT_EQ(*back.defaults.lock_timeout, std::chrono::milliseconds(5000));
  EXPECT_FALSE(back.defaults.statement_timeout);
}

TEST(plan_file, destructive_statements_are_told_by_their_operation_or_their_sql) {
  using retort::destructive;
  EXPECT_EQ(destructive("drop_table", {"DROP TABLE x", true}), "drops a table and its rows");
  EXPECT_EQ(destructive("alter_column", {"DROP TABLE x", true}), "");  // a rebuild's own drop keeps the rows
  EXPECT_EQ(destructive("sql", {"-- tidy\n  truncate  audit", true}), "raw SQL: TRUNCATE");
  EXPECT_EQ(destructive("sql", {"/* x */ alter table t\n drop column c", true}), "raw SQL: ALTER TABLE … DROP COLUMN");
  EXPECT_EQ(destructive("sql", {"ALTER TABLE t ADD COLUMN c int", true}), "");
  EXPECT_EQ(destructive("sql", {"delete from t where id = 1", true}), "raw SQL: DELETE");
}

}  // namespace
