from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from programmes.selectors import programmes_with_open_calls


@transaction.non_atomic_requests
def home(request):
    with_calls, without = programmes_with_open_calls()
    return render(
        request,
        "portal/home.html",
        {"programmes": with_calls, "other_programmes": without, "now": timezone.now()},
    )


@never_cache
@transaction.non_atomic_requests
def health(request):
    """For load balancers and monitoring: 200 when the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    try:
        cache.set("health-probe", "1", 10)
        checks["cache"] = "ok" if cache.get("health-probe") == "1" else "error"
    except Exception:
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@login_required
def my_portal(request):
    """The applicant's home: organisations, consortia, applications with their next step, things to answer."""
    from applications.selectors import applications_of
    from consortia import selectors as consortia_selectors

    return render(
        request,
        "portal/my_portal.html",
        {
            "organisations": list(consortia_selectors.organisations_of(request.user).order_by("legal_name")),
            "consortia": list(consortia_selectors.consortia_of(request.user).order_by("name")),
            "applications": list(applications_of(request.user)),
            "invitations": list(consortia_selectors.pending_invitations(request.user)),
            "requests": list(consortia_selectors.pending_requests(request.user)),
        },
    )
