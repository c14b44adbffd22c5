"""Public open data pages: no login; they only read, outside any transaction.

A streamed response is read after the view has returned, when the request's transaction
(ATOMIC_REQUESTS) would already be over: these views read in autocommit (`non_atomic_requests`),
in which PostgreSQL's server-side cursor is declared WITH HOLD and lives as long as the stream.
"""

from django.db import transaction
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications.reports.operations import headers, operation_rows

from . import documents, selectors
from .forms import OperationFilterForm

FORMATS = ("csv", "json")
# Public data: any web page may read it from a browser (no cookies are involved).
OPEN_HEADERS = {"Access-Control-Allow-Origin": "*"}


@require_safe
@transaction.non_atomic_requests
def operations(request):
    """The list of operations (CPR Art. 49), filtered, as a page or as a CSV or JSON download."""
    form = OperationFilterForm(request.GET, choices=selectors.operation_filter_choices())
    form.is_valid()
    requested_format = request.GET.get("format", "")
    generated_at = timezone.now()
    if requested_format in FORMATS and not form.errors:
        queryset = selectors.published_operations(**form.filters())
        if requested_format == "csv":
            return _csv_response(queryset, generated_at)
        return _json_response(queryset, generated_at, form.applied())
    if requested_format == "json":
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400, headers=OPEN_HEADERS)

    format_error = ""
    if requested_format and requested_format not in FORMATS:
        format_error = _("“%(value)s” is not a download format: choose CSV or JSON.") % {"value": requested_format}
    page, rows = selectors.operations_page(
        selectors.published_operations(**form.filters()), number=request.GET.get("page")
    )
    return render(
        request,
        "programmes/opendata/operations.html",
        {
            "form": form,
            "headers": headers(),
            "page": page,
            "rows": rows,
            "generated_at": generated_at,
            "zone_name": form.zone_name() or "UTC",
            "valid_query": form.valid_query(),
            "format_error": format_error,
        },
        # A download asked with a bad filter gets the page that says what is wrong.
        status=400 if requested_format else 200,
    )


def _attachment(generated_at, extension: str) -> dict:
    filename = f"operations-{generated_at.date().isoformat()}.{extension}"
    return {**OPEN_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}


def _csv_response(queryset, generated_at):
    # The headers are translated now, in the request's language, not when the stream is sent.
    lines = documents.csv_lines(headers(), operation_rows(queryset))
    return StreamingHttpResponse(
        lines, content_type="text/csv; charset=utf-8", headers=_attachment(generated_at, "csv")
    )


def _json_response(queryset, generated_at, filters):
    chunks = documents.operations_json_chunks(
        selectors.operation_records(queryset),
        generated_at=generated_at,
        filters=filters,
    )
    return StreamingHttpResponse(chunks, content_type="application/json", headers=_attachment(generated_at, "json"))


@require_safe
@transaction.non_atomic_requests
def open_calls_feed(request):
    """The published calls open now, as JSON, with absolute links to their pages."""
    calls = selectors.open_calls()
    return JsonResponse(
        {
            "generated_at": timezone.now().isoformat(),
            "count": len(calls),
            "calls": [
                documents.call_json(call, url=request.build_absolute_uri(call.get_absolute_url())) for call in calls
            ],
        },
        json_dumps_params={"ensure_ascii": False},
        headers=OPEN_HEADERS,
    )
