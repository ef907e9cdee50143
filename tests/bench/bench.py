#!/usr/bin/python3
"""Benchmark retort against Alembic and the raw sqlite3 shell on SQLite.

For each N it writes, in a temporary directory, one chain of N linear migrations in three forms: a
retort project (TOML migrations), an Alembic project (Python revisions, transaction_per_migration)
and two scripts for the sqlite3 shell. Migration i creates table t<i> (id integer primary key
autoincrement, name string(100) not null, body text, created_at timestamp, score integer) and index
ix_t<i>_name; every tenth migration also adds a nullable string(50) column `extra` to t<i-1>.

It then runs each command as its own process and reports, per N, the median wall time of --runs runs
(after one untimed warm-up run) and the command's peak RSS (GNU time's %M on the warm-up run):

  retort   upgrade head, upgrade head --atomic, heads, history, current, upgrade head --sql
  Alembic  upgrade head, heads, history, current, upgrade head --sql
  sqlite3  `sqlite3 raw.db < script.sql`: BEGIN ... COMMIT around each migration and its version
           row (the "upgrade head" row), and one BEGIN ... COMMIT around everything ("--atomic")

Every upgrade run starts from an empty database, and the schema it leaves is checked (t1..tN, their
indexes, the `extra` columns, the version row) so a tool that does less work cannot look fast.
`current` runs against the database the upgrade runs left at head. See tests/bench/README.md.

With --graph G (a second workload, for retort and Alembic only) it writes a revision graph of G
no-op revisions instead: a trunk in which every 50th trunk revision is a branch point with two
parallel lines of 25 revisions, joined by a merge revision (down_revision lists both line tips) from
which the trunk goes on, so that there is exactly one head. It stamps a database at that head (once,
untimed), checks each tool's `heads`, `history`, `upgrade head --sql` output and version table, and
times `heads`, `history`, `current` and `upgrade head --sql`. Each Alembic command gets a timeout
(--alembic-timeout, 120 s by default with --graph), because Alembic's `current` is quadratic.

With --pg URL (a server URL without a database; `--pg` alone or `--pg env` reads $RETORT_TEST_PG) the
linear workload runs on PostgreSQL instead (N = 1000 unless --n says otherwise): `retort --url URL/db
upgrade head [--atomic]`, psql running the same statements with the same transaction boundaries
(`psql -f script.sql`, `psql -1 -f atomic.sql`), and Alembic with psycopg2 (`upgrade head`), each run
in a database created for it and dropped after it, and checked (t1..tN, indexes, `extra` columns,
version row). The psql script is compared with `retort upgrade head --sql`. The password never
appears in what this script prints or writes.

With --mysql URL (mysql://USER:PASSWORD@HOST:PORT; `--mysql` alone or `--mysql env` reads
$RETORT_TEST_MYSQL) the same is done on MariaDB: `retort --url URL/db upgrade head`, the mariadb client
running the same statements (`mariadb DB < script.sql`) and Alembic with PyMySQL. There is no
`--atomic` row: MySQL commits each DDL statement on its own, so retort refuses --atomic for DDL.

Usage: /usr/bin/python3 tests/bench/bench.py --retort PATH/TO/retort [--plugin-path DIR]
           [--n 100,1000] [--graph 1000,10000] [--pg [URL]] [--mysql [URL]] [--runs 5]
           [--alembic-runs 1] [--alembic-timeout 120] [--out FILE.md]
           [--only retort|alembic|sqlite3|psql|mariadb] [--keep]
"""

import argparse
import contextlib
import datetime
import functools
import importlib.metadata
import importlib.util
import os
import re
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple, Optional

UPGRADE_ROWS = ("upgrade head", "upgrade head --atomic")
ROWS = UPGRADE_ROWS + ("heads", "history", "current", "upgrade head --sql")
ALEMBIC_ROWS = tuple(row for row in ROWS if row != "upgrade head --atomic")   # no whole-plan transaction
GRAPH_ROWS = ("heads", "history", "current", "upgrade head --sql")                # the --graph workload
PG_ROWS = UPGRADE_ROWS                                                             # the --pg workload
MYSQL_ROWS = ("upgrade head",)        # the --mysql workload: DDL commits by itself, so no --atomic

# The subcommand behind each row, for the two migration tools.
CLI_ARGS = {
    "upgrade head": ["upgrade", "head"],
    "upgrade head --atomic": ["upgrade", "head", "--atomic"],
    "heads": ["heads"],
    "history": ["history"],
    "current": ["current"],
    "upgrade head --sql": ["upgrade", "head", "--sql"],
    "stamp head": ["stamp", "head"],   # --graph: puts the database at the head once, before `current`
}

# DATABASE_URL would override retort's default_url and send it to another database;
# PYTHONDONTWRITEBYTECODE would make Alembic recompile every revision file on every run; MYSQL_PWD is
# set for the children that need it (the mariadb client, Alembic's env.py), from the --mysql URL.
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE", "MYSQL_PWD")}

FIRST_MIGRATION_TIME = datetime.datetime(2024, 1, 1)

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


# --- the migration chain, one description for all three tools ---------------------------------------

class Migration(NamedTuple):
    number: int
    rev: str
    down: str                # "" for the root
    table: str
    index: str
    altered: Optional[str]   # the table that gains `extra` (every tenth migration), else None


def chain(n):
    return [
        Migration(
            number=i,
            rev=f"{i:012x}",
            down=f"{i - 1:012x}" if i > 1 else "",
            table=f"t{i}",
            index=f"ix_t{i}_name",
            altered=f"t{i - 1}" if i % 10 == 0 else None,
        )
        for i in range(1, n + 1)
    ]


# --- the revision graph (--graph), one description for retort and Alembic ----------------------------

BRANCH_EVERY = 50   # every 50th trunk revision is a branch point (the merges count as trunk revisions)
LINE_LENGTH = 25    # revisions on each of the two parallel lines that follow a branch point


class Revision(NamedTuple):
    number: int
    rev: str
    down: tuple     # () for the root, one id, or two (the line tips) for a merge
    message: str


