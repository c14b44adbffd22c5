"""Subscriptions to a programme: an e-mail to each subscriber when one of its calls opens, once."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.notifications import email_batch, notify

from .models import Call, CallOpeningNotice, ProgrammeSubscription

# A call is announced during its first days; someone who subscribes later sees it on the site.
ANNOUNCE_WITHIN = timedelta(days=14)


@transaction.atomic
def subscription_toggle(*, user, programme) -> bool:
    """Subscribe, or unsubscribe if already subscribed. Returns whether the user is now subscribed."""
    deleted, _ = ProgrammeSubscription.objects.filter(user=user, programme=programme).delete()
    if deleted:
        return False
    ProgrammeSubscription.objects.create(user=user, programme=programme)
    return True


@email_batch()
def announce_open_calls(*, now=None) -> int:
    """E-mail the subscribers of each call that opened recently; each (call, subscriber) once.

    Safe to run twice or from two workers at once: the notice row is inserted in
    the same transaction as the e-mail and a unique constraint lets one insert win.
    """

    now = now or timezone.now()
    calls = list(
        Call.objects.published()
        .filter(opens_at__lte=now, closes_at__gt=now, opens_at__gt=now - ANNOUNCE_WITHIN)
        .select_related("programme__agency")
    )
    if not calls:
        return 0
    subscriptions = ProgrammeSubscription.objects.filter(
        programme__in={call.programme_id for call in calls}, user__is_active=True
    ).select_related("user")
    by_programme: dict[int, list] = {}
    for subscription in subscriptions:
        by_programme.setdefault(subscription.programme_id, []).append(subscription.user)
    done = set(CallOpeningNotice.objects.filter(call__in=calls).values_list("call_id", "user_id"))
    sent = 0
    for call in calls:
        for user in by_programme.get(call.programme_id, []):
            if (call.pk, user.pk) in done:
                continue
            try:
                with transaction.atomic():
                    CallOpeningNotice.objects.create(call=call, user=user)
                    notify(
                        user=user,
                        template="programmes/email/call_opened",
                        context={"call": call, "programme": call.programme, "base_url": settings.PORTAL_BASE_URL},
                        key=f"call-opened:{call.pk}:{user.pk}",
                    )
            except IntegrityError:
                continue
            sent += 1
    return sent
