"""The application's task list: each step of the form with its status, worked out in one place.

What "done" means, step by step (the step navigation and the review page say it in words):
- project: a title and a summary are written (a title alone is "in progress");
- questions: every required question asked of this applicant is answered (a call that asks
  nothing, or only optional questions, is done: nothing is missing);
- budget: at least one budget line (a line is saved only once its category, description and
  amount are valid, so every saved line is a valid one);
- documents: every document the call requires has a file (`document_checklist(...).missing`, the
  rules engine's own list of the required documents);
- declarations: every declaration the call's rules ask for is accepted (`declaration_codes`, read
  from the call's "declarations" rule as the rules engine reads it);
- review: the application is submitted.
A step with something of it given but not all is "in progress"; with nothing given, "not started".

Reads: the application as `application_for(..., rows=DRAFT_ROWS)` gives it (budget lines,
attachments and the call's documents prefetched), the call's questions and the answers (cached
for the request: the questions step and the review page read the same), and the call's
declarations rule: a fixed number of queries whatever the application holds.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .answers import answers_by_question, form_questions, unanswered
from .models import Status
from .queries import document_checklist

STEPS = [
    ("project", _("Project")),
    ("questions", _("Questions")),
    ("budget", pgettext_lazy("application", "Budget")),
    ("documents", _("Documents")),
    ("declarations", _("Declarations")),
    ("review", _("Review and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATUS_LABELS = {
    NOT_STARTED: pgettext_lazy("step status", "Not started"),
    IN_PROGRESS: pgettext_lazy("step status", "In progress"),
    DONE: pgettext_lazy("step status", "Done"),
}


@dataclass(frozen=True)
class StepProgress:
    name: str
    label: str
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def done(self) -> bool:
        return self.status == DONE


def declaration_codes(application) -> list[str]:
    """The declarations the call's rules ask the applicant to accept, in the rule's order.

    Read from the rows the rules engine reads (the call's rules, prefetched with the facts by
    `programmes.rules.engine.fact_prefetches`): the "declarations" rule's `choice_list`.
    """
    return [code for rule in application.call.rules.all() if rule.code == "declarations" for code in rule.choice_list]


def _status(given: bool, complete: bool) -> str:
    return DONE if complete else IN_PROGRESS if given else NOT_STARTED


def application_progress(application) -> list[StepProgress]:
    """Each step of the application's form, in order, with its status (see the module's docstring)."""
    project = _status(
        bool(application.title or application.summary or application.target_markets),
        bool(application.title and application.summary),
    )
    answers = answers_by_question(application, form_questions(application.call))
    questions = _status(any(not answer.is_empty for answer in answers.values()), not unanswered(application))
    budget = _status(False, bool(application.budget_lines.all()))
    checklist = document_checklist(application)
    documents = _status(bool(application.attachments.all()), not checklist.missing)
    codes = declaration_codes(application)
    accepted = set(application.declarations or [])
    declarations = _status(bool(accepted & set(codes)), set(codes) <= accepted)
    review = DONE if application.status != Status.DRAFT else NOT_STARTED
    statuses = {
        "project": project,
        "questions": questions,
        "budget": budget,
        "documents": documents,
        "declarations": declarations,
        "review": review,
    }
    return [StepProgress(name=name, label=label, status=statuses[name]) for name, label in STEPS]
