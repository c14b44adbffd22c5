"""Reports built in the background: the CPR Art. 49 list of operations, ranking lists, annual reports.

`report_request` writes a Report row and enqueues the `build_report` task once the
transaction commits; the task calls `report_build`, which runs the builder for the report's
kind and format, stores the file in private storage and records the outcome.
"""

from .services import report_agency, report_build, report_parameters_clean, report_request, report_retry

__all__ = ["report_agency", "report_build", "report_parameters_clean", "report_request", "report_retry"]
