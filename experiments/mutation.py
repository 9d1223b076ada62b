"""Mutation testing of the mechanism and cost modules: would the tests notice a wrong model?

    python experiments/mutation.py [--only MODULE ...] [--out DIR] [--write docs/testing.md]

For each module below, mutmut 2.5.1 (the `mutation` extra; `make mutation` installs it)
changes one operator, constant or condition at a time and runs that module's fast tests;
a mutant the tests do not fail on "survived". mutmut edits the source in place, so every
module is tested in its own copy of the project under `--out` (default
/tmp/sdsim-mutation/<module>), never in the work tree, and its cache stays there:
re-running resumes where it stopped. The summary table (killed, survived, timed out, per
module) is printed and, with `--write`, put between the markers `<!-- mutation:summary -->`
and `<!-- /mutation:summary -->` of the given file; the survivors' diffs go to
`<out>/<module>/survivors.txt` for docs/testing.md's explanations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    path: str
    tests: tuple[str, ...]  # pytest arguments: files, or file::test, or -k expressions
    # Only these top-level functions are mutated (the rest of the copy's module is marked
    # `# pragma: no mutate`); empty: the whole module.
    functions: tuple[str, ...] = ()


# The fast tests that speak for each module (a few seconds a run: mutmut runs them once per
# mutant, stopping at the first failure).
TARGETS = {
    "handover": Target(
        "model/processes/handover.py",
        ("tests/processes/test_handover_frictions.py", "tests/processes/test_onward.py"),
    ),
    "care": Target(
        "model/processes/care.py",
        (
            "tests/processes/test_care.py",
            "tests/records/test_costs_by_parameters.py",
            "tests/engine/test_invariants.py",
        ),
    ),  # fmt: skip
    "escalation": Target(
        "model/processes/escalation.py",
        ("tests/processes/test_escalation_rates.py", "tests/processes/test_escalation.py"),
    ),
    "metrics": Target(
        "model/records/metrics.py",
        ("tests/records/test_outcomes_by_hand.py", "tests/records/test_costs_by_parameters.py"),
        ("row_cost_eur", "care_days_eur", "cost_by_domain", "paid_hours", "scheme_figures"),
    ),
    "counterfactual": Target(
        "model/runs/counterfactual.py",
        (
            "tests/records/test_outcomes_by_hand.py",
            "tests/processes/test_reorganisation_costs.py",
            "tests/processes/test_reorganisation.py",
        ),
        ("_integral", "transition_costs", "own_figures", "monthly_cost", "paired_figures"),
    ),  # fmt: skip
    "reorganisation": Target(
        "model/processes/reorganisation.py",
        ("tests/processes/test_reorganisation_costs.py", "tests/processes/test_reorganisation.py"),
    ),
}


def copy_project(dest: Path) -> None:
    """The tracked files and the working tree's changes to them; the .venv is shared."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.split()  # fmt: skip
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def only_functions(path: Path, names: tuple[str, ...]) -> None:
    """Mark every line outside the named top-level functions `# pragma: no mutate` (mutmut
    leaves such lines alone), except lines inside a multi-line string, whose text a comment
    would change."""
    import ast
    import io
    import tokenize

    source = path.read_text()
    functions = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    missing = set(names) - {f.name for f in functions}
    if missing:
        raise SystemExit(f"{path}: no function {sorted(missing)}")
    keep: set[int] = set()
    for f in functions:
        if f.name in names:
            keep.update(range(f.lineno, f.end_lineno + 1))
    in_string: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            in_string.update(range(tok.start[0], tok.end[0]))
    lines = source.splitlines()
    for i, line in enumerate(lines, start=1):
        if i not in keep and i not in in_string and line.strip():
            lines[i - 1] = f"{line}  # pragma: no mutate"
    path.write_text("\n".join(lines) + "\n")


def run_module(name: str, target: Target, out: Path) -> dict[str, int]:
    work = out / name
    if not (work / ".mutmut-cache").exists():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        copy_project(work)
        if target.functions:
            only_functions(work / target.path, target.functions)
        (work / ".pristine").write_text((work / target.path).read_text())
    runner = f"{sys.executable} -m pytest -x -q -p no:cacheprovider " + " ".join(target.tests)
    command = [sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", target.path,
               "--runner", runner, "--tests-dir", "tests", "--no-progress", "--simple-output"]  # fmt: skip
    pristine = (work / ".pristine").read_text()
    for _ in range(MAX_RESTARTS):
        if not run_until_error(command, work, work / target.path, pristine):
            break
    with open(work / "survivors.txt", "w") as fh:
        for i in mutants(work, SURVIVED):
            diff = subprocess.run([sys.executable, "-m", "mutmut", "show", str(i)], cwd=work,
                                  capture_output=True, text=True, check=False).stdout  # fmt: skip
            fh.write(f"# mutant {i}\n{diff}\n")
    return count_results(work)


