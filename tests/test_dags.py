"""Guard tests over every DAG file, in the spirit of Airflow's own test_example_dags.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from smcc import settings

DAG_FILES = sorted((settings.REPO_ROOT / "dags").glob("*.py"))

# Run in a fresh interpreter per file: parse time includes the file's own imports, and a DB
# query or connection lookup at parse time (which would run on every scheduler loop) fails.
_PROBE = textwrap.dedent("""
    import json, sys, time
    import psycopg2, socket
    def forbidden(*a, **k):
        raise AssertionError("DB or network access at DAG parse time")
    psycopg2.connect = forbidden
    socket.create_connection = forbidden
    from airflow.sdk import BaseHook
    BaseHook.get_connection = classmethod(lambda cls, *a, **k: forbidden())
    from airflow.dag_processing.dagbag import DagBag
    import airflow.providers.smtp.notifications.smtp  # shared by every DAG, not per file
    start = time.perf_counter()
    bag = DagBag(sys.argv[1])
    elapsed = time.perf_counter() - start
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "tags": sorted(dag.tags or []),
            "doc_md": bool(dag.doc_md and dag.doc_md.strip()),
            # A watcher (one_failed) only turns the run red: retrying it cannot help.
            "retries": {t.task_id: t.retries for t in dag.tasks
                        if getattr(t.trigger_rule, "value", t.trigger_rule) != "one_failed"},
            "timetable": type(dag.timetable).__name__,
        }
    print(json.dumps({"errors": {k: str(v) for k, v in bag.import_errors.items()},
                      "seconds": elapsed, "dags": dags}))
""")


@pytest.fixture(scope="module")
def parsed(airflow_home: Path) -> dict[Path, dict]:
    import json

    results = {}
    for path in DAG_FILES:
        out = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True,
                             text=True, timeout=120, check=False)
        assert out.returncode == 0, out.stderr[-3000:]
        results[path] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


def test_there_are_dags() -> None:
    assert DAG_FILES, "no DAG files found"


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_cleanly_and_fast(parsed: dict[Path, dict], path: Path) -> None:
    result = parsed[path]
    assert result["errors"] == {}
    assert result["dags"], f"{path.name} defines no DAG"
    assert result["seconds"] < 1.0, f"{path.name} took {result['seconds']:.2f}s to parse"


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dags_are_documented_tagged_and_retried(parsed: dict[Path, dict], path: Path) -> None:
    for dag_id, dag in parsed[path]["dags"].items():
        assert "smcc" in dag["tags"], f"{dag_id}: tag it 'smcc' so engineers can filter"
        assert dag["doc_md"], f"{dag_id}: doc_md must explain the DAG in the UI"
        low = {task: n for task, n in dag["retries"].items() if n < 2}
        assert not low, f"{dag_id}: tasks with fewer than 2 retries: {low}"
