"""The forms of the formation's pages: the candidate's answer, in the portal and in the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FormationAnswerForm(forms.Form):
    """A candidate company's answer to the invitation to join a consortium being formed."""

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("join", _("Join the consortium")), ("decline", _("Do not join"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What weighed in your decision: it helps the agency shape this and future consortia."),
    )
