"""The PDF receipt of a submission: what was received, when (server time), and its fingerprint.

The time is the applicant's legal proof of submitting in time, so it is written
in the agency's zone, the zone the call's deadline is stated in, whatever zone
is active where the receipt is rendered (a request, a worker, a command).

The receipt is built from what was fixed at submission, never from the live rows:
the content the fingerprint was computed over (`submitted_content`, with the
reference and the server time), the fingerprint, the evaluation's figures stored
on the application and the language the applicant submitted in. So it is the
same whenever it is built: by the worker after the submission commits
(`build_receipt`), on the first download if the worker has not yet, or again.
Building it writes the submission e-mail with the receipt attached, once (its
de-duplication key), rendered there, not in the applicant's request.
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.handover import hand_over
from portal.notifications import notify

from .models import Application, Status, StatusChange

logger = logging.getLogger(__name__)

# A receipt still missing this long after its submission was not built by its task (a broker
# that was down, retries used up): the sweep hands it over again.
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 500


def receipt_render(*, application, evaluation) -> bytes:
    """The PDF of `application.submitted_content` (set by the submission), with `evaluation`'s figures."""
    from weasyprint import HTML

    content = application.submitted_content
    zone = application.call.programme.agency.tzinfo
    facts = {
        "agency": content["call"].get("agency", application.call.programme.agency.name),
        "call_title": content["call"]["title"],
        "reference": content["reference"],
        "applicant": content["applicant"]["name"],
        "title": content["title"],
        "submitted_at": datetime.fromisoformat(content["submitted_at"]),
        "eligible_costs": evaluation.eligible_costs,
        "max_grant": evaluation.max_grant,
        "content_hash": application.content_hash,
    }
    lines = [
        {
            "category": line.get("category_name", line["category"]),
            "description": line["description"],
            "amount": Decimal(line["amount"]),
        }
        for line in content["budget_lines"]
    ]
    # The template writes its moments with `in_zone` and the agency's zone; the
    # override only keeps any other date on the page in the same zone.
    language = application.receipt_language or translation.get_language() or settings.LANGUAGE_CODE
    with timezone.override(zone), translation.override(language):
        html = render_to_string(
            "applications/receipt.html",
            {
                "receipt": facts,
                "zone": zone,
                "lines": lines,
                "attachments": content["attachments"],
                "answers": content.get("answers", []),
            },
        )
    return HTML(string=html).write_pdf()


def receipt_build(*, application_id: int) -> bool:
    """Build the receipt of a submitted application if it has none, and write its e-mail.

    Idempotent: the application row is locked, so the worker and a download at the
    same moment build it once; a second call finds it built and does nothing. The
    e-mail's key makes it one e-mail even if the receipt was built before without it.
    Returns whether it built the receipt.
    """
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call__programme__agency")
            .get(pk=application_id)
        )
        if application.receipt or application.submitted_content is None:
            return False
        pdf = receipt_render(application=application, evaluation=application)
        application.receipt.save(f"receipt-{application.reference}.pdf", ContentFile(pdf), save=False)
        application.save(update_fields=["receipt"])
        submission = (
            StatusChange.objects.filter(application=application, to_status=Status.SUBMITTED)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")
            .first()
        )
        if submission is not None and submission.changed_by is not None:
            notify_submitted(application, submission.changed_by)
    return True


def notify_submitted(application, by) -> None:
    """The submission e-mail, with the receipt attached, in the applicant's language; once."""
    notify(
        user=by,
        template="applications/email/submitted",
        context={"application": application},
        key=f"submitted:{application.pk}:{by.pk}",
        attachments=[(f"receipt-{application.reference}.pdf", application.receipt.name, "application/pdf")],
    )


def receipts_sweep(*, now=None) -> int:
    """Hand over again the receipts (and so their e-mails) still missing well after their submission."""
    now = now or timezone.now()
    missing = list(
        Application.objects.filter(
            submitted_at__lt=now - SWEEP_AFTER, submitted_content__isnull=False, receipt=""
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for application_id in missing:
        if not hand_over(build_receipt, application_id):
            break
    return len(missing)


# Late acknowledgement, handed out again if its worker dies: the row lock and the
# receipt's presence make a second run harmless. Retried with growing delays; what
# still fails is taken again by the sweep (sweep_receipts, every minute).
@shared_task(
    name="applications.tasks.build_receipt",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def build_receipt(application_id: int) -> bool:
    return receipt_build(application_id=application_id)


@shared_task(name="applications.tasks.sweep_receipts", soft_time_limit=50, time_limit=60)
def sweep_receipts() -> int:
    return receipts_sweep()
