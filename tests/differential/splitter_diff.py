#!/usr/bin/env python3
"""retort's statement splitters against the real clients', on real SQL shipped by Debian packages.

PostgreSQL (plugins/postgres against psql 15): every script runs twice in a throw-away cluster of
this test's own (log_statement = all into a CSV log, so multi-line statements are read back exactly):
once with `psql -X -1 -v ON_ERROR_STOP=1 -f SCRIPT` into one database, once as retort migrations
(`retort upgrade head`) into another. For each script, the statements the server received from psql
must equal those it received from retort, and `pg_dump --schema-only` of both databases must be the
same (retort's own tables retort_version and retort_history left out).

SQLite (plugins/sqlite against the sqlite3 3.40 shell): every script runs through `sqlite3 -bail
DB ".read SCRIPT"` into one database file and as retort migrations into another. Neither program
prints its statements, so both are observed the same exact way: a tiny LD_PRELOAD shim (built here
with the C compiler, from SHIM_C below) registers sqlite3_trace_v2(SQLITE_TRACE_STMT) on every
connection opened with sqlite3_open_v2 / sqlite3_open and records sqlite3_sql() of each statement as
it starts to run (length-prefixed, so any text is recorded exactly; a trigger's "-- TRIGGER" trace
records are left out). The statements must be equal, and so must sqlite_master (type, name,
tbl_name, sql in rowid order, retort's own tables left out).

The corpus:
- PostgreSQL: the extension install scripts in $(pg_config --sharedir)/extension, prepared as
  CREATE EXTENSION would do it: lines starting with \\echo dropped (they end in \\quit),
  MODULE_PATHNAME replaced by the control file's module_pathname (default $libdir/<extension>),
  @extschema@ by public, @extowner@ by postgres; the base install script and then the update scripts
  to default_version (the shortest chain, as the server picks it), each extension in fresh databases
  (a required extension is created first with CREATE EXTENSION, as setup, not compared). Also the
  server's own system_functions.sql, fix-CVE-2024-4317.sql, information_schema.sql (after a setup
  DROP SCHEMA information_schema CASCADE) and system_views.sql, snowball_create.sql; PowerDNS's
  (pdns-backend-pgsql), FreeRADIUS's (freeradius-config) and Kamailio's (kamailio-postgres-modules)
  schema files.
- SQLite: PowerDNS's (pdns-backend-sqlite3), FreeRADIUS's and Kamailio's (kamailio-sqlite-modules).
  scripts/install-deps.sh installs those packages. Each package directory's files run one after the
  other into one pair of databases, the base schema first (Kamailio: standard-create.sql, which the
  others insert into); FreeRADIUS's setup.sql files are left out and listed as skipped: they create
  the cluster-wide role radius, which can exist once in a cluster, not once per database.
A script that does not run clean in the real client (psql: exit status non-zero; sqlite3: non-zero
or anything on stderr) is skipped and counted; in a chain where later scripts build on earlier ones
(an extension's update scripts), the rest of the chain is skipped with it. A script whose statements
include transaction control (BEGIN/COMMIT/…) is skipped too: retort refuses those in a migration by
design. The test fails if fewer than MIN_PG / MIN_SQLITE scripts were compared, so it can never pass
by comparing nothing.

Normalisation, all of it: each statement's surrounding whitespace and one terminating ';' are
removed before comparing (psql and the sqlite3 shell send a statement with its ';', retort without);
on PostgreSQL, runs of newlines are collapsed to one on both sides, because psql's line reader drops
empty lines outside quotes and comments (see norm_psql). Everything else — comments, inner
whitespace — is compared as sent. In pg_dump's output, a timestamp literal from this run (DEFAULT
'now' is evaluated when the table is created) and the random key of \restrict lines are replaced.

Which of the server's log lines are retort's own bookkeeping, not its migration's statements (exact
rules, see retort_migrations()): retort's connection is told apart by application_name; its
parameterised queries (advisory lock, catalog probes, version reads) arrive through the extended
protocol and are logged as "execute <unnamed>: …", so only "statement: …" lines are taken (a
migration statement sent any other way would go missing and fail the comparison, not pass it);
each migration runs between BEGIN and COMMIT, and its statements are those after BEGIN and before
retort's write of its version row (INSERT INTO / UPDATE "retort_version"), without the ones naming
"retort_version" or "retort_history" (retort reading its own tables; the corpus never names them,
which is checked) and without a guard (SET lock_timeout|statement_timeout = …) first or last, which
this test's project never configures anyway. Everything after the version row until COMMIT (the
history row, SQLite's PRAGMA foreign_key_check) and everything outside BEGIN … COMMIT is retort's
(on SQLite: BEGIN IMMEDIATE, and outside it PRAGMA foreign_keys and its sqlite_master probes).
On the psql side, the BEGIN first and COMMIT last that -1 adds are removed, nothing else; the
sqlite3 shell (-init /dev/null) runs no statement of its own.

Run: splitter_diff.py RETORT_BINARY   (as root, or as a user who may run initdb; needs postgresql-15,
sqlite3 and a C compiler; SPLITDIFF_KEEP=1 keeps the work directories and prints where they are)
"""
import concurrent.futures
import csv
import datetime
import difflib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"
PG_SUPERUSER = "postgres"
FIRST_PORT = 56432
MIN_PG = 25
MIN_SQLITE = 10
WORKERS = 2
RETORT_APP = "splitdiff-retort"
DUMP_APP = "splitdiff-pg_dump"
SETUP_APP = "splitdiff-setup"
FREERADIUS_SQL = "/etc/freeradius/3.0/mods-config/sql"

SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
int sqlite3_open(const char *, sqlite3 **);
int sqlite3_open_v2(const char *, sqlite3 **, int, const char *);
int sqlite3_trace_v2(sqlite3 *, unsigned, int (*)(unsigned, void *, void *, void *), void *);
const char *sqlite3_sql(sqlite3_stmt *);
/* libsqlite3 may be loaded by a dlopen()ed plugin only, so look the real functions up there. */
static void *lib(void) {
  static void *h;
  if (!h) h = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_GLOBAL);
  if (!h) { fprintf(stderr, "splitdiff shim: %s\n", dlerror()); abort(); }
  return h;
}
#define REAL(name) ((__typeof__(&name))dlsym(lib(), #name))
static int on_stmt(unsigned type, void *ctx, void *p, void *x) {
  (void)ctx;
  if (type != 1 /* SQLITE_TRACE_STMT */) return 0;
  const char *sql = REAL(sqlite3_sql)((sqlite3_stmt *)p);
  if (!sql || (const char *)x != sql) return 0; /* X is "-- TRIGGER name" for a trigger's program */
  const char *path = getenv("SPLITDIFF_TRACE");
  if (!path) return 0;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return 0;
  size_t n = strlen(sql);
  char *buf = malloc(n + 32);
  if (!buf) { close(fd); return 0; }
  int h = snprintf(buf, 32, "%zu\n", n);
  memcpy(buf + h, sql, n);
  buf[h + n] = '\n';
  if (write(fd, buf, h + n + 1) < 0) { /* nothing to do */ }
  free(buf);
  close(fd);
  return 0;
}
int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs) {
  int rc = REAL(sqlite3_open_v2)(name, db, flags, vfs);
  if (rc == 0 && *db) REAL(sqlite3_trace_v2)(*db, 1, on_stmt, 0);
  return rc;
}
int sqlite3_open(const char *name, sqlite3 **db) {
  int rc = REAL(sqlite3_open)(name, db);
  if (rc == 0 && *db) REAL(sqlite3_trace_v2)(*db, 1, on_stmt, 0);
  return rc;
}
"""

# Kills the cluster and removes the directories if this process dies without its finally (SIGKILL
# from a test driver's timeout): it waits for its stdin, a pipe from us, to close.
REAPER = r"""
import os, shutil, subprocess, sys
sys.stdin.read()
pg_ctl, data, as_user = sys.argv[1], sys.argv[2], sys.argv[3]
cmd = [pg_ctl, "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]
if as_user:
    cmd = ["runuser", "-u", as_user, "--"] + cmd
if os.path.isdir(data):
    subprocess.run(cmd, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for d in sys.argv[4:]:
    shutil.rmtree(d, ignore_errors=True)
"""

RETORT = None
REAPER_PROC = None
STARTED = time.time()
# Some 120 databases are created and dropped: in memory when /dev/shm is there, it takes a third of
# the time it takes on a busy disk.
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
CREATION_TIME = re.compile(r"'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d)'")
TXN_CONTROL = re.compile(r"(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE)\b",
                         re.IGNORECASE)
RETORT_TABLES = re.compile(r'"retort_(version|history)"')
VERSION_WRITE = re.compile(r'(INSERT\s+INTO|UPDATE)\s+("[^"]*"\.)?"retort_version"')
VERSION_VALUE = re.compile(r"""(?:VALUES\s*\(\s*|SET\s+"version_num"\s*=\s*)'([^']*)'""")
GUARD = re.compile(r"SET\s+(lock_timeout|statement_timeout)\s*=\s*('\d+ms'|DEFAULT)\Z", re.IGNORECASE)
BEGIN_STMT = re.compile(r"BEGIN(\s+(IMMEDIATE|DEFERRED|EXCLUSIVE|TRANSACTION))?\Z", re.IGNORECASE)
END_STMT = re.compile(r"(COMMIT|END|ROLLBACK)(\s+TRANSACTION)?\Z", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Small helpers


def norm(stmt):
    """The normalisation for both clients: surrounding whitespace and one terminating ';'."""
    s = stmt.strip()
    if s.endswith(";"):
        s = s[:-1].rstrip()
    return s


def norm_psql(stmt):
    """psql 15 also drops every empty line (a line of length 0) outside quotes, dollar quotes and
    comments as it reads a file (MainLoop skips it unless psql_scan_in_quote()), so a statement that
    spans a blank line reaches the server without it. That is psql's line reader, not its statement
    boundaries, so on PostgreSQL runs of newlines are collapsed to one on both sides; a line of only
    spaces or tabs is not empty and stays as it is."""
    return re.sub(r"\n{2,}", "\n", norm(stmt))


def strip_comments(sql):
    """The text without comments, whitespace collapsed: to label a difference "the same apart from
    comments" in the report, and to see whether a real client's statement (already split by the
    client) starts with a transaction-control keyword. Never used to compare retort's statements."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            out.append(" ")
        elif c in "'\"":
            j = i + 1
            while j < n and sql[j] != c:
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif c == "$":
            m = re.match(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$", sql[i:])
            if m:
                tag = m.group(0)
                j = sql.find(tag, i + len(tag))
                j = n if j < 0 else j + len(tag)
                out.append(sql[i:j])
                i = j
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return " ".join("".join(out).split())


def abbrev(s, width=150):
    s = s.replace("\n", "⏎")
    return s if len(s) <= width else s[:width - 45] + " … " + s[-40:]


def first_error(text):
    for line in text.splitlines():
        if "ERROR" in line or "rror" in line:
            return line.strip()
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[0].strip() if lines else "(no message)"


def version_key(v):
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[._-]", v))


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PG") and k not in ("DATABASE_URL", "LD_PRELOAD", "SPLITDIFF_TRACE")}
    env.update(extra)
    return env


def run(cmd, timeout=300, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", timeout=timeout, **kw)


def in_parallel(fn, arg_lists):
    """fn(*args) for each, WORKERS at a time; the first exception (or SIGTERM's SystemExit) cancels
    what has not started, without waiting for it."""
    pool = concurrent.futures.ThreadPoolExecutor(WORKERS)
    try:
        for f in [pool.submit(fn, *args) for args in arg_lists]:
            f.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class Script:
    def __init__(self, name, text):
        self.name = name
        self.text = text
        self.status = None     # "ok", "diff", "skip"
        self.reason = ""
        self.client = None     # the real client's statements, normalised
        self.retort = None     # retort's statements, normalised
        self.lines = []        # report lines


class Chain:
    """Scripts that run one after the other into one database (one pair of databases)."""

    def __init__(self, name, scripts, dependent=True, setup=""):
        self.name = name
        self.scripts = scripts
        self.dependent = dependent  # later scripts build on earlier ones: stop at the first skip
        self.setup = setup          # SQL run in both databases first, not compared
        self.notes = []
        self.schema_lines = []
        self.schema_ok = None


# ---------------------------------------------------------------------------------------------
# The corpus


def pg_sharedir():
    try:
        out = run([os.path.join(PG_BIN, "pg_config"), "--sharedir"], timeout=30).stdout.strip()
        if out and os.path.isdir(os.path.join(out, "extension")):
            return out
    except OSError:
        pass
    return "/usr/share/postgresql/15"


def read_control(path):
    keys = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            m = re.match(r"(\w+)\s*=\s*(.*)", line)
            if m:
                keys[m.group(1)] = m.group(2).strip().strip("'")
    return keys


def extension_chains(extdir):
    chains = []
    for control in sorted(f for f in os.listdir(extdir) if f.endswith(".control")):
        ext = control[:-len(".control")]
        keys = read_control(os.path.join(extdir, control))
        target = keys.get("default_version")
        module = keys.get("module_pathname", "$libdir/" + ext)
        installs, updates = {}, {}
        for f in os.listdir(extdir):
            if not (f.startswith(ext + "--") and f.endswith(".sql")):
                continue
            parts = f[len(ext) + 2:-4].split("--")
            if len(parts) == 1:
                installs[parts[0]] = f
            elif len(parts) == 2:
                updates.setdefault(parts[0], []).append((parts[1], f))
        # The shortest update path from an install script to default_version, as the server picks
        # it (ties: the newest starting version).
        best = None
        for start in sorted(installs, key=version_key, reverse=True):
            frontier, seen = [(start, [installs[start]])], {start}
            while frontier:
                nxt = []
                for v, path in frontier:
                    if v == target:
                        if best is None or len(path) < len(best):
                            best = path
                        continue
                    for w, f in updates.get(v, []):
                        if w not in seen:
                            seen.add(w)
                            nxt.append((w, path + [f]))
                frontier = nxt
        if not best:
            continue
        scripts = []
        for f in best:
            with open(os.path.join(extdir, f), encoding="utf-8") as fh:
                lines = [l for l in fh.read().splitlines(keepends=True) if not l.startswith("\\echo")]
            text = ("".join(lines).replace("MODULE_PATHNAME", module)
                    .replace("@extschema@", "public").replace("@extowner@", PG_SUPERUSER))
            scripts.append(Script("postgresql-15:extension/" + f, text))
        setup = "".join("CREATE EXTENSION IF NOT EXISTS \"%s\";\n" % r.strip()
                        for r in keys.get("requires", "").split(",") if r.strip())
        chains.append(Chain("extension " + ext, scripts, dependent=True, setup=setup))
    return chains


def file_scripts(paths, label_root, package):
    out = []
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            out.append(Script(package + ":" + os.path.relpath(p, label_root), f.read()))
    return out


def package_chains(dialect):
    """The schema files of other Debian packages; each directory's files run into one database,
    the base schema first; a file that does not run clean is skipped and the rest still run."""
    chains = []

    def add(name, paths, root, first=(), exclude=None):
        paths.sort(key=lambda p: (os.path.basename(p) not in first, p))
        scripts = file_scripts(paths, root, name.split()[0])
        for sc, p in zip(scripts, paths):
            if exclude and os.path.basename(p) in exclude:
                sc.status, sc.reason = "skip", exclude[os.path.basename(p)]
        if scripts:
            chains.append(Chain(name, scripts, dependent=False))

    def listdir(d, pred):
        return [os.path.join(d, f) for f in os.listdir(d) if pred(f)] if os.path.isdir(d) else []

    if dialect == "pg":
        d = "/usr/share/pdns-backend-pgsql/schema"
        add("pdns-backend-pgsql", listdir(d, lambda f: f.endswith(".sql")), os.path.dirname(d),
            first=("schema.pgsql.sql",))
        sub = "postgresql"
        kam = "/usr/share/kamailio/postgres"
    else:
        d = "/usr/share/pdns-backend-sqlite3/schema"
        files = listdir(d, lambda f: f.endswith(".sql"))
        add("pdns-backend-sqlite3", [p for p in files if "bind-dnssec" not in p], os.path.dirname(d),
            first=("schema.sqlite3.sql",))
        add("pdns-backend-sqlite3 (bind-dnssec)", [p for p in files if "bind-dnssec" in p],
            os.path.dirname(d), first=("bind-dnssec.schema.sqlite3.sql",))
        sub = "sqlite"
        kam = "/usr/share/kamailio/db_sqlite"
    if os.path.isdir(FREERADIUS_SQL):
        for group in sorted(os.listdir(FREERADIUS_SQL)):
            d = os.path.join(FREERADIUS_SQL, group, sub)
            paths = []
            for top, _, files in os.walk(d):
                paths += [os.path.join(top, f) for f in files if f.endswith(".sql")]
            add("freeradius-config " + group, paths, FREERADIUS_SQL, first=("schema.sql",),
                exclude={"setup.sql": "not run: creates the cluster-wide role radius, which can be "
                                      "created in one of the two databases only"})
    add("kamailio-postgres-modules" if dialect == "pg" else "kamailio-sqlite-modules",
        listdir(kam, lambda f: f.endswith(".sql")), os.path.dirname(kam), first=("standard-create.sql",))
    return chains


def server_chains(share):
    """The server's own SQL files (initdb runs them): real, large, with BEGIN ATOMIC bodies."""
    chains = []
    for f, setup in (("system_functions.sql", ""), ("fix-CVE-2024-4317.sql", ""),
                     ("information_schema.sql", "DROP SCHEMA information_schema CASCADE;\n"),
                     ("system_views.sql", ""), ("snowball_create.sql", "")):
        p = os.path.join(share, f)
        if os.path.exists(p):
            chains.append(Chain("postgresql-15 " + f, file_scripts([p], share, "postgresql-15"), setup=setup))
    return chains


# ---------------------------------------------------------------------------------------------
# retort projects, and telling retort's bookkeeping from its migrations' statements


def write_project(directory, scripts):
    os.makedirs(directory)
    r = run([RETORT, "init", "migrations"], cwd=directory, env=clean_env(), timeout=60)
    if r.returncode != 0:
        raise RuntimeError("retort init failed: " + r.stderr)
    versions = os.path.join(directory, "migrations", "versions")
    for k, s in enumerate(scripts):
        head = "-- retort:revision s%04d\n" % k
        if k:
            head += "-- retort:down_revision s%04d\n" % (k - 1)
        with open(os.path.join(versions, "%04d_s%04d.sql" % (k, k)), "w", encoding="utf-8") as f:
            f.write(head + "-- retort:upgrade\n" + s.text)


def retort_migrations(stmts, scripts):
    """retort's statements (raw texts, in order) -> one list of statements per migration, by the
    rules in the module docstring. Returns (lists, problems)."""
    lists, problems, i, n = [], [], 0, len(stmts)
    while i < n:
        if not BEGIN_STMT.match(stmts[i].strip()):
            i += 1
            continue
        j = i + 1
        while j < n and not END_STMT.match(stmts[j].strip()):
            j += 1
        body = stmts[i + 1:j]
        ended = stmts[j].strip().upper() if j < n else "(nothing: the log ends)"
        i = j + 1
        w = next((k for k, s in enumerate(body) if VERSION_WRITE.match(s.strip())), None)
        if w is None and ended.startswith("COMMIT"):
            continue  # retort's own transaction (creating its tables)
        k = len(lists)
        if w is not None:
            m = VERSION_VALUE.search(body[w])
            if not m or m.group(1) != "s%04d" % k:
                problems.append("migration transaction %d writes version %r, expected s%04d"
                                % (k, m.group(1) if m else None, k))
            body = body[:w]
        else:
            problems.append("migration s%04d's transaction ended with %s" % (k, ended))
        body = [s for s in body if not RETORT_TABLES.search(s)]
        if k < len(scripts) and not re.search(r"lock_timeout|statement_timeout", scripts[k].text, re.I):
            if body and GUARD.match(norm(body[0])):
                body = body[1:]
            if body and GUARD.match(norm(body[-1])):
                body = body[:-1]
        lists.append(body)
    return lists, problems


def compare(script, client, retort_stmts, normalise=norm):
    script.client = [normalise(s) for s in client]
    script.retort = [normalise(s) for s in retort_stmts]
    a, b = script.client, script.retort
    if a == b:
        script.status = "ok"
        return
    script.status = "diff"
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = [op for op in sm.get_opcodes() if op[0] != "equal"]
    for tag, i1, i2, j1, j2 in hunks[:8]:
        for d in range(max(i2 - i1, j2 - j1)):
            x = a[i1 + d] if i1 + d < i2 else None
            y = b[j1 + d] if j1 + d < j2 else None
            label = ""
            if x is not None and y is not None:
                p = next((c for c in range(min(len(x), len(y))) if x[c] != y[c]), min(len(x), len(y)))
                label = " (first difference at character %d%s)" % (
                    p, "; the same apart from comments" if strip_comments(x) == strip_comments(y) else "")
            script.lines.append("      client statement %s / retort statement %s%s" % (
                i1 + d + 1 if x is not None else "-", j1 + d + 1 if y is not None else "-", label))
            script.lines.append("        client: " + ("(none)" if x is None else abbrev(x)))
            script.lines.append("        retort: " + ("(none)" if y is None else abbrev(y)))
            if len(script.lines) > 60:
                break
        if len(script.lines) > 60:
            script.lines.append("      … (%d differing runs in all)" % len(hunks))
            break


# ---------------------------------------------------------------------------------------------
# PostgreSQL


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="retort-splitdiff-pg.", dir=SCRATCH)
        self.as_user = PG_SUPERUSER if os.geteuid() == 0 else ""
        if self.as_user:
            shutil.chown(self.dir, PG_SUPERUSER, PG_SUPERUSER)
        self.data = os.path.join(self.dir, "data")
        self.logdir = os.path.join(self.dir, "log")
        self.csv = os.path.join(self.logdir, "statements.csv")
        self.port = None

    def as_pg(self, cmd, **kw):
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--"] + cmd
        return run(cmd, cwd="/", **kw)

    def start(self, work):
        global REAPER_PROC
        dirs = [] if os.environ.get("SPLITDIFF_KEEP") else [self.dir, work]
        REAPER_PROC = subprocess.Popen(
            [sys.executable, "-c", REAPER, os.path.join(PG_BIN, "pg_ctl"), self.data, self.as_user] + dirs,
            stdin=subprocess.PIPE, start_new_session=True)
        r = self.as_pg([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", PG_SUPERUSER, "-E", "UTF8",
                        "--locale=C", "--auth=trust", "--no-sync"], timeout=120)
        if r.returncode != 0:
            raise RuntimeError("initdb failed:\n" + r.stdout + r.stderr)
        port = FIRST_PORT
        while port < FIRST_PORT + 1000:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) != 0:
                    break
            port += 1
        self.port = port
        settings = {
            "port": str(port), "listen_addresses": "''", "unix_socket_directories": "'%s'" % self.dir,
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "log_statement": "'all'", "log_destination": "'csvlog'", "logging_collector": "on",
            "log_directory": "'%s'" % self.logdir, "log_filename": "'statements'",
            "log_rotation_age": "0", "log_rotation_size": "0", "log_file_mode": "0644",
            "max_connections": "50",
        }
        with open(os.path.join(self.data, "postgresql.conf"), "a", encoding="utf-8") as f:
            f.write("\n# splitter_diff.py\n" + "".join("%s = %s\n" % kv for kv in settings.items()))
        r = self.as_pg([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l",
                        os.path.join(self.dir, "server.log"), "-w", "-t", "60", "start"], timeout=120)
        if r.returncode != 0:
            log = ""
            try:
                with open(os.path.join(self.dir, "server.log"), encoding="utf-8", errors="replace") as f:
                    log = f.read()
            except OSError:
                pass
            raise RuntimeError("pg_ctl start failed:\n" + r.stdout + r.stderr + log)

    def stop(self):
        if os.path.isdir(self.data):
            self.as_pg([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "-t", "60",
                        "stop"], timeout=120)

    def url(self, db):
        return "postgresql://%s@/%s?host=%s&port=%d&application_name=%s" % (
            PG_SUPERUSER, db, self.dir, self.port, RETORT_APP)

    def psql(self, db, app, args, timeout=300):
        return run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.dir,
                    "-p", str(self.port), "-U", PG_SUPERUSER, "-d", db] + args,
                   env=clean_env(PGAPPNAME=app), timeout=timeout)

    def dump(self, db, restrict):
        r = run([os.path.join(PG_BIN, "pg_dump"), "--schema-only", "-h", self.dir, "-p", str(self.port),
                 "-U", PG_SUPERUSER, "--exclude-table=retort_version", "--exclude-table=retort_history"]
                + restrict + [db], env=clean_env(PGAPPNAME=DUMP_APP), timeout=300)
        if r.returncode != 0:
            return None, r.stderr
        # Without --restrict-key, pg_dump 15.14+ writes a random key into \restrict and \unrestrict.
        lines = [l for l in r.stdout.splitlines() if not re.match(r"\\(un)?restrict ", l)]
        return [CREATION_TIME.sub(self.creation_time, l) for l in lines], ""

    def creation_time(self, m):
        """DEFAULT 'now' in a column definition is evaluated once, when the table is created, and
        dumped as that instant: the two databases' tables are created at different instants. Only a
        literal within this run's time is replaced."""
        try:
            t = datetime.datetime.fromisoformat(m.group(1) + ":00").timestamp()
        except ValueError:
            return m.group(0)
        return "'<creation time>'" if STARTED - 60 <= t <= time.time() + 60 else m.group(0)

    def log_rows(self):
        csv.field_size_limit(sys.maxsize)
        with open(self.csv, newline="", encoding="utf-8", errors="replace") as f:
            return list(csv.reader(f))