# mutmut 2.5.1 now and then fails to find a mutant's line in its own cache ("Attribute
# Mutant.line is required", or an AssertionError in cached_mutation_status) and then hangs
# instead of exiting; started again, it carries on from its cache past that mutant.
MAX_RESTARTS = 30


def run_until_error(command: list[str], work: Path, target: Path, pristine: str) -> bool:
    """Run mutmut, echoing its output; True when it tripped over its cache and was stopped
    (to go again). A killed mutmut leaves its last mutant in the file: the module is put
    back as it was before every start."""
    target.write_text(pristine)
    proc = subprocess.Popen(command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)  # fmt: skip
    assert proc.stdout is not None
    traceback: list[str] = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        if line.startswith("Traceback") or traceback:
            traceback.append(line)
        if traceback and re.match(r"^\w+(Error|Exception)\b", line):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            target.write_text(pristine)
            if any("mutmut/cache.py" in t for t in traceback):  # its cache's line lookup
                return True
            raise SystemExit(f"mutmut failed in {work}: {line.strip()}")
    proc.wait()
    return False


# mutmut's statuses: the tests failed on the mutant (ok_suspicious: slowly), hung on it
# (counted as killed), passed on it, or never ran (mutmut 2.5.1 cannot look some mutants up
# in its own cache).
KILLED = ("ok_killed", "ok_suspicious")
TIMEOUT = ("bad_timeout",)
SURVIVED = ("bad_survived", "bad_suspicious")
UNTESTED = ("untested", "skipped")


def query(work: Path, sql: str, *args) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(work / ".mutmut-cache") as db:
        return db.execute(sql, args).fetchall()


def mutants(work: Path, statuses: tuple[str, ...]) -> list[int]:
    """The ids (as `mutmut show` takes them) of the mutants in these statuses."""
    marks = ", ".join("?" * len(statuses))
    return [i for (i,) in query(work, f"select id from Mutant where status in ({marks})",
                                *statuses)]  # fmt: skip


def count_results(work: Path) -> dict[str, int]:
    """The mutants by status, from mutmut's cache (its `results` command prints the same)."""
    status = dict(query(work, "select status, count(*) from Mutant group by status"))

    def count(names: tuple[str, ...]) -> int:
        return sum(status.get(n, 0) for n in names)

    return {"total": sum(status.values()), "killed": count(KILLED), "timeout": count(TIMEOUT),
            "survived": count(SURVIVED), "untested": count(UNTESTED)}  # fmt: skip


def table(rows: dict[str, dict[str, int]]) -> str:
    lines = ["| module | mutants | tested | killed (incl. timeouts) | survived | score (killed / tested) |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for name, c in rows.items():
        killed = c["killed"] + c["timeout"]
        tested = c["total"] - c["untested"]
        score = killed / tested if tested else float("nan")
        where = TARGETS[name].path + (
            f" ({', '.join(TARGETS[name].functions)})" if TARGETS[name].functions else ""
        )
        lines.append(f"| `{where}` | {c['total']} | {tested} | {killed} | {c['survived']} | "
                     f"{score:.1%} |")  # fmt: skip
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    doc = path.read_text()
    start, end = "<!-- mutation:summary -->", "<!-- /mutation:summary -->"
    if start not in doc:
        raise SystemExit(f"{path}: no {start} marker to write between")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{text}\n{end}{tail}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=sorted(TARGETS), help="these modules only")
    ap.add_argument("--out", type=Path, default=Path("/tmp/sdsim-mutation"))
    ap.add_argument("--write", type=Path, help="put the summary table into this markdown file")
    args = ap.parse_args()
    rows = {}
    for name in args.only or TARGETS:
        rows[name] = run_module(name, TARGETS[name], args.out.resolve())
    text = table(rows) + (f"\n\n_Measured {dt.date.today()} with `python experiments/mutation.py"
                          f"{' --only ' + ' '.join(args.only) if args.only else ''}`._")  # fmt: skip
    print(text)
    if args.write:
        write_section(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
