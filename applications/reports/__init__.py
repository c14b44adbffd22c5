"""Reports built in the background: the CPR Art. 49 list of operations, ranking lists, annual reports.

`report_request` writes a Report row and enqueues the `build_report` task once the
transaction commits; the task calls `report_build`, which runs the builder for the report's
kind and format, stores the file in private storage and records the outcome. A build keeps a
heartbeat; `reports_watch` (beat, every minute) fails a build whose worker was lost and sends
again a report no worker picked up; `report_retry` queues a failed or stopped one again
(`stale` holds the rule of when a report has stopped, `reports_stuck` counts them).
"""

from .selectors import reports_stuck
from .services import (
    report_agency,
    report_build,
    report_parameters_clean,
    report_request,
    report_retry,
    reports_watch,
)
from .stale import is_building, is_retryable, is_stale

__all__ = [
    "is_building",
    "is_retryable",
    "is_stale",
    "report_agency",
    "report_build",
    "report_parameters_clean",
    "report_request",
    "report_retry",
    "reports_stuck",
    "reports_watch",
]
