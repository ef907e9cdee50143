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

Usage: /usr/bin/python3 tests/bench/bench.py --retort PATH/TO/retort [--plugin-path DIR]
           [--n 100,1000] [--runs 5] [--out FILE.md] [--only retort|alembic|sqlite3] [--keep]
"""

import argparse
import contextlib
import datetime
import functools
import importlib.metadata
import importlib.util
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple, Optional

UPGRADE_ROWS = ("upgrade head", "upgrade head --atomic")
ROWS = UPGRADE_ROWS + ("heads", "history", "current", "upgrade head --sql")
ALEMBIC_ROWS = tuple(row for row in ROWS if row != "upgrade head --atomic")   # no whole-plan transaction

# The subcommand behind each row, for the two migration tools.
CLI_ARGS = {
    "upgrade head": ["upgrade", "head"],
    "upgrade head --atomic": ["upgrade", "head", "--atomic"],
    "heads": ["heads"],
    "history": ["history"],
    "current": ["current"],
    "upgrade head --sql": ["upgrade", "head", "--sql"],
}

# DATABASE_URL would override retort's default_url and send it to another database;
# PYTHONDONTWRITEBYTECODE would make Alembic recompile every revision file on every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}

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


def write_retort_project(directory, migrations):
    versions = directory / "migrations" / "versions"
    versions.mkdir(parents=True)
    (directory / "retort.toml").write_text(
        'script_location = "migrations"\n'
        f'default_url = "sqlite:///{directory / "app.db"}"\n'
    )
    for m in migrations:
        stamp = FIRST_MIGRATION_TIME + datetime.timedelta(minutes=m.number)
        (versions / f"{stamp:%Y%m%d_%H%M}_{m.rev}_create_{m.table}.toml").write_text(retort_migration(m))
    return directory / "retort.toml"


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


def alembic_revision(m):
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
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
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


def write_alembic_project(directory, migrations):
    script_location = directory / "migrations"
    versions = script_location / "versions"
    versions.mkdir(parents=True)
    ini = ALEMBIC_INI.format(script_location=script_location, url=f"sqlite:///{directory / 'app.db'}")
    (directory / "alembic.ini").write_text(ini)
    (script_location / "env.py").write_text(ALEMBIC_ENV)
    (script_location / "script.py.mako").write_text(ALEMBIC_SCRIPT_MAKO)
    for m in migrations:
        (versions / f"{m.rev}_create_{m.table}.py").write_text(alembic_revision(m))
    return directory / "alembic.ini"


# --- sqlite3 scripts ---------------------------------------------------------------------------------

CREATE_VERSION_TABLE = (
    "CREATE TABLE retort_version (version_num VARCHAR(128) NOT NULL, "
    "CONSTRAINT retort_version_pkc PRIMARY KEY (version_num));"
)


def migration_sql(m):
    """The statements of one migration, version row included, as the sqlite3 shell runs them."""
    statements = [
        f"CREATE TABLE {m.table} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
        "body TEXT, created_at TIMESTAMP, score INTEGER);",
        f"CREATE INDEX {m.index} ON {m.table} (name);",
    ]
    if m.altered:
        statements.append(f"ALTER TABLE {m.altered} ADD COLUMN extra VARCHAR(50);")
    if m.down:
        statements.append(f"UPDATE retort_version SET version_num = '{m.rev}' WHERE version_num = '{m.down}';")
    else:
        statements.append(f"INSERT INTO retort_version (version_num) VALUES ('{m.rev}');")
    return "\n".join(statements)


def write_sqlite3_scripts(directory, migrations):
    """Write script.sql (one transaction per migration) and atomic.sql (one in all)."""
    directory.mkdir()
    steps = [migration_sql(m) for m in migrations]
    per_migration = [CREATE_VERSION_TABLE] + [f"BEGIN;\n{step}\nCOMMIT;" for step in steps]
    atomic = ["BEGIN;", CREATE_VERSION_TABLE, *steps, "COMMIT;"]
    (directory / "script.sql").write_text("\n".join(per_migration) + "\n")
    (directory / "atomic.sql").write_text("\n".join(atomic) + "\n")
    return directory / "script.sql", directory / "atomic.sql"


# --- the three tools ---------------------------------------------------------------------------------

@dataclass
class Command:
    argv: list
    cwd: Path
    stdin: Optional[Path] = None
    database: Optional[Path] = None   # for an upgrade: removed before each run, checked after the last


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


def cli_commands(argv, directory, rows):
    database = directory / "app.db"
    return {
        row: Command(argv + CLI_ARGS[row], directory, database=database if row in UPGRADE_ROWS else None)
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


def retort_tool(exe, plugin_path):
    tool = Tool("retort", ROWS, "retort_version", None)
    if not exe:
        tool.missing = "no --retort given"
    elif not os.access(exe, os.X_OK):
        tool.missing = f"{exe} is not an executable file"
    else:
        exe = str(Path(exe).resolve())
        tool.setup = functools.partial(setup_retort, exe, plugin_path)
        tool.version = first_line([exe, "--version"]) or f"{exe} (no --version)"
    return tool


def alembic_tool():
    tool = Tool("Alembic", ALEMBIC_ROWS, "alembic_version", None)
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
    tool.setup = functools.partial(setup_alembic, alembic)
    tool.version = f"{version} (SQLAlchemy {importlib.metadata.version('SQLAlchemy')}), run as `{' '.join(alembic)}`"
    return tool


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


# --- measuring ---------------------------------------------------------------------------------------

@dataclass
class Cell:
    ms: Optional[float] = None       # median wall time
    rss_mb: Optional[float] = None   # the peak RSS of the warm-up run
    failed: bool = False


def remove_database(database):
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def run_once(command, rss_by_gnu_time=False):
    """Run `command` once: (wall ms, peak RSS MB, exit code, stderr).

    os.wait4 alone overstates the peak RSS of a small child: the child starts as a copy of this
    Python process, and the kernel keeps that copy's high-water mark across exec. GNU time forks
    the command from its own small process and reports the command's figure, so it is used when
    asked for (and then the wall time includes its own start-up, about a millisecond).
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
        child = subprocess.Popen(argv, cwd=command.cwd, env=CHILD_ENV,
                                 stdin=stdin, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed_ms = (time.perf_counter() - start) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        # GNU time writes "Command exited with non-zero status N" before the figure on a failure.
        rss_kb = int(rss_file.read().split()[-1]) if rss_by_gnu_time else usage.ru_maxrss
        error = ""
        if child.returncode != 0:
            stderr.seek(0)
            error = stderr.read().decode(errors="replace")
    return elapsed_ms, rss_kb / 1024, child.returncode, error


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


def measure(label, command, runs, check):
    """A Cell for `command`: the median wall time of `runs` runs, after one untimed run that warms
    the caches (Alembic's __pycache__, the page cache) and gives the peak RSS."""
    _, peak, code, error = run_once(command, rss_by_gnu_time=GNU_TIME is not None)
    times = []
    while code == 0 and len(times) < runs:
        ms, _, code, error = run_once(command)
        times.append(ms)
    if code != 0:
        print(f"{label}: failed (exit {code}): {' '.join(map(str, command.argv))}\n{error.rstrip()[-4000:]}",
              file=sys.stderr)
        return Cell(failed=True)
    problem = command.database and check(command.database)
    if problem:
        print(f"{label}: exit 0, but the database is wrong: {problem}", file=sys.stderr)
        return Cell(failed=True)
    cell = Cell(statistics.median(times), peak)
    print(f"{label}: {cell.ms:.0f} ms (median of {runs}), peak RSS {peak:.1f} MB", file=sys.stderr)
    return cell


def bench_tool(tool, n, migrations, workdir, runs):
    """Measure every operation of one tool: {row: Cell}."""
    commands = tool.setup(workdir, migrations)
    check = functools.partial(check_schema, version_table=tool.version_table, migrations=migrations)
    # Rows run in ROWS order, so `current` finds the database the upgrade rows left at head.
    return {row: measure(f"N={n} {tool.name} {row}", commands[row], runs, check) for row in commands}


# --- reporting ---------------------------------------------------------------------------------------

def format_number(value):
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def cell_text(tool, row, cells, field):
    if row not in tool.rows:
        return "—"
    cell = cells.get((tool.name, row))
    if cell is None:
        return "n/a"
    return "failed" if cell.failed else format_number(getattr(cell, field))


def ratio_text(cells, row, numerator, denominator):
    if row not in numerator.rows or row not in denominator.rows:
        return "—"
    a, b = cells.get((numerator.name, row)), cells.get((denominator.name, row))
    if not (a and b) or a.failed or b.failed:
        return "n/a"
    return f"{a.ms / b.ms:.3g}"


def markdown_table(n, retort, alembic, raw, cells):
    lines = [
        f"### N = {n}",
        "",
        "| operation | retort ms | Alembic ms | sqlite3 ms | retort/Alembic | retort/sqlite3 "
        "| retort peak RSS MB | Alembic peak RSS MB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in ROWS:
        columns = [
            f"`{row}`",
            cell_text(retort, row, cells, "ms"),
            cell_text(alembic, row, cells, "ms"),
            cell_text(raw, row, cells, "ms"),
            ratio_text(cells, row, retort, alembic),
            ratio_text(cells, row, retort, raw),
            cell_text(retort, row, cells, "rss_mb"),
            cell_text(alembic, row, cells, "rss_mb"),
        ]
        lines.append("| " + " | ".join(columns) + " |")
    return "\n".join(lines) + "\n"


def cpu_model():
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def report_header(tools, runs):
    load = "unknown"
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    lines = [
        "# retort benchmark",
        "",
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu_model()}, load average at start {load}",
        f"- runs: median of {runs} after one untimed warm-up run; a fresh empty database before each upgrade run",
        "- peak RSS: " + ("GNU time's %M, from the warm-up run" if GNU_TIME else
                          "os.wait4 (no /usr/bin/time): never below this harness's own RSS"),
    ]
    for tool in tools:
        lines.append(f"- {tool.name}: {tool.version if tool.setup else 'not run (' + tool.missing + ')'}")
    return "\n".join(lines) + "\n"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--retort", help="the retort binary")
    parser.add_argument("--plugin-path", help="passed to retort as --plugin-path")
    parser.add_argument("--n", default="100,1000", help="migration counts, comma-separated (default 100,1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is kept (default 5)")
    parser.add_argument("--out", help="also write the Markdown report, with a header naming the machine, here")
    parser.add_argument("--only", choices=("retort", "alembic", "sqlite3"), help="measure one tool only")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and print where")
    args = parser.parse_args()
    args.n = [int(n) for n in args.n.split(",")]
    if args.runs < 1 or min(args.n) < 1:
        parser.error("--runs and every --n must be at least 1")
    return args


def main():
    args = parse_args()
    retort, alembic, raw = tools = [retort_tool(args.retort, args.plugin_path), alembic_tool(), sqlite3_tool()]
    for tool in tools:
        if args.only and tool.name.lower() != args.only:
            tool.setup, tool.missing = None, f"--only {args.only}"
        elif not tool.setup:
            print(f"{tool.name}: not run: {tool.missing}", file=sys.stderr)
    header = report_header(tools, args.runs)
    print(header)
    tables = []
    for n in args.n:
        migrations = chain(n)
        workdir = Path(tempfile.mkdtemp(prefix=f"retort-bench-{n}-"))
        cells = {}
        for tool in tools:
            if tool.setup:
                for row, cell in bench_tool(tool, n, migrations, workdir, args.runs).items():
                    cells[tool.name, row] = cell
        if args.keep:
            print(f"N={n}: projects kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir)
        tables.append(markdown_table(n, retort, alembic, raw, cells))
        print(tables[-1], flush=True)
    if args.out:
        Path(args.out).write_text(header + "\n" + "\n".join(tables))


if __name__ == "__main__":
    main()
