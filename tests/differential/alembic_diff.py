#!/usr/bin/env python3
"""The same revision graphs through Alembic's and retort's offline --sql, compared.

For each graph shape and each command, both tools print their script; this test reads from each
the steps it runs (revision and direction, from the "-- Running" comments) and replays the version
table statements. It checks that both run the same steps, that each order is a valid topological
order (parents and dependencies first going up, dependents first going down), and that the version
table holds the same rows after the whole script.

Deliberate differences from Alembic, not counted as failures:
- ORDER: where the graph leaves a choice (siblings of a branch point), Alembic's order comes from
  its internal sets and differs between runs of the same graph; retort applies revisions in
  file-name order (creation order), so a plan is the same on every machine. Only the validity of
  the order is compared there, not the order itself.
- ROWS AFTER EACH STEP: follow from the order, so they are compared after the whole script only.
- ALEMBIC REFUSES (listed in ALEMBIC_REFUSALS): commands Alembic cannot run offline where retort can;
  there retort's script is still checked for a valid order and the rows it leaves.

Run: alembic_diff.py RETORT_BINARY   (needs Debian's python3-alembic)
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

RETORT = None

# Shapes: (id, parents, depends_on, branch_labels), in file (creation) order.
SHAPES = {
    "linear": [("a1", [], [], []), ("b2", ["a1"], [], []), ("c3", ["b2"], [], [])],
    "diamond": [("a1", [], [], []), ("b2", ["a1"], [], []), ("c3", ["a1"], [], []), ("d4", ["b2", "c3"], [], [])],
    "two_roots": [("a1", [], [], ["core"]), ("b2", ["a1"], [], []), ("x1", [], [], ["ext"]), ("y2", ["x1"], [], [])],
    "merge_of_three": [("a1", [], [], []), ("b2", ["a1"], [], []), ("c3", ["a1"], [], []), ("d4", ["a1"], [], []),
                       ("m5", ["b2", "c3", "d4"], [], [])],
    "depends_on_across_branches": [("a1", [], [], ["left"]), ("b2", ["a1"], [], []), ("x1", [], [], ["right"]),
                                   ("y2", ["x1"], ["b2"], [])],
    "branch_then_merge_then_line": [("a1", [], [], []), ("b2", ["a1"], [], []), ("c3", ["a1"], [], []),
                                    ("d4", ["b2", "c3"], [], []), ("e5", ["d4"], [], [])],
}

# Alembic's error text -> why retort differs on purpose.
ALEMBIC_REFUSALS = {
    "Multiple head revisions are present for given argument 'heads'":
        "Alembic's offline downgrade starts from one revision, so a range from 'heads' with several heads is "
        "refused; retort starts from all of them.",
    "is not a valid downgrade target from current head(s)":
        "Alembic refuses a downgrade to a revision that is itself a current head (here b2, which y2 depends "
        "on); retort has nothing to revert there.",
}

ENV_PY = """from alembic import context
config = context.config
context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
"""


def py_tuple(items):
    return "None" if not items else "(" + "".join(f"'{i}', " for i in items) + ")"


def write_projects(root, shape):
    alembic = os.path.join(root, "alembic")
    os.makedirs(os.path.join(alembic, "versions"))
    with open(os.path.join(alembic, "alembic.ini"), "w") as f:
        f.write(f"[alembic]\nscript_location = {alembic}\nsqlalchemy.url = sqlite:///{root}/a.db\n")
    with open(os.path.join(alembic, "env.py"), "w") as f:
        f.write(ENV_PY)
    retort = os.path.join(root, "retort")
    os.makedirs(os.path.join(retort, "versions"))
    with open(os.path.join(retort, "retort.toml"), "w") as f:
        f.write(f'script_location = "."\nversion_table = "alembic_version"\ndefault_url = "sqlite:///{root}/r.db"\n')
    for n, (rev, parents, deps, labels) in enumerate(shape):
        down = "None" if not parents else (f"'{parents[0]}'" if len(parents) == 1 else py_tuple(parents))
        with open(os.path.join(alembic, "versions", f"{rev}.py"), "w") as f:
            f.write(f"revision = '{rev}'\ndown_revision = {down}\nbranch_labels = {py_tuple(labels)}\n"
                    f"depends_on = {py_tuple(deps)}\ndef upgrade(): pass\ndef downgrade(): pass\n")
        toml_list = lambda xs: "[" + ", ".join(f'"{x}"' for x in xs) + "]"
        with open(os.path.join(retort, "versions", f"{n:04d}_{rev}.toml"), "w") as f:
            f.write(f'revision = "{rev}"\ndown_revision = {toml_list(parents)}\nbranch_labels = {toml_list(labels)}\n'
                    f'depends_on = {toml_list(deps)}\nmessage = "{rev}"\n')
    return os.path.join(alembic, "alembic.ini"), os.path.join(retort, "retort.toml")


STEP = re.compile(r"^-- Running (upgrade|downgrade) (.*)$")
VALUE = re.compile(r"'([^']*)'")


def parse(script):
    """(steps, rows): [(direction, revision)] and the version rows after replaying the script."""
    steps, rows = [], set()
    for line in script.splitlines():
        m = STEP.match(line)
        if m:
            direction, rest = m.group(1), m.group(2).split(":")[0]
            left, right = [p.strip() for p in rest.split("->")]
            steps.append((direction, right if direction == "upgrade" else left))
            continue
        if "alembic_version" not in line:
            continue
        values = VALUE.findall(line)
        if line.startswith("INSERT"):
            rows.add(values[-1])
        elif line.startswith("UPDATE"):
            rows.discard(values[-1])
            rows.add(values[0])
        elif line.startswith("DELETE"):
            rows.discard(values[-1])
    return steps, rows


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "DATABASE_URL": ""})
    return p.returncode, p.stdout, p.stderr


def valid_order(shape, steps):
    """Going up, each revision after its parents and dependencies; going down, before them."""
    edges = {rev: set(parents) | set(deps) for rev, parents, deps, _ in shape}
    position = {rev: i for i, (_, rev) in enumerate(steps)}
    for direction, rev in steps:
        for dep in edges[rev]:
            if dep in position and (position[dep] > position[rev]) == (direction == "upgrade"):
                return False
    return True


class differential(unittest.TestCase):
    maxDiff = None
    refusals = []

    @classmethod
    def tearDownClass(cls):
        if cls.refusals:
            print(f"\n{len(cls.refusals)} command(s) Alembic refused offline and retort ran (see ALEMBIC_REFUSALS)")

    def compare(self, shape_name, alembic_cmd, retort_cmd):
        shape = SHAPES[shape_name]
        with tempfile.TemporaryDirectory() as root:
            ini, toml = write_projects(root, shape)
            a_code, a_out, a_err = run([sys.executable, "-m", "alembic", "-c", ini] + alembic_cmd + ["--sql"], root)
            r_code, r_out, r_err = run([RETORT, "-c", toml] + retort_cmd + ["--sql"], root)
            what = f"{shape_name}: alembic {' '.join(alembic_cmd)} / retort {' '.join(retort_cmd)}"
            self.assertEqual(r_code, 0, f"{what}: retort failed: {r_err}")
            r_steps, r_rows = parse(r_out)
            if a_code != 0 and any(known in a_out + a_err for known in ALEMBIC_REFUSALS):
                self.assertTrue(valid_order(shape, r_steps), f"{what}: retort's order {r_steps} is not topological")
                self.refusals.append(what)
                return r_steps
            self.assertEqual(a_code, 0, f"{what}: Alembic failed: {(a_out + a_err)[-500:]}")
            a_steps, a_rows = parse(a_out)
            self.assertEqual(sorted(a_steps), sorted(r_steps), f"{what}: different steps")
            self.assertTrue(valid_order(shape, r_steps), f"{what}: retort's order {r_steps} is not topological")
            self.assertTrue(valid_order(shape, a_steps), f"{what}: Alembic's order {a_steps} is not topological")
            self.assertEqual(a_rows, r_rows, f"{what}: version rows differ")
            return r_steps

    def test_every_shape_every_target(self):
        for name, shape in SHAPES.items():
            revs = [rev for rev, *_ in shape]
            heads = [r for r in revs if not any(r in parents for _, parents, _, _ in shape)]
            with self.subTest(shape=name, cmd="upgrade heads"):
                self.compare(name, ["upgrade", "heads"], ["upgrade", "heads"])
            for rev in revs:
                with self.subTest(shape=name, cmd=f"upgrade {rev}"):
                    self.compare(name, ["upgrade", rev], ["upgrade", rev])
                with self.subTest(shape=name, cmd=f"downgrade heads:{rev}"):
                    self.compare(name, ["downgrade", f"heads:{rev}"], ["downgrade", f"heads:{rev}"])
            with self.subTest(shape=name, cmd="downgrade heads:base"):
                self.compare(name, ["downgrade", "heads:base"], ["downgrade", "heads:base"])
            if len(heads) == 1:
                with self.subTest(shape=name, cmd="upgrade head"):
                    self.compare(name, ["upgrade", "head"], ["upgrade", "head"])

    def test_ranges(self):
        self.compare("diamond", ["upgrade", "a1:d4"], ["upgrade", "a1:d4"])
        self.compare("diamond", ["downgrade", "d4:c3"], ["downgrade", "d4:c3"])
        self.compare("branch_then_merge_then_line", ["upgrade", "b2:e5"], ["upgrade", "b2:e5"])
        self.compare("two_roots", ["upgrade", "core@head"], ["upgrade", "core@head"])

    def test_linear_order_is_the_same(self):
        steps = self.compare("linear", ["upgrade", "heads"], ["upgrade", "heads"])
        self.assertEqual(steps, [("upgrade", "a1"), ("upgrade", "b2"), ("upgrade", "c3")])


if __name__ == "__main__":
    RETORT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
