# SPDX-License-Identifier: Apache-2.0
"""The regression's seed (ebpc_tb.flow.pytest_support): one fresh base seed per pytest session
unless EBPC_SEED is set, shown in the header and with every failure, recorded in the JUnit XML."""

from ebpc_tb.flow.pytest_support import (  # noqa: F401  (pytest hooks)
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_report_header,
    pytest_runtest_makereport,
    pytest_sessionstart,
)
