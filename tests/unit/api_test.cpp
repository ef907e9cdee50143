// api_test.cpp — the embedding API on a real SQLite file: a project configured in code runs up, reports
// progress in order, plans and applies, and its errors carry the kinds and exit codes the CLI gives.
#include "support.hpp"

#include <retort/retort.hpp>

#include <gtest/gtest.h>

namespace retort_test {
namespace {

struct api : ::testing::Test {
  temp_dir dir;
  retort::settings s;
  retort::open_options o;

  void SetUp() override {
    s.script_location = dir / "db";
    s.version_table = "app_version";
    s.history_table = "app_history";
    o.url = "sqlite:///" + (dir / "app.db").string();
    o.plugin_paths = {RETORT_PLUGIN_DIR};
    write(dir / "db/versions/1_a1.toml", create_table_migration("a1", "", "users"));
    write(dir / "db/versions/2_b2.toml", create_table_migration("b2", "a1", "orders"));
  }
};

TEST_F(api, a_project_configured_in_code_goes_up_and_down_telling_each_step) {
  auto p = retort::project::configure(s, o);
  EXPECT_TRUE(p.current().empty());
  std::vector<std::string> told;
  retort::run_settings how;
  how.progress = [&](const retort::progress_event& e) {
    told.push_back(std::to_string(e.index + 1) + "/" + std::to_string(e.count) + " " + e.revision + " " +
                   (e.finished ? "done" : "starts"));
  };
  auto r = p.upgrade("head", how);
  EXPECT_EQ(told, (std::vector<std::string>{"1/2 a1 starts", "1/2 a1 done", "2/2 b2 starts", "2/2 b2 done"}));
  EXPECT_EQ(r.steps_run, 2u);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].revision, "b2");
  EXPECT_EQ(r.heads, std::vector<std::string>{"b2"});
  EXPECT_EQ(p.current(), std::vector<std::string>{"b2"});
  const auto h = p.history();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].id, "b2");
  EXPECT_TRUE(h[0].head);
  EXPECT_EQ(h[0].parents, std::vector<std::string>{"a1"});
  EXPECT_EQ(h[1].message, "create users");
  EXPECT_EQ(p.downgrade("-1").heads, std::vector<std::string>{"a1"});
  EXPECT_EQ(p.downgrade("base").heads, std::vector<std::string>{});
}

TEST_F(api, a_plan_is_applied_once_and_refused_after) {
  auto p = retort::project::configure(s, o);
  const auto plan = p.plan();
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.dialect, "sqlite");
  EXPECT_EQ(plan.version_table, "app_version");
  EXPECT_TRUE(p.current().empty());
  // Through its JSON and back: the same plan.
  const auto again = retort::read_plan(retort::plan_json(plan), "plan.json");
  EXPECT_EQ(p.apply(again).heads, std::vector<std::string>{"b2"});
  try {
    p.apply(again);
    FAIL() << "a plan applied twice";
  } catch (const retort::error& e) {
    EXPECT_EQ(e.kind(), retort::error_kind::input);
    EXPECT_EQ(retort::exit_code(e.kind()), 2);
    EXPECT_NE(std::string(e.what()).find("plan.json no longer holds"), std::string::npos) << e.what();
  }
}

TEST_F(api, errors_carry_the_kind_and_exit_code_the_command_line_gives) {
  auto kind_of = [](auto&& call) -> std::optional<retort::error_kind> {
    try {
      call();
    } catch (const retort::error& e) {
      return e.kind();
    }
    return std::nullopt;
  };
  s.version_table = "no such table";
  EXPECT_EQ(kind_of([&] { retort::project::configure(s, o); }), retort::error_kind::input);
  s.version_table = "app_version";
  auto p = retort::project::configure(s, o);
  EXPECT_EQ(kind_of([&] { p.upgrade("nonesuch"); }), retort::error_kind::usage);
  EXPECT_EQ(kind_of([&] { p.upgrade("a1:b2"); }), retort::error_kind::usage);
  auto missing = retort::project::open(dir / "nowhere.toml", o);
  EXPECT_EQ(kind_of([&] { missing.current(); }), retort::error_kind::usage);
  write(dir / "db/versions/3_c3.sql", "-- retort:revision c3\n-- retort:down_revision b2\n-- retort:upgrade\n"
                                      "CREATE TABLE c (x int);\nINSERT INTO nowhere VALUES (1);\n");
  auto broken = retort::project::configure(s, o);
  try {
    broken.upgrade();
    FAIL() << "c3 ran";
  } catch (const retort::run_failure& f) {
    EXPECT_EQ(f.revision, "c3");
    EXPECT_EQ(f.statement, 2u);
    EXPECT_EQ(retort::exit_code(f.kind()), 1);
    EXPECT_EQ(f.so_far.heads, std::vector<std::string>{"b2"});  // what ran before it stays
  }
  EXPECT_EQ(broken.current(), std::vector<std::string>{"b2"});
}

}  // namespace
}  // namespace retort_test
