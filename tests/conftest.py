# SPDX-License-Identifier: Apache-2.0
"""Repository-level tests. The fresh-machine setup test builds a whole environment (minutes,
network-bound): it runs with FULL=1 (EBPC_FULL=1) only."""

import os

collect_ignore = [] if os.environ.get("EBPC_FULL") == "1" else ["test_fresh_setup.py"]
