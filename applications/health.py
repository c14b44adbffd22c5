"""`/health/detail/`: what operators watch, in one JSON, for staff or for a monitoring token.

The portal's own checks (database, cache, broker, the worker's and beat's heartbeats: see
portal/operations.py), the outbox (pending e-mails and the age of the oldest, failed and
unconfirmed ones) and the reports stuck in the background. `alerts` lists, in plain words,
what needs a person; `status` is "ok" when it is empty, "attention" otherwise. The answer is
200 either way (the page itself worked); readiness for a load balancer is `/health/ready/`.
docs/background-work.md says what to alert on.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.admin_security import has_permission
from portal.notifications import outbox_figures
from portal.operations import health_token_matches, platform_status

from .reports import reports_stuck

# An e-mail pending longer than this means the worker or the SMTP server is not keeping up.
OUTBOX_LATE_SECONDS = 10 * 60


def operations_status() -> dict:
    status = platform_status()
    outbox = outbox_figures()
    reports = reports_stuck()
    alerts = status.pop("alerts")
    oldest = outbox.get("oldest_pending_seconds")
    if oldest is not None and oldest > OUTBOX_LATE_SECONDS:
        alerts.append(f"outbox: {outbox['pending']} e-mails pending, the oldest for {oldest // 60} minutes")
    if outbox.get("failed"):
        alerts.append(f"outbox: {outbox['failed']} e-mails failed after every attempt")
    if outbox.get("unconfirmed"):
        alerts.append(f"outbox: {outbox['unconfirmed']} e-mails may or may not have been delivered")
    stuck = sum(reports.values())
    if stuck:
        alerts.append(f"reports: {stuck} stuck (a worker stopped, or none is running)")
    return {"status": "attention" if alerts else "ok", **status, "outbox": outbox, "reports": reports, "alerts": alerts}


@never_cache
@require_GET
def health_detail(request):
    """For staff signed in to the administration, or a monitor that sends `Authorization: Bearer <HEALTH_TOKEN>`."""
    # Staff as the administration admits them (second factor included), like the dashboard.
    if not has_permission(request) and not health_token_matches(request.headers.get("Authorization", "")):
        return JsonResponse({"detail": "Sign in as staff, or send the monitoring token."}, status=403)
    return JsonResponse(operations_status())
