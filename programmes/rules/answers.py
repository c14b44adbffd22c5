"""Rules on the applicant's answers to the call's own questions (programmes.Question).

- `answer_min_choices`: at least N answers chosen for a question with several choices
  (`choices` = the question's code, `number` = N), e.g. at least two target markets.
- `answer_equals`: the answer to a question is one of some values (`choices` = the question's
  code, then the values: choice codes, yes or no, or the exact text), e.g. exports=yes.

The engine reads the answers only for a call that has such a rule (`Facts.answers`, by code).
A question hidden by its condition has no stored answer (applications.answers clears it).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programmes.models import Question

from .base import ANSWERS, EligibilityRule, Facts


def _question(row):
    code = row.choice_list[0] if row.choice_list else ""
    if not row.call_id or not code:
        return None
    return Question.objects.filter(call_id=row.call_id, code=code).first()


def _label(row) -> str:
    question = _question(row)
    return str(question.label) if question is not None else (row.choice_list[0] if row.choice_list else "")


class AnswerMinChoicesRule(EligibilityRule):
    code = "answer_min_choices"
    label = _("At least N answers chosen for a question")
    part = ANSWERS
    required = ("choices", "number")

    def extra_validation(self, row):
        if len(row.choice_list) != 1:
            return {"choices": _("Write the code of one question of the call, e.g. markets.")}
        question = _question(row)
        if question is None:
            return {"choices": _("The call has no question with this code.")}
        if question.kind not in Question.SELECTION_KINDS:
            return {"choices": _("This question is not answered with several choices.")}
        return {}

    def describe(self, row):
        return ngettext(
            "At least %(n)s answer chosen for “%(question)s”.",
            "At least %(n)s answers chosen for “%(question)s”.",
            row.number or 0,
        ) % {"n": row.number, "question": _label(row)}

    def check(self, row, facts: Facts):
        code = row.choice_list[0]
        question, answer = (facts.answers or {}).get(code, (None, None))
        if code in (facts.not_asked or {}):
            return self.result(True, not_asked(facts.not_asked[code]))
        chosen = len(answer.codes) if answer is not None else 0
        label = question.label if question is not None else code
        message = ngettext(
            "%(count)s answer chosen for “%(question)s”; at least %(n)s are required.",
            "%(count)s answers chosen for “%(question)s”; at least %(n)s are required.",
            chosen,
        ) % {"count": chosen, "question": label, "n": row.number}
        return self.result(chosen >= row.number, message)


def not_asked(question) -> str:
    if not getattr(question, "can_ask", True):
        return _("“%(question)s” offers no choices yet, so it is not asked: the rule does not apply.") % {
            "question": question.label
        }
    return _(
        "“%(question)s” is not asked of this applicant (its condition does not hold): the rule does not apply."
    ) % {"question": question.label}


class AnswerEqualsRule(EligibilityRule):
    code = "answer_equals"
    label = _("The answer to a question is one of some values")
    part = ANSWERS
    required = ("choices",)

    def extra_validation(self, row):
        if len(row.choice_list) < 2:
            return {"choices": _("Write the question's code, then the answers accepted, e.g. exports,yes.")}
        if _question(row) is None:
            return {"choices": _("The call has no question with this code.")}
        return {}

    def describe(self, row):
        return _("The answer to “%(question)s” is one of: %(values)s.") % {
            "question": _label(row),
            "values": ", ".join(row.choice_list[1:]),
        }

    def check(self, row, facts: Facts):
        code, *values = row.choice_list
        question, answer = (facts.answers or {}).get(code, (None, None))
        if code in (facts.not_asked or {}):
            return self.result(True, not_asked(facts.not_asked[code]))
        given = question.answer_codes(answer) if question is not None else set()
        label = question.label if question is not None else code
        passed = bool(given & set(values))
        if passed:
            message = _("The answer to “%(question)s” is %(answer)s.") % {
                "question": label,
                "answer": ", ".join(sorted(given)),
            }
        else:
            message = _("The answer to “%(question)s” must be one of: %(values)s.") % {
                "question": label,
                "values": ", ".join(values),
            }
        return self.result(passed, message)


ANSWER_RULES = [AnswerMinChoicesRule(), AnswerEqualsRule()]
