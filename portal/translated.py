"""Agency content in the portal's four languages: one column per language, and which one a reader gets.

An agency writes its programmes, calls, cost categories, review criteria and rule notes in its own
language and translates them into the others; the admin shows the four side by side.
`Translated(field)` declares one column per language of `settings.LANGUAGES` (`title_en`,
`title_es`, `title_it`, `title_pt`, with django-translated-fields: plain columns, no rewriting of
queries) and reads `obj.title` as:

1. the reader's language (the active one), when that column has a text;
2. else the agency's own language (`content_language` of the object: its agency's `language`);
3. else English;
4. else whichever language has a text, so nothing shows empty while a translation exists.

The agency is looked up only when two or more other languages have a text (with one, it is the
answer): a page in the reader's language, or content in one language, costs no query.

Setting `obj.title` (a factory, a script, `Model(title=...)`) writes the active language's column,
English outside a request. Queries name the columns (`title_en`, ...); `translated_value()`
builds the SQL expression of the same choice, for lists, exports and ordering in the reader's
language; `any_language()` a sort key the same for every reader (default orderings, cached figures).

A text that was required is required in the agency's language or in English (`clean()` of
`TranslatedContent`): the last steps of the fallback always find a text.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from translated_fields import TranslatedField, to_attribute

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DEFAULT = "en"


def reading_language() -> str:
    """The active language if the portal speaks it, else English."""
    language = (translation.get_language() or DEFAULT).split("-")[0]
    return language if language in LANGUAGES else DEFAULT


def pick(values: dict[str, str], own) -> str:
    """The text a reader gets among `values` (language -> text); `own()` gives the agency's language."""
    current = reading_language()
    if values.get(current):
        return values[current]
    present = [language for language in LANGUAGES if values.get(language)]
    if len(present) <= 1:
        return values[present[0]] if present else ""
    for language in (own(), DEFAULT):
        if values.get(language):
            return values[language]
    return values[present[0]]


def _fallback_getter(name, field):
    def get(obj):
        values = {language: getattr(obj, to_attribute(name, language)) or "" for language in LANGUAGES}
        return pick(values, lambda: obj.content_language)

    return get


class Texts:
    """A text in every language, shown in the reader's language when it is drawn.

    For figures kept once for every language (the dashboard's cache): `str()` picks as `Translated`
    does, at the moment the page is drawn.
    """

    def __init__(self, values: dict[str, str], own: str = DEFAULT):
        self.values = {language: values.get(language) or "" for language in LANGUAGES}
        self.own = own

    @classmethod
    def of(cls, obj, name: str) -> "Texts":
        """The text `name` of a model instance, in every language (its agency's relations loaded)."""
        return cls(
            {language: getattr(obj, to_attribute(name, language)) for language in LANGUAGES}, obj.content_language
        )

    @classmethod
    def from_row(cls, row: dict, prefix: str, own_key: str | None = None) -> "Texts":
        """From a `values()` row holding `<prefix>_<language>` for each language (and the agency's language)."""
        return cls({language: row.get(f"{prefix}_{language}") for language in LANGUAGES}, row.get(own_key) or DEFAULT)

    def __str__(self):
        return pick(self.values, lambda: self.own)

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def __repr__(self):
        return f"Texts({self.values!r})"


def _setter(name, field):
    def set_(obj, value):
        setattr(obj, to_attribute(name, reading_language()), value)

    return set_


class Translated(TranslatedField, property):
    """One column per language, read with the agency's fallback (see the module).

    A `property` too, so that `Model(title=...)` and `objects.create(title=...)` are accepted
    (Django passes unknown keyword arguments that name a property to its setter).
    """

    def __init__(self, field):
        self.required = not field.blank
        super().__init__(
            field,
            {language: {"blank": True} for language in LANGUAGES},
            attrgetter=_fallback_getter,
            attrsetter=_setter,
        )

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        # The property's own getter and setter too: `get_or_create(defaults={"title": ...})` asks for `fset`.
        property.__init__(self, self._getter, self._setter)
        self.name = name
        cls._translated_fields = {**getattr(cls, "_translated_fields", {}), name: self}


class TranslatedContent:
    """Mixin of a model with `Translated` fields: whose language it is written in, and what is required."""

    _translated_fields: dict = {}

    @property
    def content_language(self) -> str:
        """The agency's own language (each model says where its agency is)."""
        agency = self.content_agency
        return agency.language if agency is not None else DEFAULT

    @property
    def content_agency(self):
        raise NotImplementedError

    def clean(self):
        super().clean()
        errors = {}
        agency = self.content_agency_or_none()
        own = agency.language if agency is not None else DEFAULT
        for name, field in self._translated_fields.items():
            if not field.required:
                continue
            if not any(getattr(self, to_attribute(name, language)) for language in {own, DEFAULT}):
                errors[to_attribute(name, own)] = ValidationError(
                    _("Write this in the agency's language or in English; the other languages are optional."),
                    code="required",
                )
        if errors:
            raise ValidationError(errors)

    def content_agency_or_none(self):
        try:
            return self.content_agency
        except ObjectDoesNotExist:  # a form's object whose programme or call is not chosen yet
            return None


def translated_value(name: str, *, agency_language: str, language: str | None = None):
    """SQL for the text a reader gets of `name` (e.g. "call__title"), with the fallback of `Translated`.

    `agency_language` is the path to the agency's `language` (e.g. "call__programme__agency__language").
    """
    language = language or reading_language()
    column = {code: NullIf(F(f"{name}_{code}"), Value("")) for code in LANGUAGES}
    own = Case(
        *[When(**{agency_language: code}, then=column[code]) for code in LANGUAGES],
        default=Value(None),
        output_field=CharField(),
    )
    rest = [column[code] for code in LANGUAGES if code not in (language, DEFAULT)]
    return Coalesce(column[language], own, column[DEFAULT], *rest, Value(""), output_field=CharField())


def any_language(name: str):
    """SQL for a text in whichever language it is written, English first: a sort key the same for every
    reader, for a model's default ordering and for figures kept once for every language (the
    dashboard). Content written only in the agency's language sorts by that text, not as blank."""
    columns = [NullIf(F(f"{name}_{code}"), Value("")) for code in [DEFAULT, *(c for c in LANGUAGES if c != DEFAULT)]]
    return Coalesce(*columns, Value(""), output_field=CharField())


def translation_columns(*names: str) -> list[str]:
    """The columns of each name, in the languages' order: for admin search, `only()`, fieldsets."""
    return [to_attribute(name, language) for name in names for language in LANGUAGES]
