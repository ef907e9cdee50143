// autogenerate_tour.hpp — the seed's loop on each dialect: change the model, `revision
// --autogenerate`, `upgrade`, `check` clean (server defaults compared too), `downgrade -1` gives the schema back with its rows, and
// `--offline` writes the same operations as the run against the database. One step for each kind of
// change. The fixture gives retort(args) (against its database), rows(sql) and dir.
#pragma once

#include "process.hpp"
#include "random_model.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace retort_test {

/// The model every tour starts from: keys, a foreign key with an action, a unique index, a check.
inline std::string tour_model() {
  return R"toml([[table]]
name = "teams"
columns = [ { name = "id", type = "integer", primary_key = true, autoincrement = true },
            { name = "name", type = "string(100)", nullable = false } ]

[[table]]
name = "users"
columns = [ { name = "id", type = "bigint", primary_key = true, autoincrement = true },
            { name = "email", type = "string(320)", nullable = false },
            { name = "team_id", type = "integer", references = "teams.id", on_delete = "cascade" },
            { name = "nickname", type = "string(50)" },
            { name = "legacy", type = "text" } ]
indexes = [ { name = "ux_users_email", columns = ["email"], unique = true },
            { name = "ix_users_nickname", columns = ["nickname"] } ]
checks = [ { name = "ck_users_email", sql = "email <> ''" } ]

[[table]]
name = "memberships"
columns = [ { name = "user_id", type = "bigint", nullable = false },
            { name = "team_id", type = "integer", nullable = false } ]
primary_key = ["user_id"]
)toml";
}

/// `text` with `from` replaced by `to`, which must be there.
inline std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct tour_step {
  const char* what;
  std::string model;
  std::vector<std::string> written;  ///< operations the migration must hold
};

/// Each kind of change, one after another, from tour_model().
inline std::vector<tour_step> tour_steps() {
  std::vector<tour_step> steps;
  std::string m = tour_model();
  auto step = [&](const char* what, std::string next, std::vector<std::string> written) {
    steps.push_back({what, next, std::move(written)});
    m = std::move(next);
  };
  step("a table, a column and an index added",
       edited(edited(m, "{ name = \"name\", type = \"string(100)\", nullable = false } ]",
                     "{ name = \"name\", type = \"string(100)\", nullable = false },\n"
                     "            { name = \"slug\", type = \"string(50)\" } ]\n"
                     "indexes = [ { name = \"ix_teams_name\", columns = [\"name\"] } ]"),
              "[[table]]\nname = \"memberships\"",
              "[[table]]\nname = \"projects\"\n"
              "columns = [ { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
              "            { name = \"team_id\", type = \"integer\", nullable = false },\n"
              "            { name = \"title\", type = \"string(200)\", nullable = false } ]\n"
              "foreign_keys = [ { name = \"fk_projects_team_id\", columns = [\"team_id\"], references = \"teams(id)\" } ]\n\n"
              "[[table]]\nname = \"memberships\""),
       {"op = \"create_table\"\ntable = \"projects\"", "op = \"add_column\"\ntable = \"teams\"",
        "op = \"create_index\"\nname = \"ix_teams_name\""});
  step("a type made longer, a column made NOT NULL and given a default",
       edited(edited(m, "{ name = \"name\", type = \"string(100)\"", "{ name = \"name\", type = \"string(200)\""),
              "{ name = \"nickname\", type = \"string(50)\" }",
              "{ name = \"nickname\", type = \"string(50)\", nullable = false, server_default = \"'anon'\" }"),
       {"column = \"name\"\ntype = \"string(200)\"", "column = \"nickname\"\nnullable = false\nserver_default = \"'anon'\""});
  step("a column, an index and a check dropped",
       edited(edited(edited(m, ",\n            { name = \"legacy\", type = \"text\" } ]", " ]"),
                     ",\n            { name = \"ix_users_nickname\", columns = [\"nickname\"] } ]", " ]"),
              "checks = [ { name = \"ck_users_email\", sql = \"email <> ''\" } ]\n", ""),
       {"op = \"drop_column\"\ntable = \"users\"\ncolumn = \"legacy\"", "op = \"drop_index\"\nname = \"ix_users_nickname\"",
        "op = \"drop_constraint\"\nname = \"ck_users_email\""});
  step("a unique constraint, a foreign key and a check added",
       edited(edited(m, "indexes = [ { name = \"ix_teams_name\", columns = [\"name\"] } ]",
                     "indexes = [ { name = \"ix_teams_name\", columns = [\"name\"] } ]\n"
                     "uniques = [ { name = \"uq_teams_slug\", columns = [\"slug\"] } ]\n"
                     "checks = [ { name = \"ck_teams_name\", sql = \"name <> ''\" } ]"),
              "primary_key = [\"user_id\"]",
              "primary_key = [\"user_id\"]\n"
              "foreign_keys = [ { name = \"fk_memberships_user_id\", columns = [\"user_id\"], references = \"users(id)\", "
              "on_delete = \"cascade\" } ]"),
       {"op = \"create_unique\"\nname = \"uq_teams_slug\"", "op = \"create_foreign_key\"\nname = \"fk_memberships_user_id\"",
        "op = \"create_check\"\nname = \"ck_teams_name\""});
  step("a composite primary key", edited(m, "primary_key = [\"user_id\"]", "primary_key = [\"user_id\", \"team_id\"]"),
       {"op = \"alter_primary_key\"\ntable = \"memberships\"\ncolumns = [\"user_id\", \"team_id\"]"});
  step("a table dropped",
       edited(m, m.substr(m.find("[[table]]\nname = \"projects\""),
                          m.find("[[table]]\nname = \"memberships\"") - m.find("[[table]]\nname = \"projects\"")),
              ""),
       {"op = \"drop_table\"\ntable = \"projects\""});
  return steps;
}

