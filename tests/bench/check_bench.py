#!/usr/bin/python3
"""Benchmark `retort check` against `alembic check`: introspection and diff of an N-table schema.

For each dialect (SQLite by default; PostgreSQL with --pg, MariaDB with --mysql) it writes, in a
temporary directory, one schema of N tables in three forms: a retort project whose single TOML
migration creates them (N create_table operations), retort's schema model `schema.toml` describing
the same tables, and an Alembic project whose env.py's target_metadata is a SQLAlchemy MetaData of
the same tables. Table t<i> has id (integer primary key autoincrement), name (string(100) not null),
body (text), created_at (timestamp) and parent_id (integer, nullable), indexes ix_t<i>_name (name)
and ix_t<i>_created (created_at), and the foreign key fk_t<i>_parent_id: parent_id -> t<i-1>(id),
t1's referencing t1 itself.

It creates the schema once with `retort upgrade head` (untimed) in a fresh database, checks that it is
all there, and then times, each as its own process, the median wall time of --runs runs after one
untimed warm-up run (which also gives the peak RSS, by GNU time's %M):

  retort   retort --url URL -c retort.toml check          (model = "schema.toml")
  Alembic  alembic -c alembic.ini check                   (Alembic >= 1.9; with an older Alembic, as
                                                           Debian 12's 1.8.1, alembic_check.py, which
                                                           runs the steps of 1.9's `check` command)

retort must exit 0 (the model matches the database), and Alembic must finish: a tool that reports
differences has its output printed and its cell marked, and the script exits 1 when retort reports any
or either tool fails. (SQLAlchemy 1.4 reflects the chain of foreign
keys recursively: at N = 1000 Alembic needs --alembic-recursion-limit, e.g. 20000, to get through.) An untimed extra run counts the SQL statements
each tool sends (gdb breakpoints on sqlite3_prepare_v2/v3 or libpq's PQsend* functions; on MariaDB the
server's Questions counter), unless --no-count is given. See tests/bench/README.md.

Usage: /usr/bin/python3 tests/bench/check_bench.py --retort PATH/TO/retort [--plugin-path DIR]
           [--n 1000] [--runs 5] [--sqlite] [--pg [URL]] [--mysql [URL]] [--alembic-path DIR]
           [--alembic-recursion-limit LIMIT] [--only retort|alembic] [--no-count] [--out FILE.md] [--keep]
"""

import argparse
import collections
import contextlib
import datetime
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (bench.py, beside this file: servers, URLs, redaction, run_once)
from bench import CHILD_ENV, GNU_TIME, Command, MySqlServer, PgServer, ServerError, redact  # noqa: E402

RETORT_TABLES = ("retort_version", "retort_history")   # what `retort upgrade` adds beside the schema
GDB = shutil.which("gdb")


# --- the schema, one description for all three forms -----------------------------------------------

@dataclass
class Table:
    number: int

    @property
    def name(self):
        return f"t{self.number}"

    @property
    def parent(self):
        """The table parent_id references: the one before, and for t1 t1 itself."""
        return f"t{max(self.number - 1, 1)}"

    @property
    def fk(self):
        return f"fk_{self.name}_parent_id"

    @property
    def indexes(self):
        return ((f"ix_{self.name}_name", "name"), (f"ix_{self.name}_created", "created_at"))


def schema(n):
    return [Table(i) for i in range(1, n + 1)]


# --- the retort project: one migration of N create_table operations, and the model ------------------

def retort_table_body(t):
    """The fields create_table and the model's [[table]] share (the model's vocabulary is create_table's)."""
    indexes = ", ".join(f'{{ name = "{name}", columns = ["{column}"] }}' for name, column in t.indexes)
    return f'''columns = [
  {{ name = "id",         type = "integer",     primary_key = true, autoincrement = true }},
  {{ name = "name",       type = "string(100)", nullable = false }},
  {{ name = "body",       type = "text" }},
  {{ name = "created_at", type = "timestamp" }},
  {{ name = "parent_id",  type = "integer" }},
]
indexes      = [ {indexes} ]
foreign_keys = [ {{ name = "{t.fk}", columns = ["parent_id"], references = "{t.parent}(id)" }} ]
'''


def write_retort_project(directory, tables):
    """retort.toml (no URL: the commands pass --url), the migration and schema.toml: the config's path."""
    versions = directory / "migrations" / "versions"
    versions.mkdir(parents=True)
    (directory / "retort.toml").write_text('script_location = "migrations"\nmodel = "schema.toml"\n')
    migration = [f'revision = "{1:012x}"\ndown_revision = ""\nmessage = "create {len(tables)} tables"\n']
    model = [f"# The schema of the migration {1:012x}: {len(tables)} tables.\n"]
    for t in tables:
        migration.append(f'\n[[upgrade]]\nop = "create_table"\ntable = "{t.name}"\n' + retort_table_body(t))
        model.append(f'\n[[table]]\nname = "{t.name}"\n' + retort_table_body(t))
    stamp = bench.FIRST_MIGRATION_TIME
    (versions / f"{stamp:%Y%m%d_%H%M}_{1:012x}_create_tables.toml").write_text("".join(migration))
    (directory / "schema.toml").write_text("".join(model))
    return directory / "retort.toml"


