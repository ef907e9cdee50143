// plugins_test.cpp — the example plugins through the binary, on SQLite: enum operations rendered
// by their plugin, hooks that see every event and veto, and plugin settings read from retort.toml.
#include "cli_fixture.hpp"

namespace retort_test {
namespace {

struct plugins : cli {
  /// retort.toml loading `names`, with `extra` appended (the [plugin.NAME] tables).
  void project(const std::string& names, const std::string& extra = "") {
    write(dir / "retort.toml", "script_location = \"migrations\"\ndefault_url = \"sqlite:///app.db\"\nplugins = [" + names +
                                   "]\n" + extra);
  }
  /// cases(id, status case_status) with case_status = open, closed (e1); 'archived' added (e2).
  void enum_migrations() {
    migration("1_e1.toml",
              "revision = \"e1\"\ndown_revision = \"\"\nmessage = \"cases\"\n"
              "[[upgrade]]\nop = \"create_enum\"\nname = \"case_status\"\nvalues = [\"open\", \"closed\"]\n"
              "[[upgrade]]\nop = \"create_table\"\ntable = \"cases\"\n"
              "columns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
              "            { name = \"status\", type = \"case_status\", nullable = false } ]\n");
    migration("2_e2.toml", "revision = \"e2\"\ndown_revision = \"e1\"\nmessage = \"archived\"\n"
                           "[[upgrade]]\nop = \"add_enum_value\"\nname = \"case_status\"\nvalue = \"archived\"\n");
  }
  bool insert(const std::string& status) {
    return try_exec(db, "INSERT INTO cases (status) VALUES ('" + status + "')");
  }
  std::vector<std::string> history_rows() {
    return column(db, "SELECT revision || ' ' || direction || ' ' || status FROM retort_history ORDER BY id");
  }
};

TEST_F(plugins, an_enum_column_keeps_its_values_and_a_new_value_rebuilds_the_table) {
  project("\"enum\"");
  enum_migrations();
  auto r = retort({"upgrade", "e1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(insert("open"));
  EXPECT_FALSE(insert("archived"));  // not a value yet
  r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(insert("archived"));
  EXPECT_EQ(column(db, "SELECT status FROM cases ORDER BY id"), (std::vector<std::string>{"open", "archived"}));

  // Removing the value again cannot keep a row that holds it: the rebuild fails and rolls back.
  r = retort({"downgrade", "-1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "revision e2")) << r.err;
  EXPECT_TRUE(contains(r.err, "CHECK constraint failed")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"e2"});
  EXPECT_EQ(column(db, "SELECT status FROM cases ORDER BY id"), (std::vector<std::string>{"open", "archived"}));
  EXPECT_EQ(history_rows().back(), "e2 down failed");

  ASSERT_TRUE(try_exec(db, "DELETE FROM cases WHERE status = 'archived'"));
  r = retort({"downgrade", "-1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(insert("archived"));
  EXPECT_TRUE(insert("closed"));
  r = retort({"downgrade", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(column(db, "SELECT name FROM sqlite_master WHERE name = 'cases'").empty());
}

TEST_F(plugins, enum_arguments_are_checked_by_the_plugin_naming_file_line_and_field) {
  project("\"enum\"");
  migration("1_x.toml", "revision = \"x1\"\ndown_revision = \"\"\n\n[[upgrade]]\nop = \"create_enum\"\nname = \"s\"\n"
                        "values = [\"a\", \"a\"]\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "1_x.toml:7")) << r.err;
  EXPECT_TRUE(contains(r.err, "field 'values': holds 'a' twice")) << r.err;
  EXPECT_FALSE(fs::exists(db) && !column(db, "SELECT name FROM sqlite_master WHERE name = 'retort_version'").empty());

  migration("1_x.toml", "revision = \"x1\"\ndown_revision = \"\"\n\n[[upgrade]]\nop = \"add_enum_value\"\nname = \"s\"\n"
                        "value = \"b\"\nbefor = \"a\"\n");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "1_x.toml:8")) << r.err;
  EXPECT_TRUE(contains(r.err, "field 'befor': is not a known field (did you mean 'before'?)")) << r.err;

  // Known only from the schema earlier migrations project: a value for a type nobody made.
  migration("1_x.toml", "revision = \"x1\"\ndown_revision = \"\"\n\n[[upgrade]]\nop = \"add_enum_value\"\nname = \"s\"\n"
                        "value = \"b\"\n");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "revision x1 (1_x.toml), [[upgrade]] #1 (add_enum_value)")) << r.err;
  EXPECT_TRUE(contains(r.err, "enum type 's' is not known from earlier migrations")) << r.err;
}

TEST_F(plugins, an_operation_without_a_renderer_for_the_dialect_is_refused_when_the_plan_is_built) {
  project("\"enum\"");
  enum_migrations();
  // The loader tests' fixture dialect claims fixture://; the enum plugin renders on three others.
  auto r = retort({"--plugin-path", std::string(FIXTURE_DIR) + "/good", "--url", "fixture://x", "upgrade", "--sql"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "revision e1 (1_e1.toml), [[upgrade]] #1 (create_enum)")) << r.err;
  EXPECT_TRUE(contains(r.err, "operation 'create_enum' (plugin enum, ")) << r.err;
  EXPECT_TRUE(contains(r.err, "retort-ops-enum.so) cannot be rendered for dialect 'fixture': it renders on postgresql, sqlite, mysql only"))
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(plugins, the_audit_log_gets_one_json_line_per_event_in_order) {
  project("\"audit-log\"", "\n[plugin.audit-log]\npath = \"logs/audit.jsonl\"\n");
  fs::create_directories(dir / "logs");
  three_migrations();
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> events;
  std::istringstream in(slurp(dir / "logs/audit.jsonl"));
  for (std::string line; std::getline(in, line);) {
    ASSERT_EQ(line.front(), '{');
    ASSERT_EQ(line.back(), '}');
    auto at = line.find("\"event\": \"") + 10;
    events.push_back(line.substr(at, line.find('"', at) - at));
  }
  // Three migrations of one, one and one statement.
  std::vector<std::string> want = {"plan_built"};
  for (int i = 0; i < 3; ++i)
    for (const char* e : {"before_migration", "before_statement", "after_statement", "after_migration"}) want.push_back(e);
  want.push_back("run_finished");
  EXPECT_EQ(events, want);
  const std::string log = slurp(dir / "logs/audit.jsonl");
  EXPECT_TRUE(contains(log, "\"revision\": \"b2\", \"direction\": \"up\", \"message\": \"documents\", \"step\": 2, \"steps\": 3"))
      << log;
  EXPECT_TRUE(contains(log, "\"operations\": [\"create_index\"]")) << log;
  EXPECT_TRUE(contains(log, "\"statement\": \"CREATE INDEX \\\"ix_documents_title\\\" ON \\\"documents\\\" (\\\"title\\\")\""))
      << log;
  EXPECT_TRUE(contains(log, "\"event\": \"run_finished\", \"url\": \"sqlite:///app.db\", \"dialect\": \"sqlite\", \"step\": 3"))
      << log;

  // A failure is an event too, and the run's end says why.
  migration("20260101_0003_d4_bad.sql",
            "-- retort:revision d4\n-- retort:down_revision c3\n-- retort:upgrade\nINSERT INTO nowhere VALUES (1);\n");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  const std::string after = slurp(dir / "logs/audit.jsonl").substr(log.size());
  EXPECT_TRUE(contains(after, "\"event\": \"failure\", \"url\": \"sqlite:///app.db\", \"dialect\": \"sqlite\", \"revision\": \"d4\""))
      << after;
  EXPECT_TRUE(contains(after, "no such table: nowhere")) << after;
  EXPECT_TRUE(contains(after, "\"event\": \"run_finished\"")) << after;
}

TEST_F(plugins, an_audit_log_that_cannot_be_written_stops_the_migration_before_it_runs) {
  project("\"audit-log\"", "[plugin.audit-log]\npath = \"no/such/dir/audit.jsonl\"\n");
  three_migrations();
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "revision a1 (20260101_0000_a1_users.toml) was vetoed before it ran by hook 'audit-log' failed: "
                              "cannot open "))
      << r.err;
  EXPECT_TRUE(versions().empty());
  EXPECT_TRUE(column(db, "SELECT name FROM sqlite_master WHERE name = 'users'").empty());
  EXPECT_EQ(history_rows(), std::vector<std::string>{"a1 up vetoed"});
}

TEST_F(plugins, plugin_settings_are_checked_with_file_line_and_field) {
  three_migrations();
  project("\"audit-log\"", "\n[plugin.audit-log]\nfile = \"audit.jsonl\"\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort-hooks-audit-log.so failed to register")) << r.err;
  EXPECT_TRUE(contains(r.err, "retort.toml:6: [plugin.audit-log]: field 'file': is not a known field; known: path, events"))
      << r.err;

  project("\"audit-log\"", "[plugin.audit-log]\npath = \"a.jsonl\"\nevents = [\"before_migraton\"]\n");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort.toml:6: [plugin.audit-log]: field 'events': 'before_migraton' is not an event "
                              "(did you mean 'before_migration'?)"))
      << r.err;

  // Without its table, what is missing is placed at the `plugins` line; `retort plugins` still lists.
  project("\"audit-log\"");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort.toml:3: [plugin.audit-log]: field 'path': is required")) << r.err;
  r = retort({"plugins"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "refused")) << r.out;
  EXPECT_TRUE(contains(r.out, "retort-hooks-audit-log.so")) << r.out;
  EXPECT_TRUE(contains(r.err, "warning: plugin ")) << r.err;

  // Settings go by the plugin's own name, however `plugins` names it.
  project("\"hooks-audit-log\"", "[plugin.audit-log]\npath = \"named.jsonl\"\n");
  r = retort({"upgrade", "a1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "named.jsonl"));
  project("\"hooks-audit-log\"", "[plugin.hooks-audit-log]\npath = \"a.jsonl\"\n");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "field 'plugin.hooks-audit-log': names the plugin with its kind; its settings go in "
                              "[plugin.audit-log]"))
      << r.err;

  // A table for a plugin that is not loaded is a typo, not ignored.
  project("\"audit-log\"", "[plugin.audit_log]\npath = \"a.jsonl\"\n");
  r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort.toml:4: configuration: field 'plugin.audit_log': configures plugin 'audit_log', which "
                              "`plugins` does not list (did you mean 'audit-log'?)"))
      << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});  // refused before anything connected
}

