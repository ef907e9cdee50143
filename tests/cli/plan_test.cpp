// plan_test.cpp — `retort plan` and `retort apply` on SQLite: the summary a reviewer reads, the plan
// file run exactly and only while it holds, and plan files that are not what `plan` wrote.
#include "cli_fixture.hpp"
#include "plan_review.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>

namespace retort_test {
namespace {

using plan = cli;

TEST_F(plan, a_reviewed_plan_runs_as_planned_and_only_so) { expect_a_reviewed_plan_runs_as_planned_and_only_so(*this); }

TEST_F(plan, the_summary_marks_what_destroys_data_and_what_commits_on_its_own) {
  three_migrations();
  migration("20260101_0003_d4_cleanup.sql",
            "-- retort:revision d4\n-- retort:down_revision c3\n-- retort:message clean up\n"
            "-- retort:transactional false\n-- retort:upgrade\nDELETE FROM documents WHERE title IS NULL;\n"
            "VACUUM;\n-- retort:downgrade\nSELECT 1;\n");
  auto r = retort({"plan"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Plan: upgrade sqlite:///./app.db from base to head (d4): 4 migrations")) << r.out;
  EXPECT_TRUE(contains(r.out, "  2. up   b2 documents  (one transaction)\n       sql                CREATE TABLE documents"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "d4 clean up  (2 statements outside a transaction, journaled)")) << r.out;
  EXPECT_TRUE(contains(r.out, "! destructive: raw SQL: DELETE")) << r.out;
  EXPECT_TRUE(contains(r.out, "Outside a transaction: 2 statements, in d4.")) << r.out;
  EXPECT_TRUE(contains(r.err, "Write it with -o FILE")) << r.err;
  EXPECT_EQ(tables(db), std::vector<std::string>{});  // nothing written, not even retort's tables

  // -v shows every statement whole; --json is the plan file itself.
  r = retort({"plan", "-v"});
  EXPECT_TRUE(contains(r.out, "CREATE TABLE \"users\" (\n                            \"id\" INTEGER")) << r.out;
  r = retort({"plan", "--json", "-o", (dir / "p.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, slurp(dir / "p.json"));
  EXPECT_EQ(planned_statements(dir.path(), dir / "p.json").size(), 5u);
}

/// A plan file after an edit, with its plan_sha256 made again as `retort plan` makes it: what a
/// plan says when the project or the database changed under it, not its text.
std::string resealed(std::string text) {
  const auto line = text.find("  \"plan_sha256\": ");
  text.erase(line, text.find('\n', line) + 1 - line);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < len; ++i) hex.append(byte, std::snprintf(byte, sizeof byte, "%02x", digest[i]));
  return text.insert(line, "  \"plan_sha256\": \"" + hex + "\",\n");
}

TEST_F(plan, a_plan_that_is_not_what_plan_wrote_is_refused_naming_where) {
  chain();
  const fs::path file = dir / "plan.json";
  ASSERT_EQ(retort({"plan", "-o", file.string()}).code, 0);
  const std::string good = slurp(file);
  auto refused = [&](const std::string& text, const std::string& said, const std::vector<std::string>& extra = {}) {
    write(file, text);
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"apply", file.string()});
    auto r = retort(args);
    EXPECT_EQ(r.code, 2) << text;
    EXPECT_TRUE(contains(r.err, said)) << r.err;
    EXPECT_FALSE(fs::exists(db) && !tables(db).empty()) << "something was written for: " << said;
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? t : t.replace(at, from.size(), to);
  };
  // Any edit by hand, even to what only the summary shows.
  const std::string edited = "plan.json:3: plan_sha256: does not match the plan: it was changed after `retort plan` wrote it";
  refused(replaced("CREATE TABLE \\\"orders\\\"", "CREATE TABLE \\\"orderz\\\""), edited);
  refused(replaced("\"heads_after\": [\"b2\"]", "\"heads_after\": [\"a1\"]"), edited);
  refused(replaced("\"message\": \"create orders\"", "\"message\": \"harmless\""), edited);
  refused(replaced("\"atomic\": false", "\"atomic\": false "), edited);
  std::string unsealed = good;
  unsealed.erase(unsealed.find("  \"plan_sha256\""), unsealed.find('\n', unsealed.find("  \"plan_sha256\"")) + 1 -
                                                        unsealed.find("  \"plan_sha256\""));
  refused(unsealed, "plan_sha256: missing");
  // Resealed, the plan is compared field for field with the one the project makes now.
  refused(resealed(replaced("CREATE TABLE \\\"orders\\\"", "CREATE TABLE \\\"orderz\\\"")),
          "steps[1] (revision b2).segments[0].statements[0].sql: \"CREATE TABLE \\\"orderz\\\"");
  refused(resealed(replaced("\"heads_after\": [\"b2\"]", "\"heads_after\": [\"a1\"]")),
          "steps[1] (revision b2).heads_after[0]: \"a1\" in the plan, \"b2\" made again now");
  refused(resealed(replaced("\"message\": \"create orders\"", "\"message\": \"harmless\"")),
          "steps[1] (revision b2).message: \"harmless\" in the plan, \"create orders\" made again now");
  refused(resealed(replaced("\"lock_timeout_ms\": null", "\"lock_timeout_ms\": 500")),
          "guards.lock_timeout_ms: 500 in the plan, null made again now");
  refused(replaced("\"rows\": []", "\"rows\": [\"b2\"]"), "rows_sha256: does not match the rows listed beside it");
  refused(resealed(replaced("\"revision\": \"b2\"", "\"revision\": \"zz\"")), "revision zz (");
  // Files the parser refuses, naming line and field.
  refused(replaced("\"atomic\": false", "\"atomic\": 0"), "plan.json:11: atomic: expected true or false, found a number");
  refused(replaced("\"journaled\": false", "\"journaledx\": false"), "plan.json:25: steps[0].journaledx: not a field retort knows");
  refused(replaced("\"retort_plan\": 1", "\"retort_plan\": 7"), "retort_plan: format 7 is not the one this retort reads");
  for (const char* n : {"1.0", "1e0", "-1", "01x"})
    refused(replaced("\"retort_plan\": 1", std::string("\"retort_plan\": ") + n), "plan.json:2:");
  refused(good.substr(0, good.size() / 2), "plan.json:");
  refused("[1, 2]", "plan.json:1: the document: expected an object, found an array");
  refused("{\"retort_plan\": 1, \"retort_plan\": 1}", "plan.json:1:33: the member \"retort_plan\" appears twice");
  refused(std::string("{\"a\": \"\xff\"}"), "plan.json:1:8: bytes that are not UTF-8 inside a string");
  refused(std::string(200, '['), "nested more than 64 levels deep");
  refused(good, "was made for sqlite, and the database URL names postgresql",
          {"--url", "postgresql://u:secret@127.0.0.1:1/x"});
  auto r = retort({"apply", (dir / "none.json").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "none.json: cannot read the plan")) << r.err;
  // The plan as written still runs.
  write(file, good);
  r = retort({"apply", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
  EXPECT_EQ(history(), (std::vector<std::vector<std::string>>{{"a1", "up", "applied"}, {"b2", "up", "applied"}}));
}

TEST_F(plan, a_plan_is_refused_when_the_settings_it_was_made_with_changed) {
  chain();
  const fs::path file = dir / "plan.json";
  ASSERT_EQ(retort({"plan", "-o", file.string()}).code, 0);
  const std::string toml = slurp(dir / "retort.toml");
  write(dir / "retort.toml", toml + "\nlock_timeout = \"2s\"\n");
  auto r = retort({"apply", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "guards.lock_timeout_ms: null in the plan, 2000 made again now")) << r.err;
  std::string all = toml;
  write(dir / "retort.toml", all.replace(all.find("\"per-migration\""), 15, "\"all\""));
  r = retort({"apply", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "atomic: false in the plan, true made again now")) << r.err;
  EXPECT_FALSE(fs::exists(db) && !tables(db).empty());
  write(dir / "retort.toml", toml);
  r = retort({"apply", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
}

TEST_F(plan, a_plan_runs_from_another_directory_and_after_a_checkout_made_its_lines_crlf) {
  chain();
  const fs::path file = dir / "plan.json";
  ASSERT_EQ(retort({"plan", "-o", file.string()}).code, 0);
  // Resealed without a field the plan made now has: named, with what the reader took for it.
  std::string unmarked = slurp(file);
  const std::string op = ", \"operation\": \"create_table\"";
  unmarked.erase(unmarked.find(op), op.size());
  write(dir / "unmarked.json", resealed(unmarked));
  auto r = retort({"apply", (dir / "unmarked.json").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "steps[0] (revision a1).segments[0].statements[0].operation: null in the plan, "
                              "\"create_table\" made again now")) << r.err;
  std::string crlf;
  for (char c : slurp(file)) c == '\n' ? crlf += "\r\n" : crlf += c;
  write(file, crlf);
  // From a directory below, naming the project with -c: the files are the same files.
  fs::create_directories(dir / "deploy");
  r = run(dir / "deploy", {"-c", (dir / "retort.toml").string(), "--url", "sqlite:///" + db.string(), "apply", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"b2"});
}

TEST_F(plan, a_plan_of_sql_that_is_not_utf8_runs_as_it_was_planned) {
  // Latin-1 in a comment and in a string: bytes JSON cannot carry as they are.
  migration("1_a1.sql", std::string("-- retort:revision a1\n-- retort:message caf\xe9\n-- retort:upgrade\n"
                                    "-- caf\xe9\nCREATE TABLE t (name TEXT DEFAULT 'caf\xe9');\n"
                                    "-- retort:downgrade\nDROP TABLE t;\n"));
  const fs::path file = dir / "plan.json";
  auto r = retort({"plan", "-o", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  r = retort({"apply", file.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(versions(), std::vector<std::string>{"a1"});
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version", "t"}));
  EXPECT_EQ(column(db, "SELECT dflt_value FROM pragma_table_info('t')"), std::vector<std::string>{"'caf\xe9'"});
}

}  // namespace
}  // namespace retort_test
