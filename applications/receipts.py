"""The PDF receipt of a submission: what was received, when (server time), and its fingerprint."""

from django.template.loader import render_to_string
from django.utils import timezone


def receipt_render(*, application, evaluation) -> bytes:
    from weasyprint import HTML

    zone = application.call.programme.agency.tzinfo
    html = render_to_string(
        "applications/receipt.html",
        {
            "application": application,
            "evaluation": evaluation,
            "submitted_local": timezone.localtime(application.submitted_at, zone),
            "lines": list(application.budget_lines.select_related("category").order_by("position", "pk")),
            "attachments": list(application.attachments.order_by("uploaded_at", "pk")),
        },
    )
    return HTML(string=html).write_pdf()
