#!/usr/bin/env python3
"""`retort import alembic` on a project generated with Debian's python3-alembic (alembic_project.py:
two branches and a merge, a branch label, a second root with a depends_on on that label,
batch_alter_table, execute, constraints and indexes).

- Alembic upgrades the database half-way (one branch and the other's first revision); the project is
  imported; `retort current` says what `alembic current` says; `retort upgrade heads` does the rest,
  and then `alembic current` agrees with retort. On SQLite, and on PostgreSQL when RETORT_TEST_PG
  names a server.
- `retort upgrade base:heads --sql` and `alembic upgrade heads --sql` run the same statements for
  each revision, statement for statement, once spelling is normalised: quotes, spacing, case, the
  order of NOT NULL and DEFAULT in a column, and a one-column key or foreign key written in the column
  (retort) or after the columns (SQLAlchemy). What still differs is listed; the known differences
  are in KNOWN and documented in docs/alembic-import.md.
- What cannot be translated (op.bulk_insert, Python control flow) becomes a placeholder: the import
  exits 3 and names file:line, and `retort upgrade` refuses the revision before anything runs.
- The downgrades, translated from Alembic's downgrade(), take the database back to base.

Run: alembic_import.py RETORT_BINARY
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alembic_project  # noqa: E402

RETORT = None
# Statements that differ between the two tools on purpose, by revision: (Alembic's, retort's) after
# normalisation. None yet.
KNOWN = {}


def run(cmd, cwd, env=None, check=True):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


def retort(cwd, *args, check=True, env=None):
    e = dict(os.environ, **(env or {}))
    e.pop("RETORT_PLUGIN_PATH", None)
    return run([RETORT, *args], cwd, e, check)


def import_project(root, url):
    """A retort project beside the Alembic one, on its database, with its revisions imported."""
    project = os.path.join(root, "retort")
    os.makedirs(project)
    retort(project, "init", "migrations")
    toml = os.path.join(project, "retort.toml")
    with open(toml) as f:
        text = f.read()
    text = re.sub(r'(?m)^version_table\s*=.*$', 'version_table = "alembic_version"', text)
    text = re.sub(r'(?m)^default_url\s*=.*$', '', text)
    with open(toml, "w") as f:
        f.write(text)
    r = retort(project, "--url", url, "import", "alembic", os.path.join(root, "alembic", "versions"), check=False)
    return project, r


def heads_of(text):
    """Revision ids at the start of each line of `alembic current` / `retort current`."""
    return sorted(m.group(1) for m in re.finditer(r"(?m)^([0-9a-f]{12})\b", text))


# ---- --sql, normalised -----------------------------------------------------------------------

def statements_by_revision(script, version_table="alembic_version"):
    """{revision: [statement, …]} from an offline script, retort's and the version table's own left out."""
    out, current = {}, None
    for block in re.split(r";\s*\n", script):
        lines = []
        for line in block.splitlines():
            m = re.match(r"-- Running upgrade .*-> ([0-9a-zA-Z_]+)", line)
            if m:
                current = m.group(1)
                out.setdefault(current, [])
            elif not line.startswith("--"):
                lines.append(line)
        sql = " ".join(lines).strip()
        if not sql or current is None or sql.upper() in ("BEGIN", "COMMIT"):
            continue
        flat = sql.replace('"', "")
        if re.search(rf"\b({version_table}|retort_history)\b", flat):
            continue
        out[current].append(sql)
    return out


def split_top(body):
    parts, depth, cur = [], 0, ""
    for c in body:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        parts.append(cur.strip())
    return parts


def column_def(part):
    """"name TYPE flags…" as (name, type, {flags}): NOT NULL, DEFAULT and REFERENCES in any order."""
    name, rest = part.split(" ", 1)
    typ = re.match(r"\S+(?:\([^)]*\))?", rest).group(0)
    flags = set()
    rest = rest[len(typ):]
    for flag in ("NOT NULL", "PRIMARY KEY"):
        if flag in rest:
            flags.add(flag)
            rest = rest.replace(flag, "")
    d = re.search(r"DEFAULT (\S+)", rest)
    if d:
        flags.add("DEFAULT " + d.group(1))
        rest = rest.replace(d.group(0), "")
    r = re.search(r"REFERENCES \S+", rest)
    if r:
        flags.add(r.group(0).strip())
    return name, typ, flags


# Spellings of one thing, after upper-casing: (pattern, replacement, why). Each one found is listed.
SPELLINGS = [
    (r"\bTIMESTAMP WITH TIME ZONE\b", "TIMESTAMPTZ", "two names of one type"),
    (r"\bTIMESTAMP WITHOUT TIME ZONE\b", "TIMESTAMP", "two names of one type"),
    (r"\bRENAME COLUMN\b", "RENAME", "COLUMN is optional in PostgreSQL's RENAME"),
    (r"\bBIGINT GENERATED BY DEFAULT AS IDENTITY\b", "BIGSERIAL",
     "a generated key: SQLAlchemy writes SERIAL (a sequence it owns), retort an identity column"),
    (r"\bINTEGER GENERATED BY DEFAULT AS IDENTITY\b", "SERIAL",
     "a generated key: SQLAlchemy writes SERIAL (a sequence it owns), retort an identity column"),
]
SPELLED = {}


def normalise(sql):
    s = sql.replace('"', "").replace("`", "")
    s = re.sub(r"\s+", " ", s).strip().rstrip(";").upper()
    for pattern, to, why in SPELLINGS:
        if re.search(pattern, s):
            SPELLED.setdefault(why, 0)
            SPELLED[why] += 1
            s = re.sub(pattern, to, s)
    s = re.sub(r"\s*\(\s*", "(", s)
    s = re.sub(r"\s*\)", ")", s)
    s = re.sub(r"\s*,\s*", ",", s)
    add = re.match(r"(ALTER TABLE \S+ ADD COLUMN) (.*)$", s)
    if add:
        name, typ, flags = column_def(add.group(2))
        return f"{add.group(1)} {name} {typ} {sorted(flags)}"
    m = re.match(r"CREATE TABLE (\S+)\((.*)\)$", s)
    if not m:
        return s
    table, body = m.group(1), m.group(2)
    columns, constraints = {}, []
    for part in split_top(body):
        pk = re.match(r"(?:CONSTRAINT \S+ )?PRIMARY KEY\(([^,()]+)\)$", part)
        fk = re.match(r"FOREIGN KEY\(([^,()]+)\) ?REFERENCES (\S+?)\(([^,()]+)\)(.*)$", part)
        if pk:
            constraints.append(("PK", pk.group(1)))
        elif fk:
            constraints.append(("FK", fk.group(1), f"REFERENCES {fk.group(2)}({fk.group(3)}){fk.group(4)}"))
        elif part.startswith(("CONSTRAINT", "UNIQUE", "CHECK", "FOREIGN KEY", "PRIMARY KEY")):
            columns.setdefault("~constraints", set()).add(part)
        else:
            name, typ, flags = column_def(part)
            columns[name] = (typ, flags)
    for c in constraints:
        if c[0] == "PK" and c[1] in columns:
            columns[c[1]][1].update({"PRIMARY KEY", "NOT NULL"})
        elif c[0] == "FK" and c[1] in columns:
            columns[c[1]][1].add(c[2].strip())
    for name, value in columns.items():
        if name != "~constraints" and "PRIMARY KEY" in value[1]:
            value[1].add("NOT NULL")
    cols = sorted((n, t[0], tuple(sorted(t[1]))) if n != "~constraints" else (n, tuple(sorted(t)))
                  for n, t in columns.items())
    return f"CREATE TABLE {table} {cols}"


class alembic_import(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="retort-alembic-import-")
        self.root = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def half_way_then_retort(self, alembic_url, retort_url):
        alembic_project.make(self.root, alembic_url)
        alembic_project.alembic(self.root, "upgrade", "2b0000000002")
        alembic_project.alembic(self.root, "upgrade", "3c0000000003")
        before = heads_of(alembic_project.alembic(self.root, "current").stdout)
        self.assertEqual(before, ["2b0000000002", "3c0000000003"])
        project, r = import_project(self.root, retort_url)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Imported 7 revision(s)", r.stdout)
        self.assertEqual(heads_of(retort(project, "--url", retort_url, "current").stdout), before)
        retort(project, "--url", retort_url, "upgrade", "heads")
        after = heads_of(alembic_project.alembic(self.root, "current").stdout)
        self.assertEqual(after, ["6f0000000006", "8a0000000008"])
        self.assertEqual(heads_of(retort(project, "--url", retort_url, "current").stdout), after)
        return project

    def test_sqlite_half_upgraded_by_alembic_is_finished_by_retort_and_comes_down(self):
        db = os.path.join(self.root, "app.db")
        project = self.half_way_then_retort(f"sqlite:///{db}", f"sqlite:///{db}")
        names = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.assertTrue({"users", "posts", "bills", "audit_log", "alembic_version"} <= names, names)
        cols = [r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(posts)")]
        self.assertIn("status", cols)
        self.assertNotIn("published", cols)
        self.assertIn("full_name", [r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(users)")])
        # The translated downgrades take it back to base; retort's own history table stays.
        retort(project, "--url", f"sqlite:///{db}", "downgrade", "base")
        names = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.assertEqual(names, {"alembic_version", "retort_history"})

    @unittest.skipUnless(os.environ.get("RETORT_TEST_PG"), "RETORT_TEST_PG names no PostgreSQL server")
    def test_postgresql_half_upgraded_by_alembic_is_finished_by_retort(self):
        server = os.environ["RETORT_TEST_PG"]
        name = "t_alembic_import"
        admin = server + "/postgres"
        run(["psql", "-X", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {name}"], self.root)
        run(["psql", "-X", "-q", admin, "-c", f"CREATE DATABASE {name}"], self.root)
        try:
            url = f"{server}/{name}"
            self.half_way_then_retort(url.replace("postgresql://", "postgresql+psycopg2://", 1), url)
            tables = run(["psql", "-X", "-At", url, "-c", "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM "
                          "pg_tables WHERE schemaname = 'public'"], self.root).stdout.strip()
            self.assertEqual(tables, "alembic_version,audit_log,bills,posts,retort_history,users")
        finally:
            run(["psql", "-X", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {name}"], self.root, check=False)

    def test_the_sql_is_alembics_statement_for_statement_on_postgresql(self):
        # Offline: both tools render for PostgreSQL without a server. SQLite is left out: what it cannot
        # ALTER, Alembic writes as ALTER anyway (outside batch mode) and retort as a table rebuild.
        url = "postgresql://app@localhost/app"
        alembic_project.make(self.root, url.replace("postgresql://", "postgresql+psycopg2://", 1))
        project, r = import_project(self.root, url)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        theirs = statements_by_revision(alembic_project.alembic(self.root, "upgrade", "heads", "--sql").stdout)
        ours = statements_by_revision(retort(project, "--url", url, "upgrade", "base:heads", "--sql").stdout)
        self.assertEqual(sorted(theirs), sorted(ours))
        differences = []
        compared = 0
        for rev in sorted(theirs):
            a = [normalise(s) for s in theirs[rev]]
            b = [normalise(s) for s in ours[rev]]
            self.assertEqual(len(a), len(b), f"{rev}: Alembic runs {theirs[rev]}\nretort runs {ours[rev]}")
            for x, y in zip(a, b):
                compared += 1
                if x != y and (x, y) not in KNOWN.get(rev, []):
                    differences.append(f"{rev}:\n  Alembic: {x}\n  retort:  {y}")
        print(f"\n{compared} statements compared across {len(theirs)} revisions; {len(differences)} differ",
              file=sys.stderr)
        for why, n in sorted(SPELLED.items()):
            print(f"  spelled differently, normalised ({n}): {why}", file=sys.stderr)
        self.assertEqual(differences, [], "\n".join(differences))

    def test_what_is_not_translated_is_a_placeholder_that_refuses_to_run(self):
        revisions = [r for r in alembic_project.REVISIONS if r[0] in ("1a0000000001",)] + [
            ("7a0000000007", ["-m", "seed"], """
    users = sa.table("users", sa.column("email", sa.String))
    op.bulk_insert(users, [{"email": "ann@example.com"}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("VACUUM")
""", """
    op.execute("DELETE FROM users")
""")]
        db = os.path.join(self.root, "app.db")
        alembic_project.make(self.root, f"sqlite:///{db}", revisions)
        project, r = import_project(self.root, f"sqlite:///{db}")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("5 operation(s) translated, 3 not", r.stdout)
        self.assertRegex(r.stdout, r"7a0000000007_seed\.py:2\d: users = sa\.table")
        self.assertRegex(r.stdout, r"7a0000000007_seed\.py:2\d: op\.bulk_insert\(users")
        self.assertRegex(r.stdout, r"7a0000000007_seed\.py:2\d: if op\.get_bind\(\)")
        # The translated revision before it runs; the placeholder's is refused before anything of it runs.
        retort(project, "--url", f"sqlite:///{db}", "upgrade", "1a0000000001")
        r = retort(project, "--url", f"sqlite:///{db}", "upgrade", "head", check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("revision 7a0000000007 (7a0000000007_seed.toml), [[upgrade]] #1 (untranslated): is Alembic code",
                      r.stderr)
        self.assertIn('users = sa.table("users", sa.column("email", sa.String))', r.stderr)
        self.assertEqual([v for (v,) in sqlite3.connect(db).execute("SELECT version_num FROM alembic_version")],
                         ["1a0000000001"])


if __name__ == "__main__":
    RETORT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
