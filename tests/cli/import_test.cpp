// import_test.cpp — `retort import alembic` on files no Alembic wrote: what is not a revision file, a
// string left open, a depends_on nobody answers, a file that would be overwritten; each refused with
// file:line and exit 2, nothing written. (tests/differential/alembic_import.py runs it on a project
// Alembic generates.)
#include "cli_fixture.hpp"

#include <gtest/gtest.h>

namespace retort_test {
namespace {

using import = cli;

const std::string revision_py = R"(""" add people

Revision ID: 1f
"""
from alembic import op
import sqlalchemy as sa

revision: str = "1f"
down_revision: Union[str, None] = None
branch_labels = ("people",)
depends_on = None


def upgrade() -> None:
    op.create_table("people", sa.Column("id", sa.BigInteger, primary_key=True),
                    sa.Column("nick", sa.String(20), unique=True, index=True),
                    sa.Column("born", sa.Date()))
    op.execute(sa.text(
        'INSERT INTO people (nick) VALUES (\'root\')'
    ))


def downgrade() -> None:
    op.drop_table("people")
)";

TEST_F(import, a_revision_in_the_newer_template_with_annotations_and_text_calls_translates) {
  write(dir / "alembic/versions/1f_add_people.py", revision_py);
  auto r = retort({"import", "alembic", (dir / "alembic/versions").string()});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Imported 1 revision(s)")) << r.out;
  EXPECT_TRUE(contains(r.err, "set version_table = \"alembic_version\"")) << r.err;
  const auto text = slurp(dir / "migrations/versions/1f_add_people.toml");
  EXPECT_TRUE(contains(text, "branch_labels = [\"people\"]")) << text;
  EXPECT_TRUE(contains(text, "message = \"add people\"")) << text;
  EXPECT_TRUE(contains(text, "{ name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true }")) << text;
  EXPECT_TRUE(contains(text, "{ name = \"ix_people_nick\", columns = [\"nick\"] }")) << text;
  EXPECT_TRUE(contains(text, "sql = \"INSERT INTO people (nick) VALUES ('root')\"")) << text;
  ASSERT_EQ(retort({"upgrade"}).code, 0);
  EXPECT_EQ(column(db, "SELECT nick FROM people"), std::vector<std::string>{"root"});
  EXPECT_EQ(column(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_people_nick'"),
            std::vector<std::string>{"ix_people_nick"});
  ASSERT_EQ(retort({"downgrade", "base"}).code, 0);
  EXPECT_EQ(tables(db), (std::vector<std::string>{"retort_history", "retort_version"}));
}

TEST_F(import, files_that_are_not_revisions_are_refused_naming_file_and_line_and_nothing_is_written) {
  auto refused = [&](const std::string& name, const std::string& text, const std::string& said) {
    const fs::path versions = dir / ("alembic-" + name);
    write(versions / (name + ".py"), text);
    auto r = retort({"import", "alembic", versions.string()});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, said)) << r.err;
    EXPECT_TRUE(fs::is_empty(dir / "migrations/versions")) << name;
  };
  refused("helpers", "def helper():\n    return 1\n", "helpers.py:1: not an Alembic revision file: no `revision = \"…\"`");
  refused("open", "revision = 'a1'\ndown_revision = None\ndef upgrade():\n    op.execute('x\n", "open.py:4: a string is not closed");
  refused("triple", "revision = 'a1'\n\"\"\"never closed\n", "triple.py:3: a string is not closed");
  refused("badid", "revision = 'has space'\n", "badid.py:1: revision:");
  refused("computed", "revision = make_id()\n", "computed.py:1: revision: expected a string");
  refused("escape", "revision = 'a\\xZZ'\n", "escape.py:1: a \\x escape needs two hex digits");
  refused("deps", "revision = 'a1'\ndown_revision = None\ndepends_on = 'nobody'\n",
          "depends_on 'nobody' is neither a revision nor a branch label");
  refused("orphan", "revision = 'a1'\ndown_revision = 'nosuch'\n", "nothing imported: broken revision graph");
  refused("deep", "revision = 'a1'\ndown_revision = " + std::string(20000, '(') + "None" + std::string(20000, ')') + "\n",
          "deep.py:2: down_revision: nested more than 64 levels deep");
  auto r = retort({"import", "alembic", (dir / "nowhere").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "not a directory of Alembic revision files")) << r.err;
  r = retort({"import", "flyway", (dir / "nowhere").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "retort imports from alembic")) << r.err;
}

TEST_F(import, a_second_import_overwrites_nothing) {
  write(dir / "alembic/versions/1f_add_people.py", revision_py);
  ASSERT_EQ(retort({"import", "alembic", (dir / "alembic/versions").string()}).code, 0);
  const auto first = slurp(dir / "migrations/versions/1f_add_people.toml");
  write(dir / "migrations/versions/1f_add_people.toml", first + "# edited\n");
  auto r = retort({"import", "alembic", (dir / "alembic/versions").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "nothing imported: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "1f_add_people.toml exists")) << r.err;
  EXPECT_EQ(slurp(dir / "migrations/versions/1f_add_people.toml"), first + "# edited\n");
}

}  // namespace
}  // namespace retort_test