/// The operations of a generated migration: from its first [[upgrade]] on.
inline std::string operations_of(const std::string& file_text) {
  const auto at = file_text.find("[[upgrade]]");
  return at == std::string::npos ? std::string() : file_text.substr(at);
}

template <class Fixture> void autogenerate_tour(Fixture& f) {
  const fs::path model = f.dir / "migrations/schema.toml";
  const fs::path versions = f.dir / "migrations/versions";
  auto file_of = [&](const std::string& id) {
    for (const auto& e : fs::directory_iterator(versions))
      if (e.path().filename().string().find("_" + id + "_") != std::string::npos) return e.path();
    return fs::path();
  };
  // From an empty database: the model's tables in an order that runs (teams before the users that
  // reference it).
  write(model, tour_model());
  auto r = f.retort({"revision", "--autogenerate", "-m", "initial", "--rev-id", "s0"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string first = slurp(file_of("s0"));
  EXPECT_LT(first.find("table = \"teams\""), first.find("table = \"users\"")) << first;
  ASSERT_EQ(f.retort({"upgrade"}).code, 0);
  r = f.retort({"check"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* sql : {"INSERT INTO teams (id, name) VALUES (1, 'a')",
                          "INSERT INTO users (id, email, team_id, nickname, legacy) VALUES (1, 'x@y', 1, 'nick', 'old')",
                          "INSERT INTO memberships (user_id, team_id) VALUES (1, 1)"})
    f.rows(sql);
  auto counts = [&] {
    return f.rows("SELECT COUNT(*) FROM teams")[0] + f.rows("SELECT COUNT(*) FROM users")[0] +
           f.rows("SELECT COUNT(*) FROM memberships")[0];
  };
  ASSERT_EQ(counts(), "111");

  std::string before = tour_model();
  int n = 0;
  for (const auto& s : tour_steps()) {
    SCOPED_TRACE(s.what);
    const std::string id = "s" + std::to_string(++n);
    write(model, s.model);
    // Offline, from what the migrations project: the same operations as against the database.
    r = f.retort({"revision", "--autogenerate", "--compare-defaults", "--offline", "-m", s.what, "--rev-id", "off" + id});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const std::string offline = operations_of(slurp(file_of("off" + id)));
    fs::remove(file_of("off" + id));
    r = f.retort({"revision", "--autogenerate", "--compare-defaults", "-m", s.what, "--rev-id", id});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const std::string online = operations_of(slurp(file_of(id)));
    EXPECT_EQ(online, offline);
    for (const auto& op : s.written) EXPECT_NE(online.find(op), std::string::npos) << op << "\nin:\n" << online;
    r = f.retort({"upgrade"});
    ASSERT_EQ(r.code, 0) << r.out << r.err << online;
    r = f.retort({"check", "--compare-defaults"});
    EXPECT_EQ(r.code, 0) << r.out << r.err << online;
    EXPECT_EQ(counts(), "111");
    // Down again: the schema the model had before, and the rows.
    r = f.retort({"downgrade", "-1"});
    ASSERT_EQ(r.code, 0) << r.out << r.err << online;
    write(model, before);
    r = f.retort({"check", "--compare-defaults"});
    EXPECT_EQ(r.code, 0) << r.out << r.err << online;
    EXPECT_EQ(counts(), "111");
    write(model, s.model);
    ASSERT_EQ(f.retort({"upgrade"}).code, 0);
    before = s.model;
  }
  // Nothing left to write: no file, exit 0.
  r = f.retort({"revision", "--autogenerate", "-m", "nothing"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("no migration written"), std::string::npos) << r.err;
}

/// A model that says everything a way some database spells differently: reserved words and mixed
/// case as names, every neutral type, defaults the servers rewrite ('open'::character varying,
/// current_timestamp(), 1 for true), a quote in a default.
inline std::string false_positive_model() {
  return R"toml([[table]]
name = "order"
columns = [
  { name = "id",       type = "bigint",         primary_key = true, autoincrement = true },
  { name = "select",   type = "integer",        nullable = false, server_default = "0" },
  { name = "group",    type = "string(255)",    server_default = "'open'" },
  { name = "CamelCase", type = "text" },
  { name = "flag",     type = "boolean",        nullable = false, server_default = "true" },
  { name = "off",      type = "boolean",        server_default = "false" },
  { name = "created",  type = "timestamp",      nullable = false, server_default = "CURRENT_TIMESTAMP" },
  { name = "stamp_tz", type = "timestamptz" },
  { name = "day",      type = "date" },
  { name = "at",       type = "time" },
  { name = "ratio",    type = "float" },
  { name = "precise",  type = "double" },
  { name = "amount",   type = "numeric(10, 2)", server_default = "1.50" },
  { name = "bytes",    type = "binary" },
  { name = "doc",      type = "json" },
  { name = "uid",      type = "uuid" },
  { name = "small",    type = "smallint",       server_default = "-1" },
  { name = "note",     type = "string(20)",     server_default = "'it''s'" },
]
indexes = [ { name = "ix_order_group_select", columns = ["group", "select"] } ]
uniques = [ { name = "uq_order_note", columns = ["note"] } ]
checks  = [ { name = "ck_order_small", sql = "small >= -1" } ]

[[table]]
name = "User"
columns = [
  { name = "id",       type = "integer", primary_key = true },
  { name = "order_id", type = "bigint",  references = "order.id", on_delete = "set null" },
  { name = "Key",      type = "string(64)", nullable = false, unique = true },
]
)toml";
}

/// The false-positive suite: what autogenerate wrote from false_positive_model() leaves nothing to
/// report, with server defaults compared too, and nothing more to write.
template <class Fixture> void expect_no_false_positives(Fixture& f) {
  write(f.dir / "migrations/schema.toml", false_positive_model());
  auto r = f.retort({"revision", "--autogenerate", "-m", "everything"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = f.retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (std::vector<std::string> args : {std::vector<std::string>{"check"}, {"check", "--compare-defaults"}}) {
    r = f.retort(args);
    EXPECT_EQ(r.code, 0) << args.back() << ":\n" << r.out << r.err;
  }
  r = f.retort({"revision", "--autogenerate", "--compare-defaults", "-m", "nothing"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("no migration written"), std::string::npos) << r.out << r.err;
}

/// Enum types with the enum plugin (Alembic's #868, #278, #1745: PostgreSQL ENUMs and MySQL ENUM
/// changes go unseen): made with their table, a value added where the model puts it, checked clean;
/// and down again where the database can drop a value (`values_can_go`; PostgreSQL cannot, and the
/// downgrade says so before anything runs).
template <class Fixture> void expect_enum_changes_written(Fixture& f, bool values_can_go) {
  // The line `init` wrote, `plugins = []` with its comment, names the enum plugin instead.
  std::string cfg = slurp(f.dir / "retort.toml");
  const auto at = cfg.find("\nplugins ");
  ASSERT_NE(at, std::string::npos) << cfg;
  cfg.replace(at + 1, cfg.find('\n', at + 1) - at - 1, "plugins = [\"enum\"]");
  write(f.dir / "retort.toml", cfg);
  const std::string model = "[[enum]]\nname = \"case_status\"\nvalues = [\"open\", \"closed\"]\n"
                            "[[table]]\nname = \"cases\"\n"
                            "columns = [ { name = \"id\", type = \"integer\", primary_key = true },\n"
                            "  { name = \"status\", type = \"case_status\", nullable = false, server_default = \"'open'\" } ]\n";
  write(f.dir / "migrations/schema.toml", model);
  auto r = f.retort({"revision", "--autogenerate", "-m", "cases", "--rev-id", "e1"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(f.retort({"upgrade"}).code, 0);
  r = f.retort({"check", "--compare-defaults"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  f.rows("INSERT INTO cases (id, status) VALUES (1, 'closed')");
  write(f.dir / "migrations/schema.toml", edited(model, "\"open\", \"closed\"", "\"open\", \"pending\", \"closed\""));
  r = f.retort({"check"});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("~ enum case_status: (open, closed) in the database, (open, pending, closed) in the model"),
            std::string::npos)
      << r.out;
  r = f.retort({"revision", "--autogenerate", "--json", "-m", "pending", "--rev-id", "e2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"operations\": 1"), std::string::npos) << r.out;
  r = f.retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(f.retort({"check"}).code, 0);
  f.rows("INSERT INTO cases (id, status) VALUES (2, 'pending')");
  f.rows("DELETE FROM cases WHERE id = 2");
  r = f.retort({"downgrade", "-1"});
  if (!values_can_go) {
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("cannot remove the value 'pending'"), std::string::npos) << r.err;
    return;
  }
  ASSERT_EQ(r.code, 0) << r.err;
  write(f.dir / "migrations/schema.toml", model);
  r = f.retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(f.rows("SELECT status FROM cases"), std::vector<std::string>{"closed"});
}

/// Keys that need what the same migration makes: a new table's key to a column and unique constraint
/// an existing table gains, and an existing table's new key to the new table. Up, checked, down.
template <class Fixture> void expect_keys_to_wait_for_what_they_need(Fixture& f) {
  const fs::path model = f.dir / "migrations/schema.toml";
  const std::string parent = "[[table]]\nname = \"parent\"\n"
                             "columns = [ { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
                             "  { name = \"name\", type = \"string(50)\" }";
  write(model, parent + " ]\n");
  ASSERT_EQ(f.retort({"revision", "--autogenerate", "-m", "parent"}).code, 0);
  ASSERT_EQ(f.retort({"upgrade"}).code, 0);
  write(model, parent + ",\n  { name = \"code\", type = \"string(20)\" }, { name = \"kid_id\", type = \"integer\" } ]\n"
                        "uniques = [ { name = \"uq_parent_code\", columns = [\"code\"] } ]\n"
                        "foreign_keys = [ { name = \"fk_parent_kid\", columns = [\"kid_id\"], references = \"kid(id)\" } ]\n"
                        "[[table]]\nname = \"kid\"\n"
                        "columns = [ { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n"
                        "  { name = \"pcode\", type = \"string(20)\" } ]\n"
                        "foreign_keys = [ { name = \"fk_kid_pcode\", columns = [\"pcode\"], references = \"parent(code)\" } ]\n");
  auto r = f.retort({"revision", "--autogenerate", "-m", "kids", "--rev-id", "k2"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = f.retort({"upgrade"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = f.retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_EQ(f.retort({"downgrade", "-1"}).code, 0);
  write(model, parent + " ]\n");
  r = f.retort({"check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

/// Models nobody wrote: from a random start, `steps` rounds of one to three random changes, each round
/// autogenerated (the same offline as online), upgraded, checked clean with defaults compared, taken
/// down and checked against the model before it, and upgraded again. RETORT_TEST_SEED picks another
/// start; a failure names the seed, the round and the changes.
template <class Fixture> void autogenerate_random_changes(Fixture& f, unsigned seed, int steps) {
  if (const char* s = std::getenv("RETORT_TEST_SEED")) seed = static_cast<unsigned>(std::stoul(s));
  random_model m(seed);
  for (int i = 0; i < 3; ++i) m.add_table();
  const fs::path model = f.dir / "migrations/schema.toml";
  const fs::path versions = f.dir / "migrations/versions";
  auto text_of = [&](const std::string& id) {
    for (const auto& e : fs::directory_iterator(versions))
      if (e.path().filename().string().find("_" + id + "_") != std::string::npos) return std::pair{e.path(), slurp(e.path())};
    return std::pair{fs::path(), std::string()};
  };
  std::string before = "";
  std::string changes = "the first tables";
  for (int round = 0; round < steps; ++round) {
    if (round > 0) {
      changes.clear();
      for (std::size_t k = 0, n = 1 + m.pick(3); k < n; ++k) changes += (k ? "; " : "") + m.change();
    }
    SCOPED_TRACE("seed " + std::to_string(seed) + ", round " + std::to_string(round) + ": " + changes);
    const std::string now = m.toml();
    if (now == before) continue;  // a change to what it was (a type retyped to itself)
    write(model, now);
    const std::string id = "r" + std::to_string(round);
    auto r = f.retort({"revision", "--autogenerate", "--compare-defaults", "--offline", "-m", "offline", "--rev-id", "o" + id});
    ASSERT_EQ(r.code, 0) << r.out << r.err << now;
    const auto [offline_file, offline] = text_of("o" + id);
    fs::remove(offline_file);
    r = f.retort({"revision", "--autogenerate", "--compare-defaults", "-m", changes, "--rev-id", id});
    ASSERT_EQ(r.code, 0) << r.out << r.err << now;
    const std::string online = text_of(id).second;
    ASSERT_FALSE(online.empty()) << r.err << now;
    EXPECT_EQ(operations_of(online), operations_of(offline));
    r = f.retort({"upgrade"});
    ASSERT_EQ(r.code, 0) << r.out << r.err << online << now;
    r = f.retort({"check", "--compare-defaults"});
    ASSERT_EQ(r.code, 0) << r.out << r.err << online << now;
    r = f.retort({"downgrade", "-1"});
    ASSERT_EQ(r.code, 0) << r.out << r.err << online;
    write(model, before);
    r = f.retort({"check", "--compare-defaults"});
    ASSERT_EQ(r.code, 0) << r.out << r.err << online << before;
    write(model, now);
    ASSERT_EQ(f.retort({"upgrade"}).code, 0);
    before = now;
  }
}

}  // namespace retort_test
