"""The managers' dashboard: figures of the year beside the previous year's, tables as CSV and JSON, reports.

Only staff admitted to the agency administration (with its second factor) see it, and only
their agency's figures (superusers: every agency, or the one they choose).
"""

import csv
import json
from decimal import Decimal
from io import StringIO

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.charts import bars
from applications.exports import neutralise
from applications.reports import is_building, is_retryable, report_agency, report_parameters_clean
from applications.reports import report_request as request_report
from applications.reports import report_retry as report_retry_service
from consortia.models import SmeSize
from portal.notifications import outbox_figures
from portal.refusals import Refused, show_refusal
from portal.translated import Texts
from programmes.models import Report

from . import selectors
from .cache import cached_figures
from .forms import DashboardFilterForm


def _admitted(view):
    """Staff who passed the administration's checks (second factor included); others never see figures."""

    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_staff:
            raise PermissionDenied
        if not admin.site.has_permission(request):
            # Staff without the second factor yet: through the administration's login, back here.
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not user.is_superuser and user.agency_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _own_reports(user):
    """The reports the panel shows and retries: the user's own, in their agency (superusers: their own)."""
    reports = Report.objects.filter(requested_by=user)
    if not user.is_superuser:
        reports = reports.filter(agency_id=user.agency_id)
    return reports


def _recent_reports(user) -> dict:
    """The user's five latest reports, and whether one is still being built (the panel then refreshes).

    A report whose build stopped (its heartbeat is stale) is not being built: the panel stops
    refreshing and offers to retry it, as for a failed one.
    """
    now = timezone.now()
    reports = list(_own_reports(user).order_by("-created_at", "-pk")[:5])
    for report in reports:
        report.retryable = is_retryable(report, now)
        report.stopped = report.retryable and report.status != Report.Status.FAILED
    building = any(is_building(report, now) for report in reports)
    return {"reports": reports, "reports_in_progress": building}


@transaction.non_atomic_requests
@_admitted
def dashboard(request):
    form = DashboardFilterForm(request.GET, user=request.user)
    form.is_valid()
    scope = form.scope()
    zone = form.zone()
    # The views most opened are rebuilt by the worker after each write: meanwhile, the figures they had.
    current, current_as_of = cached_figures(scope, zone, stale_ok=True)
    previous_scope = scope.previous()
    previous, previous_as_of = cached_figures(previous_scope, zone, stale_ok=True) if previous_scope else (None, None)
    as_of = min((moment for moment in (current_as_of, previous_as_of) if moment), default=None)
    query = request.GET.urlencode() or f"year={scope.year or ''}"
    context = {
        "form": form,
        "scope": scope,
        "current": current,
        "previous": previous,
        "query": query,
        "charts": _charts(current),
        "size_labels": SmeSize.labels,
        **_recent_reports(request.user),
        # The agency's zone (the chosen agency's, for a superuser); else the current one, named on the page.
        "zone": zone,
        "generated_at": timezone.now(),
        # Figures shown while the worker rebuilds them: the time they were computed at, in the zone.
        "figures_as_of": timezone.localtime(as_of, zone).strftime("%H:%M") if as_of else None,
        # E-mails that failed or may not have arrived: told here too, not only in the outbox (one query).
        "outbox": outbox_figures(),
    }
    return render(request, "programmes/dashboard/index.html", context)


def _charts(data: dict) -> dict:
    return {
        "budget": bars(
            [(r["call"], r["committed"]) for r in data["budget"]], total=[r["budget"] for r in data["budget"]]
        ),
        "envelopes": _envelope_chart(data),
        "pipeline": bars([(r["label"], r["count"]) for r in data["pipeline"]["by_status"] if r["count"]]),
        "stages": bars([(r["label"], r["count"]) for r in data["consortia"]["by_stage"]]),
        **_stage_charts(data),
        "sectors": bars([(r["label"], r["count"]) for r in data["consortia"]["by_sector"]]),
        "categories": bars([(r["category"], r["amount"]) for r in data["categories"]]),
        "rco01": bars([(label, data["indicators"]["rows"][0][size]) for size, label in SmeSize.choices]),
    }


def _envelope_chart(data: dict) -> dict:
    # Committed of each line of the programme-year budgets, against the line's budget.
    rows = data["envelopes"]
    labels = [f"{r['programme']} {r['year']}: {r['line']}" for r in rows]
    items = [(label, r["committed"]) for label, r in zip(labels, rows, strict=True)]
    return bars(items, total=[r["budget"] for r in rows])


