"""Admin pages whose writes a service does, and a service's refusal shown next to the field it is about.

Every door that changes money or status calls the same service (docs/architecture.md). On such a
page the admin form only reads what staff typed: the admin's save calls the service, from
`save_model` for the page's object or from the inline formset's `save_new` for a new row. The
fields the service sets once (an amount, a date that decides who owes what) are read-only or
disabled on an existing object, so a forged POST cannot change them.

The service may still refuse when the admin saves: a rule only it checks, or a row another clerk
changed in between. That is not an error page: the exception leaves the admin's transaction,
which is rolled back, and the same POST is validated once more with the refusal added to the form
it concerns (the page's form, or the inline row by its prefix). The page comes back with each
message next to the field it names (`refusal.errors`, field name -> messages) and every other
input kept.
"""

from django import forms
from django.contrib import messages
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect

from .refusals import Refused, show_refusal

# Where the refusal of the first attempt waits for the second one.
_REFUSED = "_service_refused"


class RefusedOn(Refused):
    """A service refused the write of one form of the page: `prefix` names it (None: the page's own form)."""

    def __init__(self, refusal, prefix=None):
        if isinstance(refusal, Refused):
            super().__init__(refusal.message, field=refusal.field, code=refusal.code, errors=refusal.errors)
        else:
            super().__init__(str(refusal))
        self.refusal, self.prefix = refusal, prefix


def adopt(obj, created) -> None:
    """The admin goes on with the object it built (its inlines and its log point at it): it becomes
    the one the service created."""
    obj.__dict__.update({key: value for key, value in created.__dict__.items() if key != "_state"})
    obj._state.adding = False
    obj._state.db = created._state.db


class ServiceForm(forms.ModelForm):
    """The form of a page or an inline row whose new object a service writes.

    For a new object the service checks uniqueness and the database constraints itself, under its
    locks (it may end a manager's term before appointing the next one): the form leaves them to it.
    `set_once`: fields the service sets, disabled on an existing row (a disabled field keeps its value
    whatever is posted).
    """

    set_once: tuple[str, ...] = ()
    # Set on the form class the admin builds for one request, after a refused first attempt.
    refused: RefusedOn | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            for name in self.set_once:
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.refused is not None and self.refused.prefix == self.prefix:
            show_refusal(self, self.refused.refusal)
        return cleaned

    def validate_unique(self):
        if not self.instance._state.adding:
            super().validate_unique()


class ServiceInlineFormSet(BaseInlineFormSet):
    """Inline rows whose new ones a service records: `record(form)` calls it with `self.by` (the user)
    and returns the object; `refusals` are the exceptions by which the service says no."""

    refusals: tuple[type[Exception], ...] = ()
    by = None  # set on the formset class the inline builds for one request

    def record(self, form):
        raise NotImplementedError

    def validate_unique(self):
        # A new row is checked against the others by the service, under its lock, with its own message.
        pass

    def save_new(self, form, commit=True):
        try:
            return self.record(form)
        except self.refusals as refusal:
            raise RefusedOn(refusal, form.prefix) from refusal


class ServiceInline:
    """Mixin for an inline whose formset is a ServiceInlineFormSet and whose form is a ServiceForm."""

    def get_formset(self, request, obj=None, **kwargs):
        # The admin builds the classes for each request: what is set on them stays with this request.
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user
        formset.form.refused = getattr(request, _REFUSED, None)
        return formset


class ServiceAdmin:
    """Mixin for a ModelAdmin whose saves call services (see the module): `service_refusals` are the
    exceptions by which its services say no; `save_model` calls the service for the page's object."""

    form = ServiceForm
    service_refusals: tuple[type[Exception], ...] = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.refused = getattr(request, _REFUSED, None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedOn as refused:
            first = refused
        except self.service_refusals as refusal:
            first = RefusedOn(refusal)
        # The first attempt is rolled back; the second shows its refusal on the form.
        setattr(request, _REFUSED, first)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (RefusedOn, *self.service_refusals) as refusal:
            # Refused again on another ground (a row changed meanwhile): said above the page.
            messages.error(request, str(refusal))
            return redirect(request.get_full_path())