# --- the Alembic project: env.py with target_metadata, an empty versions/ -----------------------------

# The SQLAlchemy types of the columns, per dialect, as they are in the database retort made (see
# `retort upgrade head --sql`; retort's timestamp is DATETIME on SQLite, TIMESTAMP on PostgreSQL and
# DATETIME(6) on MariaDB), so that Alembic's compare_type=True has nothing to find: on MariaDB an
# sa.DateTime would be DATETIME, without retort's fractional seconds. PostgreSQL's key is an identity
# column (GENERATED BY DEFAULT AS IDENTITY), which is sa.Identity(), not SERIAL.
ALEMBIC_TYPES = {
    "sqlite": {"key": "sa.Integer, primary_key=True, autoincrement=True", "timestamp": "sa.DateTime()"},
    "postgresql": {"key": "sa.Integer, sa.Identity(), primary_key=True", "timestamp": "sa.DateTime()"},
    "mysql": {"key": "sa.Integer, primary_key=True, autoincrement=True", "timestamp": "mysql.DATETIME(fsp=6)"},
}


def alembic_models(tables, dialect):
    """models.py: the MetaData, one sa.Table per table, written out as an application's models are."""
    types = ALEMBIC_TYPES[dialect]
    lines = [
        f'"""The {len(tables)} tables of the benchmark schema, for env.py\'s target_metadata."""',
        "import sqlalchemy as sa",
        "from sqlalchemy.dialects import mysql  # noqa: F401",
        "",
        "metadata = sa.MetaData()",
    ]
    for t in tables:
        lines += [
            "",
            'sa.Table(',
            f'    "{t.name}", metadata,',
            f'    sa.Column("id", {types["key"]}),',
            '    sa.Column("name", sa.String(100), nullable=False),',
            '    sa.Column("body", sa.Text()),',
            f'    sa.Column("created_at", {types["timestamp"]}),',
            f'    sa.Column("parent_id", sa.Integer, sa.ForeignKey("{t.parent}.id", name="{t.fk}"), nullable=True),',
        ] + [f'    sa.Index("{name}", "{column}"),' for name, column in t.indexes] + [")"]
    return "\n".join(lines) + "\n"


ALEMBIC_ENV = '''"""env.py for `alembic check`: the stock online env.py with target_metadata, compare_type=True
(the default from Alembic 1.12 on) and retort's own tables left out, as retort check leaves them out."""
import os
import sys
from logging.config import fileConfig
{recursion_limit}
from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import metadata  # noqa: E402

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

IGNORED_TABLES = {ignored!r}


def include_name(name, type_, parent_names):
    return not (type_ == "table" and name in IGNORED_TABLES)


def run_migrations_online() -> None:
    engine = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool{connect_args}
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, compare_type=True, include_name=include_name
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

# bench.py's alembic.ini, whose log format is written `%%(levelname)`: logging.config.fileConfig
# reads it raw (no interpolation), so each log line would be that text; here it is `%(levelname)`,
# as `alembic init` writes it, so that what Alembic logs can be read when a check fails.
ALEMBIC_INI = bench.ALEMBIC_INI.replace("format = %%(levelname)-5.5s [%%(name)s] %%(message)s",
                                        "format = %(levelname)-5.5s [%(name)s] %(message)s")
assert ALEMBIC_INI != bench.ALEMBIC_INI

# --alembic-recursion-limit. Reflecting a table, SQLAlchemy 1.4 reflects the table each of its foreign
# keys references, and that one's, recursively (Alembic < 1.18 does not pass resolve_fks=False): the
# chain t1000 -> t999 -> ... nests about 7 Python frames a link, past the default limit of 1 000. The
# depth depends on which table Alembic reflects first (from a set: the order changes from run to run).
RECURSION_LIMIT = """
# --alembic-recursion-limit: SQLAlchemy reflects each foreign key's table recursively.
sys.setrecursionlimit({limit})
"""

# The password for PyMySQL, which reads none from the environment (libpq reads PGPASSWORD itself).
MYSQL_CONNECT_ARGS = ',\n        connect_args={"password": os.environ.get("MYSQL_PWD", "")},'

# For an Alembic older than 1.9 (Debian 12 has 1.8.1), which has no `check` command: the steps of
# Alembic 1.9's alembic.command.check, through the same API (which 1.8 has), and the CLI's handling
# of a CommandError (FAILED: ... on stdout, exit 255).
ALEMBIC_CHECK_PY = '''"""`alembic check` for an Alembic without it: python3 alembic_check.py ALEMBIC_INI.

Runs autogenerate as `alembic revision --autogenerate` would, writes no file, and fails when the
upgrade operations it found are not empty, as Alembic 1.9's check command does."""
import sys