def _stage_charts(data: dict) -> dict:
    """Companies by the stage of their consortium's grant, and the actions reported by type (seed 000's figures)."""
    return {
        "company_stages": bars([(r["label"], r["count"]) for r in data["consortia"]["companies_by_stage"]]),
        "action_types": bars([(r["label"], r["count"]) for r in data["outcomes"]["action_types"]]),
    }


def _cell(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Texts):  # an agency's text, kept in every language: the reader's
        return str(value)
    return value


@transaction.non_atomic_requests
@_admitted
def table(request, name, format):
    """One table of the dashboard, with the same filters, as CSV or JSON."""
    form = DashboardFilterForm(request.GET, user=request.user)
    form.is_valid()
    scope = form.scope()
    zone = form.zone()
    data, _stale = cached_figures(scope, zone)  # a download is never of stale figures
    tables = selectors.tables(data)
    if name not in tables or format not in ("csv", "json"):
        raise Http404
    title, columns, rows = tables[name]
    stem = f"{name}-{scope.year or 'all'}"
    if format == "json":
        payload = {
            "table": name,
            "title": str(title),
            "filters": {
                "agency": scope.agency_id,
                "programme": scope.programme_id,
                "call": scope.call_id,
                "year": scope.year,
            },
            "generated_at": timezone.now().isoformat(),
            "rows": [dict(zip(columns, [_cell(v) for v in row], strict=True)) for row in rows],
        }
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8"
        )
    else:
        buffer = StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            cells = [_cell(value) for value in row]
            writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in cells])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{format}"'
    return response


REPORT_CHOICES = {
    "annual": (Report.Kind.ANNUAL_PROGRAMME, Report.Format.PDF),
    "operations_xlsx": (Report.Kind.OPERATIONS_LIST, Report.Format.XLSX),
    "operations_csv": (Report.Kind.OPERATIONS_LIST, Report.Format.CSV),
    "ranking_pdf": (Report.Kind.RANKING_LIST, Report.Format.PDF),
    "ranking_xlsx": (Report.Kind.RANKING_LIST, Report.Format.XLSX),
}


@require_POST
@_admitted
def report_request(request):
    """Request a report for the dashboard's filters: it is built in the background and listed on the dashboard."""

    if not request.user.has_perm("programmes.add_report"):
        raise PermissionDenied
    form = DashboardFilterForm(request.POST, user=request.user)
    form.is_valid()
    scope = form.scope()
    back = reverse("programmes:dashboard") + "?" + request.POST.get("query", "")
    if request.POST.get("report") not in REPORT_CHOICES:
        messages.error(request, _("Choose a report."))
        return redirect(back)
    kind, format = REPORT_CHOICES[request.POST["report"]]
    parameters = {"year": scope.year, "programme_id": scope.programme_id, "call_id": scope.call_id}
    parameters = {key: value for key, value in parameters.items() if value is not None}
    try:
        cleaned = report_parameters_clean(
            kind=kind,
            format=format,
            parameters=parameters,
            agency_id=None if request.user.is_superuser else request.user.agency_id,
        )
    except ValidationError as error:
        messages.error(request, _("Choose the filters this report needs: %(why)s") % {"why": "; ".join(error.messages)})
        return redirect(back)
    agency = report_agency(request.user, cleaned, agency_id=scope.agency_id)
    with transaction.atomic():
        report = request_report(kind=kind, format=format, parameters=cleaned, by=request.user, agency=agency)
    messages.success(request, _("%(report)s requested: it is being built.") % {"report": report.get_kind_display()})
    return redirect(back)


@transaction.non_atomic_requests
@_admitted
def reports_panel(request):
    """The user's recent reports with their progress (refreshed by the page while one is being built)."""
    return render(request, "programmes/dashboard/_reports.html", _recent_reports(request.user))


@require_POST
@_admitted
def report_retry(request, pk):
    """Queue again one of the user's reports that failed or stopped; the worker builds it."""
    if not request.user.has_perm("programmes.add_report"):
        raise PermissionDenied
    report = _own_reports(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    try:
        with transaction.atomic():
            report = report_retry_service(report)
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("%(report)s queued again.") % {"report": report.get_kind_display()})
    return redirect(reverse("programmes:dashboard") + "#reports-title")
