// terminal_test.cpp — what retort shows on a terminal and only there: the progress line redrawn in
// place and cut to the terminal's width, the slowest migrations at the end, one line per migration
// with -v, and colour for errors and warnings unless --no-color or NO_COLOR says otherwise.
#include "cli_fixture.hpp"
#include "terminal.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

using terminal = cli;

/// Five migrations, each filling a table for long enough (about 100 ms) that the line is redrawn.
void slow_chain(cli& t) {
  for (int i = 1; i <= 5; ++i) {
    const std::string id = "m" + std::to_string(i);
    const std::string parent = i == 1 ? "" : "-- retort:down_revision m" + std::to_string(i - 1) + "\n";
    t.migration(std::to_string(i) + "_" + id + ".sql",
                "-- retort:revision " + id + "\n" + parent + "-- retort:message fill table number " +
                    std::to_string(i) + " with a long message that a narrow terminal cannot show whole\n"
                    "-- retort:upgrade\nCREATE TABLE t" + std::to_string(i) + " (x INTEGER);\n"
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) "
                    "INSERT INTO t" + std::to_string(i) + " SELECT x FROM n;\n"
                    "-- retort:downgrade\nDROP TABLE t" + std::to_string(i) + ";\n");
  }
}

/// The pieces of terminal output between "\r\033[K" (carriage return, clear the line).
std::vector<std::string> redraws(const std::string& out) {
  std::vector<std::string> parts;
  const std::string clear = "\r\033[K";
  for (std::size_t at = out.find(clear); at != std::string::npos;) {
    const std::size_t next = out.find(clear, at + clear.size());
    parts.push_back(out.substr(at + clear.size(), next == std::string::npos ? std::string::npos : next - at - clear.size()));
    at = next;
  }
  return parts;
}

TEST_F(terminal, one_line_is_redrawn_in_place_and_the_slowest_are_said_at_the_end) {
  slow_chain(*this);
  auto r = run_on_terminal(dir.path(), {"upgrade"}, {}, 60);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto parts = redraws(r.out);
  ASSERT_GE(parts.size(), 4u) << r.out;
  EXPECT_EQ(parts.front().rfind("[1/5]   0%  up m1 fill table", 0), 0u) << parts.front();
  bool estimated = false;
  for (const auto& p : parts) {
    if (p.empty() || p[0] != '[') continue;
    EXPECT_LT(p.size(), 60u) << "wider than the terminal: " << p;
    EXPECT_TRUE(contains(p, " elapsed")) << p;
    estimated = estimated || contains(p, " left");
  }
  EXPECT_TRUE(estimated) << r.out;
  EXPECT_TRUE(contains(r.out, "[5/5]  80%  up m5")) << r.out;
  // Cleared at the end, then the slowest and the closing line, each on a line of its own.
  EXPECT_TRUE(contains(r.out, "\r\033[KSlowest: m")) << r.out;
  EXPECT_TRUE(contains(r.out, " ms.\r\nUpgraded 5 migration(s); the database is at m5.")) << r.out;
  EXPECT_EQ(versions(), std::vector<std::string>{"m5"});
}

TEST_F(terminal, with_v_or_off_a_terminal_progress_is_a_line_per_migration_or_nothing) {
  slow_chain(*this);
  auto r = retort({"upgrade", "m2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "Upgraded 2 migration(s); the database is at m2.\n");
  r = retort({"upgrade", "-v"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "[1/3] up m3 fill table number 3 with a long message that a narrow terminal cannot show "
                              "whole ("))
      << r.err;
  EXPECT_TRUE(contains(r.err, "[3/3] up m5 ")) << r.err;
  EXPECT_TRUE(contains(r.err, "Slowest: ")) << r.err;
  EXPECT_FALSE(contains(r.err, "\033")) << r.err;
  r = run_on_terminal(dir.path(), {"downgrade", "base", "-v"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "[1/5] down m5 ")) << r.out;
  EXPECT_FALSE(contains(r.out, "\r\033[K[")) << r.out;  // lines, not a line redrawn
  r = run_on_terminal(dir.path(), {"upgrade", "m1", "-q"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");
}

TEST_F(terminal, errors_and_warnings_are_coloured_on_a_terminal_unless_told_not_to) {
  migration("1_a1.sql", "-- retort:revision a1\n-- retort:upgrade\nCREATE TABLE a (x int);\nINSERT INTO nowhere VALUES (1);\n");
  const std::string red = "retort: \033[1;31merror:\033[0m ";
  auto r = run_on_terminal(dir.path(), {"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.out, red + "revision a1")) << r.out;
  r = run_on_terminal(dir.path(), {"upgrade", "--no-color"});
  EXPECT_TRUE(contains(r.out, "retort: error: revision a1")) << r.out;
  EXPECT_FALSE(contains(r.out, "\033[1;")) << r.out;
  r = run_on_terminal(dir.path(), {"upgrade"}, {{"NO_COLOR", "1"}});
  EXPECT_TRUE(contains(r.out, "retort: error: revision a1")) << r.out;
  r = run_on_terminal(dir.path(), {"upgrade"}, {{"NO_COLOR", ""}});  // empty: not set, as no-color.org says
  EXPECT_TRUE(contains(r.out, red)) << r.out;
  r = retort({"upgrade"});  // not a terminal
  EXPECT_TRUE(contains(r.err, "retort: error: revision a1")) << r.err;
  EXPECT_FALSE(contains(r.err, "\033")) << r.err;
  // A warning: the failed run, seen by current.
  r = run_on_terminal(dir.path(), {"current"});
  EXPECT_TRUE(contains(r.out, "retort: \033[1;33mwarning:\033[0m the last run of revision a1 ended")) << r.out;
}

}  // namespace
}  // namespace retort_test
