"""Nothing of an operation is deleted before its retention date (CPR 2021/1060 Art. 82).

An operation is an application that was submitted. Until 5 years from 31 December of the year
of its last payment (`Application.retention_until`), it cannot be deleted, nor can its budget
lines, documents, status history, reports, expenses or payments: whoever tries (the admin, a
script, a cascade) gets `RetentionRefused`. A draft never submitted is not an operation. The
check runs on Django's pre_delete signal, which queryset deletes and cascades also send.
"""

from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.refusals import Refused


class RetentionRefused(Refused):
    """The object belongs to an operation whose documents must still be kept."""


def application_of(instance):
    """The operation a kept object belongs to."""
    from .models import Application, Expense

    if isinstance(instance, Application):
        return instance
    if isinstance(instance, Expense):
        return instance.report.application
    return instance.application


def _still_being_written(instance) -> bool:
    """An expense of a report not yet sent, or the invoice of none: the beneficiary may still remove it."""
    from .models import Attachment, Expense, ProjectReport

    if isinstance(instance, Expense):
        return instance.report.status == ProjectReport.Status.DUE
    if isinstance(instance, Attachment) and instance.kind == Attachment.Kind.INVOICE:
        return not Expense.objects.filter(invoice=instance).exclude(report__status=ProjectReport.Status.DUE).exists()
    return False


def deletable(application) -> bool:
    """Whether an application may be deleted today: never submitted (a draft, or one withdrawn as a draft),
    or past its retention date."""
    if application.submitted_at is None:
        return True
    return application.retention_until is not None and application.retention_until < timezone.localdate()


def refuse_before_retention(sender, instance, **kwargs):
    if _still_being_written(instance):
        return
    check_deletable(application_of(instance))


def check_deletable(application) -> None:
    """Raise RetentionRefused unless the application may be deleted today."""
    if deletable(application):
        return
    if application.retention_until is None:
        raise RetentionRefused(
            _("%(operation)s is an operation: its documents are kept until 5 years after its last payment.")
            % {"operation": application}
        )
    raise RetentionRefused(
        _("%(operation)s must be kept until %(date)s (5 years from the end of the year of its last payment).")
        % {"operation": application, "date": application.retention_until.isoformat()}
    )


def protect() -> None:
    from applications.models import PimexAttendance, PimexSurvey, PimexTutorial

    from .models import Application, Attachment, BudgetLine, Expense, Payment, ProjectReport, StatusChange

    # PIMEX attendance, tutorials and survey are the evidence of the coaching the grant paid for.
    kept = (Application, BudgetLine, Attachment, StatusChange, ProjectReport, Expense, Payment)
    for model in (*kept, PimexAttendance, PimexTutorial, PimexSurvey):
        pre_delete.connect(
            refuse_before_retention, sender=model, dispatch_uid=f"retention-{model._meta.label_lower}", weak=False
        )
