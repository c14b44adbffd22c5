"""The PDF receipt of a submission: what was received, when (server time), and its fingerprint.

The time is the applicant's legal proof of submitting in time, so it is written
in the agency's zone, the zone the call's deadline is stated in, whatever zone
is active where the receipt is rendered (a request, a worker, a command).
"""

from django.template.loader import render_to_string
from django.utils import timezone


def receipt_render(*, application, evaluation) -> bytes:
    from weasyprint import HTML

    zone = application.call.programme.agency.tzinfo
    # The template writes its moments with `in_zone` and the agency's zone; the
    # override only keeps any other date on the page in the same zone.
    with timezone.override(zone):
        html = render_to_string(
            "applications/receipt.html",
            {
                "application": application,
                "evaluation": evaluation,
                "zone": zone,
                "lines": list(application.budget_lines.select_related("category").order_by("position", "pk")),
                "attachments": list(application.attachments.order_by("uploaded_at", "pk")),
            },
        )
    return HTML(string=html).write_pdf()