def check_corpus(chains):
    """The bookkeeping rules rely on the corpus never naming retort's tables or headers."""
    for c in chains:
        for s in c.scripts:
            if RETORT_TABLES.search(s.text) or re.search(r"^\s*--\s*retort:", s.text, re.M):
                s.status, s.reason = "skip", "names retort's tables or headers"


def run_pg_chain(cluster, work, idx, chain, restrict):
    dbp, dbr = "p%03d" % idx, "r%03d" % idx
    r = cluster.psql("postgres", SETUP_APP, ["-c", "CREATE DATABASE %s" % dbp, "-c", "CREATE DATABASE %s" % dbr])
    if r.returncode != 0:
        raise RuntimeError("CREATE DATABASE failed: " + r.stderr)
    try:
        run_pg_chain_in(cluster, work, idx, chain, restrict, dbp, dbr)
    finally:
        cluster.psql("postgres", SETUP_APP, ["-c", "DROP DATABASE %s" % dbp, "-c", "DROP DATABASE %s" % dbr])


def run_pg_chain_in(cluster, work, idx, chain, restrict, dbp, dbr):
    if chain.setup:
        for db in (dbp, dbr):
            r = cluster.psql(db, SETUP_APP, ["-c", chain.setup])
            if r.returncode != 0:
                chain.notes.append("setup failed: " + first_error(r.stderr))
                for s in chain.scripts:
                    s.status, s.reason = "skip", "the chain's setup failed"
                return
    wd = os.path.join(work, "pg%03d" % idx)
    os.makedirs(wd)
    clean = []
    for j, s in enumerate(chain.scripts):
        if s.status == "skip":
            continue
        path = os.path.join(wd, "%02d.sql" % j)
        with open(path, "w", encoding="utf-8") as f:
            f.write(s.text)
        app = "splitdiff-psql-%03d-%02d" % (idx, j)
        r = cluster.psql(dbp, app, ["-1", "-f", path])
        if r.returncode != 0:
            s.status, s.reason = "skip", "psql: " + first_error(r.stderr).replace(path, "FILE")
            if chain.dependent:
                for t in chain.scripts[j + 1:]:
                    t.status, t.reason = "skip", "follows the skipped " + s.name
                break
            continue
        s.psql_app = app
        clean.append(s)
    chain.clean = clean
    chain.dbs = (dbp, dbr)
    if not clean:
        return
    proj = os.path.join(wd, "project")
    write_project(proj, clean)
    r = run([RETORT, "--url", cluster.url(dbr), "upgrade", "head"], cwd=proj, env=clean_env(), timeout=300)
    chain.retort_rc, chain.retort_err = r.returncode, (r.stderr + r.stdout).strip()
    a, err_a = cluster.dump(dbp, restrict)
    b, err_b = cluster.dump(dbr, restrict)
    if a is None or b is None:
        chain.schema_ok = False
        chain.schema_lines.append("    pg_dump failed: " + (err_a or err_b).strip())
    elif a == b:
        chain.schema_ok = True
    else:
        chain.schema_ok = False
        diff = list(difflib.unified_diff(a, b, "psql's database", "retort's database", n=1, lineterm=""))
        chain.schema_lines += ["    " + l for l in diff[:40]]
        if len(diff) > 40:
            chain.schema_lines.append("    … (%d diff lines in all)" % len(diff))


