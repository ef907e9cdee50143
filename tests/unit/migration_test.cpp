// migration_test.cpp — migration files: headers, operations, SQL sections, and errors that name
// file:line:field.
#include "migration.hpp"
#include "support.hpp"

#include <retort/sdk/error.hpp>

using namespace retort_test;

namespace {

/// The built-in operations only.
using builtins = retort::op_catalog;

std::string body_error(const temp_dir& dir, const std::string& text) {
  write(dir / "m.toml", text);
  try {
    auto m = retort::read_migration_header(dir / "m.toml");
    retort::read_migration_body(m, builtins{});
  } catch (const retort::sdk::error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(migration_file, toml_header_and_operations) {
  temp_dir dir;
  write(dir / "a.toml", create_table_migration("a1b2c3", "", "users", "branch_labels = [\"core\"]\n"));
  auto m = retort::read_migration_header(dir / "a.toml");
  EXPECT_EQ(m.id, "a1b2c3");
  EXPECT_TRUE(m.parents.empty());
  EXPECT_EQ(m.branch_labels, std::vector<std::string>{"core"});
  EXPECT_EQ(m.message, "create users");
  EXPECT_TRUE(m.transactional);
  auto body = retort::read_migration_body(m, builtins{});
  ASSERT_EQ(body.upgrade.size(), 1u);
  EXPECT_EQ(body.upgrade[0]->name(), "create_table");
  EXPECT_FALSE(body.has_downgrade);
}

TEST(migration_file, merge_parents_as_an_array) {
  temp_dir dir;
  write(dir / "m.toml", "revision = \"m\"\ndown_revision = [\"a\", \"b\"]\ntransactional = false\n");
  auto m = retort::read_migration_header(dir / "m.toml");
  EXPECT_EQ(m.parents, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(m.transactional);
}

TEST(migration_file, header_with_a_bracket_line_in_a_multiline_string) {
  temp_dir dir;
  write(dir / "m.toml", "revision = \"x1\"\nmessage = \"\"\"first line\n[not a table]\n\"\"\"\n[[upgrade]]\nop = \"sql\"\nsql = \"SELECT 1\"\n");
  auto m = retort::read_migration_header(dir / "m.toml");
  EXPECT_EQ(m.id, "x1");
  EXPECT_EQ(m.message, "first line\n[not a table]\n");
}

TEST(migration_file, sql_file_sections) {
  temp_dir dir;
  write(dir / "s.sql",
        "-- retort:revision s1\n-- retort:down_revision a1 b1\n-- retort:message add things\n"
        "-- retort:transactional false\n-- a plain comment\n-- retort:upgrade\nCREATE TABLE t (id INTEGER);\n"
        "-- retort:downgrade\nDROP TABLE t;\n");
  auto m = retort::read_migration_header(dir / "s.sql");
  EXPECT_EQ(m.id, "s1");
  EXPECT_EQ(m.parents, (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(m.message, "add things");
  EXPECT_FALSE(m.transactional);
  EXPECT_EQ(m.format, retort::file_format::sql);
  auto body = retort::read_migration_body(m, builtins{});
  ASSERT_EQ(body.upgrade.size(), 1u);
  ASSERT_TRUE(body.has_downgrade);
  auto* op = dynamic_cast<retort::builtin_operation*>(body.upgrade[0].get());
  ASSERT_TRUE(op);
  auto& sql = std::get<retort::sdk::ops::sql>(op->op());
  // Each section starts with a newline for every line before it: the splitter's line numbers are
  // the file's.
  EXPECT_EQ(sql.text, std::string(6, '\n') + "CREATE TABLE t (id INTEGER);\n");
  ASSERT_TRUE(sql.down);
  EXPECT_EQ(*sql.down, std::string(8, '\n') + "DROP TABLE t;\n");
}

TEST(migration_file, sql_file_errors_name_the_line) {
  temp_dir dir;
  auto error_of = [&](const std::string& text) -> std::string {
    write(dir / "bad.sql", text);
    try {
      retort::read_migration_header(dir / "bad.sql");
    } catch (const retort::sdk::error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of("-- retort:revision r\n-- retort:upgrade\n-- retort:message late\n").find("bad.sql:3"), std::string::npos);
  EXPECT_NE(error_of("-- retort:revision r\n-- retort:colour blue\n-- retort:upgrade\n").find("bad.sql:2"), std::string::npos);
  EXPECT_NE(error_of("-- retort:message m\n-- retort:upgrade\n").find("revision"), std::string::npos);
  EXPECT_NE(error_of("-- retort:revision r\nCREATE TABLE x (a int);\n-- retort:upgrade\n").find("bad.sql:2"), std::string::npos);
  EXPECT_NE(error_of("-- retort:revision r\n").find("retort:upgrade"), std::string::npos);
  EXPECT_NE(error_of("-- retort:revision bad/id\n-- retort:upgrade\n").find("not a valid revision id"), std::string::npos);
}

TEST(migration_file, operation_errors_name_file_line_and_field) {
  temp_dir dir;
  std::string e = body_error(dir, "revision = \"r1\"\n[[upgrade]]\nop = \"create_tabel\"\ntable = \"t\"\n");
  EXPECT_NE(e.find("m.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown operation 'create_tabel'"), std::string::npos) << e;

  e = body_error(dir, "revision = \"r1\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [\n"
                      "  { name = \"id\", type = \"integer\" },\n  { name = \"x\", type = \"text\", nulable = false },\n]\n");
  EXPECT_NE(e.find("m.toml:7"), std::string::npos) << e;
  EXPECT_NE(e.find("'nulable'"), std::string::npos) << e;
  EXPECT_NE(e.find("revision r1"), std::string::npos) << e;

  e = body_error(dir, "revision = \"r1\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\n");
  EXPECT_NE(e.find("field 'column'"), std::string::npos) << e;
  EXPECT_NE(e.find("is required"), std::string::npos) << e;

  e = body_error(dir, "revision = \"r1\"\n[[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"t\"\ncolumns = \"a\"\nunique = \"yes\"\n");
  EXPECT_NE(e.find("m.toml:7"), std::string::npos) << e;
  EXPECT_NE(e.find("field 'unique'"), std::string::npos) << e;

  e = body_error(dir, "revision = \"r1\"\n[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk\"\ntable = \"t\"\n"
                      "columns = [\"a\"]\nreferences = \"other\"\n");
  EXPECT_NE(e.find("field 'references'"), std::string::npos) << e;

  e = body_error(dir, "revision = \"r 1\"\n");
  EXPECT_NE(e.find("m.toml:1"), std::string::npos) << e;
  EXPECT_NE(e.find("not a valid revision id"), std::string::npos) << e;

  e = body_error(dir, "revision = \"r1\"\nmesage = \"typo\"\n");
  EXPECT_NE(e.find("m.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("'mesage'"), std::string::npos) << e;
}

TEST(migration_file, directory_in_file_name_order_ignoring_other_files) {
  temp_dir dir;
  write(dir / "versions/20260102_0000_b_second.toml", create_table_migration("b", "a", "t2"));
  write(dir / "versions/20260101_0000_a_first.toml", create_table_migration("a", "", "t1"));
  write(dir / "versions/README.md", "not a migration");
  write(dir / "versions/.20260103_0000_c_hidden.toml", "garbage");
  auto all = retort::read_migrations(dir / "versions");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "a");
  EXPECT_EQ(all[1].id, "b");
  EXPECT_THROW(retort::read_migrations(dir / "nope"), retort::sdk::error);
}

TEST(migration_file, new_files_read_back) {
  temp_dir dir;
  retort::migration m;
  m.id = "abc123";
  m.parents = {"p1", "p2"};
  m.message = "a \"quoted\" message";
  m.branch_labels = {"lbl"};
  for (auto fmt : {retort::file_format::toml, retort::file_format::sql}) {
    m.format = fmt;
    auto file = dir / (fmt == retort::file_format::toml ? "n.toml" : "n.sql");
    write(file, retort::render_new_migration(m, "2026-01-01 00:00:00 UTC"));
    auto back = retort::read_migration_header(file);
    EXPECT_EQ(back.id, m.id);
    EXPECT_EQ(back.parents, m.parents);
    EXPECT_EQ(back.message, m.message);
    EXPECT_EQ(back.branch_labels, m.branch_labels);
    auto body = retort::read_migration_body(back, builtins{});
    EXPECT_TRUE(fmt == retort::file_format::sql || body.upgrade.empty());
  }
}

TEST(migration_file, the_fast_header_reader_agrees_with_toml) {
  temp_dir dir;
  struct header_case {
    std::string text;
    std::vector<std::string> parents;
    std::string message;
  };
  const std::vector<header_case> cases = {
      {"revision = 'r1'   # a literal string and a comment\ndown_revision = [\"a\", 'b',]\nmessage = \"plain\"\n", {"a", "b"}, "plain"},
      {"# leading comment\n\nrevision=\"r1\"\ndown_revision=[]\nmessage = \"with \\\"escapes\\\" \\u00e9\"\n", {}, "with \"escapes\" \u00e9"},
      {"revision = \"r1\"\ndown_revision = \"\"\nmessage = \"\"\"multi\nline\"\"\"\n", {}, "multi\nline"},
      {"revision = \"r1\"\ndown_revision = [\n  \"a\",\n]\n", {"a"}, ""},
  };
  for (const auto& c : cases) {
    write(dir / "h.toml", c.text + "\n[[upgrade]]\nop = \"sql\"\nsql = \"SELECT 1\"\n");
    auto m = retort::read_migration_header(dir / "h.toml");
    EXPECT_EQ(m.id, "r1") << c.text;
    EXPECT_EQ(m.parents, c.parents) << c.text;
    EXPECT_EQ(m.message, c.message) << c.text;
  }
  // Errors from the fast path name the line, as toml++'s do.
  write(dir / "h.toml", "message = \"m\"\nrevision = \"not valid!\"\n");
  try {
    retort::read_migration_header(dir / "h.toml");
    FAIL();
  } catch (const retort::sdk::error& e) {
    EXPECT_NE(std::string(e.what()).find("h.toml:2"), std::string::npos) << e.what();
  }
}

TEST(migration_file, durations_are_bounded_and_exact) {
  EXPECT_EQ(retort::parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(retort::parse_duration("5s"), std::chrono::milliseconds(5000));
  EXPECT_EQ(retort::parse_duration("2min"), std::chrono::milliseconds(120000));
  EXPECT_EQ(retort::parse_duration("2m"), std::chrono::milliseconds(120000));
  EXPECT_EQ(retort::parse_duration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(retort::parse_duration("250"), std::chrono::milliseconds(250));
  EXPECT_EQ(retort::parse_duration("0.5", nullptr, std::chrono::seconds(1)), std::chrono::milliseconds(500));  // CLI
  EXPECT_EQ(retort::parse_duration("168h"), std::chrono::hours(168));
  for (const char* bad : {"", "s", ".s", "-1s", "5 fortnights", "nan", "inf", "-inf", "1e3", "1.2.3s", "+5s"})
    EXPECT_FALSE(retort::parse_duration(bad)) << bad;
  std::string why;
  for (const char* far : {"99999999999999999999s", "9999999999999999h", "169h"}) {
    EXPECT_FALSE(retort::parse_duration(far, &why)) << far;
    EXPECT_NE(why.find("from 0 to 168h"), std::string::npos) << why;
  }
  EXPECT_FALSE(retort::parse_duration("-5", &why));
  EXPECT_EQ(why, "'-5' is negative: durations go from 0 to 168h (7 days)");
}

TEST(migration_file, an_empty_server_default_is_refused) {
  temp_dir dir;
  std::string e = body_error(dir, "revision = \"r1\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\n"
                                  "column = { name = \"c\", type = \"text\", server_default = \"\" }\n");
  EXPECT_NE(e.find("server_default"), std::string::npos) << e;
  EXPECT_NE(e.find("is empty"), std::string::npos) << e;
}
