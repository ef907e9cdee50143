// check_test.cpp — `retort check`: the schema model against the database (SQLite here) and, with
// --offline, against what the migrations project; differences on lines, exit 3; model errors name
// file:line:field.
#include "cli_fixture.hpp"
#include "example_check.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

struct check : cli {
  void model(const std::string& text) { write(dir / "migrations/schema.toml", text); }
  void users_migration() {
    migration("1_a1.toml", "revision = \"a1\"\ndown_revision = \"\"\n"
                           "[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\n"
                           "columns = [ { name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true },\n"
                           "            { name = \"email\", type = \"string(320)\", nullable = false },\n"
                           "            { name = \"team_id\", type = \"integer\", references = \"teams.id\" } ]\n"
                           "indexes = [ { name = \"ux_users_email\", columns = [\"email\"], unique = true } ]\n"
                           "[[upgrade]]\nop = \"create_table\"\ntable = \"teams\"\n"
                           "columns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  }
  /// The model of users_migration, in the model's own vocabulary (a named foreign key, INT).
  std::string users_model(const std::string& email = "string(320)", const std::string& extra = "") {
    return "[[table]]\nname = \"users\"\n"
           "columns = [ { name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true },\n"
           "            { name = \"email\", type = \"" + email + "\", nullable = false },\n"
           "            { name = \"team_id\", type = \"INT\" }" + extra + " ]\n"
           "indexes = [ { name = \"ux_users_email\", columns = [\"email\"], unique = true } ]\n"
           "foreign_keys = [ { name = \"fk_users_team_id\", columns = [\"team_id\"], references = \"teams.id\" } ]\n"
           "[[table]]\nname = \"teams\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n";
  }
};

TEST_F(check, a_model_that_matches_is_clean_online_and_offline) {
  users_migration();
  model(users_model());
  auto r = retort({"check", "--offline"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "No differences between the model (migrations/schema.toml) and the migrations up to a1.")) << r.err;
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  r = retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // SQLite's unnamed inline key and its INTEGER rowid match
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(check, each_difference_is_a_line_and_exit_3) {
  users_migration();
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  // email longer, a column added, one renamed (the same type gone and come), a table more.
  model(users_model("string(400)", ", { name = \"nickname\", type = \"text\" }") +
        "[[table]]\nname = \"audit\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  auto r = retort({"check"});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.out, "+ table audit (1 column(s))")) << r.out;
  EXPECT_TRUE(contains(r.out, "~ column users.email: string(320) not null in the database, string(400) not null in the model"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "+ column users.nickname: text")) << r.out;
  r = retort({"check", "--offline", "--json"});
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(contains(r.out, "{\"against\": \"the migrations up to a1\", \"differences\": [\"+ table audit")) << r.out;
  // A column dropped and one added with its type: maybe a rename, said, not decided.
  std::string renamed = users_model();
  renamed.replace(renamed.find("\"email\""), 7, "\"mail\"");
  renamed.replace(renamed.find("columns = [\"email\"]"), 19, "columns = [\"mail\"]");
  model(renamed);
  r = retort({"check"});
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(contains(r.out, "- column users.email: string(320) not null")) << r.out;
  EXPECT_TRUE(contains(r.out, "+ column users.mail: string(320) not null")) << r.out;
  EXPECT_TRUE(contains(r.out, "? column users.email may be users.mail renamed")) << r.out;
}

TEST_F(check, a_bad_model_is_refused_naming_file_line_and_field) {
  users_migration();
  model("[[table]]\nname = \"users\"\ncolumns = [ { name = \"id\", typo = \"integer\" } ]\n");
  auto r = retort({"check", "--offline"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "schema.toml:3:")) << r.err;
  EXPECT_TRUE(contains(r.err, "typo")) << r.err;
  model("[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\" } ]\n"
        "[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\" } ]\n");
  r = retort({"check", "--offline"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "table 't' is declared twice (first at")) << r.err;
}

TEST_F(check, the_example_project_matches_its_model_online_and_offline) {
  // The repository's example, on SQLite: after `upgrade`, the database is what schema.toml says; and
  // so are its migrations, projected without a database.
  expect_example_matches_its_model(dir.path(), "sqlite:///" + (dir / "example.db").string());
  write(dir / "example/schema.toml", slurp(fs::path(RETORT_SOURCE_DIR) / "migrations/schema.toml"));
  auto r = run(dir / "example", {"check", "--offline"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "No differences between the model (schema.toml) and the migrations up to d8a2b5c9e346.")) << r.err;
}

TEST_F(check, a_model_may_be_a_directory_of_files_read_in_name_order) {
  users_migration();
  const std::string m = users_model();
  const auto teams = m.find("[[table]]\nname = \"teams\"");
  fs::create_directories(dir / "model");
  write(dir / "model/10_users.toml", m.substr(0, teams));
  write(dir / "model/20_teams.toml", m.substr(teams));
  write(dir / "model/notes.txt", "not a model");
  write(dir / "retort.toml", slurp(dir / "retort.toml") + "\nmodel = \"model\"\n");
  auto r = retort({"check", "--offline"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  write(dir / "model/30_again.toml", m.substr(teams));
  r = retort({"check", "--offline"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "30_again.toml:2:") && contains(r.err, "table 'teams' is declared twice (first at") &&
              contains(r.err, "20_teams.toml:1"))
      << r.err;
}

TEST_F(check, a_model_naming_what_is_not_there_is_refused_naming_the_table) {
  auto refused = [&](const std::string& text, const std::string& why) {
    model(text);
    auto r = retort({"check", "--offline"});
    EXPECT_EQ(r.code, 2) << text;
    EXPECT_TRUE(contains(r.err, "schema.toml:") && contains(r.err, ": schema model: table ") && contains(r.err, why)) << r.err;
  };
  const std::string t = "[[table]]\nname = \"t\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n";
  refused(t + "indexes = [ { name = \"ix\", columns = [\"nope\"] } ]\n", "index 'ix' names column 'nope'");
  refused(t + "uniques = [ { name = \"uq\", columns = [\"nope\"] } ]\n", "unique 'uq' names column 'nope'");
  refused(t + "foreign_keys = [ { name = \"fk\", columns = [\"id\"], references = \"t(nope)\" } ]\n",
          "foreign key 'fk' references t(nope), which has no such column");
  refused(t + "indexes = [ { name = \"ix\", columns = [\"id\"] } ]\n[[table]]\nname = \"u\"\n"
              "columns = [ { name = \"id\", type = \"integer\" } ]\nindexes = [ { name = \"ix\", columns = [\"id\"] } ]\n",
          "index 'ix' is also an index of table 't'");
}

TEST_F(check, a_table_whose_name_only_looks_like_sqlites_own_is_seen) {
  model("[[table]]\nname = \"sqlitemeta\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  ASSERT_EQ(retort({"revision", "--autogenerate", "-m", "meta"}).code, 0);
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  exec(db, "CREATE INDEX ix_expr ON sqlitemeta (abs(id))");  // an expression: not the model's to say
  auto r = retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST_F(check, raw_sql_is_named_as_what_the_projection_cannot_see) {
  three_migrations();  // b2 is an SQL file
  model("[[table]]\nname = \"users\"\ncolumns = [ { name = \"id\", type = \"integer\", primary_key = true } ]\n");
  auto r = retort({"check", "--offline"});
  EXPECT_TRUE(contains(r.err, "cannot see into the raw SQL of revision(s) b2")) << r.err;
}

}  // namespace
}  // namespace retort_test