def pg_part(work, results):
    share = pg_sharedir()
    extdir = os.path.join(share, "extension")
    chains = extension_chains(extdir) + server_chains(share) + package_chains("pg")
    check_corpus(chains)
    t0 = time.time()
    cluster = Cluster()
    print("PostgreSQL: %d chains, %d scripts (extensions from %s)" % (
        len(chains), sum(len(c.scripts) for c in chains), extdir), flush=True)
    try:
        cluster.start(work)
        version = run([os.path.join(PG_BIN, "psql"), "--version"]).stdout.strip()
        print("  cluster on socket %s, port %d; %s" % (cluster.dir, cluster.port, version), flush=True)
        restrict = ["--restrict-key=splitdiff"] if "--restrict-key" in run(
            [os.path.join(PG_BIN, "pg_dump"), "--help"]).stdout else []
        in_parallel(run_pg_chain, [(cluster, work, i, c, restrict) for i, c in enumerate(chains)])
        # The log collector writes asynchronously; a marker sent last shows everything before it
        # has been written.
        marker = "splitdiff-end-of-log-%d" % os.getpid()
        cluster.psql("postgres", SETUP_APP, ["-c", "SELECT '%s'" % marker])
        deadline = time.time() + 30
        while True:
            with open(cluster.csv, encoding="utf-8", errors="replace") as f:
                if marker in f.read():
                    break
            if time.time() > deadline:
                raise RuntimeError("the server log never showed the end marker")
            time.sleep(0.2)
        rows = cluster.log_rows()
    finally:
        cluster.stop()
    print("  done in %.0f s" % (time.time() - t0), flush=True)
    # csvlog columns: 2 database_name, 11 error_severity, 13 message, 22 application_name.
    by_key = {}
    for row in rows:
        if len(row) < 23 or row[11] != "LOG":
            continue
        msg = row[13]
        if msg.startswith("statement: "):
            kind, text = "simple", msg[len("statement: "):]
        elif re.match(r"execute [^:]*: ", msg):
            kind, text = "extended", msg.split(": ", 1)[1]
        else:
            continue
        by_key.setdefault((row[2], row[22]), []).append((kind, text))
    for chain in chains:
        report_pg_chain(chain, by_key)
        results.append(("pg", chain))