from alembic import autogenerate, util
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory


def check(config):
    scripts = ScriptDirectory.from_config(config)
    arguments = dict(message=None, autogenerate=True, sql=False, head="head", splice=False, branch_label=None,
                     version_path=None, rev_id=None, depends_on=None)
    revision = autogenerate.RevisionContext(config, scripts, arguments)

    def compare(rev, context):
        revision.run_autogenerate(rev, context)
        return []

    with EnvironmentContext(config, scripts, fn=compare, as_sql=False, template_args=revision.template_args,
                            revision_context=revision):
        scripts.run_env()
    diffs = revision.generated_revisions[-1].upgrade_ops.as_diffs()
    if diffs:
        raise util.CommandError(f"New upgrade operations detected: {diffs}")
    config.print_stdout("No new upgrade operations detected.")


if __name__ == "__main__":
    try:
        check(Config(sys.argv[1]))
    except util.CommandError as error:
        util.err(str(error))
'''


def write_alembic_project(directory, tables, dialect, url, recursion_limit=None):
    """alembic.ini (url without a password), env.py, models.py, an empty versions/ (so the database,
    without alembic_version, is at head: `check` needs no stamp) and alembic_check.py."""
    script_location = directory / "migrations"
    (script_location / "versions").mkdir(parents=True)
    (directory / "alembic.ini").write_text(
        ALEMBIC_INI.format(script_location=script_location, url=url.replace("%", "%%")))
    (script_location / "env.py").write_text(ALEMBIC_ENV.format(
        ignored=set(RETORT_TABLES), connect_args=MYSQL_CONNECT_ARGS if dialect == "mysql" else "",
        recursion_limit=RECURSION_LIMIT.format(limit=recursion_limit) if recursion_limit else ""))
    (script_location / "models.py").write_text(alembic_models(tables, dialect))
    (script_location / "script.py.mako").write_text(bench.ALEMBIC_SCRIPT_MAKO)
    (directory / "alembic_check.py").write_text(ALEMBIC_CHECK_PY)
    return directory / "alembic.ini"


@dataclass
class Alembic:
    """How Alembic runs here: its Python, its environment, whether it has `check`, its version."""
    python: Optional[str] = None
    env: dict = field(default_factory=lambda: dict(CHILD_ENV))
    has_check: bool = False
    version: str = ""
    missing: str = ""

    def argv(self, project):
        if self.has_check:
            return [self.python, "-m", "alembic", "-c", str(project / "alembic.ini"), "check"]
        return [self.python, str(project / "alembic_check.py"), str(project / "alembic.ini")]

    def how(self):
        return "`alembic check`" if self.has_check else "alembic_check.py (Alembic 1.9's check, this Alembic has none)"


def find_alembic(alembic_path):
    """The Python with the alembic module (that of /usr/bin/alembic if there is one), PYTHONPATH
    starting with --alembic-path when given, and what it has."""
    alembic = Alembic()
    if alembic_path:
        alembic.env["PYTHONPATH"] = os.pathsep.join(
            [str(Path(alembic_path).resolve())] + ([CHILD_ENV["PYTHONPATH"]] if CHILD_ENV.get("PYTHONPATH") else []))
    script = shutil.which("alembic")
    alembic.python = (script and bench.python_of_script(script)) or sys.executable
    probe = ("import alembic, alembic.command, sqlalchemy; "
             "print(alembic.__version__, sqlalchemy.__version__, hasattr(alembic.command, 'check'))")
    done = subprocess.run([alembic.python, "-c", probe], capture_output=True, text=True, env=alembic.env)
    if done.returncode != 0:
        alembic.missing = f"{alembic.python} cannot import alembic: {done.stderr.strip().splitlines()[-1:]}"
        return alembic
    version, sqlalchemy_version, has_check = done.stdout.split()
    alembic.has_check = has_check == "True"
    alembic.version = f"Alembic {version} (SQLAlchemy {sqlalchemy_version}), run by {alembic.python}" + (
        f" with PYTHONPATH {alembic.env['PYTHONPATH']}" if alembic_path else "")
    return alembic


def driver_version(alembic, module):
    done = subprocess.run([alembic.python, "-c", f"import {module}; print({module}.__version__)"],
                          capture_output=True, text=True, env=alembic.env)
    return done.stdout.split()[0] if done.returncode == 0 and done.stdout.split() else None


# --- the dialects ------------------------------------------------------------------------------------

class Target:
    """One database to check: its URLs, how to create, inspect and drop it."""
    name = dialect = ""
    server = None

    def setup(self, workdir):
        """Create the empty database."""

    def teardown(self):
        """Drop it."""

    def retort_url(self):
        raise NotImplementedError

    def alembic_url(self):
        raise NotImplementedError

    def alembic_env(self, alembic):
        return alembic.env

    def counts(self):
        """(tables t<i>, indexes ix_t<i>_*, foreign keys fk_t<i>_parent_id) in the database."""
        raise NotImplementedError

    def after_create(self):
        """Untimed work after the schema is made (PostgreSQL: VACUUM ANALYZE)."""


class SqliteTarget(Target):
    name, dialect = "SQLite", "sqlite"
    settings = f"SQLite {sqlite3.sqlite_version} (the libsqlite3 of retort's plugin and of Python's sqlite3 module)"

    def setup(self, workdir):
        self.path = workdir / "app.db"
        bench.remove_database(self.path)

    def retort_url(self):
        return f"sqlite:///{self.path}"

    def alembic_url(self):
        return f"sqlite:///{self.path}"

    def counts(self):
        with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                      if re.fullmatch(r"t[0-9]+", n)]
            indexes = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                 "AND (name GLOB 'ix_t*_name' OR name GLOB 'ix_t*_created')").fetchone()[0]
            fks = sum(len(db.execute(f"SELECT 1 FROM pragma_foreign_key_list('{t}')").fetchall()) for t in tables)
        return len(tables), indexes, fks


class ServerTarget(Target):
    def __init__(self, server):
        self.server = server
        self.name, self.dialect = server.name, server.dialect
        self.database = f"bench_check_{os.getpid()}"
        self.settings = f"{server.name} {server.version} at {server.display} ({server.settings})"

    def setup(self, workdir):
        self.server.recreate(self.database)

    def teardown(self):
        self.server.drop(self.database)

    def retort_url(self):
        return self.server.url(self.database)

    def alembic_env(self, alembic):
        # PGPASSWORD or MYSQL_PWD, on top of Alembic's own environment (PYTHONPATH).
        return dict(alembic.env, **{k: v for k, v in self.server.env.items() if k == self.server.password_variable})


class PgTarget(ServerTarget):
    def alembic_url(self):
        return self.server._url(self.database, with_password=False, scheme="postgresql+psycopg2")

    def counts(self):
        return tuple(int(c) for c in self.server.query(self.database, (
            r"SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename ~ '^t[0-9]+$'), "
            r"(SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
            r"AND indexname ~ '^ix_t[0-9]+_(name|created)$'), "
            r"(SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conname ~ '^fk_t[0-9]+_parent_id$')")).split("|"))

    def after_create(self):
        # 1 000 CREATE TABLEs leave the catalogs without fresh statistics and an autovacuum worker
        # about to run: do its work now, untimed, rather than during the measurements. The role owns
        # the database, so it may vacuum all but the shared catalogs (psql warns about those).
        self.server.psql(self.database, "VACUUM ANALYZE")


class MySqlTarget(ServerTarget):
    def alembic_url(self):
        return self.server.alembic_url(self.database)

    def counts(self):
        here = "TABLE_SCHEMA = DATABASE() AND TABLE_NAME REGEXP '^t[0-9]+$'"
        return tuple(int(c) for c in self.server.query(self.database, (
            f"SELECT (SELECT count(*) FROM information_schema.TABLES WHERE {here}), "
            f"(SELECT count(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE {here} "
            f"AND INDEX_NAME REGEXP '^ix_t[0-9]+_(name|created)$'), "
            f"(SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() "
            f"AND CONSTRAINT_NAME REGEXP '^fk_t[0-9]+_parent_id$')")).split("\t"))

    def questions(self):
        return int(self.server.query(None, "SHOW GLOBAL STATUS LIKE 'Questions'").split()[-1])


# --- measuring ---------------------------------------------------------------------------------------

@dataclass
class Result:
    ms: Optional[float] = None       # median wall time; None when the command failed
    rss_mb: Optional[float] = None   # peak RSS of the warm-up run
    code: Optional[int] = None       # the warm-up run's exit code
    verdict: str = "n/a"             # "match", "differences" or "failed"
    output: str = ""                 # what the warm-up run printed (stdout, then stderr)
    statements: Optional[int] = None # SQL statements sent, from the counting run
    catalog: Optional[int] = None    # of which read the catalog (where the statement text is known)
    count_note: str = ""             # how they were counted, or why not
    unstable: str = ""               # a timed run whose exit code differed from the warm-up run's


class WarmUp(NamedTuple):
    code: int
    rss_mb: float
    output: str      # stdout, then stderr: retort says "No differences ..." on stderr


def run_warm_up(command):
    """The untimed run: exit code, peak RSS (GNU time's %M, as in bench.run_once; without GNU time
    os.wait4's figure, a floor) and everything it printed. bench.run_once keeps stderr only on a
    failure, and a check's verdict is on stderr on success too."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as rss_file:
        argv = ([GNU_TIME, "-f", "%M", "-o", rss_file.name] if GNU_TIME else []) + [str(a) for a in command.argv]
        child = subprocess.Popen(argv, cwd=command.cwd, env=command.env or CHILD_ENV, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        # GNU time writes "Command exited with non-zero status N" before the figure on a failure.
        rss_kb = int(rss_file.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    separator = "\n" if stdout and not stdout.endswith("\n") else ""
    return WarmUp(os.waitstatus_to_exitcode(status), rss_kb / 1024, stdout + (separator + stderr if stderr else ""))


def verdict_of(tool, code, text):
    if tool == "retort":
        return {0: "match", 3: "differences"}.get(code, "failed")
    if code == 0 and "No new upgrade operations detected" in text:
        return "match"
    if code != 0 and "New upgrade operations detected" in text:
        return "differences"
    return "failed"


def measure(label, tool, command, runs):
    """The median of `runs` timed runs after one untimed warm-up run (peak RSS, output, exit code).
    A command that reports differences is still timed (it did the whole introspection and diff); one
    that fails otherwise is not."""
    warm_up = run_warm_up(command)
    output = warm_up.output
    result = Result(rss_mb=warm_up.rss_mb, code=warm_up.code, output=output)
    result.verdict = verdict_of(tool, warm_up.code, output)
    if result.verdict == "failed":
        print(f"{label}: failed (exit {warm_up.code}): {' '.join(map(str, command.argv))}\n{output.rstrip()[-4000:]}",
              file=sys.stderr)
        return result
    times = []
    for _ in range(runs):
        run = bench.run_once(command)
        if run.code != warm_up.code:
            result.unstable = f"a timed run exited {run.code}, the warm-up run {warm_up.code}"
        times.append(run.ms)
    result.ms = statistics.median(times)
    print(f"{label}: {result.ms:.0f} ms (median of {runs}), peak RSS {result.rss_mb:.1f} MB, exit {warm_up.code} "
          f"({result.verdict})" + (f"; {result.unstable}" if result.unstable else ""), file=sys.stderr)
    return result


# gdb breakpoints for counting statements: (function, the register holding the SQL text, counted).
# sqlite3_prepare_v2 is how both retort's plugin and Python's sqlite3 module compile each statement
# (a multi-statement text is compiled one statement at a time); a call from inside libsqlite3 itself
# (a table-valued pragma function such as pragma_table_info(?) compiles `PRAGMA table_info='t1'`;
# loading the schema compiles a SELECT on sqlite_master) is SQLite's own, not a statement sent, and
# is not counted. libpq's PQexec, PQexecParams and PQexecPrepared go through PQsendQuery,
# PQsendQueryParams and PQsendQueryPrepared (whose second argument is the statement's name, not its
# text); PQsendPrepare (third argument) is recorded, not counted.
GDB_BREAKPOINTS = {
    "sqlite": [("sqlite3_prepare_v2", "$rsi", True), ("sqlite3_prepare_v3", "$rsi", True)],
    "postgresql": [("PQsendQuery", "$rsi", True), ("PQsendQueryParams", "$rsi", True),
                   ("PQsendQueryPrepared", "$rsi", True), ("PQsendPrepare", "$rdx", False)],
}
OWN_LIBRARY = {"sqlite": "libsqlite3", "postgresql": None}   # calls from inside it are not counted
CATALOG = re.compile(r"pg_catalog|information_schema|\bpg_[a-z_]+\b|sqlite_master|sqlite_schema|\bpragma", re.I)

# Run by gdb's Python (gdb -x count.py --args COMMAND...): a breakpoint per function that records the
# statement's text and the library its caller is in, as JSON lines, and never stops the program.
GDB_COUNTER = '''import json
import gdb

