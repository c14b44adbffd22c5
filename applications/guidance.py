"""The side panel of the application form: what is met, what is still to do, what the budget may get.

The rules engine (`programmes.rules.evaluate_application`) gives the verdict and the figures; this
module only sorts its results for an applicant who is filling the form in, step by step. The
verdict is the engine's, the same as at submission: nothing here changes what is eligible.

- **Still to do** (neutral): a rule not met yet that a step of the form meets (the answers, the
  budget, the documents, the declarations: the result's `part`), when that step is the current one
  or a later one. The applicant has not reached it yet, or is on it: it is guidance, not a failure.
- **Not met** (a failure): a rule about the applicant itself (its kind, members, regions, size, de
  minimis headroom: nothing in the form meets it), or one of a step before the current one. On
  the review step every step is behind, so the panel shows what the submission would refuse.
- **Warnings**: a cap that lowered a cost category or the grant, with the part that will not be
  funded (the rule passed; the money above the cap is lost).
- **The grant**: the maximum grant once eligible; before, the potential grant (what the budget
  would get if every remaining requirement were met: `Evaluation.potential_grant`), shown as soon
  as a budget line is counted.
- **Lines not counted**: the budget step's rows the form refused are left out of the evaluation
  (their stored amount, if any, is out of date) until they are corrected.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programmes.rules import evaluate_application
from programmes.rules.base import ANSWERS, BUDGET, DECLARED, DOCUMENTS

# The step of the form that meets each part of the application, and what the applicant does there.
PART_STEPS = {
    ANSWERS: ("questions", _("answer the questions")),
    BUDGET: ("budget", _("complete the budget")),
    DOCUMENTS: ("documents", _("attach the required documents")),
    DECLARED: ("declarations", _("accept the declarations")),
}
# Parts whose action says it all: the rule's message would only repeat it (a declaration's whole text).
WITHOUT_DETAIL = {DECLARED}


@dataclass
class Item:
    """One line of the panel: the rule's message, and for a step's rule the step that meets it."""

    message: str
    action: str = ""
    step_number: int | None = None
    url: str = ""


@dataclass
class Panel:
    evaluation: object
    eligible: bool
    grant: Decimal | None  # None before any budget line is counted (and not eligible)
    potential: bool  # the grant is the potential one (requirements are missing)
    failures: list[Item] = field(default_factory=list)
    to_do: list[Item] = field(default_factory=list)
    warnings: list[Item] = field(default_factory=list)
    met: list[Item] = field(default_factory=list)
    not_counted: int = 0  # budget rows refused by the form, left out until corrected

    @property
    def status(self) -> str:
        """`eligible`, `not_met` (a failure now) or `to_do` (only steps still to fill in)."""
        if self.eligible:
            return "eligible"
        return "not_met" if self.failures else "to_do"


def _step_index(part: str, steps: list[str]) -> int:
    """The index of the step that meets `part`; -1 for a rule about the applicant (no step meets it)."""
    return steps.index(PART_STEPS[part][0]) if part in PART_STEPS else -1


def rejected_rows(formset) -> list:
    """The rows of a bound budget formset that the form refused: their line's id, None for a new row."""
    if formset is None or not getattr(formset, "is_bound", False):
        return []
    return [form.instance.pk for form in formset.forms if form.errors]


def panel_for(application, *, step: str, steps: list[str], rejected=()) -> Panel:
    """The panel for `application` (read by `applications.selectors.application_for`) on `step`.

    `steps`: the form's step names, in order. `rejected`: the budget rows the form refused
    (`rejected_rows`): the saved ones are left out of the evaluation, and all are counted as
    lines not counted.
    """
    evaluation = evaluate_application(
        application, fresh=False, leave_out=frozenset(pk for pk in rejected if pk is not None)
    )
    current = steps.index(step)
    panel = Panel(
        evaluation=evaluation,
        eligible=evaluation.eligible,
        grant=None,
        potential=not evaluation.eligible,
        not_counted=len(rejected),
    )

    def item(result, *, detail=True) -> Item:
        if result.part not in PART_STEPS:
            return Item(message=result.message)
        name, action = PART_STEPS[result.part]
        return Item(
            message=result.message if detail else "",
            action=str(action),
            step_number=steps.index(name) + 1,
            url=reverse("applications:edit", args=[application.pk, name]),
        )

    for result in evaluation.results:
        if result.warning:
            panel.warnings.append(Item(message=result.warning))
        elif result.passed:
            # A funding step on no cost at all ("0.00 is within 2,500.00") says nothing yet.
            if result.part != BUDGET or evaluation.counted_lines:
                panel.met.append(Item(message=result.message))
        elif _step_index(result.part, steps) >= current:
            panel.to_do.append(item(result, detail=result.part not in WITHOUT_DETAIL))
        else:
            panel.failures.append(item(result))

    if evaluation.eligible:
        panel.grant = evaluation.max_grant
    elif evaluation.counted_lines:
        panel.grant = evaluation.potential_grant
    else:
        # No cost counted yet: the grant is for later, and entering the costs is a step to do.
        name, _action = PART_STEPS[BUDGET]
        panel.to_do.insert(
            0,
            Item(
                message="",
                action=str(_("enter the costs")),
                step_number=steps.index(name) + 1,
                url=reverse("applications:edit", args=[application.pk, name]),
            ),
        )
    return panel
