from __future__ import annotations

import os
import subprocess
import sys


def test_importing_the_package_does_not_import_great_expectations() -> None:
    code = "import sys, smcc.gates; print('great_expectations' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"
