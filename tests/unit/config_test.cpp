// config_test.cpp — retort.toml: defaults, paths, refusals with file:line:field, URL precedence.
#include "config.hpp"
#include "support.hpp"

#include <retort/sdk/error.hpp>

#include <cstdlib>

using namespace retort_test;

namespace {
std::string load_error(const temp_dir& dir, const std::string& text) {
  write(dir / "retort.toml", text);
  try {
    retort::load_config(dir / "retort.toml");
  } catch (const retort::sdk::error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(config, defaults_and_paths_relative_to_the_file) {
  temp_dir dir;
  write(dir / "proj/retort.toml", "script_location = \"db\"\nplugin_paths = [\"plugins\"]\n");
  auto cfg = retort::load_config(dir / "proj/retort.toml");
  EXPECT_EQ(cfg.script_location, dir / "proj/db");
  EXPECT_EQ(cfg.versions_dir(), dir / "proj/db/versions");
  EXPECT_EQ(cfg.model, dir / "proj/db/schema.toml");
  EXPECT_EQ(cfg.version_table, "retort_version");
  EXPECT_EQ(cfg.history_table, "retort_history");
  ASSERT_EQ(cfg.plugin_paths.size(), 1u);
  EXPECT_EQ(cfg.plugin_paths[0], dir / "proj/plugins");
  EXPECT_EQ(cfg.mode, retort::transaction_mode::per_migration);
  EXPECT_FALSE(cfg.default_url);
}

TEST(config, durations_as_on_the_command_line) {
  temp_dir dir;
  write(dir / "retort.toml", "lock_timeout = \"2m\"\nstatement_timeout = \"1.5s\"\n");
  auto cfg = retort::load_config(dir / "retort.toml");
  EXPECT_EQ(cfg.lock_timeout, std::chrono::minutes(2));
  EXPECT_EQ(cfg.statement_timeout, std::chrono::milliseconds(1500));
}

TEST(config, alembic_version_table_can_be_adopted) {
  temp_dir dir;
  write(dir / "retort.toml", "version_table = \"alembic_version\"\ntransaction_mode = \"all\"\n");
  auto cfg = retort::load_config(dir / "retort.toml");
  EXPECT_EQ(cfg.version_table, "alembic_version");
  EXPECT_EQ(cfg.mode, retort::transaction_mode::all);
}

TEST(config, errors_name_file_line_and_field) {
  temp_dir dir;
  std::string e = load_error(dir, "script_location = \"m\"\nversion_tabel = \"v\"\n");
  EXPECT_NE(e.find("retort.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("version_tabel"), std::string::npos) << e;
  e = load_error(dir, "\ntransaction_mode = \"sometimes\"\n");
  EXPECT_NE(e.find("retort.toml:2"), std::string::npos) << e;
  EXPECT_NE(e.find("transaction_mode"), std::string::npos) << e;
  e = load_error(dir, "version_table = \"bad name; drop\"\n");
  EXPECT_NE(e.find("version_table"), std::string::npos) << e;
  e = load_error(dir, "version_table = 3\n");
  EXPECT_NE(e.find("expected a string"), std::string::npos) << e;
  e = load_error(dir, "version_tabel = \"v\"\n");
  EXPECT_NE(e.find("did you mean 'version_table'?"), std::string::npos) << e;
  e = load_error(dir, "\n\nlock_timeout = \"8d\"\n");
  EXPECT_NE(e.find("retort.toml:3: configuration: field 'lock_timeout': '8d' is not a duration"), std::string::npos) << e;
  e = load_error(dir, "statement_timeout = \"200h\"\n");
  EXPECT_NE(e.find("'200h' is out of range: durations go from 0 to 168h"), std::string::npos) << e;
  // The two tables one: named on whichever key the file sets (found by fuzz_config, when only
  // version_table was set and the error pointed at a history_table that was not there).
  e = load_error(dir, "\nversion_table = \"retort_history\"\n");
  EXPECT_NE(e.find("retort.toml:2: configuration: field 'version_table': version_table names the same table as "
                   "history_table"),
            std::string::npos)
      << e;
  e = load_error(dir, "version_table = \"v\"\nhistory_table = \"v\"\n");
  EXPECT_NE(e.find("retort.toml:2: configuration: field 'history_table': history_table names the same table as "
                   "version_table"),
            std::string::npos)
      << e;
  e = load_error(dir, "script_location = \"unterminated\n");
  EXPECT_NE(e.find("retort.toml:1"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid TOML"), std::string::npos) << e;
}

TEST(config, default_url_with_a_password_is_refused_without_showing_it) {
  temp_dir dir;
  std::string e = load_error(dir, "default_url = \"postgresql://app:Sup3rS3cret@db/app\"\n");
  EXPECT_NE(e.find("retort.toml:1"), std::string::npos) << e;
  EXPECT_NE(e.find("default_url"), std::string::npos) << e;
  EXPECT_NE(e.find("DATABASE_URL"), std::string::npos) << e;
  EXPECT_EQ(e.find("Sup3rS3cret"), std::string::npos) << e;
}

TEST(config, url_precedence_flag_then_environment_then_default) {
  temp_dir dir;
  write(dir / "retort.toml", "default_url = \"sqlite:///from-config.db\"\n");
  auto cfg = retort::load_config(dir / "retort.toml");
  ::unsetenv("DATABASE_URL");
  EXPECT_EQ(retort::choose_url(std::nullopt, &cfg).database, "from-config.db");
  ::setenv("DATABASE_URL", "sqlite:///from-env.db", 1);
  EXPECT_EQ(retort::choose_url(std::nullopt, &cfg).database, "from-env.db");
  EXPECT_EQ(retort::choose_url(std::string("sqlite:///from-flag.db"), &cfg).database, "from-flag.db");
  ::unsetenv("DATABASE_URL");
  EXPECT_THROW(retort::choose_url(std::nullopt, nullptr), retort::sdk::error);
}

TEST(config, init_writes_a_project_and_refuses_to_overwrite) {
  temp_dir dir;
  retort::init_project(dir.path(), dir / "migrations");
  EXPECT_TRUE(fs::is_directory(dir / "migrations/versions"));
  EXPECT_TRUE(fs::exists(dir / "migrations/schema.toml"));
  auto cfg = retort::load_config(dir / "retort.toml");
  ASSERT_TRUE(cfg.default_url);
  EXPECT_EQ(cfg.default_url->rfind("sqlite:", 0), 0u);
  EXPECT_EQ(cfg.script_location, dir / "migrations");
  EXPECT_THROW(retort::init_project(dir.path(), dir / "migrations"), retort::sdk::error);
}