def report_pg_chain(chain, by_key):
    clean = getattr(chain, "clean", [])
    if clean:
        dbp, dbr = chain.dbs
        # retort: only the simple-protocol statements of its own connection(s), by application_name.
        mine = [t for kind, t in by_key.get((dbr, RETORT_APP), []) if kind == "simple"]
        lists, problems = retort_migrations(mine, clean)
        chain.notes += problems
        if chain.retort_rc != 0:
            chain.notes.append("retort upgrade head exited %d: %s" % (chain.retort_rc, abbrev(chain.retort_err, 400)))
        for k, s in enumerate(clean):
            client = [t for _, t in by_key.get((dbp, s.psql_app), [])]
            if client[:1] == ["BEGIN"] and client[-1:] == ["COMMIT"]:
                client = client[1:-1]  # what -1 adds
            else:
                chain.notes.append("%s: psql's session does not start with BEGIN and end with COMMIT" % s.name)
            if any(TXN_CONTROL.match(strip_comments(norm(t))) for t in client):
                s.status, s.reason = "skip", "has transaction control (retort refuses it in a migration)"
                s.lines = []
                continue
            compare(s, client, lists[k] if k < len(lists) else [], norm_psql)
        if len(lists) > len(clean):
            chain.notes.append("retort ran %d migrations, %d expected" % (len(lists), len(clean)))