TEST_F(plugins, the_policy_vetoes_a_destructive_migration_unless_it_is_allowed) {
  project("\"policy\"");
  three_migrations();
  migration("20260101_0003_d4_drop.toml", "revision = \"d4\"\ndown_revision = \"c3\"\nmessage = \"drop titles\"\n"
                                          "[[upgrade]]\nop = \"drop_index\"\nname = \"ix_documents_title\"\ntable = \"documents\"\n"
                                          "[[upgrade]]\nop = \"drop_column\"\ntable = \"documents\"\ncolumn = \"title\"\n"
                                          "[[downgrade]]\nop = \"add_column\"\ntable = \"documents\"\n"
                                          "column = { name = \"title\", type = \"text\" }\n"
                                          "[[downgrade]]\nop = \"create_index\"\nname = \"ix_documents_title\"\n"
                                          "table = \"documents\"\ncolumns = [\"title\"]\n");
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "revision d4 (20260101_0003_d4_drop.toml) was vetoed before it ran by hook 'policy': upgrading "
                              "revision d4 destroys data (drop_column); run it with --allow-destructive"))
      << r.err;
  // The migrations before it ran; nothing of it did.
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
  EXPECT_EQ(column(db, "SELECT name FROM pragma_table_info('documents') ORDER BY cid"),
            (std::vector<std::string>{"id", "user_id", "title"}));
  EXPECT_EQ(column(db, "SELECT name FROM sqlite_master WHERE name = 'ix_documents_title'"),
            std::vector<std::string>{"ix_documents_title"});
  EXPECT_EQ(history_rows().back(), "d4 up vetoed");
  r = retort({"current"});
  EXPECT_TRUE(contains(r.err, "the last run of revision d4 ended 'vetoed'")) << r.err;

  r = retort({"upgrade", "head", "--allow-destructive"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"d4"});

  // An SQL file is judged by its statements; downgrading a create_table drops the table.
  r = retort({"downgrade", "a1", "--allow-destructive"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = retort({"downgrade", "base"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "downgrading revision a1 destroys data (drop_table)")) << r.err;
  r = retort({"upgrade", "b2"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = retort({"downgrade", "a1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "downgrading revision b2 destroys data (`DROP TABLE documents`)")) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
}

}  // namespace
}  // namespace retort_test

namespace retort_test {
namespace {

TEST_F(plugins, a_veto_at_a_statement_rolls_the_migration_back) {
  project("\"vetoer\"", "plugin_paths = [\"" + std::string(FIXTURE_DIR) + "/hooks\"]\n[plugin.vetoer]\nstatement = \"title\"\n");
  three_migrations();
  auto r = retort({"upgrade", "head"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "revision b2 (20260101_0001_b2_documents.sql) was vetoed at statement 1 of 1 by hook 'vetoer': "
                              "statement 1 mentions title"))
      << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version", "users"}));
  EXPECT_EQ(history_rows(), (std::vector<std::string>{"a1 up applied", "b2 up vetoed"}));
}

TEST_F(plugins, a_hook_that_fails_after_the_fact_is_a_warning) {
  project("\"vetoer\"", "plugin_paths = [\"" + std::string(FIXTURE_DIR) + "/hooks\"]\n[plugin.vetoer]\nfail_on = \"after_migration\"\n");
  three_migrations();
  auto r = retort({"upgrade", "head"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "retort: warning: hook 'vetoer' failed on after_migration: the fixture fails on after_migration"))
      << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"c3"});
}

}  // namespace
}  // namespace retort_test
