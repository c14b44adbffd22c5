"""The programme's funding rate, minimum and maximum grant become rules of its calls, then go.

One source for every amount: the rules engine read the call's rules while the public page and the
payable amount read the programme's fields, so the two could disagree (a programme rate of 40%
against a call rule of 50%: a grant that could never be paid in full). Each call of a programme
that had such values, and whose rules lack them, gets the equivalent rule:

- the rate: a `funding_rate` rule, placed before the call's first funding rule (so it applies to
  the eligible costs, as the programme's rate did);
- the maximum: a `grant_cap` rule, unless the call's rules already cap every application at no
  more than it (a grant cap, a grant range's upper limit, a stage cap for every stage, or a cap
  per company when a single company applies);
- the minimum: a `grant_range` rule with the minimum (below it the application is not eligible),
  unless the call already has a minimum grant.

Where a call already has a rule, the call's rule stays: it is what the engine decided with.
"""

from django.db import migrations

FUNDING_CODES = {"funding_rate", "grant_cap", "stage_cap", "per_company_cap", "grant_range"}
STAGES = {"initiation", "development", "consolidated"}


def _choices(row):
    return {c.strip() for c in (row.choices or "").split(",") if c.strip()}


def _caps_every_application(rows, programme, maximum):
    covered = set()
    for row in rows:
        amount = row.limit if row.code == "grant_range" else row.amount
        if amount is None or amount > maximum:
            continue
        if row.code in ("grant_cap", "grant_range"):
            return True
        if row.code == "per_company_cap" and programme.applicant_type == "company":
            return True
        if row.code == "stage_cap":
            covered |= _choices(row)
    return STAGES <= covered


def programme_amounts_to_rules(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    CallRule = apps.get_model("programmes", "CallRule")
    programmes = Programme.objects.exclude(funding_rate=None, grant_min=None, grant_max=None)
    for programme in programmes.prefetch_related("calls"):
        for call in programme.calls.all():
            rows = list(CallRule.objects.filter(call=call).order_by("position", "pk"))
            ordered = list(rows)
            added = False
            if programme.funding_rate is not None and not any(r.code == "funding_rate" for r in rows):
                first_funding = next((i for i, r in enumerate(ordered) if r.code in FUNDING_CODES), len(ordered))
                ordered.insert(first_funding, CallRule(call=call, code="funding_rate", rate=programme.funding_rate))
                added = True
            if programme.grant_max is not None and not _caps_every_application(rows, programme, programme.grant_max):
                last_funding = max((i for i, r in enumerate(ordered) if r.code in FUNDING_CODES), default=-1)
                ordered.insert(last_funding + 1, CallRule(call=call, code="grant_cap", amount=programme.grant_max))
                added = True
            has_minimum = any(r.code == "grant_range" and r.amount is not None for r in rows)
            if programme.grant_min is not None and not has_minimum:
                last_funding = max((i for i, r in enumerate(ordered) if r.code in FUNDING_CODES), default=-1)
                ordered.insert(last_funding + 1, CallRule(call=call, code="grant_range", amount=programme.grant_min))
                added = True
            if not added:
                continue
            # The call's order, numbered again so each added rule sits where it applies.
            for position, row in enumerate(ordered, start=1):
                if row.pk is None:
                    row.position = position
                    row.save()
                elif row.position != position:
                    row.position = position
                    row.save(update_fields=["position"])



class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0015_aid_corrections'),
    ]

    operations = [
        # Backwards the fields come back empty: the amounts live on as the calls' rules, which
        # the engine reads; nothing honest could be written back to the programme, hence noop.
        migrations.RunPython(programme_amounts_to_rules, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='programme',
            name='programme_funding_rate_0_100',
        ),
        migrations.RemoveConstraint(
            model_name='programme',
            name='programme_grant_min_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='programme',
            name='programme_grant_max_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='programme',
            name='programme_grant_min_le_max',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='funding_rate',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='grant_max',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='grant_min',
        ),
    ]
