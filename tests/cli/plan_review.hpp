// plan_review.hpp — what every dialect's tests check of `plan -o` and `apply`: the plan file is JSON
// (read here by Python's own parser, not retort's) holding the statements `upgrade --sql` runs, in
// its order; apply runs exactly it, even after a migration is added; and it is refused, with
// nothing run, once a file is edited or another runner moves the database.
#pragma once

#include "process.hpp"

#include <sstream>

namespace retort_test {

/// Each statement of a plan file, as "revision|transaction|operation|destructive|sql" (the SQL as
/// a JSON string), read with Python's json module.
inline std::vector<std::string> planned_statements(const fs::path& dir, const fs::path& plan) {
  static const std::string script =
      "import json, sys\n"
      "p = json.load(open(sys.argv[1], encoding='utf-8'))\n"
      "for s in p['steps']:\n"
      "  for g in s['segments']:\n"
      "    for st in g['statements']:\n"
      "      print('|'.join([s['revision'], str(g['transaction']).lower(), st['operation'] or '',\n"
      "                      st.get('destructive', ''), json.dumps(st['sql'])]))\n";
  auto r = process(dir, {"-c", script, plan.string()}, {}, "python3").wait();
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// The SQL of a planned_statements line, decoded back from its JSON string by Python.
inline std::string planned_sql(const fs::path& dir, const std::string& line) {
  auto r = process(dir, {"-c", "import json, sys; sys.stdout.write(json.loads(sys.argv[1]))",
                         line.substr(line.rfind("|\"") + 1)},
                   {}, "python3")
               .wait();
  EXPECT_EQ(r.code, 0) << r.err;
  return r.out;
}

/// users (a1) ← orders (b2) ← users.name dropped (c3); planned from base, applied, refused.
template <class Fixture>
void expect_a_reviewed_plan_runs_as_planned_and_only_so(Fixture& f) {
  f.migration("1_a1.toml", create_table_migration("a1", "", "users"));
  f.migration("2_b2.toml", create_table_migration("b2", "a1", "orders"));
  f.migration("3_c3.toml",
              "revision = \"c3\"\ndown_revision = \"b2\"\nmessage = \"drop names\"\n"
              "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"name\"\n"
              "[[downgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"name\", type = \"string(50)\" }\n");
  const fs::path plan = f.dir / "plan.json";
  auto r = f.retort({"plan", "-o", plan.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("from base to head (c3): 3 migrations"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("! destructive: drops a column and its values"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Destructive: 1 statement, in c3."), std::string::npos) << r.out;
  EXPECT_EQ(f.retort({"current"}).out, "");  // plan changes nothing

  // The plan's statements are the script's, in its order.
  const auto planned = planned_statements(f.dir.path(), plan);
  ASSERT_GE(planned.size(), 3u);
  EXPECT_EQ(planned.back().rfind("c3|", 0), 0u) << planned.back();
  EXPECT_NE(planned.back().find("|drop_column|drops a column and its values|"), std::string::npos) << planned.back();
  const auto script = f.retort({"upgrade", "--sql"});
  ASSERT_EQ(script.code, 0) << script.err;
  std::size_t at = 0;
  for (const auto& line : planned) {
    const auto sql = planned_sql(f.dir.path(), line);
    const auto found = script.out.find(sql, at);
    ASSERT_NE(found, std::string::npos) << "not in the --sql script after offset " << at << ": " << sql << "\n" << script.out;
    at = found + sql.size();
  }

  // A migration added after the review is not in the plan, and apply does not run it.
  f.migration("4_d4.toml", create_table_migration("d4", "c3", "later"));
  const fs::path edited = f.dir / "migrations/versions/2_b2.toml";
  const std::string b2 = slurp(edited);
  write(edited, b2 + "# edited after the review\n");
  r = f.retort({"apply", plan.string()});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("plan.json no longer holds, so nothing of it was run:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2_b2.toml (revision b2) changed since the plan"), std::string::npos) << r.err;
  EXPECT_EQ(f.retort({"current"}).out, "");
  write(edited, b2);

  // Another runner moves the database: refused under the lock, naming where it is now.
  ASSERT_EQ(f.retort({"upgrade", "a1"}).code, 0);
  r = f.retort({"apply", plan.string()});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("the database moved since the plan: it was at base, it is at a1 now"), std::string::npos) << r.err;
  EXPECT_EQ(f.versions(), std::vector<std::string>{"a1"});
  ASSERT_EQ(f.retort({"downgrade", "base"}).code, 0);

  r = f.retort({"apply", plan.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("Upgraded 3 migration(s); the database is at c3."), std::string::npos) << r.err;
  EXPECT_EQ(f.versions(), std::vector<std::string>{"c3"});
  r = f.retort({"apply", plan.string()});  // once only
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("it was at base, it is at c3 now"), std::string::npos) << r.err;

  // Down the same way: planned with --downgrade, applied.
  r = f.retort({"plan", "--downgrade", "-2", "-o", plan.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Plan: downgrade"), std::string::npos) << r.out;
  r = f.retort({"apply", plan.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(f.versions(), std::vector<std::string>{"a1"});
}

}  // namespace retort_test
