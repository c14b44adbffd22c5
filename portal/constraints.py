"""Plain messages out: a database constraint a form trips is reported next to the field it is about.

Every `CheckConstraint` and `UniqueConstraint` of the project's models carries a plain,
translatable `violation_error_message` (and a `violation_error_code`, its name), so nobody reads
Django's default "Constraint “…” is violated.". Django reports a model constraint's error as a
non-field error; models that inherit `ConstraintErrorsOnFields` report it on the one field the
constraint names, so a form (public or admin) shows it next to that field and keeps the rest of
the input.

A constraint over several fields says where its error goes in the model's
`constraint_error_fields` ({constraint name: field name, or None for the whole record}); the
project's tests require that choice for every such constraint.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP


def _referenced_names(node):
    """The field names a constraint's condition or expression refers to."""
    if isinstance(node, Q):
        for child in node.children:
            yield from _referenced_names(child)
    elif isinstance(node, tuple):
        lookup, value = node
        yield lookup.split(LOOKUP_SEP)[0]
        yield from _referenced_names(value)
    elif isinstance(node, F):
        yield node.name.split(LOOKUP_SEP)[0]
    elif hasattr(node, "get_source_expressions"):
        for source in node.get_source_expressions():
            yield from _referenced_names(source)


def constraint_field_names(constraint) -> list[str]:
    """The fields a constraint is about, in the order it names them."""
    nodes = [*getattr(constraint, "expressions", ())]
    if getattr(constraint, "condition", None) is not None:
        nodes.append(constraint.condition)
    names = list(getattr(constraint, "fields", ()))
    for node in nodes:
        names.extend(_referenced_names(node))
    return list(dict.fromkeys(names))


def constraint_error_field(model, constraint) -> str | None:
    """The field whose form field shows this constraint's error; None for the whole record."""
    declared = getattr(model, "constraint_error_fields", {})
    if constraint.name in declared:
        return declared[constraint.name]
    names = constraint_field_names(constraint)
    return names[0] if len(names) == 1 else None


class ConstraintErrorsOnFields:
    """Model mixin: a constraint's validation error is reported on the field it is about."""

    constraint_error_fields: dict[str, str | None] = {}

    def validate_constraints(self, exclude=None):
        # Django's loop, with the error put under the constraint's field instead of the record.
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = constraint_error_field(model_class, constraint) or NON_FIELD_ERRORS
                    errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)

    def full_clean(self, *args, **kwargs):
        try:
            super().full_clean(*args, **kwargs)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            # A model's clean() may say what one of its constraints says (for the services that
            # skip the constraints, e.g. application_exactly_one_applicant): say it once.
            once = {}
            for field, errors in error.error_dict.items():
                kept = {}
                for each in errors:
                    kept.setdefault(" ".join(each.messages), each)
                once[field] = list(kept.values())
            raise ValidationError(once) from None
