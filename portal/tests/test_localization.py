"""Numbers as people write them: read and shown the active language's way, in every form and admin form."""

import importlib
import pkgutil
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from django.utils.formats import get_format

from portal.localization import (
    LocalDecimalField,
    LocalIntegerField,
    LocalNumberInput,
    LocalNumberMixin,
    LocalSmallNumberInput,
    parse_local_number,
)

D = Decimal
PROJECT_PACKAGES = ("portal", "consortia", "programmes", "applications")

# language: (decimal separator, thousands separator, 1500.50 grouped, 1500.50 plain)
WRITTEN = {
    "en": (".", ",", "1,500.50", "1500.50"),
    "es": (",", ".", "1.500,50", "1500,50"),
    "it": (",", ".", "1.500,50", "1500,50"),
    "pt": (",", ".", "1.500,50", "1500,50"),
}
LANGUAGES = list(WRITTEN)
EUROPEAN = ["es", "it", "pt"]


def amount_field():
    return LocalDecimalField(max_digits=14, decimal_places=2)


def shown(field, value) -> str:
    html = field.widget.render("amount", value)
    return re.search(r'value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_the_separators_its_people_write(language):
    decimal, thousands, _grouped, _plain = WRITTEN[language]

    with translation.override(language):
        assert get_format("DECIMAL_SEPARATOR") == decimal
        assert get_format("THOUSAND_SEPARATOR") == thousands


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amount_is_shown_the_local_way_and_taken_back_unchanged(language):
    _decimal, _thousands, grouped, _plain = WRITTEN[language]
    field = amount_field()

    with translation.override(language):
        value = shown(field, D("1500.50"))
        assert value == grouped
        assert field.clean(value) == D("1500.50")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amount_is_read_with_or_without_thousands_separators(language):
    _decimal, _thousands, grouped, plain = WRITTEN[language]

    with translation.override(language):
        assert amount_field().clean(grouped) == D("1500.50")
        assert amount_field().clean(plain) == D("1500.50")
        assert amount_field().clean(f"  {plain} ") == D("1500.50")
        assert amount_field().clean("1 500" + plain[4:]) == D("1500.50")  # a space groups in any language


@pytest.mark.parametrize("language", EUROPEAN)
def test_in_spanish_italian_and_portuguese_a_point_groups_thousands_and_a_comma_marks_decimals(language):
    with translation.override(language):
        assert amount_field().clean("1.500") == D("1500")
        assert amount_field().clean("1,5") == D("1.5")
        assert amount_field().clean("1.234.567,89") == D("1234567.89")
        assert amount_field().clean(",5") == D("0.5")


def test_in_english_a_comma_groups_thousands_and_a_point_marks_decimals():
    with translation.override("en"):
        assert amount_field().clean("1,500") == D("1500")
        assert amount_field().clean("1.5") == D("1.5")
        assert amount_field().clean("1,234,567.89") == D("1234567.89")


@pytest.mark.parametrize(
    "language, text",
    [
        ("es", "1.500.5"),  # a group of one digit: not a number in Spanish
        ("es", "1500.50"),  # the English way: a point only ever groups thousands here
        ("es", "1.5"),
        ("es", "1,500.50"),
        ("es", "15,00,00"),
        ("es", "12a"),
        ("it", "1.50.000"),
        ("pt", "1..500"),
        ("en", "1,5"),
        ("en", "1500,50"),
        ("en", "1.500,50"),
        ("en", "1.500.5"),
        ("es", "0.500"),  # a fraction written with three decimals the English way: not 500
        ("pt", "0.250,00"),
        ("en", "0,750"),
    ],
)
def test_a_number_that_is_wrong_for_the_language_is_refused_with_how_to_write_it(language, text):
    _decimal, _thousands, grouped, plain = WRITTEN[language]

    with translation.override(language):
        with pytest.raises(forms.ValidationError) as refused:
            amount_field().clean(text)

        # The message is the language's own, with the examples written its way.
        how = translation.gettext("Write the number like %(grouped)s or %(plain)s.")
        assert refused.value.messages == [how % {"grouped": grouped, "plain": plain}]
        assert grouped in refused.value.messages[0]


def test_decimals_beyond_cents_are_refused_not_rounded():
    with translation.override("es"), pytest.raises(forms.ValidationError) as refused:
        amount_field().clean("1,505")  # 1.505 in Spanish, or an English 1505: neither is guessed

    assert refused.value.error_list[0].code == "max_decimal_places"


def test_the_typed_digits_are_kept():
    with translation.override("es"):
        assert str(parse_local_number("1.500,50")) == "1500.50"
        assert str(parse_local_number("-2,5")) == "-2.5"
        with pytest.raises(ValueError):
            parse_local_number("½")
        with pytest.raises(ValueError):
            parse_local_number("١٢")  # digits of another script are not taken for 0-9


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whole_number_is_grouped_unless_it_is_small(language):
    thousands = WRITTEN[language][1]

    with translation.override(language):
        assert shown(LocalIntegerField(), 1500) == f"1{thousands}500"
        assert LocalIntegerField().clean(f"1{thousands}500") == 1500
        assert shown(LocalIntegerField(widget=LocalSmallNumberInput), 2026) == "2026"


def test_a_whole_number_with_decimals_is_refused():
    with translation.override("es"), pytest.raises(forms.ValidationError) as refused:
        LocalIntegerField().clean("1,5")

    assert refused.value.messages == ["Write a whole number like 1.500 or 1500."]


def test_what_was_typed_is_shown_back_as_typed():
    field = amount_field()

    with translation.override("es"):
        assert shown(field, "1.500.5") == "1.500.5"


def test_a_number_input_is_a_text_input_that_asks_for_the_digit_keyboard():
    html = amount_field().widget.render("amount", D("3"))

    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html


# Enumeration: every number field of every form and admin form of the project is one of ours.


def project_modules():
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            # Settings modules read the environment; tests and migrations have no forms of the site.
            if any(part in info.name.split(".") for part in ("settings", "tests", "migrations", "wsgi")):
                continue
            yield importlib.import_module(info.name)


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def project_form_classes():
    list(project_modules())
    return sorted(
        {
            cls
            for cls in subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in PROJECT_PACKAGES and ".tests" not in cls.__module__
        },
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def unlocalized(fields) -> list[str]:
    return [
        name
        for name, field in fields.items()
        if isinstance(field, forms.IntegerField)  # DecimalField and FloatField too
        and not (isinstance(field, LocalNumberMixin) and isinstance(field.widget, LocalNumberInput))
    ]


def is_admin_module(name: str) -> bool:
    return "admin" in name.rsplit(".", 1)[-1]


def test_every_number_field_of_every_project_form_is_written_the_local_way():
    found = {}
    for form_class in project_form_classes():
        # An admin's ModelForm gets its model fields from the admin (next test); its own fields count here.
        own = form_class.declared_fields if is_admin_module(form_class.__module__) else form_class.base_fields
        if names := unlocalized(own):
            found[f"{form_class.__module__}.{form_class.__qualname__}"] = names

    assert found == {}
    # The walk does see the forms: the budget line's and the admin's approval form among them.
    names = {cls.__qualname__ for cls in project_form_classes()}
    assert {"BudgetLineForm", "ExpenseForm", "OrganisationForm", "ApproveForm", "PaymentForm"} <= names


@pytest.mark.django_db
def test_every_number_field_of_every_project_admin_and_inline_is_written_the_local_way(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    found, checked = {}, 0
    for model_admin in admin.site._registry.values():
        if type(model_admin).__module__.split(".")[0] not in PROJECT_PACKAGES:
            continue  # Django's, allauth's and Celery beat's own admins
        for each in [model_admin, *model_admin.get_inline_instances(request, None)]:
            readonly = set(each.get_readonly_fields(request, None))
            fields = {}
            for db_field in each.model._meta.get_fields():
                if getattr(db_field, "editable", False) and db_field.concrete and db_field.name not in readonly:
                    formfield = each.formfield_for_dbfield(db_field, request)
                    if formfield is not None:
                        fields[db_field.name] = formfield
            checked += len(fields)
            if names := unlocalized(fields):
                found[f"{type(each).__module__}.{type(each).__qualname__}"] = names

    assert found == {}
    assert checked > 100


@pytest.mark.django_db
def test_the_admin_shows_and_takes_back_an_amount_the_local_way(client, superuser):
    from programmes.tests.factories import CallFactory

    call = CallFactory(budget=D("58000.00"))
    client.force_login(superuser)

    html = client.get(f"/es/admin/programmes/call/{call.pk}/change/").content.decode()

    budget = re.search(r'<input[^>]*name="budget"[^>]*>', html).group(0)
    assert 'value="58.000,00"' in budget
    assert 'type="text"' in budget
