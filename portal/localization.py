"""Numbers as people write them: every number a form takes is read and shown the active language's way.

In Spanish, Italian and Portuguese an amount is written 1.500,50 or 1500,50 (a point groups the
thousands, a comma marks the decimals); in English 1,500.50 or 1500.50. A form shows a number
the same way, so what a page shows is always accepted back.

The rule lives here, once:
- `parse_local_number` reads a number in the active language (separators from the format
  modules, `portal/formats/`);
- `LocalDecimalField` and `LocalIntegerField` are the form fields, drawn as text inputs with
  `inputmode` (a `type="number"` input cannot hold "1.500,50");
- `NUMBER_FORMFIELDS` maps the model fields to them: `localized_formfield` applies it to a
  ModelForm (`Meta.formfield_callback`), `LocalNumbersAdmin` to an admin and its inlines.

Input that is not a number in the active language, such as "1.500.5" in Spanish (a group of one
digit) or "1,5" in English, is refused with the example of how to write it: a point in Spanish
is only ever the thousands separator, so a guess could be off by a factor of a thousand.

`USE_THOUSAND_SEPARATOR` stays off on purpose: it would also group every number a template
prints, ids in links and years included ("2.026").
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

# Spaces people put between groups of thousands, in any language (plain, no-break, narrow, thin).
GROUP_SPACES = " \u00a0\u202f\u2009"
DIGITS = re.compile(r"[0-9]+")
FIRST_GROUP = re.compile(r"[1-9][0-9]{0,2}")
# The examples in the error messages, written the active language's way.
EXAMPLE_DECIMAL = Decimal("1500.50")
EXAMPLE_WHOLE = 1500


def parse_local_number(text: str) -> Decimal:
    """Read a number written the active language's way; ValueError if it is not one.

    Thousands may be grouped by the language's separator or by spaces, in groups of three;
    the decimals follow the language's decimal separator. The digits typed are kept, so
    "1.500,50" in Spanish is Decimal("1500.50") and the field can check its decimal places.
    """
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    group_separators = set(get_format("THOUSAND_SEPARATOR") + GROUP_SPACES) - {decimal_separator}
    value = text.strip()
    sign = "-" if value.startswith("-") else ""
    if value[:1] in ("-", "+"):
        value = value[1:]
    if value.count(decimal_separator) > 1:
        raise ValueError(text)
    whole, _separator, fraction = value.partition(decimal_separator)
    if fraction and not DIGITS.fullmatch(fraction):
        raise ValueError(text)
    groups = re.split("[" + re.escape("".join(sorted(group_separators))) + "]", whole)
    if len(groups) > 1:
        first, rest = groups[0], groups[1:]
        # A grouped number starts with 1 to 3 digits, not with 0: "0.500" in Spanish is not 500.
        if not (FIRST_GROUP.fullmatch(first) and all(len(g) == 3 and DIGITS.fullmatch(g) for g in rest)):
            raise ValueError(text)
        whole = "".join(groups)
    elif whole and not DIGITS.fullmatch(whole):
        raise ValueError(text)
    if not whole and not fraction:
        raise ValueError(text)
    return Decimal(f"{sign}{whole or '0'}.{fraction}" if fraction else f"{sign}{whole}")


def local_number(value, *, group_thousands: bool = True) -> str:
    """A number written the active language's way, for an input: 1.500,50 in Spanish."""
    return number_format(value, use_l10n=True, force_grouping=group_thousands)


class LocalNumberInput(forms.TextInput):
    """A text input for a number, shown the active language's way.

    What the user typed comes back as typed (a form shown again with an error keeps it);
    a number from the database or an initial value is written locally.
    """

    group_thousands = True

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return local_number(value, group_thousands=self.group_thousands)
        return str(value)


class LocalWholeNumberInput(LocalNumberInput):
    """A count (SMEs reached, jobs): phones show the digit pad."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", **(attrs or {})})


class LocalSmallNumberInput(LocalWholeNumberInput):
    """A small whole number (a year, a position, a score): never grouped, 2026 not 2.026."""

    group_thousands = False


class LocalNumberMixin:
    """Reads the text typed with `parse_local_number`; a refusal shows how to write the number."""

    example = EXAMPLE_DECIMAL

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            try:
                value = self.read(value)
            except ValueError:
                raise self.invalid() from None
        try:
            return super().to_python(value)
        except ValidationError as error:
            # Django's own refusal has no example to fill in: give ours.
            if error.code == "invalid":
                raise self.invalid() from None
            raise

    def read(self, text: str):
        return parse_local_number(text)

    def invalid(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid"],
            code="invalid",
            params={"grouped": local_number(self.example), "plain": local_number(self.example, group_thousands=False)},
        )


class LocalDecimalField(LocalNumberMixin, forms.DecimalField):
    """An amount, a percentage or another decimal, written the active language's way."""

    widget = LocalNumberInput
    default_error_messages = {"invalid": _("Write the number like %(grouped)s or %(plain)s.")}


class LocalIntegerField(LocalNumberMixin, forms.IntegerField):
    """A whole number, written the active language's way (1.500 in Spanish)."""

    widget = LocalWholeNumberInput
    default_error_messages = {"invalid": _("Write a whole number like %(grouped)s or %(plain)s.")}
    example = EXAMPLE_WHOLE

    def read(self, text: str) -> int:
        number = parse_local_number(text)
        if number != number.to_integral_value():
            raise ValueError(text)
        return int(number)


# Model field -> how a form takes it. The most specific class in a field's MRO wins (as in
# ModelAdmin.formfield_overrides), so small integers are not grouped while other integers are.
NUMBER_FORMFIELDS = {
    models.DecimalField: {"form_class": LocalDecimalField, "widget": LocalNumberInput},
    models.IntegerField: {"form_class": LocalIntegerField, "widget": LocalWholeNumberInput},
    models.BigIntegerField: {"form_class": LocalIntegerField, "widget": LocalWholeNumberInput},
    models.SmallIntegerField: {"form_class": LocalIntegerField, "widget": LocalSmallNumberInput},
}


def number_formfield_options(db_field) -> dict | None:
    """How a form takes this model field if it is a number; None for every other field."""
    if db_field.choices:
        return None  # a number from a list is a select, not typed
    for klass in type(db_field).__mro__:
        if klass in NUMBER_FORMFIELDS:
            return NUMBER_FORMFIELDS[klass]
    return None


def localized_formfield(db_field, **kwargs):
    """`formfield_callback` for a ModelForm: its number fields written the local way.

    A widget given in `Meta.widgets` is kept unless it is a `type="number"` input, which
    cannot hold a local number.
    """
    options = number_formfield_options(db_field)
    if options is not None:
        widget = kwargs.get("widget")
        if widget is None or _is_number_input(widget):
            kwargs["widget"] = options["widget"]
        kwargs.setdefault("form_class", options["form_class"])
    return db_field.formfield(**kwargs)


def _is_number_input(widget) -> bool:
    return (isinstance(widget, type) and issubclass(widget, forms.NumberInput)) or isinstance(widget, forms.NumberInput)


class LocalNumbersAdmin:
    """ModelAdmin mixin: number fields written the local way, on its own form and its inlines'.

    Inlines are plain Django classes declared next to each admin; they take the same overrides
    when the page builds them, so a new inline needs nothing.
    """

    formfield_overrides = NUMBER_FORMFIELDS

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            for klass, options in NUMBER_FORMFIELDS.items():
                inline.formfield_overrides[klass] = {**inline.formfield_overrides.get(klass, {}), **options}
        return inlines
