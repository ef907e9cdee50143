// toml_depth_test.cpp — TOML nested too deep for toml++ or for retort is refused with file:line,
// never a crash (issue item 8: 6 000 levels of dotted keys overflowed the stack), and ordinary
// nesting still reads.
#include "toml_value.hpp"

#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

#include <string>

using retort::parse_toml;

namespace {

std::string dotted(int parts, const std::string& key = "a") {
  std::string out = key;
  for (int i = 1; i < parts; ++i) out += "." + key;
  return out;
}
std::string nested_arrays(int levels) { return std::string(levels, '[') + std::string(levels, ']'); }
std::string nested_tables(int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += "{a = ";
  return out + "1" + std::string(levels, '}');
}

/// The message parse_toml refuses `text` with, or "" when it reads it.
std::string refusal(const std::string& text) {
  try {
    parse_toml(text, "deep.toml");
  } catch (const retort::sdk::error& e) {
    EXPECT_EQ(e.kind(), retort::sdk::error_kind::input);
    return e.what();
  }
  return "";
}

/// How deep the first path of single-member tables and arrays goes.
int depth_of(const retort::sdk::value& v) {
  if (const auto* t = v.table()) return t->empty() ? 0 : 1 + depth_of(t->front().second);
  if (const auto* a = v.array()) return a->empty() ? 0 : 1 + depth_of(a->front());
  return 0;
}

}  // namespace

TEST(toml_depth, six_thousand_levels_are_refused_with_file_line_and_the_limit) {
  for (const std::string& text : {dotted(6000) + " = 1\n", "x = " + nested_arrays(6000) + "\n",
                                  "x = " + nested_tables(6000) + "\n", "[" + dotted(6000) + "]\nx = 1\n",
                                  "[[" + dotted(6000) + "]]\nx = 1\n", "x = {" + dotted(6000, "b") + " = 1}\n"}) {
    std::string e = refusal(text);
    EXPECT_EQ(e.rfind("deep.toml:1: ", 0), 0u) << text.substr(0, 40) << ": " << e;
    EXPECT_NE(e.find("more than 64 levels"), std::string::npos) << e;
  }
}

TEST(toml_depth, what_toml_plus_plus_cannot_survive_never_reaches_it) {
  // 100 000 dotted parts overflow toml++'s own stack while it parses (35 000 already do with Debian's
  // libtomlplusplus 3.3): refused before it is called.
  std::string e = refusal("revision = \"r1\"\n\n" + dotted(100000) + " = 1\n");
  EXPECT_EQ(e.rfind("deep.toml:3: ", 0), 0u) << e;
  e = refusal("x = [\n  1,\n  " + nested_arrays(100000) + "\n]\n");
  EXPECT_EQ(e.rfind("deep.toml:3: ", 0), 0u) << e;
}

TEST(toml_depth, the_limit_is_64_levels) {
  EXPECT_EQ(refusal(dotted(64) + " = 1\n"), "");
  EXPECT_NE(refusal(dotted(65) + " = 1\n"), "");
  EXPECT_EQ(refusal("[" + dotted(60) + "]\n" + dotted(4) + " = 1\n"), "");
  EXPECT_NE(refusal("[" + dotted(60) + "]\n" + dotted(5) + " = 1\n"), "");
  // Arrays of tables in a header add a level each that the key does not show: toml++ builds them,
  // the conversion counts them and names the line.
  std::string chain;
  for (int i = 1; i <= 40; ++i) chain += "[[" + dotted(i) + "]]\n";
  std::string e = refusal(chain);
  EXPECT_NE(e.find("more than 64 levels"), std::string::npos) << e;
  EXPECT_EQ(e.rfind("deep.toml:33: ", 0), 0u) << e;
}

TEST(toml_depth, ten_levels_read_normally) {
  auto root = parse_toml(dotted(10) + " = 1\n", "deep.toml");
  EXPECT_EQ(depth_of(root), 10);
  root = parse_toml("x = " + nested_arrays(9) + "\n", "deep.toml");
  EXPECT_EQ(depth_of(root), 9);  // x and 8 arrays holding one each; the innermost is empty
  root = parse_toml("x = " + nested_tables(9) + "\n", "deep.toml");
  EXPECT_EQ(depth_of(root), 10);
  root = parse_toml("[" + dotted(5) + "]\n" + dotted(5, "b") + " = [[1]]\n", "deep.toml");
  EXPECT_EQ(depth_of(root), 12);
}

TEST(toml_depth, dots_and_brackets_in_strings_and_comments_do_not_count) {
  const std::string many = dotted(500) + nested_arrays(500) + "{{{{";
  const std::string text = "a = \"" + many + "\"\n"
                           "b = '" + many + "'\n"
                           "c = \"\"\"\n" + many + "\n\"quoted\" \\\"\"\" " + many + "\"\"\"\n"
                           "d = '''" + many + "\n'''\n"
                           "# " + many + "\n"
                           "\"" + dotted(100) + "\" = [\"" + many + "\", # " + many + "\n  '" + many + "']\n"
                           "e = 1.5\n[t]\nf = 1979-05-27T07:32:00.5Z\n";
  auto root = parse_toml(text, "strings.toml");
  ASSERT_TRUE(root.table());
  EXPECT_EQ(root.table()->size(), 7u);
  EXPECT_EQ(*root.find("a")->string(), many);
  EXPECT_EQ(root.find(dotted(100))->array()->size(), 2u);
}
