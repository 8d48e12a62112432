from __future__ import annotations

import sys

from smcc.replay import main

sys.exit(main())
