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
  refused("escape", "revision = 'a\\xZZ'\n", "escape.py:1: a \\x escape needs 2 hex digits");
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

TEST_F(import, strings_decode_as_python_decodes_them_and_what_it_cannot_read_is_kept_as_written) {
  // No downgrade(), escapes of every kind, an expression index, a block, a docstring with ESC.
  write(dir / "alembic/versions/a1_first.py", R"py("""caf\u00e9\x1b[31m first

Revision ID: a1
"""
revision = 'a1'
down_revision = None

def upgrade():
    op.execute("INSERT INTO t VALUES ('caf\xe9 \u00e9 \U0001F600 \101\7')")
    op.execute(b"SELECT '\u00e9'")
    op.execute("SELECT '\N{BULLET}'")
    op.create_index('ix_lower', 'users', [sa.text('lower(name)')])
    if context.is_offline_mode():
        op.execute("SELECT 1")
        for x in range(2):
            op.execute("SELECT 2")
)py");
  // Written on Windows: CRLF, in a continuation and inside a triple-quoted string.
  write(dir / "alembic/versions/b2_second.py",
        "\"\"\"second\r\n\"\"\"\r\nrevision = 'b2'\r\ndown_revision = \\\r\n    'a1'\r\n\r\ndef upgrade():\r\n"
        "    op.execute(\"\"\"SELECT\r\n 1\"\"\")\r\n\r\ndef downgrade():\r\n    pass\r\n");
  auto r = retort({"import", "alembic", (dir / "alembic/versions").string()});
  EXPECT_EQ(r.code, 3) << r.out << r.err;  // placeholders to write by hand
  EXPECT_TRUE(contains(r.out, "a1_first.py:1: the file has no downgrade()")) << r.out;
  EXPECT_TRUE(contains(r.out, "a \\N{...} escape names a character this import does not look up")) << r.out;
  EXPECT_TRUE(contains(r.out, "an expression (sa.text) is not a column")) << r.out;
  const auto a1 = slurp(dir / "migrations/versions/a1_first.toml");
  EXPECT_TRUE(contains(a1, "message = \"caf\u00e9 [31m first\"")) << a1;
  EXPECT_TRUE(contains(a1, "sql = \"INSERT INTO t VALUES ('caf\u00e9 \u00e9 \U0001F600 A\\u0007')\"")) << a1;
  EXPECT_TRUE(contains(a1, "sql = \"SELECT '\\\\u00e9'\"")) << a1;  // bytes keep \u as written
  EXPECT_TRUE(contains(a1, "python = \"if context.is_offline_mode():\\n    op.execute(\\\"SELECT 1\\\")\\n    for x in "
                           "range(2):\\n        op.execute(\\\"SELECT 2\\\")\"")) << a1;
  EXPECT_TRUE(contains(a1, "[[downgrade]]\nop = \"untranslated\"\npython = \"\"\nwhy = \"the file has no downgrade()\"")) << a1;
  const auto b2 = slurp(dir / "migrations/versions/b2_second.toml");
  EXPECT_TRUE(contains(b2, "down_revision = [\"a1\"]")) << b2;
  EXPECT_TRUE(contains(b2, "sql = \"SELECT\\n 1\"")) << b2;
  // The project reads: `history` lists both, and the placeholder refuses to run.
  r = retort({"history"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "a1, caf\u00e9 [31m first")) << r.out;
  EXPECT_FALSE(contains(r.out, "\x1b")) << r.out;

  // A name that would pass the file system's 255 bytes once it ends in .toml.
  const fs::path long_dir = dir / "long";
  write(long_dir / (std::string(252, 'x') + ".py"), "revision = 'c3'\ndown_revision = None\n");
  r = retort({"import", "alembic", long_dir.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "the name is too long: with .toml it would be 257 bytes")) << r.err;
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
