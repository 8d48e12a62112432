"""smcc_listen under ``dag.test()`` on the test services: the interval the e2e-style tests run,
and how they run it. The ``replay`` and ``listen_env`` fixtures live in conftest.py."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from smcc import settings

END = datetime.fromisoformat("2026-12-01T09:15:00+07:00")
START = END - timedelta(minutes=15)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def run_listen(interval_end: datetime):
    """A manual run at ``interval_end`` covers the 15 minutes that just ended."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(settings.REPO_ROOT / "dags"))
    assert bag.import_errors == {}
    run = bag.dags["smcc_listen"].test(logical_date=interval_end)
    assert (run.data_interval_start, run.data_interval_end) == (START, END)
    return run