# ---------------------------------------------------------------------------------------------
# SQLite


def read_trace(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        n = int(data[i:nl])
        out.append(data[nl + 1:nl + 1 + n].decode("utf-8", "replace"))
        i = nl + 1 + n + 1
    return out


def master_rows(path):
    if not os.path.exists(path):
        return []
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return [r for r in con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")
                if r[2] not in ("retort_version", "retort_history")]
    finally:
        con.close()


def run_sqlite_chain(work, idx, chain, shim, sqlite_bin):
    wd = os.path.join(work, "sqlite%03d" % idx)
    os.makedirs(wd)
    shell_db, try_db = os.path.join(wd, "shell.db"), os.path.join(wd, "try.db")
    clean = []
    for j, s in enumerate(chain.scripts):
        if s.status == "skip":
            continue
        path = os.path.join(wd, "%02d.sql" % j)
        with open(path, "w", encoding="utf-8") as f:
            f.write(s.text)
        for p in (try_db, try_db + "-journal"):
            if os.path.exists(p):
                os.remove(p)
        if os.path.exists(shell_db):
            shutil.copyfile(shell_db, try_db)
        trace = os.path.join(wd, "shell-%02d.trace" % j)
        r = run([sqlite_bin, "-init", "/dev/null", "-bail", try_db, ".read %s" % path],
                env=clean_env(LD_PRELOAD=shim, SPLITDIFF_TRACE=trace), timeout=300)
        stmts = read_trace(trace)
        if r.returncode != 0 or r.stderr.strip():
            s.status, s.reason = "skip", "sqlite3: " + first_error(r.stderr)
            if chain.dependent:
                for t in chain.scripts[j + 1:]:
                    t.status, t.reason = "skip", "follows the skipped " + s.name
                break
            continue
        if any(TXN_CONTROL.match(strip_comments(norm(t))) for t in stmts):
            s.status, s.reason = "skip", "has transaction control (retort refuses it in a migration)"
            continue
        if os.path.exists(try_db):
            os.replace(try_db, shell_db)
        s.shell_stmts = stmts
        clean.append(s)
    chain.clean = clean
    if not clean:
        return
    proj = os.path.join(wd, "project")
    write_project(proj, clean)
    rdb = os.path.join(wd, "retort.db")
    trace = os.path.join(wd, "retort.trace")
    asan = (os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")
    r = run([RETORT, "--url", "sqlite:///" + rdb, "upgrade", "head"], cwd=proj,
            env=clean_env(LD_PRELOAD=shim, SPLITDIFF_TRACE=trace, ASAN_OPTIONS=asan), timeout=300)
    chain.retort_rc, chain.retort_err = r.returncode, (r.stderr + r.stdout).strip()
    if chain.retort_rc != 0:
        chain.notes.append("retort upgrade head exited %d: %s" % (chain.retort_rc, abbrev(chain.retort_err, 400)))
    lists, problems = retort_migrations(read_trace(trace), clean)
    chain.notes += problems
    if len(lists) > len(clean):
        chain.notes.append("retort ran %d migrations, %d expected" % (len(lists), len(clean)))
    for k, s in enumerate(clean):
        compare(s, s.shell_stmts, lists[k] if k < len(lists) else [])
    a, b = master_rows(shell_db), master_rows(rdb)
    chain.schema_ok = a == b
    if a != b:
        fmt = lambda rows: ["%s %s (%s): %s" % (t, n, tb, abbrev(q or "", 120)) for t, n, tb, q in rows]
        diff = list(difflib.unified_diff(fmt(a), fmt(b), "sqlite3's sqlite_master", "retort's sqlite_master",
                                         n=1, lineterm=""))
        chain.schema_lines += ["    " + l for l in diff[:40]]


def build_shim(work):
    cc = next((shutil.which(c) for c in ("cc", "gcc", "clang") if shutil.which(c)), None)
    if not cc:
        raise RuntimeError("no C compiler (cc, gcc, clang) to build the SQLite trace shim")
    src, lib = os.path.join(work, "shim.c"), os.path.join(work, "splitdiff-shim.so")
    with open(src, "w") as f:
        f.write(SHIM_C)
    r = run([cc, "-shared", "-fPIC", "-O1", "-o", lib, src, "-ldl"], timeout=120)
    if r.returncode != 0:
        raise RuntimeError("building the trace shim failed:\n" + r.stderr)
    return lib


def sqlite_part(work, results):
    sqlite_bin = shutil.which("sqlite3")
    if not sqlite_bin:
        raise RuntimeError("no sqlite3 shell (Debian's sqlite3)")
    chains = package_chains("sqlite")
    check_corpus(chains)
    version = run([sqlite_bin, "-version"]).stdout.split()[:1]
    print("SQLite: %d chains, %d scripts; sqlite3 %s" % (
        len(chains), sum(len(c.scripts) for c in chains), " ".join(version)), flush=True)
    t0 = time.time()
    shim = build_shim(work)
    in_parallel(run_sqlite_chain, [(work, i, c, shim, sqlite_bin) for i, c in enumerate(chains)])
    print("  done in %.0f s" % (time.time() - t0), flush=True)
    results += [("sqlite", c) for c in chains]


# ---------------------------------------------------------------------------------------------


def main():
    global RETORT
    if len(sys.argv) != 2:
        print("usage: splitter_diff.py RETORT_BINARY", file=sys.stderr)
        return 2
    RETORT = os.path.abspath(sys.argv[1])
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(130))
    started = time.time()
    work = tempfile.mkdtemp(prefix="retort-splitdiff.", dir=SCRATCH)
    results = []
    try:
        pg_part(work, results)
        sqlite_part(work, results)
    finally:
        if os.environ.get("SPLITDIFF_KEEP"):
            print("work directory kept: " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
        if REAPER_PROC:  # it removes the cluster's directory now
            REAPER_PROC.stdin.close()
            REAPER_PROC.wait(timeout=120)

    counts = {"pg": [0, 0, 0], "sqlite": [0, 0, 0]}  # compared, differing, skipped
    failed_chains = 0
    for dialect, chain in results:
        client = "psql" if dialect == "pg" else "sqlite3"
        print("\n== %s: %s" % ("PostgreSQL" if dialect == "pg" else "SQLite", chain.name))
        for s in chain.scripts:
            if s.status == "ok":
                counts[dialect][0] += 1
                print("  ok    %-58s %4d statements" % (s.name, len(s.client)))
            elif s.status == "diff":
                counts[dialect][0] += 1
                counts[dialect][1] += 1
                print("  DIFF  %-58s %s %d statements, retort %d" % (s.name, client, len(s.client), len(s.retort)))
                for line in s.lines:
                    print(line)
            else:
                counts[dialect][2] += 1
                print("  skip  %-58s %s" % (s.name, abbrev(s.reason or "not run", 160)))
        for n in chain.notes:
            print("  NOTE  " + n)
        if chain.schema_ok is True:
            print("  schema: the same")
        elif chain.schema_ok is False:
            print("  SCHEMA DIFFERS")
            for line in chain.schema_lines:
                print(line)
        if chain.schema_ok is False or chain.notes or any(s.status == "diff" for s in chain.scripts):
            failed_chains += 1

    ok = failed_chains == 0
    print("\nSummary (%.0f s):" % (time.time() - started))
    for dialect, minimum in (("pg", MIN_PG), ("sqlite", MIN_SQLITE)):
        compared, differing, skipped = counts[dialect]
        enough = compared >= minimum
        ok = ok and enough
        print("  %-10s %3d scripts compared, %d differ, %d skipped; minimum %d%s" % (
            "PostgreSQL" if dialect == "pg" else "SQLite", compared, differing, skipped, minimum,
            "" if enough else "  -- NOT MET (is the corpus installed? scripts/install-deps.sh)"))
    print("  %s" % ("PASS" if ok else "FAIL: %d chain(s) with differences" % failed_chains
                     if failed_chains else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