def revision_graph(g):
    """G revisions numbered in topological order, revision i having id f"{i:012x}": trunk revisions;
    after every 50th trunk revision (the branch point) line a (25 revisions), then line b (25), both
    children of the branch point, then a merge of the two tips, which is the next trunk revision. So
    revisions 1-50 are trunk, 51-75 line a, 76-100 line b, 101 the merge, 102-150 trunk, 151 line a...
    When fewer than 51 revisions are left after a branch point, the two lines share what is left
    minus one for the merge (never less than one each), so the last revision is always the single
    head, and there is a merge at revision 101, 201, ... ."""
    revisions = []

    def add(down, message):
        number = len(revisions) + 1
        revisions.append(Revision(number, f"{number:012x}", tuple(down), message))
        return revisions[-1].rev

    trunk, tip = 0, None
    while len(revisions) < g:
        trunk += 1
        tip = add([tip] if tip else [], f"trunk {trunk}")
        left = g - len(revisions)
        if trunk % BRANCH_EVERY or left < 3:
            continue
        on_lines = min(2 * LINE_LENGTH, left - 1)
        tips = []
        for line, length in (("a", on_lines // 2), ("b", on_lines - on_lines // 2)):
            line_tip = tip
            for k in range(1, length + 1):
                line_tip = add([line_tip], f"branch at trunk {trunk} line {line} {k}")
            tips.append(line_tip)
        trunk += 1
        tip = add(tips, f"merge {tips[0]} and {tips[1]}")
    return revisions


def graph_summary(revisions):
    merges = sum(len(r.down) == 2 for r in revisions)
    children = {}
    for r in revisions:
        for parent in r.down:
            children[parent] = children.get(parent, 0) + 1
    heads = [r.rev for r in revisions if r.rev not in children]
    return merges, heads


# --- retort project ----------------------------------------------------------------------------------

def retort_migration(m):
    text = f'''revision = "{m.rev}"
down_revision = "{m.down}"
message = "create {m.table}"

[[upgrade]]
op = "create_table"
table = "{m.table}"
columns = [
  {{ name = "id", type = "integer", primary_key = true, autoincrement = true }},
  {{ name = "name", type = "string(100)", nullable = false }},
  {{ name = "body", type = "text" }},
  {{ name = "created_at", type = "timestamp" }},
  {{ name = "score", type = "integer" }},
]

[[upgrade]]
op = "create_index"
name = "{m.index}"
table = "{m.table}"
columns = ["name"]
'''
    if m.altered:
        text += f'''
[[upgrade]]
op = "add_column"
table = "{m.altered}"
column = {{ name = "extra", type = "string(50)" }}
'''
    return text


def retort_skeleton(directory, sqlite=True):
    """retort.toml and an empty migrations/versions/: (the config, the versions directory).
    With sqlite=False there is no default_url: the --pg and --mysql commands pass --url."""
    versions = directory / "migrations" / "versions"
    versions.mkdir(parents=True)
    default_url = f'default_url = "sqlite:///{directory / "app.db"}"\n' if sqlite else ""
    (directory / "retort.toml").write_text('script_location = "migrations"\n' + default_url)
    return directory / "retort.toml", versions


def write_retort_project(directory, migrations, sqlite=True):
    _, versions = retort_skeleton(directory, sqlite)
    for m in migrations:
        stamp = FIRST_MIGRATION_TIME + datetime.timedelta(minutes=m.number)
        (versions / f"{stamp:%Y%m%d_%H%M}_{m.rev}_create_{m.table}.toml").write_text(retort_migration(m))
    return directory / "retort.toml"


def toml_string_or_array(ids):
    if len(ids) <= 1:
        return f'"{ids[0] if ids else ""}"'
    return "[" + ", ".join(f'"{i}"' for i in ids) + "]"


def write_retort_graph(directory, revisions):
    """One TOML file per revision, with no [[upgrade]] (an empty migration is valid)."""
    config, versions = retort_skeleton(directory)
    for r in revisions:
        stamp = FIRST_MIGRATION_TIME + datetime.timedelta(minutes=r.number)
        (versions / f"{stamp:%Y%m%d_%H%M}_{r.rev}_{slug(r.message)}.toml").write_text(
            f'revision = "{r.rev}"\n'
            f"down_revision = {toml_string_or_array(r.down)}\n"
            f'message = "{r.message}"\n'
        )
    return config


def slug(message):
    return "_".join(re.findall(r"\w+", message))[:40]


# --- Alembic project (what `alembic init` writes, trimmed to what is used) ----------------------------

ALEMBIC_INI = """[alembic]
script_location = {script_location}
sqlalchemy.url = {url}

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
datefmt = %%H:%%M:%%S
"""

ALEMBIC_ENV = '''"""The stock env.py, without autogenerate, and one transaction per migration."""
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

# The --mysql env.py: the stock one, given the password by the environment. libpq reads PGPASSWORD by
# itself; PyMySQL reads nothing, so env.py passes MYSQL_PWD (the mariadb client's variable) to it.
ALEMBIC_ENV_MYSQL = ALEMBIC_ENV.replace(
    "one transaction per migration.", "one transaction per migration; the password from MYSQL_PWD.").replace(
    "from logging.config import fileConfig\n", "import os\nfrom logging.config import fileConfig\n").replace(
    'prefix="sqlalchemy.", poolclass=pool.NullPool\n',
    'prefix="sqlalchemy.", poolclass=pool.NullPool,\n'
    '        connect_args={"password": os.environ.get("MYSQL_PWD", "")},\n')
assert ALEMBIC_ENV_MYSQL.count("MYSQL_PWD") == 2 and ALEMBIC_ENV_MYSQL.count("import os") == 1

ALEMBIC_SCRIPT_MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''


def alembic_revision(m, identity=False):
    """identity=True (PostgreSQL): the key is `sa.Identity()`, rendered GENERATED BY DEFAULT AS
    IDENTITY as retort renders `autoincrement = true` there, instead of SQLAlchemy's SERIAL. Without
    it the key renders INTEGER PRIMARY KEY on SQLite and INTEGER NOT NULL AUTO_INCREMENT on MySQL."""
    key = 'sa.Integer, sa.Identity(), primary_key=True' if identity else 'sa.Integer, primary_key=True, autoincrement=True'
    add_extra = drop_extra = ""
    if m.altered:
        add_extra = f'    op.add_column("{m.altered}", sa.Column("extra", sa.String(50), nullable=True))\n'
        drop_extra = f'    op.drop_column("{m.altered}", "extra")\n'
    return f'''"""create {m.table}

Revision ID: {m.rev}
Revises: {m.down}
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = {m.rev!r}
down_revision = {m.down or None!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "{m.table}",
        sa.Column("id", {key}),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("created_at", sa.DateTime),
        sa.Column("score", sa.Integer),
    )
    op.create_index("{m.index}", "{m.table}", ["name"])
{add_extra}

def downgrade() -> None:
{drop_extra}    op.drop_index("{m.index}", table_name="{m.table}")
    op.drop_table("{m.table}")
'''


def alembic_skeleton(directory, url=None, env_py=ALEMBIC_ENV):
    """alembic.ini, env.py, script.py.mako and an empty versions/: (the ini, the versions directory).
    url: sqlalchemy.url (default: app.db in `directory`); it must not hold a password."""
    script_location = directory / "migrations"
    versions = script_location / "versions"
    versions.mkdir(parents=True)
    url = url or f"sqlite:///{directory / 'app.db'}"
    ini = ALEMBIC_INI.format(script_location=script_location, url=url.replace("%", "%%"))
    (directory / "alembic.ini").write_text(ini)
    (script_location / "env.py").write_text(env_py)
    (script_location / "script.py.mako").write_text(ALEMBIC_SCRIPT_MAKO)
    return directory / "alembic.ini", versions


def write_alembic_project(directory, migrations, url=None, dialect="sqlite"):
    """url: the server's URL (without its password) for --pg and --mysql, dialect `postgresql` or
    `mysql`; default: SQLite's app.db."""
    ini, versions = alembic_skeleton(directory, url, ALEMBIC_ENV_MYSQL if dialect == "mysql" else ALEMBIC_ENV)
    for m in migrations:
        (versions / f"{m.rev}_create_{m.table}.py").write_text(alembic_revision(m, identity=dialect == "postgresql"))
    return ini


def alembic_graph_revision(r):
    """A no-op revision as `alembic revision` writes it; down_revision is a tuple for a merge."""
    down = None if not r.down else r.down[0] if len(r.down) == 1 else r.down
    return f'''"""{r.message}

Revision ID: {r.rev}
Revises: {", ".join(r.down)}
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = {r.rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def write_alembic_graph(directory, revisions):
    ini, versions = alembic_skeleton(directory)
    for r in revisions:
        (versions / f"{r.rev}_{slug(r.message)}.py").write_text(alembic_graph_revision(r))
    return ini


# --- the sqlite3, psql and mariadb scripts -----------------------------------------------------------

CREATE_VERSION_TABLE = (
    "CREATE TABLE retort_version (version_num VARCHAR(128) NOT NULL, "
    "CONSTRAINT retort_version_pkc PRIMARY KEY (version_num));"
)

# The version table as retort creates it on PostgreSQL and on MySQL (it also creates retort_history,
# which the psql and mariadb scripts leave out, as the sqlite3 scripts do).
CREATE_VERSION_TABLE_PG = "CREATE TABLE retort_version (version_num VARCHAR(128) PRIMARY KEY NOT NULL);"
CREATE_VERSION_TABLE_MYSQL = (
    "CREATE TABLE retort_version (version_num VARCHAR(128) NOT NULL PRIMARY KEY) ENGINE=InnoDB;")


class Rendering(NamedTuple):
    """How retort renders the workload's columns in one dialect (`retort upgrade head --sql` shows it)."""
    key: str              # integer, primary_key, autoincrement
    integer: str
    timestamp: str
    table_options: str    # after a CREATE TABLE's column list


RENDERING = {
    "sqlite": Rendering("id INTEGER PRIMARY KEY", "INTEGER", "TIMESTAMP", ""),
    "postgresql": Rendering("id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "INTEGER", "TIMESTAMP", ""),
    "mysql": Rendering("id INT NOT NULL AUTO_INCREMENT PRIMARY KEY", "INT", "DATETIME(6)", " ENGINE=InnoDB"),
}


def migration_statements(m, dialect="sqlite"):
    """The statements of one migration as retort renders them: (its DDL, the version row's INSERT or UPDATE)."""
    r = RENDERING[dialect]
    ddl = [
        f"CREATE TABLE {m.table} ({r.key}, name VARCHAR(100) NOT NULL, "
        f"body TEXT, created_at {r.timestamp}, score {r.integer}){r.table_options};",
        f"CREATE INDEX {m.index} ON {m.table} (name);",
    ]
    if m.altered:
        ddl.append(f"ALTER TABLE {m.altered} ADD COLUMN extra VARCHAR(50);")
    if m.down:
        version = f"UPDATE retort_version SET version_num = '{m.rev}' WHERE version_num = '{m.down}';"
    else:
        version = f"INSERT INTO retort_version (version_num) VALUES ('{m.rev}');"
    return ddl, version


def migration_sql(m, dialect="sqlite"):
    """The statements of one migration, version row included, as the sqlite3 shell (or psql) runs them."""
    ddl, version = migration_statements(m, dialect)
    return "\n".join(ddl + [version])


def write_sqlite3_scripts(directory, migrations):
    """Write script.sql (one transaction per migration) and atomic.sql (one in all)."""
    directory.mkdir()
    steps = [migration_sql(m) for m in migrations]
    per_migration = [CREATE_VERSION_TABLE] + [f"BEGIN;\n{step}\nCOMMIT;" for step in steps]
    atomic = ["BEGIN;", CREATE_VERSION_TABLE, *steps, "COMMIT;"]
    (directory / "script.sql").write_text("\n".join(per_migration) + "\n")
    (directory / "atomic.sql").write_text("\n".join(atomic) + "\n")
    return directory / "script.sql", directory / "atomic.sql"


def write_psql_scripts(directory, migrations):
    """Write script.sql (one BEGIN ... COMMIT per migration) and atomic.sql (the same statements with
    no transaction control: `psql -1` wraps the whole file in one transaction)."""
    directory.mkdir()
    steps = [migration_sql(m, "postgresql") for m in migrations]
    per_migration = [CREATE_VERSION_TABLE_PG] + [f"BEGIN;\n{step}\nCOMMIT;" for step in steps]
    (directory / "script.sql").write_text("\n".join(per_migration) + "\n")
    (directory / "atomic.sql").write_text("\n".join([CREATE_VERSION_TABLE_PG, *steps]) + "\n")
    return directory / "script.sql", directory / "atomic.sql"


def write_mariadb_script(directory, migrations):
    """Write script.sql as retort runs the migrations on MySQL: each DDL statement on its own (the
    server commits it implicitly; a BEGIN around it would be committed by it), then the version row
    in BEGIN ... COMMIT. There is no atomic form: MySQL cannot roll back DDL."""
    directory.mkdir()
    lines = [CREATE_VERSION_TABLE_MYSQL]
    for m in migrations:
        ddl, version = migration_statements(m, "mysql")
        lines += ddl + ["BEGIN;", version, "COMMIT;"]
    (directory / "script.sql").write_text("\n".join(lines) + "\n")
    return directory / "script.sql"


# --- the three tools ---------------------------------------------------------------------------------

@dataclass
class Command:
    argv: list
    cwd: Path
    stdin: Optional[Path] = None
    database: Optional[Path] = None   # for an upgrade: removed before each run, checked after the last
    env: Optional[dict] = None        # the child's environment (default CHILD_ENV)
    server_database: Optional[str] = None   # --pg, --mysql: the database created before each run, dropped after


@dataclass
class Tool:
    name: str                # the column title
    rows: tuple              # the operations the tool has; its other cells read "—"
    version_table: str
    # Writes the tool's project under a work directory and returns its commands by row;
    # None when the tool cannot run here (its cells read "n/a").
    setup: Optional[Callable]
    missing: str = ""        # why setup is None
    version: str = ""
    # The same for the --graph workload: its commands are GRAPH_ROWS and "stamp head".
    graph_setup: Optional[Callable] = None
    runs: int = 5            # timed runs per cell (--runs, or --alembic-runs for Alembic)
    server: str = ""         # the server of a --pg or --mysql tool ("PostgreSQL", "MariaDB")


def cli_commands(argv, directory, rows):
    database = directory / "app.db"
    return {
        row: Command(argv + CLI_ARGS[row], directory,
                     database=database if row in UPGRADE_ROWS + ("stamp head",) else None)
        for row in rows
    }


def setup_retort(exe, plugin_path, workdir, migrations):
    directory = workdir / "retort"
    config = write_retort_project(directory, migrations)
    argv = [exe, "-c", str(config)] + (["--plugin-path", plugin_path] if plugin_path else [])
    return cli_commands(argv, directory, ROWS)


def setup_alembic(alembic, workdir, migrations):
    directory = workdir / "alembic"
    config = write_alembic_project(directory, migrations)
    return cli_commands(alembic + ["-c", str(config)], directory, ALEMBIC_ROWS)


def setup_retort_graph(exe, plugin_path, workdir, revisions):
    directory = workdir / "retort"
    config = write_retort_graph(directory, revisions)
    argv = [exe, "-c", str(config)] + (["--plugin-path", plugin_path] if plugin_path else [])
    return cli_commands(argv, directory, GRAPH_ROWS + ("stamp head",))


def setup_alembic_graph(alembic, workdir, revisions):
    directory = workdir / "alembic"
    config = write_alembic_graph(directory, revisions)
    return cli_commands(alembic + ["-c", str(config)], directory, GRAPH_ROWS + ("stamp head",))


def setup_sqlite3(exe, workdir, migrations):
    directory = workdir / "sqlite3"
    script, atomic = write_sqlite3_scripts(directory, migrations)
    database = directory / "raw.db"
    # -bail: stop at the first error, as a migration tool would.
    argv = [exe, "-bail", str(database)]
    return {
        "upgrade head": Command(argv, directory, stdin=script, database=database),
        "upgrade head --atomic": Command(argv, directory, stdin=atomic, database=database),
    }


def first_line(argv):
    """The first line `argv` prints, or None when it cannot run."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=CHILD_ENV, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    output = (done.stdout or done.stderr).strip()
    return output.splitlines()[0] if done.returncode == 0 and output else None


def retort_tool(exe, plugin_path, server=None):
    """server: a Server for the --pg or --mysql workload (then `setup` writes the commands for it)."""
    tool = Tool("retort", server.rows if server else ROWS, "retort_version", None, server=server.name if server else "")
    if not exe:
        tool.missing = "no --retort given"
    elif not os.access(exe, os.X_OK):
        tool.missing = f"{exe} is not an executable file"
    else:
        exe = str(Path(exe).resolve())
        tool.setup = (functools.partial(setup_retort_server, exe, plugin_path, server) if server else
                      functools.partial(setup_retort, exe, plugin_path))
        tool.graph_setup = functools.partial(setup_retort_graph, exe, plugin_path)
        tool.version = first_line([exe, "--version"]) or f"{exe} (no --version)"
    return tool


def alembic_tool(server=None):
    """server: a Server for the --pg or --mysql workload, which also needs the server's driver
    (psycopg2, PyMySQL) in Alembic's Python."""
    tool = Tool("Alembic", ("upgrade head",) if server else ALEMBIC_ROWS, "alembic_version", None,
                server=server.name if server else "")
    # python3-alembic ships the module; the `alembic` script comes with Debian's `alembic` package.
    if shutil.which("alembic"):
        alembic = [shutil.which("alembic")]
    elif importlib.util.find_spec("alembic"):
        alembic = [sys.executable, "-m", "alembic"]
    else:
        tool.missing = "neither an `alembic` command nor the alembic module"
        return tool
    version = first_line(alembic + ["--version"])
    if not version:
        tool.missing = f"`{' '.join(alembic)} --version` failed"
        return tool
    tool.version = f"{version} (SQLAlchemy {importlib.metadata.version('SQLAlchemy')}), run as `{' '.join(alembic)}`"
    if server:
        python = alembic[0] if alembic[0] == sys.executable else python_of_script(alembic[0])
        module, label, package = server.driver
        driver = python and first_line([python, "-c", f"import {module}; print({module}.__version__)"])
        if not driver:
            tool.missing = f"{module} cannot be imported by {python or alembic[0]} (Debian: apt-get install {package})"
            return tool
        tool.setup = functools.partial(setup_alembic_server, alembic, server)
        tool.version += f", {label} {driver.split()[0]}"
        return tool
    tool.setup = functools.partial(setup_alembic, alembic)
    tool.graph_setup = functools.partial(setup_alembic_graph, alembic)
    return tool


def python_of_script(script):
    """The interpreter in a script's #! line, or None."""
    with contextlib.suppress(OSError, IndexError):
        with open(script, "rb") as f:
            line = f.readline().decode(errors="replace")
        if line.startswith("#!"):
            words = line[2:].split()
            return words[1] if Path(words[0]).name == "env" else words[0]
    return None


def sqlite3_tool():
    tool = Tool("sqlite3", UPGRADE_ROWS, "retort_version", None)
    exe = shutil.which("sqlite3")
    version = exe and first_line([exe, "--version"])
    if version:
        tool.setup = functools.partial(setup_sqlite3, exe)
        tool.version = version
    else:
        tool.missing = "no working sqlite3 on PATH"
    return tool


# --- database servers (--pg, --mysql) ---------------------------------------------------------------

# Anything this script prints or writes goes through redact(): no URL's password shows. The pattern
# takes any scheme (postgresql://, mysql://, mariadb://, mysql+pymysql://); each server's password is
# also replaced wherever else it occurs.
SECRETS = []
URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@", re.IGNORECASE)


def redact(text):
    text = URL_PASSWORD.sub(r"\1***@", text)
    for secret in SECRETS:
        text = text.replace(secret, "***")
    return text


class Redacting:
    """A text stream that redacts what is written to it (sys.stdout, sys.stderr)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(redact(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


class ServerError(Exception):
    pass


class Server:
    """A database server given by a URL without a database, whose user may create databases. Every run
    gets a database of its own, reached as URL/NAME; creating, checking and dropping it goes through
    the server's own client. One subclass per dialect gives the rest."""
    name = slug = dialect = client = password_variable = form = ""
    schemes = ()
    rows = UPGRADE_ROWS
    driver = ("", "", "")   # Alembic's driver: (module, name, Debian package)

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        try:
            parts.port
        except ValueError:
            parts = None
        if not parts or parts.scheme not in self.schemes or not parts.hostname:
            raise ServerError(f"{redact(url)} is not a {self.form} URL")
        if parts.path not in ("", "/"):
            raise ServerError(f"{redact(url)} names a database; give the server URL without one")
        self.parts = parts
        self.user = urllib.parse.unquote(parts.username) if parts.username else ""
        self.password = urllib.parse.unquote(parts.password) if parts.password else None
        for secret in {parts.password, self.password} - {None, ""}:
            SECRETS.append(secret)
        self.display = self._url("", with_password=False, stars=bool(self.password)).rstrip("/")
        self.client_exe = shutil.which(self.client)
        if not self.client_exe:
            raise ServerError(f"no {self.client} on PATH")
        # The password, for the children that do not take it in a URL (alembic.ini is a file).
        self.env = dict(CHILD_ENV, **{self.password_variable: self.password}) if self.password else CHILD_ENV
        self.live = set()   # databases created and not dropped yet

    def _url(self, database, with_password=True, stars=False, scheme=None):
        p = self.parts
        user = urllib.parse.quote(self.user, safe="")
        password = p.password if with_password else "***" if stars else None
        host = f"[{p.hostname}]" if ":" in p.hostname else p.hostname
        netloc = (user + (f":{password}" if password is not None else "") + "@" if user else "") + host
        netloc += f":{p.port}" if p.port else ""
        return urllib.parse.urlunsplit((scheme or p.scheme, netloc, f"/{database}", p.query, ""))

    def url(self, database):
        """URL/database, password included: for retort (and psql), which are given it on the command line."""
        return self._url(database)

    def recreate(self, database):
        self.drop(database)
        self.live.add(database)
        self.create(database)

    def drop_all(self):
        for database in sorted(self.live):
            with contextlib.suppress(ServerError):
                self.drop(database)


class PgServer(Server):
    """PostgreSQL; housekeeping through psql and URL/postgres."""
    name, slug, dialect, client, password_variable = "PostgreSQL", "pg", "postgresql", "psql", "PGPASSWORD"
    form = "postgresql://USER:PASSWORD@HOST:PORT"
    schemes = ("postgresql", "postgres")
    rows = PG_ROWS
    driver = ("psycopg2", "psycopg2", "python3-psycopg2")

    def __init__(self, url):
        super().__init__(url)
        self.version = self.release = self.query("postgres", "SHOW server_version")
        self.settings = ", ".join(
            f"{name} {self.query('postgres', f'SHOW {name}')}"
            for name in ("fsync", "synchronous_commit", "full_page_writes"))

    def alembic_url(self, database):
        """For alembic.ini (SQLAlchemy 1.4 wants the scheme `postgresql`); libpq takes PGPASSWORD from env."""
        return self._url(database, with_password=False, scheme="postgresql")

    def psql(self, database, *sql):
        """Run each statement with `psql -c` (so CREATE DATABASE is outside a transaction): stdout."""
        argv = [self.client_exe, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.url(database)]
        for statement in sql:
            argv += ["-c", statement]
        done = subprocess.run(argv, capture_output=True, text=True, env=CHILD_ENV)
        if done.returncode != 0:
            raise ServerError(f"psql on {database}: {' '.join(sql)}: exit {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def query(self, database, sql):
        return self.psql(database, sql).strip()

    def create(self, database):
        self.psql("postgres", f"CREATE DATABASE {database}")

    def drop(self, database, patience=30.0):
        """DROP DATABASE, retried while another session is still in it (a client killed at a timeout
        whose backend has not noticed yet). Not WITH (FORCE): that needs the right to signal every
        backend in the database, and an autovacuum worker (which plain DROP DATABASE cancels itself)
        is not the role's to signal."""
        deadline = time.monotonic() + patience
        while True:
            try:
                self.psql("postgres", f"DROP DATABASE IF EXISTS {database}")
                break
            except ServerError as error:
                if "is being accessed by other users" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.live.discard(database)

    def schema_counts(self, database):
        """(tables t<i>, indexes ix_t<i>_name, `extra` columns) in the database."""
        return tuple(int(count) for count in self.query(database, (
            r"SELECT (SELECT count(*) FROM pg_tables WHERE tablename ~ '^t[0-9]+$'), "
            r"(SELECT count(*) FROM pg_indexes WHERE indexname ~ '^ix_t[0-9]+_name$'), "
            r"(SELECT count(*) FROM information_schema.columns "
            r"WHERE column_name = 'extra' AND table_name ~ '^t[0-9]+$')")).split("|"))

    def versions(self, database, version_table):
        return self.psql(database, f"SELECT version_num FROM {version_table}").split()

    def client_commands(self, workdir, migrations):
        """`psql -f script.sql` and `psql -1 -f atomic.sql`, each in a database of its own."""
        directory = workdir / "psql"
        script, atomic = write_psql_scripts(directory, migrations)
        commands = {}
        for row, flags, path in (("upgrade head", [], script), ("upgrade head --atomic", ["-1"], atomic)):
            database = database_name("psql", row)
            commands[row] = Command([self.client_exe, "-X", "-q"] + flags + ["-v", "ON_ERROR_STOP=1", "-f", str(path),
                                     self.url(database)], directory, server_database=database)
        return commands


class MySqlServer(Server):
    """MySQL or MariaDB; housekeeping through the mariadb client, which gets the password as MYSQL_PWD.
    The client is told --no-defaults (no option file of the machine's applies) and --protocol=TCP (it
    would take `-h localhost` for its socket; retort always connects to HOST:PORT)."""
    name, slug, dialect, client, password_variable = "MariaDB", "mysql", "mysql", "mariadb", "MYSQL_PWD"
    form = "mysql://USER:PASSWORD@HOST:PORT"
    schemes = ("mysql", "mariadb")
    rows = MYSQL_ROWS
    driver = ("pymysql", "PyMySQL", "python3-pymysql")

    def __init__(self, url):
        super().__init__(url)
        if self.parts.query:
            # retort's URL parameters (charset, ssl_mode, ...) mean nothing to the client or to PyMySQL.
            raise ServerError(f"{self.display}: give the URL without parameters")
        self.version = self.query(None, "SELECT VERSION()")
        self.release = self.version.split("-")[0]   # 10.11.19 of 10.11.19-MariaDB-0+deb12u1
        if "mariadb" not in self.version.lower():
            self.name = "MySQL"
        names = ("innodb_flush_log_at_trx_commit", "sync_binlog", "log_bin")
        values = self.query(None, "SELECT " + ", ".join(f"@@{name}" for name in names)).split("\t")
        self.settings = ", ".join(f"{name} {value}" for name, value in zip(names, values))

    def alembic_url(self, database):
        """For alembic.ini; the migrations' env.py hands PyMySQL the password from MYSQL_PWD."""
        return self._url(database, with_password=False, scheme="mysql+pymysql")

    def client_argv(self, *arguments):
        """The mariadb client for this server, without the password (that is MYSQL_PWD in self.env)."""
        p = self.parts
        argv = [self.client_exe, "--no-defaults", "--protocol=TCP", "-h", p.hostname, "-P", str(p.port or 3306)]
        return argv + (["-u", self.user] if self.user else []) + list(arguments)

    def sql(self, database, *statements):
        """Run the statements in one `mariadb -e` session, in `database` (or none): stdout."""
        text = "; ".join(statements)
        argv = self.client_argv("-N", "-B", "-e", text) + ([database] if database else [])
        done = subprocess.run(argv, capture_output=True, text=True, env=self.env)
        if done.returncode != 0:
            # Not on a terminal, the client repeats the statement before its ERROR line.
            error = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or [done.stderr.strip()]
            raise ServerError(f"mariadb on {database or 'the server'}: {text}: exit {done.returncode}: "
                              + " ".join(error))
        return done.stdout

    def query(self, database, sql):
        return self.sql(database, sql).strip()

    def create(self, database):
        self.sql(None, f"CREATE DATABASE {database} CHARACTER SET utf8mb4")

    def drop(self, database):
        """DROP DATABASE waits for the metadata locks of other sessions in it (a client killed at a
        timeout whose session the server has not closed yet): for 30 s, not the default year."""
        self.sql(None, "SET SESSION lock_wait_timeout = 30", f"DROP DATABASE IF EXISTS {database}")
        self.live.discard(database)

    def schema_counts(self, database):
        in_database = "table_schema = DATABASE() AND table_name REGEXP '^t[0-9]+$'"
        return tuple(int(count) for count in self.query(database, (
            f"SELECT (SELECT count(*) FROM information_schema.tables WHERE {in_database}), "
            f"(SELECT count(DISTINCT table_name, index_name) FROM information_schema.statistics "
            f"WHERE {in_database} AND index_name REGEXP '^ix_t[0-9]+_name$'), "
            f"(SELECT count(*) FROM information_schema.columns WHERE {in_database} AND column_name = 'extra')"
        )).split("\t"))

    def versions(self, database, version_table):
        return self.sql(database, f"SELECT version_num FROM {version_table}").split()

    def client_commands(self, workdir, migrations):
        """`mariadb DB < script.sql`. Reading a script from stdin, the client stops at the first error."""
        directory = workdir / "mariadb"
        script = write_mariadb_script(directory, migrations)
        database = database_name("mariadb", "upgrade head")
        return {"upgrade head": Command(self.client_argv(database), directory, stdin=script, env=self.env,
                                        server_database=database)}


def database_name(tool, row):
    """A database name of this harness's own for one tool and row, e.g. bench_1234_psql_atomic."""
    return f"bench_{os.getpid()}_{tool}" + ("_atomic" if row.endswith("--atomic") else "")


def setup_retort_server(exe, plugin_path, server, workdir, migrations):
    """`retort --url URL/db -c retort.toml upgrade head [--atomic]`, and `upgrade head --sql` (not
    timed: the DDL check)."""
    directory = workdir / "retort"
    config = write_retort_project(directory, migrations, sqlite=False)
    plugins = ["--plugin-path", plugin_path] if plugin_path else []
    commands = {}
    for row in server.rows + ("upgrade head --sql",):
        database = database_name("retort", row)
        commands[row] = Command([exe, "--url", server.url(database), "-c", str(config)] + plugins + CLI_ARGS[row],
                                directory, server_database=None if row.endswith("--sql") else database)
    return commands


def setup_alembic_server(alembic, server, workdir, migrations):
    """alembic.ini names URL/db without the password; the child gets it in server.env (PGPASSWORD,
    which libpq reads, or MYSQL_PWD, which the --mysql env.py reads)."""
    directory = workdir / "alembic"
    database = database_name("alembic", "upgrade head")
    config = write_alembic_project(directory, migrations, url=server.alembic_url(database), dialect=server.dialect)
    return {"upgrade head": Command(alembic + ["-c", str(config)] + CLI_ARGS["upgrade head"], directory,
                                   env=server.env, server_database=database)}


def client_tool(server):
    """The server's own client (psql, mariadb) running the same statements from a script."""
    tool = Tool(server.client, server.rows, "retort_version", None, server=server.name)
    version = first_line([server.client_exe, "--version"])
    if version:
        tool.setup = server.client_commands
        tool.version = " ".join(version.split())
    else:
        tool.missing = f"`{server.client_exe} --version` failed"
    return tool


def check_server_schema(server, database, version_table, migrations):
    """What is wrong with the database an upgrade left, or None: t1..tN, their indexes, the `extra`
    columns and the single version row."""
    n, altered = len(migrations), sum(bool(m.altered) for m in migrations)
    try:
        tables, indexes, extras = server.schema_counts(database)
        if (tables, indexes, extras) != (n, n, altered):
            return (f"{tables} tables t<i>, {indexes} indexes ix_t<i>_name, {extras} `extra` columns; "
                    f"expected {n}, {n}, {altered}")
        versions = server.versions(database, version_table)
    except (ServerError, ValueError) as error:
        return str(error)
    if versions != [migrations[-1].rev]:
        return f"{version_table} holds {versions[:5]}, not ['{migrations[-1].rev}']"
    return None


def normalised_statements(script, keep=lambda statement: True):
    """The statements of an SQL script without comments, quotes (double quotes, MySQL's backticks) and
    layout, for comparing two renderings. Splits on `;` (no statement here has one inside a string)."""
    text = re.sub(r"--[^\n]*", "", script).replace('"', "").replace("`", "")
    statements = (re.sub(r"\s*([(),=])\s*", r"\1", " ".join(part.split())) for part in text.split(";"))
    return [statement for statement in statements if statement and keep(statement)]


def check_ddl(retort_sql_command, script, client):
    """Compare `retort upgrade head --sql` with the client's script, statement by statement, leaving
    out what only retort does (its history table): None when they agree up to quoting and layout."""
    done = subprocess.run(retort_sql_command.argv, capture_output=True, text=True, env=CHILD_ENV)
    if done.returncode != 0:
        return f"`retort upgrade head --sql` failed (exit {done.returncode}): {done.stderr.strip()}"
    retort = normalised_statements(done.stdout, lambda statement: "retort_history" not in statement)
    theirs = normalised_statements(script.read_text())
    for i, (a, b) in enumerate(zip(retort, theirs)):
        if a != b:
            return f"statement {i + 1} differs: retort renders\n  {a}\nthe {client} script has\n  {b}"
    if len(retort) != len(theirs):
        return (f"retort's script has {len(retort)} statements (without retort_history), "
                f"the {client} script {len(theirs)}")
    return None


def measure_on_server(label, command, runs, server, check, timeout=None):
    """Like measure(), on a server: before every run (the untimed warm-up, which gives the peak RSS,
    and the `runs` timed ones) a fresh database is created; after it the schema is checked and the
    database dropped. Creating, checking and dropping are not timed."""
    database, warm_up, times = command.server_database, None, []
    while len(times) < runs:
        server.recreate(database)
        try:
            run = run_once(command, rss_by_gnu_time=warm_up is None and GNU_TIME is not None, timeout=timeout)
            problem = None if run.code != 0 or run.timed_out else check(database)
        finally:
            server.drop(database)
        if run.timed_out:
            return timeout_cell(label, timeout, warm_up or run)
        if run.code != 0:
            report_failure(label, command, run)
            return Cell(failed=True)
        if problem:
            print(f"{label}: exit 0, but the database is wrong: {problem}", file=sys.stderr)
            return Cell(failed=True)
        if warm_up is None:
            warm_up = run
        else:
            times.append(run.ms)
    cell = Cell(statistics.median(times), warm_up.rss_mb)
    print(f"{label}: {cell.ms:.0f} ms (median of {runs}), peak RSS {cell.rss_mb:.1f} MB", file=sys.stderr)
    return cell


def bench_server(tools, n, migrations, workdir, server, alembic_timeout):
    """The --pg or --mysql workload for one N: ({(tool name, row): Cell}, the DDL check's finding or None)."""
    commands = {tool.name: tool.setup(workdir, migrations) for tool in tools if tool.setup}
    ddl_problem = f"not checked (needs both retort and {server.client})"
    if "retort" in commands and server.client in commands:
        ddl_problem = check_ddl(commands["retort"]["upgrade head --sql"], workdir / server.client / "script.sql",
                                server.client)
        if ddl_problem:
            print(f"N={n} {server.name}: the {server.client} script is not what retort renders: {ddl_problem}",
                  file=sys.stderr)
    cells = {}
    for tool in tools:
        if tool.setup:
            check = functools.partial(check_server_schema, server, version_table=tool.version_table,
                                      migrations=migrations)
            timeout = alembic_timeout if tool.name == "Alembic" else None
            for row in server.rows:
                if row in commands[tool.name]:
                    cells[tool.name, row] = measure_on_server(f"N={n} {server.name} {tool.name} {row}",
                                                              commands[tool.name][row], tool.runs, server, check,
                                                              timeout)
    return cells, ddl_problem


# --- measuring ---------------------------------------------------------------------------------------

@dataclass
class Cell:
    ms: Optional[float] = None       # median wall time
    rss_mb: Optional[float] = None   # the peak RSS of the warm-up run
    failed: bool = False
    timeout: Optional[float] = None  # a run was killed after this many seconds (ms is then None)
    rss_partial: bool = False        # the warm-up run was the one killed: rss_mb is its peak until then


class Run(NamedTuple):
    ms: float
    rss_mb: Optional[float]
    code: int
    error: str                       # stderr, when the command failed
    timed_out: bool = False


def exited_within(pid, seconds):
    """Wait until child `pid` has exited (without reaping it) or `seconds` have passed: True if it exited."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):   # Python < 3.9 or Linux < 5.3: poll
        deadline = time.monotonic() + seconds
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        return bool(poller.poll(seconds * 1000))
    finally:
        os.close(pidfd)


def peak_rss_kb_of_tree(pid):
    """The largest VmHWM (peak RSS) among `pid` and its live descendants, in kB, or None."""
    peak, pending = None, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak or 0, int(line.split()[1]))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return peak


def remove_database(database):
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def run_once(command, rss_by_gnu_time=False, timeout=None, stdout=None):
    """Run `command` once: a Run (wall ms, peak RSS MB, exit code, stderr, whether it timed out).

    os.wait4 alone overstates the peak RSS of a small child: the child starts as a copy of this
    Python process, and the kernel keeps that copy's high-water mark across exec. GNU time forks
    the command from its own small process and reports the command's figure, so it is used when
    asked for (and then the wall time includes its own start-up, about a millisecond).

    With a timeout (seconds) the command runs in a process group of its own; when it has not exited
    in time, the largest peak RSS in the group is read from /proc and the group is killed.
    stdout: a file to write the command's output to (default: discarded).
    """
    if command.database:
        remove_database(command.database)
    with contextlib.ExitStack() as stack:
        stdin = stack.enter_context(open(command.stdin, "rb")) if command.stdin else subprocess.DEVNULL
        # stderr goes to a file, not a pipe: a pipe could fill up and stall the child, and the
        # text is read only when the command fails.
        stderr = stack.enter_context(tempfile.TemporaryFile())
        argv = command.argv
        if rss_by_gnu_time:
            rss_file = stack.enter_context(tempfile.NamedTemporaryFile("r"))
            argv = [GNU_TIME, "-f", "%M", "-o", rss_file.name] + argv
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=command.cwd, env=command.env or CHILD_ENV, stdin=stdin,
                                 stdout=stdout or subprocess.DEVNULL, stderr=stderr,
                                 start_new_session=timeout is not None)
        timed_out = timeout is not None and not exited_within(child.pid, timeout)
        if timed_out:
            # The child is not reaped yet, so its pid (the group's id) cannot have been reused.
            rss_kb = peak_rss_kb_of_tree(child.pid)
            os.killpg(child.pid, signal.SIGKILL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed_ms = (time.perf_counter() - start) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        if not timed_out:
            # GNU time writes "Command exited with non-zero status N" before the figure on a failure.
            rss_kb = int(rss_file.read().split()[-1]) if rss_by_gnu_time else usage.ru_maxrss
        error = ""
        if child.returncode != 0 and not timed_out:
            stderr.seek(0)
            error = stderr.read().decode(errors="replace")
    return Run(elapsed_ms, rss_kb / 1024 if rss_kb is not None else None, child.returncode, error, timed_out)


def check_schema(database, version_table, migrations):
    """What is wrong with the database an `upgrade head` left, or None when it is all there."""
    if not database.exists():
        return f"{database} does not exist"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        names = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        expected = [version_table] + [name for m in migrations for name in (m.table, m.index)]
        missing = [name for name in expected if name not in names]
        if missing:
            return f"{len(missing)} tables/indexes missing, e.g. {', '.join(missing[:3])}"
        without_extra = [
            m.altered for m in migrations
            if m.altered and "extra" not in {row[1] for row in db.execute(f"PRAGMA table_info({m.altered})")}
        ]
        if without_extra:
            return f"{len(without_extra)} tables lack column `extra`, e.g. {without_extra[0]}"
        versions = [v for (v,) in db.execute(f"SELECT version_num FROM {version_table}")]
        if versions != [migrations[-1].rev]:
            return f"{version_table} holds {versions}, not ['{migrations[-1].rev}']"
    return None


def report_failure(label, command, run):
    print(f"{label}: failed (exit {run.code}): {' '.join(map(str, command.argv))}\n{run.error.rstrip()[-4000:]}",
          file=sys.stderr)


def timeout_cell(label, timeout, warm_up):
    """The Cell of a command killed after `timeout` s; `warm_up` is the Run of its warm-up."""
    which = "the warm-up run" if warm_up.timed_out else "a timed run"
    print(f"{label}: > {timeout:g} s (timeout, in {which})", file=sys.stderr)
    return Cell(rss_mb=warm_up.rss_mb, timeout=timeout, rss_partial=warm_up.timed_out)


def measure(label, command, runs, check, timeout=None, check_output=None):
    """A Cell for `command`: the median wall time of `runs` runs, after one untimed run that warms
    the caches (Alembic's __pycache__, the page cache) and gives the peak RSS. `check(database)`
    checks the database an upgrade left; `check_output(text)` checks what the warm-up run printed
    (the timed runs discard it). Both return a problem, or None."""
    with tempfile.TemporaryFile("w+") if check_output else contextlib.nullcontext() as output:
        warm_up = run_once(command, rss_by_gnu_time=GNU_TIME is not None, timeout=timeout, stdout=output)
        problem = None
        if check_output and warm_up.code == 0 and not warm_up.timed_out:
            output.seek(0)
            problem = check_output(output.read())
    if problem:
        print(f"{label}: exit 0, but the output is wrong: {problem}", file=sys.stderr)
        return Cell(failed=True)
    last, times = warm_up, []
    while last.code == 0 and not last.timed_out and len(times) < runs:
        last = run_once(command, timeout=timeout)
        times.append(last.ms)
    if last.timed_out:
        return timeout_cell(label, timeout, warm_up)
    if last.code != 0:
        report_failure(label, command, last)
        return Cell(failed=True)
    problem = command.database and check(command.database)
    if problem:
        print(f"{label}: exit 0, but the database is wrong: {problem}", file=sys.stderr)
        return Cell(failed=True)
    peak = warm_up.rss_mb
    cell = Cell(statistics.median(times), peak)
    print(f"{label}: {cell.ms:.0f} ms (median of {runs}), peak RSS {peak:.1f} MB", file=sys.stderr)
    return cell


def bench_tool(tool, n, migrations, workdir, timeout=None):
    """Measure every operation of one tool: {row: Cell}."""
    commands = tool.setup(workdir, migrations)
    check = functools.partial(check_schema, version_table=tool.version_table, migrations=migrations)
    # Rows run in ROWS order, so `current` finds the database the upgrade rows left at head.
    return {row: measure(f"N={n} {tool.name} {row}", commands[row], tool.runs, check, timeout) for row in commands}


# --- the --graph workload: checks and measurements ---------------------------------------------------

def listed_id(text):
    return text.split()[0].rstrip(",") if text.split() else ""


def check_heads(text, revisions):
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != 1 or listed_id(lines[0]) != revisions[-1].rev:
        return f"expected the single head {revisions[-1].rev}, got {len(lines)} line(s): {lines[:3]}"
    return None


def check_history(text, revisions):
    """One ` -> ` line per revision, each revision once, and a two-parent line per merge."""
    lines = [line for line in text.splitlines() if " -> " in line]
    listed = [listed_id(line.split(" -> ", 1)[1]) for line in lines]
    missing = {r.rev for r in revisions} - set(listed)
    if len(lines) != len(revisions) or missing:
        return (f"{len(lines)} revisions listed for {len(revisions)}, {len(set(listed))} distinct; "
                f"missing e.g. {sorted(missing)[:3]}")
    merges = sum(len(r.down) == 2 for r in revisions)
    listed_merges = sum("," in line.split(" -> ", 1)[0] for line in lines)
    if listed_merges != merges:
        return f"{listed_merges} lines with two parents, for {merges} merges"
    return None


def check_script(text, revisions, version_table):
    """Every revision id occurs in the offline script, and the script, run on an empty in-memory
    database, leaves the single head in the version table."""
    found = set(re.findall(r"\b[0-9a-f]{12}\b", text))
    missing = [r.rev for r in revisions if r.rev not in found]
    if missing:
        return f"{len(missing)} revision ids do not occur in the script, e.g. {missing[:3]}"
    try:
        with contextlib.closing(sqlite3.connect(":memory:", isolation_level=None)) as db:
            db.executescript(text)
            versions = [v for (v,) in db.execute(f"SELECT version_num FROM {version_table}")]
    except sqlite3.Error as error:
        return f"the script does not run on SQLite: {error}"
    if versions != [revisions[-1].rev]:
        return f"the script leaves {version_table} holding {versions[:5]}, not ['{revisions[-1].rev}']"
    return None


GRAPH_CHECKS = {"heads": check_heads, "history": check_history, "upgrade head --sql": check_script}


def check_stamped(database, version_table, head):
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        versions = [v for (v,) in db.execute(f"SELECT version_num FROM {version_table}")]
    return None if versions == [head] else f"{version_table} holds {versions[:5]}, not ['{head}']"


def bench_graph_tool(tool, g, revisions, workdir, timeout):
    """Stamp the database at the head (once, untimed), then measure GRAPH_ROWS: {row: Cell}.
    The warm-up run of `heads`, `history` and `upgrade head --sql` is also their correctness check."""
    commands = tool.graph_setup(workdir, revisions)
    label = f"G={g} {tool.name}"
    cells = {}
    stamp = commands["stamp head"]
    run = run_once(stamp, timeout=timeout)
    problem = None
    if run.timed_out:
        problem = f"`stamp head` took more than {timeout:g} s"
    elif run.code != 0:
        report_failure(f"{label} stamp head", stamp, run)
        problem = "`stamp head` failed"
    else:
        try:
            problem = check_stamped(stamp.database, tool.version_table, revisions[-1].rev)
        except sqlite3.Error as error:
            problem = f"cannot read {tool.version_table} after `stamp head`: {error}"
    if problem:
        print(f"{label} current: not measured: {problem}", file=sys.stderr)
        cells["current"] = Cell(failed=True)
    for row in GRAPH_ROWS:
        if row not in cells:
            check = GRAPH_CHECKS.get(row) and functools.partial(GRAPH_CHECKS[row], revisions=revisions)
            if row == "upgrade head --sql":
                check = functools.partial(check, version_table=tool.version_table)
            cells[row] = measure(f"{label} {row}", commands[row], tool.runs, None, timeout, check)
    return {row: cells[row] for row in GRAPH_ROWS}


# --- reporting ---------------------------------------------------------------------------------------

def format_number(value):
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def cell_text(tool, row, cells, field):
    if row not in tool.rows:
        return "—"
    cell = cells.get((tool.name, row))
    if cell is None:
        return "n/a"
    if cell.failed:
        return "failed"
    if field == "ms" and cell.timeout is not None:
        return f"> {cell.timeout:g} s (timeout)"
    value = getattr(cell, field)
    if value is None:
        return "n/a"
    # The peak RSS of a run killed at the timeout is the peak until then.
    return ("≥ " if field == "rss_mb" and cell.rss_partial else "") + format_number(value)


def ratio_text(cells, row, numerator, denominator):
    if row not in numerator.rows or row not in denominator.rows:
        return "—"
    a, b = cells.get((numerator.name, row)), cells.get((denominator.name, row))
    if not (a and b) or a.failed or b.failed or (a.timeout is not None and b.timeout is not None):
        return "n/a"
    if b.timeout is not None:
        return f"< {a.ms / (b.timeout * 1000):.3g}"
    if a.timeout is not None:
        return f"> {a.timeout * 1000 / b.ms:.3g}"
    return f"{a.ms / b.ms:.3g}"


def done_with(workdir, label, keep):
    """Removes a run's generated projects, or says where they are with --keep."""
    if keep:
        print(f"{label}: projects kept in {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir)


def table_lines(rows, cells, columns):
    """A Markdown table: one line per operation in `rows`; `columns` are (heading, kind, tools), kind
    "ms" or "rss_mb" of one tool, or "ratio" of two."""
    def text(row, kind, tools):
        if kind == "ratio":
            return ratio_text(cells, row, *tools)
        return cell_text(tools[0], row, cells, kind)
    lines = ["| operation | " + " | ".join(h for h, _, _ in columns) + " |", "|---" + "|--:" * len(columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join([f"`{row}`"] + [text(row, k, t) for _, k, t in columns]) + " |")
    return lines


def markdown_table(n, retort, alembic, raw, cells):
    lines = [f"### N = {n}", ""] + table_lines(ROWS, cells, [
        ("retort ms", "ms", [retort]), ("Alembic ms", "ms", [alembic]), ("sqlite3 ms", "ms", [raw]),
        ("retort/Alembic", "ratio", [retort, alembic]), ("retort/sqlite3", "ratio", [retort, raw]),
        ("retort peak RSS MB", "rss_mb", [retort]), ("Alembic peak RSS MB", "rss_mb", [alembic])])
    return "\n".join(lines) + "\n"


def graph_table(revisions, retort, alembic, cells, alembic_timeout):
    merges, (head,) = graph_summary(revisions)
    ran = [tool for tool in (retort, alembic) if tool.setup]
    runs = " and ".join(f"{tool.runs} run(s) for {tool.name}" for tool in ran) or "no tool run"
    lines = [
        f"### Graph: G = {len(revisions)} revisions, a branch point every {BRANCH_EVERY} trunk revisions "
        f"(two lines of up to {LINE_LENGTH}), {merges} merges",
        "",
        f"Single head `{head}`; `current` runs against a database stamped there. Median of {runs}, "
        "each after one warm-up run" + (f"; Alembic timeout {alembic_timeout:g} s per command." if alembic.setup else "."),
        "",
    ] + table_lines(GRAPH_ROWS, cells, [
        ("retort ms", "ms", [retort]), ("Alembic ms", "ms", [alembic]), ("retort/Alembic", "ratio", [retort, alembic]),
        ("retort peak RSS MB", "rss_mb", [retort]), ("Alembic peak RSS MB", "rss_mb", [alembic])])
    return "\n".join(lines) + "\n"


def server_table(n, server, retort, client, alembic, cells, ddl_problem):
    """The --pg or --mysql table; `client` is the server's own client (psql, mariadb)."""
    ran = [tool for tool in (retort, client, alembic) if tool.setup]
    runs = ", ".join(f"{tool.name} {tool.runs}" for tool in ran) or "no tool run"
    ddl = (f"The {client.name} script's statements are those of `retort upgrade head --sql` without "
           "retort_history (compared up to quoting and layout)" if ddl_problem is None else f"DDL check: {ddl_problem}")
    lines = [
        f"### {server.name} {server.release}: N = {n}",
        "",
        f"Server {server.display} ({server.settings}). Median of the timed runs ({runs}), after one warm-up "
        f"run, each in a new database. {ddl}.",
        "",
    ] + table_lines(server.rows, cells, [
        ("retort ms", "ms", [retort]), (f"{client.name} ms", "ms", [client]), ("Alembic ms", "ms", [alembic]),
        (f"retort/{client.name}", "ratio", [retort, client]), ("retort/Alembic", "ratio", [retort, alembic]),
        ("retort peak RSS MB", "rss_mb", [retort])])
    return "\n".join(lines) + "\n"


def cpu_model():
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def load_average():
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def report_header(tools, args, servers=()):
    """`tools`: the --pg and --mysql tools first, then the others; a tool already listed under its
    name is left out, unless it is a server's and says something else (Alembic with another driver)."""
    load = load_average()
    runs = f"median of {args.runs}" + (f" ({args.alembic_runs} for Alembic)" if args.alembic_runs != args.runs else "")
    timeouts = []
    if args.n and args.alembic_timeout is not None:
        timeouts.append(f"{args.alembic_timeout:g} s for `--n`")
    if args.graph:
        timeouts.append(f"{args.graph_alembic_timeout:g} s for `--graph`")
    lines = [
        "# retort benchmark",
        "",
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu_model()}, load average at start {load}",
        f"- runs: {runs} after one untimed warm-up run; a fresh empty database before each upgrade run",
        "- peak RSS: " + ("GNU time's %M, from the warm-up run" if GNU_TIME else
                          "os.wait4 (no /usr/bin/time): never below this harness's own RSS"),
    ]
    if timeouts:
        lines.append(f"- Alembic timeout per command: {', '.join(timeouts)}")
    for server in servers:
        lines.append(f"- {server.name}: {server.version} at {server.display} ({server.settings})")
    listed = {}
    for tool in tools:
        text = tool.version if tool.setup else f"not run ({tool.missing})"
        name = tool.name
        if name in listed:
            if not tool.server or text in listed[name]:
                continue
            name = f"{tool.name} on {tool.server}"
        listed.setdefault(tool.name, []).append(text)
        lines.append(f"- {name}: {text}")
    return "\n".join(lines) + "\n"


def counts(parser, option, text):
    try:
        values = [int(value) for value in text.split(",")]
    except ValueError:
        parser.error(f"{option} takes comma-separated whole numbers, not {text!r}")
    if min(values) < 1:
        parser.error(f"every {option} must be at least 1")
    return values


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--retort", help="the retort binary")
    parser.add_argument("--plugin-path", help="passed to retort as --plugin-path")
    parser.add_argument("--n", help="linear migration counts, comma-separated (default 100,1000, unless --graph "
                                     "is given alone)")
    parser.add_argument("--graph", help="revision counts for the branch-and-merge graph workload, comma-separated "
                                        "(retort and Alembic only)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is kept (default 5)")
    parser.add_argument("--alembic-runs", type=int, help="runs per measurement for Alembic (default: --runs)")
    parser.add_argument("--alembic-timeout", type=float,
                        help="seconds before an Alembic command is killed and reported as a timeout "
                             "(default 120 for --graph; none for --n)")
    parser.add_argument("--out", help="also write the Markdown report, with a header naming the machine, here")
    parser.add_argument("--pg", nargs="?", const="env", metavar="URL",
                        help="run the linear workload on PostgreSQL instead of SQLite: a server URL without a "
                             "database (postgresql://USER:PASSWORD@HOST:PORT) whose role may CREATE DATABASE; "
                             "without a value, or `env`, $RETORT_TEST_PG. --n then defaults to 1000")
    parser.add_argument("--mysql", nargs="?", const="env", metavar="URL",
                        help="run the linear workload on MySQL/MariaDB instead of SQLite: a server URL without a "
                             "database (mysql://USER:PASSWORD@HOST:PORT) whose user may CREATE DATABASE; "
                             "without a value, or `env`, $RETORT_TEST_MYSQL. --n then defaults to 1000")
    parser.add_argument("--only", choices=("retort", "alembic", "sqlite3", "psql", "mariadb"),
                        help="measure one tool only")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and print where")
    args = parser.parse_args()
    args.graph = counts(parser, "--graph", args.graph) if args.graph else []
    servers = args.pg or args.mysql
    args.n = counts(parser, "--n", args.n) if args.n else [1000] if servers else [] if args.graph else [100, 1000]
    if args.pg == "env":
        args.pg = os.environ.get("RETORT_TEST_PG") or parser.error("--pg without a URL needs RETORT_TEST_PG")
    if args.mysql == "env":
        args.mysql = (os.environ.get("RETORT_TEST_MYSQL")
                      or parser.error("--mysql without a URL needs RETORT_TEST_MYSQL"))
    if args.only == "sqlite3" and servers:
        parser.error("--only sqlite3 does not go with " + ("--pg" if args.pg else "--mysql"))
    for client, option, given in (("psql", "--pg", args.pg), ("mariadb", "--mysql", args.mysql)):
        if args.only == client and not given:
            parser.error(f"--only {client} needs {option}")
    if args.alembic_runs is None:
        args.alembic_runs = args.runs
    if args.runs < 1 or args.alembic_runs < 1:
        parser.error("--runs and --alembic-runs must be at least 1")
    if args.alembic_timeout is not None and args.alembic_timeout <= 0:
        parser.error("--alembic-timeout must be positive")
    args.graph_alembic_timeout = 120.0 if args.alembic_timeout is None else args.alembic_timeout
    return args


def main():
    # Whatever is printed (tracebacks and argparse's errors included) is redacted: no password shows.
    sys.stdout, sys.stderr = Redacting(sys.stdout), Redacting(sys.stderr)
    args = parse_args()
    servers = []
    try:
        for option, url, kind in (("--pg", args.pg, PgServer), ("--mysql", args.mysql, MySqlServer)):
            if url:
                try:
                    servers.append(kind(url))
                except ServerError as error:
                    sys.exit(f"{option}: {error}")
        run(args, servers)
    finally:
        for server in servers:
            server.drop_all()


def run(args, servers):
    retort, alembic, raw = tools = [retort_tool(args.retort, args.plugin_path), alembic_tool(), sqlite3_tool()]
    # Per server: [retort, its client, Alembic], the arguments of bench_server's and server_table's tools.
    server_tools = {server.slug: [retort_tool(args.retort, args.plugin_path, server), client_tool(server),
                                  alembic_tool(server)] for server in servers}
    if servers:
        # The linear workload runs on the servers.
        raw.setup, raw.missing = None, " and ".join(f"--{server.slug}" for server in servers)
        if not args.graph:
            retort.setup = alembic.setup = None
            tools = []
    on_servers = [tool for group in server_tools.values() for tool in group]
    for tool in tools + on_servers:
        if args.only and tool.name.lower() != args.only:
            tool.setup, tool.missing = None, f"--only {args.only}"
        elif not tool.setup:
            print(f"{tool.name}: not run: {tool.missing}", file=sys.stderr)
        tool.runs = args.alembic_runs if tool.name == "Alembic" else args.runs
    header = report_header(on_servers + [tool for tool in tools if tool.name not in {t.name for t in on_servers}],
                           args, servers)
    print(header)
    tables = []
    for server in servers:
        for n in args.n:
            migrations = chain(n)
            workdir = Path(tempfile.mkdtemp(prefix=f"retort-bench-{server.slug}-{n}-"))
            cells, ddl_problem = bench_server(server_tools[server.slug], n, migrations, workdir, server,
                                              args.alembic_timeout)
            done_with(workdir, f"N={n} {server.name}", args.keep)
            tables.append(server_table(n, server, *server_tools[server.slug], cells, ddl_problem))
            print(tables[-1], flush=True)
    for n in [] if servers else args.n:
        migrations = chain(n)
        workdir = Path(tempfile.mkdtemp(prefix=f"retort-bench-{n}-"))
        cells = {}
        for tool in tools:
            if tool.setup:
                timeout = args.alembic_timeout if tool is alembic else None
                for row, cell in bench_tool(tool, n, migrations, workdir, timeout).items():
                    cells[tool.name, row] = cell
        done_with(workdir, f"N={n}", args.keep)
        tables.append(markdown_table(n, retort, alembic, raw, cells))
        print(tables[-1], flush=True)
    for g in args.graph:
        revisions = revision_graph(g)
        workdir = Path(tempfile.mkdtemp(prefix=f"retort-bench-graph-{g}-"))
        cells = {}
        for tool in (retort, alembic):
            if tool.setup and tool.graph_setup:
                timeout = args.graph_alembic_timeout if tool is alembic else None
                for row, cell in bench_graph_tool(tool, g, revisions, workdir, timeout).items():
                    cells[tool.name, row] = cell
        done_with(workdir, f"G={g}", args.keep)
        tables.append(graph_table(revisions, retort, alembic, cells, args.graph_alembic_timeout))
        print(tables[-1], flush=True)
    footer = f"Load average at the end: {load_average()}.\n"
    print(footer)
    if args.out:
        Path(args.out).write_text(redact(header + "\n" + "\n".join(tables) + "\n" + footer))


if __name__ == "__main__":
    main()