BREAKPOINTS = {breakpoints!r}
out = open({log!r}, "w")


class Counter(gdb.Breakpoint):
    def __init__(self, function, register, counted):
        super().__init__(function, internal=True)
        self.function, self.register, self.counted = function, register, counted

    def stop(self):
        address = int(gdb.parse_and_eval(self.register))
        try:
            raw = bytes(gdb.selected_inferior().read_memory(address, 240))
        except gdb.MemoryError:
            raw = gdb.parse_and_eval("(char *) " + self.register).string().encode()
        caller = gdb.newest_frame().older()
        library = gdb.solib_name(caller.pc()) if caller is not None else None
        out.write(json.dumps({{"function": self.function, "counted": self.counted, "caller": library,
                              "sql": raw.split(b"\\0", 1)[0].decode(errors="replace")}}) + "\\n")
        return False


def exited(event):
    out.write(json.dumps({{"exit": getattr(event, "exit_code", None)}}) + "\\n")
    out.flush()


gdb.execute("set breakpoint pending on")
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set inferior-tty /dev/null")
for function, register, counted in BREAKPOINTS:
    Counter(function, register, counted)
gdb.events.exited.connect(exited)
gdb.execute("run")
'''


def count_statements(target, command, workdir, label):
    """(statements, catalog statements or None, how): one untimed run of `command` with a counter."""
    if target.dialect == "mysql":
        # The server's count of statements its clients sent. The SHOW that reads it counts itself, and
        # the throw-away server has no other client; the baseline is what two reads in a row differ by.
        first = target.questions()
        baseline = target.questions() - first
        before = target.questions()
        run = bench.run_once(command)
        after = target.questions()
        return after - before - baseline, None, f"the server's Questions counter (exit {run.code})"
    if not GDB:
        return None, None, "no gdb"
    log = workdir / f"count-{label}.jsonl"
    script = workdir / f"count-{label}.py"
    script.write_text(GDB_COUNTER.format(breakpoints=GDB_BREAKPOINTS[target.dialect], log=str(log)))
    argv = [GDB, "-q", "-batch", "-nx", "-x", str(script), "--args"] + [str(a) for a in command.argv]
    done = subprocess.run(argv, cwd=command.cwd, env=command.env or CHILD_ENV, capture_output=True, text=True)
    records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    exits = [r["exit"] for r in records if "exit" in r]
    if not exits:
        return None, None, f"gdb did not run it: {redact(done.stderr.strip())[-300:]}"
    own = OWN_LIBRARY[target.dialect]
    sent = [r["sql"] for r in records if r.get("counted") and not (own and own in (r["caller"] or ""))
            and r["sql"].strip().rstrip(";").strip()]   # an empty tail of a multi-statement text is no statement
    log.write_text(redact(log.read_text()))
    catalog = sum(bool(CATALOG.search(text)) for text in sent)
    functions = ", ".join(f for f, _, counted in GDB_BREAKPOINTS[target.dialect] if counted)
    return len(sent), catalog, f"gdb breakpoints on {functions} (exit {exits[-1]})"


def summarise_output(text, limit=40):
    """The lines a check printed, the first `limit` of them, and their shapes (digits as N) with counts."""
    lines = [line for line in text.splitlines() if line.strip()]
    shapes = collections.Counter(re.sub(r"\d+", "N", line) for line in lines)
    head = "\n".join("    " + line[:400] for line in lines[:limit])
    more = f"\n    ... {len(lines) - limit} more line(s)" if len(lines) > limit else ""
    kinds = "\n".join(f"    {count} x {shape[:300]}" for shape, count in shapes.most_common(15))
    return f"{head}{more}\n  by shape (digits as N):\n{kinds}"


def alembic_diffs(text):
    """Alembic's differences by kind: the first word of each tuple in 'New upgrade operations detected: [...]'."""
    # The list is on one line, FAILED: on stdout (and again in the ERROR log line on stderr).
    match = re.search(r"New upgrade operations detected: (\[.*)", text)
    if not match:
        return None
    kinds = collections.Counter(re.findall(r"\(\s*'(\w+)'", match.group(1)))
    if not kinds:   # modify_* diffs are lists of tuples: [('modify_type', None, 't1', ...)]
        kinds = collections.Counter(re.findall(r"\[\s*\(\s*'(\w+)'", match.group(1)))
    return kinds


# --- one dialect -------------------------------------------------------------------------------------

def bench_dialect(target, tables, args, retort_exe, alembic):
    """Create the schema, check it is there, then measure both tools: {tool: Result}, notes."""
    n = len(tables)
    workdir = Path(tempfile.mkdtemp(prefix=f"retort-check-bench-{target.dialect}-{n}-"))
    label = f"N={n} {target.name}"
    results, notes = {}, []
    try:
        target.setup(workdir)
        project = workdir / "retort"
        config = write_retort_project(project, tables)
        plugins = ["--plugin-path", args.plugin_path] if args.plugin_path else []
        retort = [retort_exe, "--url", target.retort_url(), "-c", str(config)] + plugins
        if not retort_exe:
            notes.append("no retort binary: the schema cannot be made, nothing measured")
            return results, notes
        print(f"{label}: creating the schema with `retort upgrade head` (untimed)", file=sys.stderr)
        upgrade = run_warm_up(Command(retort + ["upgrade", "head", "-q"], project))
        if upgrade.code != 0:
            notes.append(f"`retort upgrade head` failed (exit {upgrade.code}): {upgrade.output.strip()[-2000:]}")
            print(f"{label}: {notes[-1]}", file=sys.stderr)
            return results, notes
        counts = target.counts()
        if counts != (n, 2 * n, n):
            notes.append(f"after `retort upgrade head` the database has {counts[0]} tables, {counts[1]} indexes, "
                         f"{counts[2]} foreign keys; expected {n}, {2 * n}, {n}")
            print(f"{label}: {notes[-1]}", file=sys.stderr)
            return results, notes
        target.after_create()
        commands = {}
        if args.only in (None, "retort"):
            commands["retort"] = Command(retort + ["check"], project)
        if args.only in (None, "alembic"):
            if alembic.missing:
                notes.append(f"Alembic not run: {alembic.missing}")
            elif target.server and not driver_version(alembic, target.server.driver[0]):
                module, _, package = target.server.driver
                notes.append(f"Alembic not run: {alembic.python} cannot import {module} (apt-get install {package})")
            else:
                directory = workdir / "alembic"
                write_alembic_project(directory, tables, target.dialect, target.alembic_url(),
                                      args.alembic_recursion_limit)
                commands["Alembic"] = Command(alembic.argv(directory), directory, env=target.alembic_env(alembic))
        for tool, command in commands.items():
            result = results[tool] = measure(f"{label} {tool} check", tool, command, args.runs)
            if result.verdict != "match":
                print(f"{label}: {tool} check did not find the model and the database the same "
                      f"(exit {result.code}); it printed:\n{summarise_output(result.output)}", file=sys.stderr)
            (workdir / f"{tool.lower()}-check.out").write_text(redact(result.output))
            if args.count and result.verdict != "failed":
                result.statements, result.catalog, result.count_note = count_statements(
                    target, command, workdir, tool.lower())
                print(f"{label} {tool} check: {result.statements} statements sent"
                      + (f", {result.catalog} of them on the catalog" if result.catalog is not None else "")
                      + f" ({result.count_note})", file=sys.stderr)
        return results, notes
    finally:
        with contextlib.suppress(ServerError):
            target.teardown()
        bench.done_with(workdir, label, args.keep)


# --- reporting ---------------------------------------------------------------------------------------

def number(value):
    return "n/a" if value is None else bench.format_number(value)


def cell(result, field_name):
    if result is None:
        return "n/a"
    if result.verdict == "failed":
        return "failed"
    text = number(getattr(result, field_name))
    return text + (" (differences)" if field_name == "ms" and result.verdict == "differences" else "")


def statements_cell(result):
    if result is None or result.statements is None:
        return "n/a"
    return f"{result.statements}" + (f" ({result.catalog})" if result.catalog is not None else "")


def report_table(rows):
    lines = ["| dialect | retort check ms | Alembic check ms | Alembic/retort | retort peak RSS MB | "
             "Alembic peak RSS MB | retort statements (catalog) | Alembic statements (catalog) |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for target, results, _ in rows:
        r, a = results.get("retort"), results.get("Alembic")
        ratio = (f"{a.ms / r.ms:.3g}" if r and a and r.ms and a.ms else "n/a")
        lines.append(f"| {target.name} | {cell(r, 'ms')} | {cell(a, 'ms')} | {ratio} | {cell(r, 'rss_mb')} | "
                     f"{cell(a, 'rss_mb')} | {statements_cell(r)} | {statements_cell(a)} |")
    return lines


def verdict_lines(target, results, notes):
    lines = []
    for tool, result in results.items():
        said = [line for line in result.output.splitlines() if line.strip() and not line.startswith("INFO ")]
        if tool == "Alembic" and result.verdict == "differences":
            kinds = alembic_diffs(result.output) or {}
            what = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
            text = f"reported differences ({what or 'unparsed'}): `{said[0][:300] if said else ''}…`"
        elif result.verdict == "differences":
            text = f"reported {len(said) - 1} difference line(s), e.g. " + "; ".join(f"`{line}`" for line in said[:3])
        else:
            text = f"printed `{said[-1][:300]}`" if said else "printed nothing"
        lines.append(f"- {target.name}, {tool} check: exit {result.code} ({result.verdict}); {text}"
                     + (f"; {result.unstable}" if result.unstable else "")
                     + (f"; statements counted by {result.count_note}" if result.count_note else ""))
    lines += [f"- {target.name}: {note}" for note in notes]
    return lines


def header(args, retort_version, alembic, targets):
    lines = [
        "# retort check against alembic check",
        "",
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {bench.cpu_model()}, "
        f"load average at start {bench.load_average()}",
        f"- schema: N = {args.n} tables, each 5 columns, 2 indexes and 1 foreign key (t1's to itself)",
        f"- runs: median of {args.runs} after one untimed warm-up run, against one database made once by "
        "`retort upgrade head`",
        "- peak RSS: " + ("GNU time's %M, from the warm-up run" if GNU_TIME else
                          "os.wait4 (no /usr/bin/time): never below this harness's own RSS"),
        f"- retort: {retort_version}",
        f"- Alembic: {alembic.version or 'not run: ' + alembic.missing}; check run as {alembic.how()}"
        + (f"; env.py sets sys.setrecursionlimit({args.alembic_recursion_limit})" if args.alembic_recursion_limit else
           "; Python's default recursion limit"),
    ]
    lines += [f"- {target.name}: {target.settings}" for target in targets]
    return "\n".join(lines) + "\n"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--retort", help="the retort binary")
    parser.add_argument("--plugin-path", help="passed to retort as --plugin-path")
    parser.add_argument("--n", type=int, default=1000, help="the number of tables (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement; the median is kept (default 5)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite too when --pg or --mysql is given")
    parser.add_argument("--pg", nargs="?", const="env", metavar="URL",
                        help="run on PostgreSQL: a server URL without a database (postgresql://USER:PASSWORD@HOST:PORT) "
                             "whose role may CREATE DATABASE; without a value, or `env`, $RETORT_TEST_PG")
    parser.add_argument("--mysql", nargs="?", const="env", metavar="URL",
                        help="run on MariaDB/MySQL: a server URL without a database (mysql://USER:PASSWORD@HOST:PORT) "
                             "whose user may CREATE DATABASE; without a value, or `env`, $RETORT_TEST_MYSQL")
    parser.add_argument("--alembic-path", metavar="DIR",
                        help="put DIR first on Alembic's PYTHONPATH, e.g. an Alembic >= 1.9 source tree with `check`")
    parser.add_argument("--alembic-recursion-limit", type=int, metavar="LIMIT",
                        help="have env.py call sys.setrecursionlimit(LIMIT): SQLAlchemy 1.4 reflects a chain of "
                             "foreign keys recursively, which passes the default limit (1000) at N = 1000")
    parser.add_argument("--only", choices=("retort", "alembic"), help="measure one tool only")
    parser.add_argument("--no-count", dest="count", action="store_false",
                        help="do not count the statements each tool sends (an extra untimed run each)")
    parser.add_argument("--out", help="also write the Markdown report here")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and print where")
    args = parser.parse_args()
    if args.n < 1 or args.runs < 1:
        parser.error("--n and --runs must be at least 1")
    if args.alembic_recursion_limit is not None and args.alembic_recursion_limit < 100:
        parser.error("--alembic-recursion-limit must be at least 100")
    if args.pg == "env":
        args.pg = os.environ.get("RETORT_TEST_PG") or parser.error("--pg without a URL needs RETORT_TEST_PG")
    if args.mysql == "env":
        args.mysql = os.environ.get("RETORT_TEST_MYSQL") or parser.error("--mysql without a URL needs RETORT_TEST_MYSQL")
    return args


def main():
    # Whatever is printed (tracebacks and argparse's errors included) is redacted: no password shows.
    sys.stdout, sys.stderr = bench.Redacting(sys.stdout), bench.Redacting(sys.stderr)
    args = parse_args()
    servers, targets = [], []
    try:
        if args.sqlite or not (args.pg or args.mysql):
            targets.append(SqliteTarget())
        for option, url, kind, target in (("--pg", args.pg, PgServer, PgTarget), ("--mysql", args.mysql, MySqlServer,
                                                                                   MySqlTarget)):
            if url:
                try:
                    servers.append(kind(url))
                except ServerError as error:
                    sys.exit(f"{option}: {error}")
                targets.append(target(servers[-1]))
        sys.exit(run(args, targets))
    finally:
        for server in servers:
            server.drop_all()


def run(args, targets):
    retort_exe, retort_version = None, "not run: no --retort given"
    if args.retort:
        if os.access(args.retort, os.X_OK):
            retort_exe = str(Path(args.retort).resolve())
            retort_version = bench.first_line([retort_exe, "--version"]) or f"{retort_exe} (no --version)"
        else:
            retort_version = f"not run: {args.retort} is not an executable file"
    alembic = find_alembic(args.alembic_path)
    top = header(args, retort_version, alembic, targets)
    print(top, flush=True)
    tables = schema(args.n)
    rows = []
    for target in targets:
        results, notes = bench_dialect(target, tables, args, retort_exe, alembic)
        rows.append((target, results, notes))
    body = ["### Introspection and diff of N = %d tables" % args.n, ""] + report_table(rows) + [
        "",
        "Alembic/retort above 1 means retort is faster. Statements: those each tool sent in one extra run, "
        "with (in parentheses, where the text is seen) those that read the catalog.",
        ""] + [line for row in rows for line in verdict_lines(*row)]
    footer = f"Load average at the end: {bench.load_average()}."
    report = "\n".join(body) + "\n\n" + footer + "\n"
    print(report)
    if args.out:
        Path(args.out).write_text(redact(top + "\n" + report))
    # The assertion: retort's check found the model and the database the same, and Alembic's ran to
    # the end (what it reports is a finding about Alembic, shown in its cell: the SQLite keys).
    return 0 if rows and all(r.verdict == "match" if tool == "retort" else r.verdict != "failed"
                             for _, results, _ in rows for tool, r in results.items()) else 1


if __name__ == "__main__":
    main()
