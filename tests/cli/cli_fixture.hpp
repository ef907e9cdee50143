// cli_fixture.hpp — a project in a temporary directory, with the retort binary run in it against a
// SQLite file: what the CLI tests share.
#pragma once

#include "process.hpp"

#include <algorithm>

namespace retort_test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct cli : ::testing::Test {
  temp_dir dir;
  fs::path db = dir / "app.db";

  void SetUp() override { ASSERT_EQ(run(dir.path(), {"init", "migrations"}).code, 0); }

  void migration(const std::string& file, const std::string& text) { write(dir / "migrations/versions" / file, text); }
  result retort(const std::vector<std::string>& args, const env_list& env = {}) { return run(dir.path(), args, env); }

  /// users (a1) ← orders (b2).
  void chain() {
    migration("1_a1.toml", create_table_migration("a1", "", "users"));
    migration("2_b2.toml", create_table_migration("b2", "a1", "orders"));
  }
  /// users (a1) ← documents (b2, SQL) ← documents.title index (c3).
  void three_migrations() {
    migration("20260101_0000_a1_users.toml", create_table_migration("a1", "", "users"));
    migration("20260101_0001_b2_documents.sql",
              "-- retort:revision b2\n-- retort:down_revision a1\n-- retort:message documents\n-- retort:upgrade\n"
              "CREATE TABLE documents (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), title TEXT);\n"
              "-- retort:downgrade\nDROP TABLE documents;\n");
    migration("20260101_0002_c3_index.toml",
              "revision = \"c3\"\ndown_revision = \"b2\"\nmessage = \"index titles\"\n"
              "[[upgrade]]\nop = \"create_index\"\nname = \"ix_documents_title\"\ntable = \"documents\"\ncolumns = [\"title\"]\n");
  }
  /// The version table's rows; none before retort made it.
  std::vector<std::string> versions() {
    const auto t = fs::exists(db) ? tables(db) : std::vector<std::string>{};
    if (std::find(t.begin(), t.end(), "retort_version") == t.end()) return {};
    return column(db, "SELECT version_num FROM retort_version ORDER BY 1");
  }
  std::vector<std::vector<std::string>> history() {
    return query(db, "SELECT revision, direction, status FROM retort_history ORDER BY id");
  }
};


}  // namespace retort_test
