"""Refusals: the one exception a business rule raises when it says no.

Every refusal in the project subclasses `Refused`: a sentence for the user (`message`), and,
when the refusal is about one input, the name of the form field it is about (`field`); a
refusal of a model's validation may name several (`errors`: field name -> messages). A
service raises it; a view or an admin page catches `Refused` (or the app's own subclass) and
shows it with `show_refusal`, so every refusal is shown the same way: next to its field on the
form that was sent, the rest of the input kept, or as an error message when there is no form.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.utils.translation import gettext, gettext_lazy


class Refused(Exception):
    """The step is refused; `message` says why, in words for the user.

    `field` names the form field the refusal is about (None: the whole step), so the page shows
    the message next to that field. `code` is a short name of the reason, for callers and tests
    that tell reasons apart. Subclasses may set `default_message` for a refusal raised bare.
    """

    default_message = gettext_lazy("This cannot be done.")

    def __init__(self, message=None, field: str | None = None, code: str | None = None, *, errors=None):
        self.message = self.default_message if message is None else message
        self.field = field
        self.code = code
        # Messages by the field they are about, when a refusal names several (a model's validation).
        self.errors = errors if errors is not None else ({field: [self.message]} if field else {})
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def show_refusal(target, refusal: Refused, *, about=None) -> None:
    """Show a refusal to the user: on a form (a `Form` or `ModelForm`) or on a request.

    On a form, the message goes next to the refusal's field when the form has that field, and
    among the form's general errors otherwise; the form keeps what the user typed. On a request
    (a page with no form to show again, an admin action), it becomes an error message.
    `about` names the object the refusal is about when one request handles several (a bulk
    action): "<about>: <message>".
    """
    message = refusal.message
    if about is not None:
        message = gettext("%(about)s: %(message)s") % {"about": about, "message": message}
    if isinstance(target, BaseForm):
        if about is None and len(refusal.errors) > 1:
            for name, field_messages in refusal.errors.items():
                shown = _shown_field(target, name)
                for text in field_messages:
                    target.add_error(shown, ValidationError(text, code=refusal.code))
            return
        target.add_error(_shown_field(target, refusal.field), ValidationError(message, code=refusal.code))
    else:
        messages.error(target, message)


def _shown_field(form: BaseForm, name: str | None) -> str | None:
    """The field a message goes next to: the named one when the form shows it, else the form's top."""
    field = form.fields.get(name) if name else None
    return name if field is not None and not field.disabled and not field.widget.is_hidden else None
