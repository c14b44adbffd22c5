"""Clean text in: the one rule for every text a person types, and the model fields that apply it.

Names, titles and descriptions are shown to staff, to other applicants and in the open data, so
a text must look like what it is. Invisible characters break that:

- bidi controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) reorder what follows
  them, so "\u202eLS acme" is shown as "emca SL" and a name can pass for another;
- other format characters (Unicode category Cf: zero-width spaces and joiners U+200B..U+200D,
  word joiner U+2060, byte order mark U+FEFF, soft hyphen U+00AD...) make two names that look
  the same compare different, and defeat searches and duplicate checks.

`clean_text` removes every format character (Cf), control characters other than tab and line
breaks (Cc), and lone surrogates (Cs, which cannot be stored as UTF-8), and normalises to NFC (so
"é" typed as e + combining accent is the same name as "é"). Forms then trim the surrounding
whitespace, as they always did; code that writes a model keeps its spaces.

The zero-width joiner and non-joiner (U+200D, U+200C) are removed too. They shape some scripts
(Persian, Indic) and emoji sequences, but the portal's programmes work in Spanish, Italian,
Portuguese and English, whose names never need them, while they are a common way to make a
look-alike name. The cost, an emoji family shown as its separate people in a free text, is
accepted. Unassigned code points (Cn) are kept: they may be characters newer than this Python.

Every door uses the rule through the model fields below (`models.py` declares its texts with
them): a form field built from them cleans the typed value before it is validated, `full_clean`
cleans the instance, and every write (`save`, `create`, `bulk_create`, `update`) stores the
clean value, so public forms, admin forms, services, imports and tasks cannot store a dirty text.
"""

import unicodedata

from django import forms
from django.db import models

# Tab, line feed and carriage return are the only control characters a text keeps.
_KEPT_CONTROLS = frozenset("\t\n\r")
_REMOVED_CATEGORIES = frozenset({"Cf", "Cc", "Cs"})


def _is_removed(char: str) -> bool:
    return char not in _KEPT_CONTROLS and unicodedata.category(char) in _REMOVED_CATEGORIES


def clean_text(value: str) -> str:
    """The text without invisible format and control characters, in NFC.

    >>> clean_text("\u202eACME\u200b S.L.")
    'ACME S.L.'
    """
    if value.isascii() and value.isprintable():
        # The common case (plain ASCII without controls) costs one scan.
        return value
    cleaned = "".join(char for char in value if not _is_removed(char))
    if not unicodedata.is_normalized("NFC", cleaned):
        cleaned = unicodedata.normalize("NFC", cleaned)
    return cleaned


class CleanTextFormField(forms.CharField):
    """A form's text field that cleans what is typed before trimming and validating it (length, required)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_text(value)
        return super().to_python(value)


class CleanTextMixin:
    """A model text field whose values are cleaned (`clean_text`) at every door.

    - `to_python` is what `full_clean` and every query go through (Django's CharField and
      TextField prepare their values with it), so validation sees the clean text and
      `update()` and lookups use it;
    - `pre_save` writes the clean value back on the instance, so what the page shows after a
      save is what is stored;
    - `formfield` gives forms (public and admin) a field that cleans before validating.

    Migrations see Django's own field (see `deconstruct`), like `portal.money.MoneyField`: the
    rule lives here, not in the database schema.
    """

    django_path: str

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        cleaned = self.to_python(value)
        if cleaned != value:
            setattr(model_instance, self.attname, cleaned)
        return cleaned

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.django_path, args, kwargs


class CleanCharField(CleanTextMixin, models.CharField):
    """A single-line text (names, titles...) that loses invisible characters on input."""

    django_path = "django.db.models.CharField"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CleanTextFormField, **kwargs})


class CleanTextField(CleanTextMixin, models.TextField):
    """A multi-line text (descriptions, notes, reports) that loses invisible characters on input."""

    django_path = "django.db.models.TextField"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CleanTextFormField, **kwargs})


# E-mail addresses, web addresses and slugs are checked by their validators, which refuse an
# invisible character when typed in a form; they are cleaned too when written by code.


class CleanEmailField(CleanTextMixin, models.EmailField):
    django_path = "django.db.models.EmailField"


class CleanURLField(CleanTextMixin, models.URLField):
    django_path = "django.db.models.URLField"


class CleanSlugField(CleanTextMixin, models.SlugField):
    django_path = "django.db.models.SlugField"
