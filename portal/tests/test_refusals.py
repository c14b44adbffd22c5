"""Refusals: one base exception for every business "no", shown the same way everywhere."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal.refusals import Refused, show_refusal

PROJECT_APPS = ["portal", "consortia", "programmes", "applications"]

# Exceptions defined in the project that are not refusals a user reads.
NOT_REFUSALS = {
    "applications.attachments._Damaged",  # a damaged file inside the type sniffer, never raised out of it
}


class ExpenseForm(forms.Form):
    description = forms.CharField()
    amount = forms.DecimalField()


def sent_form():
    form = ExpenseForm({"description": "Stand at the Anuga fair", "amount": "1500"})
    assert form.is_valid()
    return form


def request_with_messages(rf):
    request = rf.post("/")
    request._messages = CookieStorage(request)
    return request


def project_modules():
    """Every module of the project's apps, except tests, migrations and settings."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            parts = info.name.split(".")
            if {"tests", "migrations"} & set(parts) or info.name.startswith("portal.settings"):
                continue
            yield importlib.import_module(info.name)


def project_exceptions():
    for module in project_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, BaseException):
                yield f"{cls.__module__}.{cls.__qualname__}", cls


def test_a_refusal_carries_its_message_and_the_field_it_is_about():
    refusal = Refused("The amount must be above zero.", field="amount", code="not_positive")

    assert str(refusal) == "The amount must be above zero."
    assert refusal.message == "The amount must be above zero."
    assert refusal.field == "amount"
    assert refusal.code == "not_positive"
    assert Refused("The call is closed.").field is None


def test_a_translatable_refusal_is_read_in_the_language_of_whoever_reads_it():
    refusal = Refused(gettext_lazy("This field is required."))

    with translation.override("es"):
        assert str(refusal) == "Este campo es obligatorio."
    with translation.override("en"):
        assert str(refusal) == "This field is required."


def test_the_helper_puts_a_refusal_next_to_its_field_and_keeps_the_other_input():
    form = sent_form()

    show_refusal(form, Refused("The amount is too large to be a real expense: check it.", field="amount"))

    assert form.errors == {"amount": ["The amount is too large to be a real expense: check it."]}
    assert form.non_field_errors() == []
    html = form.as_div()
    assert 'value="Stand at the Anuga fair"' in html
    assert 'value="1500"' in html


def test_a_refusal_about_a_field_the_form_does_not_have_is_shown_for_the_whole_form():
    form = sent_form()

    show_refusal(form, Refused("The call closed yesterday.", field="deadline"))
    show_refusal(form, Refused("The grant was already accepted."))

    assert form.non_field_errors() == ["The call closed yesterday.", "The grant was already accepted."]
    assert form["description"].value() == "Stand at the Anuga fair"


def test_on_a_request_a_refusal_becomes_an_error_message(rf):
    request = request_with_messages(rf)

    show_refusal(request, Refused("The grant was already accepted.", field="amount"))
    show_refusal(request, Refused("The final report has not been sent yet."), about="EXP-2026-0007")

    shown = [(message.level_tag, str(message)) for message in get_messages(request)]
    assert shown == [
        ("error", "The grant was already accepted."),
        ("error", "EXP-2026-0007: The final report has not been sent yet."),
    ]


def test_every_exception_the_project_defines_is_a_refusal():
    """A refusal added tomorrow without the common base fails here, so every page can show it."""
    found = dict(project_exceptions())
    assert "applications.decisions.DecisionRefused" in found  # the walk reaches the apps' modules

    not_refusals = sorted(
        name for name, cls in found.items() if name not in NOT_REFUSALS and not issubclass(cls, Refused)
    )

    assert not_refusals == [], f"Make these subclass portal.refusals.Refused: {not_refusals}"
    assert set(found) >= NOT_REFUSALS, "an entry of NOT_REFUSALS no longer exists: remove it"


@pytest.mark.parametrize(
    "name",
    [
        "applications.services.SubmissionRefused",
        "applications.decisions.DecisionRefused",
        "applications.post_award.PostAwardRefused",
        "applications.beneficiary_reports.ReportRefused",
        "applications.reviews.ReviewRefused",
        "applications.retention.RetentionRefused",
        "applications.workflow.IllegalTransition",
        "applications.pimex.services.PimexRefused",
        "programmes.services.AidSplitRefused",
        "consortia.follow_up.Refused",
        "programmes.formation.services.Refused",
        "consortia.services.NotAllowed",
    ],
)
def test_the_refusals_keep_their_names_where_callers_import_them(name):
    module, _, attribute = name.rpartition(".")

    assert issubclass(getattr(importlib.import_module(module), attribute), Refused)
