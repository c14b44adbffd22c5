"""Nothing of an operation is deleted before its retention date (CPR 2021/1060 Art. 82).

An operation is an application that was submitted. Until 5 years from 31 December of the year
of its last payment (`Application.retention_until`), it cannot be deleted, nor can its budget
lines, documents, status history, reports, expenses or payments: whoever tries (the admin, a
script, a cascade) gets `RetentionRefused`. A draft never submitted is not an operation.

The rule itself (`deletable`, `check_deletable`) is the application's, in its model module; this
module applies it to everything kept. The check runs on Django's pre_delete signal, which
queryset deletes and cascades also send.
"""

from django.db.models.signals import pre_delete

from .models import (
    Application,
    Attachment,
    BudgetLine,
    Expense,
    Payment,
    PimexAttendance,
    PimexSurvey,
    PimexTutorial,
    ProjectReport,
    RetentionRefused,
    StatusChange,
    check_deletable,
    deletable,
)

__all__ = ["RetentionRefused", "application_of", "check_deletable", "deletable", "protect"]


def application_of(instance):
    """The operation a kept object belongs to."""
    if isinstance(instance, Application):
        return instance
    if isinstance(instance, Expense):
        return instance.report.application
    return instance.application


def _still_being_written(instance) -> bool:
    """An expense of a report not yet sent, or the invoice of none: the beneficiary may still remove it."""
    if isinstance(instance, Expense):
        return instance.report.status == ProjectReport.Status.DUE
    if isinstance(instance, Attachment) and instance.kind == Attachment.Kind.INVOICE:
        return not Expense.objects.filter(invoice=instance).exclude(report__status=ProjectReport.Status.DUE).exists()
    return False


def refuse_before_retention(sender, instance, **kwargs):
    if _still_being_written(instance):
        return
    check_deletable(application_of(instance))


def protect() -> None:
    # PIMEX attendance, tutorials and survey are the evidence of the coaching the grant paid for.
    kept = (Application, BudgetLine, Attachment, StatusChange, ProjectReport, Expense, Payment)
    for model in (*kept, PimexAttendance, PimexTutorial, PimexSurvey):
        pre_delete.connect(
            refuse_before_retention, sender=model, dispatch_uid=f"retention-{model._meta.label_lower}", weak=False
        )
